"""2-cells (E04xx): reparameterisation and weight tying."""

from __future__ import annotations

from .codes import E0401, E0402, E0403, E0404, E0405, E0406, E0407, E0408, E0409
from .template import Message


class TiesMsg:
    TIE_TYPE = Message(
        E0401, "the tie gives {target} the type {found}, but the leaf has type {expected}",
        "a 2-cell gives each tied leaf exactly its declared shape and dtype{extra}",
    )
    TIE_READS_INPUT = Message(
        E0402,
        "the tie reads the input {name!r}: a reparameterisation that reads an input is a hypernetwork, not a 2-cell",
        "a tie computes a leaf from parameters only: own parameters, leaves of uses (`enc.W`), hyperparameters and reparams",
    )
    TIED_TWICE = Message(E0403, "{target} is tied twice", "the first tie is at {first}")
    TIE_CYCLE = Message(
        E0404, "the ties form a cycle: {cycle}",
        "a tied leaf is computed from free parameters; leave one leaf of the cycle free",
    )
    NOT_A_FREE_LEAF = Message(
        E0405, "{target} is tied inside {owner!r}, so it is not a free parameter of this para",
        "{hint}",
    )
    NOT_PARAMETER_ONLY = Message(
        E0406, "{problem}",
        "a 2-cell computes parameters from parameters with index notation, builtins and other reparams only",
    )
    VIA_MISMATCH = Message(
        E0407, "{reparam!r} gives {found}, but the free parameters of {callee!r} are {expected}",
        "a reparam's result is the para's free parameters: one leaf, or a tuple of all of them in order",
    )
    NOT_A_REPARAM = Message(E0408, "{problem}", "{hint}")
    ABSTRACT_LEAF_NOT_GIVEN = Message(
        E0409, "parameter {target!r} of {callee!r} is declared `~ via`, but no 2-cell gives it",
        "{fix}",
    )
