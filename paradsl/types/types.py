"""Types of the para language: index sets (species), tensor types, tuples and maps.

    axis   ::= FixedAxis(poly)             a feature axis of a size known at construction
             | IndexSetAxis(name, kind)    a declared runtime index set: set (S_n), list, cyc (C_n)
             | MetaAxis(id)                an index set still to be inferred (checker-internal)
    type   ::= TensorType(axis*, dtype) | TupleType(type*) | MapType(type, type)
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


@dataclass(frozen=True, slots=True)
class TensorType:
    axes: tuple[Axis, ...]
    dtype: str = "f32"

    def __str__(self) -> str:
        dims = "[" + ", ".join(str(a) for a in self.axes) + "]"
        if not self.axes:
            return self.dtype
        return dims if self.dtype == "f32" else f"{dims} {self.dtype}"

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


def promote(a: str, b: str) -> str:
    """The dtype of an elementwise op on two dtypes (bool < int < float, wider wins)."""
    if a == b:
        return a
    order = ("bool",) + INT_DTYPES + FLOAT_DTYPES
    if is_float(a) != is_float(b):
        return a if is_float(a) else b
    return max(a, b, key=order.index)
