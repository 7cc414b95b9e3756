"""Types as Python: jaxtyping annotations, and sizes as expressions."""

from __future__ import annotations

import ast as pyast
from collections.abc import Callable

from ..types import FixedAxis, IndexSetAxis, TensorType, TupleType, Type
from . import pybuild as py
from .prims import JAXTYPING


def dims(t: Type) -> str:
    """The jaxtyping shape string of a tensor type: `"n 4*d"`."""
    assert isinstance(t, TensorType)
    parts = []
    for a in t.axes:
        if isinstance(a, FixedAxis):
            text = a.size.render(py.ident, mul="*").replace(" ", "")
            parts.append(text)
        elif isinstance(a, IndexSetAxis):
            parts.append(py.ident(a.name))
        else:
            parts.append("_")
    return " ".join(parts)


def annotation(t: Type) -> pyast.expr | None:
    """`Float[Array, "n d"]` for a tensor type, `tuple[...]` of those for a tuple; None for
    anything else."""
    if isinstance(t, TupleType):
        items = [annotation(i) for i in t.items]
        if not items or any(i is None for i in items):
            return None
        return pyast.Subscript(value=py.name("tuple"), slice=py.tuple_(items), ctx=pyast.Load())
    if not isinstance(t, TensorType):
        return None
    kind = "Float" if t.dtype in ("f32", "f64", "f16", "bf16") else JAXTYPING.get(t.dtype, "Int")
    return py.ann(f"{kind}[Array, {dims(t)!r}]")


def poly_expr(p, var: Callable[[str], pyast.expr]) -> pyast.expr:
    """A size polynomial as arithmetic on `var(v)` for each of its variables."""
    expr = None
    for mono, c in p.terms:
        term = None
        for v, power in mono:
            for _ in range(power):
                term = var(v) if term is None else py.binop("*", term, var(v))
        if term is None:
            term = py.const(c)
        elif c != 1:
            term = py.binop("*", py.const(c), term)
        expr = term if expr is None else py.binop("+", expr, term)
    return expr if expr is not None else py.const(0)


def size_paths(t: Type, root: pyast.expr) -> dict[str, pyast.expr]:
    """For each index set in the input type, an expression for its size: `x[1].shape[0]`."""
    out: dict[str, pyast.expr] = {}
    if isinstance(t, TensorType):
        for i, a in enumerate(t.axes):
            if isinstance(a, IndexSetAxis) and a.name not in out:
                shape = pyast.Attribute(value=root, attr="shape", ctx=pyast.Load())
                out[a.name] = py.subscript(shape, [py.const(i)])
    elif isinstance(t, TupleType):
        for i, item in enumerate(t.items):
            for k, v in size_paths(item, py.subscript(root, [py.const(i)])).items():
                out.setdefault(k, v)
    return out
