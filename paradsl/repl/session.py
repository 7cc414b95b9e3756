"""The state of a REPL session, as a value: the files loaded, the declarations typed at the
prompt and the values bound there, and the checked program they make together.

Every change makes a new `State`; the caller keeps the old one when the new one does not
check, so bad input leaves the session as it was. All declarations in scope, loaded or
typed, are checked together as one program (the file `<repl>`), so a redefinition replaces
the old declaration and every declaration that uses it is checked again against the new one.
Diagnostics keep the places of the text they were read from: a loaded file's path and
line, or `<repl:N>` for the N-th input typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import ir, sources
from ..check import Checker, check_symmetry, mark_stochastic
from ..diagnostics import Diagnostic, DiagnosticSink, Span
from ..resolve import DeclKey, Loader, Unit
from ..sources import SourceProblem
from ..syntax import ast

#: The file name of the program a session checks.
SESSION_FILE = "<repl>"


@dataclass(frozen=True)
class Source:
    """One text in scope: a loaded file (its path as shown and its text as read) or an input
    typed at the prompt (`<repl:N>`)."""

    name: str
    text: str
    typed: bool = False


@dataclass(frozen=True)
class Value:
    """A value bound at the prompt: a NumPy array and the type it is shown with."""

    array: object
    type: str


@dataclass(frozen=True)
class Checked:
    """What checking a state gave: the program (None after an error), the diagnostics, the
    sources to render them with, and the declarations in scope with the text each came from."""

    program: ir.Program | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]
    origin: dict[str, str]  # declared name -> the Source it came from
    decls: dict[str, object]  # declared name -> its AST declaration
    imported: tuple[str, ...] = ()  # the names imports bring into scope

    @property
    def ok(self) -> bool:
        return not any(d.severity.value == "error" for d in self.diagnostics)


@dataclass(frozen=True)
class State:
    """The session: texts in scope, in the order they were read, and bound values."""

    texts: tuple[Source, ...] = ()
    values: tuple[tuple[str, Value], ...] = ()
    inputs: int = 0  # inputs read so far: the N of the next `<repl:N>`
    checked: Checked | None = field(default=None, compare=False)

    def counted(self) -> State:
        """The state that has read one more input: each is named `<repl:N>`, kept or not."""
        return replace(self, inputs=self.inputs + 1)

    @property
    def input_name(self) -> str:
        """The name the last input read is known by in diagnostics."""
        return f"<repl:{self.inputs}>"

    @property
    def files(self) -> tuple[Source, ...]:
        return tuple(t for t in self.texts if not t.typed)

    def value(self, name: str) -> Value | None:
        return dict(self.values).get(name)

    def bind(self, name: str, value: Value) -> State:
        kept = tuple((n, v) for n, v in self.values if n != name)
        return replace(self, values=kept + ((name, value),))

    def with_text(self, source: Source) -> State:
        """The state with `source` read last; a file read again replaces its old text."""
        kept = tuple(t for t in self.texts if t.name != source.name)
        return replace(self, texts=kept + (source,), checked=None)

    def program(self) -> ir.Program | None:
        return self.checked.program if self.checked else None


def read_file(path: str) -> tuple[Source | None, list[Diagnostic], dict[str, str]]:
    """A file's text as a Source, or the diagnostic that says why it cannot be read."""
    name = Loader(DiagnosticSink()).display_name(Path(path))
    try:
        text = sources.read(sources.resolved(Path(path), name), name)
    except SourceProblem as p:
        sink = DiagnosticSink()
        at = p.at or (1, 1)
        sink.error(p.msg, Span(name, at[0], at[1], at[0], at[1] + 1), **p.values)
        return None, sink.sorted(), {name: p.text} if p.text else {}
    return Source(name, text), [], {}


class _StdlibCache:
    """The parsed standard library, shared by every check of a session: it does not change."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}
        self.sources: dict[str, str] = {}
        self.paths: dict[str, Path] = {}

    def fill(self, loader: Loader) -> None:
        loader.units.update(self.units)
        loader.sources.update(self.sources)
        loader.paths.update(self.paths)

    def keep(self, loader: Loader) -> None:
        from .. import _resources

        std = _resources.stdlib_dir().resolve()
        for name, path in loader.paths.items():
            if path.is_relative_to(std) and name in loader.units:
                self.units.setdefault(name, loader.units[name])
                self.sources.setdefault(name, loader.sources[name])
                self.paths.setdefault(name, path)


_STDLIB = _StdlibCache()


@dataclass(frozen=True)
class Extra:
    """A declaration checked with the session's program but not kept in it: an expression
    typed at the prompt, wrapped as an anonymous para (`expression.py`), and the input it was
    read from, for its diagnostics."""

    decl: ast.ParaDecl
    source: Source


def check(state: State, extra: Extra | None = None) -> State:
    """The state with its program checked: every declaration in scope, the last one read of
    each name, checked together; and `extra`, if given, with them."""
    sink = DiagnosticSink()
    loader = Loader(sink)
    _STDLIB.fill(loader)
    own: dict[str, object] = {}
    origin: dict[str, str] = {}
    imported: dict[str, DeclKey] = {}
    broken: set[str] = set()
    for src in state.texts:
        unit = loader.load_source(src.text, src.name)
        for name, key in unit.scope.items():
            if key.file != unit.file:
                imported[name] = key
        for name, decl in unit.own.items():
            own.pop(name, None)  # a redefinition moves to where it was typed
            own[name] = decl
            origin[name] = src.name
        broken |= unit.broken
    _STDLIB.keep(loader)
    decls = tuple(own.values())
    if extra is not None:
        own[extra.decl.name.name] = extra.decl
        loader.sources[extra.source.name] = extra.source.text
        decls += (extra.decl,)
    module = ast.Module(Span(SESSION_FILE, 1, 1, 1, 1), decls, ())  # type: ignore[arg-type]
    scope = {**imported, **{n: DeclKey(SESSION_FILE, n) for n in own}}
    unit = Unit(SESSION_FILE, module, dict(own), scope, broken - set(own))  # type: ignore[arg-type]
    loader.units[SESSION_FILE] = unit
    # The imported paras are checked too, so that `:type Linear` answers before a use.
    defs = Checker(loader, sink, (check_symmetry,)).check_unit(unit, also=tuple(n for n in imported if n not in own))
    program = None
    if defs is not None and not sink.has_errors:
        program = ir.Program(SESSION_FILE, mark_stochastic(defs))
    checked = Checked(program, tuple(sink.sorted()), dict(loader.sources), origin, dict(own),
                      tuple(n for n in imported if n not in own))
    return replace(state, checked=checked)


def own_paras(state: State) -> list[ir.ParaDef]:
    """The paras declared in the session (not the ones only imported), in program order."""
    program = state.program()
    if program is None:
        return []
    return [p for p in program.paras if p.file == SESSION_FILE]


def in_scope(state: State) -> dict[str, ir.ParaDef]:
    """Every para the session can name: its own and, where checked, those it imports."""
    program = state.program()
    out = {p.name: p for p in program.paras} if program else {}
    out.update({p.name: p for p in own_paras(state)})
    return out


def depends_on(state: State, names: set[str]) -> list[str]:
    """The session's own paras that use one of `names`, directly or not."""
    out: list[str] = []
    reach = set(names)
    for p in own_paras(state):  # callees come first, so one pass suffices
        if p.name not in names and any(u.callee in reach for u in p.uses):
            out.append(p.name)
            reach.add(p.name)
    return out
