"""The state the parts of the checker share, as explicit typed contexts.

`DeclContext` is one declaration being checked: its environment, the parameters, uses and
ties found so far, and the unifier of its index sets; every function that checks a clause
of a declaration takes it first. `BodyContext` is the state of checking one body: the
environment as scopes open and close, the index variables and the lambda frames. Two
protocols name what each level asks of the one above: `Callees` (the program: other paras,
checked on demand) and `DeclHost` (the declaration, asked by a body for uses, 2-cells and
recursion schemes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..resolve import DeclKey, Loader, Unit
from ..syntax import ast
from ..types import Axis, FixedAxis, IndexSetAxis, MapType, MetaAxis, TensorType, Type, Unifier
from . import builtins
from .bindings import Binding, CallSite, Environment, Frame, IndexInfo, UseB
from .signatures import Signature

if TYPE_CHECKING:
    from .body import BodyChecker
    from .leaves import Leaf
    from .ranges import CalleeNeeds
    from .semirings import SemiringTable


class Callees(Protocol):
    """The program a declaration is checked in: the paras it uses, checked on demand."""

    loader: Loader

    def para(self, key: DeclKey) -> ir.ParaDef | None: ...

    def leaves(self, key: DeclKey) -> list[Leaf] | None: ...

    def open_leaves(self, key: DeclKey) -> list[Leaf] | None: ...

    def leaf_types(self, key: DeclKey) -> frozenset[TensorType] | None: ...

    def uses_of(self, key: DeclKey) -> Mapping[str, DeclKey]: ...

    def specialise_use(self, ctx: DeclContext, callee: Signature, call: ast.Call) -> tuple[Signature, ast.Call] | None: ...
    def needs(self, key: DeclKey) -> CalleeNeeds: ...


class DeclHost(Protocol):
    """What a body asks of the declaration it belongs to."""

    def new_anonymous_use(self, call: ast.Call) -> UseB | None: ...

    def instantiate(self, b: UseB, span: Span) -> tuple[MapType, list[CallSite], tuple[tuple[str, MetaAxis], ...]]: ...

    def is_stochastic(self, use: str) -> bool: ...

    def via(self, bc: BodyChecker, e: ast.BinOp) -> ir.MapTerm | None: ...

    def fold(self, bc: BodyChecker, e: ast.FoldExpr, dom: Type | None = None) -> ir.MapTerm | None: ...

    def leaf(self, path: tuple[ast.Ident, ...], span: Span) -> TensorType | None: ...

    def semiring(self, name: ast.Ident) -> SemiringTable | None: ...


def is_index_name(name: str) -> bool:
    """Whether a name that nothing binds stands for an index variable in a lambda body.

    One lowercase letter (`i`, `j`, `k`) is an index variable, in a subscript or as a value;
    any other unbound name is an unknown name. Longer index names are bound with `for` or
    `sum`, so a typo of a local (`xs` for `x`) or a parameter never declared (`Wq`) is
    reported instead of silently becoming an axis."""
    return len(name) == 1 and "a" <= name <= "z"

@dataclass(frozen=True, eq=False)
class DeclContext:
    """One `para`, `reparam` or algebra being checked: what its clauses, ties and body share.

    The fields are never rebound; the collections grow as clauses are checked."""

    callees: Callees
    key: DeclKey
    decl: ast.ParaDecl
    unit: Unit
    sig: Signature
    sink: DiagnosticSink
    globals: Mapping[str, Binding]  # the file's scope, shared by its paras, never copied
    hypers: dict[str, str]  # hyperparameter -> kind
    u: Unifier = field(default_factory=Unifier)
    env: dict[str, Binding] = field(default_factory=dict)
    params: list[ir.Param] = field(default_factory=list)
    uses: list[ir.Use] = field(default_factory=list)
    deps: list[tuple[DeclKey, Span]] = field(default_factory=list)
    use_keys: dict[str, DeclKey] = field(default_factory=dict)
    use_spans: dict[str, Span] = field(default_factory=dict)
    use_bindings: dict[str, UseB] = field(default_factory=dict)  # every use, named or anonymous
    explicit: dict[str, dict[str, Axis]] = field(default_factory=dict)  # use -> callee index set -> caller axis
    pins: dict[str, dict[str, MetaAxis]] = field(default_factory=dict)  # use -> callee index set -> its one instance
    ties: list[tuple[ir.Tie, Span]] = field(default_factory=list)
    tie_spans: dict[tuple[str, ...], Span] = field(default_factory=dict)
    via_spans: dict[str, Span] = field(default_factory=dict)
    call_sites: list[CallSite] = field(default_factory=list)
    anon_counter: dict[str, int] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return self.decl.name.name

    @property
    def source(self) -> str:
        """The text of the declaration's file, for quoting it in messages."""
        return self.callees.loader.sources.get(self.key.file, "")


@dataclass(eq=False)
class BodyContext:
    """Checking one body (or a tie's value): the scopes, which open and close as it goes."""

    sink: DiagnosticSink
    u: Unifier
    env: Environment
    para: str
    host: DeclHost
    #: "body" in a para's body; "tie" in a tie's value; "reparam" in a reparam's body.
    #: Ties and reparams are 2-cells: they read parameters only and apply no para.
    mode: str = "body"
    #: Instances of uses' index sets, checked for symmetry at the end; shared with the declaration.
    call_sites: list[CallSite] = field(default_factory=list)
    indices: dict[str, IndexInfo] = field(default_factory=dict)  # unique -> info
    scope: dict[str, str] = field(default_factory=dict)  # source name -> unique name
    frames: list[Frame] = field(default_factory=list)
    stochastic: bool = False  # the body uses dropout or sample
    counter: dict[str, int] = field(default_factory=dict)
    #: Names an enclosing call's `over` declares as index variables, innermost last: in
    #: `max(x[tok], over tok)` the name `tok` is an index of the argument, whatever its length.
    over_names: list[frozenset[str]] = field(default_factory=list)
    #: The conditions of the `if`s whose `then` branch is being checked, innermost last: a
    #: guard that keeps a subscript inside its axis (`if a > 0 then x[a - 1] else 0.0`).
    guards: list[ir.Term] = field(default_factory=list)

    def free_index_name(self, name: str) -> bool:
        """Whether an unbound `name` in this body stands for an index variable: a single
        lowercase letter (`is_index_name`), or a name an enclosing `over` declares."""
        return bool(self.frames) and (is_index_name(name) or any(name in o for o in self.over_names))

    def fresh_index(self, name: str, span: Span, implicit: bool) -> IndexInfo:
        n = self.counter.get(name, 0)
        self.counter[name] = n + 1
        unique = name if n == 0 else f"{name}_{n}"
        info = IndexInfo(name, unique, self.u.fresh(name), span, implicit)
        self.indices[unique] = info
        return info

    def implicit_index(self, name: str, span: Span) -> IndexInfo:
        info = self.fresh_index(name, span, implicit=True)
        self.frames[-1].implicit[name] = info.unique
        return info

    def find_index(self, name: str) -> IndexInfo | None:
        """An index variable in scope: bound by `sum`/`for`, or free in the current lambda body."""
        unique = self.scope.get(name) or (self.frames[-1].implicit.get(name) if self.frames else None)
        return self.indices[unique] if unique else None

    def lookup(self, name: str) -> Binding | None:
        return self.env.get(name)

    def names(self) -> list[str]:
        """Every name in scope, for suggestions."""
        return list(self.env) + list(self.scope) + builtins.all_names()

    def show(self, t: Type) -> str:
        return str(self.u.zonk(t))

    def show_axis(self, a: Axis) -> str:
        a = self.u.resolve(a)
        if isinstance(a, IndexSetAxis):
            return f"the {a.kind.value} {a.name!r}"
        if isinstance(a, FixedAxis):
            return f"the fixed axis {str(a.size)!r}"
        return f"an index set not yet known ({a})"

    def mixed(self, term: ir.Term, span: Span) -> None:
        self.sink.error(Msg.MIXED_WITH_WHOLE, span, found=self.show(term.type))
        return None

    def reads_input(self, e: ast.Name) -> None:
        self.sink.error(Msg.TIE_READS_INPUT, e.span, name=e.name)
        return None


def label(info: IndexInfo) -> tuple[str, Axis]:
    """The label an index variable puts on the terms it subscripts."""
    return (info.unique, info.axis)


def merge_labels(*groups: ir.Labels) -> ir.Labels:
    d: dict[str, Axis] = {}
    for g in groups:
        for n, a in g:
            d.setdefault(n, a)
    return tuple(sorted(d.items()))


def is_scalar(t: Type) -> bool:
    """A tensor with no axes (a tuple is not one)."""
    return isinstance(t, TensorType) and not t.axes
