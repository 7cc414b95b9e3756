"""A use whose weight is a circulant matrix, applied as a circular convolution of its kernel.

`ir.circulant` decides which uses of a tied para qualify (every tie gives a linear map's
weight as a circulant of a kernel); here the para's `__call__` is written for them. It is
the body, as `forward` lowers it, except that such a use is applied as
`circular_convolution(x, kernel)` (`paradsl.runtime`), c·k operations, and no tied leaf is
computed: the c x c weight exists only in `untie`, which still gives the point r(q) of P.
"""

from __future__ import annotations

import ast as pyast
from typing import TYPE_CHECKING

from ..ir.circulant import CircularPlan, CircularUse
from . import pybuild as py
from .context import LV

if TYPE_CHECKING:
    from .body import Body
    from .para import ParaLowering

#: The docstring of a `__call__` that applies circulant weights as convolutions.
DOC = "g(q, x) = f(r(q), x): each circulant weight applied as a convolution of its kernel."


def apply(b: Body, cu: CircularUse, arg: LV) -> LV:
    """`circular_convolution(x, kernel[, step][, fold])`: `y[o] = sum_j kernel[j] x[(o + step j) mod c]`."""
    kernel = b.term(cu.kernel).expr
    b.facts.runtime.add("circular_convolution")
    kw: dict[str, pyast.expr] = {}
    if cu.step != 1:
        kw["step"] = py.const(cu.step)
    if not cu.fold:
        kw["fold"] = py.const(False)
    return LV(py.call("circular_convolution", arg.expr, kernel, **kw))


def call_def(pl: ParaLowering, plan: CircularPlan) -> pyast.FunctionDef:
    """`__call__(x)`: the body with each planned use a circular convolution, g(q, x) without r."""
    from .methods import call_def as body_call

    fn = body_call(pl, "__call__", {u.use: u for u in plan.uses})
    fn.body.insert(0, pyast.Expr(value=py.const(DOC)))
    return fn
