"""2-cells at a use: `f via r1 via r2`, vertical composition of reparameterisations.

`f via r` gives f's free leaves P by the reparam `r : Q => P` applied to fresh free
parameters Q of the caller: a tie `f.P = r(q)`. A chain adds one tie per reparam.
"""

from __future__ import annotations


from .. import ir
from ..diagnostics import Msg, Part, Span
from ..syntax import ast
from ..types import TensorType, TupleType
from . import builtins, leaves, scope, ties, uses
from .bindings import ErrorB, GlobalB, UseB
from .body import BodyChecker
from .context import DeclContext
from .suggest import unknown_name


def via(ctx: DeclContext, bc: BodyChecker, e: ast.BinOp) -> ir.MapTerm | None:
    base, reparams = via_chain(e)
    f = bc.map_(base, None)
    if f is None:
        return None
    if not isinstance(f, ir.UseRef):
        ctx.sink.error(Msg.VIA_ON_COMPOSITE, base.span)
        return None
    b = ctx.use_bindings[f.name]
    if f.name not in ctx.pins:
        ctx.pins[f.name] = dict(f.index_sets)  # type: ignore[arg-type]
    if not apply_via(ctx, b, reparams, e.span):
        return None
    return f


def apply_via(ctx: DeclContext, b: UseB, reparams: list[ast.Expr], span: Span) -> bool:
    """Desugar `f via r1 via r2 ...`: fresh free parameters q for the last reparam,
    and ties `f.P = r1(q1)`, `q1 = r2(q2)`, ... (vertical composition of 2-cells)."""
    found = leaves.use_leaves(ctx, b)
    if found is None:
        return False
    targets = [(leaf.path, leaf.type) for leaf in found if not leaf.tied]
    owner = b.sig.key.name
    for r_expr in reparams:
        rb = reparam_use(ctx, r_expr)
        if rb is None:
            return False
        t, sites, index_sets = uses.instantiate(ctx, rb, r_expr.span)
        ctx.call_sites.extend(sites)
        q_type, p_type = t.dom, t.cod
        if len(targets) == 1:
            ok = ctx.u.unify(p_type, targets[0][1])
        else:
            ok = (isinstance(p_type, TupleType) and len(p_type.items) == len(targets)
                  and all(ctx.u.unify(a, tt) for a, (_, tt) in zip(p_type.items, targets)))
        if not ok:
            typed = [Part.TYPED_LEAF.format(path=".".join(p[1:]) or p[0], type=ctx.u.zonk(tt)) for p, tt in targets]
            if len(targets) == 1:
                ctx.sink.error(Msg.VIA_MISMATCH_ONE, r_expr.span, reparam=rb.sig.key.name,
                               found=ctx.u.zonk(p_type), callee=owner, leaf=typed[0])
            else:
                ctx.sink.error(Msg.VIA_MISMATCH_MANY, r_expr.span, reparam=rb.sig.key.name,
                               found=ctx.u.zonk(p_type), callee=owner, leaves=typed)
            return False
        rdecl = ctx.callees.loader.decl(rb.sig.key)
        names = [p.name for p in rdecl.body.params] if isinstance(rdecl.body, ast.Lambda) else ["q"]
        q_items = list(q_type.items) if isinstance(q_type, TupleType) else [q_type]
        if len(names) != len(q_items) or not all(isinstance(q, TensorType) for q in q_items):
            return False  # the reparam's own body is reported where it is declared
        init = scope.initializer(ctx.sink, rdecl.inits[0]) if rdecl.inits else None
        refs = []
        new_targets = []
        for n, q in zip(names, q_items):
            pname = fresh_param_name(ctx, f"{b.use.name}_{n}")
            pinit = init or ir.Init("glorot" if q.rank >= 1 else "zeros")
            ctx.params.append(ir.Param(pname, q, pinit, via=b.use.name))
            ctx.via_spans[pname] = r_expr.span
            refs.append(ir.ParamRef(pname, type=q))
            new_targets.append(((pname,), q))
        arg = refs[0] if len(refs) == 1 else ir.TupleT(tuple(refs), type=TupleType(tuple(r.type for r in refs)))
        value = ir.Apply(ir.UseRef(rb.use.name, index_sets, type=t), arg, type=p_type, span=r_expr.span)
        lhs = ", ".join(".".join(p) for p, _ in targets)
        src = f"{lhs} = {rb.sig.key.name}({', '.join(r.name for r in refs)})"
        if not ties.add_tie(ctx, [p for p, _ in targets], value, src, r_expr.span):
            return False
        targets = new_targets
        owner = rb.sig.key.name
    return True


def fresh_param_name(ctx: DeclContext, base: str) -> str:
    taken = set(ctx.env) | {p.name for p in ctx.params}
    name, i = base, 1
    while name in taken:
        name = f"{base}{i}"
        i += 1
    return name


def reparam_use(ctx: DeclContext, r: ast.Expr) -> UseB | None:
    call = r if isinstance(r, ast.Call) else ast.Call(r.span, r, ()) if isinstance(r, ast.Name) else None
    target = ctx.globals.get(call.func.name) if call is not None and isinstance(call.func, ast.Name) else None
    if isinstance(target, ErrorB):
        return None  # its declaration had an error, already reported
    if not isinstance(target, GlobalB) or target.sig.kind != "reparam":
        name = call.func.name if call is not None and isinstance(call.func, ast.Name) else None
        if (name is not None and not isinstance(target, GlobalB) and name not in ctx.env
                and not builtins.is_builtin_function(name)):
            unknown_name(ctx.sink, call.func.span, name, list(ctx.globals))
            return None
        if isinstance(target, GlobalB):
            ctx.sink.error(Msg.VIA_PARA, r.span, name=name)
        elif name is not None and builtins.is_builtin_function(name):
            ctx.sink.error(Msg.VIA_BUILTIN, r.span, name=name)
        elif name:
            ctx.sink.error(Msg.VIA_NOT_REPARAM, r.span, name=name)
        else:
            ctx.sink.error(Msg.VIA_EXPRESSION, r.span)
        return None
    return uses.new_anonymous_use(ctx, call)


def via_chain(e: ast.Expr) -> tuple[ast.Expr, list[ast.Expr]]:
    """`f via r via s` as (f, [r, s])."""
    reparams: list[ast.Expr] = []
    while isinstance(e, ast.BinOp) and e.op == "via":
        reparams.append(e.right)
        e = e.left
    return e, reparams[::-1]
