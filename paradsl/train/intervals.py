"""Interval arithmetic over a jaxpr: bounds on every output of a traced function when each
input is known only to lie in a box [lo, hi]. `paradsl.train.machine` proves with it that a
learned machine's soft states stay near one-hot.

A value is a pair (lo, hi) of arrays; an exactly known one has lo and hi the same. An
equation whose inputs are all exact is evaluated as it is; otherwise by its rule below,
each sound (the true value of every input in its box gives a value in the output's box).
A primitive without a rule raises `Unsupported`, so nothing unproved passes as proved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.extend import core
from jax import lax

Box = tuple[Any, Any]


class Unsupported(Exception):
    """A primitive with no interval rule; its name is the message."""


#: Primitives nondecreasing in every argument: bounds are the primitive of the bounds.
_MONOTONE = {
    "add", "add_any", "max", "min", "exp", "exp2", "log", "log1p", "tanh", "logistic", "sqrt", "erf",
    "broadcast_in_dim", "reshape", "squeeze", "expand_dims", "convert_element_type", "reduce_sum",
    "reduce_max", "reduce_min", "slice", "dynamic_slice", "gather", "concatenate", "transpose", "copy",
    "copy_p", "stop_gradient", "cumsum", "cummax", "pad", "rev", "select_n", "dynamic_update_slice",
    "reduce_precision", "and", "or", "reduce_and", "reduce_or", "split",
}
#: Their arguments that must be exact (indices).
_EXACT_ARGS = {"dynamic_slice": None, "gather": (1,), "dynamic_update_slice": None}


def _exact(b: Box) -> bool:
    return b[0] is b[1]


def interval_fn(closed: core.ClosedJaxpr) -> Callable[..., list[Box]]:
    """`bounds(*boxes)`: bounds on the outputs of `closed` for inputs in the boxes, jitted once
    for all the boxes it is given (a rule's conditions, such as a denominator away from 0,
    are computed with the bounds and checked after the run)."""
    flags: list[tuple[str, Any]] = []

    def run(*boxes):
        flags.clear()
        outs = _eval(closed.jaxpr, [(c, c) for c in closed.consts], [tuple(b) for b in boxes], flags)
        return outs, [f for _, f in flags]

    jitted = jax.jit(run)

    def bounds(*boxes: Box) -> list[Box]:
        outs, held = jitted(*boxes)
        for (what, _), ok in zip(list(flags), held):
            if not bool(jnp.all(ok)):
                raise Unsupported(what)
        return outs

    return bounds


def interval_jaxpr(closed: core.ClosedJaxpr, *boxes: Box) -> list[Box]:
    """Bounds on the outputs of `closed` for inputs in `boxes`."""
    return interval_fn(closed)(*boxes)


def _eval(jaxpr: core.Jaxpr, consts: list[Box], args: list[Box], flags: list) -> list[Box]:
    env: dict[Any, Box] = {}

    def read(v) -> Box:
        if isinstance(v, core.Literal):
            return (v.val, v.val)
        return env[v]

    for v, b in zip(jaxpr.constvars, consts):
        env[v] = b
    for v, b in zip(jaxpr.invars, args):
        env[v] = b
    made: dict[Any, Any] = {}
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        soft = _softmax_of(eqn, made)
        if soft is not None and not _exact(read(soft[0])):
            outs = [_softmax_box(read(soft[0]), soft[1])]
        else:
            outs = _apply(eqn, ins, flags)
        for v, b in zip(eqn.outvars, outs):
            env[v] = b
            made[v] = eqn
    return [read(v) for v in jaxpr.outvars]


def _bind(eqn, vals: list) -> list:
    out = eqn.primitive.bind(*vals, **eqn.params)
    return list(out) if eqn.primitive.multiple_results else [out]


def _apply(eqn, ins: list[Box], flags: list) -> list[Box]:
    name = eqn.primitive.name
    if all(_exact(b) for b in ins) and name not in ("pjit", "jit", "scan", "custom_jvp_call", "custom_vjp_call"):
        return [(o, o) for o in _bind(eqn, [b[0] for b in ins])]
    sub = _SUBJAXPR.get(name)
    if sub is not None:
        return sub(eqn, ins, flags)
    if name == "select_n" and not _exact(ins[0]):
        return [_select_hull(ins)]
    if name in _MONOTONE:
        exact = _EXACT_ARGS.get(name, ())
        for i, b in enumerate(ins):
            if (exact is None and i > 0 or exact and i in exact) and not _exact(b):
                raise Unsupported(f"{name} (an inexact index or predicate)")
        los = _bind(eqn, [b[0] for b in ins])
        his = _bind(eqn, [b[1] for b in ins])
        return list(zip(los, his))
    rule = _RULES.get(name)
    if rule is None:
        raise Unsupported(name)
    return [rule(flags, eqn, *ins)]


def _constant_along(v, axis: int, made: dict) -> bool:
    """Whether `v` is a broadcast that is constant along `axis` (through stop_gradient)."""
    e = made.get(v)
    while e is not None and e.primitive.name == "stop_gradient":
        e = made.get(e.invars[0])
    return e is not None and e.primitive.name == "broadcast_in_dim" and axis not in e.params["broadcast_dimensions"]


def _softmax_of(eqn, made: dict) -> tuple[Any, int] | None:
    """(x, axis) where `eqn` is the division that ends softmax(x) along one axis:
    exp(x - c) / broadcast(sum_axis exp(x - c)), c constant along the axis. The division of
    two bounds apart would lose that the numerator is a term of the denominator; the bounds
    of softmax itself are tight."""
    if eqn.primitive.name != "div" or any(isinstance(v, core.Literal) for v in eqn.invars):
        return None
    num, den = eqn.invars
    e_exp, e_den = made.get(num), made.get(den)
    if e_exp is None or e_exp.primitive.name != "exp" or e_den is None or e_den.primitive.name != "broadcast_in_dim":
        return None
    e_sum = made.get(e_den.invars[0])
    if e_sum is None or e_sum.primitive.name != "reduce_sum" or e_sum.invars[0] is not num:
        return None
    axes = e_sum.params["axes"]
    e_sub = made.get(e_exp.invars[0])
    if len(axes) != 1 or axes[0] in e_den.params["broadcast_dimensions"] or e_sub is None:
        return None
    if e_sub.primitive.name != "sub" or not _constant_along(e_sub.invars[1], axes[0], made):
        return None
    return e_sub.invars[0], axes[0]


def _softmax_box(x: Box, axis: int) -> Box:
    """Bounds of softmax along `axis` over the box x: p_i is least where x_i is lowest and
    every other highest, 1 / (1 + sum_{j != i} exp(hi_j - lo_i)), and most the other way."""
    lo, hi = jnp.moveaxis(x[0], axis, -1), jnp.moveaxis(x[1], axis, -1)
    n = lo.shape[-1]
    off = ~jnp.eye(n, dtype=bool)

    def bound(mine, theirs):
        diff = jnp.where(off, theirs[..., None, :] - mine[..., :, None], -jnp.inf)
        return 1.0 / (1.0 + jnp.exp(jax.nn.logsumexp(diff, axis=-1))) if n > 1 else jnp.ones_like(mine)

    return jnp.moveaxis(bound(lo, hi), -1, axis), jnp.moveaxis(bound(hi, lo), -1, axis)


def _sub(flags, eqn, a: Box, b: Box) -> Box:
    return (a[0] - b[1], a[1] - b[0])


def _neg(flags, eqn, a: Box) -> Box:
    return (-a[1], -a[0])


def _corners(f: Callable, a: Box, b: Box) -> Box:
    vals = [f(x, y) for x in a for y in b]
    return (jnp.minimum(jnp.minimum(vals[0], vals[1]), jnp.minimum(vals[2], vals[3])),
            jnp.maximum(jnp.maximum(vals[0], vals[1]), jnp.maximum(vals[2], vals[3])))


def _mul(flags, eqn, a: Box, b: Box) -> Box:
    return _corners(lambda x, y: x * y, a, b)


def _div(flags, eqn, a: Box, b: Box) -> Box:
    flags.append(("div (a denominator whose bounds hold 0)", jnp.all(b[0] > 0) | jnp.all(b[1] < 0)))
    return _corners(lambda x, y: x / y, a, b)


def _dot(flags, eqn, a: Box, b: Box) -> Box:
    """Centre and radius: |A B - Ac Bc| <= |Ac| Br + Ar |Bc| + Ar Br."""
    def dot(x, y):
        return lax.dot_general(x, y, eqn.params["dimension_numbers"],
                               preferred_element_type=eqn.params.get("preferred_element_type"))

    ac, ar = (a[0] + a[1]) / 2, (a[1] - a[0]) / 2
    bc, br = (b[0] + b[1]) / 2, (b[1] - b[0]) / 2
    c = dot(ac, bc)
    r = dot(jnp.abs(ac), br) + dot(ar, jnp.abs(bc)) + dot(ar, br)
    return (c - r, c + r)


def _integer_pow(flags, eqn, a: Box) -> Box:
    y = eqn.params["y"]
    n = abs(y)
    lo, hi = a[0] ** n, a[1] ** n
    if n % 2 == 0:  # even: least at 0 where the box holds it
        lo, hi = jnp.where((a[0] <= 0) & (a[1] >= 0), 0.0, jnp.minimum(lo, hi)), jnp.maximum(lo, hi)
    if y > 0:
        return (lo, hi)
    flags.append(("integer_pow (a negative power of a box that holds 0)", jnp.all(lo > 0) | jnp.all(hi < 0)))
    return (1.0 / hi, 1.0 / lo)


def _abs(flags, eqn, a: Box) -> Box:
    lo, hi = jnp.abs(a[0]), jnp.abs(a[1])
    return (jnp.where((a[0] <= 0) & (a[1] >= 0), 0.0, jnp.minimum(lo, hi)), jnp.maximum(lo, hi))


def _is_finite(flags, eqn, a: Box) -> Box:
    both = jnp.isfinite(a[0]) & jnp.isfinite(a[1])
    flags.append(("is_finite (bounds that are not finite)", jnp.all(both)))
    return (both, both)


def _compare(test: Callable, rev: Callable) -> Callable[..., Box]:
    """A comparison: certainly True where `test` holds of the bounds, certainly False where
    `rev` does, else either (a box of booleans, False below True)."""
    def rule(flags, eqn, a: Box, b: Box) -> Box:
        yes, no = test(a, b), rev(a, b)
        return (yes, ~no)

    return rule


def _select_hull(ins: list[Box]) -> Box:
    """`select_n` on a predicate not known everywhere: where it is, that case; elsewhere the
    hull of the cases it may pick."""
    (plo, phi), cases = ins[0], ins[1:]
    if len(cases) != 2:
        raise Unsupported("select_n (of more than two cases on an inexact predicate)")
    (alo, ahi), (blo, bhi) = cases  # case 0 where the predicate is False, case 1 where True
    plo, phi = jnp.asarray(plo, bool), jnp.asarray(phi, bool)
    lo = jnp.where(plo, blo, jnp.where(phi, jnp.minimum(alo, blo), alo))
    hi = jnp.where(plo, bhi, jnp.where(phi, jnp.maximum(ahi, bhi), ahi))
    return (lo, hi)


_RULES: dict[str, Callable[..., Box]] = {
    "not": lambda flags, eqn, a: (~a[1], ~a[0]),
    "is_finite": _is_finite,
    "eq": _compare(lambda a, b: (a[0] == a[1]) & (b[0] == b[1]) & (a[0] == b[0]),
                   lambda a, b: (a[1] < b[0]) | (a[0] > b[1])),
    "ne": _compare(lambda a, b: (a[1] < b[0]) | (a[0] > b[1]),
                   lambda a, b: (a[0] == a[1]) & (b[0] == b[1]) & (a[0] == b[0])),
    "lt": _compare(lambda a, b: a[1] < b[0], lambda a, b: a[0] >= b[1]),
    "le": _compare(lambda a, b: a[1] <= b[0], lambda a, b: a[0] > b[1]),
    "gt": _compare(lambda a, b: a[0] > b[1], lambda a, b: a[1] <= b[0]),
    "ge": _compare(lambda a, b: a[0] >= b[1], lambda a, b: a[1] < b[0]),
    "sub": _sub, "neg": _neg, "mul": _mul, "div": _div, "dot_general": _dot, "integer_pow": _integer_pow,
    "abs": _abs,
}


def _closed_call(param: str) -> Callable[[Any, list[Box]], list[Box]]:
    def run(eqn, ins: list[Box], flags: list) -> list[Box]:
        closed = eqn.params[param]
        return _eval(closed.jaxpr, [(c, c) for c in closed.consts], ins, flags)

    return run


def _scan(eqn, ins: list[Box], flags: list) -> list[Box]:
    """A scan of length 1 (one position of a machine): its body once, the stacked outputs
    given their leading axis."""
    p = eqn.params
    if p["length"] != 1:
        raise Unsupported("scan (of more than one step)")
    nc, nk = p["num_consts"], p["num_carry"]
    xs = [_first(b) for b in ins[nc + nk:]]
    closed = p["jaxpr"]
    outs = _eval(closed.jaxpr, [(c, c) for c in closed.consts], ins[:nc + nk] + xs, flags)
    carry, ys = outs[:nk], outs[nk:]
    return carry + [_stacked(y) for y in ys]


def _first(b: Box) -> Box:
    lo = b[0][0]
    return (lo, lo) if _exact(b) else (lo, b[1][0])


def _stacked(y: Box) -> Box:
    lo = y[0][None]
    return (lo, lo) if _exact(y) else (lo, y[1][None])


_SUBJAXPR: dict[str, Callable[[Any, list[Box], list], list[Box]]] = {
    "pjit": _closed_call("jaxpr"), "jit": _closed_call("jaxpr"), "custom_jvp_call": _closed_call("call_jaxpr"),
    "custom_vjp_call": _closed_call("call_jaxpr"), "scan": _scan,
}
