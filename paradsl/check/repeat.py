"""Repetition: `uses layers : repeat n Block(d)` and `repeat n shared Block(d)`.

The use is n copies of `Block(d)` composed in sequence, so the block goes from a type to
itself, and n is a size of numbers and `Nat` hyperparameters (`depth`, `(2 * depth)`,
`(depth - 1)`): a count known when the module is built, since the copies' parameters are
stacked on a leading axis of n. A block may draw random numbers: the lowering gives each
copy, or each application of a shared one, a key of its own. The body refers to
the use by its name, a map of the block's type; its symmetry is the block's, checked once.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..diagnostics import Msg, Span
from ..syntax import ast
from ..types import Poly
from . import uses
from .bindings import HyperB, UseB
from .context import DeclContext
from .ranges import size_defaults, size_in_range
from .signatures import size_arithmetic


def make_repeat(ctx: DeclContext, ud: ast.UseDecl, rep: ast.Repeat) -> UseB | None:
    """The use of `rep.target` under the name `ud.name`, marked as repeated."""
    callee_name = rep.target.func.name if isinstance(rep.target, ast.Call) and isinstance(
        rep.target.func, ast.Name) else getattr(rep.target, "name", "?")
    count = _count(ctx, rep.count, callee_name)
    b = uses.make_use(ctx, ud.name.name, rep.target, False, ud.span)
    if b is None or count is None:
        return None
    t, _, _ = uses.instantiate(ctx, b, rep.target.span)
    if not ctx.u.unify(t.dom, t.cod):
        ctx.sink.error(Msg.REPEAT_CHANGES_TYPE, rep.target.span, callee=b.sig.key.name, dom=str(ctx.u.zonk(t.dom)),
                       cod=str(ctx.u.zonk(t.cod)))
        return None
    use = replace(b.use, repeat=count, shared=rep.shared)
    ctx.uses[ctx.uses.index(b.use)] = use
    ctx.use_bindings[use.name] = UseB(use, b.sig)
    return ctx.use_bindings[use.name]


def _count(ctx: DeclContext, s: ast.SizeExpr, callee: str) -> Poly | None:
    """The number of copies as a size, or None (reported): one that the hyperparameters'
    defaults or the size itself show to be negative is E0704, as a written axis would be."""
    count = _size(ctx, s, callee)
    if count is None or not size_in_range(ctx.sink, count, s.span, ctx.hypers, size_defaults(ctx.sig.hypers)):
        return None
    return count


def _size(ctx: DeclContext, s: ast.SizeExpr, callee: str) -> Poly | None:
    if isinstance(s, ast.SizeInt):
        return Poly.const(s.value)
    if isinstance(s, ast.SizeName):
        v = ctx.env.get(s.name)
        if isinstance(v, HyperB) and v.kind == "Nat":
            return Poly.var(s.name)
        ctx.sink.error(Msg.REPEAT_COUNT, s.span, name=s.name, callee=callee)
        return None
    return size_arithmetic(ctx.sink, s, _size(ctx, s.left, callee), _size(ctx, s.right, callee))


def tie_fits(ctx: DeclContext, target: str, source: str, span: Span) -> bool:
    """Whether `tie target = source`, of two whole uses, pairs copies that exist: one use
    to one copy, a shared repeat's one copy to one, or a stack to a stack of as many copies.
    Reported (E0809) otherwise, before the leaves' types are compared: that a stack's leaf
    has a leading axis the other lacks says less than which copy is meant."""
    mine, theirs = ctx.use_bindings.get(target), ctx.use_bindings.get(source)
    if mine is None or theirs is None:
        return True
    a, b = _stack(mine.use), _stack(theirs.use)
    if a == b:
        return True
    callee = theirs.sig.key.name if b is not None else mine.sig.key.name
    if a is None:
        ctx.sink.error(Msg.TIE_USE_TO_REPEAT, span, target=target, source=source, count=str(b), callee=callee)
    elif b is None:
        ctx.sink.error(Msg.TIE_REPEAT_TO_USE, span, target=target, source=source, count=str(a), callee=callee)
    else:
        ctx.sink.error(Msg.TIE_REPEAT_COUNTS, span, target=target, source=source, count=str(a), other=str(b))
    return False


def tie_reads_itself(ctx: DeclContext, target: tuple[str, ...], reads: set[tuple[str, ...]], span: Span) -> bool:
    """Whether a tie of the leaf `target` of a stack reads that leaf, one copy given by
    another (reported, E0810): the ties would form a cycle through the one stacked array."""
    b = ctx.use_bindings.get(target[0])
    count = None if b is None else _stack(b.use)
    if count is None or target not in reads:
        return False
    ctx.sink.error(Msg.TIE_COPY_TO_COPY, span, target=".".join(target), count=str(count), use=target[0])
    return True


def _stack(use: ir.Use) -> Poly | None:
    """The number of stacked copies of a use: None for one copy (a use, or a shared repeat)."""
    return None if use.repeat is None or use.shared else use.repeat
