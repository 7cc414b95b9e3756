"""Parameter leaves: every tensor a para allocates or is given, at its path (`dec.W`).

A para's leaves are its own parameters and, under each use's name, the leaves of the
callee, sizes substituted; a leaf tied here or inside the callee is computed, not free.
A leaf declared `~ via` is abstract: the para's user must give it by a tie or a 2-cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .. import ir
from ..diagnostics import Msg, Span
from ..resolve import DeclKey
from ..syntax import ast
from ..types import FixedAxis, IndexSetAxis, MetaAxis, TensorType
from ..types.unify import substitute_type
from . import uses
from .bindings import ErrorB, ParamB, UseB
from .context import Callees, DeclContext
from .suggest import closest


@dataclass(frozen=True)
class Leaf:
    """One parameter leaf of a para, at a path from it: `("dec", "W")`."""

    path: tuple[str, ...]
    type: TensorType
    abstract: bool  # declared `~ via`: given by a 2-cell of the para's user
    tied: bool  # computed by a tie (here or inside a use): not a free parameter
    inside: str | bool = False  # the para inside which it is tied, if not here
    via: bool = False  # a free parameter Q introduced by `f via r`

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Subtree:
    """A path to a use or to a use inside it: every leaf under it."""

    path: tuple[str, ...]


def use_leaves(ctx: DeclContext, b: UseB, *, open_only: bool = False) -> list[Leaf] | None:
    """The leaves of a use, in this para's names (its index sets pinned); with `open_only`,
    only those its callee leaves for its user to give."""
    key = ctx.use_keys.get(b.use.name)
    if key is None:
        return None
    inner = ctx.callees.open_leaves(key) if open_only else ctx.callees.leaves(key)
    callee = ctx.callees.para(key)
    if inner is None or callee is None:
        return None
    sizes = uses.use_sizes(callee, b.use)
    metas = uses.pin(ctx, b)
    stack = _stack(b.use)
    return [replace(leaf, path=(b.use.name, *leaf.path), type=_stacked(substitute_type(leaf.type, sizes, metas), stack),
                    tied=leaf.tied, inside=callee.name if leaf.tied else False) for leaf in inner]


def _stack(use: ir.Use) -> tuple[FixedAxis, ...]:
    """The leading axis a use's leaves gain: the copies of a repeat are stacked on one; a
    shared one is stored once, and a use that is not repeated gains none."""
    return () if use.repeat is None or use.shared else (FixedAxis(use.repeat),)


def _stacked(t: TensorType, stack: tuple[FixedAxis, ...]) -> TensorType:
    return replace(t, axes=stack + t.axes) if stack else t


def resolve_path(ctx: DeclContext, path: tuple[ast.Ident, ...], span: Span, *,
                 for_tie: bool) -> tuple[Leaf | UseB | Subtree, list[Leaf] | None] | None:
    """A path to a leaf or a use: (Leaf | UseB, leaves) or None (reported)."""
    first = path[0]
    b = ctx.env.get(first.name)
    if isinstance(b, ErrorB):
        return None
    if isinstance(b, ParamB) and len(path) == 1:
        p = next(p for p in ctx.params if p.name == first.name)
        return Leaf((p.name,), p.type, p.abstract, False, via=p.via is not None), None
    if not isinstance(b, UseB):
        options = [n for n, v in ctx.env.items() if isinstance(v, (ParamB, UseB))]
        close = closest(first.name, options)
        if close:
            ctx.sink.error(Msg.UNKNOWN_FIELD_CLOSE, first.span, owner=ctx.where, name=first.name, close=close)
        elif options:
            ctx.sink.error(Msg.UNKNOWN_OWN_FIELD, first.span, owner=ctx.where, name=first.name, options=options)
        else:
            ctx.sink.error(Msg.UNKNOWN_FIELD_NO_OWN, first.span, owner=ctx.where, name=first.name)
        return None
    leaves = use_leaves(ctx, b)
    if leaves is None:
        return None
    want = tuple(i.name for i in path)
    if len(path) == 1:
        return b, leaves
    exact = next((leaf for leaf in leaves if leaf.path == want), None)
    if exact is not None:
        if exact.tied:
            msg = Msg.TIED_LEAF_TO_TIE if for_tie else Msg.TIED_LEAF_TO_READ
            ctx.sink.error(msg, span, target=".".join(want), owner=exact.inside)
            return None
        return exact, None
    if any(leaf.path[:len(want)] == want for leaf in leaves):
        return Subtree(want), [leaf for leaf in leaves if leaf.path[:len(want)] == want]
    # Name the first step that does not exist.
    for i in range(1, len(path)):
        prefix = want[:i + 1]
        if not any(leaf.path[:i + 1] == prefix for leaf in leaves):
            options = sorted({leaf.path[i] for leaf in leaves if leaf.path[:i] == want[:i] and len(leaf.path) > i})
            owner = ".".join(want[:i])
            close = closest(path[i].name, options)
            if close:
                ctx.sink.error(Msg.UNKNOWN_FIELD_CLOSE, path[i].span, owner=owner, name=path[i].name, close=close)
            elif options:
                ctx.sink.error(Msg.UNKNOWN_USE_FIELD, path[i].span, owner=owner, name=path[i].name, options=options)
            else:
                ctx.sink.error(Msg.UNKNOWN_FIELD_NO_PARAMS, path[i].span, owner=owner, name=path[i].name)
            return None
    return None  # pragma: no cover - some step above is missing


def leaf_type(ctx: DeclContext, path: tuple[ast.Ident, ...], span: Span) -> TensorType | None:
    """The type of a leaf read by a tie (`enc.W`)."""
    r = resolve_path(ctx, path, span, for_tie=False)
    if r is None:
        return None
    found, _ = r
    if not isinstance(found, Leaf):
        ctx.sink.error(Msg.TIE_OF_USE, span, use=".".join(i.name for i in path))
        return None
    return found.type


def check_free_leaves(ctx: DeclContext, params: tuple[ir.Param, ...], ties: tuple[ir.Tie, ...]) -> bool:
    """Every leaf a 2-cell must give is given, and every free leaf can be allocated."""
    tied = {t for tie in ties for t in tie.targets}
    ok = True
    for p in params:
        if p.via is not None and (p.name,) not in tied:
            runtime = next((a for a in p.type.axes if isinstance(a, IndexSetAxis)), None)
            if runtime is not None or any(isinstance(a, MetaAxis) for a in p.type.axes):
                if runtime is None:
                    ctx.sink.error(Msg.INDEX_RANGE_UNKNOWN, ctx.via_spans[p.name], index=p.name)
                else:
                    ctx.sink.error(Msg.RUNTIME_SIZED_REPARAM_INPUT, ctx.via_spans[p.name], name=p.name,
                                   kind=runtime.kind.value, index=runtime.name)
                ok = False
    for use in ctx.uses:
        key = ctx.use_keys[use.name]
        callee = ctx.callees.para(key)
        if callee is None or callee.is_reparam:
            continue
        for leaf in use_leaves(ctx, ctx.use_bindings[use.name], open_only=True) or []:
            if leaf.path not in tied:
                t = ctx.u.zonk(leaf.type)
                runtime = next((a for a in t.axes if isinstance(a, IndexSetAxis)), None)
                inner = ".".join(leaf.path[1:])
                span = ctx.use_spans[use.name]
                if runtime is not None and use.anonymous:
                    ctx.sink.error(Msg.RUNTIME_SIZED_LEAF, span, leaf=inner, callee=callee.name,
                                   kind=runtime.kind.value, index=runtime.name)
                elif runtime is not None:
                    ctx.sink.error(Msg.RUNTIME_SIZED_NAMED_LEAF, span, leaf=inner, callee=callee.name,
                                   kind=runtime.kind.value, index=runtime.name, dotted=leaf.dotted)
                elif use.anonymous:
                    ctx.sink.error(Msg.LEAF_NOT_GIVEN, span, target=inner, callee=callee.name)
                else:
                    ctx.sink.error(Msg.NAMED_LEAF_NOT_GIVEN, span, target=leaf.dotted, callee=callee.name)
                ok = False
    return ok


def leaves_of(d: ir.ParaDef, use_keys: Mapping[str, DeclKey], callees: Callees, *,
              open_only: bool = False) -> list[Leaf]:
    """Every parameter leaf of a checked para, its own and its uses', with the tied ones
    marked; types in the para's own names. With `open_only`, only the leaves its user must
    give (declared `~ via`, tied nowhere), found without listing the others: a chain of paras
    each using the one before twice has 2^n leaves, and few or none of them open."""
    tied = d.tied()
    out = [Leaf((p.name,), p.type, p.abstract, (p.name,) in tied, via=p.via is not None) for p in d.params
           if not open_only or (p.abstract and (p.name,) not in tied)]
    for use in d.uses:
        callee_key = use_keys[use.name]
        callee = callees.para(callee_key)
        inner = callees.open_leaves(callee_key) if open_only else callees.leaves(callee_key)
        if callee is None or inner is None or callee.is_reparam:
            continue
        sizes = uses.use_sizes(callee, use)
        index_sets = dict(use.index_sets)
        stack = _stack(use)
        for leaf in inner:
            path = (use.name, *leaf.path)
            if open_only and path in tied:
                continue
            t = _stacked(substitute_type(leaf.type, sizes, index_sets), stack)
            out.append(Leaf(path, t, leaf.abstract, leaf.tied or path in tied, inside=leaf.tied and callee.name,
                            via=leaf.via))
    return out


def leaf_types_of(d: ir.ParaDef, use_keys: Mapping[str, DeclKey], callees: Callees) -> frozenset[TensorType]:
    """The distinct types of a checked para's leaves, in its own names: what a user's sizes
    are put into, found from its callees' leaf types without listing its leaves."""
    out = {p.type for p in d.params}
    for use in d.uses:
        callee_key = use_keys[use.name]
        callee = callees.para(callee_key)
        inner = callees.leaf_types(callee_key)
        if callee is None or inner is None or callee.is_reparam:
            continue
        sizes, index_sets = uses.use_sizes(callee, use), dict(use.index_sets)
        out.update(_stacked(substitute_type(t, sizes, index_sets), _stack(use)) for t in inner)
    return frozenset(out)
