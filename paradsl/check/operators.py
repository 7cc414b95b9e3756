"""Operators on values: arithmetic, comparisons and logic elementwise, and `@`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import ir, prelude
from ..diagnostics import Message, Msg, Span
from ..syntax import ast
from ..types import Axis, TensorType, dtype_range, fits, is_float, is_int, is_ptr, promote
from . import pointers
from .context import BodyContext, merge_labels
from .suggest import closest

if TYPE_CHECKING:
    from .body import BodyChecker


_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "mod": "mod", "**": "pow"}
_CMP = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_LOGIC = {"and": "and", "or": "or"}


class OperatorChecker:
    """Checks operators: elementwise on equal axes (a scalar combines with anything), and `@`."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def visit_Unary(self, e: ast.Unary) -> ir.Term | None:
        x = self.bc.value(e.operand)
        if x is None:
            return None
        if e.op == "not":
            if not self.is_dtype(x, "bool", e.operand.span, Msg.NOT_OPERAND_NOT_BOOL):
                return None
            return ir.Prim("not", (x,), type=x.type, labels=x.labels, span=e.span)
        if not self.numeric(x, e.operand.span, Msg.NEGATION_NOT_NUMERIC):
            return None
        if not pointers.arithmetic(self.cx, "neg", [x], [e.operand.span]):
            return None
        return ir.Prim("neg", (x,), type=x.type, labels=x.labels, span=e.span)

    def visit_BinOp(self, e: ast.BinOp) -> ir.Term | None:
        if e.op in (">>", "&") or (e.op == "*" and self.bc.maps.is_map_expr(e.left) and self.bc.maps.is_map_expr(e.right)):
            self.cx.sink.error(Msg.COMPOSITE_AS_VALUE, e.span)
            return None
        if e.op == "@":
            return self.matmul(e)
        left, right = self.bc.value(e.left), self.bc.value(e.right)
        if left is None or right is None:
            return None
        if e.op in _LOGIC:
            if not (self.is_dtype(left, "bool", e.left.span, Msg.LOGIC_OPERAND_NOT_BOOL, op=e.op)
                    and self.is_dtype(right, "bool", e.right.span, Msg.LOGIC_OPERAND_NOT_BOOL, op=e.op)):
                return None
            return self.elementwise(_LOGIC[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if e.op == "*" and all(isinstance(t.type, TensorType) and t.type.dtype == "bool" for t in (left, right)):
            # `and` on booleans: the multiplication of the Bool semiring, `sum[Bool] k. a[i, k] * a[k, j]`
            return self.elementwise("mul", [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if not (self.numeric(left, e.left.span, Msg.OPERATOR_NOT_NUMERIC, op=e.op)
                and self.numeric(right, e.right.span, Msg.OPERATOR_NOT_NUMERIC, op=e.op)):
            return None
        if e.op in _CMP:
            if not pointers.compare(self.cx, e.op, left, right, e.span):
                return None
            return self.elementwise(_CMP[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if not pointers.arithmetic(self.cx, _ARITH[e.op], [left, right], [e.left.span, e.right.span]):
            return None
        if e.op == "mod" and not all(is_int(t.type.dtype) for t in (left, right)):
            self.cx.sink.error(Msg.MOD_NOT_INTEGERS, e.span, left=self.cx.show(left.type), right=self.cx.show(right.type))
            return None
        if e.op == "**" and all(is_int(t.type.dtype) for t in (left, right)):
            power = constant(right)
            if power is not None and power < 0:
                self.cx.sink.error(Msg.NEGATIVE_INT_POWER, e.right.span, power=power, left=self.cx.show(left.type))
                return None
        out = self.elementwise(_ARITH[e.op], [left, right], [e.left.span, e.right.span], e.span)
        if out is not None and e.op == "/" and not is_float(out.type.dtype):
            # `/` is true division, as in JAX: integers divide to f32
            out = replace(out, type=TensorType(out.type.axes, "f32"))
        return out

    def elementwise(self, op: str, args: list[ir.Term], spans: list[Span], span: Span, dtype: str | None = None) -> ir.Term | None:
        """Combine terms elementwise: equal whole types (or scalars), labels united."""
        sink = self.cx.sink
        labels = merge_labels(*(a.labels for a in args))
        shapes = [a.type for a in args]
        if not all(isinstance(s, TensorType) for s in shapes):
            bad = next(i for i, s in enumerate(shapes) if not isinstance(s, TensorType))
            sink.error(Msg.TUPLE_IN_ARITHMETIC, spans[bad], found=self.cx.show(shapes[bad]))
            return None
        whole = [s for s in shapes if s.rank > 0]
        if labels and whole:
            for a in args:
                info = self.cx.indices.get(a.name) if isinstance(a, ir.IndexValue) else None
                if info is not None and info.implicit and not info.subscripted:
                    # A free single letter, read as an index variable: next to a whole tensor, a typo.
                    close = closest(info.source, self.cx.names())
                    if close:
                        sink.error(Msg.UNKNOWN_NAME_CLOSE, info.span, name=info.source, close=close)
                    else:
                        sink.error(Msg.UNKNOWN_INDEX, info.span, name=info.source)
                    return None
            i = next(i for i, s in enumerate(shapes) if s.rank > 0)
            return self.cx.mixed(args[i], spans[i])
        axes: tuple[Axis, ...] = ()
        if whole:
            axes = whole[0].axes
            for i, s in enumerate(shapes):
                if s.rank > 0 and not self.cx.u.unify(TensorType(axes), TensorType(s.axes)):
                    sink.error(Msg.ELEMENTWISE_AXES, span, expected=self.cx.show(TensorType(axes)), found=self.cx.show(s))
                    return None
        if dtype == "ptr":  # a choice between pointers, `if c then p[w] else q[w]`
            target = pointers.choice(self.cx, args[1:], spans[1:])
            if target is None:
                return None
            return ir.Prim(op, tuple(args), type=TensorType(axes, dtype, target), labels=labels, span=span)
        if dtype is None:
            if not pointers.arithmetic(self.cx, op, args, spans):
                return None
            dtype = self.join_dtypes(args)
            for a, s in zip(args, spans):  # a literal takes the dtype it is combined in
                if isinstance(a, ir.Lit) and not self.literal_fits(a.value, dtype, s):
                    return None
        return ir.Prim(op, tuple(args), type=TensorType(axes, dtype), labels=labels, span=span)

    def literal_fits(self, value: int | float | bool, dtype: str, span: Span, text: str | None = None) -> bool:
        """Whether a literal holds its value in `dtype`; reported where it does not."""
        if fits(value, dtype):
            return True
        literal = text if text is not None else repr(value)
        if isinstance(value, int) and not isinstance(value, bool) and not fits(value, "i32"):
            self.cx.sink.error(Msg.INT_LITERAL_BEYOND_I32, span, literal=literal)
        elif isinstance(value, float) and is_float(dtype):
            self.cx.sink.error(Msg.FLOAT_LITERAL_NOT_FINITE, span, literal=literal, dtype=dtype)
        else:
            low, high = dtype_range(dtype)
            self.cx.sink.error(Msg.LITERAL_TOO_LARGE, span, literal=literal, dtype=dtype, low=low, high=high)
        return False

    def builtin_dtype(self, name: str, t: ir.Term, span: Span) -> str | None:
        """The dtype builtin `name` gives on `t`, by the prelude's rule; None (reported) where
        the rule refuses `t`'s dtype."""
        assert isinstance(t.type, TensorType)
        dtype = prelude.dtype_of(name, t.type.dtype)
        if dtype is None:
            if is_ptr(t.type):
                self.cx.sink.error(Msg.POINTER_AS_NUMBER, span, name=name, found=self.cx.show(t.type))
            elif prelude.BY_NAME[name].dtype is prelude.Dtype.NEEDS_FLOAT:
                self.cx.sink.error(Msg.BUILTIN_NEEDS_FLOAT, span, name=name, found=self.cx.show(t.type))
            else:
                self.cx.sink.error(Msg.BUILTIN_NOT_NUMERIC, span, name=name, found=self.cx.show(t.type))
        return dtype

    def is_dtype(self, t: ir.Term, dtype: str, span: Span, msg: Message, **values: object) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype == dtype:
            return True
        self.cx.sink.error(msg, span, dtype=dtype, found=self.cx.show(t.type), **values)
        return False

    def numeric(self, t: ir.Term, span: Span, msg: Message, **values: object) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype != "bool":
            return True
        self.cx.sink.error(msg, span, found=self.cx.show(t.type), **values)
        return False

    @staticmethod
    def join_dtypes(args: list[ir.Term]) -> str:
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

    def matmul(self, e: ast.BinOp) -> ir.Term | None:
        a, b = self.bc.values.whole(e.left, Msg.MATMUL_OPERAND_INDEXED), self.bc.values.whole(e.right, Msg.MATMUL_OPERAND_INDEXED)
        if a is None or b is None:
            return None
        ta, tb = a.type, b.type
        if not (isinstance(ta, TensorType) and isinstance(tb, TensorType) and ta.rank >= 1 and 1 <= tb.rank <= 2):
            self.cx.sink.error(Msg.MATMUL_RANKS, e.span, left=self.cx.show(ta), right=self.cx.show(tb))
            return None
        inner_a = ta.axes[-1]
        inner_b = tb.axes[0]
        if not self.cx.u.unify_axis(inner_a, inner_b):
            self.cx.sink.error(Msg.MATMUL_INNER_AXES, e.span, left=self.cx.show(ta), right=self.cx.show(tb),
                               inner_left=self.cx.u.resolve(inner_a), inner_right=self.cx.u.resolve(inner_b))
            return None
        axes = ta.axes[:-1] + tb.axes[1:]
        return ir.MatMul(a, b, type=TensorType(axes, promote(ta.dtype, tb.dtype)))


_FOLD = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}


def constant(t: ir.Term) -> int | float | None:
    """The value of a term built of number literals by `-`, `+` and `*`, else None."""
    if isinstance(t, ir.Lit) and not isinstance(t.value, bool):
        return t.value
    if isinstance(t, ir.Prim) and t.op == "neg":
        v = constant(t.args[0])
        return None if v is None else -v
    if isinstance(t, ir.Prim) and t.op in _FOLD:
        a, b = constant(t.args[0]), constant(t.args[1])
        return None if a is None or b is None else _FOLD[t.op](a, b)
    return None
