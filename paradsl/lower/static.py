"""Conditions decided when the module is built: an `if` whose condition reads only
hyperparameters and literals is a Python conditional on the module's static fields, so the
branch not taken is never traced, let alone computed (a `jnp.where` computes both)."""

from __future__ import annotations

import ast as pyast

from .. import ir
from . import pybuild as py
from .prims import INFIX

_LOGIC = {"and": pyast.And, "or": pyast.Or}


def static_test(t: ir.Term) -> pyast.expr | None:
    """The condition as a Python expression of `self`'s hyperparameters, or None if it
    reads anything else (an input, a parameter, an index)."""
    if isinstance(t, ir.HyperRef):
        return py.self_attr(py.ident(t.name))
    if isinstance(t, ir.Lit) and isinstance(t.value, (bool, int, float)):
        return py.const(t.value)
    if not isinstance(t, ir.Prim):
        return None
    args = [static_test(a) for a in t.args]
    if any(a is None for a in args):
        return None
    if t.op in INFIX and len(args) == 2:
        return py.binop(INFIX[t.op], args[0], args[1])
    if t.op in _LOGIC:
        return pyast.BoolOp(op=_LOGIC[t.op](), values=args)
    if t.op == "not":
        return pyast.UnaryOp(op=pyast.Not(), operand=args[0])
    if t.op == "neg":
        return py.neg(args[0])
    return None


def decidable(t: ir.Prim) -> pyast.expr | None:
    """The static test of a `where` whose branches have one type (so that either may stand
    for the result), or None: then both are computed and `jnp.where` picks."""
    if t.op != "where" or t.args[1].type != t.args[2].type or set(t.args[1].labels) != set(t.args[2].labels):
        return None
    return static_test(t.args[0])
