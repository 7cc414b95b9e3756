"""Names, imports and declarations (E01xx)."""

from __future__ import annotations

from .codes import E0101, E0102, E0103, E0104, E0105, E0106, E0107, E0108, E0109
from .template import Message, Text

#: The hint for a name that is close to a known one.
DID_YOU_MEAN = Text("did you mean {close!r}?")

_UNKNOWN_NAME = "unknown name {name!r}"
_IMPORT = "cannot find {what!r} to import"
_INIT = "unknown initialiser {name!r}"
_NOT_A_PARA = "{name!r} is not a para and cannot be used as a sub-map"
_NOT_A_PARA_HINT = "a `uses` entry instantiates a para: `uses enc : Linear(d, k)`"
_FIELD = "{owner!r} has no parameter or use named {name!r}"


class NamesMsg:
    # ---- E0101: unknown names, with what to write instead
    UNKNOWN_NAME_CLOSE = Message(E0101, _UNKNOWN_NAME, DID_YOU_MEAN.text)
    UNKNOWN_NAME_NOT_CLOSE = Message(E0101, _UNKNOWN_NAME)
    UNKNOWN_NAME_IMPORT = Message(E0101, _UNKNOWN_NAME, "{name!r} is in the standard library: add `import {module}`")
    UNKNOWN_BODY_NAME = Message(
        E0101, _UNKNOWN_NAME,
        "bind it with `let` or declare it in `params`; only a single lowercase letter is a free index variable",
    )
    UNKNOWN_SIZE_NAME = Message(
        E0101, _UNKNOWN_NAME, "declare it as a hyperparameter `({name}: Nat)` or an index set `({name} : set)`"
    )
    UNKNOWN_SUBSCRIPT_NAME = Message(
        E0101, _UNKNOWN_NAME,
        "a free index variable is a single lowercase letter; "
        "bind a longer index name with `for {name}.` or `sum {name}.`",
    )
    UNKNOWN_SEMIRING = Message(E0101, _UNKNOWN_NAME, "the semirings are {known:comma}")
    UNKNOWN_FUNCTOR = Message(E0101, _UNKNOWN_NAME, "declare it: `functor ListF(A) = nil | cons(A, X)`")
    UNKNOWN_UNFOLD_LENGTH = Message(
        E0101, _UNKNOWN_NAME,
        "`unfold` runs for a `Nat` hyperparameter's number of steps, or along an index set of the input",
    )
    UNKNOWN_SCHEME_AXIS = Message(
        E0101, _UNKNOWN_NAME, "`{scheme}` runs along an index set of the input, declared `({name} : list)`"
    )
    UNKNOWN_ARITHMETIC_INDEX = Message(
        E0101, _UNKNOWN_NAME, "an index used only in arithmetic needs a result type that gives its range"
    )
    UNKNOWN_INDEX = Message(E0101, _UNKNOWN_NAME, "declare it, or subscript a tensor with it to use it as an index")
    UNKNOWN_OVER_INDEX = Message(E0101, _UNKNOWN_NAME, "`over` names an index variable of the argument")

    # ---- E0102-E0105: definitions and imports
    DUPLICATE_DEFINITION = Message(E0102, "{name!r} is defined twice", "the first definition is at {first}")
    IMPORT_STD_NOT_FOUND = Message(E0103, _IMPORT, "the standard library has: {available:comma}")
    IMPORT_FILE_NOT_FOUND = Message(E0103, _IMPORT, "looked for {path}")
    IMPORT_CYCLE = Message(E0104, "import cycle: {cycle:arrow}", "move the shared declarations into a third file")
    DUPLICATE_LOCAL = Message(
        E0105, "{name!r} is declared twice in {where!r}",
        "hyperparameters, index sets, parameters and uses share one namespace; rename one",
    )

    # ---- E0106-E0109: what a para is made of
    RECURSIVE_PARA_PATH = Message(
        E0106, "{name!r} uses itself through {path:arrow}",
        "a para's parameter space would be infinite; recursion is written as a recursion scheme, "
        "`fold A over t` (docs/reference.md, section 7.4)",
    )
    UNKNOWN_INIT = Message(E0107, _INIT, "known initialisers: {known:comma}")
    UNKNOWN_INIT_OR_VIA = Message(
        E0107, _INIT, "known initialisers: {known:comma}, and `via` for a leaf a 2-cell gives"
    )
    NOT_A_PARA = Message(E0108, _NOT_A_PARA, _NOT_A_PARA_HINT)
    NOT_A_PARA_EXPRESSION = Message(E0108, _NOT_A_PARA.replace("{name!r}", "'this expression'"), _NOT_A_PARA_HINT)
    UNKNOWN_FIELD_CLOSE = Message(E0109, _FIELD, DID_YOU_MEAN.text)
    UNKNOWN_OWN_FIELD = Message(E0109, _FIELD, "its parameters and uses are {options:comma}")
    UNKNOWN_FIELD_NO_OWN = Message(E0109, _FIELD, "{owner!r} has no parameters or uses")
    UNKNOWN_USE_FIELD = Message(E0109, _FIELD, "it has {options:comma}")
    UNKNOWN_FIELD_NO_PARAMS = Message(E0109, _FIELD, "{owner!r} has no parameters")
