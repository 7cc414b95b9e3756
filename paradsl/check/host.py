"""The declaration as its body sees it: the `DeclHost` a body checker asks for uses,
2-cells, recursion schemes, leaves and semirings."""

from __future__ import annotations

from .. import ir
from ..diagnostics import Span
from ..syntax import ast
from ..types import MapType, MetaAxis, TensorType, Type
from . import leaves, schemes, semirings, two_cells, uses
from .bindings import CallSite, UseB
from .body import BodyChecker
from .context import DeclContext
from .semirings import SemiringTable


class DeclarationHost:
    """`DeclHost` for one declaration: each request answered by the part that owns it."""

    def __init__(self, ctx: DeclContext):
        self.ctx = ctx

    def new_anonymous_use(self, call: ast.Call) -> UseB | None:
        return uses.new_anonymous_use(self.ctx, call)

    def instantiate(self, b: UseB, span: Span) -> tuple[MapType, list[CallSite], tuple[tuple[str, MetaAxis], ...]]:
        return uses.instantiate(self.ctx, b, span)

    def is_stochastic(self, use: str) -> bool:
        return uses.is_stochastic(self.ctx, use)

    def via(self, bc: BodyChecker, e: ast.BinOp) -> ir.MapTerm | None:
        return two_cells.via(self.ctx, bc, e)

    def fold(self, bc: BodyChecker, e: ast.FoldExpr, dom: Type | None = None) -> ir.MapTerm | None:
        return schemes.fold(self.ctx, bc, e, dom)

    def leaf(self, path: tuple[ast.Ident, ...], span: Span) -> TensorType | None:
        return leaves.leaf_type(self.ctx, path, span)

    def semiring(self, name: ast.Ident) -> SemiringTable | None:
        return semirings.semiring(self.ctx, name)
