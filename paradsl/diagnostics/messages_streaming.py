"""Streamed evaluation and the extracted machine (E1040-E1045): an evaluation set's `chunk`
and an experiment's `verify machine`, accepted only for a model whose state is all that
passes from one position to the next (a `run` of a Mealy machine over the list, then maps
at each position), and, for the verification, a state that is a choice among classes."""

from __future__ import annotations

from .codes import E1040, E1041, E1042, E1043, E1044, E1045
from .template import Message

_STREAMABLE = ("write the model as `run M over t >> ((ys, s) => ys)`, optionally followed by "
               "`map f over t`: then the machine's state is all one position passes to the next")


class StreamingMsg:
    CHUNK_NOT_STREAMABLE = Message(
        E1040, "evaluation set {set!r} is cut into chunks, and model {model!r} cannot be streamed: its body is "
        "not a run of a Mealy machine over the list followed by maps at each position",
        _STREAMABLE + "; or drop `chunk` and evaluate the whole list at once",
    )
    CHUNK_MEASURE = Message(
        E1041, "evaluation set {set!r} is cut into chunks, and {measure!r} has no rule to combine its chunks",
        "the measures a chunked evaluation can combine are {known:comma}",
    )
    UNKNOWN_VERIFY = Message(
        E1042, "there is no verification {name!r}", "the verifications are {known:comma}",
    )
    VERIFY_NO_MACHINE = Message(
        E1043, "`verify machine` needs a finite machine, and model {model!r} is not a run of a Mealy machine "
        "over its list",
        _STREAMABLE,
    )
    VERIFY_STATE = Message(
        E1044, "`verify machine` reads a state of classes, and machine {machine!r} has state {state}",
        "give the machine a state over one axis of k classes, such as a softmax at inverse temperature beta",
    )
    VERIFY_NO_REFERENCE = Message(
        E1045, "task {task!r} declares no reference machine to verify model {model!r} against",
        "the tasks with a reference machine are {known:comma}",
    )
