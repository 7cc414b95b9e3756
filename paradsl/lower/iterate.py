"""Iteration: `iterate f for k` as one `jax.lax.fori_loop`, and `iterate f until converged
for k` as the runtime's `iterate_until`, a `jax.lax.while_loop`.

The bound of the loop is a Python integer when the module is traced (a hyperparameter, or
an index set's size read off the input's shape), so `fori_loop` runs as a `lax.scan`: the
step is traced and compiled once, whatever the count, and reverse mode differentiates it.
"""

from __future__ import annotations

import ast as pyast
from typing import TYPE_CHECKING

from .. import ir
from ..types import Poly
from . import pybuild as py
from .context import LV
from .folds import template
from .shapes import poly_expr

if TYPE_CHECKING:
    from .body import Body


def iterate(b: Body, m: ir.Iterate, arg: LV) -> LV:
    step = b.function(m.fn, "step")
    count = _count(b, m)
    state = b.bind("state", arg.expr)
    out = b.fresh("state")
    if m.until:
        b.facts.runtime.add("iterate_until")
        b.state.stmts.extend(template("OUT = iterate_until(STEP, STATE, COUNT, TOL)", STEP=step, STATE=state,
                                      COUNT=count, TOL=py.const(ir.UNTIL_TOLERANCE), OUT=py.name(out)))
    else:
        b.state.stmts.extend(template("OUT = jax.lax.fori_loop(0, COUNT, lambda _, s: STEP(s), STATE)",
                                      STEP=step, STATE=state, COUNT=count, OUT=py.name(out)))
    return LV(py.name(out))


def _count(b: Body, m: ir.Iterate) -> pyast.expr:
    """The count as arithmetic on hyperparameters and index-set sizes, its constant last:
    `n - 1`, not `-1 + n`."""
    sets = dict(m.index_sets)

    def var(v: str) -> pyast.expr:
        return b.size(sets[v]) if v in sets else py.self_attr(py.ident(v))

    const = sum(c for mono, c in m.count.terms if not mono)
    rest = Poly(tuple(t for t in m.count.terms if t[0]))
    if not rest.terms:
        return py.const(const)
    expr = poly_expr(rest, var)
    if const:
        expr = py.binop("-" if const < 0 else "+", expr, py.const(abs(const)))
    return expr
