"""The typed core IR: what the checker produces and the lowering consumes.

Every node is a frozen dataclass. The grammar, with each node's fields (`name:` where a
field is not obvious from its place; `?` optional; `*` a tuple):

    Program     ::= file ParaDef*                          callees before callers
    ParaDef     ::= name file kind:ParaKind Hyper* (name, Kind)* type:MapType Param* Use* Tie*
                    body:mapterm stochastic shape:AlgebraShape? Case*
    Hyper       ::= name kind:HyperKind default?
    Param       ::= name type:TensorType Init abstract via?     a leaf of the para's own
    Init        ::= name arg*                                   `normal(0.02)`
    Use         ::= name callee HyperArg* anonymous (name, Axis)*
    HyperArg    ::= poly | literal | ref                        exactly one is given
    Tie         ::= target:path* value:term source              leaves computed from others
    AlgebraShape::= kind:ShapeKind functor? Constructor* carrier:Type elem:Type? out:Type?
    Constructor ::= name field:FieldRole* type:Type* result:Type
    Case        ::= name pattern* body:mapterm                  a pattern: a name or a tuple;
                                                                the body a LambdaT of them

    term     ::= Var(name) | ParamRef(name) | LeafRef(path) | HyperRef(name) | SizeOf(axis)
               | Lit(value) | IndexValue(name)
               | Sub(base:term, index*, fill?, (k, Axis)*, from_data) | Prim(op, term*)
               | Reduce(op:ReduceOp, Semiring?, (i, Axis)*, body:term)
               | For((i, Axis)*, body:term) | Let(name, value:term, body:term)
               | TupleT(term*) | MatMul(term, term) | Einsum(spec, term*)
               | Builtin(name, term*, over:i*) | Apply(fn:mapterm, arg:term)
    index    ::= IVar(i, Axis) | term                  an index variable, or an integer (gather)
    Semiring ::= name add mul zero one beta:term?
    mapterm  ::= UseRef(use, (name, Axis)*) | PrimMap(op) | LambdaT(x*, tupled, body:term)
               | Compose(first, second) | Parallel(left, right) | Fanout(left, right)
               | Fold(scheme:Scheme, use, mode:FoldMode, Axis, (name, Axis)*)
               | MapOver(fn:mapterm, Axis)
               | Iterate(fn:mapterm, count:Poly, (name, Axis)*, until:bool)

Every term has a `type` (of the whole value) and `labels`: the free index variables it is
indexed by, as (unique name, axis) pairs sorted by name. A labelled term is a scalar per
assignment of its labels; reductions and `For` remove labels. Every map term has a `type`,
a `MapType`. A term's `span` says where it was written, for passes that report on it; it
takes no part in equality.

The kinds of things (fold modes, shapes, hypers) are `StrEnum`s. A node given a plain
string for one coerces it, so `Fold(..., mode="scan")` and `fold.mode == "scan"` both work.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass

from ..diagnostics.span import Span
from ..types import Axis, Kind, MapType, Poly, TensorType, Type
from .experiment import Experiment, Task

Labels = tuple[tuple[str, Axis], ...]


# ------------------------------------------------------------------ kinds


class ParaKind(enum.StrEnum):
    """What a declaration is: a para, a reparam (a 2-cell), or one of the algebra-like kinds."""

    PARA = "para"
    REPARAM = "reparam"
    ALGEBRA = "algebra"
    COALGEBRA = "coalgebra"
    MEALY = "mealy"
    MOORE = "moore"
    MONOID = "monoid"
    COMMUTATIVE_MONOID = "commutative monoid"


class ShapeKind(enum.StrEnum):
    """The algebra-like kinds: what an `AlgebraShape` describes."""

    ALGEBRA = "algebra"
    COALGEBRA = "coalgebra"
    MEALY = "mealy"
    MOORE = "moore"
    MONOID = "monoid"
    COMMUTATIVE_MONOID = "commutative monoid"


class HyperKind(enum.StrEnum):
    """The kind of a hyperparameter, as written in a signature."""

    NAT = "Nat"
    INT = "Int"
    FLOAT = "Float"
    BOOL = "Bool"


class FieldRole(enum.StrEnum):
    """What a constructor's field holds: data, the carrier, or a fixed type."""

    DATA = "A"
    CARRIER = "X"
    FIXED = "K"


class Scheme(enum.StrEnum):
    """The recursion scheme as written: `fold`, `scan`, `unfold` or `run ... over t`."""

    FOLD = "fold"
    SCAN = "scan"
    UNFOLD = "unfold"
    RUN = "run"


class FoldMode(enum.StrEnum):
    """How a `Fold` runs; see `Fold`."""

    SCAN = "scan"
    ASSOC = "assoc"
    PREFIX = "prefix"
    BALANCED = "balanced"
    TREE = "tree"
    UNFOLD = "unfold"
    MEALY = "mealy"
    MOORE = "moore"


class ReduceOp(enum.StrEnum):
    """A reduction over index variables."""

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    MEAN = "mean"
    PROD = "prod"
    ARGMAX = "argmax"  # a pointer to the first greatest element: its type is `ptr` to the index's set
    ARGMIN = "argmin"


def _coerce(node: object, name: str, kind: type[enum.StrEnum]) -> None:
    """Store the field `name` of a frozen node as the enum `kind` (it may be given as a str)."""
    object.__setattr__(node, name, kind(getattr(node, name)))


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
    """`base[indices]`. `fill` is what an index outside its axis reads (`x[a - 1 else 0.0]`);
    `positions`, the indices that are the position of an index over another index set
    (`(k, axis)`), in range while that set is no longer than the axis, checked at the call.
    `from_data` marks a subscript with no fill by an integer read from the data (a token
    id), which no check can bound: outside its axis it reads JAX's fill for the dtype (NaN
    for a float), never the last or a wrapped entry."""

    base: Term
    indices: tuple[IVar | Term, ...]
    fill: int | float | bool | None = None
    positions: tuple[tuple[int, Axis], ...] = ()
    from_data: bool = False


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
    beta: Term | None = None


@dataclass(frozen=True)
class Reduce(Term):
    op: ReduceOp
    semiring: Semiring | None  # None: the real numbers
    indices: tuple[tuple[str, Axis], ...]
    body: Term

    def __post_init__(self) -> None:
        _coerce(self, "op", ReduceOp)


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
    fn: MapTerm
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

        scan      a list algebra, left to right, with `jax.lax.scan`; under `scan`, every state
        assoc     a monoid along a list, with `jax.lax.associative_scan` (O(log n) depth)
        prefix    a monoid's running products along a list (`scan M over t`)
        balanced  a commutative monoid over a set or cyc, a balanced tree (O(log n) depth)
        tree      an algebra of a tree functor over a term stored as arrays
        unfold    a stream coalgebra, for `length` steps
        mealy     a Mealy machine: an output per step and the final state
        moore     a Moore machine: likewise

    `masked`: a monoid's fold of a pair, its elements and a `bool` mask along the axis, in
    which an element the mask leaves out counts as the unit (`assoc` and `balanced` only).
    """

    scheme: Scheme
    use: str
    mode: FoldMode
    axis: Axis
    index_sets: tuple[tuple[str, Axis], ...] = ()
    masked: bool = False

    def __post_init__(self) -> None:
        _coerce(self, "scheme", Scheme)
        _coerce(self, "mode", FoldMode)


@dataclass(frozen=True)
class MapOver(MapTerm):
    """`map f over t`: f applied to each element along the leading axis t (`jax.vmap`)."""

    fn: MapTerm
    axis: Axis


@dataclass(frozen=True)
class Iterate(MapTerm):
    """`iterate f for k`: the map f, from a state to a state of the same type, applied k
    times (`jax.lax.fori_loop` with a bound known when traced, so a `lax.scan`, which reverse
    mode differentiates). `count` is a size in the hyperparameters and in the sizes of the
    index sets that `index_sets` names. With `until`, it stops at the first step that
    changes no entry of the state by more than `UNTIL_TOLERANCE`, after at most k steps
    (`jax.lax.while_loop`, which reverse mode cannot differentiate)."""

    fn: MapTerm
    count: Poly
    index_sets: tuple[tuple[str, Axis], ...] = ()
    until: bool = False


#: The largest change of any entry of the state, in absolute value, at which `iterate f until
#: converged` stops; entries equal before and after (infinities included) have changed by 0.
UNTIL_TOLERANCE = 1e-6


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True)
class Hyper:
    name: str
    kind: HyperKind
    default: int | float | bool | None

    def __post_init__(self) -> None:
        _coerce(self, "kind", HyperKind)


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
    which axis each of the callee's index sets is, where ties fix it. `callee_file` is the
    file the callee is declared in (names are unique only within a file); empty when not
    known, which means the caller's own file. It takes no part in comparisons. `repeat`, when
    set, is a count N: the use is N copies of the callee in sequence, each with parameters of
    its own stacked on a leading axis of N, or (`shared`) one copy's parameters N times."""

    name: str
    callee: str
    args: tuple[HyperArg, ...]
    anonymous: bool = False
    index_sets: tuple[tuple[str, Axis], ...] = ()
    callee_file: str = field(default="", compare=False)
    repeat: Poly | None = None
    shared: bool = False


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
    fields: tuple[FieldRole, ...]
    types: tuple[Type, ...]
    result: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(FieldRole(f) for f in self.fields))


@dataclass(frozen=True)
class Case:
    """A case as checked: its field patterns (a name, or a nested tuple of names) and a
    lambda over the flattened names."""

    name: str
    patterns: tuple[str | tuple, ...]
    body: MapTerm  # a LambdaT from the checker


@dataclass(frozen=True)
class AlgebraShape:
    """The cases an algebra-like declaration gives and their types. `functor` is the functor
    as written (`ListF(f32[d])`), for an algebra or a coalgebra."""

    kind: ShapeKind
    functor: str | None
    constructors: tuple[Constructor, ...]
    carrier: Type
    elem: Type | None = None  # a list algebra's or monoid's elements; a machine's input
    out: Type | None = None  # a machine's or stream coalgebra's output

    def __post_init__(self) -> None:
        _coerce(self, "kind", ShapeKind)


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
    kind: ParaKind = ParaKind.PARA
    shape: AlgebraShape | None = None  # for the algebra-like kinds; their body is unused
    cases: tuple[Case, ...] = ()

    def __post_init__(self) -> None:
        _coerce(self, "kind", ParaKind)

    @property
    def is_reparam(self) -> bool:
        return self.kind is ParaKind.REPARAM

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
    """The checked paras of a file and everything they use, callees first; and the file's
    own tasks and experiments (an experiment's model is among the paras)."""

    file: str
    paras: tuple[ParaDef, ...]
    tasks: tuple[Task, ...] = ()
    experiments: tuple[Experiment, ...] = ()

    def get(self, name: str) -> ParaDef:
        """The para the file sees under `name`: its own, before an imported one of that name."""
        named = [p for p in self.paras if p.name == name]
        if not named:
            raise KeyError(name)
        return next((p for p in named if p.file == self.file), named[0])


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
