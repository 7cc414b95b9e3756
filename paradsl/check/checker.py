"""Checking declarations: a file's paras (and every para they use) to a typed `ir.Program`.

For each para: its binders, parameters and uses are checked and put into one environment;
its body is checked against the declared `dom -> cod` by `BodyChecker`; the result is
zonked (solved index sets filled in) and checked for symmetry at calls. The program lists
each para after the paras it uses; a para that uses itself is an error.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..resolve import DeclKey, Loader, Unit
from ..syntax import ast
from ..types import Axis, FixedAxis, IndexSetAxis, Kind, MapType, MetaAxis, Poly, TensorType, TupleType, Unifier
from ..types.unify import axes_of, substitute_type
from . import builtins
from .exprs import (
    BodyChecker, CallSite, ErrorB, Frame, FunctorB, GlobalB, HyperB, IndexSetB, InputB, ParamB, SemiringB, UseB,
    _field_path, zonk,
)
from .signatures import Signature, TypeScope, binder_tables, signature
from .suggest import did_you_mean

#: Which callee index-set kinds may be given which caller axes without breaking symmetry.
#: A callee polymorphic over a `set` is S_n-equivariant and fits any axis; one over a
#: `list` may use order, so it must not be given a `set` or a `cyc`.
_FITS = {
    Kind.SET: {"set", "cyc", "list", "fixed"},
    Kind.CYC: {"cyc", "list", "fixed"},
    Kind.LIST: {"list", "fixed"},
}


#: A check of one para's IR, run once it is built: reports to the sink, True if it passes.
ParaCheck = Callable[[ir.ParaDef, DiagnosticSink], bool]


class Checker:
    """Checks declarations on demand, each once, callees before their callers."""

    def __init__(self, loader: Loader, sink: DiagnosticSink, checks: Sequence[ParaCheck] = ()):
        """`checks` run on each para's IR as soon as it is built; a para that fails one
        counts as not checked, so its users report nothing more about it."""
        self.loader = loader
        self.sink = sink
        self.checks = tuple(checks)
        self._sigs: dict[DeclKey, Signature] = {}
        self._defs: dict[DeclKey, ir.ParaDef | None] = {}
        self._deps: dict[DeclKey, list[tuple[DeclKey, Span]]] = {}
        self._globals: dict[str, dict[str, GlobalB]] = {}  # per file: its scope, as bindings
        self._use_keys: dict[DeclKey, dict[str, DeclKey]] = {}  # per para: each use's callee
        self._leaves: dict[DeclKey, list[Leaf] | None] = {}

    # ------------------------------------------------------------------ entry points
    def check_unit(self, unit: Unit, also: tuple[str, ...] = ()) -> list[ir.ParaDef] | None:
        """The checked paras of the file and everything they use, callees first; `also` names
        imported paras to include even if the file does not use them (for `para cost NAME`
        and the like). Paras with errors are left out; None if the file did not parse."""
        if unit.module is None:
            return None
        for decl in unit.module.decls:
            if isinstance(decl, ast.FunctorDecl) and unit.own.get(decl.name.name) is decl:
                self._check_functor(decl)
            elif isinstance(decl, ast.SemiringDecl) and unit.own.get(decl.name.name) is decl:
                self.semiring_table(decl, report=True)
        for decl in unit.module.decls:
            if isinstance(decl, ast.ParaDecl) and unit.own.get(decl.name.name) is decl:
                self.para(DeclKey(unit.file, decl.name.name))
        roots = [DeclKey(unit.file, n) for n, d in unit.own.items() if isinstance(d, ast.ParaDecl)]
        for name in also:
            key = unit.scope.get(name)
            if key is not None and key not in roots and isinstance(self.loader.units[key.file].own.get(key.name), ast.ParaDecl):
                self.para(key)
                roots.append(key)
        return [d for d in (self._defs[k] for k in self._order(roots)) if d is not None]

    def semiring_table(self, decl: ast.SemiringDecl, report: bool = False):
        """A declared semiring as (name, add, mul, zero, one, parameter), or None if it is not one."""
        sink = self.sink if report else DiagnosticSink()
        add = builtins.SEMIRING_ADD.get(decl.add.name)
        mul = builtins.SEMIRING_MUL.get(decl.mul.name)
        if add is None:
            sink.error(Msg.BAD_SEMIRING, decl.add.span, problem=f"{decl.add.name!r} is not a semiring addition",
                       hint="the addition is one of min, max, +, or, logsumexp[beta]")
            return None
        if mul is None:
            sink.error(Msg.BAD_SEMIRING, decl.mul.span, problem=f"{decl.mul.name!r} is not a semiring multiplication",
                       hint="the multiplication is one of +, *, and")
            return None
        if (add[0], mul[0]) not in builtins.SEMIRING_PAIRS:
            sink.error(Msg.BAD_SEMIRING, decl.mul.span, problem=f"`{decl.mul.name}` does not distribute over "
                       f"`{decl.add.name}`, so ({decl.add.name}, {decl.mul.name}) is not a semiring",
                       hint="semirings here: (min, +), (max, +), (logsumexp, +), (+, *), (or, and), (max, *)")
            return None
        if (add[0], mul[0]) == ("max", "mul"):  # over the non-negative numbers: 0 is the least
            add = (add[0], 0.0)
        for lit, (what, unit) in ((decl.zero, ("zero", add)), (decl.one, ("one", mul))):
            if lit.value != unit[1] or isinstance(lit.value, bool) != isinstance(unit[1], bool):
                op = decl.add.name if what == "zero" else decl.mul.name
                u = unit[1]
                if isinstance(u, bool):
                    shown = "true" if u else "false"
                elif u in (float("inf"), float("-inf")):
                    shown = "inf" if u > 0 else "-inf"
                else:
                    shown = str(int(u)) if float(u).is_integer() else str(u)
                sink.error(Msg.BAD_SEMIRING, lit.span, problem=f"the {what} of a semiring is the unit of its "
                           f"{'addition' if what == 'zero' else 'multiplication'} `{op}`",
                           hint=f"write {shown}")
                return None
        param = None
        if decl.add_arg is not None:
            kinds = {b.name.name: b.kind.name for b in decl.binders}
            if add[0] != "logsumexp" or kinds.get(decl.add_arg.name) != "Float":
                sink.error(Msg.BAD_SEMIRING, decl.add_arg.span, problem="only `logsumexp[beta]` takes a parameter, "
                           "a `Float` binder of the semiring", hint="semiring Log(beta: Float) = (logsumexp[beta], +, -inf, 0)")
                return None
            param = decl.add_arg.name
        return decl.name.name, add[0], mul[0], decl.zero.value, decl.one.value, param

    def _check_functor(self, decl: ast.FunctorDecl) -> None:
        """Each field is a parameter, the carrier X, or a fixed tensor type; names are unique."""
        params = [p.name for p in decl.params]
        for i, p in enumerate(decl.params):
            if p.name in params[:i] or p.name == "X":
                self.sink.error(Msg.BAD_FUNCTOR, p.span, problem=f"the functor parameter {p.name!r} is "
                                + ("the carrier's name" if p.name == "X" else "declared twice"),
                                hint="X names the carrier; give the parameters other names"
                                if p.name == "X" else "give each parameter its own name")
        seen: dict[str, ast.Constructor] = {}
        for c in decl.constructors:
            if c.name.name in seen:
                self.sink.error(Msg.BAD_FUNCTOR, c.name.span, problem=f"the constructor {c.name.name!r} is declared twice",
                                hint="each summand of a polynomial functor has its own name")
            seen[c.name.name] = c
            for f in c.fields:
                if isinstance(f, ast.Ident) and f.name != "X" and f.name not in params:
                    self.sink.error(Msg.BAD_FUNCTOR, f.span, problem=f"the field {f.name!r} of {c.name.name!r} is neither "
                                    f"a parameter of {decl.name.name!r} nor the carrier X",
                                    hint=did_you_mean(f.name, params + ["X"]) or
                                    f"declare it, `functor {decl.name.name}({', '.join(params + [f.name])}) = ...`")
                elif not isinstance(f, ast.Ident):
                    TypeScope({}, {}, self.sink).type(f)

    def signature(self, key: DeclKey) -> Signature:
        if key not in self._sigs:
            self._sigs[key] = signature(key, self.loader.decl(key), self.sink)
        return self._sigs[key]

    def _unit_globals(self, unit: Unit) -> dict[str, GlobalB]:
        if unit.file not in self._globals:
            scope = {}
            for name, sub in unit.scope.items():
                decl = self.loader.units[sub.file].own[sub.name]
                if isinstance(decl, ast.FunctorDecl):
                    scope[name] = FunctorB(sub, decl)
                elif isinstance(decl, ast.SemiringDecl):
                    scope[name] = SemiringB(sub, decl)
                else:
                    scope[name] = GlobalB(self.signature(sub))
            self._globals[unit.file] = scope
        return self._globals[unit.file]

    # ------------------------------------------------------------------ one para
    def para(self, key: DeclKey) -> ir.ParaDef | None:
        if key in self._defs:
            return self._defs[key]
        self._defs[key] = None  # in progress
        d = _Decl(self, key).check()
        if d is not None and not all([check(d, self.sink) for check in self.checks]):
            d = None
        self._defs[key] = d
        return d

    # ------------------------------------------------------------------ leaves
    def leaves(self, key: DeclKey) -> list[Leaf] | None:
        """Every parameter leaf of a checked para, its own and its uses', with the tied ones
        marked; types in the para's own names. None if the para did not check."""
        if key in self._leaves:
            return self._leaves[key]
        d = self.para(key)
        if d is None:
            return None
        tied = d.tied()
        out = [Leaf((p.name,), p.type, p.abstract, (p.name,) in tied, via=p.via is not None) for p in d.params]
        for use in d.uses:
            callee_key = self._use_keys[key][use.name]
            callee = self.para(callee_key)
            inner = self.leaves(callee_key)
            if callee is None or inner is None or callee.is_reparam:
                continue
            sizes = _use_sizes(callee, use)
            index_sets = dict(use.index_sets)
            for leaf in inner:
                path = (use.name, *leaf.path)
                t = substitute_type(leaf.type, sizes, index_sets)
                out.append(Leaf(path, t, leaf.abstract, leaf.tied or path in tied, inside=leaf.tied and callee.name,
                                via=leaf.via))
        self._leaves[key] = out
        return out

    def _check_call_sites(self, u: Unifier, sites: list[CallSite]) -> None:
        for s in sites:
            a = u.resolve(s.meta)
            if isinstance(a, MetaAxis):
                continue
            kind = a.kind.value if isinstance(a, IndexSetAxis) else "fixed"
            if kind not in _FITS[s.kind]:
                assert isinstance(a, IndexSetAxis)
                self.sink.error(Msg.SYMMETRY_BROKEN_BY_CALL, s.span, callee=s.callee, param=s.param,
                                callee_kind=s.kind.value, kind=kind, index=a.name, group=a.kind.group)

    def _check_index_sets_in_dom(self, decl: ast.ParaDecl, sig: Signature) -> None:
        present = {a.name for a in axes_of(sig.type.dom) if isinstance(a, IndexSetAxis)}
        for b in decl.binders:
            if b.kind.name in builtins.INDEX_KINDS and b.name.name not in present:
                self.sink.error(Msg.INDEX_SET_NOT_IN_INPUT, b.span, name=b.name.name)

    def _init(self, p: ast.ParamDecl) -> ir.Init | None:
        if p.init is None:
            return ir.Init("glorot" if _rank(p.type) >= 2 else "zeros")
        return self.initializer(p.init, allow_via=True)

    def initializer(self, init: ast.Initializer, allow_via: bool = False) -> ir.Init | None:
        """`~ glorot`, `~ normal(0.5)`; `~ via` marks a leaf that a 2-cell gives."""
        name = init.name.name
        if name == "via" and allow_via and not init.args:
            return ir.Init("via")
        if name not in builtins.INITIALIZERS:
            self.sink.error(Msg.UNKNOWN_INITIALIZER, init.name.span, name=name,
                            known=", ".join(builtins.INITIALIZERS) + (", and `via` for a leaf a 2-cell gives" if allow_via else ""))
            return None
        lo, hi = builtins.INITIALIZERS[name]
        if not lo <= len(init.args) <= hi:
            expected = str(lo) if lo == hi else f"{lo} to {hi}"
            self.sink.error(Msg.ARITY, init.span, what=f"the initialiser {name!r}", expected=expected,
                            s="" if expected == "1" else "s", given=len(init.args), hint="")
            return None
        return ir.Init(name, tuple(a.value for a in init.args))

    def _hyper_args(self, callee: Signature, call: ast.Call, caller_hypers: dict[str, str]) -> list[ir.HyperArg] | None:
        positional = [a for a in call.args if not isinstance(a, (ast.KwArg, ast.OverArg))]
        keywords = {a.name.name: a for a in call.args if isinstance(a, ast.KwArg)}
        for a in call.args:
            if isinstance(a, ast.OverArg):
                self.sink.error(Msg.UNKNOWN_KEYWORD, a.span, callee=repr(callee.key.name), name="over",
                                hint="`over` is for reductions")
                return None
        for k, a in keywords.items():
            if callee.hyper(k) is None:
                self.sink.error(Msg.UNKNOWN_KEYWORD, a.name.span, callee=repr(callee.key.name), name=k,
                                hint=did_you_mean(k, [h.name for h in callee.hypers]) or
                                "its hyperparameters are " + (", ".join(h.name for h in callee.hypers) or "none"))
                return None
        required = [h for h in callee.hypers if h.default is None]
        if len(positional) > len(callee.hypers) or len(positional) + len(keywords) < len(required):
            n = len(callee.hypers)
            expected = str(n) if len(required) == n else f"{len(required)} to {n}"
            self.sink.error(Msg.ARITY, call.span, what=repr(callee.key.name), expected=expected,
                            s="" if expected == "1" else "s", given=len(positional) + len(keywords),
                            hint=f"{callee.key.name}(" + ", ".join(f"{h.name}: {h.kind}" for h in callee.hypers) + ")")
            return None
        out = []
        for i, h in enumerate(callee.hypers):
            if i < len(positional):
                expr = positional[i]
            elif h.name in keywords:
                expr = keywords[h.name].value
            elif h.default is not None:
                out.append(ir.HyperArg(literal=h.default, poly=Poly.const(h.default) if h.kind in ("Nat", "Int") else None))
                continue
            else:
                self.sink.error(Msg.ARITY, call.span, what=repr(callee.key.name), expected=str(len(callee.hypers)),
                                s="s", given=len(positional), hint=f"{h.name!r} is missing")
                return None
            a = self._hyper_arg(callee, h, expr, caller_hypers)
            if a is None:
                return None
            out.append(a)
        return out

    def _hyper_arg(self, callee: Signature, h: ir.Hyper, e: ast.Expr, caller: dict[str, str]) -> ir.HyperArg | None:
        def bad(found: str) -> None:
            self.sink.error(Msg.HYPER_ARGUMENT, e.span, name=h.name, callee=callee.key.name, kind=h.kind, found=found,
                            hint="pass a literal or one of this para's own hyperparameters")

        if isinstance(e, ast.Name) and e.name in caller and caller[e.name] not in builtins.HYPER_KINDS:
            return None  # the caller's binder has an unknown kind, already reported
        if h.kind in ("Nat", "Int"):
            p = _size_of_expr(e, caller)
            if isinstance(p, str):
                bad(p)
                return None
            if h.kind == "Nat" and p.is_const and p.const_value < 0:
                bad(f"the negative number {p.const_value}")
                return None
            return ir.HyperArg(poly=p)
        if isinstance(e, ast.Number) and h.kind == "Float":
            return ir.HyperArg(literal=float(e.value))
        if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, ast.Number) and h.kind == "Float":
            return ir.HyperArg(literal=-float(e.operand.value))
        if isinstance(e, ast.BoolLit) and h.kind == "Bool":
            return ir.HyperArg(literal=e.value)
        if isinstance(e, ast.Name) and caller.get(e.name) == h.kind:
            return ir.HyperArg(ref=e.name)
        bad(_text(e) if not isinstance(e, ast.Name) else f"{e.name!r}")
        return None

    # ------------------------------------------------------------------ the program
    def _order(self, roots: list[DeclKey]) -> list[DeclKey]:
        """Callees first; reports a para that uses itself."""
        order: list[DeclKey] = []
        state: dict[DeclKey, int] = {}
        stack: list[DeclKey] = []

        def visit(k: DeclKey) -> None:
            if state.get(k) == 2:
                return
            if state.get(k) == 1:
                cycle = stack[stack.index(k):] + [k]
                span = next((s for d, s in self._deps.get(stack[-1], []) if d == k), self.loader.decl(k).name.span)
                self.sink.error(Msg.RECURSIVE_PARA, span, name=k.name, path=" -> ".join(c.name for c in cycle))
                return
            if k not in self._defs:
                self.para(k)
            state[k] = 1
            stack.append(k)
            for d, _ in self._deps.get(k, []):
                visit(d)
            stack.pop()
            state[k] = 2
            if self._defs.get(k) is not None:
                order.append(k)

        for r in roots:
            visit(r)
        return order


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


class _Decl:
    """Checking one `para` or `reparam` declaration: the state shared by its clauses,
    its ties and its body (the host that `BodyChecker` calls back)."""

    def __init__(self, checker: "Checker", key: DeclKey):
        self.c = checker
        self.key = key
        self.decl = checker.loader.decl(key)
        self.unit = checker.loader.units[key.file]
        self.sig = checker.signature(key)
        self.sink = checker.sink
        self.u = Unifier()
        self.env: dict[str, object] = {}
        self.globals = checker._unit_globals(self.unit)  # shared by every para of the file, never copied
        self.params: list[ir.Param] = []
        self.uses: list[ir.Use] = []
        self.deps: list[tuple[DeclKey, Span]] = []
        self.use_keys: dict[str, DeclKey] = {}
        self.use_spans: dict[str, Span] = {}
        self.use_bindings: dict[str, UseB] = {}  # every use, named or anonymous
        self.explicit: dict[str, dict[str, Axis]] = {}  # use -> callee index set -> caller axis
        self.pins: dict[str, dict[str, MetaAxis]] = {}  # use -> callee index set -> its one instance
        self.ties: list[tuple[ir.Tie, Span]] = []
        self.tie_spans: dict[tuple[str, ...], Span] = {}
        self.via_spans: dict[str, Span] = {}
        self.call_sites: list[CallSite] = []
        self.anon_counter: dict[str, int] = {}
        self.hypers, _, _, _ = binder_tables_quiet(self.decl)
        checker._use_keys[key] = self.use_keys

    @property
    def where(self) -> str:
        return self.decl.name.name

    def bind(self, ident: ast.Ident, b) -> None:
        if ident.name in self.env:
            self.sink.error(Msg.DUPLICATE_LOCAL, ident.span, name=ident.name, where=self.where)
        self.env[ident.name] = b

    # ------------------------------------------------------------------ the declaration
    def check(self) -> ir.ParaDef | None:
        decl, sig, sink = self.decl, self.sig, self.sink
        for b in decl.binders:
            if b.kind.name in builtins.HYPER_KINDS:
                self.bind(b.name, HyperB(b.kind.name))
            elif b.kind.name in builtins.INDEX_KINDS:
                self.bind(b.name, IndexSetB(IndexSetAxis(b.name.name, Kind(b.kind.name))))
        if decl.is_reparam:
            self._reparam_clauses()
        elif decl.inits:
            sink.error(Msg.NOT_A_REPARAM, decl.inits[0].span,
                       problem="`init` belongs to a reparam, where it initialises the free parameters Q",
                       hint="a para initialises each parameter where it declares it: `params W : [d, d] ~ glorot`")
        self._params()
        for ud in decl.uses:
            base, reparams = _via_chain(ud.expr)
            b = self.make_use(ud.name.name, base, False, ud.span)
            self.bind(ud.name, b if b is not None else ErrorB())
            if b is not None and reparams:
                self.apply_via(b, reparams, ud.expr.span)
        for td in () if decl.is_reparam else decl.ties:
            self.tie(td)

        checker = BodyChecker(sink, self.u, ChainMap(self.env, self.globals), self.where, self)
        checker.call_sites = self.call_sites
        if decl.is_reparam:
            checker.mode = "reparam"
        if not sig.ok:
            self.c._deps[self.key] = self.deps
            return None
        shape, cases = None, ()
        if decl.is_algebra:
            shape = self._shape()
            cases = self._cases(checker, shape) if shape is not None else None
            self.c._deps[self.key] = self.deps
            if cases is None:
                return None
            body = None
        else:
            if not decl.is_reparam:
                self.c._check_index_sets_in_dom(decl, sig)
            body = checker.map_(decl.body, sig.type.dom, sig.type.cod)
            self.c._deps[self.key] = self.deps
            if body is None:
                return None
        if body is not None:
            body = self._check_body_type(checker, body)
            if body is None:
                return None
        self.c._check_call_sites(self.u, self.call_sites)
        ties = self._order_ties()
        if ties is None:
            return None
        params = tuple(replace(p, type=self.u.zonk(p.type)) for p in self.params)
        uses = tuple(replace(use, index_sets=tuple((n, self.u.resolve(m)) for n, m in self.pins.get(use.name, {}).items()))
                     for use in self.uses)
        if not self._check_free_leaves(params, ties):
            return None
        if shape is not None:
            shape = zonk(self.u, shape)
            cases = tuple(replace(c, body=zonk(self.u, c.body)) for c in cases)
        d = ir.ParaDef(self.where, self.key.file, sig.hypers, sig.index_sets, sig.type, params, uses, body,
                       stochastic=checker.stochastic, ties=ties, kind=decl.kind, shape=shape, cases=cases)
        return d

    def _check_body_type(self, checker: BodyChecker, body: ir.MapTerm) -> ir.MapTerm | None:
        decl, sig, sink = self.decl, self.sig, self.sink
        what = "the reparam's body" if decl.is_reparam else "the body"
        what = "the reparam's body" if decl.is_reparam else "the body"
        if not self.u.unify(body.type.cod, sig.type.cod):
            sink.error(Msg.RESULT_MISMATCH, decl.body.span, what=what, found="has type " + checker.show(body.type.cod),
                       expected=str(sig.type.cod), hint=f"the declaration says {self.where} : {self._arrow()}")
            return None
        if not self.u.unify(body.type.dom, sig.type.dom):
            sink.error(Msg.TYPE_MISMATCH, decl.body.span, expected=str(sig.type.dom), found=checker.show(body.type.dom),
                       hint=f"the body takes {checker.show(body.type.dom)} as input, "
                            f"but the declaration says {self.where} : {self._arrow()}")
            return None
        return zonk(self.u, body)

    # ------------------------------------------------------------------ algebras
    def _shape(self) -> ir.AlgebraShape | None:
        """The cases an algebra-like declaration must give, with their types."""
        decl, sink = self.decl, self.sink
        scope = TypeScope(self.hypers, dict(self.sig.index_sets), sink)
        for b in decl.binders:
            if b.kind.name in builtins.INDEX_KINDS:
                sink.error(Msg.WRONG_SCHEME, b.span, problem=f"{decl.kind} {self.where!r} declares the index set "
                           f"{b.name.name!r}, but a case has no input to take its size from",
                           hint="give the carrier fixed axes; the fold supplies the index set it runs along")
                return None
        carrier = scope.type(decl.carrier)
        if carrier is None:
            return None
        kind = decl.kind
        if kind in ("algebra", "coalgebra"):
            fa = decl.functor
            if fa is None:
                sink.error(Msg.BAD_FUNCTOR, decl.dom.span, problem=f"an {kind} is of a functor",
                           hint=f"write `{kind} {self.where} : ListF([d]) on [h]`, with a functor declared by `functor`")
                return None
            g = self.globals.get(fa.name.name)
            if not isinstance(g, FunctorB):
                if isinstance(g, GlobalB):
                    sink.error(Msg.BAD_FUNCTOR, fa.name.span, problem=f"{fa.name.name!r} is a {g.sig.kind}, not a functor",
                               hint="declare one: `functor ListF(A) = nil | cons(A, X)`")
                else:
                    sink.error(Msg.UNKNOWN_NAME, fa.name.span, name=fa.name.name,
                               hint=did_you_mean(fa.name.name, [n for n, v in self.globals.items() if isinstance(v, FunctorB)])
                               or "declare it: `functor ListF(A) = nil | cons(A, X)`")
                return None
            fdecl = g.decl
            if len(fa.args) != len(fdecl.params):
                sink.error(Msg.ARITY, fa.span, what=f"the functor {fa.name.name!r}", expected=str(len(fdecl.params)),
                           s="" if len(fdecl.params) == 1 else "s", given=len(fa.args),
                           hint=f"{fa.name.name}(" + ", ".join(p.name for p in fdecl.params) + ")")
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
            source = self.c.loader.sources.get(self.key.file, "")
            text = _source_text(source, fa.span)
            data = {t for c in ctors for k, t in zip(c.fields, c.types) if k == "A"}
            elem = next(iter(data)) if len(data) == 1 else None
            out = None
            if kind == "coalgebra":
                if len(ctors) == 1 and ctors[0].fields != ("A", "X"):
                    sink.error(Msg.WRONG_SCHEME, fa.span, problem=f"a coalgebra unfolds a stream, and the constructor "
                               f"{ctors[0].name!r} of {fa.name.name!r} is not an output then the carrier",
                               hint="use a functor `functor StreamF(O) = out(O, X)`")
                    return None
                if len(ctors) != 1:
                    sink.error(Msg.WRONG_SCHEME, fa.span, problem=f"a coalgebra unfolds a stream: {fa.name.name!r} has "
                               f"{len(ctors)} constructors", hint="use a functor with one constructor, "
                               "`functor StreamF(O) = out(O, X)`")
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

    def _cases(self, checker: BodyChecker, shape: ir.AlgebraShape) -> tuple[ir.Case, ...] | None:
        decl, sink = self.decl, self.sink
        cases = list(decl.cases)
        if decl.kind == "coalgebra":
            case = self._coalgebra_case(shape)
            if case is None:
                return None
            cases = [case]
        elif decl.body is not None:
            sink.error(Msg.WRONG_SCHEME, decl.body.span, problem=f"{decl.kind} {self.where!r} is given by cases, not a body",
                       hint="write one case per constructor: " + "  ".join(
                           f"| {c.name}" + (f"({', '.join('x' if k == 'A' else 'h' for k in c.fields)})" if c.fields else "")
                           + " => ..." for c in shape.constructors))
            return None
        expected = {c.name: c for c in shape.constructors}
        seen: dict[str, ast.Case] = {}
        ok = True
        for case in cases:
            name = case.name.name
            if name not in expected:
                sink.error(Msg.UNKNOWN_CASE, case.name.span, problem=f"{name!r} is not a case of {self._cases_of(shape)}",
                           hint=did_you_mean(name, list(expected)) or "its cases are " + ", ".join(expected))
                ok = False
            elif name in seen:
                sink.error(Msg.UNKNOWN_CASE, case.name.span, problem=f"the case {name!r} is given twice",
                           hint=f"the first is at {seen[name].name.span}")
                ok = False
            else:
                seen[name] = case
        for name, ctor in expected.items():
            if name not in seen:
                fields = ", ".join("x" if k == "A" else ("h" if k == "X" else "k") for k in ctor.fields)
                sink.error(Msg.MISSING_CASE, decl.name.span, name=self.where, ctor=name,
                           hint=f"add `| {name}{'(' + fields + ')' if fields else ''} => ...`, of type {ctor.result}")
                ok = False
        out = []
        for name, case in seen.items():
            c = self._case(checker, case, expected[name])
            if c is None:
                ok = False
            else:
                out.append(c)
        if not ok:
            return None
        if checker.stochastic:
            sink.error(Msg.WRONG_SCHEME, decl.name.span, problem=f"a case of {self.where!r} is random (dropout)",
                       hint="cases are deterministic; apply dropout outside the fold")
            return None
        order = [c.name for c in shape.constructors]
        out.sort(key=lambda c: order.index(c.name))
        if decl.kind == "commutative monoid" and not self._commutative(out):
            case = seen["combine"]
            sink.error(Msg.NOT_COMMUTATIVE, case.name.span, name=self.where)
            return None
        return tuple(out)

    def _cases_of(self, shape: ir.AlgebraShape) -> str:
        return f"the functor {shape.functor}" if shape.functor else f"a {shape.kind}"

    def _coalgebra_case(self, shape: ir.AlgebraShape) -> ast.Case | None:
        """`s => out(o, s2)` as the case `| out(s) => (o, s2)`."""
        decl, sink = self.decl, self.sink
        body = decl.body
        (ctor,) = shape.constructors
        if (body is None or not isinstance(body, ast.Lambda) or body.tupled or len(body.params) != 1
                or not (isinstance(body.body, ast.Call) and isinstance(body.body.func, ast.Name))):
            sink.error(Msg.WRONG_SCHEME, (body or decl.name).span,
                       problem=f"a coalgebra is a map from its carrier to the functor: `= s => {ctor.name}(...)`",
                       hint=f"give the body as a lambda applying the constructor {ctor.name!r}")
            return None
        call = body.body
        if call.func.name != ctor.name:
            sink.error(Msg.UNKNOWN_CASE, call.func.span, problem=f"{call.func.name!r} is not a constructor of the functor {shape.functor}",
                       hint=f"its constructor is {ctor.name!r}")
            return None
        if len(call.args) != len(ctor.fields):
            sink.error(Msg.ARITY, call.span, what=f"the constructor {ctor.name!r}", expected=str(len(ctor.fields)),
                       s="" if len(ctor.fields) == 1 else "s", given=len(call.args),
                       hint=f"{ctor.name}(output, next state)")
            return None
        value = call.args[0] if len(call.args) == 1 else ast.TupleExpr(call.span, tuple(call.args))
        ident = body.params[0]
        case_ctor = ir.Constructor(ctor.name, ("X",), (shape.carrier,), ctor.result)
        # Checked against (carrier) -> tuple of the constructor's fields.
        self._coalgebra_ctor = case_ctor
        return ast.Case(body.span, ast.Ident(call.func.span, ctor.name), (ast.Pattern(ident.span, ident),), value)

    def _case(self, checker: BodyChecker, case: ast.Case, ctor: ir.Constructor) -> ir.Case | None:
        sink = self.sink
        if self.decl.kind == "coalgebra":
            ctor = self._coalgebra_ctor
        if len(case.fields) != len(ctor.fields):
            shown = f"{ctor.name}(" + ", ".join(str(t) for t in ctor.types) + ")" if ctor.types else ctor.name
            sink.error(Msg.PATTERN_MISMATCH, case.name.span, given=len(case.fields),
                       s="" if len(case.fields) == 1 else "s", type=f"the case {shown}")
            return None
        names: list[ast.Ident] = []
        types: list = []

        def flatten(p: ast.Pattern, t) -> bool:
            if p.name is not None:
                names.append(p.name)
                types.append(t)
                return True
            if not (isinstance(t, TupleType) and len(t.items) == len(p.items)):
                sink.error(Msg.PATTERN_MISMATCH, p.span, given=len(p.items), s="" if len(p.items) == 1 else "s", type=str(t))
                return False
            return all(flatten(i, ti) for i, ti in zip(p.items, t.items))

        if not all(flatten(p, t) for p, t in zip(case.fields, ctor.types)):
            return None
        lam = ast.Lambda(case.span, tuple(names), True, case.body)
        f = checker.map_(lam, TupleType(tuple(types)), ctor.result)
        if f is None:
            return None
        if not self.u.unify(f.type.cod, ctor.result):
            sink.error(Msg.RESULT_MISMATCH, case.body.span, what=f"the case {ctor.name!r}",
                       found="has type " + checker.show(f.type.cod), expected=str(ctor.result),
                       hint=f"the case {ctor.name!r} of {self.where!r} gives {ctor.result}")
            return None

        def pattern(p: ast.Pattern):
            return p.name.name if p.name is not None else tuple(pattern(i) for i in p.items)

        return ir.Case(ctor.name, tuple(pattern(p) for p in case.fields), f)

    def _commutative(self, cases: list[ir.Case]) -> bool:
        combine = next(c for c in cases if c.name == "combine")
        a, b = combine.patterns

        def names(p) -> list[str]:
            return [p] if isinstance(p, str) else [n for i in p for n in names(i)]

        na, nb = names(a), names(b)
        if len(na) != len(nb):
            return False
        swap = {**dict(zip(na, nb)), **dict(zip(nb, na))}
        return _canon(combine.body.body, {}) == _canon(combine.body.body, swap)

    # ------------------------------------------------------------------ semirings
    def semiring(self, name: ast.Ident):
        """The semiring a contraction names: a builtin, or one declared with `semiring`."""
        g = self.globals.get(name.name)
        if isinstance(g, SemiringB):
            table = self.c.semiring_table(g.decl)
            return table  # a bad declaration is reported where it is declared
        if name.name in builtins.SEMIRINGS:
            add, mul, zero, one, param = builtins.SEMIRINGS[name.name]
            return name.name, add, mul, zero, one, param
        known = sorted(builtins.SEMIRINGS) + [n for n, v in self.globals.items() if isinstance(v, SemiringB)]
        self.sink.error(Msg.UNKNOWN_NAME, name.span, name=name.name,
                        hint=did_you_mean(name.name, known) or "the semirings are " + ", ".join(known))
        return None

    # ------------------------------------------------------------------ recursion schemes
    def map_over(self, bc: BodyChecker, e: ast.FoldExpr, dom) -> ir.MapTerm | None:
        """`map f over t : [t, ...A] -> [t, ...B]` for `f : A -> B`."""
        axis = self._fold_axis(bc, e)
        if axis is None:
            return None

        def peel(t):
            if isinstance(t, TensorType) and t.axes and self.u.unify_axis(t.axes[0], axis):
                return TensorType(t.axes[1:], t.dtype)
            if isinstance(t, TupleType):
                items = [peel(i) for i in t.items]
                return None if any(i is None for i in items) else TupleType(tuple(items))
            return None

        inner = None
        if dom is not None:
            inner = peel(dom)
            if inner is None:
                self.sink.error(Msg.TYPE_MISMATCH, e.span, expected=f"a tensor whose first axis is {axis}",
                                found=bc.show(dom), hint=f"`map f over {axis}` applies f along the leading axis {axis}")
                return None
        f = bc.map_(e.target, inner)
        if f is None:
            return None
        if bc.stochastic_map(f) and not isinstance(f, ir.UseRef):
            self.sink.error(Msg.WRONG_SCHEME, e.target.span, problem="a random map written in place (a lambda or "
                            "composite using dropout or sample) cannot be mapped over an index set",
                            hint="make it a para and map that, `map Dropout(d) over t`: each element gets its own key")
            return None

        def along(t):
            if isinstance(t, TensorType):
                return TensorType((axis,) + t.axes, t.dtype)
            if isinstance(t, TupleType) and all(isinstance(i, TensorType) for i in t.items):
                return TupleType(tuple(along(i) for i in t.items))
            return None

        d2, c2 = along(f.type.dom), along(f.type.cod)
        if d2 is None or c2 is None:
            self.sink.error(Msg.TYPE_MISMATCH, e.target.span, expected="a map between tensors (or tuples of them)",
                            found=bc.show(f.type), hint="`map` stacks each input and output along the index set")
            return None
        return ir.MapOver(f, axis, type=MapType(d2, c2))

    def fold(self, bc: BodyChecker, e: ast.FoldExpr, dom=None) -> ir.MapTerm | None:
        if e.scheme == "map":
            return self.map_over(bc, e, dom)
        sink = self.sink
        target = e.target
        b = None
        if isinstance(target, ast.Name) and isinstance(bc._lookup(target.name), UseB):
            b = bc._lookup(target.name)
        elif isinstance(target, (ast.Name, ast.Call)):
            fname = target.name if isinstance(target, ast.Name) else getattr(target.func, "name", None)
            g = self.globals.get(fname) if fname else None
            if isinstance(g, GlobalB):
                b = self.new_anonymous_use(target if isinstance(target, ast.Call) else ast.Call(target.span, target, ()))
                if b is None:
                    return None
            elif fname is not None and bc._lookup(fname) is None:
                sink.error(Msg.UNKNOWN_NAME, target.span if isinstance(target, ast.Name) else target.func.span, name=fname,
                           hint=did_you_mean(fname, list(self.globals)))
                return None
        if b is None:
            sink.error(Msg.WRONG_SCHEME, target.span, problem=f"`{e.scheme}` takes an algebra, a coalgebra or a machine",
                       hint=f"`{e.scheme} Elman(d, h) over t`, or a use of one")
            return None
        callee = self.c.para(self.use_keys[b.use.name])
        kind = b.sig.kind
        allowed = {"fold": ("algebra", "monoid", "commutative monoid"), "scan": ("monoid", "commutative monoid"),
                   "unfold": ("coalgebra",), "run": ("mealy", "moore")}[e.scheme]
        if kind not in allowed:
            suggestion = {"algebra": "fold", "monoid": "fold", "commutative monoid": "fold", "coalgebra": "unfold",
                          "mealy": "run", "moore": "run"}.get(kind)
            sink.error(Msg.WRONG_SCHEME, target.span, problem=f"{b.sig.key.name!r} is {_a(kind)}, and `{e.scheme}` takes "
                       + " or ".join(_a(k) for k in allowed),
                       hint=f"write `{suggestion} {b.sig.key.name} over ...`" if suggestion else
                       "a para is applied, or composed with `>>`")
            return None
        if callee is None or callee.shape is None:
            return None
        shape = callee.shape
        _, sites, index_sets = self.instantiate(b, target.span)
        self.call_sites.extend(sites)
        sizes = _use_sizes(callee, b.use)

        def inst(t):
            return substitute_type(t, sizes, dict(index_sets)) if t is not None else None

        carrier, elem, out = inst(shape.carrier), inst(shape.elem), inst(shape.out)
        axis = self._fold_axis(bc, e)
        if axis is None:
            return None
        name = b.sig.key.name

        def along(t, a):
            if not isinstance(t, TensorType):
                return None
            return TensorType((a,) + t.axes, t.dtype)

        def one_tensor(t, what) -> bool:
            if isinstance(t, TensorType):
                return True
            sink.error(Msg.WRONG_SCHEME, target.span, problem=f"the {what} of {name!r} is {t}, not one tensor",
                       hint=f"`{e.scheme}` stacks them along {axis}; pack them into one tensor")
            return False

        guarded = isinstance(axis, IndexSetAxis) and axis.kind in (Kind.SET, Kind.CYC)
        if guarded and not (e.scheme == "fold" and kind == "commutative monoid"):
            why = {"monoid": "a monoid that is not commutative depends on the order of its elements",
                   "commutative monoid": "its running products depend on the order of the elements"}.get(
                kind, f"{_a(kind)} reads its elements in order")
            sink.error(Msg.FOLD_ON_SET, e.span, scheme=e.scheme, name=name, kind=axis.kind.value, set=axis.name, why=why,
                       hint=f"only a `commutative monoid` folds over a {axis.kind.value} (sum, max, min, logsumexp, or "
                            f"one commutative by construction); declare {axis.name!r} a `list` to fold in order")
            return None
        if e.scheme == "unfold":
            if not one_tensor(out, "output"):
                return None
            mode, t = "unfold", MapType(carrier, along(out, axis))
        elif e.scheme == "run":
            if not (one_tensor(elem, "input") and one_tensor(out, "output")):
                return None
            mode, t = kind, MapType(along(elem, axis), TupleType((along(out, axis), carrier)))
        elif kind in ("monoid", "commutative monoid"):
            if not one_tensor(elem, "element type"):
                return None
            if e.scheme == "scan":
                items = carrier.items if isinstance(carrier, TupleType) else (carrier,)
                if not all(isinstance(i, TensorType) for i in items):
                    return None
                scanned = tuple(along(i, axis) for i in items)
                mode, t = "prefix", MapType(along(elem, axis), TupleType(scanned) if isinstance(carrier, TupleType) else scanned[0])
            else:
                mode = "balanced" if guarded else "assoc"
                t = MapType(along(elem, axis), carrier)
        else:
            ctors = shape.constructors
            if _is_list_functor(ctors):
                if not one_tensor(elem, "element type"):
                    return None
                mode, t = "scan", MapType(along(elem, axis), carrier)
            else:
                if elem is None or not isinstance(elem, TensorType):
                    sink.error(Msg.WRONG_SCHEME, target.span, problem=f"the functor {shape.functor} stores "
                               "data of more than one type, or none", hint="a tree fold takes one data tensor per node")
                    return None
                odd = next((c for c in ctors if c.fields.count("A") > 1 or "K" in c.fields), None)
                if odd is not None:
                    sink.error(Msg.WRONG_SCHEME, target.span, problem=f"the constructor {odd.name!r} of {shape.functor} "
                               "has more than one data field, or a fixed one, and a tree fold stores one data tensor "
                               "per node", hint="give each constructor at most one data field, `node(A, X, X)`; "
                                                "pack several into one tensor")
                    return None
                if not any("X" not in c.fields for c in ctors):
                    sink.error(Msg.WRONG_SCHEME, target.span, problem=f"the functor {shape.functor} has no constructor "
                               "without X, so no finite term to fold", hint="add a leaf: `leaf(A)`")
                    return None
                k = max(c.fields.count("X") for c in ctors)
                dom = TupleType((TensorType((axis,), "i32"), along(elem, axis), TensorType((axis, FixedAxis(Poly.const(k))), "i32")))
                mode, t = "tree", MapType(dom, carrier)
        return ir.Fold(e.scheme, b.use.name, mode, axis, tuple(index_sets), type=t)

    def _fold_axis(self, bc: BodyChecker, e: ast.FoldExpr):
        over = e.over
        sink = self.sink
        if e.scheme == "unfold":
            if isinstance(over, ast.SizeInt):
                return FixedAxis(Poly.const(over.value))
            if isinstance(over, ast.SizeName):
                v = self.env.get(over.name)
                if isinstance(v, IndexSetB):
                    return v.axis
                if isinstance(v, HyperB) and v.kind in ("Nat", "Int"):
                    return FixedAxis(Poly.var(over.name))
                if v is None and over.name not in self.globals:
                    sink.error(Msg.UNKNOWN_NAME, over.span, name=over.name,
                               hint=did_you_mean(over.name, [n for n, x in self.env.items() if isinstance(x, (IndexSetB, HyperB))])
                               or "`unfold` runs for a `Nat` hyperparameter's number of steps, or along an index set of the input")
                    return None
            else:
                size = TypeScope(self.hypers, dict(self.sig.index_sets), sink).size(over)
                if size is not None:
                    return FixedAxis(size)
                return None
            sink.error(Msg.UNFOLD_LENGTH, over.span, what=repr(getattr(over, "name", "this")))
            return None
        v = self.env.get(over.name)
        if isinstance(v, IndexSetB):
            return v.axis
        if v is None and over.name not in self.globals:
            sink.error(Msg.UNKNOWN_NAME, over.span, name=over.name,
                       hint=did_you_mean(over.name, [n for n, x in self.env.items() if isinstance(x, IndexSetB)])
                       or f"`{e.scheme}` runs along an index set of the input, declared `({over.name} : list)`")
            return None
        sink.error(Msg.WRONG_SCHEME, over.span, problem=f"`{e.scheme}` runs along an index set, and {over.name!r} is not one",
                   hint=f"declare the axis an index set, `({over.name} : list)`, and give the input that axis")
        return None

    def _arrow(self) -> str:
        t = self.sig.type
        return f"{t.dom} => {t.cod}" if self.decl.is_reparam else str(t)

    def _reparam_clauses(self) -> None:
        decl = self.decl
        for clause, what in ((decl.params, "parameters of its own"), (decl.uses, "uses"), (decl.ties, "ties")):
            if clause:
                self.sink.error(Msg.NOT_PARAMETER_ONLY, clause[0].span,
                                problem=f"a reparam has no {what}: it is a function of its input Q, "
                                        f"the free parameters it is given")
        if len(decl.inits) > 1:
            self.sink.error(Msg.DUPLICATE_LOCAL, decl.inits[1].span, name="init", where=self.where)

    def _params(self) -> None:
        scope = TypeScope(self.hypers, dict(self.sig.index_sets), self.sink)
        if self.decl.is_reparam:  # reported by _reparam_clauses; known by name so their uses stay quiet
            for p in self.decl.params:
                self.bind(p.name, ErrorB())
            return
        for p in self.decl.params:
            t = scope.type(p.type)
            init = self.c._init(p)
            if t is None or init is None:
                self.bind(p.name, ErrorB())
                continue
            if not isinstance(t, TensorType):
                self.sink.error(Msg.TYPE_MISMATCH, p.type.span, expected="a tensor type", found=str(t),
                                hint="a parameter is one tensor; declare several parameters for several tensors")
                self.bind(p.name, ErrorB())
                continue
            abstract = init.name == "via"
            runtime = next((a for a in t.axes if isinstance(a, IndexSetAxis)), None)
            if runtime is not None and not abstract:
                self.sink.error(Msg.RUNTIME_SIZED_PARAM, p.type.span, name=repr(p.name.name), kind=runtime.kind.value,
                                index=runtime.name, breaks=_BREAKS[runtime.kind],
                                fix="give the axis a fixed size, or declare the leaf `~ via` and give it by "
                                    "an invariant 2-cell where the para is used")
                self.bind(p.name, ErrorB())
                continue
            self.bind(p.name, ParamB(t))
            self.params.append(ir.Param(p.name.name, t, init, abstract=abstract))

    # ------------------------------------------------------------------ uses
    def make_use(self, name: str, call: ast.Expr, anonymous: bool, span: Span | None = None) -> UseB | None:
        sink = self.sink
        if isinstance(call, ast.Name):
            call = ast.Call(call.span, call, ())
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            sink.error(Msg.NOT_A_PARA, call.span, name=_text(call))
            return None
        target = self.globals.get(call.func.name)
        if not isinstance(target, GlobalB):
            if call.func.name in self.env or builtins.is_builtin_function(call.func.name):
                sink.error(Msg.NOT_A_PARA, call.func.span, name=call.func.name)
            else:
                sink.error(Msg.UNKNOWN_NAME, call.func.span, name=call.func.name,
                           hint=did_you_mean(call.func.name, list(self.globals)))
            return None
        callee = target.sig
        # Index sets may be given by name after the hyperparameters: `Dense(c)`.
        given = [a for a in call.args if isinstance(a, ast.Name) and isinstance(self.env.get(a.name), IndexSetB)]
        if given and callee.index_sets:
            if len(given) > len(callee.index_sets):
                sink.error(Msg.ARITY, given[len(callee.index_sets)].span, what=f"the index sets of {callee.key.name!r}",
                           expected=str(len(callee.index_sets)), s="" if len(callee.index_sets) == 1 else "s",
                           given=len(given), hint=f"{callee.key.name} is polymorphic over "
                           + ", ".join(f"({n} : {k.value})" for n, k in callee.index_sets))
                return None
            self.explicit[name] = {n: self.env[a.name].axis for (n, _), a in zip(callee.index_sets, given)}
            call = ast.Call(call.span, call.func, tuple(a for a in call.args if not any(a is g for g in given)))
        args = self.c._hyper_args(callee, call, self.hypers)
        if args is None:
            return None
        use = ir.Use(name, callee.key.name, tuple(args), anonymous)
        self.deps.append((callee.key, call.span))
        self.uses.append(use)
        self.use_keys[name] = callee.key
        self.use_spans[name] = span or call.span
        self.use_bindings[name] = UseB(use, callee)
        return self.use_bindings[name]

    def is_stochastic(self, use: str) -> bool:
        """Whether the para a use instantiates draws random numbers, itself or through its uses."""
        todo, seen = [self.use_keys[use]] if use in self.use_keys else [], set()
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            d = self.c.para(k)
            if d is not None and d.stochastic:
                return True
            todo.extend(self.c._use_keys.get(k, {}).values())
        return False

    def new_anonymous_use(self, call: ast.Call) -> UseB | None:
        base = _snake(call.func.name)
        n = self.anon_counter.get(base, 0)
        while f"{base}_{n}" in self.env:
            n += 1
        self.anon_counter[base] = n + 1
        return self.make_use(f"{base}_{n}", call, True)

    def _metas(self, b: UseB) -> dict[str, MetaAxis]:
        metas = {}
        for name, _ in b.sig.index_sets:
            m = self.u.fresh(name)
            given = self.explicit.get(b.use.name, {}).get(name)
            if given is not None:
                self.u.unify_axis(m, given)
            metas[name] = m
        return metas

    def pin(self, b: UseB) -> dict[str, MetaAxis]:
        """One instance of a use's index sets, shared by its ties and every reference to it."""
        if b.use.name not in self.pins:
            self.pins[b.use.name] = self._metas(b)
        return self.pins[b.use.name]

    def instantiate(self, b: UseB, span: Span):
        callee = b.sig
        sizes = _use_sizes(callee, b.use)
        metas = self.pins.get(b.use.name) or self._metas(b)
        sites = [CallSite(metas[name], callee.key.name, name, kind, span) for name, kind in callee.index_sets]
        t = substitute_type(callee.type, sizes, metas)
        return t, sites, tuple(metas.items())

    # ------------------------------------------------------------------ leaves of uses
    def use_leaves(self, b: UseB) -> list[Leaf] | None:
        """The leaves of a use, in this para's names (its index sets pinned)."""
        key = self.use_keys.get(b.use.name)
        if key is None:
            return None
        inner = self.c.leaves(key)
        callee = self.c.para(key)
        if inner is None or callee is None:
            return None
        sizes = _use_sizes(callee, b.use)
        metas = self.pin(b)
        return [replace(leaf, path=(b.use.name, *leaf.path), type=substitute_type(leaf.type, sizes, metas),
                        tied=leaf.tied, inside=callee.name if leaf.tied else False) for leaf in inner]

    def _resolve_path(self, path: tuple[ast.Ident, ...], span: Span, *, for_tie: bool):
        """A path to a leaf or a use: (Leaf | UseB, leaves) or None (reported)."""
        first = path[0]
        b = self.env.get(first.name)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, ParamB) and len(path) == 1:
            p = next(p for p in self.params if p.name == first.name)
            return Leaf((p.name,), p.type, p.abstract, False, via=p.via is not None), None
        if not isinstance(b, UseB):
            options = [n for n, v in self.env.items() if isinstance(v, (ParamB, UseB))]
            self.sink.error(Msg.UNKNOWN_FIELD, first.span, owner=self.where, name=first.name,
                            hint=did_you_mean(first.name, options) or
                            ("its parameters and uses are " + ", ".join(options) if options else f"{self.where!r} has no parameters or uses"))
            return None
        leaves = self.use_leaves(b)
        if leaves is None:
            return None
        want = tuple(i.name for i in path)
        if len(path) == 1:
            return b, leaves
        exact = next((leaf for leaf in leaves if leaf.path == want), None)
        if exact is not None:
            if exact.tied:
                self.sink.error(Msg.NOT_A_FREE_LEAF, span, target=".".join(want), owner=exact.inside,
                                hint="tie a leaf that it leaves free" if for_tie else "read the leaves it is computed from")
                return None
            return exact, None
        if any(leaf.path[:len(want)] == want for leaf in leaves):
            return _Subtree(want), [leaf for leaf in leaves if leaf.path[:len(want)] == want]
        # Name the first step that does not exist.
        for i in range(1, len(path)):
            prefix = want[:i + 1]
            if not any(leaf.path[:i + 1] == prefix for leaf in leaves):
                options = sorted({leaf.path[i] for leaf in leaves if leaf.path[:i] == want[:i] and len(leaf.path) > i})
                owner = ".".join(want[:i])
                self.sink.error(Msg.UNKNOWN_FIELD, path[i].span, owner=owner, name=path[i].name,
                                hint=did_you_mean(path[i].name, options) or ("it has " + ", ".join(options) if options
                                                                             else f"{owner!r} has no parameters"))
                return None
        return None  # pragma: no cover - some step above is missing

    def leaf(self, path: tuple[ast.Ident, ...], span: Span) -> TensorType | None:
        """The type of a leaf read by a tie (`enc.W`)."""
        r = self._resolve_path(path, span, for_tie=False)
        if r is None:
            return None
        found, _ = r
        if not isinstance(found, Leaf):
            self.sink.error(Msg.TYPE_MISMATCH, span, expected="a parameter leaf", found=f"the use {'.'.join(i.name for i in path)!r}",
                            hint="a tie reads leaves, `enc.W`; `tie a = b` ties every leaf of the use a to b's")
            return None
        return found.type

    # ------------------------------------------------------------------ ties
    def _tie_checker(self) -> BodyChecker:
        inputs = {}
        if isinstance(self.decl.body, ast.Lambda):
            inputs = {p.name: InputB() for p in self.decl.body.params if p.name not in self.env}
        bc = BodyChecker(self.sink, self.u, ChainMap(inputs, self.env, self.globals), self.where, self)
        bc.call_sites = self.call_sites
        bc.mode = "tie"
        return bc

    def tie(self, td: ast.TieDecl) -> None:
        sink = self.sink
        target_text = ".".join(i.name for i in td.path)
        r = self._resolve_path(td.path, _path_span(td.path), for_tie=True)
        if r is None:
            return
        found, subtree = r
        source = f"{target_text} = {_source_text(self.c.loader.sources.get(self.key.file, ''), td.value.span)}"
        if subtree is not None:  # tie a whole use: every leaf of it, to the same leaf of another use
            vpath = _field_path(td.value)
            other = self._resolve_path(vpath, td.value.span, for_tie=False) if vpath else None
            if vpath is None:
                sink.error(Msg.TIE_TYPE, td.value.span, target=f"the use {target_text!r}", found="a value",
                           expected="a use of a para", extra="; `tie a = b` ties every leaf of the use a to the same leaf of b")
                return
            if other is None:
                return
            found_b, other_leaves = other
            prefix = tuple(i.name for i in vpath)
            mine = {leaf.path[len(td.path):]: leaf for leaf in subtree if not leaf.tied}
            theirs = {leaf.path[len(prefix):]: leaf for leaf in (other_leaves or []) if not leaf.tied}
            if other_leaves is None or set(mine) != set(theirs):
                desc = lambda ls: "(" + ", ".join(".".join(p) + " : " + str(self.u.zonk(l.type)) for p, l in ls.items()) + ")"
                sink.error(Msg.TIE_TYPE, td.value.span, target=f"the use {target_text!r}",
                           found=desc(theirs) if other_leaves is not None else f"the leaf {'.'.join(prefix)!r}",
                           expected=desc(mine), extra="; a use is tied to a use of the same para with the same sizes")
                return
            for rest, leaf in mine.items():
                t_other = theirs[rest].type
                if not self.u.unify(leaf.type, t_other):
                    sink.error(Msg.TIE_TYPE, td.value.span, target=".".join(leaf.path), found=str(self.u.zonk(t_other)),
                               expected=str(self.u.zonk(leaf.type)), extra="")
                    return
            for rest, leaf in mine.items():
                value = ir.LeafRef(prefix + rest, type=theirs[rest].type, span=td.value.span)
                self._add_tie([leaf.path], value, f"{'.'.join(leaf.path)} = {'.'.join(prefix + rest)}", td.span)
            return
        assert isinstance(found, Leaf)
        bc = self._tie_checker()
        bc.frames.append(Frame())
        try:
            value = bc.value(td.value)
        finally:
            frame = bc.frames.pop()
        if value is None:
            return
        value = bc._bind_implicit(value, frame, found.type, td.value.span)
        if value is None:
            return
        if not (isinstance(value.type, TensorType) and value.type.dtype == found.type.dtype
                and self.u.unify(value.type, found.type)):
            sink.error(Msg.TIE_TYPE, td.value.span, target=target_text, found=bc.show(value.type),
                       expected=bc.show(found.type), extra="")
            return
        self._add_tie([found.path], value, source, td.span)

    def _add_tie(self, targets: list[tuple[str, ...]], value: ir.Term, source: str, span: Span) -> bool:
        for t in targets:
            if t in self.tie_spans:
                self.sink.error(Msg.TIED_TWICE, span, target=".".join(t), first=str(self.tie_spans[t]))
                return False
        for t in targets:
            self.tie_spans[t] = span
        self.ties.append((ir.Tie(tuple(targets), value, source), span))
        return True

    # ------------------------------------------------------------------ via
    def via(self, bc: BodyChecker, e: ast.BinOp) -> ir.MapTerm | None:
        base, reparams = _via_chain(e)
        f = bc.map_(base, None)
        if f is None:
            return None
        if not isinstance(f, ir.UseRef):
            self.sink.error(Msg.NOT_A_REPARAM, base.span, problem="`via` reparameterises a para, and this is a composite map",
                            hint="name the para on the left of `via`: `Dense(c) via Circulant(k)`")
            return None
        b = self.use_bindings[f.name]
        if f.name not in self.pins:
            self.pins[f.name] = dict(f.index_sets)  # type: ignore[arg-type]
        if not self.apply_via(b, reparams, e.span):
            return None
        return f

    def apply_via(self, b: UseB, reparams: list[ast.Expr], span: Span) -> bool:
        """Desugar `f via r1 via r2 ...`: fresh free parameters q for the last reparam,
        and ties `f.P = r1(q1)`, `q1 = r2(q2)`, ... (vertical composition of 2-cells)."""
        leaves = self.use_leaves(b)
        if leaves is None:
            return False
        targets = [(leaf.path, leaf.type) for leaf in leaves if not leaf.tied]
        owner = b.sig.key.name
        for r_expr in reparams:
            rb = self._reparam_use(r_expr)
            if rb is None:
                return False
            t, sites, index_sets = self.instantiate(rb, r_expr.span)
            self.call_sites.extend(sites)
            q_type, p_type = t.dom, t.cod
            if len(targets) == 1:
                ok = self.u.unify(p_type, targets[0][1])
            else:
                ok = (isinstance(p_type, TupleType) and len(p_type.items) == len(targets)
                      and all(self.u.unify(a, tt) for a, (_, tt) in zip(p_type.items, targets)))
            if not ok:
                expected = ", ".join(f"{'.'.join(p[1:]) or p[0]} : {self.u.zonk(tt)}" for p, tt in targets)
                self.sink.error(Msg.VIA_MISMATCH, r_expr.span, reparam=rb.sig.key.name, found=str(self.u.zonk(p_type)),
                                callee=owner, expected=f"({expected})" if len(targets) != 1 else expected)
                return False
            rdecl = self.c.loader.decl(rb.sig.key)
            names = [p.name for p in rdecl.body.params] if isinstance(rdecl.body, ast.Lambda) else ["q"]
            q_items = list(q_type.items) if isinstance(q_type, TupleType) else [q_type]
            if len(names) != len(q_items) or not all(isinstance(q, TensorType) for q in q_items):
                return False  # the reparam's own body is reported where it is declared
            init = self.c.initializer(rdecl.inits[0]) if rdecl.inits else None
            refs = []
            new_targets = []
            for n, q in zip(names, q_items):
                pname = self._fresh_param_name(f"{b.use.name}_{n}")
                pinit = init or ir.Init("glorot" if q.rank >= 1 else "zeros")
                self.params.append(ir.Param(pname, q, pinit, via=b.use.name))
                self.via_spans[pname] = r_expr.span
                refs.append(ir.ParamRef(pname, type=q))
                new_targets.append(((pname,), q))
            arg = refs[0] if len(refs) == 1 else ir.TupleT(tuple(refs), type=TupleType(tuple(r.type for r in refs)))
            value = ir.Apply(ir.UseRef(rb.use.name, index_sets, type=t), arg, type=p_type, span=r_expr.span)
            lhs = ", ".join(".".join(p) for p, _ in targets)
            src = f"{lhs} = {rb.sig.key.name}({', '.join(r.name for r in refs)})"
            if not self._add_tie([p for p, _ in targets], value, src, r_expr.span):
                return False
            targets = new_targets
            owner = rb.sig.key.name
        return True

    def _fresh_param_name(self, base: str) -> str:
        taken = set(self.env) | {p.name for p in self.params}
        name, i = base, 1
        while name in taken:
            name = f"{base}{i}"
            i += 1
        return name

    def _reparam_use(self, r: ast.Expr) -> UseB | None:
        call = r if isinstance(r, ast.Call) else ast.Call(r.span, r, ()) if isinstance(r, ast.Name) else None
        target = self.globals.get(call.func.name) if call is not None and isinstance(call.func, ast.Name) else None
        if not isinstance(target, GlobalB) or target.sig.kind != "reparam":
            name = call.func.name if call is not None and isinstance(call.func, ast.Name) else None
            if (name is not None and not isinstance(target, GlobalB) and name not in self.env
                    and not builtins.is_builtin_function(name)):
                self.sink.error(Msg.UNKNOWN_NAME, call.func.span, name=name, hint=did_you_mean(name, list(self.globals)))
                return None
            if isinstance(target, GlobalB):
                what = f"{name!r} is a para"
            elif name is not None and builtins.is_builtin_function(name):
                what = f"{name!r} is a builtin function"
            else:
                what = f"{name!r} is not a reparam" if name else "this is not a reparam"
            self.sink.error(Msg.NOT_A_REPARAM, r.span, problem=f"{what}; the right of `via` is a 2-cell",
                            hint="declare it `reparam R(...) : Q => P = q => ...`")
            return None
        return self.new_anonymous_use(call)

    # ------------------------------------------------------------------ after the body
    def _order_ties(self) -> tuple[ir.Tie, ...] | None:
        """The ties zonked and in dependency order; a cycle is reported."""
        ties = [(replace(t, value=zonk(self.u, t.value)), span) for t, span in self.ties]
        producer = {target: i for i, (t, _) in enumerate(ties) for target in t.targets}
        deps = [sorted({producer[r] for r in _reads(t.value) if r in producer}) for t, _ in ties]
        order: list[int] = []
        state: dict[int, int] = {}
        ok = True

        def visit(i: int, stack: list[int]) -> None:
            nonlocal ok
            if state.get(i) == 2 or not ok:
                return
            if state.get(i) == 1:
                cycle = stack[stack.index(i):] + [i]
                path = " -> ".join(".".join(ties[j][0].targets[0]) for j in cycle)
                self.sink.error(Msg.TIE_CYCLE, ties[max(cycle)][1], cycle=path)
                ok = False
                return
            state[i] = 1
            for j in deps[i]:
                visit(j, stack + [i])
            state[i] = 2
            order.append(i)

        for i in range(len(ties)):
            visit(i, [])
        if not ok:
            return None
        return tuple(ties[i][0] for i in order)

    def _check_free_leaves(self, params: tuple[ir.Param, ...], ties: tuple[ir.Tie, ...]) -> bool:
        """Every leaf a 2-cell must give is given, and every free leaf can be allocated."""
        tied = {t for tie in ties for t in tie.targets}
        ok = True
        for p in params:
            if p.via is not None and (p.name,) not in tied:
                runtime = next((a for a in p.type.axes if isinstance(a, IndexSetAxis)), None)
                if runtime is not None or any(isinstance(a, MetaAxis) for a in p.type.axes):
                    if runtime is None:
                        self.sink.error(Msg.INDEX_RANGE_UNKNOWN, self.via_spans[p.name], index=p.name)
                    else:
                        self.sink.error(Msg.RUNTIME_SIZED_PARAM, self.via_spans[p.name], name=f"{p.name!r} (the free "
                                        f"parameters of this 2-cell)", kind=runtime.kind.value, index=runtime.name,
                                        breaks=_BREAKS[runtime.kind], fix="give the reparam a fixed-size input Q")
                    ok = False
        for use in self.uses:
            key = self.use_keys[use.name]
            callee = self.c.para(key)
            if callee is None or callee.is_reparam:
                continue
            for leaf in self.use_leaves(self.use_bindings[use.name]) or []:
                if leaf.abstract and not leaf.tied and leaf.path not in tied:
                    t = self.u.zonk(leaf.type)
                    runtime = next((a for a in t.axes if isinstance(a, IndexSetAxis)), None)
                    inner = ".".join(leaf.path[1:])
                    fix = f"reparameterise it where it is used, `{callee.name}(...) via R`"
                    if not use.anonymous:
                        fix += f", or tie it, `tie {leaf.dotted} = ...`"
                    if runtime is not None:
                        self.sink.error(Msg.RUNTIME_SIZED_PARAM, self.use_spans[use.name],
                                        name=f"{inner!r} of {callee.name!r}", kind=runtime.kind.value, index=runtime.name,
                                        breaks=_BREAKS[runtime.kind],
                                        fix=fix.replace("reparameterise it", "reparameterise it by a 2-cell that keeps the symmetry"))
                    else:
                        self.sink.error(Msg.ABSTRACT_LEAF_NOT_GIVEN, self.use_spans[use.name],
                                        target=inner if use.anonymous else leaf.dotted, callee=callee.name, fix=fix)
                    ok = False
        return ok


_COMMUTATIVE_OPS = frozenset({"add", "mul", "maximum", "minimum", "and", "or", "eq", "ne"})


def _canon(x, swap: dict[str, str]):
    """A term as a hashable tree, operands of commutative operators sorted: two terms with
    equal canons are equal as functions. Swapping a combine's arguments and comparing tells
    whether it is symmetric as written."""
    if isinstance(x, ir.Var):
        return ("var", swap.get(x.name, x.name))
    if isinstance(x, ir.Prim) and x.op in _COMMUTATIVE_OPS and len(x.args) == 2:
        a, b = (_canon(y, swap) for y in x.args)
        return ("prim", x.op, *sorted((a, b), key=repr))
    if is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__,) + tuple(_canon(getattr(x, f.name), swap) for f in fields(x) if f.name != "span")
    if isinstance(x, tuple):
        return tuple(_canon(i, swap) for i in x)
    return x


def _a(kind: str) -> str:
    """A declaration kind with its article, for messages: 'an algebra', 'a Mealy machine'."""
    return {"algebra": "an algebra", "coalgebra": "a coalgebra", "mealy": "a Mealy machine", "moore": "a Moore machine",
            "monoid": "a monoid", "commutative monoid": "a commutative monoid", "para": "a para",
            "reparam": "a reparam"}.get(kind, f"a {kind}")


def _is_list_functor(ctors: tuple[ir.Constructor, ...]) -> bool:
    """`nil | cons(A, X)` up to names and field order."""
    if len(ctors) != 2:
        return False
    shapes = sorted(tuple(sorted(c.fields)) for c in ctors)
    return shapes == [(), ("A", "X")]


class _Subtree:
    def __init__(self, path: tuple[str, ...]):
        self.path = path


_BREAKS = {
    Kind.SET: "a per-element weight breaks S_n-equivariance",
    Kind.CYC: "a per-position weight breaks C_n-equivariance",
    Kind.LIST: "its size changes with every input",
}


def _use_sizes(callee, use: ir.Use) -> dict[str, Poly]:
    return {h.name: a.poly for h, a in zip(callee.hypers, use.args) if a.poly is not None}


def _via_chain(e: ast.Expr) -> tuple[ast.Expr, list[ast.Expr]]:
    """`f via r via s` as (f, [r, s])."""
    reparams: list[ast.Expr] = []
    while isinstance(e, ast.BinOp) and e.op == "via":
        reparams.append(e.right)
        e = e.left
    return e, reparams[::-1]


def _path_span(path: tuple[ast.Ident, ...]) -> Span:
    return path[0].span.to(path[-1].span)


def _reads(t) -> set[tuple[str, ...]]:
    """The leaves a tie's value reads: own parameters and leaves of uses."""
    return ({(x.name,) for x in ir.nodes(t) if isinstance(x, ir.ParamRef)}
            | {x.path for x in ir.nodes(t) if isinstance(x, ir.LeafRef)})


def _source_text(source: str, span: Span) -> str:
    lines = source.splitlines()
    if not (1 <= span.line <= len(lines)):
        return "..."
    if span.end_line == span.line:
        return lines[span.line - 1][span.col - 1:span.end_col - 1]
    return " ".join([lines[span.line - 1][span.col - 1:]] + [l.strip() for l in lines[span.line:span.end_line - 1]]
                    + [lines[span.end_line - 1][:span.end_col - 1].strip()])


def binder_tables_quiet(decl: ast.ParaDecl):
    return binder_tables(decl, DiagnosticSink())


def _size_of_expr(e: ast.Expr, caller: dict[str, str]) -> Poly | str:
    """A hyperparameter argument as a size polynomial, or a description of why it is not one."""
    if isinstance(e, ast.Number):
        return Poly.const(e.value) if isinstance(e.value, int) else f"the number {e.text}"
    if isinstance(e, ast.Name):
        if caller.get(e.name) in ("Nat", "Int"):
            return Poly.var(e.name)
        return f"{e.name!r}" + (f", a {caller[e.name]}" if e.name in caller else ", not a hyperparameter of the caller")
    if isinstance(e, ast.Unary) and e.op == "-":
        a = _size_of_expr(e.operand, caller)
        return a if isinstance(a, str) else Poly.const(0) - a
    if isinstance(e, ast.BinOp) and e.op in ("+", "-", "*"):
        a, b = _size_of_expr(e.left, caller), _size_of_expr(e.right, caller)
        if isinstance(a, str):
            return a
        if isinstance(b, str):
            return b
        return {"+": a + b, "-": a - b, "*": a * b}[e.op]
    return "an expression that is not a size"


def _rank(t: ast.TypeExpr) -> int:
    return len(t.axes) if isinstance(t, ast.TensorTypeExpr) else 0


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _text(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return e.name
    if isinstance(e, ast.Number):
        return e.text
    return "this expression"

