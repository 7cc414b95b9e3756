"""The typed core IR: what the checker produces and the lowering consumes.

    program  ::= ParaDef*                         callees before callers
    ParaDef  ::= name hyper* indexset* dom cod Param* Use* body:MapTerm
    term     ::= Var | ParamRef | HyperRef | SizeOf | Lit | IndexValue
               | Sub(term, index*) | Prim(op, term*) | Reduce(op, (i, axis)*, term)
               | For((i, axis)*, term) | Let(x, term, term) | TupleT(term*) | MatMul(term, term)
               | Einsum(spec, term*) | Builtin(name, term*, over) | Apply(mapterm, term)
    index    ::= IVar(i) | term                   an index variable, or an integer term (gather)
    mapterm  ::= UseRef(use) | PrimMap(op) | LambdaT(x*, tupled, term)
               | Compose(f, g) | Parallel(f, g) | Fanout(f, g)

Every term has a `type` (of the whole value) and `labels`: the free index variables it is
indexed by, as (unique name, axis) pairs sorted by name. A labelled term is a scalar per
assignment of its labels; reductions and `For` remove labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import Axis, Kind, MapType, Poly, TensorType, Type

Labels = tuple[tuple[str, Axis], ...]


# ------------------------------------------------------------------ terms


@dataclass(frozen=True)
class Term:
    type: Type = field(kw_only=True)
    labels: Labels = field(kw_only=True, default=())


@dataclass(frozen=True)
class Var(Term):
    name: str


@dataclass(frozen=True)
class ParamRef(Term):
    name: str


@dataclass(frozen=True)
class HyperRef(Term):
    name: str


@dataclass(frozen=True)
class SizeOf(Term):
    axis: Axis


@dataclass(frozen=True)
class Lit(Term):
    value: int | float | bool


@dataclass(frozen=True)
class IndexValue(Term):
    """An index variable used as an integer: its position in its index set."""

    name: str


@dataclass(frozen=True)
class IVar:
    name: str
    axis: Axis


@dataclass(frozen=True)
class Sub(Term):
    base: Term
    indices: tuple["IVar | Term", ...]


@dataclass(frozen=True)
class Prim(Term):
    """Elementwise primitive: arithmetic, comparison, logic, activations, `where`."""

    op: str
    args: tuple[Term, ...]


@dataclass(frozen=True)
class Reduce(Term):
    op: str  # sum | max | min | mean | prod
    semiring: str | None
    indices: tuple[tuple[str, Axis], ...]
    body: Term


@dataclass(frozen=True)
class For(Term):
    indices: tuple[tuple[str, Axis], ...]
    body: Term


@dataclass(frozen=True)
class Let(Term):
    name: str
    value: Term
    body: Term


@dataclass(frozen=True)
class TupleT(Term):
    items: tuple[Term, ...]


@dataclass(frozen=True)
class MatMul(Term):
    left: Term
    right: Term


@dataclass(frozen=True)
class Einsum(Term):
    spec: str
    args: tuple[Term, ...]


@dataclass(frozen=True)
class Builtin(Term):
    """A builtin that is not elementwise: whole-tensor reductions, softmax, dropout, transpose.

    `over` names the labels (index variables) it acts along; empty means the whole tensor's
    last axis (softmax) or all axes (reductions)."""

    name: str
    args: tuple[Term, ...]
    over: tuple[str, ...] = ()


@dataclass(frozen=True)
class Apply(Term):
    fn: "MapTerm"
    arg: Term


# ------------------------------------------------------------------ map terms


@dataclass(frozen=True)
class MapTerm:
    type: MapType = field(kw_only=True)


@dataclass(frozen=True)
class UseRef(MapTerm):
    name: str


@dataclass(frozen=True)
class PrimMap(MapTerm):
    op: str


@dataclass(frozen=True)
class LambdaT(MapTerm):
    params: tuple[str, ...]
    tupled: bool
    body: Term


@dataclass(frozen=True)
class Compose(MapTerm):
    first: MapTerm
    second: MapTerm


@dataclass(frozen=True)
class Parallel(MapTerm):
    left: MapTerm
    right: MapTerm


@dataclass(frozen=True)
class Fanout(MapTerm):
    left: MapTerm
    right: MapTerm


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True)
class Hyper:
    name: str
    kind: str  # Nat | Int | Float | Bool
    default: int | float | bool | None


@dataclass(frozen=True)
class HyperArg:
    """A hyperparameter argument at a use: a size polynomial, a literal, or a caller's hyper."""

    poly: Poly | None = None
    literal: int | float | bool | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Init:
    name: str
    args: tuple[int | float | bool, ...] = ()


@dataclass(frozen=True)
class Param:
    name: str
    type: TensorType
    init: Init


@dataclass(frozen=True)
class Use:
    name: str
    callee: str
    args: tuple[HyperArg, ...]
    anonymous: bool = False


@dataclass(frozen=True)
class ParaDef:
    name: str
    file: str
    hypers: tuple[Hyper, ...]
    index_sets: tuple[tuple[str, Kind], ...]
    type: MapType
    params: tuple[Param, ...]
    uses: tuple[Use, ...]
    body: MapTerm
    stochastic: bool = False

    def signature(self) -> str:
        hs = ", ".join(f"{h.name}: {h.kind}" for h in self.hypers)
        ix = "".join(f" ({n} : {k.value})" for n, k in self.index_sets)
        return f"{self.name}({hs}){ix} : {self.type}"


@dataclass(frozen=True)
class Program:
    """The checked paras of a file and everything they use, callees first."""

    file: str
    paras: tuple[ParaDef, ...]

    def get(self, name: str) -> ParaDef:
        for p in self.paras:
            if p.name == name:
                return p
        raise KeyError(name)
