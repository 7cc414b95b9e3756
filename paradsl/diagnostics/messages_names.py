"""Names, imports and declarations (E01xx)."""

from __future__ import annotations

from .codes import E0101, E0102, E0103, E0104, E0105, E0106, E0107, E0108, E0109
from .template import Message


class NamesMsg:
    UNKNOWN_NAME = Message(E0101, "unknown name {name!r}", "{hint}")
    DUPLICATE_DEFINITION = Message(E0102, "{name!r} is defined twice", "the first definition is at {first}")
    IMPORT_NOT_FOUND = Message(E0103, "cannot find {what!r} to import", "{hint}")
    IMPORT_CYCLE = Message(E0104, "import cycle: {cycle}", "move the shared declarations into a third file")
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
