"""Limits (E0224): sizes too large for the checker to multiply out."""

from __future__ import annotations

from .codes import E0224
from .template import Message

_TERMS = "up to {terms} terms multiplied out, more than the limit of {limit}"
_DEGREE = "degree {degree}, more than the limit of {limit}"
_HINT = "name the size: make it a `Nat` hyperparameter of its own, whose value the user gives"


class LimitsMsg:
    # ---- E0224: a size whose normal form would be too large
    SIZE_TOO_MANY_TERMS = Message(E0224, "this size has " + _TERMS, _HINT)
    SIZE_DEGREE_TOO_HIGH = Message(E0224, "this size has " + _DEGREE, _HINT)
    USE_SIZE_TOO_MANY_TERMS = Message(E0224, "with these arguments, a size of {callee!r} has " + _TERMS, _HINT)
    USE_SIZE_DEGREE_TOO_HIGH = Message(E0224, "with these arguments, a size of {callee!r} has " + _DEGREE, _HINT)
    DECL_SIZE_TOO_MANY_TERMS = Message(
        E0224, "with its uses' arguments put in, a size inside {name!r} has " + _TERMS, _HINT,
    )
    DECL_SIZE_DEGREE_TOO_HIGH = Message(
        E0224, "with its uses' arguments put in, a size inside {name!r} has " + _DEGREE, _HINT,
    )
