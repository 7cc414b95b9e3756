"""Index notation: subscripts `x[i, j]`, reductions `sum j.` (in a semiring, `sum[S] j.`) and `for i.`.

An index variable is a fresh meta axis, unified with every axis it subscripts; a term's
labels are the index variables it still depends on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg, Span
from ..syntax import ast
from ..types import Axis, MetaAxis, TensorType, Type, is_int, is_ptr
from . import builtins, pointers
from .bindings import IndexInfo, IndexSetB, LocalB
from .bounds import SubscriptBounds, reads_data
from .context import BodyContext, is_scalar, merge_labels
from .operators import constant
from .suggest import unknown_name

if TYPE_CHECKING:
    from .body import BodyChecker


class IndexChecker:
    """Checks index notation: what binds, ranges over and removes index variables."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def visit_Subscript(self, e: ast.Subscript) -> ir.Term | None:
        sink = self.cx.sink
        base = self.bc.values.whole(e.base, Msg.SUBSCRIPTED_INDEXED)
        if base is None:
            return None
        if not isinstance(base.type, TensorType):
            sink.error(Msg.SUBSCRIPT_NOT_TENSOR, e.base.span, found=self.cx.show(base.type))
            return None
        rank = base.type.rank
        if len(e.indices) > rank:
            self._subscript_arity(e, rank, base.type)
            return None
        indices: list[ir.IVar | ir.Term] = []
        labels: list[ir.Labels] = []
        ok = True
        for ix, axis in zip(e.indices, base.type.axes):
            r = self.index(ix, axis)
            if r is None:
                ok = False
                continue
            indices.append(r)
            labels.append(((r.name, r.axis),) if isinstance(r, ir.IVar) else r.labels)
        if not ok:
            return None
        rest = base.type.axes[len(e.indices):]
        if rest and any(isinstance(i, ir.IVar) for i in indices):
            self._subscript_arity(e, rank, base.type)
            return None
        checks = SubscriptBounds(self.cx, self.bc)
        fill = None
        if e.fill is not None:
            fill = checks.fill(e.fill, base.type.dtype)
            if fill is None:
                return None
        positions = checks.bounds(e, indices, base.type.axes, fill)
        if positions is None:
            return None
        from_data = fill is None and any(not isinstance(i, ir.IVar) and reads_data(i, checks.lets) for i in indices)
        return ir.Sub(base, tuple(indices), fill.value if fill is not None else None, positions, from_data,
                      type=base.type.with_axes(tuple(rest)), labels=merge_labels(*labels), span=e.span)

    def _subscript_arity(self, e: ast.Subscript, rank: int, t: Type) -> None:
        if isinstance(e.base, ast.Name):
            self.cx.sink.error(Msg.SUBSCRIPT_INDICES, e.span, name=e.base.name, rank=rank, given=len(e.indices),
                               type=self.cx.show(t))
        else:
            self.cx.sink.error(Msg.SUBSCRIPT_INDICES_OF_VALUE, e.span, rank=rank, given=len(e.indices),
                               type=self.cx.show(t))

    def index(self, ix: ast.Expr, axis: Axis) -> ir.IVar | ir.Term | None:
        sink = self.cx.sink
        if isinstance(ix, ast.Name) and ix.name not in self.cx.env and ix.name not in builtins.CONSTANTS:
            info = self.cx.find_index(ix.name)
            if info is None:
                if not self.cx.free_index_name(ix.name):
                    # A close local or index is a likely slip; a close hyperparameter is not
                    # (subscripting by it picks one position), so it is not suggested.
                    if self.cx.frames:
                        near = [n for n, b in self.cx.env.items() if isinstance(b, LocalB)] + list(self.cx.scope)
                        unknown_name(sink, ix.span, ix.name, near, Msg.UNKNOWN_SUBSCRIPT_NAME)
                    else:
                        unknown_name(sink, ix.span, ix.name, self.cx.names())
                    return None
                info = self.cx.implicit_index(ix.name, ix.span)
            info.subscripted = True
            if not self.cx.u.unify_axis(info.axis, axis):
                sink.error(Msg.INDEX_TWO_SETS, ix.span, index=ix.name,
                           first=self.cx.show_axis(info.axis), second=self.cx.show_axis(axis))
                return None
            return ir.IVar(info.unique, info.axis)
        if isinstance(ix, ast.Name) and isinstance(self.cx.env.get(ix.name), IndexSetB):
            sink.error(Msg.INDEX_SET_AS_INDEX, ix.span, name=ix.name)
            return None
        t = self.bc.value(ix)
        if t is None:
            return None
        if t.span is None:
            t = replace(t, span=ix.span)
        if is_ptr(t.type) and t.type.rank == 0:
            return t if pointers.subscript(self.cx, t, axis, ix.span) else None
        if not (isinstance(t.type, TensorType) and t.type.rank == 0 and is_int(t.type.dtype)):
            sink.error(Msg.INDEX_NOT_INTEGER, ix.span, found=self.cx.show(t.type))
            return None
        for unique, _ in t.labels:
            if (info := self.cx.indices.get(unique)) is not None:
                info.shifted_along.append(axis)
        return t

    def range_from_shift(self, info: IndexInfo) -> bool:
        """Give an index whose range is still unknown the axis of a tensor it subscripts
        through arithmetic (`for a. y[a - 1]` under a lambda whose input type is solved
        only by the composite around it); False when it subscripts none."""
        along = [a for a in info.shifted_along if not isinstance(self.cx.u.resolve(a), MetaAxis)]
        return bool(along) and self.cx.u.unify_axis(info.axis, along[0])

    def bind_indices(self, idents: tuple[ast.Ident, ...]) -> list[IndexInfo]:
        infos = []
        for ident in idents:
            info = self.cx.fresh_index(ident.name, ident.span, implicit=False)
            infos.append(info)
        return infos

    def with_indices(self, infos: list[IndexInfo], body: ast.Expr) -> ir.Term | None:
        saved = self.cx.scope
        self.cx.scope = {**self.cx.scope, **{i.source: i.unique for i in infos}}
        try:
            return self.bc.value(body)
        finally:
            self.cx.scope = saved

    def visit_Reduce(self, e: ast.Reduce) -> ir.Term | None:
        semiring = None
        if e.semiring is not None:
            semiring = self.semiring(e)
            if semiring is None:
                return None
        infos = self.bind_indices(e.indices)
        body = self.with_indices(infos, e.body)
        if body is None:
            return None
        out = self.reduce(e.op, infos, body, e.span, e.indices)
        if out is None or semiring is None or semiring.name == "Real":
            return out
        want_bool = semiring.add == "or"
        factors = ir.factors(body)
        for f in factors:
            is_bool = isinstance(f.type, TensorType) and f.type.dtype == "bool"
            if is_bool != want_bool:
                self.cx.sink.error(Msg.SEMIRING_FACTOR, f.span or e.span, semiring=semiring.name, type=self.cx.show(f.type))
                return None
        return replace(out, semiring=semiring, type=TensorType((), "bool" if want_bool else body.type.dtype))

    def semiring(self, e: ast.Reduce) -> ir.Semiring | None:
        sink = self.cx.sink
        ref = e.semiring
        if e.op != "sum":
            sink.error(Msg.SEMIRING_REDUCER, e.span, op=e.op, semiring=ref.name.name)
            return None
        table = self.cx.host.semiring(ref.name)
        if table is None:
            return None
        name, add, mul, zero, one, param = table
        args = [a for a in ref.args]
        if len(args) > (1 if param else 0):
            if param:
                sink.error(Msg.ARITY_SEMIRING_PARAM, ref.span, name=name, given=len(args), param=param)
            else:
                sink.error(Msg.ARITY_SEMIRING, ref.span, name=name, given=len(args))
            return None
        beta = None
        if param:
            if args:
                beta = self.bc.values.whole(args[0], Msg.SEMIRING_PARAM_INDEXED, param=param, name=name)
                if beta is None:
                    return None
                if not (isinstance(beta.type, TensorType) and beta.type.rank == 0 and beta.type.dtype != "bool"):
                    sink.error(Msg.SEMIRING_PARAM_NOT_NUMBER, args[0].span, found=self.cx.show(beta.type), param=param,
                               name=name)
                    return None
                if add == "logsumexp" and constant(beta) == 0:
                    sink.error(Msg.SEMIRING_PARAM_ZERO, args[0].span, param=param, name=name)
                    return None
            else:
                beta = ir.Lit(1.0, type=TensorType((), "f32"))
        return ir.Semiring(name, add, mul, zero, one, beta)

    def reduce(self, op: str, infos: list[IndexInfo], body: ir.Term, span: Span, idents) -> ir.Term | None:
        present = {n for n, _ in body.labels}
        for info, ident in zip(infos, idents):
            if info.unique not in present:
                self.cx.sink.error(Msg.UNUSED_REDUCTION_INDEX, ident.span, op=op, index=info.source)
                return None
            if (not info.implicit and not info.subscripted and isinstance(self.cx.u.resolve(info.axis), MetaAxis)
                    and not self.range_from_shift(info)):
                self.cx.sink.error(Msg.INDEX_RANGE_UNKNOWN, ident.span, index=info.source)
                return None
        if not (isinstance(body.type, TensorType) and body.type.rank == 0):
            return self.cx.mixed(body, span)
        bound = {i.unique for i in infos}
        labels = tuple(l for l in body.labels if l[0] not in bound)
        if op in pointers.PICKS:
            picked = pointers.pick_type(self.cx, op, infos, body, span)
            if picked is None:
                return None
            return ir.Reduce(op, None, tuple((i.unique, i.axis) for i in infos), body, type=picked, labels=labels,
                             span=span)
        dtype = self.bc.operators.builtin_dtype(op, body, span)
        if dtype is None:
            return None
        return ir.Reduce(op, None, tuple((i.unique, i.axis) for i in infos), body,
                         type=TensorType((), dtype), labels=labels, span=span)

    def visit_For(self, e: ast.For, expect: Type | None = None) -> ir.Term | None:
        infos = self.bind_indices(e.indices)
        if isinstance(expect, TensorType) and expect.rank == len(infos):
            for info, axis in zip(infos, expect.axes):
                self.cx.u.unify_axis(info.axis, axis)
        body = self.with_indices(infos, e.body)
        if body is None:
            return None
        for info, ident in zip(infos, e.indices):
            # A subscript ties the index to its tensor's axis, which a polymorphic use before
            # it may leave to be solved later (by the declared type), as for a reduction.
            if (not info.subscripted and isinstance(self.cx.u.resolve(info.axis), MetaAxis)
                    and not self.range_from_shift(info)):
                self.cx.sink.error(Msg.INDEX_RANGE_UNKNOWN, ident.span, index=info.source)
                return None
        if not isinstance(body.type, TensorType):
            self.cx.sink.error(Msg.FOR_BODY_NOT_TENSOR, e.body.span, found=self.cx.show(body.type))
            return None
        if not is_scalar(body.type):
            return self.cx.mixed(body, e.body.span)
        bound = {i.unique for i in infos}
        labels = tuple(l for l in body.labels if l[0] not in bound)
        return ir.For(tuple((i.unique, i.axis) for i in infos), body,
                      type=body.type.with_axes(tuple(i.axis for i in infos)), labels=labels)
