"""Loading source files and resolving imports into per-file scopes of declarations.

`import nn` reads `stdlib/nn.para`; `import "layers.para"` reads a `.para` file relative to
the importing one. A file sees its own declarations and those of the files it imports
directly; its own shadow imported ones.

Where an import may read is the `ImportPolicy`'s: the command line confines imports to the
folder of the file it was given and the folders the user adds (`--path`, `PARA_PATH`), so a
program cannot make the checker read, and echo in its diagnostics, any file on the machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import _resources, sources
from .diagnostics import DiagnosticSink, Msg, Span
from .sources import SourceProblem
from .syntax import ast, parse


@dataclass(frozen=True)
class DeclKey:
    """A para's identity: the file it is declared in and its name."""

    file: str
    name: str


@dataclass(frozen=True)
class ImportPolicy:
    """Where `import "..."` may read. Unconfined, anywhere; confined, only under the folder of
    the file loaded at the top (the standard library's, for a stdlib file) or one of `roots`."""

    roots: tuple[Path, ...] = ()
    confined: bool = False

    def allows(self, target: Path, top: Path) -> bool:
        if not self.confined:
            return True
        return any(target.is_relative_to(r) for r in self.folders(top))

    def folders(self, top: Path) -> tuple[Path, ...]:
        """The folders imports from a file loaded under `top` may read, resolved."""
        out = [top]
        for r in self.roots:
            try:
                out.append(r.resolve())
            except (OSError, ValueError, RuntimeError):
                continue  # a search folder that cannot be resolved holds nothing
        return tuple(dict.fromkeys(out))


@dataclass
class Unit:
    """One parsed source file and the names it can see."""

    file: str
    module: ast.Module | None
    own: dict[str, ast.ParaDecl | ast.FunctorDecl | ast.SemiringDecl] = field(default_factory=dict)
    scope: dict[str, DeclKey] = field(default_factory=dict)
    #: Declarations it sees, its own or imported, that did not parse: known by name only.
    broken: set[str] = field(default_factory=set)
    #: Its tasks and experiments, by name (a namespace apart from the paras'), and the tasks
    #: it sees, its own or imported.
    tasks: dict[str, ast.TaskDecl] = field(default_factory=dict)
    experiments: dict[str, ast.ExperimentDecl] = field(default_factory=dict)
    task_scope: dict[str, DeclKey] = field(default_factory=dict)

    def own_keys(self) -> dict[str, DeclKey]:
        return {n: DeclKey(self.file, n) for n in self.own}


class Loader:
    """Parses files once each and resolves their imports, reporting into one sink."""

    def __init__(self, sink: DiagnosticSink, policy: ImportPolicy = ImportPolicy()):
        self.sink = sink
        self.policy = policy
        self.units: dict[str, Unit] = {}
        self.sources: dict[str, str] = {}
        #: name -> the resolved path of each file read from disk.
        self.paths: dict[str, Path] = {}
        self._loading: list[str] = []

    def display_name(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except (ValueError, OSError, RuntimeError):
            return str(path)

    def load_source(self, text: str, file: str) -> Unit:
        """Load text that is not (or not yet) on disk, e.g. from the REPL or a test."""
        base = Path(file).resolve().parent if file else Path.cwd()
        return self._load(file, text, base, base)

    def load(self, path: str | Path) -> Unit:
        path = Path(path)
        name = self.display_name(path)
        if name in self.units:
            return self.units[name]
        try:
            real = sources.resolved(path, name)
            text = sources.read(real, name)
        except SourceProblem as p:
            self._report(p, Span(name, 1, 1, 1, 2), name)
            self.units[name] = Unit(name, None)
            return self.units[name]
        self.paths[name] = real
        return self._load(name, text, real.parent, real.parent)

    def decl(self, key: DeclKey) -> ast.ParaDecl:
        return self.units[key.file].own[key.name]

    def task(self, key: DeclKey) -> ast.TaskDecl:
        return self.units[key.file].tasks[key.name]

    def _report(self, problem: SourceProblem, span: Span, file: str) -> None:
        """A problem inside the file (a byte that is not UTF-8) is reported where it is; any
        other at `span`, the import or the file's start."""
        if problem.at is not None:
            line, col = problem.at
            if problem.text is not None:
                self.sources.setdefault(file, problem.text)
            span = Span(file, line, col, line, col + 1)
        self.sink.error(problem.msg, span, **problem.values)

    def _load(self, name: str, text: str, base: Path, top: Path) -> Unit:
        self.sources[name] = text
        unit = Unit(name, parse(text, name, self.sink))
        self.units[name] = unit
        if unit.module is None:
            return unit
        self._loading.append(name)
        imported: dict[str, DeclKey] = {}
        tasks: dict[str, DeclKey] = {}
        for decl in unit.module.decls:
            if isinstance(decl, (ast.ImportFile, ast.ImportStd)):
                target = self._import(decl, base, top)
                if target is not None:
                    for n, key in target.own_keys().items():
                        imported.setdefault(n, key)
                    for n in target.tasks:
                        tasks.setdefault(n, DeclKey(target.file, n))
                    unit.broken.update(i.name for i in (target.module.broken if target.module else ()))
            elif isinstance(decl, (ast.ParaDecl, ast.FunctorDecl, ast.SemiringDecl)):
                first = unit.own.get(decl.name.name)
                if first is not None:
                    self.sink.error(Msg.DUPLICATE_DEFINITION, decl.name.span, name=decl.name.name,
                                    first=first.name.span)
                else:
                    unit.own[decl.name.name] = decl
            elif isinstance(decl, (ast.TaskDecl, ast.ExperimentDecl)):
                table: dict = unit.tasks if isinstance(decl, ast.TaskDecl) else unit.experiments
                first = table.get(decl.name.name)
                if first is not None:
                    self.sink.error(Msg.DUPLICATE_DEFINITION, decl.name.span, name=decl.name.name,
                                    first=first.name.span)
                else:
                    table[decl.name.name] = decl
        self._loading.pop()
        unit.scope = {**imported, **unit.own_keys()}
        unit.task_scope = {**tasks, **{n: DeclKey(unit.file, n) for n in unit.tasks}}
        unit.broken.update(i.name for i in unit.module.broken)
        return unit

    def _import(self, decl, base: Path, top: Path) -> "Unit | None":
        target = self._std_target(decl) if isinstance(decl, ast.ImportStd) else self._file_target(decl, base, top)
        if target is None:
            return None
        name = self.display_name(target)
        if name in self._loading:
            self.sink.error(Msg.IMPORT_CYCLE, decl.span, cycle=self._loading[self._loading.index(name):] + [name])
            return None
        if name in self.units:
            return self.units[name]
        try:
            text = sources.read(target, name)
        except SourceProblem as p:
            self._report(p, decl.span, name)
            return None
        self.paths[name] = target
        # A stdlib file's own imports are the stdlib's, wherever the importer lies.
        std = _resources.stdlib_dir().resolve()
        return self._load(name, text, target.parent, std if target.is_relative_to(std) else top)

    def _std_target(self, decl: ast.ImportStd) -> Path | None:
        target = _resources.stdlib_dir().joinpath(*decl.module).with_suffix(".para")
        try:
            found = target.is_file()
        except (OSError, ValueError):  # a name no file can have is not in the stdlib either
            found = False
        if not found:
            available = sorted(p.stem for p in _resources.stdlib_dir().glob("*.para"))
            self.sink.error(Msg.IMPORT_STD_NOT_FOUND, decl.span, what=".".join(decl.module), available=available)
            return None
        return target.resolve()

    def _file_target(self, decl: ast.ImportFile, base: Path, top: Path) -> Path | None:
        """The file `import "..."` names, once it is known to be one the policy lets it read."""
        if Path(decl.path).suffix != ".para":
            self.sink.error(Msg.IMPORT_NOT_PARA, decl.span, what=decl.path)
            return None
        try:
            target = sources.resolved(base / decl.path, decl.path)
        except SourceProblem as p:
            self._report(p, decl.span, decl.path)
            return None
        if target.suffix != ".para":  # a `.para` link to another kind of file
            self.sink.error(Msg.IMPORT_NOT_PARA, decl.span, what=decl.path)
            return None
        if not self.policy.allows(target, top):
            folders = [self.display_name(f) for f in self.policy.folders(top)]
            self.sink.error(Msg.IMPORT_OUTSIDE, decl.span, path=self.display_name(target), roots=folders)
            return None
        if not sources.exists(target):
            self.sink.error(Msg.IMPORT_FILE_NOT_FOUND, decl.span, what=decl.path, path=self.display_name(target))
            return None
        return target
