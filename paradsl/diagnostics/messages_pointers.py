"""Every mistake with a pointer, a tensor whose values are elements of an index set (E1101-E1111)."""

from __future__ import annotations

from .codes import E1101, E1102, E1103, E1104, E1105, E1106, E1107, E1108, E1109, E1110, E1111
from .template import Message

_POINTER = "a pointer is an element of its index set, not a number: "


class PointersMsg:
    # ---- E1101: `x[p[v]]` where `p` points into another index set than `x`'s axis
    POINTER_WRONG_SET = Message(
        E1101, "this pointer points into {target}, and it subscripts an axis of {axis}",
        "a pointer picks an element of its own index set: subscript a tensor whose axis there is its index set",
    )

    # ---- E1102: `p[v] + 1`, `-p[v]`
    POINTER_ARITHMETIC = Message(
        E1102, "`{op}` on a pointer into {target}",
        _POINTER + "compare it (`p[v] == u`), gather through it (`x[p[v]]`) or make it one-hot (`one_hot(p)`)",
    )

    # ---- E1103: `p[v] == q[w]` into two sets, `p[v] == 0.5`
    POINTER_COMPARED_OTHER_SET = Message(
        E1103, "`{op}` compares a pointer into {target} with an element of {other}",
        "pointers into different index sets are never equal: compare pointers into one index set",
    )
    POINTER_COMPARED_VALUE = Message(
        E1103, "`{op}` compares a pointer into {target} with a value of type {found}",
        "compare a pointer with a pointer into the same index set, an index of that set, or an integer position",
    )

    # ---- E1104: `argmax u w. e`, `argmax(x)` on a matrix
    ARGMAX_SEVERAL_INDICES = Message(
        E1104, "`{op}` picks one element of one index set, and this one ranges over {count} indices",
        "pick along one index, `{op} u. e[u]`; nest two to pick a pair",
    )
    ARGMAX_RANK = Message(
        E1104, "`{op}` of a whole tensor picks along its one axis, and this one is {found}",
        "pick along one index: `{op} u. x[u, c]`",
    )

    # ---- E1105: `argmax u. p[u]`
    ARGMAX_OF_POINTER = Message(
        E1105, "`{op}` compares numbers, and this body is a pointer, {found}",
        "pointers have no order that an equivariant map may use: take `{op}` of scores",
    )

    # ---- E1106: `one_hot(x)` of a float or integer tensor
    ONE_HOT_NOT_POINTER = Message(
        E1106, "`one_hot` gives the indicator of a pointer's element, and this is {found}",
        "give it a pointer, `[v] ptr n`, or an `argmax`: `one_hot(for v. argmax u. s[v, u])`",
    )

    # ---- E1107: `relu(p)`, `sum v. p[v]`
    POINTER_AS_NUMBER = Message(
        E1107, "`{name}` computes with numbers, and this is a pointer, {found}",
        _POINTER + "gather through it (`x[p[v]]`) or make it one-hot (`one_hot(p)`) first",
    )

    # ---- E1108: a pointer loss whose scores are not over the pointer's index set
    POINTER_TARGET_CLASSES = Message(
        E1108, "{measure!r} scores the target {target}, pointers into {points!r}, over the class axis {axis!r}",
        "a pointer is scored over the index set it points into: give the prediction a last axis {points!r}",
    )

    # ---- E1110: `if c then p[w] else 0`, `where(c, p, q)` into two sets
    POINTER_CHOICE_NUMBER = Message(
        E1110, "one branch is a pointer into {target}, and this one is {found}",
        "both branches of a choice of pointers point into one index set: give this one a pointer too",
    )
    POINTER_CHOICE_SETS = Message(
        E1110, "one branch is a pointer into {target}, and this one a pointer into {other}",
        "both branches of a choice of pointers point into one index set",
    )

    # ---- E1111: `params P : [4] ptr n`
    POINTER_PARAM = Message(
        E1111, "parameter {name!r} is a pointer, {found}, and parameters are learned by gradients, which "
               "pointers do not have",
        "learn scores instead, `[4, n]`, and pick with `argmax`; or take the pointer as an input",
    )

    # ---- E1109: a task's pointer array holds a value outside its index set (at run time)
    TASK_POINTER_RANGE = Message(
        E1109, "task {task!r} {where} are pointers into {points!r} of size {size}, and one is {found}",
        "a pointer is a position in its index set, from 0 to {size} - 1: nothing wraps or clamps it",
    )
