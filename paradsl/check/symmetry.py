"""The symmetry check: every use of an index over a `set` or a `cyc` respects its group.

An index variable over a `set` may be permuted by S_n, one over a `cyc` rotated by C_n; an
expression is equivariant when it uses such an index only in ways the group preserves:

    use of an index a over                        set (S_n)   cyc (C_n)   list / fixed
    subscript of an axis of its own index set     yes         yes         yes
    a reduction over the whole set                yes         yes         yes
    `a == b` between indices of the same set      yes         yes         yes
    a difference `(a - b) mod c`                  no          yes         yes
    `a + 1`, `a < b`, a causal mask, a scan       no          no          yes
    its position as a number (an encoding)        no          no          yes

The pass runs on the zonked IR, so every index's index set is known. It interprets integer
terms abstractly: a term that depends on positions in a guarded index set is a `Pos`, a
linear form in its indices; the only ways to make it invariant again are `mod` the set's
size with coefficients summing to 0 (a difference) or 1 (a shifted index, which may
subscript the set's own axis), and `==` of two positions. Anything else that consumes a
`Pos` is a violation, reported where the position is used, with the index, the group and
a hint.

A pointer into a guarded index set (`[v] ptr n`, `argmax u. e`) is a position there too,
a bare one: a permutation of `n` moves the element it points to, and so its value. It may
subscript `n`'s own axis (a gather) and be compared with `==` to another position of `n`;
compared with a constant or ordered it breaks the group like any position. Carried as a
value (returned, stored in a `for`) it is not consumed: the group acts on it as a value.

Parameters over a runtime index set are checked where they are declared (E0301): they
exist only as leaves a 2-cell gives, and the 2-cell's own body passes this check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..types import IndexSetAxis, Kind, TensorType
from . import builtins


@dataclass(frozen=True)
class Pos:
    """An integer that depends on positions in one guarded index set."""

    axis: IndexSetAxis
    coeff: int  # the sum of the coefficients of the set's indices in the linear form
    wrapped: bool  # taken `mod` the set's size
    index: str  # one index of the form, for messages
    span: Span | None
    pure: bool  # a bare index variable, or a pointer
    pointer: bool = False  # a pointer's value: carried along, the group acts on it


class _Reported:
    """A position whose violation is already reported: consumed silently, so that one
    mistake gives one diagnostic."""


DONE = _Reported()

#: What each variable in scope stands for: a position, or None for anything else.
Env = Mapping[str, Pos | None]


def _guarded(axis) -> bool:
    return isinstance(axis, IndexSetAxis) and axis.kind in (Kind.SET, Kind.CYC)


def check_symmetry(d: ir.ParaDef, sink: DiagnosticSink) -> bool:
    """Report every symmetry violation in a para's body and ties; True if there are none."""
    before = sink.error_count
    s = _Symmetry(sink)
    if d.body is not None:
        s.map_(d.body, {})
    for case in d.cases:
        s.map_(case.body, {})
    for tie in d.ties:
        s.consume(s.term(tie.value, {}))
    return sink.error_count == before


class _Symmetry:
    """The abstract interpretation of a para's terms; the scope is passed down with each
    term, so that a binder's positions are seen exactly within its body."""

    def __init__(self, sink: DiagnosticSink):
        self.sink = sink

    # ------------------------------------------------------------------ reports
    def consume(self, p, span: Span | None = None) -> None:
        """A position reaches a place where it is used as a number."""
        if p is None or p is DONE or p.pointer:
            return
        where = p.span or span
        if p.pure or (p.wrapped and p.coeff == 1):
            self._as_value(p, where)
        elif p.axis.kind is Kind.CYC and not p.wrapped:
            self.sink.error(Msg.CYCLIC_NOT_WRAPPED, where, set=p.axis.name)
        else:
            self.sink.error(Msg.CYCLIC_NOT_INVARIANT, where, set=p.axis.name, coeff=p.coeff)

    def _as_value(self, p: Pos, span: Span | None = None) -> _Reported:
        """A position combined with a number that is not an index (a float, data): an encoding."""
        self.sink.error(Msg.POSITION_AS_VALUE, span or p.span, index=p.index, kind=p.axis.kind.value,
                        set=p.axis.name, group=p.axis.kind.group)
        return DONE

    def _arith(self, op: str, p: Pos, span: Span | None) -> _Reported:
        msg = Msg.POSITION_ARITHMETIC_SET if p.axis.kind is Kind.SET else Msg.POSITION_ARITHMETIC_CYC
        self.sink.error(msg, span or p.span, op=op, index=p.index, kind=p.axis.kind.value, set=p.axis.name,
                        group=p.axis.kind.group)
        return DONE

    # ------------------------------------------------------------------ maps
    def map_(self, m: ir.MapTerm, env: Env) -> None:
        if isinstance(m, ir.LambdaT):
            self.consume(self.term(m.body, {**env, **dict.fromkeys(m.params)}))
        elif isinstance(m, ir.Compose):
            self.map_(m.first, env)
            self.map_(m.second, env)
        elif isinstance(m, (ir.Parallel, ir.Fanout)):
            self.map_(m.left, env)
            self.map_(m.right, env)
        elif isinstance(m, (ir.MapOver, ir.Iterate)):  # a map's k-fold composite keeps its symmetry
            self.map_(m.fn, env)

    # ------------------------------------------------------------------ terms
    def term(self, t: ir.Term, env: Env) -> Pos | None:
        method = getattr(self, "_t_" + type(t).__name__, None)
        p = method(t, env) if method is not None else None  # leaves: Lit, ParamRef, LeafRef, HyperRef, SizeOf
        if p is None and isinstance(t.type, TensorType) and t.type.rank == 0 and _guarded(t.type.target):
            return Pos(t.type.target, 1, False, _pointer_name(t), t.span, True, pointer=True)
        return p

    def _t_IndexValue(self, t: ir.IndexValue, env: Env) -> Pos | None:
        (_, axis), = t.labels
        if not _guarded(axis):
            return None
        return Pos(axis, 1, False, ir.source_name(t.name), t.span, True)

    def _t_Var(self, t: ir.Var, env: Env) -> Pos | None:
        return env.get(t.name)

    def _t_Let(self, t: ir.Let, env: Env) -> Pos | None:
        return self.term(t.body, {**env, t.name: self.term(t.value, env)})

    def _t_TupleT(self, t: ir.TupleT, env: Env) -> None:
        for i in t.items:
            self.consume(self.term(i, env))

    def _t_MatMul(self, t: ir.MatMul, env: Env) -> None:
        self.consume(self.term(t.left, env))
        self.consume(self.term(t.right, env))

    def _t_Einsum(self, t: ir.Einsum, env: Env) -> None:
        for a in t.args:
            self.consume(self.term(a, env))

    def _t_Apply(self, t: ir.Apply, env: Env) -> None:
        self.consume(self.term(t.arg, env))
        self.map_(t.fn, env)

    def _t_Reduce(self, t: ir.Reduce, env: Env) -> None:
        self.consume(self.term(t.body, env))  # every reduction is commutative: sum, max, min, mean, prod

    def _t_For(self, t: ir.For, env: Env) -> None:
        self.consume(self.term(t.body, env))

    def _t_Builtin(self, t: ir.Builtin, env: Env) -> None:
        for a in t.args:
            self.consume(self.term(a, env))
        if t.name in builtins.SCANS:
            x = t.args[0]
            if t.over:
                axes = [a for n, a in x.labels if n in t.over]
            else:
                axes = [x.type.axes[-1]] if isinstance(x.type, TensorType) and x.type.axes else []
            for axis in axes:
                if _guarded(axis):
                    self.sink.error(Msg.SCAN_ON_SYMMETRIC_AXIS, t.span, op=t.name, kind=axis.kind.value,
                                    set=axis.name, group=axis.kind.group)
                    break

    def _t_Sub(self, t: ir.Sub, env: Env) -> None:
        self.consume(self.term(t.base, env))
        axes = t.base.type.axes if isinstance(t.base.type, TensorType) else ()
        for ix, axis in zip(t.indices, axes):
            if isinstance(ix, ir.IVar):
                continue
            p = self.term(ix, env)
            if p is DONE:
                continue
            if _guarded(axis):
                if p is not None and p.axis == axis and p.coeff == 1 and (p.pure or p.wrapped):
                    continue  # an index of the set itself, or a shifted one on a cyc: `x[(a - 1) mod c]`
                if p is not None:
                    self.consume(p)
                    continue
                msg = Msg.FIXED_POSITION_SUBSCRIPT if _is_constant(ix) else Msg.VALUE_POSITION_SUBSCRIPT
                self.sink.error(msg, ix.span or t.span, kind=axis.kind.value, set=axis.name, group=axis.kind.group)
            else:
                self.consume(p)

    def _t_Prim(self, t: ir.Prim, env: Env) -> Pos | None:
        args = [self.term(a, env) for a in t.args]
        if all(a is None for a in args):
            return None
        if any(a is DONE for a in args):
            return DONE
        op = t.op
        if op in ("add", "sub"):
            return self._add(t, args)
        if op == "neg":
            p = args[0]
            if p.axis.kind is Kind.SET:
                return self._arith("-", p, t.span)
            return Pos(p.axis, -p.coeff, False, p.index, t.span, False)
        if op == "mul":
            return self._mul(t, args)
        if op == "mod":
            return self._mod(t, args)
        if op in ("eq", "ne"):
            return self._equal(t, args)
        if op in ("lt", "le", "gt", "ge"):
            p = next(a for a in args if a is not None)
            sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
            msg = Msg.POSITION_ORDER_SET if p.axis.kind is Kind.SET else Msg.POSITION_ORDER_CYC
            self.sink.error(msg, t.span, op=sym, kind=p.axis.kind.value, set=p.axis.name, group=p.axis.kind.group)
            return DONE
        if op in ("div", "pow"):
            p = next(a for a in args if a is not None)
            other = t.args[1] if args[0] is not None else t.args[0]
            if args[0] is not None and args[1] is not None or _is_index_like(other):
                return self._arith({"div": "/", "pow": "**"}[op], p, t.span)
            return self._as_value(p)
        for a in args:  # where, maximum, minimum, logic, activations: positions used as numbers
            self.consume(a)
        return None

    def _add(self, t: ir.Prim, args: list[Pos | None]) -> Pos | None:
        sym = "+" if t.op == "add" else "-"
        left, right = args
        p = left if left is not None else right
        other = t.args[1] if left is not None else t.args[0]
        if (left is None or right is None) and not _is_index_like(other):
            return self._as_value(p)
        if p.axis.kind is Kind.SET or (left is not None and right is not None and left.axis != right.axis):
            return self._arith(sym, p, t.span)
        sign = 1 if t.op == "add" else -1
        coeff = (left.coeff if left is not None else 0) + sign * (right.coeff if right is not None else 0)
        return Pos(p.axis, coeff, False, p.index, t.span, False)

    def _mul(self, t: ir.Prim, args: list[Pos | None]) -> Pos | None:
        left, right = args
        p, other = (left, t.args[1]) if left is not None else (right, t.args[0])
        if left is None or right is None:
            if not _is_index_like(other):
                return self._as_value(p)
        if (left is not None and right is not None) or p.axis.kind is Kind.SET or not (
                isinstance(other, ir.Lit) and isinstance(other.value, int) and not isinstance(other.value, bool)):
            return self._arith("*", p, t.span)
        return Pos(p.axis, p.coeff * other.value, False, p.index, t.span, False)

    def _mod(self, t: ir.Prim, args: list[Pos | None]) -> Pos | None:
        left, right = args
        if right is not None:
            self.consume(right)
            return DONE
        if left.axis.kind is Kind.SET:
            return self._arith("mod", left, t.span)
        size = t.args[1]
        if not (isinstance(size, ir.SizeOf) and size.axis == left.axis):
            self.sink.error(Msg.CYCLIC_MOD_OTHER_SIZE, t.span, set=left.axis.name)
            return DONE
        if left.coeff == 0:
            return None  # a difference: invariant
        if left.coeff == 1:
            return Pos(left.axis, 1, True, left.index, t.span, False)  # a shifted index
        self.sink.error(Msg.CYCLIC_NOT_INVARIANT, t.span, set=left.axis.name, coeff=left.coeff)
        return DONE

    def _equal(self, t: ir.Prim, args: list[Pos | None]):
        left, right = args
        sym = "==" if t.op == "eq" else "!="

        def position(p: Pos | None) -> bool:
            return p is not None and p.coeff == 1 and (p.pure or p.wrapped)

        if position(left) and position(right) and left.axis == right.axis:
            return None  # equality of two positions is preserved by every bijection
        p = left if left is not None else right
        if not position(p):
            self.consume(p)
            return DONE
        kind, name, group = p.axis.kind.value, p.axis.name, p.axis.kind.group
        if left is not None and right is not None and left.axis != right.axis:
            self.sink.error(Msg.POSITION_EQUALS_OTHER_SET, t.span, op=sym, set=name, other=right.axis.name, group=group)
        elif left is None or right is None:
            self.sink.error(Msg.POSITION_EQUALS_CONSTANT, t.span, op=sym, kind=kind, set=name, group=group)
        else:
            self.sink.error(Msg.POSITION_EQUALS_ARITHMETIC, t.span, op=sym, kind=kind, set=name, group=group)
        return DONE


def _pointer_name(t: ir.Term) -> str:
    """What a pointer is called in messages: the tensor it is read from, or the pick."""
    while isinstance(t, ir.Sub):
        t = t.base
    if isinstance(t, (ir.Var, ir.ParamRef)):
        return ir.source_name(t.name)
    return str(t.op) if isinstance(t, ir.Reduce) else "pointer"


def _is_index_like(t: ir.Term) -> bool:
    """An integer that is not data: a literal, a size, an integer hyperparameter, an index."""
    if not (isinstance(t.type, TensorType) and t.type.dtype in ("i8", "i16", "i32", "i64", "u8", "u32")):
        return False
    if isinstance(t, (ir.Lit, ir.HyperRef, ir.SizeOf, ir.IndexValue)):
        return True
    if isinstance(t, ir.Prim):
        return all(_is_index_like(a) for a in t.args)
    return False


def _is_constant(t: ir.Term) -> bool:
    if isinstance(t, (ir.Lit, ir.HyperRef, ir.SizeOf)):
        return True
    if isinstance(t, ir.Prim):
        return all(_is_constant(a) for a in t.args)
    return False
