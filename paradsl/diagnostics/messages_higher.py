"""Higher-order hyperparameters (E0901-E0908, and E0309 for a monoid argument that is not
commutative): maps, semirings and monoids given at a use."""

from __future__ import annotations

from .codes import E0309, E0901, E0902, E0903, E0904, E0905, E0906, E0907, E0908
from .template import Message

_MAP = "map argument {name!r} of {callee!r} "
_MONOID = "monoid argument {name!r} of {callee!r} "
_MONOID_HINT = "pass a use of a {kind} declaration, e.g. `{name} = Sum(h)`"


class HigherMsg:
    MAP_ARGUMENT_SIGNATURE = Message(
        E0901, _MAP + "must be a map {expected}, but {arg!r} is {found}",
        "pass a para of the signature the binder declares",
    )
    MAP_ARGUMENT_SYMMETRY = Message(
        E0902, _MAP + "is over the {kind} {index!r}, but {arg!r} needs the order of a {arg_kind}",
        "pass a map over a {kind}, or declare {callee!r} over a {arg_kind}",
    )
    NOT_A_MAP_ARGUMENT = Message(
        E0903, _MAP + "must be a para, but the argument is {arg}",
        "pass a use of a para, e.g. `{name} = Linear(d, d)`",
    )
    MAP_WHERE_VALUE = Message(
        E0904, "hyperparameter {name!r} of {callee!r} is {kind}, but the argument is the para {arg!r}",
        "pass a literal or one of this para's own hyperparameters",
    )
    NOT_A_SEMIRING_ARGUMENT = Message(
        E0905, "semiring argument {name!r} of {callee!r} must be a semiring, but the argument is {arg}",
        "pass a semiring by name: {known:comma}",
    )
    MISSING_MAP_ARGUMENT = Message(
        E0906, "{callee!r} needs its {kind} argument {name!r}",
        "give it at the use, e.g. `{callee}(..., {name} = ...)`",
    )
    NOT_A_MONOID_ARGUMENT = Message(
        E0907, _MONOID + "must be a {kind}, but the argument is {arg}", _MONOID_HINT,
    )
    MONOID_ARGUMENT_OF_KIND = Message(
        E0907, _MONOID + "must be a {kind}, but {arg!r} is {arg_kind:article}", _MONOID_HINT,
    )
    MONOID_ARGUMENT_TYPE = Message(
        E0908, _MONOID + "must combine {elem} on {carrier}, but {arg!r} combines {found_elem} on {found_carrier}",
        "pass a monoid of the elements and carrier the binder declares",
    )
    MONOID_ARGUMENT_NOT_COMMUTATIVE = Message(
        E0309, _MONOID + "must be a commutative monoid, but {arg!r} is not: it depends on the order of its elements",
        "pass a commutative monoid (Sum, Max, Min, LogSumExp, or one commutative by construction), "
        "or declare the binder `monoid` and fold it over a `list` only",
    )
