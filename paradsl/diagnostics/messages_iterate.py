"""Every state of a fold, repetition and iteration (E08xx)."""

from __future__ import annotations

from .codes import E0801, E0802, E0803, E0804, E0805, E0806, E0807, E0809, E0810
from .template import Message

_COUNT = "`iterate` runs a number of times known when the model is traced, and {name!r} is "
_COUNT_HINT = "count with a number, a `Nat` hyperparameter, an index set (its size), or a size in parentheses: `for (n - 1)`"


class IterateMsg:
    # ---- E0801: `scan` gives the states of a fold along a list
    SCAN_NOT_LIST_ALGEBRA = Message(
        E0801, "`scan` gives the state at every position of a list, and {name!r} is an algebra of {functor}",
        "scan an algebra of `nil | cons(A, X)`, or fold this one: `fold {name} over ...`",
    )

    # ---- E0802-E0805: `iterate f for k`, `iterate f until converged for k`
    ITERATE_COUNT_HYPER = Message(E0802, _COUNT + "a `{kind}` hyperparameter", _COUNT_HINT)
    ITERATE_COUNT_NAME = Message(E0802, _COUNT + "a value the model computes", _COUNT_HINT)
    ITERATE_STATE_CHANGES = Message(
        E0803, "an iterated map goes from a state to a state of the same type, and this one is {dom} -> {cod}",
        "give the map a result of the type of its input; carry what does not change in a closure, "
        "`iterate (d => step(d, w)) for k`",
    )
    RANDOM_ITERATE = Message(
        E0804, "an iterated map is deterministic, and this one draws random numbers (dropout or sample)",
        "apply the random map outside the iteration",
    )
    UNTIL_NOT_FLOATS = Message(
        E0805, "`until converged` measures how far a step moves the state, and the state {type} is not all floats",
        "iterate a state of floats, or iterate a fixed number of times: `iterate f for k`",
    )

    # ---- E0806-E0807: `uses layers : repeat n Block(...)`
    REPEAT_COUNT = Message(
        E0806, "`repeat` makes a number of copies known when the module is built, and {name!r} is not a `Nat` "
        "hyperparameter",
        "repeat a number of times given by numbers and `Nat` hyperparameters: `repeat depth {callee}(...)`, "
        "`repeat (2 * depth) {callee}(...)`",
    )
    REPEAT_CHANGES_TYPE = Message(
        E0807, "repeated copies are composed in sequence, so {callee!r} must go from a type to itself, and it is "
        "{dom} -> {cod}",
        "repeat a para whose result has the type of its input",
    )

    # ---- E0809: `tie a = b` where a and b are repeated differently
    TIE_USE_TO_REPEAT = Message(
        E0809, "tying the use {target!r} to {source!r} cannot say which copy it would be: {source!r} is {count} "
        "copies of {callee!r}, each with its own parameters",
        "tie {target!r} to a use of one copy, or share one copy among all: `repeat {count} shared {callee}(...)`",
    )
    TIE_REPEAT_TO_USE = Message(
        E0809, "tying the {count} copies {target!r} to {source!r} would make every copy the one {source!r}, and "
        "copies with one set of parameters are a shared repeat",
        "share one copy and tie it: `{target} : repeat {count} shared {callee}(...)`, `tie {target} = {source}`",
    )
    TIE_REPEAT_COUNTS = Message(
        E0809, "a tie of one repeat to another pairs their copies one to one, and {target!r} has {count} copies but "
        "{source!r} has {other}",
        "repeat the two the same number of times",
    )

    # ---- E0810: a tie of a stacked leaf that reads the stack it gives
    TIE_COPY_TO_COPY = Message(
        E0810, "the tie of {target!r} reads {target!r}: the {count} copies of {use!r} are one stacked leaf, so a "
        "copy cannot be computed from another",
        "share one copy's parameters among all, `repeat {count} shared ...`, or compute the leaf copy by copy "
        "from another leaf of the stack",
    )
