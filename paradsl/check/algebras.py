"""Algebra-like declarations: the cases they must give, and functor declarations.

An `algebra` or `coalgebra` is of a declared polynomial functor, whose constructors give
its cases; a monoid, a Mealy or a Moore machine has fixed cases. Each case is checked as a
map from its fields to its result; a commutative monoid's `combine` must be symmetric as
written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Part
from ..syntax import ast
from ..types import TupleType
from . import builtins, ties
from .bindings import ErrorB, FunctorB, GlobalB
from .body import BodyChecker
from .context import DeclContext
from .signatures import TypeScope
from .suggest import closest
from .zonk import zonk


def check_functor(sink: DiagnosticSink, decl: ast.FunctorDecl) -> None:
    """Each field is a parameter, the carrier X, or a fixed tensor type; names are unique."""
    params = [p.name for p in decl.params]
    for i, p in enumerate(decl.params):
        if p.name in params[:i] or p.name == "X":
            msg = Msg.FUNCTOR_PARAM_IS_CARRIER if p.name == "X" else Msg.FUNCTOR_PARAM_TWICE
            sink.error(msg, p.span, name=p.name)
    seen: dict[str, ast.Constructor] = {}
    for c in decl.constructors:
        if c.name.name in seen:
            sink.error(Msg.CONSTRUCTOR_TWICE, c.name.span, name=c.name.name)
        seen[c.name.name] = c
        for f in c.fields:
            if isinstance(f, ast.Ident) and f.name != "X" and f.name not in params:
                close = closest(f.name, params + ["X"])
                if close:
                    sink.error(Msg.FUNCTOR_FIELD_CLOSE, f.span, field=f.name, ctor=c.name.name,
                               functor=decl.name.name, close=close)
                else:
                    sink.error(Msg.FUNCTOR_FIELD, f.span, field=f.name, ctor=c.name.name,
                               functor=decl.name.name, params=params + [f.name])
            elif not isinstance(f, ast.Ident):
                TypeScope({}, {}, sink).type(f)


def algebra_shape(ctx: DeclContext) -> ir.AlgebraShape | None:
    """The cases an algebra-like declaration must give, with their types."""
    decl, sink = ctx.decl, ctx.sink
    scope = TypeScope(ctx.hypers, dict(ctx.sig.index_sets), sink)
    for b in decl.binders:
        if b.kind.name in builtins.INDEX_KINDS:
            sink.error(Msg.ALGEBRA_INDEX_SET, b.span, kind=decl.kind, name=ctx.where, set=b.name.name)
            return None
    carrier = scope.type(decl.carrier)
    if carrier is None:
        return None
    kind = decl.kind
    if kind in ("algebra", "coalgebra"):
        fa = decl.functor
        if fa is None:
            sink.error(Msg.ALGEBRA_WITHOUT_FUNCTOR, decl.dom.span, kind=kind, name=ctx.where)
            return None
        g = ctx.globals.get(fa.name.name)
        if isinstance(g, ErrorB):
            return None  # its declaration had an error, already reported
        if not isinstance(g, FunctorB):
            if isinstance(g, GlobalB):
                sink.error(Msg.NOT_A_FUNCTOR, fa.name.span, name=fa.name.name, kind=g.sig.kind)
            else:
                close = closest(fa.name.name, [n for n, v in ctx.globals.items() if isinstance(v, FunctorB)])
                if close:
                    sink.error(Msg.UNKNOWN_NAME_CLOSE, fa.name.span, name=fa.name.name, close=close)
                else:
                    sink.error(Msg.UNKNOWN_FUNCTOR, fa.name.span, name=fa.name.name)
            return None
        fdecl = g.decl
        if len(fa.args) != len(fdecl.params):
            sink.error(Msg.ARITY_FUNCTOR, fa.span, name=fa.name.name, expected=len(fdecl.params), given=len(fa.args),
                       params=[p.name for p in fdecl.params])
            return None
        args = [scope.type(a) for a in fa.args]
        if any(a is None for a in args):
            return None
        env = {p.name: t for p, t in zip(fdecl.params, args)}
        ctors = []
        for c in fdecl.constructors:
            kinds, types = [], []
            for f in c.fields:
                if isinstance(f, ast.Ident):
                    if f.name == "X":
                        kinds.append("X")
                        types.append(carrier)
                    elif f.name in env:
                        kinds.append("A")
                        types.append(env[f.name])
                    else:
                        return None  # reported where the functor is declared
                else:
                    t = TypeScope({}, {}, DiagnosticSink()).type(f)
                    if t is None:
                        return None
                    kinds.append("K")
                    types.append(t)
            result = carrier if kind == "algebra" else TupleType(tuple(types))
            ctors.append(ir.Constructor(c.name.name, tuple(kinds), tuple(types), result))
        source = ctx.callees.loader.sources.get(fa.span.file, "")
        text = ties.source_text(source, fa.span)
        data = {t for c in ctors for k, t in zip(c.fields, c.types) if k == "A"}
        elem = next(iter(data)) if len(data) == 1 else None
        out = None
        if kind == "coalgebra":
            if len(ctors) == 1 and ctors[0].fields != ("A", "X"):
                sink.error(Msg.COALGEBRA_NOT_STREAM, fa.span, ctor=ctors[0].name, functor=fa.name.name)
                return None
            if len(ctors) != 1:
                sink.error(Msg.COALGEBRA_CONSTRUCTORS, fa.span, functor=fa.name.name, count=len(ctors))
                return None
            out = elem
        return ir.AlgebraShape(kind, text, tuple(ctors), carrier, elem, out)
    elem = scope.type(decl.dom)
    out = scope.type(decl.cod) if kind in ("mealy", "moore") else None
    if elem is None or (kind in ("mealy", "moore") and out is None):
        return None
    C = ir.Constructor
    if kind in ("monoid", "commutative monoid"):
        ctors = (C("unit", (), (), carrier), C("lift", ("A",), (elem,), carrier),
                 C("combine", ("X", "X"), (carrier, carrier), carrier))
    elif kind == "mealy":
        ctors = (C("start", (), (), carrier), C("step", ("A", "X"), (elem, carrier), TupleType((out, carrier))))
    else:
        ctors = (C("start", (), (), carrier), C("out", ("X",), (carrier,), out),
                 C("step", ("A", "X"), (elem, carrier), carrier))
    return ir.AlgebraShape(kind, None, ctors, carrier, elem, out)


def check_cases(ctx: DeclContext, checker: BodyChecker, shape: ir.AlgebraShape) -> tuple[ir.Case, ...] | None:
    decl, sink = ctx.decl, ctx.sink
    cases = list(decl.cases)
    given_as: ir.Constructor | None = None  # a coalgebra's one case, as (carrier) -> its fields
    if decl.kind == "coalgebra":
        found = coalgebra_case(ctx, shape)
        if found is None:
            return None
        case, given_as = found
        cases = [case]
    elif decl.body is not None:
        cases = [Part.CASE.format(ctor=c.name, fields=["x" if k == "A" else "h" for k in c.fields]) if c.fields
                 else Part.CASE_WITHOUT_FIELDS.format(ctor=c.name) for c in shape.constructors]
        sink.error(Msg.CASES_NOT_BODY, decl.body.span, kind=decl.kind, name=ctx.where, cases=cases)
        return None
    expected = {c.name: c for c in shape.constructors}
    seen: dict[str, ast.Case] = {}
    ok = True
    for case in cases:
        name = case.name.name
        if name not in expected:
            close = closest(name, list(expected))
            if shape.functor and close:
                sink.error(Msg.NOT_A_CASE_OF_FUNCTOR_CLOSE, case.name.span, name=name, functor=shape.functor,
                           close=close)
            elif shape.functor:
                sink.error(Msg.NOT_A_CASE_OF_FUNCTOR, case.name.span, name=name, functor=shape.functor,
                           cases=list(expected))
            elif close:
                sink.error(Msg.NOT_A_CASE_OF_KIND_CLOSE, case.name.span, name=name, kind=shape.kind, close=close)
            else:
                sink.error(Msg.NOT_A_CASE_OF_KIND, case.name.span, name=name, kind=shape.kind, cases=list(expected))
            ok = False
        elif name in seen:
            sink.error(Msg.CASE_TWICE, case.name.span, name=name, first=seen[name].name.span)
            ok = False
        else:
            seen[name] = case
    for name, ctor in expected.items():
        if name not in seen:
            fields = ["x" if k == "A" else ("h" if k == "X" else "k") for k in ctor.fields]
            if fields:
                sink.error(Msg.MISSING_CASE_WITH_FIELDS, decl.name.span, name=ctx.where, ctor=name, fields=fields,
                           result=ctor.result)
            else:
                sink.error(Msg.MISSING_CASE_WITHOUT_FIELDS, decl.name.span, name=ctx.where, ctor=name,
                           result=ctor.result)
            ok = False
    out = []
    for name, case in seen.items():
        c = check_case(ctx, checker, case, given_as or expected[name])
        if c is None:
            ok = False
        else:
            out.append(c)
    if not ok:
        return None
    if checker.cx.stochastic:
        sink.error(Msg.RANDOM_CASE, decl.name.span, name=ctx.where)
        return None
    order = [c.name for c in shape.constructors]
    out.sort(key=lambda c: order.index(c.name))
    # Axes solved only later in the body are compared as solved, so two `for`s over one axis agree.
    if decl.kind == "commutative monoid" and not commutative([replace(c, body=zonk(ctx.u, c.body)) for c in out]):
        case = seen["combine"]
        sink.error(Msg.NOT_COMMUTATIVE, case.name.span, name=ctx.where)
        return None
    return tuple(out)


def coalgebra_case(ctx: DeclContext, shape: ir.AlgebraShape) -> tuple[ast.Case, ir.Constructor] | None:
    """`s => out(o, s2)` as the case `| out(s) => (o, s2)`, and the constructor it is checked
    against: from the carrier to the tuple of the constructor's fields."""
    decl, sink = ctx.decl, ctx.sink
    body = decl.body
    (ctor,) = shape.constructors
    if (body is None or not isinstance(body, ast.Lambda) or body.tupled or len(body.params) != 1
            or not (isinstance(body.body, ast.Call) and isinstance(body.body.func, ast.Name))):
        sink.error(Msg.COALGEBRA_BODY, (body or decl.name).span, ctor=ctor.name)
        return None
    call = body.body
    if call.func.name != ctor.name:
        sink.error(Msg.NOT_THE_CONSTRUCTOR, call.func.span, name=call.func.name, functor=shape.functor, ctor=ctor.name)
        return None
    if len(call.args) != len(ctor.fields):
        sink.error(Msg.ARITY_CONSTRUCTOR, call.span, name=ctor.name, expected=len(ctor.fields), given=len(call.args))
        return None
    value = call.args[0] if len(call.args) == 1 else ast.TupleExpr(call.span, tuple(call.args))
    ident = body.params[0]
    case_ctor = ir.Constructor(ctor.name, ("X",), (shape.carrier,), ctor.result)
    return ast.Case(body.span, ast.Ident(call.func.span, ctor.name), (ast.Pattern(ident.span, ident),), value), case_ctor


def check_case(ctx: DeclContext, checker: BodyChecker, case: ast.Case, ctor: ir.Constructor) -> ir.Case | None:
    sink = ctx.sink
    if len(case.fields) != len(ctor.fields):
        if ctor.types:
            sink.error(Msg.CASE_PATTERN_FIELDS, case.name.span, given=len(case.fields), ctor=ctor.name,
                       types=list(ctor.types))
        else:
            sink.error(Msg.CASE_PATTERN_NO_FIELDS, case.name.span, given=len(case.fields), ctor=ctor.name)
        return None
    names: list[ast.Ident] = []
    types: list = []

    def flatten(p: ast.Pattern, t) -> bool:
        if p.name is not None:
            names.append(p.name)
            types.append(t)
            return True
        if not (isinstance(t, TupleType) and len(t.items) == len(p.items)):
            sink.error(Msg.PATTERN_BINDS, p.span, given=len(p.items), type=t)
            return False
        return all(flatten(i, ti) for i, ti in zip(p.items, t.items))

    if not all(flatten(p, t) for p, t in zip(case.fields, ctor.types)):
        return None
    lam = ast.Lambda(case.span, tuple(names), True, case.body)
    f = checker.map_(lam, TupleType(tuple(types)), ctor.result)
    if f is None:
        return None
    if not ctx.u.unify(f.type.cod, ctor.result):
        sink.error(Msg.CASE_RESULT_MISMATCH, case.body.span, ctor=ctor.name, found=checker.cx.show(f.type.cod),
                   expected=ctor.result, name=ctx.where)
        return None

    def pattern(p: ast.Pattern):
        return p.name.name if p.name is not None else tuple(pattern(i) for i in p.items)

    return ir.Case(ctor.name, tuple(pattern(p) for p in case.fields), f)


def commutative(cases: list[ir.Case]) -> bool:
    combine = next(c for c in cases if c.name == "combine")
    a, b = combine.patterns

    def names(p) -> list[str]:
        return [p] if isinstance(p, str) else [n for i in p for n in names(i)]

    na, nb = names(a), names(b)
    if len(na) != len(nb):
        return False
    swap = {**dict(zip(na, nb)), **dict(zip(nb, na))}
    return _canon(combine.body.body, {}) == _canon(combine.body.body, swap)


#: Operators whose operands commute; the first four are associative too, so a chain of one
#: of them (`s * u * v`) is flattened into the multiset of its operands.
_COMMUTATIVE_OPS = frozenset({"add", "mul", "maximum", "minimum", "and", "or", "eq", "ne"})
_AC_OPS = frozenset({"mul", "maximum", "minimum", "and", "or"})


def _canon(x, swap: dict[str, str], bound: Mapping[str, str] | None = None):
    """A term as a hashable tree in a normal form under the commutativity and associativity
    of `+`, `*`, `max`, `min`, `and` and `or`: a sum is the sorted multiset of its signed
    terms (`u - v` is `u + -v`), a product or other chain the sorted multiset of its
    operands. Two terms with equal canons are equal as functions of real numbers (a float
    result may differ by rounding), so swapping a combine's arguments and comparing tells
    whether it is symmetric by construction. Chains are flattened only through operands of
    the same dtype, so no integer step is reordered with a float one. Index variables bound
    by `for` and the reductions are named by their depth (`bound`), not as the checker
    numbers them, so that `(for j. u[j]) + (for j. v[j])` and its swap have one canon."""
    bound = bound or {}
    if isinstance(x, ir.Var):
        return ("var", swap.get(x.name, x.name))
    if isinstance(x, ir.Prim) and x.op in ("add", "sub", "neg"):
        terms = sorted(_signed_terms(x, 1, swap, _dtype(x), bound), key=repr)
        return ("sum", _dtype(x), *terms)
    if isinstance(x, ir.Prim) and x.op in _AC_OPS and len(x.args) == 2:
        return ("chain", x.op, _dtype(x), *sorted(_chain(x, x.op, swap, _dtype(x), bound), key=repr))
    if isinstance(x, ir.Prim) and x.op in _COMMUTATIVE_OPS and len(x.args) == 2:
        a, b = (_canon(y, swap, bound) for y in x.args)
        return ("prim", x.op, *sorted((a, b), key=repr))
    if isinstance(x, (ir.For, ir.Reduce)):
        bound = {**bound, **{n: f"#{len(bound) + k}" for k, (n, _) in enumerate(x.indices)}}
    if is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__,) + tuple(_canon_field(x, f.name, swap, bound) for f in fields(x) if f.name != "span")
    if isinstance(x, tuple):
        return tuple(_canon(i, swap, bound) for i in x)
    return x


def _canon_field(x, name: str, swap: dict[str, str], bound: Mapping[str, str]):
    """One field of a node in its canon: the index names in it by their depth."""
    v = getattr(x, name)
    if name == "labels" or (name == "indices" and not isinstance(x, ir.Sub)):
        return tuple((bound.get(i, i), _canon(a, swap, bound)) for i, a in v)
    if (name == "name" and isinstance(x, (ir.IVar, ir.IndexValue))) or (name == "over" and isinstance(x, ir.Builtin)):
        return bound.get(v, v) if isinstance(v, str) else tuple(bound.get(i, i) for i in v)
    return _canon(v, swap, bound)


def _dtype(x: ir.Term) -> str | None:
    return getattr(x.type, "dtype", None)


def _signed_terms(x: ir.Term, sign: int, swap: dict[str, str], dtype: str | None,
                  bound: Mapping[str, str]) -> list:
    """The terms of a sum of `+`, `-` and negations, each with its sign."""
    if isinstance(x, ir.Prim) and _dtype(x) == dtype:
        if x.op == "add" and len(x.args) == 2:
            return (_signed_terms(x.args[0], sign, swap, dtype, bound)
                    + _signed_terms(x.args[1], sign, swap, dtype, bound))
        if x.op == "sub" and len(x.args) == 2:
            return (_signed_terms(x.args[0], sign, swap, dtype, bound)
                    + _signed_terms(x.args[1], -sign, swap, dtype, bound))
        if x.op == "neg" and len(x.args) == 1:
            return _signed_terms(x.args[0], -sign, swap, dtype, bound)
    return [(sign, _canon(x, swap, bound))]


def _chain(x: ir.Term, op: str, swap: dict[str, str], dtype: str | None, bound: Mapping[str, str]) -> list:
    """The operands of a chain of one associative and commutative operator."""
    if isinstance(x, ir.Prim) and x.op == op and len(x.args) == 2 and _dtype(x) == dtype:
        return _chain(x.args[0], op, swap, dtype, bound) + _chain(x.args[1], op, swap, dtype, bound)
    return [_canon(x, swap, bound)]
