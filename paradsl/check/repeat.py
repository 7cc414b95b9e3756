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

from ..diagnostics import Msg
from ..syntax import ast
from ..types import Poly
from ..types.sizes import SizeTooLarge
from . import uses
from .bindings import HyperB, UseB
from .context import DeclContext
from .ranges import size_defaults, size_in_range
from .signatures import SIZE_ARITHMETIC, size_too_large


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
    left, right = _size(ctx, s.left, callee), _size(ctx, s.right, callee)
    if left is None or right is None:
        return None
    try:
        return SIZE_ARITHMETIC[s.op](left, right)
    except SizeTooLarge as err:
        size_too_large(ctx.sink, err, s.span)
        return None
