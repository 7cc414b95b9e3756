"""Which uses of a tied para are circular convolutions: a linear map over a `cyc` whose
weight a 2-cell gives as a circulant matrix of a kernel.

A circulant matrix `W[a, b] = K[(a - b) mod c]` depends on its indices only through their
difference on the ring, so contracting it with an input is a convolution:

    y[b] = sum a. x[a] * W[a, b] = sum j. w[j] * x[(b + j) mod c]

which takes c·k operations for a kernel of k taps, where building W and multiplying takes
c² (and c² memory). The lowering reads `circular_plan` to apply such a use as a sum of the
kernel's shifted copies of the input, never building W; `para cost` reads the same plan to
count what runs. A para is planned only when every one of its ties is such a weight, so
that its call computes no tied leaf at all (`untie` still builds W, the point r(q) of P).

The rule is structural, on the IR alone. A use `u` of a para `p` is a circular
convolution when

- `p` ties `u.W = R(kernel)`, where `R` is a reparam `w => for a b. e` over a `cyc` `c`
  whose entry `e` is one of the two circulant forms of a kernel `w : [k]`:
  `sum j. if j mod c == (a - b) mod c then w[j] else 0.0` (every tap, folded onto the
  ring: tap j adds at offset j mod c), or `if (a - b) mod c < k then w[(a - b) mod c] else
  0.0` (the first c taps; those past the ring are dropped), with `(b - a)` for the other
  orientation;
- `u`'s para has the one parameter `W` and is the linear map `x => sum a. x[a] * W[a, b]`
  (or `sum b. W[a, b] * x[b]`, or `x @ W`, `W @ x`) on `[m]`, applied in `p` to the same
  `cyc` the 2-cell is built over; and `p` applies `u` only as a map (not in a fold).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..types import Axis, FixedAxis, IndexSetAxis, Kind, Poly, TensorType
from .nodes import (Apply, Fold, For, HyperRef, IndexValue, IVar, LambdaT, LeafRef, Lit, MatMul, ParamRef, ParaDef,
                    ParaKind, Prim, Reduce, ReduceOp, SizeOf, Sub, Term, UseRef, Var, nodes)


@dataclass(frozen=True)
class CircularUse:
    """A use applied as `y[o] = sum j. kernel[j] * x[(o + step * j) mod c]`.

    `kernel` is the tie's argument to the 2-cell, a term of the para's parameters; `step` is
    +1 or -1, from the orientation of the circulant and of the contraction; `fold` says
    whether taps past the ring fold onto it (tap j at offset j mod c) or are dropped (only
    the first c count, as the truncated form reads them)."""

    use: str
    kernel: Term
    step: int
    fold: bool
    axis: IndexSetAxis
    taps: Poly  # the kernel's length


@dataclass(frozen=True)
class CircularPlan:
    """The uses of a tied para that run as circular convolutions: every tie's target."""

    uses: tuple[CircularUse, ...]

    def get(self, use: str) -> CircularUse | None:
        return next((u for u in self.uses if u.use == use), None)


ParaKey = tuple[str, str]


def circular_plan(p: ParaDef, defs: Mapping[ParaKey, ParaDef]) -> CircularPlan | None:
    """The plan of `p` where each of its ties makes a use a circular convolution, else None.
    `defs` holds the program's paras by (file, name)."""
    if p.shape is not None or not p.ties or p.body is None:
        return None
    uses = {u.name: u for u in p.uses}
    found: list[CircularUse] = []
    for tie in p.ties:
        if len(tie.targets) != 1 or len(tie.targets[0]) != 2:
            return None
        name, leaf = tie.targets[0]
        use = uses.get(name)
        if use is None or use.repeat is not None:
            return None
        linear = _linear_map(defs.get((use.callee_file or p.file, use.callee)), leaf)
        value = tie.value
        if linear is None or not (isinstance(value, Apply) and isinstance(value.fn, UseRef)):
            return None
        r_use = uses.get(value.fn.name)
        reparam = defs.get((r_use.callee_file or p.file, r_use.callee)) if r_use is not None else None
        form = _circulant(reparam) if reparam is not None else None
        if form is None or not _square_over_a_ring(value.type) or not _fixed_vector(value.arg.type):
            return None
        axis, (sign, fold) = value.type.axes[0], form
        if not _applied_over(p, name, axis):
            return None
        taps = value.arg.type.axes[0].size
        found.append(CircularUse(name, value.arg, sign * linear, fold, axis, taps))
    tied = p.tied()
    for cu in found:  # a kernel computed from another tied leaf would need `untie` first
        if any(isinstance(n, LeafRef) and n.path in tied for n in nodes(cu.kernel)):
            return None
    return CircularPlan(tuple(found))


# ------------------------------------------------------------------ the linear map


def _linear_map(d: ParaDef | None, leaf: str) -> int | None:
    """+1 where `d` is `x => sum a. x[a] * W[a, b]` (the contraction over W's first index),
    -1 for `sum b. W[a, b] * x[b]` (over its second), with W its one parameter; else None."""
    if (d is None or d.kind is not ParaKind.PARA or d.shape is not None or d.uses or d.ties or d.stochastic
            or [prm.name for prm in d.params] != [leaf]):
        return None
    body = d.body
    if not (isinstance(body, LambdaT) and not body.tupled and len(body.params) == 1):
        return None
    x, t = body.params[0], body.body
    if isinstance(t, MatMul):  # `x @ W` contracts W's first index, `W @ x` its second
        if _is(t.left, Var, x) and _is(t.right, ParamRef, leaf):
            return 1
        if _is(t.left, ParamRef, leaf) and _is(t.right, Var, x):
            return -1
        return None
    if not (isinstance(t, For) and len(t.indices) == 1 and isinstance(t.body, Reduce)):
        return None
    red = t.body
    if not (red.op is ReduceOp.SUM and red.semiring is None and len(red.indices) == 1
            and isinstance(red.body, Prim) and red.body.op == "mul"):
        return None
    out, summed = t.indices[0][0], red.indices[0][0]
    xs = [f for f in red.body.args if _is(_base(f), Var, x)]
    ws = [f for f in red.body.args if _is(_base(f), ParamRef, leaf)]
    if len(xs) != 1 or len(ws) != 1 or _ivars(xs[0]) != (summed,):
        return None
    if _ivars(ws[0]) == (summed, out):
        return 1
    if _ivars(ws[0]) == (out, summed):
        return -1
    return None


def _applied_over(p: ParaDef, use: str, axis: IndexSetAxis) -> bool:
    """Whether `p` applies `use` only as a map on `[axis]`, never in a fold."""
    refs = [n for n in nodes(p.body) if isinstance(n, UseRef) and n.name == use]
    folded = any(isinstance(n, Fold) and n.use == use for n in nodes(p.body))
    return bool(refs) and not folded and all(r.type.dom == TensorType((axis,), r.type.dom.dtype) for r in refs)


# ------------------------------------------------------------------ the circulant 2-cell


def _circulant(r: ParaDef) -> tuple[int, bool] | None:
    """`(sign, fold)` where the reparam `r` builds a circulant matrix of its input
    `w : [k]`: sign +1 for an entry read at `(a - b) mod c`, -1 at `(b - a) mod c`; fold for
    the form that sums every tap onto the ring, not for the one that reads only the first c."""
    if not (r.is_reparam and isinstance(r.body, LambdaT) and not r.body.tupled and len(r.body.params) == 1):
        return None
    if not _fixed_vector(r.type.dom):
        return None
    w, kernel_axis = r.body.params[0], r.type.dom.axes[0]
    t = r.body.body
    if not (isinstance(t, For) and len(t.indices) == 2):
        return None
    (a, axis_a), (b, axis_b) = t.indices
    if not (axis_a == axis_b and isinstance(axis_a, IndexSetAxis) and axis_a.kind is Kind.CYC):
        return None
    e = t.body
    if isinstance(e, Reduce):  # folded: sum j. where(j mod c == (a - b) mod c, w[j], 0)
        if not (e.op is ReduceOp.SUM and e.semiring is None and len(e.indices) == 1 and e.indices[0][1] == kernel_axis):
            return None
        j = e.indices[0][0]
        cond, then = _guarded_by_zero(e.body)
        if cond is None or not (isinstance(cond, Prim) and cond.op == "eq") or _ivars(then) != (j,):
            return None
        if not _is(_base(then), Var, w):
            return None
        left, right = cond.args
        for tap, offset in ((left, right), (right, left)):
            sign = _wrapped_difference(offset, a, b, axis_a)
            if sign is not None and _wraps(tap, j, axis_a):
                return sign, True
        return None
    cond, then = _guarded_by_zero(e)  # truncated: where((a - b) mod c < k, w[(a - b) mod c], 0)
    if cond is None or not (isinstance(cond, Prim) and cond.op == "lt" and isinstance(then, Sub)):
        return None
    if not (_is(then.base, Var, w) and len(then.indices) == 1 and isinstance(then.indices[0], Term)):
        return None
    sign = _wrapped_difference(cond.args[0], a, b, axis_a)
    if sign is None or _wrapped_difference(then.indices[0], a, b, axis_a) != sign:
        return None
    if not _is_size(cond.args[1], kernel_axis):
        return None
    return sign, False


def _guarded_by_zero(e: Term) -> tuple[Term | None, Term | None]:
    """`(condition, value)` of `where(condition, value, 0)`."""
    if isinstance(e, Prim) and e.op == "where" and len(e.args) == 3:
        zero = e.args[2]
        if isinstance(zero, Lit) and not isinstance(zero.value, bool) and zero.value == 0:
            return e.args[0], e.args[1]
    return None, None


def _wrapped_difference(t: Term, a: str, b: str, axis: IndexSetAxis) -> int | None:
    """+1 for `(a - b) mod c`, -1 for `(b - a) mod c`, with c the size of `axis`."""
    if not (isinstance(t, Prim) and t.op == "mod" and _is_size_of(t.args[1], axis)):
        return None
    d = t.args[0]
    if not (isinstance(d, Prim) and d.op == "sub" and all(isinstance(i, IndexValue) for i in d.args)):
        return None
    names = tuple(i.name for i in d.args)
    return 1 if names == (a, b) else -1 if names == (b, a) else None


def _wraps(t: Term, j: str, axis: IndexSetAxis) -> bool:
    """`j mod c`."""
    return (isinstance(t, Prim) and t.op == "mod" and isinstance(t.args[0], IndexValue) and t.args[0].name == j
            and _is_size_of(t.args[1], axis))


def _is_size(t: Term, axis: Axis) -> bool:
    """Whether `t` is the length of the fixed axis `axis`: a hyperparameter or a literal."""
    if not isinstance(axis, FixedAxis):
        return False
    if isinstance(t, HyperRef):
        return axis.size == Poly.var(t.name)
    if isinstance(t, Lit) and isinstance(t.value, int) and not isinstance(t.value, bool):
        return axis.size == Poly.const(t.value)
    return False


def _is_size_of(t: Term, axis: IndexSetAxis) -> bool:
    return isinstance(t, SizeOf) and t.axis == axis


# ------------------------------------------------------------------ small readers


def _is(t: Term, kind: type, name: str) -> bool:
    return isinstance(t, kind) and t.name == name


def _base(t: Term) -> Term:
    return t.base if isinstance(t, Sub) else t


def _ivars(t: Term) -> tuple[str, ...] | None:
    """The index variables of a subscript by index variables only, `x[a, b]`."""
    if not (isinstance(t, Sub) and all(isinstance(i, IVar) for i in t.indices)):
        return None
    return tuple(i.name for i in t.indices)


def _square_over_a_ring(t) -> bool:
    """`[c, c]` with c a `cyc`."""
    return (isinstance(t, TensorType) and len(t.axes) == 2 and t.axes[0] == t.axes[1]
            and isinstance(t.axes[0], IndexSetAxis) and t.axes[0].kind is Kind.CYC)


def _fixed_vector(t) -> bool:
    return isinstance(t, TensorType) and len(t.axes) == 1 and isinstance(t.axes[0], FixedAxis)
