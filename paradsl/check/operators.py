"""Operators on values: arithmetic, comparisons and logic elementwise, and `@`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg, Span
from ..syntax import ast
from ..types import Axis, TensorType, is_float, is_int, promote
from .context import BodyContext, merge_labels
from .suggest import did_you_mean

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
            if not self.is_dtype(x, "bool", e.operand.span, "`not`"):
                return None
            return ir.Prim("not", (x,), type=x.type, labels=x.labels, span=e.span)
        if not self.numeric(x, e.operand.span, "negation"):
            return None
        return ir.Prim("neg", (x,), type=x.type, labels=x.labels, span=e.span)

    def visit_BinOp(self, e: ast.BinOp) -> ir.Term | None:
        if e.op in (">>", "&") or (e.op == "*" and self.bc.maps.is_map_expr(e.left) and self.bc.maps.is_map_expr(e.right)):
            self.cx.sink.error(Msg.TYPE_MISMATCH, e.span, expected="a value", found="a composite map",
                               hint="apply it to an argument: `(f >> g)(x)`")
            return None
        if e.op == "@":
            return self.matmul(e)
        left, right = self.bc.value(e.left), self.bc.value(e.right)
        if left is None or right is None:
            return None
        if e.op in _LOGIC:
            if not (self.is_dtype(left, "bool", e.left.span, f"`{e.op}`") and self.is_dtype(right, "bool", e.right.span, f"`{e.op}`")):
                return None
            return self.elementwise(_LOGIC[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if e.op == "*" and all(isinstance(t.type, TensorType) and t.type.dtype == "bool" for t in (left, right)):
            # `and` on booleans: the multiplication of the Bool semiring, `sum[Bool] k. a[i, k] * a[k, j]`
            return self.elementwise("mul", [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if not (self.numeric(left, e.left.span, f"`{e.op}`") and self.numeric(right, e.right.span, f"`{e.op}`")):
            return None
        if e.op in _CMP:
            return self.elementwise(_CMP[e.op], [left, right], [e.left.span, e.right.span], e.span, dtype="bool")
        if e.op == "mod" and not all(is_int(t.type.dtype) for t in (left, right)):
            self.cx.sink.error(Msg.DTYPE_MISMATCH, e.span, what="`mod`", expected="integers", found=f"{self.cx.show(left.type)} and {self.cx.show(right.type)}",
                               hint="`mod` is index arithmetic, e.g. `(a - b) mod c`")
            return None
        return self.elementwise(_ARITH[e.op], [left, right], [e.left.span, e.right.span], e.span)

    def elementwise(self, op: str, args: list[ir.Term], spans: list[Span], span: Span, dtype: str | None = None) -> ir.Term | None:
        """Combine terms elementwise: equal whole types (or scalars), labels united."""
        sink = self.cx.sink
        labels = merge_labels(*(a.labels for a in args))
        shapes = [a.type for a in args]
        if not all(isinstance(s, TensorType) for s in shapes):
            bad = next(i for i, s in enumerate(shapes) if not isinstance(s, TensorType))
            sink.error(Msg.TYPE_MISMATCH, spans[bad], expected="a tensor", found=self.cx.show(shapes[bad]),
                       hint="arithmetic acts on tensors; take a tuple apart with a pattern, `(a, b) => ...`")
            return None
        whole = [s for s in shapes if s.rank > 0]
        if labels and whole:
            for a in args:
                info = self.cx.indices.get(a.name) if isinstance(a, ir.IndexValue) else None
                if info is not None and info.implicit and not info.subscripted:
                    # A short unknown name, read as an index variable: more likely a typo.
                    sink.error(Msg.UNKNOWN_NAME, info.span, name=info.source,
                               hint=did_you_mean(info.source, self.cx.names()) or
                               "declare it, or subscript a tensor with it to use it as an index")
                    return None
            i = next(i for i, s in enumerate(shapes) if s.rank > 0)
            return self.cx.mixed(args[i], spans[i])
        axes: tuple[Axis, ...] = ()
        if whole:
            axes = whole[0].axes
            for i, s in enumerate(shapes):
                if s.rank > 0 and not self.cx.u.unify(TensorType(axes), TensorType(s.axes)):
                    sink.error(Msg.TYPE_MISMATCH, span, expected=self.cx.show(TensorType(axes)), found=self.cx.show(s),
                               hint="elementwise operands must have the same axes (there is no broadcasting "
                                    "between different index sets); a scalar combines with anything")
                    return None
        if dtype is None:
            dtype = self.join_dtypes(args)
        return ir.Prim(op, tuple(args), type=TensorType(axes, dtype), labels=labels, span=span)

    def is_dtype(self, t: ir.Term, dtype: str, span: Span, what: str) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype == dtype:
            return True
        self.cx.sink.error(Msg.DTYPE_MISMATCH, span, what=what, expected=dtype, found=self.cx.show(t.type),
                           hint="comparisons give bool; use `where(c, a, b)` to choose by one")
        return False

    def numeric(self, t: ir.Term, span: Span, what: str) -> bool:
        if isinstance(t.type, TensorType) and t.type.dtype != "bool":
            return True
        self.cx.sink.error(Msg.TYPE_MISMATCH, span, expected="a numeric tensor", found=self.cx.show(t.type),
                           hint=f"{what} acts on numbers")
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
        a, b = self.bc.values.whole(e.left, "`@`"), self.bc.values.whole(e.right, "`@`")
        if a is None or b is None:
            return None
        ta, tb = a.type, b.type
        if not (isinstance(ta, TensorType) and isinstance(tb, TensorType) and ta.rank >= 1 and 1 <= tb.rank <= 2):
            self.cx.sink.error(Msg.MATMUL_MISMATCH, e.span, left=self.cx.show(ta), right=self.cx.show(tb),
                               problem="the left side needs an axis and the right side one or two",
                               hint="`@` multiplies a vector or matrix by a vector or matrix")
            return None
        inner_a = ta.axes[-1]
        inner_b = tb.axes[0]
        if not self.cx.u.unify_axis(inner_a, inner_b):
            self.cx.sink.error(Msg.MATMUL_MISMATCH, e.span, left=self.cx.show(ta), right=self.cx.show(tb),
                               problem=f"the inner axes {self.cx.u.resolve(inner_a)} and {self.cx.u.resolve(inner_b)} differ",
                               hint="the last axis of the left must be the first axis of the right")
            return None
        axes = ta.axes[:-1] + tb.axes[1:]
        return ir.MatMul(a, b, type=TensorType(axes, promote(ta.dtype, tb.dtype)))
