"""Values in a body: literals, names, fields, tuples, `if` and `let`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Message, Msg
from ..syntax import ast
from ..types import BOOL, INDEX, SCALAR, TensorType, TupleType, Type
from . import builtins
from .bindings import Binding, ErrorB, GlobalB, HyperB, IndexSetB, InputB, LocalB, MapB, ParamB, UseB
from .context import BodyContext, label
from .suggest import unknown_name

if TYPE_CHECKING:
    from .body import BodyChecker


class ValueChecker:
    """Checks names, literals and the binding forms of values."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def whole(self, e: ast.Expr, msg: Message, expect: Type | None = None, **values: object) -> ir.Term | None:
        """A value that must not be indexed (a whole tensor or tuple); `msg` says where it is needed."""
        t = self.bc.value(e, expect)
        if t is None:
            return None
        if t.labels:
            names = [self.cx.indices[n].source for n, _ in t.labels]
            self.cx.sink.error(msg, e.span, indices=names, vars=names, **values)
            return None
        return t

    def describe_value(self, name: str) -> str:
        b = self.cx.lookup(name)
        if isinstance(b, (LocalB, ParamB)):
            return self.cx.show(b.type)
        if isinstance(b, HyperB):
            return b.kind
        return "i32"  # an index, or an index set read as its size

    def visit_Number(self, e: ast.Number) -> ir.Term | None:
        t = INDEX if isinstance(e.value, int) else SCALAR
        if isinstance(e.value, float) and e.value in (float("inf"), float("-inf")):  # written out, as `1e999`
            self.cx.sink.error(Msg.FLOAT_LITERAL_NOT_FINITE, e.span, literal=e.text, dtype=t.dtype)
            return None
        if not self.bc.operators.literal_fits(e.value, t.dtype, e.span, e.text):
            return None
        return ir.Lit(e.value, type=t, span=e.span)

    def visit_BoolLit(self, e: ast.BoolLit) -> ir.Term:
        return ir.Lit(e.value, type=BOOL)

    def visit_String(self, e: ast.String) -> ir.Term | None:
        self.cx.sink.error(Msg.STRING_AS_VALUE, e.span)
        return None

    def visit_Unit(self, e: ast.Unit) -> ir.Term:
        return ir.TupleT((), type=TupleType(()))

    def visit_TupleExpr(self, e: ast.TupleExpr, expect: Type | None = None) -> ir.Term | None:
        expects = expect.items if isinstance(expect, TupleType) and len(expect.items) == len(e.items) else [None] * len(e.items)
        items = [self.whole(i, Msg.TUPLE_COMPONENT_INDEXED, x) for i, x in zip(e.items, expects)]
        if any(i is None for i in items):
            return None
        return ir.TupleT(tuple(items), type=TupleType(tuple(i.type for i in items)))

    def visit_FoldExpr(self, e: ast.FoldExpr) -> ir.Term | None:
        self.cx.sink.error(Msg.SCHEME_AS_VALUE, e.span, scheme=e.scheme)
        return None

    def visit_Lambda(self, e: ast.Lambda) -> ir.Term | None:
        self.cx.sink.error(Msg.LAMBDA_AS_VALUE, e.span)
        return None

    def visit_Field(self, e: ast.Field) -> ir.Term | None:
        sink = self.cx.sink
        if self.cx.mode == "tie":
            path = field_path(e)
            if path is not None and isinstance(self.cx.lookup(path[0].name), UseB):
                t = self.cx.host.leaf(path, e.span)
                return None if t is None else ir.LeafRef(tuple(i.name for i in path), type=t, span=e.span)
        if not isinstance(e.base, ast.Name):
            sink.error(Msg.VALUE_HAS_NO_FIELDS, e.base.span)
            return None
        base = e.base.name
        b = self.cx.lookup(base)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, UseB):
            sink.error(Msg.USE_PARAM_AS_VALUE, e.span, param=e.name.name, use=base)
            return None
        if isinstance(b, InputB):
            return self.cx.reads_input(e.base)
        field = e.name.name
        if isinstance(b, (LocalB, ParamB)):
            sink.error(Msg.FIELD_OF_TYPED_VALUE, e.span, name=base, type=self.describe_value(base), field=field)
        elif isinstance(b, HyperB):
            sink.error(Msg.FIELD_OF_HYPER, e.span, name=base, kind=b.kind, field=field)
        elif isinstance(b, IndexSetB):
            sink.error(Msg.FIELD_OF_INDEX_SET, e.span, name=base, field=field)
        elif isinstance(b, GlobalB):
            sink.error(Msg.FIELD_OF_PARA, e.span, name=base, field=field)
        elif isinstance(b, MapB):
            sink.error(Msg.FIELD_OF_MAP, e.span, name=base, field=field)
        elif self.cx.find_index(base):
            sink.error(Msg.FIELD_OF_INDEX, e.span, name=base, field=field)
        else:
            sink.error(Msg.FIELD_OF_UNDEFINED, e.span, name=base, field=field)
        return None

    def visit_Name(self, e: ast.Name) -> ir.Term | None:
        sink = self.cx.sink
        name = e.name
        b = self.cx.lookup(name)
        info = self.cx.find_index(name) if b is None else None
        if info is not None:
            return ir.IndexValue(info.unique, type=INDEX, labels=(label(info),), span=e.span)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, InputB):
            return self.cx.reads_input(e)
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
            sink.error(Msg.MAP_AS_VALUE, e.span, name=name)
            return None
        if name in builtins.CONSTANTS:
            return ir.Lit(builtins.CONSTANTS[name], type=SCALAR)
        if builtins.is_builtin_function(name):
            sink.error(Msg.BUILTIN_AS_VALUE, e.span, name=name)
            return None
        if self.cx.free_index_name(name):
            # A free single letter in a lambda body is an index variable, as in
            # `if a == b then ...`; its range must come from the result type.
            info = self.cx.implicit_index(name, e.span)
            return ir.IndexValue(info.unique, type=INDEX, labels=(label(info),), span=e.span)
        unknown_name(sink, e.span, name, self.cx.names(),
                     Msg.UNKNOWN_BODY_NAME if self.cx.frames else Msg.UNKNOWN_NAME_NOT_CLOSE)
        return None

    def visit_If(self, e: ast.If) -> ir.Term | None:
        c = self.bc.value(e.cond)
        if c is not None:
            self.cx.guards.append(c)
        try:
            a = self.bc.value(e.then)
        finally:
            if c is not None:
                self.cx.guards.pop()
        b = self.bc.value(e.other)
        if c is None or a is None or b is None:
            return None
        if not self.bc.operators.is_dtype(c, "bool", e.cond.span, Msg.IF_CONDITION_NOT_BOOL):
            return None
        ops = self.bc.operators
        return ops.elementwise("where", [c, a, b], [e.cond.span, e.then.span, e.other.span], e.span,
                               dtype=ops.join_dtypes([a, b]))

    def visit_Let(self, e: ast.Let, expect: Type | None = None) -> ir.Term | None:
        if self.bc.maps.is_map_expr(e.value):
            f = self.bc.maps.map_(e.value, None)
            if f is None:
                return None
            binding: Binding = MapB(f)
        else:
            v = self.bc.value(e.value)
            if v is None:
                return None
            binding = LocalB(v.type, v.labels, v)
        saved = self.cx.scope
        self.cx.scope = {k: u for k, u in self.cx.scope.items() if k != e.name.name}
        try:
            with self.cx.env.opened({e.name.name: binding}):
                body = self.bc.value(e.body, expect)
        finally:
            self.cx.scope = saved
        if body is None:
            return None
        if isinstance(binding, MapB):
            return body
        return ir.Let(e.name.name, v, body, type=body.type, labels=body.labels)


def field_path(e: ast.Expr) -> tuple[ast.Ident, ...] | None:
    """`a.b.c` as identifiers, or None if the base is not a name."""
    parts: list[ast.Ident] = []
    while isinstance(e, ast.Field):
        parts.append(e.name)
        e = e.base
    if not isinstance(e, ast.Name):
        return None
    return (ast.Ident(e.span, e.name), *reversed(parts))

