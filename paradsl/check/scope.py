"""A declaration's scope: its binders, its own parameters and their initialisers.

Binders (hyperparameters and index sets) and parameters are bound in the declaration's
environment before its uses, ties and body are checked; a name bound twice is reported.
A parameter over a runtime index set breaks the set's symmetry unless a 2-cell gives it.
"""

from __future__ import annotations


from .. import ir
from ..diagnostics import DiagnosticSink, Msg
from ..syntax import ast
from ..types import IndexSetAxis, Kind, TensorType, is_float
from ..types.unify import axes_of
from . import builtins
from .bindings import Binding, ErrorB, ParamB
from .context import DeclContext
from .signatures import Signature, TypeScope, binder_tables
from .ranges import init_fits, size_defaults


def bind(ctx: DeclContext, ident: ast.Ident, b: Binding) -> None:
    """Bind a name in the declaration's environment; a name bound twice is reported."""
    if ident.name in ctx.env:
        ctx.sink.error(Msg.DUPLICATE_LOCAL, ident.span, name=ident.name, where=ctx.where)
    ctx.env[ident.name] = b


def reparam_clauses(ctx: DeclContext) -> None:
    """A reparam is parameter-only: it has no parameters, uses or ties of its own, and one `init`."""
    decl = ctx.decl
    for clause, msg in ((decl.params, Msg.REPARAM_OWN_PARAMS), (decl.uses, Msg.REPARAM_USES),
                        (decl.ties, Msg.REPARAM_TIES)):
        if clause:
            ctx.sink.error(msg, clause[0].span)
    if len(decl.inits) > 1:
        ctx.sink.error(Msg.DUPLICATE_LOCAL, decl.inits[1].span, name="init", where=ctx.where)


def params(ctx: DeclContext) -> None:
    """Bind and record the declaration's own parameters (`params W : [d, h] ~ glorot`)."""
    scope = TypeScope(ctx.hypers, dict(ctx.sig.index_sets), ctx.sink, size_defaults(ctx.sig.hypers))
    if ctx.decl.is_reparam:  # reported by reparam_clauses; known by name so their uses stay quiet
        for p in ctx.decl.params:
            bind(ctx, p.name, ErrorB())
        return
    for p in ctx.decl.params:
        t = scope.type(p.type)
        init = declared_init(ctx.sink, p)
        if t is None or init is None:
            bind(ctx, p.name, ErrorB())
            continue
        if not isinstance(t, TensorType):
            ctx.sink.error(Msg.PARAM_NOT_TENSOR, p.type.span, found=t)
            bind(ctx, p.name, ErrorB())
            continue
        if t.dtype == "ptr":  # a parameter is learned by its gradient, and a pointer has none
            ctx.sink.error(Msg.POINTER_PARAM, p.type.span, name=p.name.name, found=str(t))
            bind(ctx, p.name, ErrorB())
            continue
        if p.init is None and not is_float(t.dtype):
            init = ir.Init("zeros")  # glorot draws floats
        if not init_fits(ctx.sink, p, t, init):
            bind(ctx, p.name, ErrorB())
            continue
        abstract = init.name == "via"
        runtime = next((a for a in t.axes if isinstance(a, IndexSetAxis)), None)
        if runtime is not None and not abstract:
            ctx.sink.error(Msg.RUNTIME_SIZED_OWN_PARAM, p.type.span, name=p.name.name, kind=runtime.kind.value,
                           index=runtime.name)
            bind(ctx, p.name, ErrorB())
            continue
        bind(ctx, p.name, ParamB(t))
        ctx.params.append(ir.Param(p.name.name, t, init, abstract=abstract))


def declared_init(sink: DiagnosticSink, p: ast.ParamDecl) -> ir.Init | None:
    """A parameter's initialiser: as declared, else glorot for a matrix and zeros otherwise."""
    if p.init is None:
        return ir.Init("glorot" if _rank(p.type) >= 2 else "zeros")
    return initializer(sink, p.init, allow_via=True)


def initializer(sink: DiagnosticSink, init: ast.Initializer, allow_via: bool = False) -> ir.Init | None:
    """`~ glorot`, `~ normal(0.5)`; `~ via` marks a leaf that a 2-cell gives."""
    name = init.name.name
    if name == "via" and allow_via and not init.args:
        return ir.Init("via")
    if name not in builtins.INITIALIZERS:
        msg = Msg.UNKNOWN_INIT_OR_VIA if allow_via else Msg.UNKNOWN_INIT
        sink.error(msg, init.name.span, name=name, known=list(builtins.INITIALIZERS))
        return None
    lo, hi = builtins.INITIALIZERS[name]
    if not lo <= len(init.args) <= hi:
        if lo == hi:
            sink.error(Msg.ARITY_INITIALISER, init.span, name=name, expected=lo, given=len(init.args))
        else:
            sink.error(Msg.ARITY_INITIALISER_RANGE, init.span, name=name, least=lo, most=hi, given=len(init.args))
        return None
    return ir.Init(name, tuple(a.value for a in init.args))


def check_index_sets_in_dom(sink: DiagnosticSink, decl: ast.ParaDecl, sig: Signature) -> None:
    """Every index set a para declares is an axis of its input, which gives its size."""
    present = {a.name for a in axes_of(sig.type.dom) if isinstance(a, IndexSetAxis)}
    for b in decl.binders:
        if b.kind.name in builtins.INDEX_KINDS and b.name.name not in present:
            sink.error(Msg.INDEX_SET_NOT_IN_INPUT, b.span, name=b.name.name)


def binder_tables_quiet(decl: ast.ParaDecl) -> tuple[dict[str, str], dict[str, Kind], list[ir.Hyper], bool]:
    """`binder_tables` without reporting: the binders' errors are reported with the signature."""
    return binder_tables(decl, DiagnosticSink())


def _rank(t: ast.TypeExpr) -> int:
    return len(t.axes) if isinstance(t, ast.TensorTypeExpr) else 0
