"""Batches of a task, drawn and held to the task's declared types.

A batch is a function of (seed, stream, step) alone: stream 0 is training, 1 + i the i-th
evaluation set, so batch k is the same whether or not a run was resumed. What a user's task
function returns is checked against its declaration before the model sees it, so that a
mistake in the generator is a located diagnostic (E1030-E1039), not an XLA shape error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..diagnostics.messages import Msg
from ..diagnostics.report import Diagnostic, DiagnosticSink
from ..diagnostics.span import BUILTIN, Span
from ..diagnostics.template import Message
from ..ir.experiment import TaskCall
from ..types.types import FixedAxis, IndexSetAxis, TensorType, TupleType, Type
from . import tasks

#: The language's dtypes as numpy names them.
_NUMPY_DTYPES = {"bf16": "bfloat16", "f16": "float16", "f32": "float32", "f64": "float64", "i8": "int8",
                 "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "u32": "uint32", "bool": "bool", "ptr": "int32"}

TaskFn = Callable[..., Any]


class TaskError(Exception):
    """A task that cannot be imported, raised, or returned what its declaration does not
    allow; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(diagnostic.header())


def _fail(msg: Message, span: Span | None, **values: object) -> TaskError:
    sink = DiagnosticSink()
    sink.error(msg, span or BUILTIN, **values)
    return TaskError(sink.diagnostics[0])


def batch_rng(seed: int, stream: int, step: int) -> np.random.Generator:
    """The generator of batch `step` of `stream`."""
    return tasks.batch_rng(seed, stream, step)


def resolve(call: TaskCall, base: Path) -> TaskFn:
    """The Python function `call.target` (`module:function`) names, the .para file's folder
    first on the import path: E1031 where the module imports but lacks the function, E1030
    where the module itself cannot be imported."""
    try:
        return tasks.resolve(call.target, base)
    except tasks.TaskImportError as e:
        module, _, function = call.target.partition(":")
        if module in sys.modules:
            raise _fail(Msg.TASK_NO_FUNCTION, call.span, task=call.task, module=module, function=function) from None
        raise _fail(Msg.TASK_IMPORT, call.span, task=call.task, target=call.target, reason=str(e)) from None


@dataclass(frozen=True)
class Batch:
    """Inputs and targets as numpy arrays (or tuples of them), a leading batch axis on each."""

    inputs: Any
    targets: Any
    #: Each index set's size in this batch, by name.
    sizes: tuple[tuple[str, int], ...]


def draw(fn: TaskFn, call: TaskCall, seed: int, stream: int, step: int, batch: int) -> Batch:
    """Batch `step` of `stream`: `batch` examples from `fn`, checked against `call`'s types."""
    try:
        out = fn(batch_rng(seed, stream, step), batch, **call.kwargs())
    except Exception as e:  # noqa: BLE001 - the user's generator failing is a located error
        raise _fail(Msg.TASK_RAISED, call.span, task=call.task, kind=type(e).__name__,
                    error=_first_line(e)) from None
    if not isinstance(out, tuple) or len(out) != 2:
        raise _fail(Msg.TASK_NOT_PAIR, call.span, task=call.task, found=_describe(out))
    sizes: dict[str, int] = {}
    inputs = _fit(out[0], call.input, call, "inputs", batch, sizes)
    targets = _fit(out[1], call.output, call, "targets", batch, sizes)
    _pointers_in_range(inputs, call.input, call, "inputs", sizes)
    _pointers_in_range(targets, call.output, call, "targets", sizes)
    return Batch(inputs, targets, tuple(sizes.items()))


def _pointers_in_range(value: Any, t: Type, call: TaskCall, where: str, sizes: dict[str, int]) -> None:
    """Every pointer of a batch is a position in its index set: one outside it would be read
    by a gather as another element (JAX clamps) or as none, silently (E1109)."""
    if isinstance(t, TupleType):
        for i, (v, s) in enumerate(zip(value, t.items)):
            _pointers_in_range(v, s, call, f"{where}[{i}]", sizes)
        return
    if not (isinstance(t, TensorType) and t.target is not None) or value.size == 0:
        return
    axis = t.target
    if isinstance(axis, IndexSetAxis):
        size = sizes.get(axis.name)
    else:
        size = axis.size.const_value if axis.size.is_const else None
    if size is None:
        return  # a size set by a hyperparameter: the model's gather is the check
    low, high = int(value.min()), int(value.max())
    if low < 0 or high >= size:
        raise _fail(Msg.TASK_POINTER_RANGE, call.span, task=call.task, where=where, points=str(axis), size=size,
                    found=low if low < 0 else high)


def _fit(value: Any, t: Type, call: TaskCall, where: str, batch: int, sizes: dict[str, int]) -> Any:
    if isinstance(t, TupleType):
        if not isinstance(value, tuple | list) or len(value) != len(t.items):
            raise _fail(Msg.TASK_STRUCTURE, call.span, task=call.task, where=where, expected=str(t),
                        count=len(t.items), found=_describe(value))
        return tuple(_fit(v, s, call, f"{where}[{i}]", batch, sizes) for i, (v, s) in enumerate(zip(value, t.items)))
    assert isinstance(t, TensorType)
    array = np.asarray(value) if isinstance(value, np.ndarray | np.generic | int | float | bool | list) else None
    if array is None:
        raise _fail(Msg.TASK_STRUCTURE, call.span, task=call.task, where=where, expected=str(t), count=1,
                    found=_describe(value))
    if array.ndim != t.rank + 1:
        raise _fail(Msg.TASK_RANK, call.span, task=call.task, where=where, expected=str(t),
                    rank=t.rank + 1, shape=tuple(array.shape))
    if array.dtype != np.dtype(_NUMPY_DTYPES[t.dtype]):
        raise _fail(Msg.TASK_DTYPE, call.span, task=call.task, where=where, expected=t.dtype,
                    numpy=_NUMPY_DTYPES[t.dtype], found=str(array.dtype))
    if array.shape[0] != batch:
        raise _fail(Msg.TASK_BATCH, call.span, task=call.task, where=where, batch=batch, found=array.shape[0])
    for axis, n in zip(t.axes, array.shape[1:]):
        if isinstance(axis, FixedAxis) and axis.size.is_const and axis.size.const_value != n:
            raise _fail(Msg.TASK_FIXED_SIZE, call.span, task=call.task, where=where, expected=str(t),
                        size=axis.size.const_value, shape=tuple(array.shape))
        if isinstance(axis, IndexSetAxis) and sizes.setdefault(axis.name, n) != n:
            raise _fail(Msg.TASK_INDEX_SET, call.span, task=call.task, where=where, index=axis.name,
                        first=sizes[axis.name], found=n)
    return array


def _describe(value: Any) -> str:
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__
