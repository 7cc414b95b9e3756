"""Type checking of a para's body: AST expressions to typed IR terms.

Values and maps are checked by two entry points, `value` and `map_`. Index notation is
checked by tracking, for each term, the index variables it is labelled by: a subscript
`x[j]` labels its result with `j`, arithmetic takes the union of its operands' labels,
`sum j.` and `for j.` remove `j`. An index variable's range (its index set) is a meta axis
unified with every axis it subscripts, so one index over two different sets is caught.
Free index variables of a lambda body are bound implicitly in alphabetical order, as in
einsum's implicit mode, and must then agree with the declared result type.

Errors are reported to the sink and the offending subterm becomes None; checking goes on
with the rest, so that independent errors are all reported.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field, fields, is_dataclass, replace

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..syntax import ast
from ..types import (
    BOOL, INDEX, SCALAR, Axis, FixedAxis, IndexSetAxis, Kind, MapType, MetaAxis, Poly, TensorType,
    TupleType, Type, Unifier, is_float, is_int, promote,
)
from ..types.unify import substitute_type
from . import builtins
from .signatures import Signature
from .suggest import did_you_mean

# ------------------------------------------------------------------ environment entries


@dataclass(frozen=True)
class LocalB:
    type: Type
    labels: ir.Labels


@dataclass(frozen=True)
class ParamB:
    type: TensorType


@dataclass(frozen=True)
class HyperB:
    kind: str


@dataclass(frozen=True)
class IndexSetB:
    axis: IndexSetAxis


@dataclass(frozen=True)
class UseB:
    use: ir.Use
    sig: Signature


@dataclass(frozen=True)
class MapB:
    term: ir.MapTerm


@dataclass(frozen=True)
class GlobalB:
    sig: Signature


@dataclass(frozen=True)
class SemiringB:
    """A semiring declaration in scope."""

    key: object
    decl: ast.SemiringDecl


@dataclass(frozen=True)
class FunctorB:
    """A functor declaration in scope."""

    key: object
    decl: ast.FunctorDecl


@dataclass(frozen=True)
class ErrorB:
    """A name whose declaration had an error (already reported): its uses report nothing."""


@dataclass(frozen=True)
class InputB:
    """The input of a para's body, seen from a tie: reading it is an error (a hypernetwork)."""


Binding = LocalB | ParamB | HyperB | IndexSetB | UseB | MapB | GlobalB | ErrorB | InputB | FunctorB | SemiringB


@dataclass
class IndexInfo:
    """What the checker knows of one index variable."""

    source: str
    unique: str
    axis: MetaAxis
    span: Span
    implicit: bool
    subscripted: bool = False


@dataclass
class Frame:
    """A lambda body: the free index variables it binds implicitly."""

    implicit: dict[str, str] = field(default_factory=dict)  # source name -> unique name


@dataclass
class CallSite:
    """A use's index set instantiated at one reference, checked for symmetry at the end."""

    meta: MetaAxis
    callee: str
    param: str
    kind: Kind
    span: Span


_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "mod": "mod", "**": "pow"}
_CMP = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_LOGIC = {"and": "and", "or": "or"}


class BodyChecker:
    """Checks the body of one para. Holds the unifier and the index-variable scopes."""

    def __init__(self, sink: DiagnosticSink, unifier: Unifier, env: dict[str, Binding], para: str, host):
        """`host` is the declaration being checked: it makes uses (`new_anonymous_use`),
        instantiates their types (`instantiate`), desugars `f via r` (`via`) and looks up
        the leaves of uses for ties (`leaf`)."""
        self.sink = sink
        self.u = unifier
        self.env = env
        self.para = para
        self.host = host
        self._new_anonymous_use = host.new_anonymous_use  # (call expr) -> UseB | None
        #: "body" in a para's body; "tie" in a tie's value; "reparam" in a reparam's body.
        #: Ties and reparams are 2-cells: they read parameters only and apply no para.
        self.mode = "body"
        self.indices: dict[str, IndexInfo] = {}  # unique -> info
        self.scope: dict[str, str] = {}  # source name -> unique name
        self.frames: list[Frame] = []
        self.call_sites: list[CallSite] = []
        self.stochastic = False
        self._counter: dict[str, int] = {}

    # ================================================================== helpers
    def _fresh_index(self, name: str, span: Span, implicit: bool) -> IndexInfo:
        n = self._counter.get(name, 0)
        self._counter[name] = n + 1
        unique = name if n == 0 else f"{name}_{n}"
        info = IndexInfo(name, unique, self.u.fresh(name), span, implicit)
        self.indices[unique] = info
        return info

    def _label(self, info: IndexInfo) -> tuple[str, Axis]:
        return (info.unique, info.axis)

    def show(self, t: Type) -> str:
        return str(self.u.zonk(t))

    def show_axis(self, a: Axis) -> str:
        a = self.u.resolve(a)
        if isinstance(a, IndexSetAxis):
            return f"the {a.kind.value} {a.name!r}"
        if isinstance(a, FixedAxis):
            return f"the fixed axis {str(a.size)!r}"
        return f"an index set not yet known ({a})"

    def _lookup(self, name: str) -> Binding | None:
        return self.env.get(name)

    def _find_index(self, name: str) -> IndexInfo | None:
        """An index variable in scope: bound by `sum`/`for`, or free in the current lambda body."""
        unique = self.scope.get(name) or (self.frames[-1].implicit.get(name) if self.frames else None)
        return self.indices[unique] if unique else None

    def _implicit_index(self, name: str, span: Span) -> IndexInfo:
        info = self._fresh_index(name, span, implicit=True)
        self.frames[-1].implicit[name] = info.unique
        return info

    def _names(self) -> list[str]:
        return list(self.env) + list(self.scope) + builtins.all_names()

    @staticmethod
    def merge_labels(*groups: ir.Labels) -> ir.Labels:
        d: dict[str, Axis] = {}
        for g in groups:
            for n, a in g:
                d.setdefault(n, a)
        return tuple(sorted(d.items()))

    def is_map_expr(self, e: ast.Expr) -> bool:
        if isinstance(e, (ast.Lambda, ast.FoldExpr)):
            return True
        if isinstance(e, ast.BinOp) and e.op in (">>", "&"):
            return True
        if isinstance(e, ast.BinOp) and e.op == "*":
            return self.is_map_expr(e.left) and self.is_map_expr(e.right)
        if isinstance(e, ast.Name):
            b = self._lookup(e.name)
            if isinstance(b, (UseB, MapB, GlobalB, ErrorB)):
                return True
            return b is None and e.name in builtins.UNARY and self._find_index(e.name) is None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name):
            return isinstance(self._lookup(e.func.name), GlobalB)
        return False

    # ================================================================== maps
    def map_(self, e: ast.Expr, dom: Type | None, cod: Type | None = None) -> ir.MapTerm | None:
        """Check `e` as a map, given its input type when known and its result type as a hint."""
        if isinstance(e, ast.Lambda):
            return self.lambda_(e, dom, cod)
        if isinstance(e, ast.BinOp) and e.op == ">>":
            f = self.map_(e.left, dom)
            if f is None:
                return None
            g = self.map_(e.right, f.type.cod, cod)
            if g is None:
                return None
            if not self.u.unify(f.type.cod, g.type.dom):
                self.sink.error(Msg.COMPOSE_MISMATCH, e.span, left_does="gives", left=self.show(f.type.cod),
                                right=self.show(g.type.dom), hint="in `f >> g` the codomain of f must equal the domain of g")
                return None
            return ir.Compose(f, g, type=MapType(f.type.dom, g.type.cod))
        if isinstance(e, ast.BinOp) and e.op == "via":
            return self.host.via(self, e)
        if isinstance(e, ast.FoldExpr):
            return self.host.fold(self, e, dom)
        if isinstance(e, ast.BinOp) and e.op == "&":
            f, g = self.map_(e.left, dom), self.map_(e.right, dom)
            if f is None or g is None:
                return None
            if not self.u.unify(f.type.dom, g.type.dom):
                self.sink.error(Msg.COMPOSE_MISMATCH, e.span, left_does="takes", left=self.show(f.type.dom),
                                right=self.show(g.type.dom), hint="in `f & g` both maps take the same input")
                return None
            return ir.Fanout(f, g, type=MapType(f.type.dom, TupleType((f.type.cod, g.type.cod))))
        if isinstance(e, ast.BinOp) and e.op == "*":
            parts: tuple[Type | None, Type | None] = (None, None)
            if isinstance(dom, TupleType) and len(dom.items) == 2:
                parts = (dom.items[0], dom.items[1])
            elif dom is not None:
                self.sink.error(Msg.NOT_A_TUPLE, e.span, what="parallel composition `f * g`", found=self.show(dom),
                                hint="`f * g` takes a pair and applies f to the first and g to the second")
                return None
            f, g = self.map_(e.left, parts[0]), self.map_(e.right, parts[1])
            if f is None or g is None:
                return None
            return ir.Parallel(f, g, type=MapType(TupleType((f.type.dom, g.type.dom)), TupleType((f.type.cod, g.type.cod))))
        if isinstance(e, ast.Name):
            b = self._lookup(e.name)
            if isinstance(b, ErrorB):
                return None
            if isinstance(b, UseB):
                return self.use_ref(b, e.span)
            if isinstance(b, MapB):
                return b.term
            if isinstance(b, InputB):
                return self._input(e)
            if isinstance(b, GlobalB):
                if not self._may_apply(b.sig, e.span):
                    return None
                use = self._new_anonymous_use(ast.Call(e.span, e, ()))
                if use is None:
                    return None
                return self.use_ref(use, e.span)
            if b is None and e.name in builtins.UNARY:
                if dom is None:
                    self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a known input type", found=f"the polymorphic {e.name!r}",
                                    hint=f"apply it to a value, `{e.name}(x)`, or compose it after a map")
                    return None
                if not isinstance(dom, TensorType):
                    self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a tensor", found=self.show(dom),
                                    hint=f"{e.name!r} acts elementwise on one tensor")
                    return None
                return ir.PrimMap(e.name, type=MapType(dom, dom))
            if b is None and builtins.is_builtin_function(e.name):
                self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a map", found=f"the builtin function {e.name!r}",
                                hint=f"only elementwise activations compose as they are; write a lambda, `z => {e.name}(z)`")
                return None
            if b is None and self._find_index(e.name) is None:
                self.sink.error(Msg.UNKNOWN_NAME, e.span, name=e.name, hint=did_you_mean(e.name, self._names()))
                return None
            self.sink.error(Msg.NOT_A_MAP, e.span, what=repr(e.name), type=self._describe_value(e.name),
                            used="composed", hint="only paras, uses, lambdas and activations compose")
            return None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and isinstance(self._lookup(e.func.name), GlobalB):
            if not self._may_apply(self._lookup(e.func.name).sig, e.span):
                return None
            use = self._new_anonymous_use(e)
            if use is None:
                return None
            return self.use_ref(use, e.span)
        if (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and self._lookup(e.func.name) is None
                and self._find_index(e.func.name) is None and not builtins.is_builtin_function(e.func.name)):
            self.sink.error(Msg.UNKNOWN_NAME, e.func.span, name=e.func.name, hint=did_you_mean(e.func.name, self._names()))
            return None
        self.sink.error(Msg.NOT_A_MAP, e.span, what="this expression", type="a value", used="used as a map",
                        hint="write a lambda, `x => ...`, to turn a value into a map")
        return None

    def stochastic_map(self, m: ir.MapTerm) -> bool:
        """Whether a map term draws random numbers: a use of a stochastic para, or a body
        using dropout or sample (the checker marks those as it goes)."""
        return any((isinstance(x, ir.Builtin) and x.name in builtins.STOCHASTIC)
                   or (isinstance(x, ir.UseRef) and self.host.is_stochastic(x.name)) for x in ir.nodes(m))

    def use_ref(self, b: UseB, span: Span) -> ir.UseRef | None:
        """A reference to a use, its callee's index sets instantiated for this reference."""
        if not self._may_apply(b.sig, span):
            return None
        t, sites, index_sets = self.host.instantiate(b, span)
        self.call_sites.extend(sites)
        return ir.UseRef(b.use.name, index_sets, type=t)

    def _may_apply(self, sig: Signature, span: Span) -> bool:
        """Paras are applied in bodies; reparams only in ties, reparams and `via`; algebras
        only through their recursion schemes."""
        if sig.kind not in ("para", "reparam"):
            scheme = {"coalgebra": "unfold", "mealy": "run", "moore": "run"}.get(sig.kind, "fold")
            self.sink.error(Msg.WRONG_SCHEME, span, problem=f"{sig.key.name!r} is a {sig.kind}, not a map",
                            hint=f"use it through its recursion scheme: `{scheme} {sig.key.name} over t`")
            return False
        if sig.kind == "reparam" and self.mode == "body":
            self.sink.error(Msg.NOT_A_REPARAM, span, problem=f"{sig.key.name!r} is a reparam, a 2-cell, not a map",
                            hint=f"apply it to a para's parameters: `f via {sig.key.name}`, or `tie leaf = {sig.key.name}(...)`")
            return False
        if sig.kind == "para" and self.mode != "body":
            where = "a tie" if self.mode == "tie" else "a reparam"
            self.sink.error(Msg.NOT_PARAMETER_ONLY, span,
                            problem=f"{where} applies the para {sig.key.name!r}: its value would depend on "
                                    f"that para's own parameters and input, so it is not a reparameterisation")
            return False
        return True

    def _input(self, e: ast.Name) -> None:
        self.sink.error(Msg.TIE_READS_INPUT, e.span, name=e.name)
        return None

    def _describe_value(self, name: str) -> str:
        b = self._lookup(name)
        if isinstance(b, (LocalB, ParamB)):
            return self.show(b.type)
        if isinstance(b, HyperB):
            return b.kind
        return "i32"  # an index, or an index set read as its size

    def lambda_(self, e: ast.Lambda, dom: Type | None, cod: Type | None) -> ir.MapTerm | None:
        if dom is None:
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a known input type", found="a lambda with none",
                            hint="a lambda takes its input type from where it is used: a para body or a composition")
            return None
        bound: dict[str, Binding] = {}
        if not e.tupled:
            bound[e.params[0].name] = LocalB(dom, ())
        else:
            items = dom.items if isinstance(dom, TupleType) else None
            if items is None or len(items) != len(e.params):
                self.sink.error(Msg.PATTERN_MISMATCH, e.span.to(e.params[-1].span if e.params else e.span),
                                given=len(e.params), s="" if len(e.params) == 1 else "s", type=self.show(dom))
                return None
            for p, t in zip(e.params, items):
                bound[p.name] = LocalB(t, ())
        saved_env = self.env
        self.env = ChainMap(bound, self.env)  # no copy of the globals
        self.frames.append(Frame())
        try:
            body = self.value(e.body, cod)
        finally:
            frame = self.frames.pop()
            self.env = saved_env
        if body is None:
            return None
        body = self._bind_implicit(body, frame, cod, e.body.span)
        if body is None:
            return None
        return ir.LambdaT(tuple(p.name for p in e.params), e.tupled, body, type=MapType(dom, body.type))

    def _bind_implicit(self, body: ir.Term, frame: Frame, cod: Type | None, span: Span) -> ir.Term | None:
        """Turn a body with free index variables into a whole tensor, axes in alphabetical order."""
        free = [n for n, _ in body.labels]
        # Implicit indices that left no label (reduced with `over`, or in an unused `let`) need a range too.
        gone = [self.indices[u] for u in frame.implicit.values() if u not in free]
        if not self._ranges_known(gone):
            return None
        if not free:
            return body
        infos = sorted((self.indices[n] for n in free), key=lambda i: i.source)
        if isinstance(cod, TensorType) and len(cod.axes) == len(infos) and _is_scalar(body.type):
            # Each result axis takes the free index that ranges over it; among indices over
            # the same index set (or of a range still unknown), alphabetical order decides.
            remaining, ordered = list(infos), []
            for axis in cod.axes:
                target = self.u.resolve(axis)
                match = next((i for i in remaining if self.u.resolve(i.axis) == target), None)
                if match is None:
                    match = next((i for i in remaining if isinstance(self.u.resolve(i.axis), MetaAxis)), None)
                if match is None:
                    info = remaining[0]
                    self.sink.error(
                        Msg.RESULT_MISMATCH, info.span, what=f"the result's index {info.source!r}",
                        found="ranges over " + self.show_axis(info.axis), expected=self.show_axis(axis),
                        hint="each free index becomes the result axis of its index set",
                    )
                    return None
                self.u.unify_axis(match.axis, axis)
                ordered.append(match)
                remaining.remove(match)
            infos = ordered
        if not self._ranges_known(infos):
            return None
        if not _is_scalar(body.type):
            return self._mixed(body, span)
        indices = tuple((i.unique, i.axis) for i in infos)
        return ir.For(indices, body, type=TensorType(tuple(i.axis for i in infos), body.type.dtype), labels=())

    def _ranges_known(self, infos: list[IndexInfo]) -> bool:
        for info in infos:
            if isinstance(self.u.resolve(info.axis), MetaAxis):
                if not info.subscripted:
                    self.sink.error(Msg.UNKNOWN_NAME, info.span, name=info.source,
                                    hint=did_you_mean(info.source, self._names()) or
                                    "an index used only in arithmetic needs a result type that gives its range")
                else:
                    self.sink.error(Msg.INDEX_RANGE_UNKNOWN, info.span, index=info.source)
                return False
        return True

    def _mixed(self, term: ir.Term, span: Span):
        self.sink.error(Msg.MIXED_INDEXING, span, found=self.show(term.type), example="x[i] * W[i, j]")
        return None

    # ================================================================== values
    def value(self, e: ast.Expr, expect: Type | None = None) -> ir.Term | None:
        """Check a value. `expect`, the type the context wants, only gives `for` its ranges
        when its body does not: `for i. 0.0` where a `[d]` is wanted."""
        method = getattr(self, "_v_" + type(e).__name__)
        if expect is not None and isinstance(e, (ast.For, ast.TupleExpr, ast.Let)):
            return method(e, expect)
        return method(e)

    def _v_Number(self, e: ast.Number) -> ir.Term:
        return ir.Lit(e.value, type=INDEX if isinstance(e.value, int) else SCALAR)

    def _v_BoolLit(self, e: ast.BoolLit) -> ir.Term:
        return ir.Lit(e.value, type=BOOL)

    def _v_String(self, e: ast.String):
        self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a tensor", found="a string",
                        hint="strings only appear as the specification of `einsum`")
        return None

    def _v_Unit(self, e: ast.Unit) -> ir.Term:
        return ir.TupleT((), type=TupleType(()))

    def _v_TupleExpr(self, e: ast.TupleExpr, expect: Type | None = None):
        expects = expect.items if isinstance(expect, TupleType) and len(expect.items) == len(e.items) else [None] * len(e.items)
        items = [self.whole(i, "a tuple component", x) for i, x in zip(e.items, expects)]
        if any(i is None for i in items):
            return None
        return ir.TupleT(tuple(items), type=TupleType(tuple(i.type for i in items)))

    def _v_FoldExpr(self, e: ast.FoldExpr):
        self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the map `{e.scheme} ...`",
                        hint=f"apply it, `({e.scheme} ... over ...)(x)`, or compose it with `>>`")
        return None

    def _v_Lambda(self, e: ast.Lambda):
        self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found="a lambda",
                        hint="apply it, `(x => ...)(v)`, or compose it with `>>`")
        return None

    def _v_Field(self, e: ast.Field):
        if self.mode == "tie":
            path = _field_path(e)
            if path is not None and isinstance(self._lookup(path[0].name), UseB):
                t = self.host.leaf(path, e.span)
                return None if t is None else ir.LeafRef(tuple(i.name for i in path), type=t, span=e.span)
        if not isinstance(e.base, ast.Name):
            self.sink.error(Msg.TYPE_MISMATCH, e.base.span, expected="a use of a para", found="a value",
                            hint="only a use of a para has fields")
            return None
        base = e.base.name
        b = self._lookup(base)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, UseB):
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value",
                            found=f"the parameter {e.name.name!r} of the use {base!r}",
                            hint=f"a use's parameters are not read in a body; call the use, `{base}(x)`, "
                                 f"or compute a leaf from it with `tie`")
            return None
        if isinstance(b, InputB):
            return self._input(e.base)
        if isinstance(b, (LocalB, ParamB)):
            kind = f"a value of type {self._describe_value(base)}"
        elif isinstance(b, HyperB):
            kind = f"a {b.kind} hyperparameter"
        elif isinstance(b, IndexSetB):
            kind = "an index set"
        elif isinstance(b, GlobalB):
            kind = "a para; name a use of it in `uses` first"
        elif isinstance(b, MapB):
            kind = "a map"
        else:
            kind = "an index" if self._find_index(base) else "not defined"
        self.sink.error(Msg.FIELD_OF_NON_USE, e.span, name=base, kind=kind,
                        hint=f"{base!r} has no field {e.name.name!r}")
        return None

    def _v_Name(self, e: ast.Name):
        name = e.name
        b = self._lookup(name)
        info = self._find_index(name) if b is None else None
        if info is not None:
            return ir.IndexValue(info.unique, type=INDEX, labels=(self._label(info),), span=e.span)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, InputB):
            return self._input(e)
        if isinstance(b, LocalB):
            return ir.Var(name, type=b.type, labels=b.labels)
        if isinstance(b, ParamB):
            return ir.ParamRef(name, type=b.type)
        if isinstance(b, HyperB):
            dtype = {"Nat": "i32", "Int": "i32", "Float": "f32", "Bool": "bool"}[b.kind]
            return ir.HyperRef(name, type=TensorType((), dtype))
        if isinstance(b, IndexSetB):
            return ir.SizeOf(b.axis, type=INDEX)
        if isinstance(b, (UseB, MapB, GlobalB)):
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the map {name!r}",
                            hint=f"apply it to an argument: `{name}(x)`")
            return None
        if name in builtins.CONSTANTS:
            return ir.Lit(builtins.CONSTANTS[name], type=SCALAR)
        if builtins.is_builtin_function(name):
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the builtin function {name!r}",
                            hint=f"call it: `{name}(x)`")
            return None
        if len(name) <= 2 and self.frames:
            # A short unknown name in a value position is a free index variable, as in
            # `if a == b then ...`; its range must come from the result type.
            info = self._implicit_index(name, e.span)
            return ir.IndexValue(info.unique, type=INDEX, labels=(self._label(info),), span=e.span)
        self.sink.error(Msg.UNKNOWN_NAME, e.span, name=name, hint=did_you_mean(name, self._names()))
        return None

    def whole(self, e: ast.Expr, what: str, expect: Type | None = None) -> ir.Term | None:
        """A value that must not be indexed (a whole tensor or tuple)."""
        t = self.value(e, expect)
        if t is None:
            return None
        if t.labels:
            names = ", ".join(repr(self.indices[n].source) for n, _ in t.labels)
            self.sink.error(Msg.INDEXED_WHERE_WHOLE, e.span, what=what, indices=names,
                            vars=" ".join(self.indices[n].source for n, _ in t.labels))
            return None
        return t

    # ------------------------------------------------------------------ subscripts
    def _v_Subscript(self, e: ast.Subscript):
        base = self.whole(e.base, "a subscripted value")
        if base is None:
            return None
        if not isinstance(base.type, TensorType):
            self.sink.error(Msg.TYPE_MISMATCH, e.base.span, expected="a tensor", found=self.show(base.type),
                            hint="only tensors can be subscripted")
            return None
        rank = base.type.rank
        if len(e.indices) > rank:
            what = repr(e.base.name) if isinstance(e.base, ast.Name) else "the value"
            self.sink.error(Msg.SUBSCRIPT_ARITY, e.span, name=what, rank=rank, es="is" if rank == 1 else "es",
                            given=len(e.indices), ices="ex" if len(e.indices) == 1 else "ices", type=self.show(base.type))
            return None
        indices: list[ir.IVar | ir.Term] = []
        labels: list[ir.Labels] = []
        ok = True
        for ix, axis in zip(e.indices, base.type.axes):
            r = self._index(ix, axis)
            if r is None:
                ok = False
                continue
            indices.append(r)
            labels.append(((r.name, r.axis),) if isinstance(r, ir.IVar) else r.labels)
        if not ok:
            return None
        rest = base.type.axes[len(e.indices):]
        if rest and any(isinstance(i, ir.IVar) for i in indices):
            what = repr(e.base.name) if isinstance(e.base, ast.Name) else "the value"
            self.sink.error(Msg.SUBSCRIPT_ARITY, e.span, name=what, rank=rank, es="is" if rank == 1 else "es",
                            given=len(e.indices), ices="ex" if len(e.indices) == 1 else "ices", type=self.show(base.type))
            return None
        return ir.Sub(base, tuple(indices), type=TensorType(tuple(rest), base.type.dtype),
                      labels=self.merge_labels(*labels), span=e.span)

    def _index(self, ix: ast.Expr, axis: Axis) -> ir.IVar | ir.Term | None:
        if isinstance(ix, ast.Name) and ix.name not in self.env and ix.name not in builtins.CONSTANTS:
            info = self._find_index(ix.name)
            if info is None:
                if not self.frames:
                    self.sink.error(Msg.UNKNOWN_NAME, ix.span, name=ix.name, hint=did_you_mean(ix.name, self._names()))
                    return None
                info = self._implicit_index(ix.name, ix.span)
            info.subscripted = True
            if not self.u.unify_axis(info.axis, axis):
                self.sink.error(Msg.INDEX_TWO_SETS, ix.span, index=ix.name,
                                first=self.show_axis(info.axis), second=self.show_axis(axis))
                return None
            return ir.IVar(info.unique, info.axis)
        if isinstance(ix, ast.Name) and isinstance(self.env.get(ix.name), IndexSetB):
            self.sink.error(Msg.BAD_INDEX, ix.span, problem=f"{ix.name!r} is an index set, not an index",
                            hint=f"subscript with an index variable, e.g. `i`; the checker infers that it ranges over {ix.name!r}")
            return None
        t = self.value(ix)
        if t is None:
            return None
        if t.span is None:
            t = replace(t, span=ix.span)
        if not (isinstance(t.type, TensorType) and t.type.rank == 0 and is_int(t.type.dtype)):
            self.sink.error(Msg.DTYPE_MISMATCH, ix.span, what="an index", expected="an integer scalar", found=self.show(t.type),
                            hint="index with an index variable or an integer expression")
            return None
        return t

    # ------------------------------------------------------------------ operators
    def _v_Unary(self, e: ast.Unary):
        x = self.value(e.operand)
        if x is None:
            return None
        if e.op == "not":
            if not self._is_dtype(x, "bool", e.operand.span, "`not`"):
                return None
            return ir.Prim("not", (x,), type=x.type, labels=x.labels, span=e.span)
        if not self._numeric(x, e.operand.span, "negation"):
            return None
        return ir.Prim("neg", (x,), type=x.type, labels=x.labels, span=e.span)

    def _is_dtype(self, t: ir.Term, dtype: str, span: Span, what: str) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype == dtype:
            return True
        self.sink.error(Msg.DTYPE_MISMATCH, span, what=what, expected=dtype, found=self.show(t.type),
                        hint="comparisons give bool; use `where(c, a, b)` to choose by one")
        return False

    def _numeric(self, t: ir.Term, span: Span, what: str) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype != "bool":
            return True
        self.sink.error(Msg.TYPE_MISMATCH, span, expected="a numeric tensor", found=self.show(t.type),
                        hint=f"{what} acts on numbers")
        return False

    def _v_BinOp(self, e: ast.BinOp):
        if e.op in (">>", "&") or (e.op == "*" and self.is_map_expr(e.left) and self.is_map_expr(e.right)):
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found="a composite map",
                            hint="apply it to an argument: `(f >> g)(x)`")
            return None
        if e.op == "@":
            return self._matmul(e)
        left, right = self.value(e.left), self.value(e.right)
        if left is None or right is None:
            return None
        if e.op in _LOGIC:
            if not (self._is_dtype(left, "bool", e.left.span, f"`{e.op}`") and self._is_dtype(right, "bool", e.right.span, f"`{e.op}`")):
                return None
            return self.elementwise(_LOGIC[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if e.op == "*" and all(isinstance(t.type, TensorType) and t.type.dtype == "bool" for t in (left, right)):
            # `and` on booleans: the multiplication of the Bool semiring, `sum[Bool] k. a[i, k] * a[k, j]`
            return self.elementwise("mul", [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if not (self._numeric(left, e.left.span, f"`{e.op}`") and self._numeric(right, e.right.span, f"`{e.op}`")):
            return None
        if e.op in _CMP:
            return self.elementwise(_CMP[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if e.op == "mod" and not all(is_int(t.type.dtype) for t in (left, right)):
            self.sink.error(Msg.DTYPE_MISMATCH, e.span, what="`mod`", expected="integers", found=f"{self.show(left.type)} and {self.show(right.type)}",
                            hint="`mod` is index arithmetic, e.g. `(a - b) mod c`")
            return None
        return self.elementwise(_ARITH[e.op], [left, right], [e.left.span, e.right.span], e.span)

    def elementwise(self, op: str, args: list[ir.Term], spans: list[Span], span: Span, dtype: str | None = None) -> ir.Term | None:
        """Combine terms elementwise: equal whole types (or scalars), labels united."""
        labels = self.merge_labels(*(a.labels for a in args))
        shapes = [a.type for a in args]
        if not all(isinstance(s, TensorType) for s in shapes):
            bad = next(i for i, s in enumerate(shapes) if not isinstance(s, TensorType))
            self.sink.error(Msg.TYPE_MISMATCH, spans[bad], expected="a tensor", found=self.show(shapes[bad]),
                            hint="arithmetic acts on tensors; take a tuple apart with a pattern, `(a, b) => ...`")
            return None
        whole = [s for s in shapes if s.rank > 0]
        if labels and whole:
            for a in args:
                info = self.indices.get(a.name) if isinstance(a, ir.IndexValue) else None
                if info is not None and info.implicit and not info.subscripted:
                    # A short unknown name, read as an index variable: more likely a typo.
                    self.sink.error(Msg.UNKNOWN_NAME, info.span, name=info.source,
                                    hint=did_you_mean(info.source, self._names()) or
                                    "declare it, or subscript a tensor with it to use it as an index")
                    return None
            i = next(i for i, s in enumerate(shapes) if s.rank > 0)
            return self._mixed(args[i], spans[i])
        axes: tuple[Axis, ...] = ()
        if whole:
            axes = whole[0].axes
            for i, s in enumerate(shapes):
                if s.rank > 0 and not self.u.unify(TensorType(axes), TensorType(s.axes)):
                    self.sink.error(Msg.TYPE_MISMATCH, span, expected=self.show(TensorType(axes)), found=self.show(s),
                                    hint="elementwise operands must have the same axes (there is no broadcasting "
                                         "between different index sets); a scalar combines with anything")
                    return None
        if dtype is None:
            dtype = self._join_dtypes(args)
        return ir.Prim(op, tuple(args), type=TensorType(axes, dtype), labels=labels, span=span)

    @staticmethod
    def _join_dtypes(args: list[ir.Term]) -> str:
        tensors = [a for a in args if isinstance(a.type, TensorType)]  # the others are reported by the caller
        strong = [a.type.dtype for a in tensors if not isinstance(a, ir.Lit)]
        weak = [a.type.dtype for a in tensors if isinstance(a, ir.Lit)]
        out = None
        for d in strong:
            out = d if out is None else promote(out, d)
        if out is None:
            for d in weak:
                out = d if out is None else promote(out, d)
        elif any(is_float(w) for w in weak) and not is_float(out):
            out = "f32"
        return out or "f32"

    def _matmul(self, e: ast.BinOp):
        a, b = self.whole(e.left, "`@`"), self.whole(e.right, "`@`")
        if a is None or b is None:
            return None
        ta, tb = a.type, b.type
        if not (isinstance(ta, TensorType) and isinstance(tb, TensorType) and ta.rank >= 1 and 1 <= tb.rank <= 2):
            self.sink.error(Msg.MATMUL_MISMATCH, e.span, left=self.show(ta), right=self.show(tb),
                            problem="the left side needs an axis and the right side one or two",
                            hint="`@` multiplies a vector or matrix by a vector or matrix")
            return None
        inner_a = ta.axes[-1]
        inner_b = tb.axes[0]
        if not self.u.unify_axis(inner_a, inner_b):
            self.sink.error(Msg.MATMUL_MISMATCH, e.span, left=self.show(ta), right=self.show(tb),
                            problem=f"the inner axes {self.u.resolve(inner_a)} and {self.u.resolve(inner_b)} differ",
                            hint="the last axis of the left must be the first axis of the right")
            return None
        axes = ta.axes[:-1] + tb.axes[1:]
        return ir.MatMul(a, b, type=TensorType(axes, promote(ta.dtype, tb.dtype)))

    # ------------------------------------------------------------------ binding forms
    def _v_If(self, e: ast.If):
        c, a, b = self.value(e.cond), self.value(e.then), self.value(e.other)
        if c is None or a is None or b is None:
            return None
        if not self._is_dtype(c, "bool", e.cond.span, "the condition of `if`"):
            return None
        return self.elementwise("where", [c, a, b], [e.cond.span, e.then.span, e.other.span], e.span,
                                dtype=self._join_dtypes([a, b]))

    def _v_Let(self, e: ast.Let, expect: Type | None = None):
        if self.is_map_expr(e.value):
            f = self.map_(e.value, None)
            if f is None:
                return None
            binding: Binding = MapB(f)
        else:
            v = self.value(e.value)
            if v is None:
                return None
            binding = LocalB(v.type, v.labels)
        saved = self.env, self.scope
        self.env = ChainMap({e.name.name: binding}, self.env)
        self.scope = {k: u for k, u in self.scope.items() if k != e.name.name}
        try:
            body = self.value(e.body, expect)
        finally:
            self.env, self.scope = saved
        if body is None:
            return None
        if isinstance(binding, MapB):
            return body
        return ir.Let(e.name.name, v, body, type=body.type, labels=body.labels)

    def _bind_indices(self, idents: tuple[ast.Ident, ...]) -> list[IndexInfo]:
        infos = []
        for ident in idents:
            info = self._fresh_index(ident.name, ident.span, implicit=False)
            infos.append(info)
        return infos

    def _with_indices(self, infos: list[IndexInfo], body: ast.Expr) -> ir.Term | None:
        saved = self.scope
        self.scope = {**self.scope, **{i.source: i.unique for i in infos}}
        try:
            return self.value(body)
        finally:
            self.scope = saved

    def _v_Reduce(self, e: ast.Reduce):
        semiring = None
        if e.semiring is not None:
            semiring = self._semiring(e)
            if semiring is None:
                return None
        infos = self._bind_indices(e.indices)
        body = self._with_indices(infos, e.body)
        if body is None:
            return None
        out = self._reduce(e.op, infos, body, e.span, e.indices)
        if out is None or semiring is None or semiring.name == "Real":
            return out
        want_bool = semiring.add == "or"
        factors = ir.factors(body)
        for f in factors:
            is_bool = isinstance(f.type, TensorType) and f.type.dtype == "bool"
            if is_bool != want_bool:
                self.sink.error(Msg.BAD_SEMIRING, f.span or e.span,
                                problem=f"a factor of a contraction in {semiring.name} is {self.show(f.type)}",
                                hint="Bool's factors are bool, the other semirings' are numbers")
                return None
        return replace(out, semiring=semiring, type=TensorType((), "bool" if want_bool else body.type.dtype))

    def _semiring(self, e: ast.Reduce) -> ir.Semiring | None:
        ref = e.semiring
        if e.op != "sum":
            self.sink.error(Msg.BAD_SEMIRING, e.span, problem=f"`{e.op}[{ref.name.name}]`: a contraction in a semiring "
                            "is written `sum[S]`, its addition the semiring's", hint=f"write `sum[{ref.name.name}] ...`")
            return None
        table = self.host.semiring(ref.name)
        if table is None:
            return None
        name, add, mul, zero, one, param = table
        args = [a for a in ref.args]
        if len(args) > (1 if param else 0):
            self.sink.error(Msg.ARITY, ref.span, what=f"the semiring {name!r}", expected="0 to 1" if param else "0",
                            s="s", given=len(args), hint=f"{name}({param})" if param else f"{name} takes no arguments")
            return None
        beta = None
        if param:
            if args:
                beta = self.whole(args[0], f"the {param} of {name}")
                if beta is None:
                    return None
                if not (isinstance(beta.type, TensorType) and beta.type.rank == 0 and beta.type.dtype != "bool"):
                    self.sink.error(Msg.TYPE_MISMATCH, args[0].span, expected="a number", found=self.show(beta.type),
                                    hint=f"{param} is a number, e.g. `[{name}(2.0)]`")
                    return None
            else:
                beta = ir.Lit(1.0, type=TensorType((), "f32"))
        return ir.Semiring(name, add, mul, zero, one, beta)

    def _reduce(self, op: str, infos: list[IndexInfo], body: ir.Term, span: Span, idents) -> ir.Term | None:
        present = {n for n, _ in body.labels}
        for info, ident in zip(infos, idents):
            if info.unique not in present:
                self.sink.error(Msg.UNUSED_REDUCTION_INDEX, ident.span, op=op, index=info.source)
                return None
            if not info.implicit and not info.subscripted and isinstance(self.u.resolve(info.axis), MetaAxis):
                self.sink.error(Msg.INDEX_RANGE_UNKNOWN, ident.span, index=info.source)
                return None
        if not (isinstance(body.type, TensorType) and body.type.rank == 0):
            return self._mixed(body, span)
        bound = {i.unique for i in infos}
        labels = tuple(l for l in body.labels if l[0] not in bound)
        dtype = "f32" if op == "mean" else body.type.dtype
        return ir.Reduce(op, None, tuple((i.unique, i.axis) for i in infos), body,
                         type=TensorType((), dtype), labels=labels, span=span)

    def _v_For(self, e: ast.For, expect: Type | None = None):
        infos = self._bind_indices(e.indices)
        if isinstance(expect, TensorType) and expect.rank == len(infos):
            for info, axis in zip(infos, expect.axes):
                self.u.unify_axis(info.axis, axis)
        body = self._with_indices(infos, e.body)
        if body is None:
            return None
        for info, ident in zip(infos, e.indices):
            if isinstance(self.u.resolve(info.axis), MetaAxis):
                self.sink.error(Msg.INDEX_RANGE_UNKNOWN, ident.span, index=info.source)
                return None
        if not isinstance(body.type, TensorType):
            self.sink.error(Msg.TYPE_MISMATCH, e.body.span, expected="a tensor", found=self.show(body.type),
                            hint="the body of `for` gives one entry of a tensor")
            return None
        if not _is_scalar(body.type):
            return self._mixed(body, e.body.span)
        bound = {i.unique for i in infos}
        labels = tuple(l for l in body.labels if l[0] not in bound)
        return ir.For(tuple((i.unique, i.axis) for i in infos), body,
                      type=TensorType(tuple(i.axis for i in infos), body.type.dtype), labels=labels)

    # ------------------------------------------------------------------ calls
    def _v_Call(self, e: ast.Call):
        f = e.func
        if isinstance(f, ast.Name) and self._lookup(f.name) is None and self._find_index(f.name) is None:
            if builtins.is_builtin_function(f.name):
                return self._builtin(f.name, e)
            self.sink.error(Msg.UNKNOWN_NAME, f.span, name=f.name, hint=did_you_mean(f.name, self._names()))
            return None
        if isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and isinstance(self._lookup(f.func.name), GlobalB):
            pass  # `Linear(4, 8)(x)`: an anonymous use, applied
        elif not self.is_map_expr(f):
            what = repr(f.name) if isinstance(f, ast.Name) else "this expression"
            t = self._describe_value(f.name) if isinstance(f, ast.Name) else "a value"
            self.sink.error(Msg.NOT_A_MAP, f.span, what=what, type=t, used="called",
                            hint="only paras, uses, lambdas and builtin functions can be called")
            return None
        for a in e.args:
            if isinstance(a, (ast.KwArg, ast.OverArg)):
                self.sink.error(Msg.UNKNOWN_KEYWORD, a.span, callee="a map", name=getattr(getattr(a, "name", None), "name", "over"),
                                hint="maps take one argument; hyperparameters are given where the para is used")
                return None
        args = [self.whole(a, "the argument of a map") for a in e.args]
        if any(a is None for a in args):
            return None
        arg = args[0] if len(args) == 1 else ir.TupleT(tuple(args), type=TupleType(tuple(a.type for a in args)))
        fn = self.map_(f, arg.type)
        if fn is None:
            return None
        if not self.u.unify(fn.type.dom, arg.type):
            self.sink.error(Msg.TYPE_MISMATCH, e.span, expected=self.show(fn.type.dom), found=self.show(arg.type),
                            hint="the argument's type must equal the map's input type")
            return None
        return ir.Apply(fn, arg, type=fn.type.cod)

    def _builtin(self, name: str, e: ast.Call) -> ir.Term | None:
        over: list[ast.Ident] = []
        pos: list[ast.Expr] = []
        beta_arg: ast.KwArg | None = None
        for a in e.args:
            if isinstance(a, ast.OverArg):
                over.extend(a.indices)
            elif isinstance(a, ast.KwArg) and a.name.name == "beta" and name in builtins.NORMALISERS | {"sample"}:
                beta_arg = a  # the inverse temperature: softmax(beta * x)
            elif isinstance(a, ast.KwArg):
                self.sink.error(Msg.UNKNOWN_KEYWORD, a.span, callee=repr(name), name=a.name.name,
                                hint="builtin functions take positional arguments and `over` indices"
                                     + ("; softmax takes `beta`" if name in builtins.NORMALISERS else ""))
                return None
            else:
                pos.append(a)
        beta = None
        if beta_arg is not None:
            beta = self.whole(beta_arg.value, "an inverse temperature")
            if beta is None:
                return None
            if not (isinstance(beta.type, TensorType) and beta.type.rank == 0 and beta.type.dtype != "bool"):
                self.sink.error(Msg.TYPE_MISMATCH, beta_arg.value.span, expected="a number", found=self.show(beta.type),
                                hint="beta scales the logits: softmax(beta * x)")
                return None
        extra = (beta,) if beta is not None else ()
        if name == "sample":
            if self.mode != "body":
                self.sink.error(Msg.NOT_PARAMETER_ONLY, e.span,
                                problem="`sample` is random; a reparameterisation is a deterministic function of the parameters")
                return None
            self.stochastic = True
        if over and name not in builtins.REDUCERS | builtins.CALL_REDUCERS | builtins.ALONG_AXIS:
            span = next(a.span for a in e.args if isinstance(a, ast.OverArg))
            self.sink.error(Msg.UNKNOWN_KEYWORD, span, callee=repr(name), name="over", hint="only reductions, softmax and scans take `over`")
            return None

        def arity(lo: int, hi: int) -> bool:
            if lo <= len(pos) <= hi:
                return True
            expected = str(lo) if lo == hi else f"{lo} to {hi}"
            self.sink.error(Msg.ARITY, e.span, what=repr(name), expected=expected, s="" if expected == "1" else "s",
                            given=len(pos), hint="")
            return False

        if name == "einsum":
            return self._einsum(e, pos)
        if name in builtins.UNARY:
            if not arity(1, 1):
                return None
            x = self.value(pos[0])
            if x is None or not self._numeric(x, pos[0].span, repr(name)):
                return None
            dtype = x.type.dtype if name in ("abs", "sign", "id", "square") else ("f32" if not is_float(x.type.dtype) else x.type.dtype)
            return ir.Prim(name, (x,), type=TensorType(x.type.axes, dtype), labels=x.labels, span=e.span)
        if name in ("max", "min") and len(pos) == 2:
            a, b = self.value(pos[0]), self.value(pos[1])
            if a is None or b is None:
                return None
            return self.elementwise("maximum" if name == "max" else "minimum", [a, b], [pos[0].span, pos[1].span], e.span)
        if name == "where":
            if not arity(3, 3):
                return None
            c, a, b = (self.value(p) for p in pos)
            if c is None or a is None or b is None:
                return None
            if not self._is_dtype(c, "bool", pos[0].span, "the condition of `where`"):
                return None
            return self.elementwise("where", [c, a, b], [p.span for p in pos], e.span, dtype=self._join_dtypes([a, b]))
        if name in builtins.REDUCERS or name in builtins.CALL_REDUCERS or name in builtins.ALONG_AXIS:
            if not arity(1, 1):
                return None
            if over:
                x = self.value(pos[0])
                if x is None:
                    return None
                infos = []
                for ident in over:
                    info = self._find_index(ident.name)
                    if info is None:
                        self.sink.error(Msg.UNKNOWN_NAME, ident.span, name=ident.name,
                                        hint="`over` names an index variable of the argument")
                        return None
                    if info in infos:
                        self.sink.error(Msg.BAD_INDEX, ident.span, problem=f"{ident.name!r} is named twice in `over`",
                                        hint="name each index once")
                        return None
                    infos.append(info)
                if name in builtins.REDUCERS:
                    return self._reduce(name, infos, x, e.span, over)
                present = {n for n, _ in x.labels}
                for info, ident in zip(infos, over):
                    if info.unique not in present:
                        self.sink.error(Msg.UNUSED_REDUCTION_INDEX, ident.span, op=name, index=info.source)
                        return None
                if x.type.rank:
                    return self._mixed(x, pos[0].span)
                names = tuple(i.unique for i in infos)
                if name in builtins.ALONG_AXIS:
                    return ir.Builtin(name, (x, *extra), names, type=x.type, labels=x.labels, span=e.span)
                labels = tuple(l for l in x.labels if l[0] not in names)
                return ir.Builtin(name, (x,), names, type=TensorType((), x.type.dtype), labels=labels, span=e.span)
            x = self.whole(pos[0], repr(name))
            if x is None:
                return None
            if not isinstance(x.type, TensorType):
                self.sink.error(Msg.TYPE_MISMATCH, pos[0].span, expected="a tensor", found=self.show(x.type), hint="")
                return None
            if name in builtins.ALONG_AXIS:
                if x.type.rank == 0:
                    self.sink.error(Msg.TYPE_MISMATCH, pos[0].span, expected="a tensor with an axis", found=self.show(x.type),
                                    hint=f"{name} acts along the last axis")
                    return None
                return ir.Builtin(name, (x, *extra), (), type=x.type, span=e.span)
            dtype = "f32" if name in ("mean", "var", "logsumexp") else x.type.dtype
            return ir.Builtin(name, (x,), (), type=TensorType((), dtype), span=e.span)
        if name == "dropout":
            if not arity(2, 2):
                return None
            x, p = self.whole(pos[0], "`dropout`"), self.whole(pos[1], "the rate of `dropout`")
            if x is None or p is None:
                return None
            if self.mode != "body":
                self.sink.error(Msg.NOT_PARAMETER_ONLY, e.span,
                                problem="`dropout` is random; a reparameterisation is a deterministic function of the parameters")
                return None
            self.stochastic = True
            return ir.Builtin("dropout", (x, p), (), type=x.type, span=e.span)
        if name == "transpose":
            if not arity(1, 1):
                return None
            x = self.whole(pos[0], "`transpose`")
            if x is None:
                return None
            if not (isinstance(x.type, TensorType) and x.type.rank == 2):
                self.sink.error(Msg.TYPE_MISMATCH, pos[0].span, expected="a matrix", found=self.show(x.type),
                                hint="`transpose` swaps the two axes of a matrix")
                return None
            return ir.Builtin("transpose", (x,), (), type=TensorType(x.type.axes[::-1], x.type.dtype), span=e.span)
        raise AssertionError(name)  # pragma: no cover - every builtin is handled above

    def _einsum(self, e: ast.Call, pos: list[ast.Expr]) -> ir.Term | None:
        if not pos or not isinstance(pos[0], ast.String):
            self.sink.error(Msg.EINSUM_SPEC, e.span, problem="the first argument must be a string",
                            hint='write einsum("ij,jk->ik", a, b)')
            return None
        spec = pos[0].value.replace(" ", "")
        if "->" not in spec:
            self.sink.error(Msg.EINSUM_SPEC, pos[0].span, problem="the output is missing",
                            hint='name the output axes after `->`, e.g. "ij,jk->ik"')
            return None
        ins, out = spec.split("->", 1)
        inputs = ins.split(",")
        letters_ok = all(c.isalpha() for part in inputs + [out] for c in part)
        if not letters_ok:
            self.sink.error(Msg.EINSUM_SPEC, pos[0].span, problem=f"{spec!r} has characters other than letters",
                            hint="one letter per axis")
            return None
        if len(inputs) != len(pos) - 1:
            self.sink.error(Msg.EINSUM_SPEC, pos[0].span, problem=f"{len(inputs)} operand{'s' if len(inputs) != 1 else ''} "
                            f"in the specification, {len(pos) - 1} given", hint="one comma-separated group per operand")
            return None
        args = [self.whole(a, "an operand of `einsum`") for a in pos[1:]]
        if any(a is None for a in args):
            return None
        axes: dict[str, Axis] = {}
        for part, arg, ex in zip(inputs, args, pos[1:]):
            if not isinstance(arg.type, TensorType) or arg.type.rank != len(part):
                self.sink.error(Msg.EINSUM_SPEC, ex.span, problem=f"{part!r} names {len(part)} axes, the operand has type {self.show(arg.type)}",
                                hint="one letter per axis")
                return None
            for c, a in zip(part, arg.type.axes):
                if c in axes and not self.u.unify_axis(axes[c], a):
                    self.sink.error(Msg.INDEX_TWO_SETS, ex.span, index=c, first=self.show_axis(axes[c]), second=self.show_axis(a))
                    return None
                axes.setdefault(c, a)
        for c in out:
            if c not in axes or out.count(c) > 1:
                self.sink.error(Msg.EINSUM_SPEC, pos[0].span, problem=f"output axis {c!r} is {'repeated' if c in axes else 'not an input axis'}",
                                hint="each output letter appears once and in some input")
                return None
        dtype = self._join_dtypes(args)
        return ir.Einsum(spec, tuple(args), type=TensorType(tuple(axes[c] for c in out), dtype))


def _field_path(e: ast.Expr) -> tuple[ast.Ident, ...] | None:
    """`a.b.c` as identifiers, or None if the base is not a name."""
    parts: list[ast.Ident] = []
    while isinstance(e, ast.Field):
        parts.append(e.name)
        e = e.base
    if not isinstance(e, ast.Name):
        return None
    return (ast.Ident(e.span, e.name), *reversed(parts))


def _is_scalar(t: Type) -> bool:
    """A tensor with no axes (a tuple is not one)."""
    return isinstance(t, TensorType) and not t.axes


# ------------------------------------------------------------------ zonking the IR


def zonk(u: Unifier, x):
    """Rebuild IR with every solved meta axis replaced by its solution."""
    if isinstance(x, (MetaAxis, FixedAxis, IndexSetAxis)):
        return u.resolve(x)
    if isinstance(x, (TensorType, TupleType, MapType)):
        return u.zonk(x)
    if isinstance(x, tuple):
        return tuple(zonk(u, i) for i in x)
    if is_dataclass(x) and isinstance(x, (ir.Term, ir.MapTerm, ir.IVar)):
        changes = {f.name: zonk(u, getattr(x, f.name)) for f in fields(x)}
        return replace(x, **changes)
    return x


def substitute(sig: Signature, sizes: dict[str, Poly], index_sets: dict[str, Axis]) -> MapType:
    return substitute_type(sig.type, sizes, index_sets)  # type: ignore[return-value]

