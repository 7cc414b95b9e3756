"""The emitter: the one place that writes Python source.

It renders the lowered classes with `ast.unparse`, lays each one out with black (line length
100), adds the header and the imports the module uses, and parses the result back with `ast`
before anyone writes or executes it. User names reach the output only as identifiers the
lowering validated, and strings only as `ast.Constant`s, which `unparse` escapes: no user
text is ever spliced in as code.
"""

from __future__ import annotations

import ast as pyast
import copy
import functools

import black

from ._version import __version__
from .lower import LoweredModule

LINE_LENGTH = 100
# Strings keep the quotes `ast.unparse` gives them (single), as the annotations always had.
_MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311},
                   string_normalization=False)

HEADER = '''\
"""{title}

Edit the .para source and recompile it rather than this file:

    para compile {source}
"""
'''


def emit(module: LoweredModule) -> str:
    """The module's source: header, imports, the lowered statements, `__all__`."""
    source = module.source_file.replace('"', "'").replace("\\", "/")
    title = _wrap(f"Equinox modules compiled from {source} by paradsl {__version__}.", LINE_LENGTH - 3)
    header = HEADER.format(title="\n".join(title), source=source)
    pyast.parse(header)  # the header is ours, but it goes through the same gate
    statements = [*module.classes, _all(module.class_names)]
    body = "\n\n".join(_layout(_unparse(s)) for s in statements)  # two blank lines apart
    imports = _imports(module)
    # A module of no classes (a file of tasks only) imports nothing: no empty block.
    text = f"{header}\n{imports}\n\n{body}" if imports else f"{header}\n{body}"
    pyast.parse(text)  # raises SyntaxError on a lowering bug, before anything is written
    return text


#: The module-level names the lowering may use (`names.RESERVED` keeps user names off them)
#: and the import that binds each, grouped and ordered as isort orders them.
STDLIB_IMPORTS = {"math": "import math"}
THIRD_PARTY_IMPORTS = {
    "eqx": "import equinox as eqx",
    "jax": "import jax",
    "jnp": "import jax.numpy as jnp",
}
JAXTYPING_NAMES = ("Array", "Bool", "Float", "Int", "PRNGKeyArray")


def _imports(module: LoweredModule) -> str:
    """The import block: only what the module uses, in isort's sections, so that nothing
    is imported unused; `from __future__ import annotations` only where an annotation names
    a class defined later (or the class it is in)."""
    used = _used_names(module.classes)
    future = ["from __future__ import annotations\n"] if _forward_reference(module.classes) else []
    stdlib = [line + "\n" for name, line in STDLIB_IMPORTS.items() if name in used]
    third = [line + "\n" for name, line in THIRD_PARTY_IMPORTS.items() if name in used]
    typing = [n for n in JAXTYPING_NAMES if n in used]
    if typing:
        third.append(f"from jaxtyping import {', '.join(typing)}\n")
    runtime = sorted(set(module.runtime))
    ours = [f"from paradsl.runtime import {', '.join(runtime)}\n"] if runtime else []
    ours += _class_imports(module, used)
    return "\n".join("".join(section) for section in (future, stdlib, third, ours) if section)


def _class_imports(module: LoweredModule, used: set[str]) -> list[str]:
    """The imports of the classes the module uses from compiled modules, ordered by module
    as isort orders them: the plain names of a module on one line, each renamed one on its
    own (`from paradsl.stdlib.nn import Linear as nn_Linear`)."""
    by_module: dict[str, list[tuple[str, str]]] = {}
    for source, name, local in module.imports:
        if local in used:
            by_module.setdefault(source, []).append((name, local))
    lines = []
    for source in sorted(by_module):
        names = sorted(by_module[source], key=lambda nl: _member_order(nl[0]))
        plain = [n for n, local in names if n == local]
        if plain:
            lines.append(_layout(f"from {source} import {', '.join(plain)}"))
        lines += [_layout(f"from {source} import {n} as {local}") for n, local in names if n != local]
    return lines


def _member_order(name: str) -> tuple[int, str, str]:
    """isort's order of imported names: constants, then classes, then the rest."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _used_names(statements: tuple[pyast.stmt, ...]) -> set[str]:
    """The names the statements read and the module itself does not bind."""
    bound = {n for s in statements for n in _bound_at_top(s)}
    return {n.id for s in statements for n in pyast.walk(s)
            if isinstance(n, pyast.Name) and isinstance(n.ctx, pyast.Load)} - bound


def _bound_at_top(stmt: pyast.stmt) -> set[str]:
    if isinstance(stmt, (pyast.ClassDef, pyast.FunctionDef, pyast.AsyncFunctionDef)):
        return {stmt.name}
    targets = stmt.targets if isinstance(stmt, pyast.Assign) else [getattr(stmt, "target", None)]
    return {n.id for t in targets if t is not None for n in pyast.walk(t) if isinstance(n, pyast.Name)}


def _forward_reference(statements: tuple[pyast.stmt, ...]) -> bool:
    """Whether an annotation names a module-level definition not yet made where Python would
    evaluate it: a class defined further down, or the class whose body it is in. (Annotations
    written as strings, `-> 'CircConv'`, are never evaluated and do not count.)"""
    later = {n for s in statements for n in _bound_at_top(s)}
    for stmt in statements:
        for node in pyast.walk(stmt):
            for ann in _annotations(node):
                if any(isinstance(n, pyast.Name) and n.id in later for n in pyast.walk(ann)):
                    return True
        later -= _bound_at_top(stmt)
    return False


def _annotations(node: pyast.AST) -> list[pyast.expr]:
    if isinstance(node, pyast.AnnAssign):
        return [node.annotation]
    if isinstance(node, pyast.arg):
        return [node.annotation] if node.annotation is not None else []
    if isinstance(node, (pyast.FunctionDef, pyast.AsyncFunctionDef)):
        return [node.returns] if node.returns is not None else []
    return []


def _unparse(stmt: pyast.stmt) -> str:
    module = pyast.Module(body=[stmt], type_ignores=[])
    if _long_docstrings(module, 0):
        module = copy.deepcopy(module)  # the lowered tree is the caller's; rewrap a copy
        _long_docstrings(module, 0, rewrap=True)
    return pyast.unparse(pyast.fix_missing_locations(module))


@functools.lru_cache(maxsize=4096)
def _layout(text: str) -> str:
    """One top-level statement as black lays it out. The same text always lays out the same,
    and the compiles of one process share most of their statements (the stdlib's classes, the
    helpers), so each is laid out once. Black re-indents docstrings with their definition."""
    try:
        return black.format_str(text, mode=_MODE)
    except Exception:  # layout is cosmetic: the unformatted statement is still the program
        return text + "\n"


def _long_docstrings(node: pyast.AST, depth: int, rewrap: bool = False) -> bool:
    """Whether a docstring under `node` (at nesting `depth`) has a line too long for the page
    once indented and quoted; with `rewrap`, break those lines at spaces, in place. Black
    re-indents docstrings but never rewraps them, and a para's signature can be long."""
    found = False
    for child in pyast.iter_child_nodes(node):
        if not isinstance(child, (pyast.ClassDef, pyast.FunctionDef, pyast.AsyncFunctionDef)):
            continue
        body = child.body
        if body and isinstance(body[0], pyast.Expr) and isinstance(body[0].value, pyast.Constant):
            doc = body[0].value
            if isinstance(doc.value, str):
                width = LINE_LENGTH - 4 * (depth + 1) - 6  # the indent, both sets of quotes
                lines = doc.value.split("\n")
                if any(len(line) > width for line in lines):
                    found = True
                    if rewrap:
                        doc.value = "\n".join(w for line in lines for w in _wrap(line, width))
        found |= _long_docstrings(child, depth + 1, rewrap)
    return found


def _wrap(line: str, width: int) -> list[str]:
    """A line broken at spaces to `width`, continuation lines indented as the line is. It breaks
    outside brackets where it can, before a `:` or an arrow first, else after a comma, so that a
    signature breaks between its parts; a word longer than `width` (a long path) stays whole."""
    indent = line[: len(line) - len(line.lstrip())]
    out = []
    while len(line) > width:
        depth, spaces = 0, []  # (position, bracket depth) of each space
        for i, ch in enumerate(line):
            depth += (ch in "([{") - (ch in ")]}")
            if ch == " " and i > len(indent):
                spaces.append((i, depth))
        fits = [i for i, _ in spaces if i <= width] or [i for i, _ in spaces][:1]
        if not fits:
            break
        outside = [i for i, d in spaces if d == 0 and i in fits and i > width // 3]
        parts = [i for i in outside if line[i + 1 : i + 3] in (": ", "->")]
        commas = [i for i in fits if line[i - 1] == "," and i > width // 3]
        cut = (parts or outside or commas or fits)[-1]
        out.append(line[:cut].rstrip())
        line = indent + line[cut:].lstrip()
    return [*out, line]


def _all(names: tuple[str, ...]) -> pyast.stmt:
    value = pyast.List(elts=[pyast.Constant(n) for n in names], ctx=pyast.Load())
    return pyast.Assign(targets=[pyast.Name(id="__all__", ctx=pyast.Store())], value=value)
