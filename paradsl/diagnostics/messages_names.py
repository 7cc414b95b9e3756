"""Names, imports and declarations (E01xx)."""

from __future__ import annotations

from .codes import E0101, E0102, E0103, E0104, E0105, E0106, E0107, E0108, E0109
from .template import Message, Text

#: The hint for a name that is close to a known one.
DID_YOU_MEAN = Text("did you mean {close!r}?")

_UNKNOWN_NAME = "unknown name {name!r}"


class NamesMsg:
    UNKNOWN_NAME = Message(E0101, _UNKNOWN_NAME, "{hint}")
    UNKNOWN_NAME_CLOSE = Message(E0101, _UNKNOWN_NAME, DID_YOU_MEAN.text)
    UNKNOWN_SIZE_NAME = Message(
        E0101, _UNKNOWN_NAME, "declare it as a hyperparameter `({name}: Nat)` or an index set `({name} : set)`"
    )
    DUPLICATE_DEFINITION = Message(E0102, "{name!r} is defined twice", "the first definition is at {first}")
    IMPORT_STD_NOT_FOUND = Message(
        E0103, "cannot find {what!r} to import", "the standard library has: {available:comma}"
    )
    IMPORT_FILE_NOT_FOUND = Message(E0103, "cannot find {what!r} to import", "looked for {path}")
    IMPORT_CYCLE = Message(E0104, "import cycle: {cycle:arrow}", "move the shared declarations into a third file")
    DUPLICATE_LOCAL = Message(
        E0105, "{name!r} is declared twice in {where!r}",
        "hyperparameters, index sets, parameters and uses share one namespace; rename one",
    )
    RECURSIVE_PARA = Message(
        E0106, "{name!r} uses itself through {path}",
        "a para's parameter space would be infinite; recursion is written as a fold (section 5)",
    )
    UNKNOWN_INITIALIZER = Message(E0107, "unknown initialiser {name!r}", "known initialisers: {known}")
    NOT_A_PARA = Message(
        E0108, "{name!r} is not a para and cannot be used as a sub-map",
        "a `uses` entry instantiates a para: `uses enc : Linear(d, k)`",
    )
    UNKNOWN_FIELD = Message(E0109, "{owner!r} has no parameter or use named {name!r}", "{hint}")
