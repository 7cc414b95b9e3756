"""Uses of paras: `uses enc : Dense(d, h)`, and the anonymous uses a body applies in place.

A use instantiates its callee's hyperparameters by its arguments and the callee's index
sets by fresh meta axes, one instance per reference (or one for all, once a tie or `via`
pins it); each instance is a call site whose solved axis must fit the callee's symmetry.
"""

from __future__ import annotations


from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Part, Span
from ..syntax import ast
from ..types import IndexSetAxis, Kind, MapType, MetaAxis, Poly, Unifier
from ..types.sizes import SizeTooLarge
from ..types.unify import substitute_type
from . import arguments, builtins, ranges
from .bindings import CallSite, ErrorB, GlobalB, IndexSetB, UseB
from .context import DeclContext
from .signatures import Signature, size_too_large
from .suggest import unknown_name


#: Which callee index-set kinds may be given which caller axes without breaking symmetry.
#: A callee polymorphic over a `set` is S_n-equivariant and fits any axis; one over a
#: `list` may use order, so it must not be given a `set` or a `cyc`.
_FITS = {
    Kind.SET: {"set", "cyc", "list", "fixed"},
    Kind.CYC: {"cyc", "list", "fixed"},
    Kind.LIST: {"list", "fixed"},
}


def make_use(ctx: DeclContext, name: str, call: ast.Expr, anonymous: bool, span: Span | None = None) -> UseB | None:
    sink = ctx.sink
    if isinstance(call, ast.Name):
        call = ast.Call(call.span, call, ())
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        if isinstance(call, (ast.Name, ast.Number)):
            sink.error(Msg.NOT_A_PARA, call.span, name=arguments.text(call))
        else:
            sink.error(Msg.NOT_A_PARA_EXPRESSION, call.span)
        return None
    target = ctx.globals.get(call.func.name)
    if isinstance(target, ErrorB):
        return None  # its declaration had an error, already reported
    if not isinstance(target, GlobalB):
        if call.func.name in ctx.env or builtins.is_builtin_function(call.func.name):
            sink.error(Msg.NOT_A_PARA, call.func.span, name=call.func.name)
        else:
            unknown_name(sink, call.func.span, call.func.name, list(ctx.globals))
        return None
    callee = target.sig
    # Index sets may be given by name after the hyperparameters: `Dense(c)`.
    given = [a for a in call.args if isinstance(a, ast.Name) and isinstance(ctx.env.get(a.name), IndexSetB)]
    if given and callee.index_sets:
        if len(given) > len(callee.index_sets):
            binders = [Part.INDEX_SET_BINDER.format(name=n, kind=k.value) for n, k in callee.index_sets]
            sink.error(Msg.ARITY_INDEX_SETS, given[len(callee.index_sets)].span, name=callee.key.name,
                       expected=len(callee.index_sets), given=len(given), binders=binders)
            return None
        ctx.explicit[name] = {n: ctx.env[a.name].axis for (n, _), a in zip(callee.index_sets, given)}
        call = ast.Call(call.span, call.func, tuple(a for a in call.args if not any(a is g for g in given)))
    if callee.generic:
        specialised = ctx.callees.specialise_use(ctx, callee, call)
        if specialised is None:
            return None
        callee, call = specialised
    args = arguments.hyper_args(ctx.sink, callee, call, ctx.hypers)
    if args is None:
        return None
    use = ir.Use(name, callee.key.name, tuple(args), anonymous, callee_file=callee.key.file)
    if not _sizes_fit(ctx, callee, use, call.span):
        return None
    if not ranges.use_in_range(ctx.sink, ctx.callees.needs(callee.key), use, arguments.written(callee, call),
                               call.span):
        return None
    ctx.deps.append((callee.key, call.span))
    ctx.uses.append(use)
    ctx.use_keys[name] = callee.key
    ctx.use_spans[name] = span or call.span
    ctx.use_bindings[name] = UseB(use, callee)
    return ctx.use_bindings[name]


def _sizes_fit(ctx: DeclContext, callee: Signature, use: ir.Use, span: Span) -> bool:
    """The callee's type and its leaves' types (each distinct one once), the use's sizes put
    in, stay within the limits of size polynomials: checked once here, so that neither a
    reference to the use nor a listing of its leaves can pass them."""
    sizes = use_sizes(callee, use)
    try:
        for t in (callee.type, *(ctx.callees.leaf_types(callee.key) or ())):
            substitute_type(t, sizes, {})
    except SizeTooLarge as e:
        size_too_large(ctx.sink, e, span, callee=callee.key.name)
        return False
    return True


def new_anonymous_use(ctx: DeclContext, call: ast.Call) -> UseB | None:
    base = _snake(call.func.name)
    n = ctx.anon_counter.get(base, 0)
    while f"{base}_{n}" in ctx.env:
        n += 1
    ctx.anon_counter[base] = n + 1
    return make_use(ctx, f"{base}_{n}", call, True)


def is_stochastic(ctx: DeclContext, use: str) -> bool:
    """Whether the para a use instantiates draws random numbers, itself or through its uses."""
    todo, seen = [ctx.use_keys[use]] if use in ctx.use_keys else [], set()
    while todo:
        k = todo.pop()
        if k in seen:
            continue
        seen.add(k)
        d = ctx.callees.para(k)
        if d is not None and d.stochastic:
            return True
        todo.extend(ctx.callees.uses_of(k).values())
    return False


def fresh_metas(ctx: DeclContext, b: UseB) -> dict[str, MetaAxis]:
    metas = {}
    for name, _ in b.sig.index_sets:
        m = ctx.u.fresh(name)
        given = ctx.explicit.get(b.use.name, {}).get(name)
        if given is not None:
            ctx.u.unify_axis(m, given)
        metas[name] = m
    return metas


def pin(ctx: DeclContext, b: UseB) -> dict[str, MetaAxis]:
    """One instance of a use's index sets, shared by its ties and every reference to it."""
    if b.use.name not in ctx.pins:
        ctx.pins[b.use.name] = fresh_metas(ctx, b)
    return ctx.pins[b.use.name]


def instantiate(ctx: DeclContext, b: UseB, span: Span) -> tuple[MapType, list[CallSite], tuple[tuple[str, MetaAxis], ...]]:
    """The callee's type at one reference of a use, its index sets instantiated (or pinned)."""
    callee = b.sig
    sizes = use_sizes(callee, b.use)
    metas = ctx.pins.get(b.use.name) or fresh_metas(ctx, b)
    sites = [CallSite(metas[name], callee.key.name, name, kind, span) for name, kind in callee.index_sets]
    t = substitute_type(callee.type, sizes, metas)
    return t, sites, tuple(metas.items())


def check_call_sites(sink: DiagnosticSink, u: Unifier, sites: list[CallSite]) -> None:
    for s in sites:
        a = u.resolve(s.meta)
        if isinstance(a, MetaAxis):
            continue
        kind = a.kind.value if isinstance(a, IndexSetAxis) else "fixed"
        if kind not in _FITS[s.kind]:
            assert isinstance(a, IndexSetAxis)
            sink.error(Msg.SYMMETRY_BROKEN_BY_CALL, s.span, callee=s.callee, param=s.param,
                       callee_kind=s.kind.value, kind=kind, index=a.name, group=a.kind.group)


def use_sizes(callee: ir.ParaDef | Signature, use: ir.Use) -> dict[str, Poly]:
    return {h.name: a.poly for h, a in zip(callee.hypers, use.args) if a.poly is not None}


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
