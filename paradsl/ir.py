"""The typed core IR: what the checker produces and the lowering consumes.

    program  ::= ParaDef*                         callees before callers
    ParaDef  ::= name hyper* indexset* dom cod Param* Use* Tie* body:MapTerm   (para or reparam)
    Tie      ::= target* value:term               leaves computed from other parameters
    term     ::= Var | ParamRef | LeafRef | HyperRef | SizeOf | Lit | IndexValue
               | Sub(term, index*) | Prim(op, term*) | Reduce(op, (i, axis)*, term)
               | For((i, axis)*, term) | Let(x, term, term) | TupleT(term*) | MatMul(term, term)
               | Einsum(spec, term*) | Builtin(name, term*, over) | Apply(mapterm, term)
    index    ::= IVar(i) | term                   an index variable, or an integer term (gather)
    mapterm  ::= UseRef(use) | PrimMap(op) | LambdaT(x*, tupled, term)
               | Compose(f, g) | Parallel(f, g) | Fanout(f, g) | Fold(scheme, use, mode, axis)
               | MapOver(f, axis)

Every term has a `type` (of the whole value) and `labels`: the free index variables it is
indexed by, as (unique name, axis) pairs sorted by name. A labelled term is a scalar per
assignment of its labels; reductions and `For` remove labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass

from .diagnostics import Span
from .types import Axis, Kind, MapType, Poly, TensorType, Type

Labels = tuple[tuple[str, Axis], ...]


# ------------------------------------------------------------------ terms


@dataclass(frozen=True)
class Term:
    type: Type = field(kw_only=True)
    labels: Labels = field(kw_only=True, default=())
    #: Where the term was written, for passes after checking that report on it (symmetry).
    span: Span | None = field(kw_only=True, default=None, compare=False, repr=False)


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
class LeafRef(Term):
    """A parameter leaf of a use, read by a tie: `enc.W` is LeafRef(("enc", "W"))."""

    path: tuple[str, ...]


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
class Semiring:
    """A semiring of a contraction: `add` (min | max | sum | or | logsumexp) reduces,
    `mul` (add | mul | and) combines the factors; `beta` is Log's inverse temperature."""

    name: str
    add: str
    mul: str
    zero: float | bool
    one: float | bool
    beta: "Term | None" = None


@dataclass(frozen=True)
class Reduce(Term):
    op: str  # sum | max | min | mean | prod
    semiring: Semiring | None  # None: the real numbers
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
    """A reference to a use; `index_sets` says which axis each of the callee's index sets
    is at this reference (a reparam is given these sizes when it is called)."""

    name: str
    index_sets: tuple[tuple[str, Axis], ...] = ()


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


@dataclass(frozen=True)
class Fold(MapTerm):
    """A recursion scheme of the use `use` (an algebra, coalgebra, monoid or machine) along
    an axis. `mode` says how it runs:

        scan      a list algebra, left to right, with `jax.lax.scan`
        assoc     a monoid along a list, with `jax.lax.associative_scan` (O(log n) depth)
        prefix    a monoid's running products along a list (`scan M over t`)
        balanced  a commutative monoid over a set or cyc, a balanced tree (O(log n) depth)
        tree      an algebra of a tree functor over a term stored as arrays
        unfold    a stream coalgebra, for `length` steps
        mealy     a Mealy machine: an output per step and the final state
        moore     a Moore machine: likewise
    """

    scheme: str
    use: str
    mode: str
    axis: Axis
    index_sets: tuple[tuple[str, Axis], ...] = ()


@dataclass(frozen=True)
class MapOver(MapTerm):
    """`map f over t`: f applied to each element along the leading axis t (`jax.vmap`)."""

    fn: MapTerm
    axis: Axis


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
    """A leaf of the para's own parameters. `abstract` (declared `~ via`): no initialiser,
    the leaf is given by a 2-cell of whoever uses the para. `via` names the use whose
    reparameterisation introduced this leaf (a free parameter Q of `f via r`), if any."""

    name: str
    type: TensorType
    init: Init
    abstract: bool = False
    via: str | None = None


@dataclass(frozen=True)
class Use:
    """A named instance of a para (one factor of the parameter space). `index_sets` says
    which axis each of the callee's index sets is, where ties fix it."""

    name: str
    callee: str
    args: tuple[HyperArg, ...]
    anonymous: bool = False
    index_sets: tuple[tuple[str, Axis], ...] = ()


@dataclass(frozen=True)
class Tie:
    """`tie dec.W = transpose(enc.W)`: the leaves at `targets` (paths from this para: an
    own parameter `("W",)` or a use's leaf `("dec", "W")`) are computed by `value`, which
    reads parameters only. Several targets take a tuple value apart, in order."""

    targets: tuple[tuple[str, ...], ...]
    value: Term
    source: str  # the tie as written, for docstrings and `para params`


@dataclass(frozen=True)
class Constructor:
    """One case an algebra-like declaration must give: its fields' types and, for each,
    whether it is a data field ("A"), the carrier ("X"), or fixed ("K"); and the case's
    result type."""

    name: str
    fields: tuple[str, ...]
    types: tuple[Type, ...]
    result: Type


@dataclass(frozen=True)
class Case:
    """A case as checked: its field patterns (a name, or a nested tuple of names) and a
    lambda over the flattened names."""

    name: str
    patterns: tuple["str | tuple", ...]
    body: Term


@dataclass(frozen=True)
class AlgebraShape:
    kind: str  # algebra | coalgebra | mealy | moore | monoid | commutative monoid
    functor: str | None
    constructors: tuple[Constructor, ...]
    carrier: Type
    elem: Type | None = None  # a list algebra's or monoid's elements; a machine's input
    out: Type | None = None  # a machine's or stream coalgebra's output


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
    ties: tuple[Tie, ...] = ()  # in dependency order: a tie comes after the ties it reads
    kind: str = "para"  # para | reparam | algebra | coalgebra | mealy | moore | monoid | commutative monoid
    shape: AlgebraShape | None = None  # for the algebra-like kinds; their body is unused
    cases: tuple[Case, ...] = ()

    @property
    def is_reparam(self) -> bool:
        return self.kind == "reparam"

    def tied(self) -> set[tuple[str, ...]]:
        return {t for tie in self.ties for t in tie.targets}

    @property
    def is_algebra(self) -> bool:
        return self.shape is not None

    def signature(self) -> str:
        hs = ", ".join(f"{h.name}: {h.kind}" for h in self.hypers)
        ix = "".join(f" ({n} : {k.value})" for n, k in self.index_sets)
        if self.shape is not None:
            sh = self.shape
            if sh.functor is not None:
                what = sh.functor
            elif sh.out is not None:
                what = f"{sh.elem} -> {sh.out}"
            else:
                what = str(sh.elem)
            return f"{self.kind} {self.name}({hs}){ix} : {what} on {sh.carrier}"
        if self.is_reparam:
            return f"reparam {self.name}({hs}){ix} : {self.type.dom} => {self.type.cod}"
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


# ------------------------------------------------------------------ helpers for passes


def factors(t: Term) -> list[Term]:
    """The top-level factors of a product: what a contraction multiplies (in its semiring)."""
    if isinstance(t, Prim) and t.op == "mul":
        return factors(t.args[0]) + factors(t.args[1])
    return [t]


def nodes(x) -> Iterator[object]:
    """Every IR node in `x` (terms, map terms, indices), `x` itself first."""
    if is_dataclass(x) and not isinstance(x, type):
        yield x
        for f in fields(x):
            if f.name != "span":
                yield from nodes(getattr(x, f.name))
    elif isinstance(x, tuple):
        for i in x:
            yield from nodes(i)


def source_name(unique: str) -> str:
    """An index variable's name as written: the checker numbers repeats `j_1`, `j_2`."""
    return re.sub(r"_\d+$", "", unique)
