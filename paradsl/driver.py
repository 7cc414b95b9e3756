"""The pipeline, end to end: parse, resolve, check (no jax), then lower and emit.

Checking is the checker, which builds the typed IR of each para, then the passes over that
IR in order: the symmetry check of each para (`PARA_CHECKS`), then the marking of the
stochastic paras of the program.

`check_paths` is all `para check` needs and imports nothing from jax. `compile_path` and
`load` share one lowering: `load` executes in-process exactly the source that
`para compile` writes.
"""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import ir
from .check import Checker, check_symmetry, mark_stochastic
from .diagnostics import Diagnostic, DiagnosticSink, Msg, ParaError, Span
from .resolve import ImportPolicy, Loader, Unit
from .syntax import ast


@dataclass
class CheckResult:
    programs: dict[str, ir.Program] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    #: name -> the resolved path of each file read from disk (the checked files and their imports).
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity.value == "error" for d in self.diagnostics)


@contextmanager
def _deep_recursion(limit: int = 20_000):
    """Every pass recurses once per level of nesting; a long `a + b + ...` chain is that deep."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while checking.

    Parsing and checking allocate many long-lived objects and free few; the collector's
    repeated passes over them made check time grow faster than the program. Reference
    counting still frees what is dropped, and the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_paths(paths: list[str | Path], also: tuple[str, ...] = (),
                policy: ImportPolicy = ImportPolicy()) -> CheckResult:
    """Check files; every independent error of every file is reported. `also` names paras the
    files import but do not use, to include in their programs; `policy` says where imports
    may read (anywhere by default; the command line confines them to the project)."""
    with _deep_recursion(), _no_cyclic_gc():
        return _check_paths(paths, also, policy)


#: Checks of each para's IR, in order, run as soon as the checker has built it. A para that
#: fails one is not used further, so its users report nothing more about it.
PARA_CHECKS = (check_symmetry,)


def _checked_program(checker: Checker, unit: Unit, also: tuple[str, ...], sink: DiagnosticSink) -> ir.Program | None:
    """The program of a file from its checked paras (callees first), effects marked, and its
    tasks and experiments; None after any error. Each experiment's model is among the paras,
    though nothing else in the file uses it."""
    models = tuple(c.call.name.name for e in (unit.module.decls if unit.module else ())
                   if isinstance(e, ast.ExperimentDecl) for c in e.clauses if c.kind == "model" and c.call)
    defs = checker.check_unit(unit, also + models)
    if defs is None:
        return None
    tasks, experiments = _tasks_and_experiments(checker, unit, sink)
    if sink.has_errors:
        return None
    return ir.Program(unit.file, mark_stochastic(defs), tasks, experiments)


def _tasks_and_experiments(checker: Checker, unit: Unit, sink: DiagnosticSink) -> tuple[tuple, tuple]:
    """The file's tasks and experiments, checked. The experiment checker (and the tables of
    losses, metrics and optimisers) is imported only by a file that declares one, so the REPL's
    first prompt and the check of a file of models do without it."""
    if not unit.tasks and not unit.experiments:
        return (), ()
    from .check.experiments import check_experiments

    return check_experiments(checker, unit, sink)


def _check_paths(paths: list[str | Path], also: tuple[str, ...], policy: ImportPolicy) -> CheckResult:
    sink = DiagnosticSink()
    loader = Loader(sink, policy)
    checker = Checker(loader, sink, PARA_CHECKS)
    result = CheckResult()
    for p in paths:
        try:
            unit = loader.load(p)
            program = _checked_program(checker, unit, also, sink)
        except RecursionError:
            _too_deep(sink, loader.display_name(Path(p)))
            continue
        if program is not None:
            result.programs[unit.file] = program
    result.diagnostics = sink.sorted()
    result.sources = loader.sources
    result.paths = loader.paths
    return result


def check_source(text: str, file: str = "<input>") -> CheckResult:
    with _deep_recursion(), _no_cyclic_gc():
        return _check_source(text, file)


def _check_source(text: str, file: str) -> CheckResult:
    sink = DiagnosticSink()
    loader = Loader(sink)
    try:
        unit = loader.load_source(text, file)
        program = _checked_program(Checker(loader, sink, PARA_CHECKS), unit, (), sink)
    except RecursionError:
        _too_deep(sink, file)
        return CheckResult(diagnostics=sink.sorted(), sources=loader.sources)
    result = CheckResult(diagnostics=sink.sorted(), sources=loader.sources)
    if program is not None and not sink.has_errors:
        result.programs[unit.file] = program
    return result


def _too_deep(sink: DiagnosticSink, file: str) -> None:
    """Nesting beyond the raised recursion limit: reported at the file, not as a traceback."""
    sink.error(Msg.NESTING_TOO_DEEP, Span(file, 1, 1, 1, 2))


def _program(result: CheckResult) -> ir.Program:
    if not result.ok or not result.programs:
        raise ParaError([d for d in result.diagnostics], result.sources)
    return next(iter(result.programs.values()))


def compile_program(program: ir.Program) -> str:
    from .emit import emit
    from .lower import lower

    with _deep_recursion():
        return emit(lower(program))


def compile_path(path: str | Path) -> str:
    """The Python source of the module `para compile` writes for a file."""
    return compile_program(_program(check_paths([path])))


def load(path: str | Path):
    """Check and compile a `.para` file and build its classes in-process, as a module."""
    return _exec(compile_path(path), str(path))


def loads(text: str, file: str = "<input>"):
    """Like `load`, from source text."""
    return _exec(compile_program(_program(check_source(text, file))), file)


def _exec(source: str, file: str):
    import hashlib
    import sys
    import types

    digest = hashlib.sha1(source.encode()).hexdigest()[:12]
    name = f"paradsl.generated.{Path(file).stem.replace('.', '_')}_{digest}"
    if name in sys.modules:  # the same source compiles to the same classes
        return sys.modules[name]
    module = types.ModuleType(name)
    module.__file__ = f"<para {file}>"
    # Registered before running: dataclasses resolve string annotations via sys.modules.
    sys.modules[name] = module
    try:
        with _deep_recursion():
            code = compile(source, module.__file__, "exec")
        exec(code, module.__dict__)  # validated by `ast` in the emitter
    except BaseException:
        del sys.modules[name]
        raise
    return module
