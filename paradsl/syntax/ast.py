"""The surface syntax tree. Every node is frozen and carries the span it was parsed from.

    module    ::= decl*
    decl      ::= ImportFile | ImportStd | ParaDecl      (`para` and `reparam`)
                | TaskDecl | ExperimentDecl(clause*)
    clause    ::= Clause(kind, call? | number? | losses | metrics | eval sets)
    type      ::= TensorTypeExpr(size*, dtype?) | TupleTypeExpr(type*)
    size      ::= SizeName | SizeInt | SizeOp(+|-|*, size, size)
    expr      ::= Name | Number | String | BoolLit | Unit | TupleExpr | Lambda | Let | If
                | Reduce | For | BinOp | Unary | Call | Subscript | Field
    arg       ::= expr | KwArg(name, expr) | OverArg(name+)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Span


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


@dataclass(frozen=True, slots=True)
class Ident(Node):
    name: str


# ------------------------------------------------------------------ types and sizes


@dataclass(frozen=True, slots=True)
class SizeName(Node):
    name: str


@dataclass(frozen=True, slots=True)
class SizeInt(Node):
    value: int


@dataclass(frozen=True, slots=True)
class SizeOp(Node):
    op: str
    left: "SizeExpr"
    right: "SizeExpr"


SizeExpr = SizeName | SizeInt | SizeOp


@dataclass(frozen=True, slots=True)
class TensorTypeExpr(Node):
    axes: tuple[SizeExpr, ...]
    dtype: str | None
    target: SizeExpr | None = None  # what a `ptr` points into: `[v] ptr n`


@dataclass(frozen=True, slots=True)
class TupleTypeExpr(Node):
    items: tuple["TypeExpr", ...]


TypeExpr = TensorTypeExpr | TupleTypeExpr


# ------------------------------------------------------------------ expressions


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: int | float
    text: str


@dataclass(frozen=True, slots=True)
class String(Node):
    value: str


@dataclass(frozen=True, slots=True)
class BoolLit(Node):
    value: bool


@dataclass(frozen=True, slots=True)
class Unit(Node):
    pass


@dataclass(frozen=True, slots=True)
class TupleExpr(Node):
    items: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class Lambda(Node):
    """`x => body` or `(a, b) => body`; `tupled` tells the two apart."""

    params: tuple[Ident, ...]
    tupled: bool
    body: "Expr"


@dataclass(frozen=True, slots=True)
class Let(Node):
    name: Ident
    value: "Expr"
    body: "Expr"


@dataclass(frozen=True, slots=True)
class If(Node):
    cond: "Expr"
    then: "Expr"
    other: "Expr"


@dataclass(frozen=True, slots=True)
class SemiringRef(Node):
    """`[MinPlus]`, `[Log(2.0)]`: the semiring of a contraction, with its arguments."""

    name: Ident
    args: tuple["Expr", ...] = ()


@dataclass(frozen=True, slots=True)
class Reduce(Node):
    """`sum j k. body`, `sum[S] j. body`: a reduction over index variables, in a semiring."""

    op: str
    semiring: SemiringRef | None
    indices: tuple[Ident, ...]
    body: "Expr"


@dataclass(frozen=True, slots=True)
class For(Node):
    """`for i j. body`: the tensor whose entry (i, j) is body."""

    indices: tuple[Ident, ...]
    body: "Expr"


@dataclass(frozen=True, slots=True)
class BinOp(Node):
    """Arithmetic, comparison, logic, `@`, and the map combinators `>>`, `&` and `via`."""

    op: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: "Expr"


@dataclass(frozen=True, slots=True)
class KwArg(Node):
    name: Ident
    value: "Expr"


@dataclass(frozen=True, slots=True)
class OverArg(Node):
    indices: tuple[Ident, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: "Expr"
    args: tuple["Expr | KwArg | OverArg", ...]


@dataclass(frozen=True, slots=True)
class Subscript(Node):
    """`base[indices]`; `fill` is the value read where an index falls outside its axis,
    `x[a - 1 else 0.0]`, None when none is written."""

    base: "Expr"
    indices: tuple["Expr", ...]
    fill: "Expr | None" = None


@dataclass(frozen=True, slots=True)
class Field(Node):
    base: "Expr"
    name: Ident


@dataclass(frozen=True, slots=True)
class FoldExpr(Node):
    """`fold A over t`, `scan M over t`, `unfold C over n`, `run M over t`: the recursion
    scheme of an algebra, coalgebra or machine, as a map; `map f over t` applies a map to
    each element along t; `iterate f for k` applies a map from a state to a state k times
    (scheme `until`: until a step leaves the state as it was, at most k times)."""

    scheme: str  # fold | scan | unfold | run | map | iterate | until
    target: "Expr"
    over: "Ident | SizeExpr"


Expr = (
    Name | Number | String | BoolLit | Unit | TupleExpr | Lambda | Let | If | Reduce | For
    | BinOp | Unary | Call | Subscript | Field | FoldExpr
)


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: int | float | bool


@dataclass(frozen=True, slots=True)
class Binder(Node):
    """`d: Nat = 4` (a hyperparameter), `n: set` (an index set), or a higher-order
    hyperparameter: `attn : [n, d] -> [n, d]` (kind `map`, its signature in `dom`, `cod`)
    or `S : semiring` (kind `semiring`)."""

    name: Ident
    kind: Ident
    default: Literal | None
    dom: "TypeExpr | None" = None
    cod: "TypeExpr | None" = None


@dataclass(frozen=True, slots=True)
class Initializer(Node):
    name: Ident
    args: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class ParamDecl(Node):
    name: Ident
    type: TypeExpr
    init: Initializer | None


@dataclass(frozen=True, slots=True)
class UseDecl(Node):
    name: Ident
    expr: Expr


@dataclass(frozen=True, slots=True)
class Repeat(Node):
    """`repeat n Block(d)` in a `uses` clause: n copies of a use in sequence, each with its own
    parameters, or (`shared`) the one copy's parameters n times."""

    count: "SizeExpr"
    target: "Expr"
    shared: bool


@dataclass(frozen=True, slots=True)
class TieDecl(Node):
    """`tie dec.W = transpose(enc.W)`: the leaf at `path` is computed by `value`."""

    path: tuple[Ident, ...]
    value: Expr


@dataclass(frozen=True, slots=True)
class Pattern(Node):
    """A case's field: a name, or a tuple of patterns taking a tuple apart."""

    name: Ident | None
    items: tuple["Pattern", ...] = ()

    def names(self) -> list[Ident]:
        return [self.name] if self.name is not None else [n for i in self.items for n in i.names()]


@dataclass(frozen=True, slots=True)
class Case(Node):
    """`| cons(x, h) => body`: one constructor of an algebra's functor, its fields bound."""

    name: Ident
    fields: tuple[Pattern, ...]
    body: Expr


@dataclass(frozen=True, slots=True)
class FunctorApp(Node):
    name: Ident
    args: tuple[TypeExpr, ...]


@dataclass(frozen=True, slots=True)
class ParaDecl(Node):
    """A `para` (a map `dom -> cod` with parameters), a `reparam` (a 2-cell `Q => P`), or
    an algebra-like declaration (kind `algebra`, `coalgebra`, `mealy`, `moore`, `monoid`,
    `commutative monoid`) with a carrier, cases and, for an algebra, a functor."""

    name: Ident
    binders: tuple[Binder, ...]
    dom: TypeExpr
    cod: TypeExpr
    params: tuple[ParamDecl, ...]
    uses: tuple[UseDecl, ...]
    body: Expr
    ties: tuple[TieDecl, ...] = ()
    inits: tuple[Initializer, ...] = ()
    kind: str = "para"  # para | reparam | algebra | coalgebra | mealy | moore | monoid | commutative monoid
    functor: FunctorApp | None = None
    carrier: TypeExpr | None = None
    cases: tuple[Case, ...] = ()

    @property
    def is_reparam(self) -> bool:
        return self.kind == "reparam"

    @property
    def is_algebra(self) -> bool:
        return self.kind not in ("para", "reparam")


@dataclass(frozen=True, slots=True)
class SemiringDecl(Node):
    """`semiring MinPlus = (min, +, inf, 0)`; operations are named from a fixed vocabulary."""

    name: Ident
    binders: tuple[Binder, ...]
    add: Ident  # min | max | + | or | logsumexp
    add_arg: Ident | None  # logsumexp[beta]
    mul: Ident  # + | * | and
    zero: Literal
    one: Literal


@dataclass(frozen=True, slots=True)
class Constructor(Node):
    """`cons(A, X)`: a summand of a polynomial functor; fields are the functor's parameters,
    the carrier `X`, or fixed tensor types."""

    name: Ident
    fields: tuple["Ident | TensorTypeExpr", ...]


@dataclass(frozen=True, slots=True)
class FunctorDecl(Node):
    name: Ident
    params: tuple[Ident, ...]
    constructors: tuple[Constructor, ...]


@dataclass(frozen=True, slots=True)
class ImportFile(Node):
    path: str


@dataclass(frozen=True, slots=True)
class ImportStd(Node):
    module: tuple[str, ...]


# ------------------------------------------------------------------ tasks and experiments


@dataclass(frozen=True, slots=True)
class TaskDecl(Node):
    """`task Addition(min_digits: Nat = 1) (t : list) : [t, 2] i32 -> [t] i32 = "mod:fn"`:
    a typed generator of batches, bound to the Python function `target` names."""

    name: Ident
    binders: tuple[Binder, ...]
    dom: TypeExpr
    cod: TypeExpr
    target: String
    kind: str = "task"


@dataclass(frozen=True, slots=True)
class ArgValue(Node):
    """A value written in an experiment: a number, `true`/`false`, a string, or a bare name
    (`schedule = cosine`); `text` is how it was written, for messages."""

    value: int | float | bool | str
    text: str
    bare: bool = False


@dataclass(frozen=True, slots=True)
class ExpArg(Node):
    """An argument in an experiment's call, by name or (name None) by position."""

    name: Ident | None
    value: ArgValue


@dataclass(frozen=True, slots=True)
class ExpCall(Node):
    """`Adder(d = 32)`, `adam(lr = 1e-3)`, `Addition`: a name and its arguments."""

    name: Ident
    args: tuple[ExpArg, ...] = ()


@dataclass(frozen=True, slots=True)
class LossTermExpr(Node):
    """`0.1 * mse[0]`: a loss, the component of a tuple target it reads, its weight."""

    name: Ident
    component: ArgValue | None = None
    weight: ArgValue | None = None


@dataclass(frozen=True, slots=True)
class MetricExpr(Node):
    name: Ident
    component: ArgValue | None = None


@dataclass(frozen=True, slots=True)
class EvalSetExpr(Node):
    """`long = Addition(min_digits = 100) samples 200`."""

    name: Ident
    task: ExpCall
    samples: ArgValue | None = None
    #: `chunk 10000`: the list cut into chunks of this length, the model's state streamed.
    chunk: ArgValue | None = None


@dataclass(frozen=True, slots=True)
class Clause(Node):
    """One clause of an experiment. `word` is its keyword as written; which fields it fills
    depends on `kind`: `call` (model, task, optimiser), `number` (steps, batch, seed, the
    `every` of eval and checkpoint), `samples` (eval), `losses`, `metrics`, `sets` (eval),
    `what` (verify: the word after it, `machine`)."""

    kind: str
    word: Ident
    call: ExpCall | None = None
    number: ArgValue | None = None
    samples: ArgValue | None = None
    losses: tuple[LossTermExpr, ...] = ()
    metrics: tuple[MetricExpr, ...] = ()
    sets: tuple[EvalSetExpr, ...] = ()
    what: Ident | None = None


@dataclass(frozen=True, slots=True)
class ExperimentDecl(Node):
    """`experiment Name` and its clauses, in the order written."""

    name: Ident
    clauses: tuple[Clause, ...] = ()


Decl = ParaDecl | FunctorDecl | SemiringDecl | ImportFile | ImportStd | TaskDecl | ExperimentDecl


@dataclass(frozen=True, slots=True)
class Module(Node):
    """A file's declarations. After a syntax error, those that parsed, and in `broken` the
    names of those that did not, so that their uses stay quiet."""

    decls: tuple[Decl, ...]
    broken: tuple[Ident, ...] = ()
