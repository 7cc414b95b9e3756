"""What a name in a declaration's environment is bound to, and the records the body
checker keeps of index variables, lambda frames and call sites."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import ir
from ..diagnostics import Span
from ..resolve import DeclKey
from ..syntax import ast
from ..types import Axis, IndexSetAxis, Kind, MetaAxis, TensorType, Type
from .signatures import Signature


@dataclass(frozen=True)
class LocalB:
    """A local value: a lambda's parameter, or a `let`'s, whose `value` a subscript by it
    reads through to see whether it is computed from a position (`check.bounds`)."""

    type: Type
    labels: ir.Labels
    value: ir.Term | None = None


@dataclass(frozen=True)
class ParamB:
    type: TensorType


@dataclass(frozen=True)
class HyperB:
    kind: str


@dataclass(frozen=True)
class IndexSetB:
    axis: IndexSetAxis


@dataclass(frozen=True)
class UseB:
    use: ir.Use
    sig: Signature


@dataclass(frozen=True)
class MapB:
    term: ir.MapTerm


@dataclass(frozen=True)
class GlobalB:
    sig: Signature


@dataclass(frozen=True)
class SemiringB:
    """A semiring declaration in scope."""

    key: DeclKey
    decl: ast.SemiringDecl


@dataclass(frozen=True)
class FunctorB:
    """A functor declaration in scope."""

    key: DeclKey
    decl: ast.FunctorDecl


@dataclass(frozen=True)
class ErrorB:
    """A name whose declaration had an error (already reported): its uses report nothing."""


@dataclass(frozen=True)
class InputB:
    """The input of a para's body, seen from a tie: reading it is an error (a hypernetwork)."""


Binding = LocalB | ParamB | HyperB | IndexSetB | UseB | MapB | GlobalB | ErrorB | InputB | FunctorB | SemiringB


class Environment(Mapping[str, Binding]):
    """The names a body sees: the declaration's and the file's (`outer`), under the scopes
    its `let`s and lambdas open.

    Scopes open and close in nesting order, so each name keeps a stack of its local
    bindings and a lookup costs the same at any depth; a chain of one map per scope would
    cost the depth at every lookup, quadratic over a long chain of `let`s.
    """

    def __init__(self, outer: Mapping[str, Binding]):
        self._outer = outer
        self._local: dict[str, list[Binding]] = {}

    def __getitem__(self, name: str) -> Binding:
        stack = self._local.get(name)
        return stack[-1] if stack else self._outer[name]

    def __contains__(self, name: object) -> bool:
        return name in self._local or name in self._outer

    def __iter__(self) -> Iterator[str]:
        yield from self._local
        yield from (n for n in self._outer if n not in self._local)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @contextmanager
    def opened(self, bound: Mapping[str, Binding]) -> Iterator[None]:
        """A scope binding `bound` over the current one, closed on leaving."""
        for name, b in bound.items():
            self._local.setdefault(name, []).append(b)
        try:
            yield
        finally:
            for name in bound:
                stack = self._local[name]
                stack.pop()
                if not stack:
                    del self._local[name]


@dataclass
class IndexInfo:
    """What the checker knows of one index variable."""

    source: str
    unique: str
    axis: MetaAxis
    span: Span
    implicit: bool
    subscripted: bool = False
    #: The axes of the tensors it subscripts through arithmetic (`y[a - 1]`), the range it
    #: takes when nothing else gives one.
    shifted_along: list[Axis] = field(default_factory=list)


@dataclass
class Frame:
    """A lambda body: the free index variables it binds implicitly."""

    implicit: dict[str, str] = field(default_factory=dict)  # source name -> unique name


@dataclass
class CallSite:
    """A use's index set instantiated at one reference, checked for symmetry at the end."""

    meta: MetaAxis
    callee: str
    param: str
    kind: Kind
    span: Span
