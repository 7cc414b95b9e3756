"""Iteration: `iterate f for k` and `iterate f until converged for k`.

The map `f` goes from a state to a state of the same type, whatever that type is (a tensor,
a tuple, node-indexed state over a `set`); `k` is a size known when the model is traced: a
number, a `Nat` or `Int` hyperparameter, an index set (its size), or a size expression of
those in parentheses, `for (n - 1)`. The iterate is checked once, as the body `f` is: its
k-fold composite has whatever symmetry `f` has.
"""

from __future__ import annotations

from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import Axis, MapType, Poly, TensorType, TupleType, Type
from ..types.types import is_float
from .bindings import HyperB, IndexSetB
from .body import BodyChecker
from .context import DeclContext
from .signatures import size_arithmetic
from .suggest import unknown_name


def iterate(ctx: DeclContext, bc: BodyChecker, e: ast.FoldExpr, dom: Type | None) -> ir.MapTerm | None:
    """`iterate f for k : S -> S` for `f : S -> S`."""
    sets: dict[str, Axis] = {}
    count = _count(ctx, bc, e.over, sets)
    f = bc.map_(e.target, dom)
    if f is None or count is None:
        return None
    if dom is not None:
        ctx.u.unify(f.type.dom, dom)  # a mismatch with the input is the caller's to report
    if bc.maps.stochastic_map(f):
        ctx.sink.error(Msg.RANDOM_ITERATE, e.target.span)
        return None
    if not ctx.u.unify(f.type.dom, f.type.cod):
        ctx.sink.error(Msg.ITERATE_STATE_CHANGES, e.target.span, dom=bc.cx.show(f.type.dom),
                       cod=bc.cx.show(f.type.cod))
        return None
    until = e.scheme == "until"
    if until and not _floats(ctx.u.zonk(f.type.dom)):
        ctx.sink.error(Msg.UNTIL_NOT_FLOATS, e.target.span, type=bc.cx.show(f.type.dom))
        return None
    return ir.Iterate(f, count, tuple(sorted(sets.items())), until, type=MapType(f.type.dom, f.type.dom))


def _count(ctx: DeclContext, bc: BodyChecker, s: ast.SizeExpr, sets: dict[str, Axis]) -> Poly | None:
    """The number of steps as a size; the index sets it names go into `sets`."""
    if isinstance(s, ast.SizeInt):
        return Poly.const(s.value)
    if isinstance(s, ast.SizeName):
        v = ctx.env.get(s.name)
        if isinstance(v, HyperB) and v.kind in ("Nat", "Int"):
            return Poly.var(s.name)
        if isinstance(v, IndexSetB):
            sets[s.name] = v.axis
            return Poly.var(s.name)
        if isinstance(v, HyperB):
            ctx.sink.error(Msg.ITERATE_COUNT_HYPER, s.span, name=s.name, kind=v.kind)
        elif v is not None or bc.cx.lookup(s.name) is not None:
            ctx.sink.error(Msg.ITERATE_COUNT_NAME, s.span, name=s.name)
        else:
            candidates = [n for n, x in ctx.env.items() if isinstance(x, (HyperB, IndexSetB))]
            unknown_name(ctx.sink, s.span, s.name, candidates)
        return None
    return size_arithmetic(ctx.sink, s, _count(ctx, bc, s.left, sets), _count(ctx, bc, s.right, sets))


def _floats(t: Type) -> bool:
    """Whether every tensor of a state is of floats, so that a change can be measured."""
    if isinstance(t, TupleType):
        return all(_floats(i) for i in t.items)
    return isinstance(t, TensorType) and is_float(t.dtype)
