"""Scatters: a reduction over an edge set read back onto the nodes its pointers point to.

    for v k. sum a. if dst[a] == v then m[a, k] else 0.0

is, by its meaning, a sum over all pairs (v, a) of a mask and a message: lowered as it
reads, it builds an [n, e, k] array. Its value is the segment sum of `m` by `dst`, which
`jax.ops.segment_sum` computes in O(|e| k) memory; likewise `max` and `min` with their unit
(`-inf`, `inf`) in the other branch are `segment_max` and `segment_min`, which give that unit
to a node no pointer reaches. The pattern is recognised on the IR, so the program states the
scatter in index notation and the checker proves it equivariant as written: `dst[a] == v`
compares a pointer with an index of its set.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import ir
from ..types import TensorType
from . import pybuild as py
from .context import LV

if TYPE_CHECKING:
    from .body import Body

#: The segment reduction of each reduction, and the value its other branch must have.
SEGMENT = {"sum": ("jax.ops.segment_sum", 0.0), "max": ("jax.ops.segment_max", -math.inf),
           "min": ("jax.ops.segment_min", math.inf)}


def _value(t: ir.Term) -> float | None:
    """A literal's value, `-inf` included; None for anything else."""
    if isinstance(t, ir.Lit) and not isinstance(t.value, bool):
        return float(t.value)
    if isinstance(t, ir.Prim) and t.op == "neg":
        v = _value(t.args[0])
        return None if v is None else -v
    return None


def _is_ptr(t: ir.Term) -> bool:
    return isinstance(t.type, TensorType) and t.type.dtype == "ptr" and t.type.rank == 0


def segments(t: ir.Reduce) -> tuple[str, ir.Term, ir.IndexValue, ir.Term] | None:
    """(the segment function, the pointer, the node index, the value) of a scatter, or None
    where `t` is not one: one reduced index `a`, a body `if p == v then value else unit`
    (either side of `==`), the pointer `p` reading `a` alone, `v` another index, and the
    value reading `a` but not `v`."""
    if t.semiring is not None or str(t.op) not in SEGMENT or len(t.indices) != 1:
        return None
    fn, unit = SEGMENT[str(t.op)]
    (a, _), = t.indices
    body = t.body
    if not (isinstance(body, ir.Prim) and body.op == "where" and _value(body.args[2]) == unit):
        return None
    cond, value = body.args[0], body.args[1]
    if not (isinstance(cond, ir.Prim) and cond.op == "eq"):
        return None
    for p, v in (cond.args, cond.args[::-1]):
        if (_is_ptr(p) and isinstance(v, ir.IndexValue) and {n for n, _ in p.labels} == {a}
                and v.name != a and a in {n for n, _ in value.labels}
                and v.name not in {n for n, _ in value.labels} and isinstance(value.type, TensorType)
                and value.type.rank == 0):
            return fn, p, v, value
    return None


def scatter(b: Body, t: ir.Reduce, prefer: tuple[str, ...] = ()) -> LV | None:
    """A scatter as a segment reduction (see the module's docstring); None where `t` is not one."""
    found = segments(t)
    if found is None:
        return None
    fn, p, v, value = found
    from .index import permute

    (a, _), = t.indices
    lv = b.term(value, (a,) + tuple(n for n in prefer if n != v.name))
    rest = [n for n in lv.labels if n != a]
    data = permute(lv.expr, list(lv.labels), [a] + rest)
    (_, node_axis), = v.labels
    out = py.call(fn, data, b.term(p).expr, num_segments=b.size(node_axis))
    return LV(out, (v.name,) + tuple(rest))
