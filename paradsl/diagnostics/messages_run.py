"""A task's generator at run time (E1030-E1039): a user task that cannot be imported, that
raises, or that returns arrays its declaration does not allow. Each is located at the task's
call in the experiment, where the arguments it was given are written."""

from __future__ import annotations

from .codes import E1030, E1031, E1032, E1033, E1034, E1035, E1036, E1037, E1038, E1039
from .template import Message

_TASK = "task {task!r} "
_DECLARED = "declare the task with the types its function returns, or change the function"


class RunMsg:
    TASK_IMPORT = Message(
        E1030, _TASK + "cannot be imported from {target!r}: {reason}",
        "the target is `module:function`; the module is looked for next to the .para file first",
    )
    TASK_NO_FUNCTION = Message(
        E1031, _TASK + "names {function!r}, but module {module!r} has no such function",
        "write the target as `module:function`, the function taking (rng, batch, **arguments)",
    )
    TASK_RAISED = Message(
        E1032, _TASK + "raised {kind} while drawing a batch: {error}",
        "call the function from Python with the same arguments to see where it fails",
    )
    TASK_NOT_PAIR = Message(
        E1033, _TASK + "must return a pair (inputs, targets), but returned {found}",
        "return `inputs, targets`, numpy arrays with a leading batch axis",
    )
    TASK_STRUCTURE = Message(
        E1034, _TASK + "{where} must be {expected} ({count} array{count:|s}), but the function returned {found}",
        _DECLARED,
    )
    TASK_RANK = Message(
        E1035, _TASK + "{where} must be {expected}, {rank} axes with the batch axis, but have shape {shape}",
        _DECLARED,
    )
    TASK_DTYPE = Message(
        E1036, _TASK + "{where} must have dtype {expected}, but have dtype {found}",
        "convert with `.astype(numpy.{numpy})`, or declare the dtype the function returns",
    )
    TASK_BATCH = Message(
        E1037, _TASK + "{where} must have {batch} examples on the leading axis, but have {found}",
        "return exactly `batch` examples, the function's second argument",
    )
    TASK_FIXED_SIZE = Message(
        E1038, _TASK + "{where} must be {expected}, an axis of size {size}, but have shape {shape}",
        _DECLARED,
    )
    TASK_INDEX_SET = Message(
        E1039, _TASK + "{where} give index set {index!r} size {found}, but an earlier array gives it {first}",
        "every array of a batch must agree on the size of each index set",
    )
