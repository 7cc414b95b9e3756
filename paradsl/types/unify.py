"""Unification of index sets. Fixed axes are equal when their sizes' normal forms are;
declared index sets are nominal; meta axes are solved by binding."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .types import Axis, FixedAxis, IndexSetAxis, MapType, MetaAxis, TensorType, TupleType, Type


@dataclass
class Unifier:
    bindings: dict[int, Axis] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=itertools.count)

    def fresh(self, hint: str) -> MetaAxis:
        return MetaAxis(next(self._ids), hint)

    def resolve(self, a: Axis) -> Axis:
        while isinstance(a, MetaAxis) and a.id in self.bindings:
            a = self.bindings[a.id]
        return a

    def unify_axis(self, a: Axis, b: Axis) -> bool:
        a, b = self.resolve(a), self.resolve(b)
        if a == b:
            return True
        if isinstance(a, MetaAxis):
            self.bindings[a.id] = b
            return True
        if isinstance(b, MetaAxis):
            self.bindings[b.id] = a
            return True
        if isinstance(a, FixedAxis) and isinstance(b, FixedAxis):
            return a.size == b.size
        return False

    def unify(self, s: Type, t: Type, *, dtypes: bool = True) -> bool:
        """Unify two types; on failure some metas may be bound (callers report and move on)."""
        if isinstance(s, TensorType) and isinstance(t, TensorType):
            if s.rank != t.rank or (dtypes and s.dtype != t.dtype):
                return False
            if s.target is not None and t.target is not None and not self.unify_axis(s.target, t.target):
                return False
            return all(self.unify_axis(a, b) for a, b in zip(s.axes, t.axes))
        if isinstance(s, TupleType) and isinstance(t, TupleType):
            return len(s.items) == len(t.items) and all(self.unify(a, b, dtypes=dtypes) for a, b in zip(s.items, t.items))
        if isinstance(s, MapType) and isinstance(t, MapType):
            return self.unify(s.dom, t.dom, dtypes=dtypes) and self.unify(s.cod, t.cod, dtypes=dtypes)
        return False

    def zonk(self, t: Type) -> Type:
        """Replace solved metas by what they are bound to."""
        if isinstance(t, TensorType):
            target = None if t.target is None else self.resolve(t.target)
            return TensorType(tuple(self.resolve(a) for a in t.axes), t.dtype, target)
        if isinstance(t, TupleType):
            return TupleType(tuple(self.zonk(i) for i in t.items))
        if isinstance(t, MapType):
            return MapType(self.zonk(t.dom), self.zonk(t.cod))
        return t


def axes_of(t: Type) -> list[Axis]:
    if isinstance(t, TensorType):
        return list(t.axes)
    if isinstance(t, TupleType):
        return [a for i in t.items for a in axes_of(i)]
    if isinstance(t, MapType):
        return axes_of(t.dom) + axes_of(t.cod)
    return []


def substitute_type(t: Type, sizes: dict, index_sets: dict[str, Axis]) -> Type:
    """Instantiate a callee's type: its Nat hyperparameters by polynomials, its index sets by axes."""
    if isinstance(t, TensorType):
        target = None if t.target is None else _substitute_axis(t.target, sizes, index_sets)
        return TensorType(tuple(_substitute_axis(a, sizes, index_sets) for a in t.axes), t.dtype, target)
    if isinstance(t, TupleType):
        return TupleType(tuple(substitute_type(i, sizes, index_sets) for i in t.items))
    if isinstance(t, MapType):
        return MapType(substitute_type(t.dom, sizes, index_sets), substitute_type(t.cod, sizes, index_sets))
    return t


def _substitute_axis(a: Axis, sizes: dict, index_sets: dict[str, Axis]) -> Axis:
    if isinstance(a, FixedAxis):
        return FixedAxis(a.size.substitute(sizes))
    if isinstance(a, IndexSetAxis) and a.name in index_sets:
        return index_sets[a.name]
    return a
