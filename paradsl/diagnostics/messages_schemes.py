"""Functors, algebras and coalgebras (E05xx), and semirings (E06xx)."""

from __future__ import annotations

from .codes import E0501, E0502, E0503, E0504, E0505, E0506, E0601
from .template import Message


class SchemesMsg:
    MISSING_CASE = Message(E0501, "{name!r} has no case for {ctor!r}", "{hint}")
    UNKNOWN_CASE = Message(E0502, "{problem}", "{hint}")
    WRONG_SCHEME = Message(E0503, "{problem}", "{hint}")
    UNFOLD_LENGTH = Message(
        E0504, "`unfold` over {what} has no length known when the model runs",
        "unfold over a fixed size (a `Nat` hyperparameter or a number) or over an index set of the input",
    )
    NOT_COMMUTATIVE = Message(
        E0505,
        "the `combine` of {name!r} is not symmetric in its two arguments, so it is not commutative by construction",
        "write it through a commutative operation, e.g. `ginv(g(a) + g(b))` or `max(a, b)` (a symmetrised cell `g(a, b) + g(b, a)` commutes but is not associative); or declare it a plain `monoid`",
    )
    BAD_FUNCTOR = Message(E0506, "{problem}", "{hint}")
    BAD_SEMIRING = Message(E0601, "{problem}", "{hint}")
