"""Zonking: IR rebuilt with every solved meta axis replaced by its solution."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

from .. import ir
from ..types import FixedAxis, IndexSetAxis, MapType, MetaAxis, TensorType, TupleType, Unifier

T = TypeVar("T")


def zonk(u: Unifier, x: T) -> T:
    """Rebuild IR with every solved meta axis replaced by its solution."""
    if isinstance(x, (MetaAxis, FixedAxis, IndexSetAxis)):
        return u.resolve(x)
    if isinstance(x, (TensorType, TupleType, MapType)):
        return u.zonk(x)
    if isinstance(x, tuple):
        return tuple(zonk(u, i) for i in x)
    if is_dataclass(x) and isinstance(x, (ir.Term, ir.MapTerm, ir.IVar)):
        changes = {f.name: zonk(u, getattr(x, f.name)) for f in fields(x)}
        return replace(x, **changes)
    return x
