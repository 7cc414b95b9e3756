"""2-cells (E04xx): reparameterisation and weight tying."""

from __future__ import annotations

from .codes import E0401, E0402, E0403, E0404, E0405, E0406, E0407, E0408, E0409
from .template import Message

_TIE = "the tie gives {target} the type {found}, but the leaf has type {expected}"
_TIE_HINT = "a 2-cell gives each tied leaf exactly its declared shape and dtype"
_TIE_USE = "the tie gives the use {target!r} the type "
_FREE_LEAF = "{target} is tied inside {owner!r}, so it is not a free parameter of this para"
_PARAMETER_ONLY = "a 2-cell computes parameters from parameters with index notation, builtins and other reparams only"
_REPARAM_HAS_NO = "a reparam has no {what}: it is a function of its input Q, the free parameters it is given"
_APPLIES_PARA = (
    " applies the para {name!r}: its value would depend on that para's own parameters and input, "
    "so it is not a reparameterisation"
)
_RANDOM = " is random; a reparameterisation is a deterministic function of the parameters"
_VIA = "{reparam!r} gives {found}, but the free parameters of {callee!r} are "
_VIA_HINT = "a reparam's result is the para's free parameters: one leaf, or a tuple of all of them in order"
_VIA_RIGHT = "; the right of `via` is a 2-cell"
_VIA_RIGHT_HINT = "declare it `reparam R(...) : Q => P = q => ...`"
_NOT_GIVEN = "parameter {target!r} of {callee!r} is declared `~ via`, but no 2-cell gives it"
_REPARAMETERISE = "reparameterise it where it is used, `{callee}(...) via R`"


class TiesMsg:
    TIE_LEAF_TYPE = Message(E0401, _TIE, _TIE_HINT)
    TIE_USE_TO_VALUE = Message(
        E0401, _TIE_USE + "a value, but the leaf has type a use of a para",
        _TIE_HINT + "; `tie a = b` ties every leaf of the use a to the same leaf of b",
    )
    TIE_USE_TO_USE = Message(
        E0401, _TIE_USE + "({theirs:comma}), but the leaf has type ({mine:comma})",
        _TIE_HINT + "; a use is tied to a use of the same para with the same sizes",
    )
    TIE_USE_TO_LEAF = Message(
        E0401, _TIE_USE + "the leaf {leaf!r}, but the leaf has type ({mine:comma})",
        _TIE_HINT + "; a use is tied to a use of the same para with the same sizes",
    )
    TIE_READS_INPUT = Message(
        E0402,
        "the tie reads the input {name!r}: a reparameterisation that reads an input is a hypernetwork, not a 2-cell",
        "a tie computes a leaf from parameters only: own parameters, leaves of uses (`enc.W`), hyperparameters "
        "and reparams",
    )
    TIED_TWICE = Message(E0403, "{target} is tied twice", "the first tie is at {first}")
    TIE_CYCLE_PATH = Message(
        E0404, "the ties form a cycle: {cycle:arrow}",
        "a tied leaf is computed from free parameters; leave one leaf of the cycle free",
    )
    TIED_LEAF_TO_TIE = Message(E0405, _FREE_LEAF, "tie a leaf that it leaves free")
    TIED_LEAF_TO_READ = Message(E0405, _FREE_LEAF, "read the leaves it is computed from")
    REPARAM_OWN_PARAMS = Message(E0406, _REPARAM_HAS_NO.format(what="parameters of its own"), _PARAMETER_ONLY)
    REPARAM_USES = Message(E0406, _REPARAM_HAS_NO.format(what="uses"), _PARAMETER_ONLY)
    REPARAM_TIES = Message(E0406, _REPARAM_HAS_NO.format(what="ties"), _PARAMETER_ONLY)
    TIE_APPLIES_PARA = Message(E0406, "a tie" + _APPLIES_PARA, _PARAMETER_ONLY)
    REPARAM_APPLIES_PARA = Message(E0406, "a reparam" + _APPLIES_PARA, _PARAMETER_ONLY)
    SAMPLE_IN_REPARAM = Message(E0406, "`sample`" + _RANDOM, _PARAMETER_ONLY)
    DROPOUT_IN_REPARAM = Message(E0406, "`dropout`" + _RANDOM, _PARAMETER_ONLY)
    VIA_MISMATCH_ONE = Message(E0407, _VIA + "{leaf}", _VIA_HINT)
    VIA_MISMATCH_MANY = Message(E0407, _VIA + "({leaves:comma})", _VIA_HINT)
    INIT_IN_PARA = Message(
        E0408, "`init` belongs to a reparam, where it initialises the free parameters Q",
        "a para initialises each parameter where it declares it: `params W : [d, d] ~ glorot`",
    )
    VIA_ON_COMPOSITE = Message(
        E0408, "`via` reparameterises a para, and this is a composite map",
        "name the para on the left of `via`: `Dense(c) via Circulant(k)`",
    )
    VIA_PARA = Message(E0408, "{name!r} is a para" + _VIA_RIGHT, _VIA_RIGHT_HINT)
    VIA_BUILTIN = Message(E0408, "{name!r} is a builtin function" + _VIA_RIGHT, _VIA_RIGHT_HINT)
    VIA_NOT_REPARAM = Message(E0408, "{name!r} is not a reparam" + _VIA_RIGHT, _VIA_RIGHT_HINT)
    VIA_EXPRESSION = Message(E0408, "this is not a reparam" + _VIA_RIGHT, _VIA_RIGHT_HINT)
    REPARAM_AS_MAP = Message(
        E0408, "{name!r} is a reparam, a 2-cell, not a map",
        "apply it to a para's parameters: `f via {name}`, or `tie leaf = {name}(...)`",
    )
    LEAF_NOT_GIVEN = Message(E0409, _NOT_GIVEN, _REPARAMETERISE)
    NAMED_LEAF_NOT_GIVEN = Message(E0409, _NOT_GIVEN, _REPARAMETERISE + ", or tie it, `tie {target} = ...`")
