"""Maps in a body: composition (`>>`, `&`, `*`), uses and paras applied in place, lambdas,
activations; and the implicit binding of a lambda body's free index variables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg, Span
from ..syntax import ast
from ..types import MapType, MetaAxis, TensorType, TupleType, Type
from . import builtins
from .bindings import Binding, ErrorB, Frame, GlobalB, IndexInfo, InputB, LocalB, MapB, UseB
from .context import BodyContext, is_scalar
from .signatures import Signature
from .suggest import closest, unknown_name

if TYPE_CHECKING:
    from .body import BodyChecker


class MapChecker:
    """Checks maps: the arrows of the language, and the lambdas that make values into maps."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def is_map_expr(self, e: ast.Expr) -> bool:
        if isinstance(e, (ast.Lambda, ast.FoldExpr)):
            return True
        if isinstance(e, ast.BinOp) and e.op in (">>", "&"):
            return True
        if isinstance(e, ast.BinOp) and e.op == "*":
            return self.is_map_expr(e.left) and self.is_map_expr(e.right)
        if isinstance(e, ast.Name):
            b = self.cx.lookup(e.name)
            if isinstance(b, (UseB, MapB, GlobalB, ErrorB)):
                return True
            return b is None and e.name in builtins.UNARY and self.cx.find_index(e.name) is None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name):
            return isinstance(self.cx.lookup(e.func.name), (GlobalB, ErrorB))
        return False

    def map_(self, e: ast.Expr, dom: Type | None, cod: Type | None = None) -> ir.MapTerm | None:
        """Check `e` as a map, given its input type when known and its result type as a hint."""
        sink = self.cx.sink
        if isinstance(e, ast.Lambda):
            return self.lambda_(e, dom, cod)
        if isinstance(e, ast.BinOp) and e.op == ">>":
            f = self.map_(e.left, dom)
            if f is None:
                return None
            g = self.map_(e.right, f.type.cod, cod)
            if g is None:
                return None
            if not self.cx.u.unify(f.type.cod, g.type.dom):
                sink.error(Msg.COMPOSE_THEN, e.span, left=self.cx.show(f.type.cod), right=self.cx.show(g.type.dom))
                return None
            return ir.Compose(f, g, type=MapType(f.type.dom, g.type.cod))
        if isinstance(e, ast.BinOp) and e.op == "via":
            return self.cx.host.via(self.bc, e)
        if isinstance(e, ast.FoldExpr):
            return self.cx.host.fold(self.bc, e, dom)
        if isinstance(e, ast.BinOp) and e.op == "&":
            f, g = self.map_(e.left, dom), self.map_(e.right, dom)
            if f is None or g is None:
                return None
            if not self.cx.u.unify(f.type.dom, g.type.dom):
                sink.error(Msg.COMPOSE_FANOUT, e.span, left=self.cx.show(f.type.dom), right=self.cx.show(g.type.dom))
                return None
            return ir.Fanout(f, g, type=MapType(f.type.dom, TupleType((f.type.cod, g.type.cod))))
        if isinstance(e, ast.BinOp) and e.op == "*":
            parts: tuple[Type | None, Type | None] = (None, None)
            if isinstance(dom, TupleType) and len(dom.items) == 2:
                parts = (dom.items[0], dom.items[1])
            elif dom is not None:
                sink.error(Msg.PARALLEL_NOT_PAIR, e.span, found=self.cx.show(dom))
                return None
            f, g = self.map_(e.left, parts[0]), self.map_(e.right, parts[1])
            if f is None or g is None:
                return None
            return ir.Parallel(f, g, type=MapType(TupleType((f.type.dom, g.type.dom)), TupleType((f.type.cod, g.type.cod))))
        if isinstance(e, ast.Name):
            b = self.cx.lookup(e.name)
            if isinstance(b, ErrorB):
                return None
            if isinstance(b, UseB):
                return self.use_ref(b, e.span)
            if isinstance(b, MapB):
                return b.term
            if isinstance(b, InputB):
                return self.cx.reads_input(e)
            if isinstance(b, GlobalB):
                if not self.may_apply(b.sig, e.span):
                    return None
                use = self.cx.host.new_anonymous_use(ast.Call(e.span, e, ()))
                if use is None:
                    return None
                return self.use_ref(use, e.span)
            if b is None and e.name in builtins.UNARY:
                if dom is None:
                    sink.error(Msg.POLYMORPHIC_WITHOUT_INPUT, e.span, name=e.name)
                    return None
                if not isinstance(dom, TensorType):
                    sink.error(Msg.ACTIVATION_NOT_TENSOR, e.span, found=self.cx.show(dom), name=e.name)
                    return None
                return ir.PrimMap(e.name, type=MapType(dom, dom))
            if b is None and builtins.is_builtin_function(e.name):
                sink.error(Msg.BUILTIN_NOT_ACTIVATION, e.span, name=e.name)
                return None
            if b is None and self.cx.find_index(e.name) is None:
                unknown_name(sink, e.span, e.name, self.cx.names())
                return None
            sink.error(Msg.COMPOSED_VALUE, e.span, name=e.name, type=self.bc.values.describe_value(e.name))
            return None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and isinstance(self.cx.lookup(e.func.name), ErrorB):
            return None  # a para whose declaration had an error, already reported
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and isinstance(self.cx.lookup(e.func.name), GlobalB):
            if not self.may_apply(self.cx.lookup(e.func.name).sig, e.span):
                return None
            use = self.cx.host.new_anonymous_use(e)
            if use is None:
                return None
            return self.use_ref(use, e.span)
        if (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and self.cx.lookup(e.func.name) is None
            and self.cx.find_index(e.func.name) is None and not builtins.is_builtin_function(e.func.name)):
            unknown_name(sink, e.func.span, e.func.name, self.cx.names())
            return None
        sink.error(Msg.VALUE_AS_MAP, e.span)
        return None

    def stochastic_map(self, m: ir.MapTerm) -> bool:
        """Whether a map term draws random numbers: a use of a stochastic para, or a body
        using dropout or sample (the checker marks those as it goes)."""
        return any((isinstance(x, ir.Builtin) and x.name in builtins.STOCHASTIC)
                   or (isinstance(x, ir.UseRef) and self.cx.host.is_stochastic(x.name)) for x in ir.nodes(m))

    def use_ref(self, b: UseB, span: Span) -> ir.UseRef | None:
        """A reference to a use, its callee's index sets instantiated for this reference."""
        if not self.may_apply(b.sig, span):
            return None
        t, sites, index_sets = self.cx.host.instantiate(b, span)
        self.cx.call_sites.extend(sites)
        return ir.UseRef(b.use.name, index_sets, type=t)

    def may_apply(self, sig: Signature, span: Span) -> bool:
        """Paras are applied in bodies; reparams only in ties, reparams and `via`; algebras
        only through their recursion schemes."""
        sink = self.cx.sink
        if sig.kind not in ("para", "reparam"):
            scheme = {"coalgebra": "unfold", "mealy": "run", "moore": "run"}.get(sig.kind, "fold")
            sink.error(Msg.SCHEME_AS_MAP, span, name=sig.key.name, kind=sig.kind, scheme=scheme)
            return False
        if sig.kind == "reparam" and self.cx.mode == "body":
            sink.error(Msg.REPARAM_AS_MAP, span, name=sig.key.name)
            return False
        if sig.kind == "para" and self.cx.mode != "body":
            msg = Msg.TIE_APPLIES_PARA if self.cx.mode == "tie" else Msg.REPARAM_APPLIES_PARA
            sink.error(msg, span, name=sig.key.name)
            return False
        return True

    def lambda_(self, e: ast.Lambda, dom: Type | None, cod: Type | None) -> ir.MapTerm | None:
        if dom is None:
            self.cx.sink.error(Msg.LAMBDA_WITHOUT_INPUT, e.span)
            return None
        bound: dict[str, Binding] = {}
        if not e.tupled:
            bound[e.params[0].name] = LocalB(dom, ())
        else:
            items = dom.items if isinstance(dom, TupleType) else None
            if items is None or len(items) != len(e.params):
                self.cx.sink.error(Msg.PATTERN_BINDS, e.span.to(e.params[-1].span if e.params else e.span),
                                   given=len(e.params), type=self.cx.show(dom))
                return None
            for p, t in zip(e.params, items):
                bound[p.name] = LocalB(t, ())
        self.cx.frames.append(Frame())
        try:
            with self.cx.env.opened(bound):
                body = self.bc.value(e.body, cod)
        finally:
            frame = self.cx.frames.pop()
        if body is None:
            return None
        body = self.bind_implicit(body, frame, cod, e.body.span)
        if body is None:
            return None
        return ir.LambdaT(tuple(p.name for p in e.params), e.tupled, body, type=MapType(dom, body.type))

    def bind_implicit(self, body: ir.Term, frame: Frame, cod: Type | None, span: Span) -> ir.Term | None:
        """Turn a body with free index variables into a whole tensor, axes in alphabetical order."""
        free = [n for n, _ in body.labels]
        # Implicit indices that left no label (reduced with `over`, or in an unused `let`) need a range too.
        gone = [self.cx.indices[u] for u in frame.implicit.values() if u not in free]
        if not self.ranges_known(gone):
            return None
        if not free:
            return body
        infos = sorted((self.cx.indices[n] for n in free), key=lambda i: i.source)
        if isinstance(cod, TensorType) and len(cod.axes) == len(infos) and is_scalar(body.type):
            # Each result axis takes the free index that ranges over it; among indices over
            # the same index set (or of a range still unknown), alphabetical order decides.
            remaining, ordered = list(infos), []
            for axis in cod.axes:
                target = self.cx.u.resolve(axis)
                match = next((i for i in remaining if self.cx.u.resolve(i.axis) == target), None)
                if match is None:
                    match = next((i for i in remaining if isinstance(self.cx.u.resolve(i.axis), MetaAxis)), None)
                if match is None:
                    info = remaining[0]
                    self.cx.sink.error(Msg.RESULT_INDEX_MISMATCH, info.span, index=info.source,
                                       found=self.cx.show_axis(info.axis), expected=self.cx.show_axis(axis))
                    return None
                self.cx.u.unify_axis(match.axis, axis)
                ordered.append(match)
                remaining.remove(match)
            infos = ordered
        if not self.ranges_known(infos):
            return None
        if not is_scalar(body.type):
            return self.cx.mixed(body, span)
        indices = tuple((i.unique, i.axis) for i in infos)
        return ir.For(indices, body, type=body.type.with_axes(tuple(i.axis for i in infos)), labels=())

    def ranges_known(self, infos: list[IndexInfo]) -> bool:
        for info in infos:
            if isinstance(self.cx.u.resolve(info.axis), MetaAxis):
                if not info.subscripted:
                    close = closest(info.source, self.cx.names())
                    if close:
                        self.cx.sink.error(Msg.UNKNOWN_NAME_CLOSE, info.span, name=info.source, close=close)
                    else:
                        self.cx.sink.error(Msg.UNKNOWN_ARITHMETIC_INDEX, info.span, name=info.source)
                else:
                    self.cx.sink.error(Msg.INDEX_RANGE_UNKNOWN, info.span, index=info.source)
                return False
        return True
