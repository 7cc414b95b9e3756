"""Safe lists: whether an integer subscript can fall outside its axis, and what it reads there.

Nothing wraps or clamps silently. An index computed from a position (`x[a - 1]`,
`x[t - 1 - a]`) may leave its axis, so it must say what it reads there, `x[a - 1 else 0.0]`
(E1120), unless it is taken `mod` the size of its own axis, as a shift on a `cyc` is. The
position itself, read along another index set (a learned position table `P[i, c]` at
`let i = a`), is in range while that set is no longer than the table: checked here where
both sizes are numbers (E1123), else at the call. An integer read from the data (a token id)
is bounded by nothing the checker can see; with no fill it reads what `lower.index` says.

The checker does no arithmetic on ranges: it recognises the position itself (`a`, `a + 0`,
a `let` of one), `mod` the axis's size, and two guards: `if a > 0 then x[a - 1] else ...`
(a position less a constant on its own axis, the position at least that constant) and
`if i < n then x[i] else ...` (`i` never negative: a `mod`, or a position plus a constant;
`n` the size of the axis). Every other use of a position is a shift.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import Axis, FixedAxis, IndexSetAxis, Kind, MetaAxis, Poly, TensorType, Unifier, is_int
from .bindings import LocalB
from .context import BodyContext
from .operators import constant

if TYPE_CHECKING:
    from .body import BodyChecker


class Reach(enum.Enum):
    """Where an integer index can land, as far as the checker can tell."""

    INSIDE = "inside"  # within its axis by construction
    POSITION = "position"  # the position of an index over another index set
    SHIFT = "shift"  # computed from a position otherwise: may fall outside
    DATA = "data"  # not computed from a position: the checker cannot tell


@dataclass(frozen=True)
class Landing:
    """Where an index lands; `along` is the index set of a `POSITION`."""

    reach: Reach
    along: Axis | None = None


#: A `let`-bound variable's value, or None for one bound otherwise (a lambda's parameter).
Lets = Callable[[str], "ir.Term | None"]


def landing(t: ir.Term, axis: Axis, u: Unifier, lets: Lets, guards: Sequence[ir.Term] = ()) -> Landing:
    """Where the integer index `t` of a subscript along `axis` can land, under the
    conditions `guards` of the `if`s it is in the `then` branch of."""
    if isinstance(t, ir.Var) and (value := lets(t.name)) is not None:
        return landing(value, axis, u, lets, guards)
    if guards and positional(t, lets) and _guarded(t, axis, u, [c for g in guards for c in _conjuncts(g)]):
        return Landing(Reach.INSIDE)
    along = _position(t, lets)
    if along is not None:
        return Landing(Reach.INSIDE) if u.resolve(along) == u.resolve(axis) else Landing(Reach.POSITION, along)
    if isinstance(t, ir.Prim) and t.op == "mod" and _is_size(t.args[1], axis, u):
        return Landing(Reach.INSIDE)
    return Landing(Reach.SHIFT) if positional(t, lets) else Landing(Reach.DATA)


def _position(t: ir.Term, lets: Lets) -> Axis | None:
    """The index set whose position `t` is, as it is (`a`, `a + 0`, a `let` of one), or None."""
    if isinstance(t, ir.Var) and (value := lets(t.name)) is not None:
        return _position(value, lets)
    if isinstance(t, ir.IndexValue):
        (_, axis), = t.labels
        return axis
    if isinstance(t, ir.Prim) and t.op in ("add", "sub") and constant(t.args[1]) == 0:
        return _position(t.args[0], lets)
    return None


def positional(t: object, lets: Lets) -> bool:
    """Whether a term reads an index's position anywhere within it, itself or through the
    `let`s that bind its variables."""
    if isinstance(t, ir.IndexValue):
        return True
    if isinstance(t, ir.Var):
        value = lets(t.name)
        return value is not None and positional(value, lets)
    if isinstance(t, ir.Sub):  # an element read from a tensor is data, wherever it was read
        return False
    if isinstance(t, tuple):
        return any(positional(x, lets) for x in t)
    if isinstance(t, ir.Term):
        return any(positional(v, lets) for k, v in vars(t).items() if k not in ("type", "labels", "span"))
    return False


def symmetric(axis: Axis, u: Unifier) -> bool:
    """Whether `axis` is a `set` or a `cyc`, where the symmetry pass rejects every shift but
    one taken `mod` the size (E0303, E0308), so that it is not reported twice."""
    a = u.resolve(axis)
    return isinstance(a, IndexSetAxis) and a.kind is not Kind.LIST


def longer(along: Axis, axis: Axis, u: Unifier) -> tuple[int, int] | None:
    """The two sizes when both are numbers and `along` is the longer, else None."""
    a, b = u.resolve(along), u.resolve(axis)
    if isinstance(a, FixedAxis) and isinstance(b, FixedAxis) and a.size.is_const and b.size.is_const:
        n, m = a.size.const_value, b.size.const_value
        return (n, m) if n > m else None
    return None


def known(along: Axis, axis: Axis, u: Unifier) -> bool:
    """Whether both sizes are numbers, so that the checker has compared them."""
    a, b = u.resolve(along), u.resolve(axis)
    return all(isinstance(x, FixedAxis) and x.size.is_const for x in (a, b))


def _conjuncts(c: ir.Term) -> list[ir.Term]:
    """The conditions a guard's `and`s join."""
    if isinstance(c, ir.Prim) and c.op == "and":
        return [x for a in c.args for x in _conjuncts(a)]
    return [c]


def _guarded(t: ir.Term, axis: Axis, u: Unifier, conds: list[ir.Term]) -> bool:
    """Whether one of the conditions keeps `t` inside `axis` (see the module's docstring)."""
    # The position less a constant on its own axis, `a - 1`, under `a > 0` or `a >= 1`.
    if isinstance(t, ir.Prim) and t.op == "sub" and isinstance(t.args[0], ir.IndexValue):
        k = constant(t.args[1])
        (_, along), = t.args[0].labels
        if isinstance(k, int) and k >= 0:
            for c in conds:
                low = _below(c, t.args[0])
                # A position whose range is not yet known is read as one of this axis, as a
                # shift's index is when nothing else gives its range (`range_from_shift`).
                if low is not None and low >= k and _same(along, axis, u):
                    return True
    # An index that is never negative, under `index < size of the axis`.
    if _never_negative(t):
        for c in conds:
            if isinstance(c, ir.Prim) and c.op in ("lt", "gt"):
                small, big = c.args if c.op == "lt" else reversed(c.args)
                if small == t and _is_size(big, axis, u):
                    return True
    return False


def _same(along: Axis, axis: Axis, u: Unifier) -> bool:
    """Whether a position's index set is `axis`, made so if it is not yet known."""
    if isinstance(u.resolve(along), MetaAxis):
        return u.unify_axis(along, axis)
    return u.resolve(along) == u.resolve(axis)


def _below(c: ir.Term, pos: ir.IndexValue) -> int | None:
    """The least value the condition `c` allows the position `pos`: `a > 0` gives 1,
    `a >= 2` gives 2, `0 < a` gives 1; None when `c` is not one of those."""
    if not (isinstance(c, ir.Prim) and c.op in ("gt", "ge", "lt", "le") and len(c.args) == 2):
        return None
    left, right = c.args
    op = c.op
    if right == pos:  # `0 < a` is `a > 0`
        left, right = right, left
        op = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}[op]
    k = constant(right)
    if left != pos or not isinstance(k, int) or op not in ("gt", "ge"):
        return None
    return k + 1 if op == "gt" else k


def _never_negative(t: ir.Term) -> bool:
    """Whether an integer term is never negative by its form: `... mod` a size or a positive
    number, a position, or a sum of such and non-negative constants."""
    if isinstance(t, ir.IndexValue) or isinstance(t, ir.SizeOf):
        return True
    if isinstance(t, ir.Prim) and t.op == "mod":
        k = constant(t.args[1])
        return isinstance(t.args[1], ir.SizeOf) or (k is not None and k > 0)
    if isinstance(t, ir.Prim) and t.op == "add":
        return all(_never_negative(a) or ((k := constant(a)) is not None and k >= 0) for a in t.args)
    return False


def _is_size(n: ir.Term, axis: Axis, u: Unifier) -> bool:
    """Whether `n` is the size of `axis`: `t` for an index set, `k` or `8` for a fixed axis."""
    a = u.resolve(axis)
    if isinstance(n, ir.SizeOf):
        return u.resolve(n.axis) == a
    return isinstance(a, FixedAxis) and _poly(n, u) == a.size


def _poly(n: ir.Term, u: Unifier) -> Poly | None:
    """An integer term of numbers, hyperparameters and fixed sizes as a size polynomial."""
    if isinstance(n, ir.Lit) and isinstance(n.value, int) and not isinstance(n.value, bool):
        return Poly.const(n.value)
    if isinstance(n, ir.HyperRef):
        return Poly.var(n.name)
    if isinstance(n, ir.SizeOf) and isinstance(a := u.resolve(n.axis), FixedAxis):
        return a.size
    if isinstance(n, ir.Prim) and n.op in ("add", "sub", "mul") and len(n.args) == 2:
        x, y = _poly(n.args[0], u), _poly(n.args[1], u)
        if x is None or y is None:
            return None
        return x + y if n.op == "add" else x - y if n.op == "sub" else x * y
    return None


def reads_data(t: object, lets: Lets) -> bool:
    """Whether an integer term reads a value of the program (an input, a parameter, a
    subscript of one: a token id), not only numbers, sizes, hyperparameters and positions."""
    if isinstance(t, ir.Var):
        value = lets(t.name)
        return value is None or reads_data(value, lets)
    if isinstance(t, (ir.Lit, ir.HyperRef, ir.SizeOf, ir.IndexValue)):
        return False
    if isinstance(t, ir.Prim):
        return any(reads_data(a, lets) for a in t.args)
    return isinstance(t, ir.Term)


class SubscriptBounds:
    """Checks what a subscript says it reads outside its axis: its fill, and whether one is
    needed (E1120-E1124)."""

    def __init__(self, cx: BodyContext, bc: BodyChecker):
        self.cx = cx
        self.bc = bc

    def lets(self, name: str) -> ir.Term | None:
        """The value a `let` bound `name` to, or None for a name bound otherwise."""
        b = self.cx.lookup(name)
        return b.value if isinstance(b, LocalB) else None

    def bounds(self, e: ast.Subscript, indices: list[ir.IVar | ir.Term], axes: tuple[Axis, ...],
               fill: ir.Lit | None) -> tuple[tuple[int, Axis], ...] | None:
        """The positions of other index sets among the indices whose range is left to the
        call (see `ir.Sub`), or None after reporting an index that may fall outside its
        axis with nothing said about what it reads there, or a fill never read."""
        u, sink = self.cx.u, self.cx.sink
        name = e.base.name if isinstance(e.base, ast.Name) else None
        positions: list[tuple[int, Axis]] = []
        ok, leaves = True, False
        for k, (ix, axis) in enumerate(zip(indices, axes)):
            if isinstance(ix, ir.IVar):
                continue
            land = landing(ix, axis, u, self.lets, self.cx.guards)
            leaves = leaves or land.reach is not Reach.INSIDE
            if fill is not None:
                continue
            if land.reach is Reach.SHIFT and not symmetric(axis, u):
                if name is None:
                    sink.error(Msg.SHIFT_UNFILLED_OF_VALUE, e.indices[k].span, axis=self.cx.show_axis(axis))
                else:
                    sink.error(Msg.SHIFT_UNFILLED, e.indices[k].span, name=name, axis=self.cx.show_axis(axis))
                ok = False
            elif land.reach is Reach.POSITION and land.along is not None:
                if (sizes := longer(land.along, axis, u)) is not None:
                    sink.error(Msg.POSITION_TABLE_SHORT, e.indices[k].span, name=name or "x", size=sizes[0],
                               along=self.cx.show_axis(land.along), limit=sizes[1])
                    ok = False
                elif not known(land.along, axis, u):
                    positions.append((k, land.along))
        if ok and fill is not None and not leaves and e.fill is not None:
            sink.error(Msg.FILL_UNNEEDED, e.fill.span)
            ok = False
        return tuple(positions) if ok else None

    def fill(self, e: ast.Expr, dtype: str) -> ir.Lit | None:
        """The fill of a subscript, `x[a - 1 else 0.0]`: a constant of the tensor's dtype (a
        whole number stands for a float), or None after reporting one that is not."""
        t = self.bc.value(e)
        if t is None:
            return None
        if isinstance(t, ir.Lit) and isinstance(t.value, bool):
            value: int | float | bool | None = t.value
        else:
            value = constant(t) if not t.labels else None
        if value is None:
            self.cx.sink.error(Msg.FILL_NOT_CONSTANT, e.span)
            return None
        found = "bool" if isinstance(value, bool) else "f32" if isinstance(value, float) else "i32"
        if dtype == "bool":
            fits = isinstance(value, bool)
        elif is_int(dtype):
            fits = isinstance(value, int) and not isinstance(value, bool)
        else:
            fits = not isinstance(value, bool)
            value = value if isinstance(value, bool) else float(value)
        if not fits:
            example = "`false`" if dtype == "bool" else "`0`" if is_int(dtype) else "`0.0`"
            self.cx.sink.error(Msg.FILL_DTYPE, e.span, fill=_show(value), found=found, dtype=dtype, example=example)
            return None
        return ir.Lit(value, type=TensorType((), dtype))


def _show(v: int | float | bool) -> str:
    """A fill as the program writes it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return repr(v)
