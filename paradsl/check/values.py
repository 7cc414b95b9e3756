"""Values in a body: literals, names, fields, tuples, `if` and `let`."""

from __future__ import annotations

from collections import ChainMap
from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import BOOL, INDEX, SCALAR, TensorType, TupleType, Type
from . import builtins
from .bindings import Binding, ErrorB, GlobalB, HyperB, IndexSetB, InputB, LocalB, MapB, ParamB, UseB
from .context import BodyContext, label
from .suggest import did_you_mean

if TYPE_CHECKING:
    from .body import BodyChecker


class ValueChecker:
    """Checks names, literals and the binding forms of values."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def whole(self, e: ast.Expr, what: str, expect: Type | None = None) -> ir.Term | None:
        """A value that must not be indexed (a whole tensor or tuple)."""
        t = self.bc.value(e, expect)
        if t is None:
            return None
        if t.labels:
            names = ", ".join(repr(self.cx.indices[n].source) for n, _ in t.labels)
            self.cx.sink.error(Msg.INDEXED_WHERE_WHOLE, e.span, what=what, indices=names,
                               vars=" ".join(self.cx.indices[n].source for n, _ in t.labels))
            return None
        return t

    def describe_value(self, name: str) -> str:
        b = self.cx.lookup(name)
        if isinstance(b, (LocalB, ParamB)):
            return self.cx.show(b.type)
        if isinstance(b, HyperB):
            return b.kind
        return "i32"  # an index, or an index set read as its size

    def visit_Number(self, e: ast.Number) -> ir.Term:
        return ir.Lit(e.value, type=INDEX if isinstance(e.value, int) else SCALAR)

    def visit_BoolLit(self, e: ast.BoolLit) -> ir.Term:
        return ir.Lit(e.value, type=BOOL)

    def visit_String(self, e: ast.String) -> ir.Term | None:
        self.cx.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a tensor", found="a string",
                           hint="strings only appear as the specification of `einsum`")
        return None

    def visit_Unit(self, e: ast.Unit) -> ir.Term:
        return ir.TupleT((), type=TupleType(()))

    def visit_TupleExpr(self, e: ast.TupleExpr, expect: Type | None = None) -> ir.Term | None:
        expects = expect.items if isinstance(expect, TupleType) and len(expect.items) == len(e.items) else [None] * len(e.items)
        items = [self.whole(i, "a tuple component", x) for i, x in zip(e.items, expects)]
        if any(i is None for i in items):
            return None
        return ir.TupleT(tuple(items), type=TupleType(tuple(i.type for i in items)))

    def visit_FoldExpr(self, e: ast.FoldExpr) -> ir.Term | None:
        self.cx.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the map `{e.scheme} ...`",
                           hint=f"apply it, `({e.scheme} ... over ...)(x)`, or compose it with `>>`")
        return None

    def visit_Lambda(self, e: ast.Lambda) -> ir.Term | None:
        self.cx.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found="a lambda",
                           hint="apply it, `(x => ...)(v)`, or compose it with `>>`")
        return None

    def visit_Field(self, e: ast.Field) -> ir.Term | None:
        sink = self.cx.sink
        if self.cx.mode == "tie":
            path = field_path(e)
            if path is not None and isinstance(self.cx.lookup(path[0].name), UseB):
                t = self.cx.host.leaf(path, e.span)
                return None if t is None else ir.LeafRef(tuple(i.name for i in path), type=t, span=e.span)
        if not isinstance(e.base, ast.Name):
            sink.error(Msg.TYPE_MISMATCH, e.base.span, expected="a use of a para", found="a value",
                       hint="only a use of a para has fields")
            return None
        base = e.base.name
        b = self.cx.lookup(base)
        if isinstance(b, ErrorB):
            return None
        if isinstance(b, UseB):
            sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value",
                       found=f"the parameter {e.name.name!r} of the use {base!r}",
                       hint=f"a use's parameters are not read in a body; call the use, `{base}(x)`, "
                            f"or compute a leaf from it with `tie`")
            return None
        if isinstance(b, InputB):
            return self.cx.reads_input(e.base)
        if isinstance(b, (LocalB, ParamB)):
            kind = f"a value of type {self.describe_value(base)}"
        elif isinstance(b, HyperB):
            kind = f"a {b.kind} hyperparameter"
        elif isinstance(b, IndexSetB):
            kind = "an index set"
        elif isinstance(b, GlobalB):
            kind = "a para; name a use of it in `uses` first"
        elif isinstance(b, MapB):
            kind = "a map"
        else:
            kind = "an index" if self.cx.find_index(base) else "not defined"
        sink.error(Msg.FIELD_OF_NON_USE, e.span, name=base, kind=kind,
                   hint=f"{base!r} has no field {e.name.name!r}")
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
            sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the map {name!r}",
                       hint=f"apply it to an argument: `{name}(x)`")
            return None
        if name in builtins.CONSTANTS:
            return ir.Lit(builtins.CONSTANTS[name], type=SCALAR)
        if builtins.is_builtin_function(name):
            sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found=f"the builtin function {name!r}",
                       hint=f"call it: `{name}(x)`")
            return None
        if len(name) <= 2 and self.cx.frames:
            # A short unknown name in a value position is a free index variable, as in
            # `if a == b then ...`; its range must come from the result type.
            info = self.cx.implicit_index(name, e.span)
            return ir.IndexValue(info.unique, type=INDEX, labels=(label(info),), span=e.span)
        sink.error(Msg.UNKNOWN_NAME, e.span, name=name, hint=did_you_mean(name, self.cx.names()))
        return None

    def visit_If(self, e: ast.If) -> ir.Term | None:
        c, a, b = self.bc.value(e.cond), self.bc.value(e.then), self.bc.value(e.other)
        if c is None or a is None or b is None:
            return None
        if not self.bc.operators.is_dtype(c, "bool", e.cond.span, "the condition of `if`"):
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
            binding = LocalB(v.type, v.labels)
        saved = self.cx.env, self.cx.scope
        self.cx.env = ChainMap({e.name.name: binding}, self.cx.env)
        self.cx.scope = {k: u for k, u in self.cx.scope.items() if k != e.name.name}
        try:
            body = self.bc.value(e.body, expect)
        finally:
            self.cx.env, self.cx.scope = saved
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
