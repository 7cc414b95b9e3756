"""Every state of a fold, repetition and iteration (E08xx)."""

from __future__ import annotations

from .codes import E0801
from .template import Message


class IterateMsg:
    # ---- E0801: `scan` gives the states of a fold along a list
    SCAN_NOT_LIST_ALGEBRA = Message(
        E0801, "`scan` gives the state at every position of a list, and {name!r} is an algebra of {functor}",
        "scan an algebra of `nil | cons(A, X)`, or fold this one: `fold {name} over ...`",
    )
