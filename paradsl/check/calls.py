"""Calls: a map applied to an argument, and the builtin functions (`softmax`, `einsum`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import Axis, TensorType, TupleType, Type
from . import builtins, pointers
from .bindings import GlobalB, IndexSetB, UseB
from .context import BodyContext
from .operators import constant
from .suggest import unknown_name

if TYPE_CHECKING:
    from .body import BodyChecker


class CallChecker:
    """Checks calls of maps and of builtin functions."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def visit_Call(self, e: ast.Call) -> ir.Term | None:
        sink = self.cx.sink
        f = e.func
        if isinstance(f, ast.Name) and self.cx.lookup(f.name) is None and self.cx.find_index(f.name) is None:
            if builtins.is_builtin_function(f.name):
                return self.builtin(f.name, e)
            unknown_name(sink, f.span, f.name, self.cx.names())
            return None
        if isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and isinstance(self.cx.lookup(f.func.name), GlobalB):
            pass  # `Linear(4, 8)(x)`: an anonymous use, applied
        elif (isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and self.cx.lookup(f.func.name) is None
              and not builtins.is_builtin_function(f.func.name)):
            unknown_name(sink, f.func.span, f.func.name, self.cx.names())  # `LayerNorm(d)(x)` with no such para
            return None
        elif not self.bc.maps.is_map_expr(f):
            if isinstance(f, ast.Name):
                sink.error(Msg.CALLED_VALUE, f.span, name=f.name, type=self.bc.values.describe_value(f.name))
            else:
                sink.error(Msg.CALLED_EXPRESSION, f.span)
            return None
        for a in e.args:
            if isinstance(a, (ast.KwArg, ast.OverArg)):
                sink.error(Msg.MAP_KEYWORD, a.span, name=getattr(getattr(a, "name", None), "name", "over"))
                return None
        fn = None
        expects: list[Type | None] = [None] * len(e.args)
        if self.named_para(f):
            # A para applied by name has its type before its argument: each argument is a
            # typed position, so `for v k. d[v]` takes the range of `k` from the domain.
            fn = self.bc.maps.map_(f, None)
            if fn is None:
                return None
            dom = fn.type.dom
            if len(e.args) == 1:
                expects = [dom]
            elif isinstance(dom, TupleType) and len(dom.items) == len(e.args):
                expects = list(dom.items)
        args = [self.bc.values.whole(a, Msg.MAP_ARGUMENT_INDEXED, t) for a, t in zip(e.args, expects)]
        if any(a is None for a in args):
            return None
        arg = args[0] if len(args) == 1 else ir.TupleT(tuple(args), type=TupleType(tuple(a.type for a in args)))
        if fn is None:
            fn = self.bc.maps.map_(f, arg.type)
        if fn is None:
            return None
        if not self.cx.u.unify(fn.type.dom, arg.type):
            sink.error(Msg.ARGUMENT_MISMATCH, e.span, expected=self.cx.show(fn.type.dom), found=self.cx.show(arg.type))
            return None
        return ir.Apply(fn, arg, type=fn.type.cod)

    def named_para(self, f: ast.Expr) -> bool:
        """Whether `f` names a use or a para (`enc`, `Linear(4, 8)`): a map whose type does
        not depend on its argument's."""
        if isinstance(f, ast.Name):
            return isinstance(self.cx.lookup(f.name), (UseB, GlobalB))
        return isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and isinstance(self.cx.lookup(f.func.name), GlobalB)

    def builtin(self, name: str, e: ast.Call) -> ir.Term | None:
        sink = self.cx.sink
        over: list[ast.Ident] = []
        pos: list[ast.Expr] = []
        beta_arg: ast.KwArg | None = None
        for a in e.args:
            if isinstance(a, ast.OverArg):
                over.extend(a.indices)
            elif isinstance(a, ast.KwArg) and a.name.name == "beta" and name in builtins.NORMALISERS | {"sample"}:
                beta_arg = a  # the inverse temperature: softmax(beta * x)
            elif isinstance(a, ast.KwArg):
                msg = Msg.NORMALISER_KEYWORD if name in builtins.NORMALISERS else Msg.BUILTIN_KEYWORD
                sink.error(msg, a.span, callee=name, name=a.name.name)
                return None
            else:
                pos.append(a)
        beta = None
        if beta_arg is not None:
            beta = self.bc.values.whole(beta_arg.value, Msg.BETA_INDEXED)
            if beta is None:
                return None
            if not (isinstance(beta.type, TensorType) and beta.type.rank == 0 and beta.type.dtype != "bool"):
                sink.error(Msg.BETA_NOT_NUMBER, beta_arg.value.span, found=self.cx.show(beta.type))
                return None
        extra = (beta,) if beta is not None else ()
        if name == "sample":
            if self.cx.mode != "body":
                sink.error(Msg.SAMPLE_IN_REPARAM, e.span)
                return None
            self.cx.stochastic = True
        if over and name not in builtins.REDUCERS | builtins.CALL_REDUCERS | builtins.ALONG_AXIS:
            span = next(a.span for a in e.args if isinstance(a, ast.OverArg))
            sink.error(Msg.OVER_IN_BUILTIN_CALL, span, callee=name)
            return None

        def arity(lo: int, hi: int) -> bool:
            if lo <= len(pos) <= hi:
                return True
            if lo == hi:
                sink.error(Msg.ARITY_BUILTIN, e.span, name=name, expected=lo, given=len(pos))
            else:
                sink.error(Msg.ARITY_BUILTIN_RANGE, e.span, name=name, least=lo, most=hi, given=len(pos))
            return False

        if name == "einsum":
            return self.einsum(e, pos)
        if name in builtins.UNARY:
            if not arity(1, 1):
                return None
            x = self.bc.value(pos[0])
            if x is None or not self.bc.operators.numeric(x, pos[0].span, Msg.BUILTIN_NOT_NUMERIC, name=name):
                return None
            dtype = self.bc.operators.builtin_dtype(name, x, pos[0].span)
            if dtype is None:
                return None
            return ir.Prim(name, (x,), type=TensorType(x.type.axes, dtype), labels=x.labels, span=e.span)
        if name in ("max", "min") and len(pos) == 2:
            a, b = self.bc.value(pos[0]), self.bc.value(pos[1])
            if a is None or b is None:
                return None
            return self.bc.operators.elementwise("maximum" if name == "max" else "minimum", [a, b], [pos[0].span, pos[1].span], e.span)
        if name == "where":
            if not arity(3, 3):
                return None
            c, a, b = (self.bc.value(p) for p in pos)
            if c is None or a is None or b is None:
                return None
            if not self.bc.operators.is_dtype(c, "bool", pos[0].span, Msg.WHERE_CONDITION_NOT_BOOL):
                return None
            return self.bc.operators.elementwise("where", [c, a, b], [p.span for p in pos], e.span, dtype=self.bc.operators.join_dtypes([a, b]))
        if name in builtins.REDUCERS or name in builtins.CALL_REDUCERS or name in builtins.ALONG_AXIS:
            if not arity(1, 1):
                return None
            if over:
                self.cx.over_names.append(frozenset(i.name for i in over))
                try:
                    x = self.bc.value(pos[0])
                finally:
                    self.cx.over_names.pop()
                if x is None:
                    return None
                infos = []
                for ident in over:
                    info = self.cx.find_index(ident.name)
                    if info is None:
                        if isinstance(self.cx.lookup(ident.name), IndexSetB):
                            sink.error(Msg.OVER_INDEX_SET, ident.span, name=ident.name, callee=name)
                        else:
                            sink.error(Msg.UNKNOWN_OVER_INDEX, ident.span, name=ident.name)
                        return None
                    if info in infos:
                        sink.error(Msg.OVER_NAMED_TWICE, ident.span, name=ident.name)
                        return None
                    infos.append(info)
                if name in builtins.REDUCERS:
                    return self.bc.indices.reduce(name, infos, x, e.span, over)
                present = {n for n, _ in x.labels}
                for info, ident in zip(infos, over):
                    if info.unique not in present:
                        sink.error(Msg.UNUSED_REDUCTION_INDEX, ident.span, op=name, index=info.source)
                        return None
                if x.type.rank:
                    return self.cx.mixed(x, pos[0].span)
                names = tuple(i.unique for i in infos)
                dtype = self.bc.operators.builtin_dtype(name, x, pos[0].span)
                if dtype is None:
                    return None
                if name in builtins.ALONG_AXIS:
                    return ir.Builtin(name, (x, *extra), names, type=TensorType(x.type.axes, dtype), labels=x.labels,
                                      span=e.span)
                labels = tuple(l for l in x.labels if l[0] not in names)
                return ir.Builtin(name, (x,), names, type=TensorType((), dtype), labels=labels, span=e.span)
            x = self.bc.values.whole(pos[0], Msg.BUILTIN_ARGUMENT_INDEXED, name=name)
            if x is None:
                return None
            if not isinstance(x.type, TensorType):
                sink.error(Msg.TENSOR_EXPECTED, pos[0].span, found=self.cx.show(x.type))
                return None
            if name in builtins.ALONG_AXIS and x.type.rank == 0:
                sink.error(Msg.BUILTIN_NEEDS_AXIS, pos[0].span, found=self.cx.show(x.type), name=name)
                return None
            if name in pointers.PICKS:
                picked = pointers.pick_whole(self.cx, name, x, pos[0].span)
                return None if picked is None else ir.Builtin(name, (x,), (), type=picked, span=e.span)
            dtype = self.bc.operators.builtin_dtype(name, x, pos[0].span)
            if dtype is None:
                return None
            if name in builtins.ALONG_AXIS:
                return ir.Builtin(name, (x, *extra), (), type=TensorType(x.type.axes, dtype), span=e.span)
            return ir.Builtin(name, (x,), (), type=TensorType((), dtype), span=e.span)
        if name == "dropout":
            if not arity(2, 2):
                return None
            x, p = self.bc.values.whole(pos[0], Msg.DROPOUT_INPUT_INDEXED), self.bc.values.whole(pos[1], Msg.DROPOUT_RATE_INDEXED)
            if x is None or p is None:
                return None
            rate = constant(p)
            if rate is not None and not 0 <= rate <= 1:
                sink.error(Msg.DROPOUT_RATE_OUT_OF_RANGE, pos[1].span, rate=rate)
                return None
            if self.cx.mode != "body":
                sink.error(Msg.DROPOUT_IN_REPARAM, e.span)
                return None
            self.cx.stochastic = True
            return ir.Builtin("dropout", (x, p), (), type=x.type, span=e.span)
        if name == "transpose":
            if not arity(1, 1):
                return None
            x = self.bc.values.whole(pos[0], Msg.TRANSPOSE_INDEXED)
            if x is None:
                return None
            if not (isinstance(x.type, TensorType) and x.type.rank == 2):
                sink.error(Msg.TRANSPOSE_NOT_MATRIX, pos[0].span, found=self.cx.show(x.type))
                return None
            return ir.Builtin("transpose", (x,), (), type=x.type.with_axes(x.type.axes[::-1]), span=e.span)
        if name == "one_hot":
            if not arity(1, 1):
                return None
            x = self.bc.values.whole(pos[0], Msg.BUILTIN_ARGUMENT_INDEXED, name=name)
            return None if x is None else pointers.one_hot(self.cx, x, pos[0].span, e.span)
        raise AssertionError(name)  # pragma: no cover - every builtin is handled above

    def einsum(self, e: ast.Call, pos: list[ast.Expr]) -> ir.Term | None:
        sink = self.cx.sink
        if not pos or not isinstance(pos[0], ast.String):
            sink.error(Msg.EINSUM_NOT_STRING, e.span)
            return None
        spec = pos[0].value.replace(" ", "")
        if "->" not in spec:
            sink.error(Msg.EINSUM_NO_OUTPUT, pos[0].span)
            return None
        ins, out = spec.split("->", 1)
        inputs = ins.split(",")
        letters_ok = all(c.isalpha() for part in inputs + [out] for c in part)
        if not letters_ok:
            sink.error(Msg.EINSUM_NOT_LETTERS, pos[0].span, spec=spec)
            return None
        if len(inputs) != len(pos) - 1:
            sink.error(Msg.EINSUM_OPERANDS, pos[0].span, operands=len(inputs), given=len(pos) - 1)
            return None
        args = [self.bc.values.whole(a, Msg.EINSUM_OPERAND_INDEXED) for a in pos[1:]]
        if any(a is None for a in args):
            return None
        axes: dict[str, Axis] = {}
        for part, arg, ex in zip(inputs, args, pos[1:]):
            if not isinstance(arg.type, TensorType) or arg.type.rank != len(part):
                sink.error(Msg.EINSUM_OPERAND_AXES, ex.span, part=part, count=len(part), type=self.cx.show(arg.type))
                return None
            for c, a in zip(part, arg.type.axes):
                if c in axes and not self.cx.u.unify_axis(axes[c], a):
                    sink.error(Msg.INDEX_TWO_SETS, ex.span, index=c, first=self.cx.show_axis(axes[c]), second=self.cx.show_axis(a))
                    return None
                axes.setdefault(c, a)
        for c in out:
            if c not in axes or out.count(c) > 1:
                msg = Msg.EINSUM_OUTPUT_REPEATED if c in axes else Msg.EINSUM_OUTPUT_NOT_INPUT
                sink.error(msg, pos[0].span, axis=c)
                return None
        dtype = self.bc.operators.join_dtypes(args)
        return ir.Einsum(spec, tuple(args), type=TensorType(tuple(axes[c] for c in out), dtype))
