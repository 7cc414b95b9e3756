"""Index notation: subscripts, elementwise primitives over labels, reductions and `for`.

A labelled value (`LV`) is an expression whose leading axes are its labels, in the order
the program first names them (`x[t, d]` is labelled `t d`), so that a value is transposed
only where the program really permutes its axes. Values are broadcast against each other
by inserting new axes (`align`). Products under a `sum` become one `jnp.einsum`, spelled
with the program's own index names where they are letters and contracted left to right
(`ir.contraction`); other reductions become `jnp.sum`/`max`/... over axes; a reduction in
a semiring becomes a call of the runtime's `semiring_contract`.
"""

from __future__ import annotations

import ast as pyast
from dataclasses import replace
from typing import TYPE_CHECKING

from .. import ir
from ..ir import contraction
from ..types import TensorType
from . import pybuild as py
from . import static
from .context import LV
from .prims import DTYPE, INFIX, PRIM_FN, REDUCE_FN, reduce_unit
from .scatter import scatter

if TYPE_CHECKING:
    from .body import Body

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letters(specs: list[tuple[str, ...]], out: tuple[str, ...]) -> str:
    """The einsum spec of operands and an output labelled by index names: the names as the
    program wrote them when they are distinct letters (`'i,io->o'`), else letters in order
    of first appearance."""
    names = union(*specs, out)
    written = {n: _source_name(n) for n in names}
    own = all(len(w) == 1 and w in _LETTERS for w in written.values()) and len(set(written.values())) == len(names)
    letter = {n: written[n] if own else _LETTERS[k] for k, n in enumerate(names)}
    return ",".join("".join(letter[n] for n in s) for s in specs) + "->" + "".join(letter[n] for n in out)


def _source_name(unique: str) -> str:
    """The name an index was written with: the checker tells a reused name apart as `a_1`."""
    base, _, n = unique.rpartition("_")
    return base if base and n.isdigit() else unique


def _ordered(names: tuple[str, ...], prefer: tuple[str, ...]) -> tuple[str, ...]:
    """`names` in the order of `prefer` as far as it names them, the others after as they are."""
    return tuple(n for n in prefer if n in names) + tuple(n for n in names if n not in prefer)


def _leading(orders, prefer: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Of label orders, the one an elementwise operation keeps: a widest one, one in
    `prefer`'s order if there is such."""
    orders = list(orders)
    width = max((len(o) for o in orders), default=0)
    widest = [o for o in orders if len(o) == width]
    return next((o for o in widest if _follows(o, prefer)), widest[0]) if widest else ()


def _follows(labels: tuple[str, ...], prefer: tuple[str, ...]) -> bool:
    """Whether `labels` are all in `prefer` and in its order."""
    return all(n in prefer for n in labels) and [n for n in prefer if n in labels] == list(labels)


def union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of all the groups, each once, in the order of first appearance."""
    return tuple(dict.fromkeys(n for g in groups for n in g))


def _rank(t: ir.Term) -> int:
    """How many axes a term has after its labels."""
    return t.type.rank if isinstance(t.type, TensorType) else 0


def index_value(b: Body, t: ir.IndexValue) -> LV:
    (_, axis), = t.labels
    return LV(py.call("jnp.arange", b.size(axis)), (t.name,))


def sub(b: Body, t: ir.Sub) -> LV:
    """A subscript: index variables label the axes they name, as written (`x[t, d]` is
    labelled `t d`, `x[d, t]` is labelled `d t`); integer indices select or gather.

    A subscript with a fill (`x[a - 1 else 0.0]`) reads it at every index outside its axis,
    a negative one included: nothing wraps round from the end, as a negative index does in
    numpy, or clamps to the last element, as a gather past the end does in JAX. The checker
    has rejected a shift without one; a position of another index set is checked against
    the axis here, at the call (`check_positions`)."""
    base = b.term(t.base).expr
    ivars = [i.name for i in t.indices if isinstance(i, ir.IVar)]
    if all(isinstance(i, ir.IVar) for i in t.indices) and len(set(ivars)) == len(ivars):
        return LV(base, tuple(ivars))
    _check_positions(b, t)
    fill = DATA_FILL if t.fill is None and t.from_data else t.fill
    picked = _take(b, base, t, fill) if len(set(ivars)) == len(ivars) else None
    if picked is not None:
        return picked
    # General case: gather with integer index arrays broadcast over all the labels.
    lvs = [LV(py.call("jnp.arange", b.size(i.axis)), (i.name,)) if isinstance(i, ir.IVar) else b.term(i)
           for i in t.indices]
    labels = union(*(lv.labels for lv in lvs))
    return LV(_index(base, [align(lv, labels) for lv in lvs], fill), labels)


#: The fill of a subscript by an integer read from the data, given no fill of its own: JAX's
#: for the dtype (NaN for a float), so that an id outside the axis shows instead of clamping.
DATA_FILL = "dtype's own"


def _check_positions(b: Body, t: ir.Sub) -> None:
    """A call of the runtime's `check_positions` for each index that is the position of
    another index set, whose size is known only at the call: a ValueError there, naming
    both, when the set is longer than the axis it reads (a learned position table shorter
    than the sequence)."""
    axes = t.base.type.axes if isinstance(t.base.type, TensorType) else ()
    name = t.base.name if isinstance(t.base, (ir.Var, ir.ParamRef)) else "a value"
    for k, along in t.positions:
        b.facts.runtime.add("check_positions")
        b.emit(pyast.Expr(value=py.call("check_positions", py.const(b.p.name), py.const(name),
                                        py.const(str(along)), b.size(along), b.size(axes[k]))))


def _index(base: pyast.expr, items: list[pyast.expr | None], fill: float | bool | str | None) -> pyast.expr:
    """`base[items]`, or with a `fill`, `base.at[items].get(...)` reading `fill` at every
    index outside its axis, a negative one included (`DATA_FILL`: JAX's for the dtype)."""
    if fill is None:
        return py.subscript(base, items)
    at = py.subscript(pyast.Attribute(value=base, attr="at", ctx=pyast.Load()), items)
    value = {} if fill == DATA_FILL else {"fill_value": py.const(fill)}
    return py.call(pyast.Attribute(value=at, attr="get", ctx=pyast.Load()), mode=py.const("fill"),
                   **value, wrap_negative_indices=py.const(False))


def _take(b: Body, base: pyast.expr, t: ir.Sub, fill: float | bool | str | None = None) -> LV | None:
    """Indexing as numpy does it, when each index variable is a whole axis (`:`) that no
    integer index depends on: `E[tokens]` for `E[tokens[s], e]`. The integer indices are
    broadcast against each other; their labels stand where they are when they are adjacent,
    else first, as numpy places them. None when an index variable is also in an index."""
    ivars = tuple(i.name for i in t.indices if isinstance(i, ir.IVar))
    if any(n in ivars for i in t.indices if not isinstance(i, ir.IVar) for n, _ in i.labels):
        return None
    items: list[pyast.expr] = []
    positions, groups = [], []
    for pos, i in enumerate(t.indices):
        if isinstance(i, ir.IVar):
            items.append(py.SLICE)
            continue
        lv = b.term(i)
        positions.append(pos)
        groups.append(lv)
        items.append(lv.expr)
    gathered = union(*(lv.labels for lv in groups))
    for pos, lv in zip(positions, groups):
        items[pos] = align(lv, gathered)
    while items and items[-1] is py.SLICE:
        items.pop()
    picked = _index(base, items, fill) if items else base
    if not gathered:  # basic indexing: scalar integers drop their axes
        return LV(picked, ivars)
    if positions == list(range(positions[0], positions[-1] + 1)):
        before = tuple(i.name for i in t.indices[:positions[0]])
        after = tuple(i.name for i in t.indices[positions[-1] + 1:])
        return LV(picked, before + gathered + after)
    return LV(picked, gathered + ivars)


def permute(x: pyast.expr, have: list[str], want: list[str], rank: int = 0) -> pyast.expr:
    """`x`, its leading axes labelled `have`, transposed to the order `want`; `rank` more
    axes follow them and stay where they are."""
    if list(have) == list(want):
        return x
    perm = [list(have).index(w) for w in want] + list(range(len(have), len(have) + rank))
    return py.call("jnp.transpose", x, py.tuple_(py.const(p) for p in perm))


def align(lv: LV, labels: tuple[str, ...], rank: int = 0) -> pyast.expr:
    """`lv` made to broadcast against values labelled `labels` (which hold all its labels):
    its axes put in that order if the program permuted them, and new axes inserted where
    broadcasting would not line its axes up by itself."""
    if lv.labels == labels or not lv.labels:
        return lv.expr
    order = [n for n in labels if n in lv.labels]
    expr = permute(lv.expr, list(lv.labels), order, rank)
    items = [py.SLICE if n in lv.labels else None for n in labels]
    # Broadcasting aligns trailing axes, so leading new axes and trailing slices go unsaid.
    while items and items[0] is None:
        items.pop(0)
    while items and items[-1] is py.SLICE:
        items.pop()
    return py.subscript(expr, items) if items else expr


def prim(b: Body, t: ir.Prim, prefer: tuple[str, ...] = ()) -> LV:
    """Elementwise: the operands broadcast over the union of their labels, in the order the
    consumer prefers if the widest operand has it, else in the widest operand's order, so
    that the largest value is the one left as it is. A `where` decided by hyperparameters
    alone is a Python conditional: only the branch taken is traced."""
    test = static.decidable(t)
    if test is not None:
        branches = ir.Prim("where", t.args[1:], type=t.type, labels=t.labels)
        lv = prim(b, replace(branches, op="maximum"), prefer)  # the branches, aligned as for any pair
        pair = lv.expr
        assert isinstance(pair, pyast.Call)
        return LV(pyast.IfExp(test=test, body=pair.args[0], orelse=pair.args[1]), lv.labels)
    fixed = _leading((fixed_order(b, a, prefer) for a in t.args), prefer)
    if fixed and not _follows(fixed, prefer):  # the operands whose order is set cannot have the consumer's
        prefer = _ordered(union(fixed, prefer), fixed)
    lvs = [b.term(a, prefer) for a in t.args]
    widest = _leading((lv.labels for lv in lvs), prefer)
    labels = union(widest, *(lv.labels for lv in lvs))
    if _follows(widest, prefer):
        labels = _ordered(labels, prefer)
    args = [align(lv, labels, _rank(a)) for lv, a in zip(lvs, t.args)]
    op = t.op
    if op in INFIX:
        return LV(py.binop(INFIX[op], args[0], args[1]), labels)
    if op == "neg":
        return LV(py.neg(args[0]), labels)
    if op in PRIM_FN:
        return LV(py.call(PRIM_FN[op], *args), labels)
    return LV(b.unary(op, args[0]), labels)


def fixed_order(b: Body, t: ir.Term, prefer: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The labels of `t` in the order its lowering will give them whatever its consumer
    prefers (a subscript keeps the order written, a variable the order it was bound with),
    as far as they are set; () when the order is free. Nothing is lowered."""
    if isinstance(t, ir.Sub) and all(isinstance(i, ir.IVar) for i in t.indices):
        names = tuple(i.name for i in t.indices)
        return names if len(set(names)) == len(names) else ()
    if isinstance(t, ir.Var):
        return b.state.env[t.name].labels
    if isinstance(t, ir.Prim):
        return _leading((fixed_order(b, a, prefer) for a in t.args), prefer)
    if isinstance(t, ir.Builtin) and t.args and not t.over:
        return fixed_order(b, t.args[0], prefer)
    if isinstance(t, ir.Reduce) and t.semiring is None and t.op != "sum":
        reduced = {n for n, _ in t.indices}
        return tuple(n for n in fixed_order(b, t.body, prefer) if n not in reduced)
    return ()


def reduce(b: Body, t: ir.Reduce, prefer: tuple[str, ...] = ()) -> LV:
    reduced = [n for n, _ in t.indices]
    scattered = scatter(b, t, prefer)  # onto the nodes pointers point to: a segment reduction
    if scattered is not None:
        return scattered
    if t.semiring is not None:
        return semiring_reduce(b, t, prefer)
    if t.op == "sum":
        factors = ir.factors(t.body)
        if len(factors) > 1 or isinstance(factors[0], ir.Sub):
            return einsum(b, factors, set(reduced), prefer=prefer, dtype=t.type.dtype)
    body = b.term(t.body, prefer + tuple(n for n in reduced if n not in prefer))
    axes = tuple(body.labels.index(n) for n in reduced)
    axis = py.const(axes[0]) if len(axes) == 1 else py.tuple_(py.const(a) for a in axes)
    out = tuple(n for n in body.labels if n not in reduced)
    unit = reduce_unit(t.op, t.type.dtype)
    initial = {"initial": py.ann(unit)} if unit is not None else {}  # an empty max is its unit, -inf
    return LV(py.call(REDUCE_FN[t.op], body.expr, axis=axis, **initial), out)


def _factor_specs(b: Body, factors: list[ir.Term], distinct: bool
                  ) -> tuple[list[pyast.expr], list[tuple[str, ...]], list[pyast.expr]]:
    """Each factor as an operand and the index names of its axes; a subscript with index
    variables is given to the contraction as its base (repeated variables only when not
    `distinct`), and, when not `distinct`, factors without labels are set aside as scalars."""
    operands, labels, scalars = [], [], []
    for f in factors:
        if isinstance(f, ir.Sub) and all(isinstance(i, ir.IVar) for i in f.indices) and \
                (not distinct or len({i.name for i in f.indices}) == len(f.indices)):
            names = tuple(i.name for i in f.indices)
            operands.append(b.term(f.base).expr)
        else:
            lv = b.term(f)
            if not lv.labels and not distinct:
                scalars.append(lv.expr)
                continue
            names = lv.labels
            operands.append(lv.expr)
        labels.append(names)
    return operands, labels, scalars


def semiring_reduce(b: Body, t: ir.Reduce, prefer: tuple[str, ...] = ()) -> LV:
    """`sum[S] i. a * b`: the factors and their index letters, contracted by the runtime's
    `semiring_contract` in S."""
    b.facts.runtime.add("semiring_contract")
    sr = t.semiring
    operands, labels, _ = _factor_specs(b, ir.factors(t.body), distinct=True)
    reduced = {n for n, _ in t.indices}
    out = _ordered(tuple(n for n in union(*labels) if n not in reduced), prefer)
    kw = {"beta": b.term(sr.beta).expr} if sr.beta is not None else {}
    expr = py.call("semiring_contract", py.const(sr.add), py.const(sr.mul), py.const(sr.zero),
                   py.const(_letters(labels, out)), *operands, **kw)
    return LV(expr, out)


def einsum(b: Body, factors: list[ir.Term], reduced: set[str], tail: tuple[str, ...] = (),
           prefer: tuple[str, ...] = (), dtype: str | None = None) -> LV:
    """A product of factors summed over the `reduced` indices: one einsum, scalar factors
    multiplied outside it. The result is labelled by the other indices in the order the
    consumer prefers, else as the factors name them, and `tail` comes last: the axes of a
    tensor being built. A sum of narrow integers or bools accumulates in `dtype`, as `jnp.sum`
    does, where the factors' own dtype would wrap or saturate."""
    operands, labels, scalars = _factor_specs(b, factors, distinct=False)
    out = _ordered(tuple(n for n in union(*labels) if n not in reduced and n not in tail), prefer)
    widen = {}
    if dtype is not None and all(isinstance(f.type, TensorType) and f.type.dtype != dtype
                                 for f in factors if not isinstance(f, ir.Lit)):
        widen = {"preferred_element_type": py.attr(DTYPE[dtype])}
    # Three or more operands are contracted in the order `para cost` counts, not one that
    # opt_einsum would pick from the sizes of a particular call.
    expr = py.call("jnp.einsum", py.const(_letters(labels, out + tail)), *operands, **path(len(operands)), **widen)
    for s in scalars:
        expr = py.binop("*", s, expr)
    return LV(expr, out)


def path(n: int) -> dict[str, pyast.expr]:
    """The keyword that makes `jnp.einsum` contract `n` operands left to right, as
    `ir.contraction` orders them; none for two or fewer, which have one order."""
    if n <= 2:
        return {}
    pairs = [py.tuple_(py.const(i) for i in pair) for pair in contraction.einsum_path(n)]
    return {"optimize": pyast.List(elts=pairs, ctx=pyast.Load())}


def for_(b: Body, t: ir.For, prefer: tuple[str, ...] = ()) -> LV:
    """`for i j. e`: a tensor whose axes are the bound indices, in the order written, after
    the labels `e` keeps."""
    bound = tuple(n for n, _ in t.indices)
    prefer = tuple(n for n in prefer if n not in bound)
    body_t = t.body
    if isinstance(body_t, ir.Reduce) and body_t.op == "sum" and body_t.semiring is None:
        # A contraction straight into a tensor: one einsum with the tensor's axis order.
        factors = ir.factors(body_t.body)
        free = {n for n, _ in body_t.labels}
        if (len(factors) > 1 or isinstance(factors[0], ir.Sub)) and set(bound) <= free \
                and free == {n for n, _ in t.labels} | set(bound):
            return einsum(b, factors, {n for n, _ in body_t.indices}, bound, prefer, body_t.type.dtype)
    body = b.term(body_t, prefer + bound)
    outer = tuple(n for n in body.labels if n not in bound)  # the body followed `prefer` where it could
    want = outer + bound
    if all(n in body.labels for n in bound):
        return LV(permute(body.expr, list(body.labels), list(want)), outer)
    sizes = dict(t.labels)
    sizes.update(dict(t.indices))
    shape = py.tuple_(b.size(sizes[n]) for n in want)
    return LV(py.call("jnp.broadcast_to", align(body, want), shape), outer)
