"""Type checking of a body: AST expressions to typed IR terms.

Values and maps are checked by two entry points, `value` and `map_`. Index notation is
checked by tracking, for each term, the index variables it is labelled by: a subscript
`x[j]` labels its result with `j`, arithmetic takes the union of its operands' labels,
`sum j.` and `for j.` remove `j`. An index variable's range (its index set) is a meta axis
unified with every axis it subscripts, so one index over two different sets is caught.
Free index variables of a lambda body are bound implicitly in alphabetical order, as in
einsum's implicit mode, and must then agree with the declared result type.

Errors are reported to the sink and the offending subterm becomes None; checking goes on
with the rest, so that independent errors are all reported.

The work is split by concern, each part a class over the shared `BodyContext`: maps
(`maps`), names, literals and local bindings (`values`), arithmetic (`operators`), index
notation (`indices`) and calls of maps and builtins (`calls`).
"""

from __future__ import annotations

from collections.abc import Callable

from .. import ir
from ..diagnostics import Message
from ..syntax import ast
from ..types import Type
from .calls import CallChecker
from .context import BodyContext
from .indices import IndexChecker
from .maps import MapChecker
from .operators import OperatorChecker
from .values import ValueChecker


class BodyChecker:
    """Checks one body; its parts reach each other through it."""

    def __init__(self, cx: BodyContext):
        self.cx = cx
        self.maps = MapChecker(cx, self)
        self.values = ValueChecker(cx, self)
        self.operators = OperatorChecker(cx, self)
        self.indices = IndexChecker(cx, self)
        self.calls = CallChecker(cx, self)
        #: The check of each kind of AST expression, by its class name: `visit_Name` checks an `ast.Name`.
        self._visit: dict[str, Callable[..., ir.Term | None]] = {
            name.removeprefix("visit_"): getattr(part, name)
            for part in (self.values, self.operators, self.indices, self.calls)
            for name in dir(type(part)) if name.startswith("visit_")
        }

    def value(self, e: ast.Expr, expect: Type | None = None) -> ir.Term | None:
        """Check a value. `expect`, the type the context wants, only gives `for` its ranges
        when its body does not: `for i. 0.0` where a `[d]` is wanted."""
        method = self._visit[type(e).__name__]
        if expect is not None and isinstance(e, (ast.For, ast.TupleExpr, ast.Let)):
            return method(e, expect)
        return method(e)

    def map_(self, e: ast.Expr, dom: Type | None, cod: Type | None = None) -> ir.MapTerm | None:
        """Check `e` as a map, given its input type when known and its result type as a hint."""
        return self.maps.map_(e, dom, cod)

    def whole(self, e: ast.Expr, msg: Message, expect: Type | None = None, **values: object) -> ir.Term | None:
        """A value that must not be indexed (a whole tensor or tuple); `msg` says where it is needed."""
        return self.values.whole(e, msg, expect, **values)
