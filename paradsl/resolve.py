"""Loading source files and resolving imports into per-file scopes of declarations.

`import nn` reads `stdlib/nn.para`; `import "layers.para"` reads a file relative to the
importing one. A file sees its own declarations and those of the files it imports
directly; its own shadow imported ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import _resources
from .diagnostics import DiagnosticSink, Msg
from .syntax import ast, parse


@dataclass(frozen=True)
class DeclKey:
    """A para's identity: the file it is declared in and its name."""

    file: str
    name: str


@dataclass
class Unit:
    """One parsed source file and the names it can see."""

    file: str
    module: ast.Module | None
    own: dict[str, ast.ParaDecl | ast.FunctorDecl | ast.SemiringDecl] = field(default_factory=dict)
    scope: dict[str, DeclKey] = field(default_factory=dict)
    #: Declarations it sees, its own or imported, that did not parse: known by name only.
    broken: set[str] = field(default_factory=set)

    def own_keys(self) -> dict[str, DeclKey]:
        return {n: DeclKey(self.file, n) for n in self.own}


class Loader:
    """Parses files once each and resolves their imports, reporting into one sink."""

    def __init__(self, sink: DiagnosticSink):
        self.sink = sink
        self.units: dict[str, Unit] = {}
        self.sources: dict[str, str] = {}
        self._loading: list[str] = []

    def display_name(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def load_source(self, text: str, file: str) -> Unit:
        """Load text that is not (or not yet) on disk, e.g. from the REPL or a test."""
        return self._load(file, text, Path(file).resolve().parent if file else Path.cwd())

    def load(self, path: str | Path) -> Unit:
        path = Path(path)
        name = self.display_name(path)
        if name in self.units:
            return self.units[name]
        return self._load(name, path.read_text(encoding="utf-8"), path.resolve().parent)

    def decl(self, key: DeclKey) -> ast.ParaDecl:
        return self.units[key.file].own[key.name]

    def _load(self, name: str, text: str, base: Path) -> Unit:
        self.sources[name] = text
        unit = Unit(name, parse(text, name, self.sink))
        self.units[name] = unit
        if unit.module is None:
            return unit
        self._loading.append(name)
        imported: dict[str, DeclKey] = {}
        for decl in unit.module.decls:
            if isinstance(decl, (ast.ImportFile, ast.ImportStd)):
                target = self._import(decl, base, name)
                if target is not None:
                    for n, key in target.own_keys().items():
                        imported.setdefault(n, key)
                    unit.broken.update(i.name for i in (target.module.broken if target.module else ()))
            elif isinstance(decl, (ast.ParaDecl, ast.FunctorDecl, ast.SemiringDecl)):
                first = unit.own.get(decl.name.name)
                if first is not None:
                    self.sink.error(Msg.DUPLICATE_DEFINITION, decl.name.span, name=decl.name.name,
                                    first=first.name.span)
                else:
                    unit.own[decl.name.name] = decl
        self._loading.pop()
        unit.scope = {**imported, **unit.own_keys()}
        unit.broken.update(i.name for i in unit.module.broken)
        return unit

    def _import(self, decl, base: Path, importer: str) -> "Unit | None":
        if isinstance(decl, ast.ImportStd):
            target = _resources.stdlib_dir().joinpath(*decl.module).with_suffix(".para")
            if not target.is_file():
                available = sorted(p.stem for p in _resources.stdlib_dir().glob("*.para"))
                self.sink.error(Msg.IMPORT_STD_NOT_FOUND, decl.span, what=".".join(decl.module), available=available)
                return None
        else:
            target = (base / decl.path).resolve()
            if not target.is_file():
                self.sink.error(Msg.IMPORT_FILE_NOT_FOUND, decl.span, what=decl.path, path=self.display_name(target))
                return None
        name = self.display_name(target)
        if name in self._loading:
            self.sink.error(Msg.IMPORT_CYCLE, decl.span, cycle=self._loading[self._loading.index(name):] + [name])
            return None
        if name in self.units:
            return self.units[name]
        return self._load(name, target.read_text(encoding="utf-8"), target.parent)
