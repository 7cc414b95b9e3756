"""Calls of builtin functions: reductions, normalisations, scans, selections, dropout."""

from __future__ import annotations

import ast as pyast
from typing import TYPE_CHECKING

from .. import ir
from ..types import TensorType
from . import pybuild as py
from .context import LV
from .prims import NORMALISE_FN, REDUCE_FN, RUNTIME_FN, SCAN_FN, SELECTIONS, reduce_unit

if TYPE_CHECKING:
    from .body import Body


def _is_none(x: pyast.expr) -> pyast.expr:
    return pyast.Compare(left=x, ops=[pyast.Is()], comparators=[py.const(None)])


def _shape(x: pyast.expr) -> pyast.expr:
    return pyast.Attribute(value=x, attr="shape", ctx=pyast.Load())


def selection(b: Body, name: str, x: pyast.expr, axis: pyast.expr) -> pyast.expr:
    """One-hot of the first maximum along `axis` (argmax breaks ties by the lowest index);
    for `sample`, of a categorical draw when a key is given."""
    x = b.bind("scores", x)
    size = py.subscript(_shape(x), [axis])
    dtype = pyast.Attribute(value=x, attr="dtype", ctx=pyast.Load())
    pick = py.call("jnp.argmax", x, axis=axis)
    if name == "sample":
        k = b.bind("k", b.next_key())
        pick = pyast.IfExp(test=_is_none(k), body=pick, orelse=py.call("jax.random.categorical", k, x, axis=axis))
    return py.call("jax.nn.one_hot", pick, size, axis=axis, dtype=dtype)


def dropout(b: Body, t: ir.Builtin) -> LV:
    """Inverted dropout when a key is given; the identity without one. The gradient is
    finite at every rate, 1 included."""
    x, p = (b.term(a).expr for a in t.args)
    x = b.bind("h", x)
    k = b.bind("k", b.next_key())
    keep = b.bind("keep", py.binop("-", py.const(1.0), p))
    # A scalar argument may be a Python number, which has no `.shape`.
    scalar = not isinstance(t.args[0].type, TensorType) or t.args[0].type.rank == 0
    mask = py.call("jax.random.bernoulli", k, keep, py.call("jnp.shape", x) if scalar else _shape(x))
    # At rate 1 nothing is kept and the scale is 1, not 1 / 0: x / 0 where the value is 0
    # would still be NaN in the gradient.
    scale = py.call("jnp.where", pyast.Compare(left=keep, ops=[pyast.Gt()], comparators=[py.const(0.0)]), keep, py.const(1.0))
    dropped = py.binop("/", py.call("jnp.where", mask, x, py.const(0.0)), scale)
    return LV(pyast.IfExp(test=_is_none(k), body=x, orelse=dropped))


def builtin(b: Body, t: ir.Builtin, prefer: tuple[str, ...] = ()) -> LV:
    if t.name == "dropout":
        return dropout(b, t)
    x = b.term(t.args[0], prefer + tuple(n for n in t.over if n not in prefer))
    if t.name == "transpose":
        return LV(pyast.Attribute(value=x.expr, attr="T", ctx=pyast.Load()))
    if t.name == "one_hot":  # the indicator over the pointer's index set, a new last axis
        target = t.args[0].type.target
        return LV(py.call("jax.nn.one_hot", x.expr, b.size(target), dtype=py.attr("jnp.float32")), x.labels)
    if t.over:
        axes = tuple(x.labels.index(n) for n in t.over)
        axis = py.const(axes[0]) if len(axes) == 1 else py.tuple_(py.const(a) for a in axes)
        out = tuple(n for n in x.labels if n not in t.over)  # for a reduction; the rest keep the shape
    else:
        axis, out = None, ()
    if t.name in NORMALISE_FN or t.name in SELECTIONS or t.name in SCAN_FN:
        if axis is None:  # the last axis; lax's scans take no negative axis
            rank = t.args[0].type.rank if isinstance(t.args[0].type, TensorType) else 1
            axis = py.const(rank - 1 if t.name in SCAN_FN else -1)
        expr = x.expr
        if len(t.args) > 1:  # an inverse temperature; a masked (-inf) logit gives it no gradient
            b.facts.runtime.add("temper")
            expr = py.call("temper", b.term(t.args[1]).expr, expr)
        if t.name in SELECTIONS:
            return LV(selection(b, t.name, expr, axis), x.labels)
        fn = NORMALISE_FN.get(t.name) or SCAN_FN[t.name]
        if fn in RUNTIME_FN:
            b.facts.runtime.add(fn)
        return LV(py.call(fn, expr, axis=axis), x.labels)
    fn = REDUCE_FN[t.name]
    if fn in RUNTIME_FN:
        b.facts.runtime.add(fn)
    unit = reduce_unit(t.name, t.type.dtype)
    initial = {"initial": py.ann(unit)} if unit is not None else {}  # an empty max is its unit, -inf
    if axis is None:
        return LV(py.call(fn, x.expr, **initial))
    return LV(py.call(fn, x.expr, axis=axis, **initial), out)
