"""Index notation: subscripts, elementwise primitives over labels, reductions and `for`.

A labelled value (`LV`) is an expression whose leading axes are its labels in sorted
order; values are broadcast against each other by inserting new axes (`align`). Products
under a `sum` become one `jnp.einsum`; other reductions become `jnp.sum`/`max`/... over
axes; a reduction in a semiring becomes a call of the runtime's `semiring_contract`.
"""

from __future__ import annotations

import ast as pyast
from typing import TYPE_CHECKING

from .. import ir
from . import pybuild as py
from .context import LV
from .prims import INFIX, PRIM_FN, REDUCE_FN

if TYPE_CHECKING:
    from .body import Body

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _Letters:
    """One einsum letter per index name, in order of first use."""

    def __init__(self) -> None:
        self.letters: dict[str, str] = {}

    def __call__(self, n: str) -> str:
        if n not in self.letters:
            self.letters[n] = _LETTERS[len(self.letters)]
        return self.letters[n]

    def spec(self, names) -> str:
        return "".join(self(n) for n in names)


def index_value(b: Body, t: ir.IndexValue) -> LV:
    (_, axis), = t.labels
    return LV(py.call("jnp.arange", b.size(axis)), (t.name,))


def sub(b: Body, t: ir.Sub) -> LV:
    base = b.term(t.base).expr
    ivars = [i.name for i in t.indices if isinstance(i, ir.IVar)]
    if all(isinstance(i, ir.IVar) for i in t.indices) and len(set(ivars)) == len(ivars):
        return LV(permute(base, ivars, sorted(ivars)), tuple(sorted(ivars)))
    if len(set(ivars)) == len(ivars) and all(isinstance(i, ir.IVar) or not i.labels for i in t.indices):
        # Scalar integer indices and distinct index variables: basic indexing, `E[tok, :]`.
        items = [py.SLICE if isinstance(i, ir.IVar) else b.term(i).expr for i in t.indices]
        while items and items[-1] is py.SLICE:
            items.pop()
        picked = py.subscript(base, items) if items else base
        return LV(permute(picked, ivars, sorted(ivars)), tuple(sorted(ivars)))
    # General case: gather with integer index arrays broadcast over the labels.
    labels = tuple(n for n, _ in t.labels)
    items = []
    for i in t.indices:
        if isinstance(i, ir.IVar):
            lv = LV(py.call("jnp.arange", b.size(i.axis)), (i.name,))
        else:
            lv = b.term(i)
        items.append(align(lv, labels))
    return LV(py.subscript(base, items), labels)


def permute(x: pyast.expr, have: list[str], want: list[str]) -> pyast.expr:
    """`x`, its axes labelled `have`, transposed to the order `want`."""
    if have == want:
        return x
    perm = [have.index(w) for w in want]
    return py.call("jnp.transpose", x, py.tuple_(py.const(p) for p in perm))


def align(lv: LV, labels: tuple[str, ...]) -> pyast.expr:
    """Insert new axes so that `lv` broadcasts against values labelled `labels`."""
    if lv.labels == labels or not lv.labels:
        return lv.expr
    return py.subscript(lv.expr, [py.SLICE if n in lv.labels else None for n in labels])


def prim(b: Body, t: ir.Prim) -> LV:
    labels = tuple(n for n, _ in t.labels)
    args = [align(b.term(a), labels) for a in t.args]
    op = t.op
    if op in INFIX:
        return LV(py.binop(INFIX[op], args[0], args[1]), labels)
    if op == "neg":
        return LV(py.neg(args[0]), labels)
    if op in PRIM_FN:
        return LV(py.call(PRIM_FN[op], *args), labels)
    return LV(b.unary(op, args[0]), labels)


def reduce(b: Body, t: ir.Reduce) -> LV:
    out = tuple(n for n, _ in t.labels)
    if t.semiring is not None:
        return LV(semiring_reduce(b, t, out), out)
    if t.op == "sum":
        factors = ir.factors(t.body)
        if len(factors) > 1 or isinstance(factors[0], ir.Sub):
            return LV(einsum(b, factors, out), out)
    body = b.term(t.body)
    reduced = [n for n, _ in t.indices]
    axes = tuple(body.labels.index(n) for n in reduced)
    axis = py.const(axes[0]) if len(axes) == 1 else py.tuple_(py.const(a) for a in axes)
    return LV(py.call(REDUCE_FN[t.op], body.expr, axis=axis), out)


def semiring_reduce(b: Body, t: ir.Reduce, out: tuple[str, ...]) -> pyast.expr:
    """`sum[S] i. a * b`: the factors and their index letters, contracted by the helper in S."""
    b.facts.runtime.add("semiring_contract")
    letter = _Letters()
    operands, specs = [], []
    for f in ir.factors(t.body):
        if isinstance(f, ir.Sub) and all(isinstance(i, ir.IVar) for i in f.indices) and \
                len({i.name for i in f.indices}) == len(f.indices):
            operands.append(b.term(f.base).expr)
            specs.append(letter.spec(i.name for i in f.indices))
            continue
        lv = b.term(f)
        operands.append(lv.expr)
        specs.append(letter.spec(lv.labels))
    sr = t.semiring
    kw = {"beta": b.term(sr.beta).expr} if sr.beta is not None else {}
    return py.call("semiring_contract", py.const(sr.add), py.const(sr.mul), py.const(sr.zero),
                   py.const(",".join(specs) + "->" + letter.spec(out)), *operands, **kw)


def einsum(b: Body, factors: list[ir.Term], out: tuple[str, ...]) -> pyast.expr:
    """A product of subscripted factors summed over the indices not in `out`: one einsum,
    scalar factors multiplied outside it."""
    letter = _Letters()
    specs, operands, scalars = [], [], []
    for f in factors:
        if isinstance(f, ir.Sub) and all(isinstance(i, ir.IVar) for i in f.indices):
            operands.append(b.term(f.base).expr)
            specs.append(letter.spec(i.name for i in f.indices))
            continue
        lv = b.term(f)
        if not lv.labels:
            scalars.append(lv.expr)
            continue
        operands.append(lv.expr)
        specs.append(letter.spec(lv.labels))
    spec = ",".join(specs) + "->" + letter.spec(out)
    expr = py.call("jnp.einsum", py.const(spec), *operands)
    for s in scalars:
        expr = py.binop("*", s, expr)
    return expr


def for_(b: Body, t: ir.For) -> LV:
    bound = [n for n, _ in t.indices]
    outer = tuple(n for n, _ in t.labels)
    body_t = t.body
    if isinstance(body_t, ir.Reduce) and body_t.op == "sum" and body_t.semiring is None:
        # A contraction straight into a tensor: one einsum with the tensor's axis order.
        factors = ir.factors(body_t.body)
        want = list(outer) + bound
        if (len(factors) > 1 or isinstance(factors[0], ir.Sub)) and set(want) == {n for n, _ in body_t.labels}:
            return LV(einsum(b, factors, tuple(want)), outer)
    body = b.term(t.body)
    missing = [(n, a) for n, a in t.indices if n not in body.labels]
    expr, have = body.expr, list(body.labels)
    if missing:
        labels = tuple(sorted(set(have) | {n for n, _ in missing}))
        expr = align(LV(expr, tuple(have)), labels) if have else expr
        sizes = {n: a for n, a in t.labels}
        sizes.update(dict(t.indices))
        shape = py.tuple_(b.size(sizes[n]) for n in labels)
        expr = py.call("jnp.broadcast_to", expr, shape)
        have = list(labels)
    return LV(permute(expr, have, list(outer) + bound), outer)
