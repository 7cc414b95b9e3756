"""Architecture rules, read from the source of `paradsl/` with `ast`.

- Layers: the lowering never imports the checker, nor the checker the lowering; the IR never
  imports the surface syntax; the analyses (`params`, `cost`, `laws`, `paradsl/analysis/*`)
  never import private names from `paradsl.driver`; the subpackages import each other
  without cycles; the checker and everything it imports never import jax or its kin
  (`para check` starts without them). An import inside a function counts like one at the top.
- Size: no file over 600 lines, no class over 300.
- State: a method assigns attributes of `self` only in `__init__` or `__post_init__`, and
  never deletes one.

Known offenders are listed with the reason (none are left today). A listed file is its own
strictly expected failure, so fixing it turns into an XPASS failure; a listed class that no
longer offends fails `test_listed_*`. Either way the entry is then to be removed.
"""

from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "paradsl"
FILES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)

MAX_FILE_LINES = 600
MAX_CLASS_LINES = 300

#: (import-graph rule: the importer's package, the package it must not reach)
FORBIDDEN = [
    ("paradsl.lower", "paradsl.check"),
    ("paradsl.check", "paradsl.lower"),
    ("paradsl.ir", "paradsl.syntax"),
]
ANALYSES = ("paradsl.params", "paradsl.cost", "paradsl.laws", "paradsl.analysis")
#: The check path: what `para check` runs, which must start without jax.
CHECK_PATH = ("paradsl.check", "paradsl.resolve", "paradsl.syntax", "paradsl.ir", "paradsl.types",
              "paradsl.diagnostics", "paradsl.prelude")
#: Third-party packages only compiling and running a model need (the emitter formats with black).
RUNTIME_ONLY = ("jax", "jaxlib", "equinox", "jaxtyping", "beartype", "black", "numpy", "scipy", "optax")

#: Files over the line limit today, each to be split by concern.
LONG_FILES: dict[str, str] = {}
#: Classes over the line limit today.
LONG_CLASSES: dict[str, str] = {}
#: Analyses that import private names of the driver today.
DRIVER_PRIVATES: dict[str, str] = {}
#: Classes whose methods assign attributes of `self` outside `__init__`/`__post_init__` today.
SELF_MUTATION: dict[str, str] = {}


# ---------------------------------------------------------------------- reading the source


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in FILES}


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@dataclass(frozen=True)
class Import:
    """One imported module (and, for `from m import n`, the name `n` taken from it)."""

    module: str
    name: str | None
    line: int


def _imports(module: str) -> list[Import]:
    """Every import of paradsl modules in one module, at any depth, resolved to module names."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out += [Import(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] == "paradsl"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "paradsl":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.append(Import(sub, None, node.lineno) if sub in MODULES else Import(target, a.name, node.lineno))
    return out


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@functools.cache
def _graph() -> dict[str, frozenset[str]]:
    """module -> the modules importing it runs: its imports and their parent packages, but not
    `paradsl` itself, whose `__init__` re-exports the public API from everywhere."""
    graph = {}
    for m in MODULES:
        targets = set()
        for imp in _imports(m):
            parts = imp.module.split(".")
            targets |= {".".join(parts[:k]) for k in range(2, len(parts) + 1)}
        graph[m] = frozenset(t for t in targets if t in MODULES and t != m)
    return graph


def _path_to(start: str, goal: str) -> list[str] | None:
    """The chain of imports from a module to one within `goal`, if there is one."""
    seen, frontier = {start: [start]}, [start]
    while frontier:
        nxt = []
        for m in frontier:
            for t in sorted(_graph()[m]):
                if t not in seen:
                    seen[t] = seen[m] + [t]
                    if _within(t, goal):
                        return seen[t]
                    nxt.append(t)
        frontier = nxt
    return None


# ---------------------------------------------------------------------- the import graph


def test_the_source_is_read():
    """The rules below see the package as it is: its files, and the imports that tie them."""
    assert {"paradsl.driver", "paradsl.check", "paradsl.lower", "paradsl.ir", "paradsl.syntax"} <= set(MODULES)
    assert "paradsl.check" in _graph()["paradsl.driver"]
    assert "paradsl.diagnostics.span" in _graph()["paradsl.diagnostics"]
    assert _path_to("paradsl.cli", "paradsl.lower")


@pytest.mark.parametrize(("importer", "forbidden"), FORBIDDEN, ids=lambda s: s)
def test_layer_does_not_import(importer: str, forbidden: str):
    """No module of `importer` imports one of `forbidden`, directly or through others."""
    for m in sorted(MODULES):
        if _within(m, importer):
            chain = _path_to(m, forbidden)
            assert chain is None, f"{importer} must not import {forbidden}: " + " -> ".join(chain)


def _external(module: str) -> set[str]:
    """The top-level names of the packages outside paradsl a module imports, at any depth."""
    out = set()
    for node in ast.walk(_tree(MODULES[module])):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out - {"paradsl"}


def _runtime_imports_reached(start: str) -> list[str]:
    """`module: package` for each package of RUNTIME_ONLY imported by `start` or a module it
    imports, directly or through others (read afresh, not from the cached graph)."""
    seen, frontier, found = {start}, [start], []
    while frontier:
        m = frontier.pop()
        found += [f"{m}: {x}" for x in sorted(_external(m) & set(RUNTIME_ONLY))]
        for imp in _imports(m):
            parts = imp.module.split(".")
            for t in (".".join(parts[:k]) for k in range(2, len(parts) + 1)):
                if t in MODULES and t not in seen:
                    seen.add(t)
                    frontier.append(t)
    return sorted(found)


@pytest.mark.parametrize("package", CHECK_PATH)
def test_the_check_path_never_imports_jax(package: str):
    """Nothing the checker runs imports jax, equinox or the emitter's formatter, even inside
    a function: they are for compiling and running, and `para check` starts without them."""
    for m in sorted(MODULES):
        if _within(m, package):
            assert not _runtime_imports_reached(m), f"{m} reaches {_runtime_imports_reached(m)}"


def test_the_check_path_rule_finds_a_planted_jax_import(tmp_path, monkeypatch):
    files = {"paradsl/__init__.py": "", "paradsl/check/__init__.py": "from . import deep\n",
             "paradsl/check/deep.py": "from ..ir import x\n", "paradsl/ir.py": "def x():\n    import jax.numpy\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    paths = sorted((tmp_path / rel) for rel in files)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "MODULES", {_module_name(p): p for p in paths})
    assert _runtime_imports_reached("paradsl.check") == ["paradsl.ir: jax"]
    assert _runtime_imports_reached("paradsl.ir") == ["paradsl.ir: jax"]


def _analyses() -> list[str]:
    return sorted(m for m in MODULES if any(_within(m, a) for a in ANALYSES))


def _driver_privates(module: str) -> list[str]:
    """The private names of `paradsl.driver` a module uses, from `from driver import _x` or
    `driver._x` on an imported `driver`."""
    found = [f"line {i.line}: {i.name}" for i in _imports(module)
             if i.module == "paradsl.driver" and i.name and i.name.startswith("_")]
    aliases = set()
    for node in ast.walk(_tree(MODULES[module])):
        if isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.name == "paradsl.driver" and a.asname}
        elif isinstance(node, ast.ImportFrom):
            aliases |= {a.asname or a.name for a in node.names if a.name == "driver"}
    for node in ast.walk(_tree(MODULES[module])):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize(
    "module",
    [pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=DRIVER_PRIVATES[m])) if m in DRIVER_PRIVATES else m
     for m in _analyses()],
)
def test_analysis_uses_only_the_public_driver(module: str):
    assert not _driver_privates(module), f"{module} uses private names of paradsl.driver: {_driver_privates(module)}"


def _unit(module: str) -> str:
    """The subpackage (or top-level module) a module belongs to."""
    return ".".join(module.split(".")[:2])


def test_no_import_cycles_between_subpackages():
    edges: dict[str, set[str]] = {}
    for m, targets in _graph().items():
        edges.setdefault(_unit(m), set()).update(_unit(t) for t in targets if _unit(t) != _unit(m))

    # Tarjan's strongly connected components; a component of more than one unit is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(u: str) -> None:
        index[u] = low[u] = len(index)
        stack.append(u)
        for v in sorted(edges.get(u, ())):
            if v not in index:
                visit(v)
                low[u] = min(low[u], low[v])
            elif v in stack:
                low[u] = min(low[u], index[v])
        if low[u] == index[u]:
            comp = []
            while (w := stack.pop()) != u:
                comp.append(w)
            comp.append(u)
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for u in sorted(edges):
        if u not in index:
            visit(u)
    assert not cycles, f"subpackages that import each other: {cycles}"


# ---------------------------------------------------------------------- size


def _xfail_if(known: dict[str, str], item: str):
    return pytest.param(item, marks=pytest.mark.xfail(strict=True, reason=known[item])) if item in known else item


@pytest.mark.parametrize("file", [_xfail_if(LONG_FILES, _rel(p)) for p in FILES])
def test_file_is_short(file: str):
    n = len((ROOT / file).read_text(encoding="utf-8").splitlines())
    assert n <= MAX_FILE_LINES, f"{file} has {n} lines (at most {MAX_FILE_LINES})"


def _classes() -> dict[str, ast.ClassDef]:
    out = {}
    for p in FILES:
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.ClassDef):
                out[f"{_rel(p)}::{node.name}"] = node
    return out


def _class_lines(node: ast.ClassDef) -> int:
    return node.end_lineno - node.lineno + 1


def test_classes_are_short():
    """Every class not listed in LONG_CLASSES; each listed one has its own test below."""
    long = {name: _class_lines(c) for name, c in _classes().items()
            if name not in LONG_CLASSES and _class_lines(c) > MAX_CLASS_LINES}
    assert not long, f"classes over {MAX_CLASS_LINES} lines: {long}"


def test_listed_long_classes_are_still_long():
    """A listed class that was split (or is gone) must leave the list."""
    fixed = [n for n in LONG_CLASSES if (c := _classes().get(n)) is None or _class_lines(c) <= MAX_CLASS_LINES]
    assert not fixed, f"no longer over {MAX_CLASS_LINES} lines; remove from LONG_CLASSES: {fixed}"


# ---------------------------------------------------------------------- state


def _attribute_targets(target: ast.expr):
    """The attributes an assignment target binds: itself, or those it unpacks into."""
    if isinstance(target, ast.Attribute):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for t in target.elts:
            yield from _attribute_targets(t)
    elif isinstance(target, ast.Starred):
        yield from _attribute_targets(target.value)


def _self_mutations() -> dict[str, list[str]]:
    """`file::Class` -> where its methods assign or delete attributes of `self` outside the
    constructors; nested functions count as part of the method that holds them. Setting an
    item of an attribute (`self.d[k] = v`) is not assigning the attribute."""
    out: dict[str, list[str]] = {}
    for p in FILES:
        for cls in ast.walk(_tree(p)):
            if not isinstance(cls, ast.ClassDef):
                continue
            found = []
            for fn in cls.body:
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or not fn.args.args:
                    continue
                if fn.name in ("__init__", "__post_init__") or any(
                    isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in fn.decorator_list
                ):
                    continue
                me = fn.args.args[0].arg
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                        verb = "del" if isinstance(node, ast.Delete) else "sets"
                        found += [f"{fn.name} line {node.lineno}: {verb} {me}.{a.attr}"
                                  for t in targets for a in _attribute_targets(t)
                                  if isinstance(a.value, ast.Name) and a.value.id == me]
                    elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
                          and getattr(node.func, "id", getattr(node.func, "attr", None))
                          in ("setattr", "__setattr__", "delattr", "__delattr__")
                          and any(isinstance(a, ast.Name) and a.id == me for a in node.args)):
                        found.append(f"{fn.name} line {node.lineno}: {ast.unparse(node.func)}({me}, ...)")
            if found:
                out[f"{_rel(p)}::{cls.name}"] = sorted(found)
    return out


def test_self_is_assigned_only_in_constructors():
    """Every class not listed in SELF_MUTATION; each listed one has its own test below."""
    bad = {k: v for k, v in _self_mutations().items() if k not in SELF_MUTATION}
    assert not bad, f"attributes of self set or deleted outside __init__/__post_init__: {bad}"


def test_listed_self_mutations_still_mutate():
    """A listed class that no longer sets attributes of self must leave the list."""
    fixed = [n for n in SELF_MUTATION if n not in _self_mutations()]
    assert not fixed, f"no longer mutates self; remove from SELF_MUTATION: {fixed}"


def test_listed_offenders_exist():
    """An entry for a file, class or module that is gone is stale: remove it. Each list is
    checked against what its rule finds, so an entry is a real offender or a failure."""
    assert set(LONG_FILES) <= {_rel(p) for p in FILES}
    assert set(LONG_CLASSES) | set(SELF_MUTATION) <= set(_classes())
    assert set(DRIVER_PRIVATES) <= set(_analyses())
    assert set(LONG_CLASSES) == {n for n, c in _classes().items() if _class_lines(c) > MAX_CLASS_LINES}
    assert set(SELF_MUTATION) == set(_self_mutations())
    assert set(DRIVER_PRIVATES) == {m for m in _analyses() if _driver_privates(m)}
    assert set(LONG_FILES) == {_rel(p) for p in FILES
                               if len(p.read_text(encoding="utf-8").splitlines()) > MAX_FILE_LINES}


def test_each_rule_finds_a_planted_offender(tmp_path, monkeypatch):
    """The rules pass on the package because it has no offender, not because they see none:
    each finds the one planted in a package of its own."""
    long_class = "class Long:\n" + "".join(f"    a{i} = {i}\n" for i in range(MAX_CLASS_LINES))
    planted = (
        "from paradsl import driver\n\n\n"
        "class Grower:\n    def __init__(self):\n        self.n = 0\n\n    def grow(self):\n        self.n += 1\n\n\n"
        "def read():\n    return driver._program\n\n\n" + long_class + "\n" * MAX_FILE_LINES
    )
    files = {"paradsl/__init__.py": "", "paradsl/driver.py": "_program = None\n",
             "paradsl/analysis/__init__.py": "", "paradsl/analysis/planted.py": planted}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    paths = sorted((tmp_path / rel) for rel in files)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "FILES", paths)
    monkeypatch.setattr(sys.modules[__name__], "MODULES", {_module_name(p): p for p in paths})
    where = "paradsl/analysis/planted.py"
    assert _self_mutations() == {f"{where}::Grower": ["grow line 9: sets self.n"]}
    assert _driver_privates("paradsl.analysis.planted") == ["line 13: driver._program"]
    assert [n for n, c in _classes().items() if _class_lines(c) > MAX_CLASS_LINES] == [f"{where}::Long"]
