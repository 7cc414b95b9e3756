"""Pointers, `[v] ptr n`: tensors whose values are elements of an index set `n`.

A pointer is the species "pick one": a predecessor, an edge's endpoint, a token id. It is
not a number: it may subscript an axis of its own index set (`x[p[v], c]`, a gather),
be compared with a pointer into that set, an index of it or a position (`p[v] == u`), or
be made one-hot; arithmetic on it and its use as a number are refused. `argmax u. e` and
`argmin u. e` give a pointer into the range of `u`. Whether a comparison with a position
is equivariant is the symmetry pass's question: a pointer into a `set` is a position there.
"""

from __future__ import annotations

from .. import ir
from ..diagnostics import Msg, Span
from ..types import Axis, TensorType, is_int, is_ptr
from .bindings import IndexInfo
from .context import BodyContext

#: The reductions that pick an element and give a pointer to it.
PICKS = frozenset({"argmax", "argmin"})

#: The IR's elementwise operators as they are written, for messages.
_WRITTEN = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "mod", "pow": "**", "neg": "-",
            "maximum": "max", "minimum": "min"}


def target(t: ir.Term) -> Axis:
    assert isinstance(t.type, TensorType) and t.type.target is not None
    return t.type.target


def subscript(cx: BodyContext, t: ir.Term, axis: Axis, span: Span) -> bool:
    """Whether a pointer may subscript `axis`: it points into that index set; reported if not."""
    if cx.u.unify_axis(target(t), axis):
        return True
    cx.sink.error(Msg.POINTER_WRONG_SET, span, target=cx.show_axis(target(t)), axis=cx.show_axis(axis))
    return False


def arithmetic(cx: BodyContext, op: str, args: list[ir.Term], spans: list[Span]) -> bool:
    """Whether no operand of arithmetic is a pointer; the first is reported."""
    for a, s in zip(args, spans):
        if is_ptr(a.type):
            cx.sink.error(Msg.POINTER_ARITHMETIC, s, op=_WRITTEN.get(op, op), target=cx.show_axis(target(a)))
            return False
    return True


def compare(cx: BodyContext, op: str, left: ir.Term, right: ir.Term, span: Span) -> bool:
    """Whether a comparison's operands can be elements of one index set, when one is a
    pointer: another pointer into it, an index of it, or an integer (a position)."""
    for a, b in ((left, right), (right, left)):
        if not is_ptr(a.type):
            continue
        other = None
        if is_ptr(b.type):
            other = target(b)
        elif isinstance(b, ir.IndexValue):
            (_, other), = b.labels
        elif not (isinstance(b.type, TensorType) and is_int(b.type.dtype)):
            cx.sink.error(Msg.POINTER_COMPARED_VALUE, span, op=op, target=cx.show_axis(target(a)),
                          found=cx.show(b.type))
            return False
        if other is not None and not cx.u.unify_axis(target(a), other):
            cx.sink.error(Msg.POINTER_COMPARED_OTHER_SET, span, op=op, target=cx.show_axis(target(a)),
                          other=cx.show_axis(other))
            return False
        return True
    return True


def choice(cx: BodyContext, branches: list[ir.Term], spans: list[Span]) -> Axis | None:
    """The index set a choice between pointers points into: both branches point into it."""
    first = next(b for b in branches if is_ptr(b.type))
    for b, s in zip(branches, spans):
        if not is_ptr(b.type):
            cx.sink.error(Msg.POINTER_CHOICE_NUMBER, s, target=cx.show_axis(target(first)), found=cx.show(b.type))
            return None
        if not cx.u.unify_axis(target(first), target(b)):
            cx.sink.error(Msg.POINTER_CHOICE_SETS, s, target=cx.show_axis(target(first)),
                          other=cx.show_axis(target(b)))
            return None
    return target(first)


def pick_type(cx: BodyContext, op: str, infos: list[IndexInfo], body: ir.Term, span: Span) -> TensorType | None:
    """The type of `argmax u. e`: a pointer into the range of its one index."""
    if len(infos) != 1:
        cx.sink.error(Msg.ARGMAX_SEVERAL_INDICES, span, op=op, count=len(infos))
        return None
    if is_ptr(body.type):
        cx.sink.error(Msg.ARGMAX_OF_POINTER, span, op=op, found=cx.show(body.type))
        return None
    return TensorType((), "ptr", infos[0].axis)


def pick_whole(cx: BodyContext, op: str, x: ir.Term, span: Span) -> TensorType | None:
    """The type of `argmax(x)` of a whole vector: a pointer into its one axis."""
    assert isinstance(x.type, TensorType)
    if x.type.rank != 1:
        cx.sink.error(Msg.ARGMAX_RANK, span, op=op, found=cx.show(x.type))
        return None
    if is_ptr(x.type):
        cx.sink.error(Msg.ARGMAX_OF_POINTER, span, op=op, found=cx.show(x.type))
        return None
    return TensorType((), "ptr", x.type.axes[0])


def one_hot(cx: BodyContext, x: ir.Term, span: Span, call_span: Span) -> ir.Term | None:
    """`one_hot(p)`: the f32 indicator of each pointer's element, a last axis its index set."""
    if not is_ptr(x.type):
        cx.sink.error(Msg.ONE_HOT_NOT_POINTER, span, found=cx.show(x.type))
        return None
    assert isinstance(x.type, TensorType)
    return ir.Builtin("one_hot", (x,), (), type=TensorType(x.type.axes + (target(x),), "f32"), span=call_span)
