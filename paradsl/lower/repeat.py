"""Repetition: a use `repeat n Block(d)` as n copies of the block stacked on a leading axis,
made by `eqx.filter_vmap` over n keys and applied by one `jax.lax.scan` over the stacked
arrays, as one writes a deep network in Equinox by hand; the scan's body is the block,
traced and compiled once whatever n. `repeat n shared Block(d)` stores one copy and applies
it n times in a `jax.lax.fori_loop` of static trip count (a scan, so differentiable). A
block that draws random numbers (dropout, `sample`) is given one key per copy or per
application, `jax.random.split(key, n)` scanned along with the copies; without a key (at
inference) the scan is given none, and the block is deterministic as it is on its own.
"""

from __future__ import annotations

import ast as pyast
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import ir
from . import pybuild as py
from .context import LV
from .folds import template
from .shapes import poly_expr

if TYPE_CHECKING:
    from .body import Body


def make(use: ir.Use, made: Callable[[pyast.expr | None], pyast.expr], key: pyast.expr | None,
         hyper: Callable[[str], pyast.expr]) -> pyast.expr:
    """The value `__init__` stores for a repeated use: `made(k)` builds one copy from key `k`."""
    if use.shared or use.repeat is None:
        return made(key)
    count = poly_expr(use.repeat, hyper)
    if key is None:  # copies that draw nothing at initialisation are made alike
        return py.call(py.call("eqx.filter_vmap", _lambda("_", made(None))), py.call("jnp.arange", count))
    return py.call(py.call("eqx.filter_vmap", _lambda("key", made(py.name("key")))),
                   py.call("jax.random.split", key, count))


def apply(b: Body, use: ir.Use, arg: LV, key: pyast.expr | None = None) -> LV:
    """The repeated use applied to `arg`: a scan over its stacked copies, or a loop. A block
    that draws random numbers is given `key` (None at inference) split into one key per
    application, scanned along with the copies, as one threads keys through a stack by hand."""
    assert use.repeat is not None
    blocks = py.self_attr(py.ident(use.name))
    x = b.bind("h", arg.expr)
    out = b.fresh("h")
    count = poly_expr(use.repeat, lambda v: py.self_attr(py.ident(v)))
    keys = None
    if key is not None:
        k = b.bind("k", key)
        keys = b.fresh("layer_keys")
        b.state.stmts.extend(template("KEYS = None if K is None else jax.random.split(K, COUNT)",
                                      KEYS=py.name(keys), K=k, COUNT=count))
    if use.shared and keys is None:
        b.state.stmts.extend(template("OUT = jax.lax.fori_loop(0, COUNT, lambda _, s: BLOCK(s), X)",
                                      COUNT=count, BLOCK=blocks, X=x, OUT=py.name(out)))
        return LV(py.name(out))
    if use.shared:  # one block, a key of its own for each application
        step = b.fresh("step")
        b.state.stmts.extend(template("""
            def STEP(h, key):
                return BLOCK(h, key=key), None
            OUT, _ = jax.lax.scan(STEP, X, KEYS, length=COUNT)
            """, STEP=py.name(step), BLOCK=blocks, X=x, KEYS=py.name(keys), COUNT=count, OUT=py.name(out)))
        return LV(py.name(out))
    params, static, layer = b.fresh("params"), b.fresh("static"), b.fresh("layer")
    # The length is given: a block without arrays stacks to no leaves to read it from.
    if keys is None:
        b.state.stmts.extend(template("""
            PARAMS, STATIC = eqx.partition(BLOCKS, eqx.is_array)
            def LAYER(h, p):
                return eqx.combine(p, STATIC)(h), None
            OUT, _ = jax.lax.scan(LAYER, X, PARAMS, length=COUNT)
            """, PARAMS=py.name(params), STATIC=py.name(static), BLOCKS=blocks, LAYER=py.name(layer), X=x,
                                      COUNT=count, OUT=py.name(out)))
        return LV(py.name(out))
    # Each copy's slice of the stack and its key (None at inference: an empty tree) together.
    b.state.stmts.extend(template("""
        PARAMS, STATIC = eqx.partition(BLOCKS, eqx.is_array)
        def LAYER(h, copy):
            return eqx.combine(copy[0], STATIC)(h, key=copy[1]), None
        OUT, _ = jax.lax.scan(LAYER, X, (PARAMS, KEYS), length=COUNT)
        """, PARAMS=py.name(params), STATIC=py.name(static), BLOCKS=blocks, LAYER=py.name(layer), X=x,
                                  KEYS=py.name(keys), COUNT=count, OUT=py.name(out)))
    return LV(py.name(out))


def _lambda(arg: str, body: pyast.expr) -> pyast.expr:
    return pyast.Lambda(args=pyast.arguments(posonlyargs=[], args=[pyast.arg(arg=arg)], vararg=None, kwonlyargs=[],
                                             kw_defaults=[], kwarg=None, defaults=[]), body=body)
