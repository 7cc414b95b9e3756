"""Types of the para language: index sets (species), tensor types, tuples and maps.

    axis   ::= FixedAxis(poly)             a feature axis of a size known at construction
             | IndexSetAxis(name, kind)    a declared runtime index set: set (S_n), list, cyc (C_n)
             | MetaAxis(id)                an index set still to be inferred (checker-internal)
    type   ::= TensorType(axis*, dtype, target?) | TupleType(type*) | MapType(type, type)

A pointer, `[v] ptr n`, is a tensor of dtype `ptr` whose `target` is the index set (or
fixed size) its values are elements of: the species "pick one". It is a dtype rather than
an axis kind because it says what each element is, not how the tensor is laid out: its
axes are ordinary axes, and a permutation of `n` acts on it through its values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .sizes import Poly


class Kind(enum.Enum):
    """The species of a runtime index set, and the group that acts on it."""

    SET = "set"
    LIST = "list"
    CYC = "cyc"

    @property
    def group(self) -> str:
        return {"set": "S_n", "cyc": "C_n", "list": "no group"}[self.value]


@dataclass(frozen=True, slots=True)
class FixedAxis:
    size: Poly

    def __str__(self) -> str:
        return str(self.size)


@dataclass(frozen=True, slots=True)
class IndexSetAxis:
    name: str
    kind: Kind

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class MetaAxis:
    id: int
    hint: str = "?"  # a name for messages: the callee's index set, or the index variable

    def __str__(self) -> str:
        return f"?{self.hint}"


Axis = FixedAxis | IndexSetAxis | MetaAxis

FLOAT_DTYPES = ("bf16", "f16", "f32", "f64")
INT_DTYPES = ("i8", "i16", "i32", "i64", "u8", "u32")
DTYPES = FLOAT_DTYPES + INT_DTYPES + ("bool",)
#: The dtype of a pointer: an element of its type's `target`, an int32 when it runs.
PTR = "ptr"


@dataclass(frozen=True, slots=True)
class TensorType:
    axes: tuple[Axis, ...]
    dtype: str = "f32"
    target: Axis | None = None  # the index set a `ptr` points into; None for any other dtype

    def __str__(self) -> str:
        dims = "[" + ", ".join(str(a) for a in self.axes) + "]"
        dtype = f"ptr {self.target}" if self.dtype == PTR else self.dtype
        if not self.axes:
            return dtype
        return dims if self.dtype == "f32" else f"{dims} {dtype}"

    def with_axes(self, axes: tuple[Axis, ...]) -> "TensorType":
        """The same element type (a pointer's target kept) over other axes."""
        return TensorType(axes, self.dtype, self.target)

    @property
    def rank(self) -> int:
        return len(self.axes)


@dataclass(frozen=True, slots=True)
class TupleType:
    items: tuple["Type", ...]

    def __str__(self) -> str:
        return "(" + ", ".join(str(t) for t in self.items) + ")"


@dataclass(frozen=True, slots=True)
class MapType:
    dom: "Type"
    cod: "Type"

    def __str__(self) -> str:
        return f"{self.dom} -> {self.cod}"


Type = TensorType | TupleType | MapType

SCALAR = TensorType((), "f32")
BOOL = TensorType((), "bool")
INDEX = TensorType((), "i32")


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_DTYPES


def is_int(dtype: str) -> bool:
    return dtype in INT_DTYPES


def is_ptr(t: object) -> bool:
    """Whether a type is a pointer tensor, `[v] ptr n`."""
    return isinstance(t, TensorType) and t.dtype == PTR


#: The integers each integer dtype holds, and the largest finite number of each float dtype.
INT_RANGE = {"i8": (-2**7, 2**7 - 1), "i16": (-2**15, 2**15 - 1), "i32": (-2**31, 2**31 - 1),
             "i64": (-2**63, 2**63 - 1), "u8": (0, 2**8 - 1), "u32": (0, 2**32 - 1)}
FLOAT_MAX = {"bf16": 3.3895313892515355e38, "f16": 65504.0, "f32": 3.4028234663852886e38,
             "f64": 1.7976931348623157e308}
#: The largest size of an axis: JAX's shapes are int64.
MAX_SIZE = 2**63 - 1


def fits(value: int | float | bool, dtype: str) -> bool:
    """Whether a literal converts to `dtype` exactly enough: an integer within the dtype's
    range (and JAX's own i32, which Python integers pass through), a float finite in it
    unless it is infinity itself. A float never fits an integer dtype, except a whole one."""
    if isinstance(value, bool) or dtype == "bool":
        return isinstance(value, bool) or value in (0, 1)
    if isinstance(value, int) and not INT_RANGE["i32"][0] <= value <= INT_RANGE["i32"][1]:
        return False  # JAX refuses a Python int beyond int32 with x64 disabled
    if is_float(dtype):
        return value != value or abs(value) == float("inf") or abs(value) <= FLOAT_MAX[dtype]
    if isinstance(value, float) and not value.is_integer():
        return False
    low, high = INT_RANGE[dtype]
    return low <= value <= high


def dtype_range(dtype: str) -> tuple[str, str]:
    """The least and greatest values of `dtype`, as they are written in messages."""
    if is_float(dtype):
        return f"-{FLOAT_MAX[dtype]:.7g}", f"{FLOAT_MAX[dtype]:.7g}"
    low, high = INT_RANGE[dtype] if dtype != "bool" else (0, 1)
    return str(low), str(high)


def hyper_fits(kind: str, value: int | float | bool) -> bool:
    """Whether a hyperparameter's value holds in what it becomes: a `Float` an f32 (finite,
    as it was written), a `Nat` or `Int` a size or an i64 offset."""
    if kind == "Float":
        return abs(value) <= FLOAT_MAX["f32"]
    if kind in ("Nat", "Int"):
        low, high = INT_RANGE["i64"]
        return low <= value <= high
    return True


def hyper_range(kind: str) -> tuple[str, str]:
    """The least and greatest values of a hyperparameter kind, as written in messages."""
    if kind == "Float":
        return dtype_range("f32")
    return ("0" if kind == "Nat" else str(INT_RANGE["i64"][0])), str(INT_RANGE["i64"][1])


def promote(a: str, b: str) -> str:
    """The dtype of an elementwise op on two dtypes (bool < int < float, wider wins)."""
    if a == b:
        return a
    order = ("bool",) + INT_DTYPES + FLOAT_DTYPES
    if is_float(a) != is_float(b):
        return a if is_float(a) else b
    return max(a, b, key=order.index)
