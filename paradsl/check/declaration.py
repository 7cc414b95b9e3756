"""Checking one declaration (`para`, `reparam`, or one of the algebra-like kinds) to an `ir.ParaDef`.

Its binders, parameters, uses and ties are bound into one environment, in that order; its
body (or its cases) is checked against the declared `dom -> cod`; then the call sites'
symmetry, the order of the ties and the free leaves are checked, and the result zonked.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import replace

from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import IndexSetAxis, Kind, MapType
from ..types.sizes import SizeTooLarge
from . import algebras, builtins, leaves, repeat, scope, ties, two_cells, uses
from .bindings import Environment, ErrorB, HyperB, IndexSetB
from .body import BodyChecker
from .context import BodyContext, DeclContext
from .host import DeclarationHost
from .signatures import size_too_large
from .zonk import zonk


def check_declaration(ctx: DeclContext) -> ir.ParaDef | None:
    """The declaration's IR, or None if it has an error (reported).

    Sizes written here and each use's arguments are checked against the limits of size
    polynomials where they are written; a leaf deep inside a use, whose size only its uses'
    arguments together make too large, is reported at the declaration."""
    try:
        return _check(ctx)
    except SizeTooLarge as e:
        size_too_large(ctx.sink, e, ctx.decl.name.span, name=ctx.where)
        return None


def _check(ctx: DeclContext) -> ir.ParaDef | None:
    decl, sig, sink = ctx.decl, ctx.sig, ctx.sink
    for b in decl.binders:
        if b.kind.name in builtins.HYPER_KINDS:
            scope.bind(ctx, b.name, HyperB(b.kind.name))
        elif b.kind.name in builtins.INDEX_KINDS:
            scope.bind(ctx, b.name, IndexSetB(IndexSetAxis(b.name.name, Kind(b.kind.name))))
    if decl.is_reparam:
        scope.reparam_clauses(ctx)
    elif decl.inits:
        sink.error(Msg.INIT_IN_PARA, decl.inits[0].span)
    scope.params(ctx)
    for ud in decl.uses:
        if isinstance(ud.expr, ast.Repeat):
            scope.bind(ctx, ud.name, repeat.make_repeat(ctx, ud, ud.expr) or ErrorB())
            continue
        base, reparams = two_cells.via_chain(ud.expr)
        # `repeat n B(...) via R`: R gives the stack's leaves, as `= layers via R` in a body.
        b = repeat.make_repeat(ctx, ud, base) if isinstance(base, ast.Repeat) else uses.make_use(
            ctx, ud.name.name, base, False, ud.span)
        scope.bind(ctx, ud.name, b if b is not None else ErrorB())
        if b is not None and reparams:
            two_cells.apply_via(ctx, b, reparams, ud.expr.span)
    for td in () if decl.is_reparam else decl.ties:
        ties.tie(ctx, td)

    checker = BodyChecker(BodyContext(sink, ctx.u, Environment(ChainMap(ctx.env, ctx.globals)), ctx.where, DeclarationHost(ctx),
                                      mode="reparam" if decl.is_reparam else "body", call_sites=ctx.call_sites))
    if not sig.ok:
        return None
    shape, cases = None, ()
    if decl.is_algebra:
        shape = algebras.algebra_shape(ctx)
        cases = algebras.check_cases(ctx, checker, shape) if shape is not None else None
        if cases is None:
            return None
        body = None
    else:
        if not decl.is_reparam:
            scope.check_index_sets_in_dom(sink, decl, sig)
        body = checker.map_(decl.body, sig.type.dom, None if decl.cod is None else sig.type.cod)
        if body is None:
            return None
    if body is not None:
        body = check_body_type(ctx, checker, body)
        if body is None:
            return None
    ptype = MapType(sig.type.dom, body.type.cod) if decl.cod is None and body is not None else sig.type
    uses.check_call_sites(sink, ctx.u, ctx.call_sites)
    ordered = ties.order_ties(ctx)
    if ordered is None:
        return None
    params = tuple(replace(p, type=ctx.u.zonk(p.type)) for p in ctx.params)
    pinned = tuple(replace(use, index_sets=tuple((n, ctx.u.resolve(m)) for n, m in ctx.pins.get(use.name, {}).items()))
                   for use in ctx.uses)
    if not leaves.check_free_leaves(ctx, params, ordered):
        return None
    if shape is not None:
        shape = zonk(ctx.u, shape)
        cases = tuple(replace(c, body=zonk(ctx.u, c.body)) for c in cases)
    return ir.ParaDef(ctx.where, ctx.key.file, sig.hypers, sig.index_sets, ptype, params, pinned, body,
                      stochastic=checker.cx.stochastic, ties=ordered, kind=decl.kind, shape=shape, cases=cases)


def check_body_type(ctx: DeclContext, checker: BodyChecker, body: ir.MapTerm) -> ir.MapTerm | None:
    """The body zonked, once its type is the declared one."""
    decl, sig, sink = ctx.decl, ctx.sig, ctx.sink
    if decl.cod is not None and not ctx.u.unify(body.type.cod, sig.type.cod):
        msg = Msg.REPARAM_RESULT_MISMATCH if decl.is_reparam else Msg.BODY_RESULT_MISMATCH
        sink.error(msg, decl.body.span, found=checker.cx.show(body.type.cod), expected=str(sig.type.cod),
                   name=ctx.where, signature=arrow(ctx))
        return None
    if not ctx.u.unify(body.type.dom, sig.type.dom):
        sink.error(Msg.BODY_INPUT_MISMATCH, decl.body.span, expected=str(sig.type.dom),
                   found=checker.cx.show(body.type.dom), name=ctx.where, signature=arrow(ctx))
        return None
    return zonk(ctx.u, body)


def arrow(ctx: DeclContext) -> str:
    """The declared type as written: `Q => P` for a reparam."""
    t = ctx.sig.type
    return f"{t.dom} => {t.cod}" if ctx.decl.is_reparam else str(t)
