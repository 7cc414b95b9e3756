"""Checking declarations: a file's paras (and every para they use) to a typed `ir.Program`.

For each para: its binders, parameters and uses are checked and put into one environment;
its body is checked against the declared `dom -> cod` by `BodyChecker`; the result is
zonked (solved index sets filled in) and checked for symmetry at calls. The program lists
each para after the paras it uses; a para that uses itself is an error.
"""

from __future__ import annotations

from collections import ChainMap

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..resolve import DeclKey, Loader, Unit
from ..syntax import ast
from ..types import IndexSetAxis, Kind, MetaAxis, Poly, TensorType, Unifier
from ..types.unify import axes_of, substitute_type
from . import builtins
from .exprs import BodyChecker, CallSite, ErrorB, GlobalB, HyperB, IndexSetB, ParamB, UseB, zonk
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


class Checker:
    def __init__(self, loader: Loader, sink: DiagnosticSink):
        self.loader = loader
        self.sink = sink
        self._sigs: dict[DeclKey, Signature] = {}
        self._defs: dict[DeclKey, ir.ParaDef | None] = {}
        self._deps: dict[DeclKey, list[tuple[DeclKey, Span]]] = {}
        self._globals: dict[str, dict[str, GlobalB]] = {}  # per file: its scope, as bindings

    # ------------------------------------------------------------------ entry points
    def check_unit(self, unit: Unit) -> ir.Program | None:
        if unit.module is None:
            return None
        for decl in unit.module.decls:
            if isinstance(decl, ast.ParaDecl) and unit.own.get(decl.name.name) is decl:
                self.para(DeclKey(unit.file, decl.name.name))
        order = self._order([DeclKey(unit.file, n) for n in unit.own])
        if self.sink.has_errors:
            return None
        defs = [self._defs[k] for k in order]
        return ir.Program(unit.file, tuple(self._mark_stochastic(defs)))

    def signature(self, key: DeclKey) -> Signature:
        if key not in self._sigs:
            self._sigs[key] = signature(key, self.loader.decl(key), self.sink)
        return self._sigs[key]

    def _unit_globals(self, unit: Unit) -> dict[str, GlobalB]:
        if unit.file not in self._globals:
            self._globals[unit.file] = {name: GlobalB(self.signature(sub)) for name, sub in unit.scope.items()}
        return self._globals[unit.file]

    # ------------------------------------------------------------------ one para
    def para(self, key: DeclKey) -> ir.ParaDef | None:
        if key in self._defs:
            return self._defs[key]
        self._defs[key] = None  # in progress
        decl = self.loader.decl(key)
        unit = self.loader.units[key.file]
        sig = self.signature(key)
        sink = self.sink
        u = Unifier()

        hypers, index_sets, _, _ = binder_tables_quiet(decl)
        env: dict[str, object] = {}
        where = decl.name.name

        def bind(ident: ast.Ident, b) -> None:
            if ident.name in env:
                sink.error(Msg.DUPLICATE_LOCAL, ident.span, name=ident.name, where=where)
            env[ident.name] = b

        env_globals = self._unit_globals(unit)  # shared by every para of the file, never copied
        for b in decl.binders:
            if b.kind.name in builtins.HYPER_KINDS:
                bind(b.name, HyperB(b.kind.name))
            elif b.kind.name in builtins.INDEX_KINDS:
                bind(b.name, IndexSetB(IndexSetAxis(b.name.name, Kind(b.kind.name))))

        scope = TypeScope(hypers, index_sets, sink)
        params: list[ir.Param] = []
        for p in decl.params:
            t = scope.type(p.type)
            init = self._init(p)
            if t is None or init is None:
                bind(p.name, ErrorB())
                continue
            if not isinstance(t, TensorType):
                sink.error(Msg.TYPE_MISMATCH, p.type.span, expected="a tensor type", found=str(t),
                           hint="a parameter is one tensor; declare several parameters for several tensors")
                bind(p.name, ErrorB())
                continue
            for a in t.axes:
                if isinstance(a, IndexSetAxis):
                    breaks = {
                        Kind.SET: "a per-element weight breaks S_n-equivariance",
                        Kind.CYC: "a per-position weight breaks C_n-equivariance",
                        Kind.LIST: "its size changes with every input",
                    }[a.kind]
                    sink.error(Msg.RUNTIME_SIZED_PARAM, p.type.span, name=p.name.name, kind=a.kind.value,
                               index=a.name, breaks=breaks)
                    t = None
                    break
            bind(p.name, ParamB(t) if t is not None else ErrorB())
            if t is not None:
                params.append(ir.Param(p.name.name, t, init))

        uses: list[ir.Use] = []
        deps: list[tuple[DeclKey, Span]] = []
        anon_counter: dict[str, int] = {}

        def make_use(name: str, call: ast.Expr, anonymous: bool) -> UseB | None:
            if isinstance(call, ast.Name):
                call = ast.Call(call.span, call, ())
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                sink.error(Msg.NOT_A_PARA, call.span, name=_text(call))
                return None
            target = env_globals.get(call.func.name)
            if not isinstance(target, GlobalB):
                if call.func.name in env or builtins.is_builtin_function(call.func.name):
                    sink.error(Msg.NOT_A_PARA, call.func.span, name=call.func.name)
                else:
                    sink.error(Msg.UNKNOWN_NAME, call.func.span, name=call.func.name,
                               hint=did_you_mean(call.func.name, list(env_globals)))
                return None
            args = self._hyper_args(target.sig, call, hypers)
            if args is None:
                return None
            use = ir.Use(name, target.sig.key.name, tuple(args), anonymous)
            deps.append((target.sig.key, call.span))
            uses.append(use)
            return UseB(use, target.sig)

        for ud in decl.uses:
            b = make_use(ud.name.name, ud.expr, False)
            bind(ud.name, b if b is not None else ErrorB())

        def new_anonymous_use(call: ast.Call) -> UseB | None:
            base = _snake(call.func.name)
            n = anon_counter.get(base, 0)
            while f"{base}_{n}" in env:
                n += 1
            anon_counter[base] = n + 1
            return make_use(f"{base}_{n}", call, True)

        def instantiate(callee: Signature, args: tuple[ir.HyperArg, ...], span: Span):
            sizes = {}
            for h, a in zip(callee.hypers, args):
                if a.poly is not None:
                    sizes[h.name] = a.poly
            metas = {}
            sites = []
            for name, kind in callee.index_sets:
                m = u.fresh(name)
                metas[name] = m
                sites.append(CallSite(m, callee.key.name, name, kind, span))
            t = substitute_type(callee.type, sizes, metas)
            return t, sites

        checker = BodyChecker(sink, u, ChainMap(env, env_globals), decl.name.name, instantiate, new_anonymous_use)
        if not sig.ok:
            self._deps[key] = deps
            return None
        self._check_index_sets_in_dom(decl, sig)
        body = checker.map_(decl.body, sig.type.dom, sig.type.cod)
        self._deps[key] = deps
        if body is None:
            return None
        if not u.unify(body.type.cod, sig.type.cod):
            sink.error(Msg.RESULT_MISMATCH, decl.body.span, what="the body", found="has type " + checker.show(body.type.cod),
                       expected=str(sig.type.cod), hint=f"the declaration says {decl.name.name} : {sig.type}")
            return None
        if not u.unify(body.type.dom, sig.type.dom):
            sink.error(Msg.TYPE_MISMATCH, decl.body.span, expected=str(sig.type.dom), found=checker.show(body.type.dom),
                       hint=f"the body takes {checker.show(body.type.dom)} as input, "
                            f"but the declaration says {decl.name.name} : {sig.type}")
            return None
        body = zonk(u, body)
        self._check_call_sites(u, checker.call_sites)
        d = ir.ParaDef(decl.name.name, key.file, sig.hypers, sig.index_sets, sig.type, tuple(params),
                       tuple(uses), body, stochastic=checker.stochastic)
        self._defs[key] = d
        return d

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
        name = p.init.name.name
        if name not in builtins.INITIALIZERS:
            self.sink.error(Msg.UNKNOWN_INITIALIZER, p.init.name.span, name=name,
                            known=", ".join(builtins.INITIALIZERS))
            return None
        lo, hi = builtins.INITIALIZERS[name]
        if not lo <= len(p.init.args) <= hi:
            expected = str(lo) if lo == hi else f"{lo} to {hi}"
            self.sink.error(Msg.ARITY, p.init.span, what=f"the initialiser {name!r}", expected=expected,
                            s="" if expected == "1" else "s", given=len(p.init.args), hint="")
            return None
        return ir.Init(name, tuple(a.value for a in p.init.args))

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

    @staticmethod
    def _mark_stochastic(defs: list[ir.ParaDef]) -> list[ir.ParaDef]:
        from dataclasses import replace

        out: dict[str, ir.ParaDef] = {}
        for d in defs:  # callees come first
            if not d.stochastic and any(out[u.callee].stochastic for u in d.uses if u.callee in out):
                d = replace(d, stochastic=True)
            out[d.name] = d
        return list(out.values())


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

