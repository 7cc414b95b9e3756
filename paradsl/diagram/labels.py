"""The texts of a diagram: types as wire labels, with each index set marked by its kind
(`f32[n:set,d]`), sizes given on the command line put in; a map's text, shortened to fit
a box; and what a parameter wire carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import ir
from ..types import FixedAxis, IndexSetAxis, MapType, Poly, TensorType, TupleType, Type

#: The most characters a box's text may have; a longer one ends in an ellipsis.
MAX_TEXT = 40
#: A parameter wire names its leaves up to this many; past them it counts them.
MAX_LEAVES = 2


@dataclass(frozen=True)
class Sizes:
    """Sizes given for the root's hyperparameters and index sets (`--set n=8`)."""

    values: Mapping[str, int]

    def poly(self, p: Poly) -> str:
        known = {k: Poly.const(v) for k, v in self.values.items() if k in p.variables()}
        return str(p.substitute(known) if known else p).replace(" ", "")

    def axis(self, a: object) -> str:
        if isinstance(a, FixedAxis):
            return self.poly(a.size)
        if isinstance(a, IndexSetAxis):
            size = self.values.get(a.name)
            return f"{a.name}:{a.kind.value}" if size is None else f"{a.name}={size}:{a.kind.value}"
        return str(a)  # pragma: no cover - the checker solves every axis

    def type(self, t: Type) -> str:
        """A type as a wire's label: `f32[t:list,2*d]`, `(f32[d], f32[k])`."""
        if isinstance(t, TensorType):
            return f"{t.dtype}[{','.join(self.axis(a) for a in t.axes)}]"
        if isinstance(t, TupleType):
            return "(" + ", ".join(self.type(i) for i in t.items) + ")"
        if isinstance(t, MapType):
            return f"{self.type(t.dom)} -> {self.type(t.cod)}"
        raise TypeError(f"not a type: {t!r}")  # pragma: no cover


def wires_of(t: Type) -> tuple[Type, ...]:
    """The wires a value of type `t` travels on: a tuple's items one by one (the outer tuple
    only), anything else on one wire."""
    return t.items if isinstance(t, TupleType) and t.items else (t,)


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """One line of at most `limit` characters: spaces collapsed, an ellipsis at a cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def map_text(m: ir.MapTerm) -> str:
    return shorten(ir.printer.map_term(m))


def term_text(t: ir.Term) -> str:
    return shorten(ir.printer.term(t))


def leaves_text(leaves: list[tuple[str, str]]) -> str:
    """What a parameter wire carries: `W: f32[d,k], b: f32[k]`, or `12 leaves`."""
    if not leaves:
        return "no leaves"
    if len(leaves) <= MAX_LEAVES:
        return ", ".join(f"{n}: {t}" for n, t in leaves)
    return f"{len(leaves)} leaves"
