"""What a name in a declaration's environment is bound to, and the records the body
checker keeps of index variables, lambda frames and call sites."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir
from ..diagnostics import Span
from ..resolve import DeclKey
from ..syntax import ast
from ..types import IndexSetAxis, Kind, MetaAxis, TensorType, Type
from .signatures import Signature


@dataclass(frozen=True)
class LocalB:
    type: Type
    labels: ir.Labels


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


@dataclass
class IndexInfo:
    """What the checker knows of one index variable."""

    source: str
    unique: str
    axis: MetaAxis
    span: Span
    implicit: bool
    subscripted: bool = False


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
