"""The runtime: functions that compiled modules import (`from paradsl.runtime import
semiring_contract`) where the construct they lower has no single `jax` counterpart.

Each acts on arrays (or pytrees of arrays) and is traceable under `jax.jit` and
`jax.vmap`; none keeps state between calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Int

from . import prelude

__all__ = ["check_rate", "check_size", "circular_convolution", "fold_balanced", "fold_tree", "initialise", "iterate_until", "log_softmax",
           "logsumexp", "semiring_contract", "softmax", "temper"]

PyTree = Any


#: The largest size of an axis: JAX's shapes are int64.
MAX_SIZE = 2**63 - 1


def check_size(para: str, size: str, value: int, hypers: dict[str, int], /) -> int:
    """`value`, the size written `size` in `para` at the hyperparameters `hypers`, once it is
    one an array can have: a ValueError naming all three otherwise, before JAX is asked for
    an array of that shape."""
    if 0 <= value <= MAX_SIZE:
        return value
    given = ", ".join(f"{k}={v}" for k, v in hypers.items())
    raise ValueError(f"{para}({given}): the size {size} is {value}, but a size is between 0 and 2^63 - 1")


def check_positions(para: str, name: str, along: str, n: int, limit: int, /) -> None:
    """That `name`, read in `para` at the positions of the index set `along`, `n` of them,
    has an axis of at least `limit` >= `n` entries: a ValueError naming both otherwise, where
    the gather past the end would clamp to the last entry (a learned position table shorter
    than the sequence it is applied to)."""
    if n > limit:
        raise ValueError(f"{para}: {name} is read at the {n} positions of {along}, and its axis has only "
                         f"{limit}: make it at least as long, or say what is read past its end with `else`")


def check_rate(para: str, name: str, rate: float, /) -> float:
    """`rate`, hyperparameter `name` of `para` used as a dropout rate, once it is in [0, 1]: a
    ValueError naming both otherwise, where `jax.random.bernoulli` would draw a wrong mask."""
    if 0 <= rate <= 1:
        return rate
    raise ValueError(f"{para}({name}={rate}): a dropout rate is in [0, 1], the probability of dropping an element")


#: The initialisers scaled by fan-in and fan-out, by name: the prelude's `jax.nn.initializers`.
_FAN_SCALED = {i.name: getattr(jax.nn.initializers, i.target.rpartition(".")[2]) for i in prelude.INITIALIZERS
               if i.target.startswith("jax.nn.initializers.")}


def initialise(init: str, key: Array, shape: tuple[int, ...], dtype: Any) -> Array:
    """A parameter of `shape` drawn by the fan-scaled initialiser `init` (glorot, glorot_normal,
    he, lecun). A vector is drawn as a row, since fan-in and fan-out need two axes; an array
    with no elements is empty, where the variance `scale / fan` would divide by zero."""
    if any(n == 0 for n in shape):
        return jnp.zeros(shape, dtype)
    draw = _FAN_SCALED[init]()
    if len(shape) < 2:
        return jnp.reshape(draw(key, (1, *shape), dtype), shape)
    return draw(key, shape, dtype)


#: A circular convolution of up to this many taps is one fused sum of shifted windows; a wider
#: kernel runs as a loop over its taps, so that the traced program does not grow with it.
UNROLLED_TAPS = 64


def circular_convolution(x: ArrayLike, kernel: ArrayLike, step: int = 1, fold: bool = True) -> Array:
    """`y[o] = sum_j kernel[j] * x[(o + step * j) mod c]` along the first axis of `x` (of size
    c), `step` being 1 or -1: `x` times a circulant matrix, in c*k operations and without the
    c x c matrix. A tap past the ring folds onto it (tap j adds at offset j mod c); with
    `fold` False only the first c taps are read, the others dropped.

    The input is wrapped around once (a concatenation, or a gather where the kernel is wider
    than the ring) to `xp`, of length c + k - 1, so that each tap reads a window of it: k
    slices that XLA fuses into one sum, where k `jnp.roll`s would each copy the input."""
    x, kernel = jnp.asarray(x), jnp.asarray(kernel)
    c = x.shape[0]
    w = kernel if fold else kernel[:c]
    k = w.shape[0]
    dtype = jnp.result_type(x, w)
    if c == 0 or k == 0:
        return jnp.zeros(x.shape, dtype)
    if k - 1 <= c:  # the wrap is a slice of x: no gather
        xp = jnp.concatenate([x, x[:k - 1]]) if step > 0 else jnp.concatenate([x[c - (k - 1):], x])
    else:
        start = 0 if step > 0 else -(k - 1)
        xp = jnp.take(x, (np.arange(c + k - 1) + start) % c, axis=0)

    def at(j):  # where the window of tap j starts: xp[at(j) + o] is x[(o + step * j) mod c]
        return j if step > 0 else k - 1 - j

    if k <= UNROLLED_TAPS:
        y = sum((w[j] * jax.lax.slice_in_dim(xp, at(j), at(j) + c) for j in range(1, k)),
                w[0] * jax.lax.slice_in_dim(xp, at(0), at(0) + c))
        return y.astype(dtype)
    return jax.lax.fori_loop(0, k, lambda j, y: y + w[j] * jax.lax.dynamic_slice_in_dim(xp, at(j), c),
                             jnp.zeros(x.shape, dtype))


def fold_balanced(combine: Callable[[PyTree, PyTree], PyTree], unit: PyTree, ms: PyTree) -> PyTree:
    """The product `m_0 * m_1 * ... * m_{n-1}` of the elements stacked along axis 0 of `ms`,
    combined pairwise as a balanced tree of depth ceil(log2 n); `unit` for n = 0.

    `combine` acts on single elements and must be associative with `unit` as its unit: odd
    levels are padded with it, and the order of the elements is kept.
    """
    n = jax.tree.leaves(ms)[0].shape[0]
    if n == 0:
        return unit
    while n > 1:
        if n % 2:
            ms = jax.tree.map(lambda m, u: jnp.concatenate([m, u[None]]), ms, unit)
            n += 1
        ms = jax.vmap(combine)(jax.tree.map(lambda m: m[0::2], ms), jax.tree.map(lambda m: m[1::2], ms))
        n //= 2
    return jax.tree.map(lambda m: m[0], ms)


def unit_where_masked(ms: PyTree, mask: Array, unit: PyTree) -> PyTree:
    """The lifted elements stacked along the leading axes of `ms` (those of `mask`: one for a
    fold, two for a fold mapped over another axis), each one `mask` leaves out replaced by
    `unit`: what a masked fold folds, so that the left-out elements change nothing."""

    def one(m: Array, u: Array) -> Array:
        keep = mask.reshape(mask.shape + (1,) * (m.ndim - mask.ndim))
        return jnp.where(keep, m, jnp.broadcast_to(u, m.shape[mask.ndim:]))

    return jax.tree.map(one, ms, unit)


def iterate_until(step: Callable[[PyTree], PyTree], state: PyTree, max_steps: int, tol: float) -> PyTree:
    """`step` applied to `state` until a step moves no entry by more than `tol` (entries equal
    before and after, infinities included, have not moved; a NaN stops the loop), and at most
    `max_steps` times: `iterate f until converged for k`.

    It is a `jax.lax.while_loop`, so it stops as soon as it converges, and reverse-mode
    differentiation through it is not supported by JAX (forward mode is); a fixed number of
    steps, `iterate f for k`, is the form to differentiate.
    """

    def moved(old: PyTree, new: PyTree) -> Array:
        changes = [jnp.max(jnp.where(a == b, 0.0, jnp.abs(b - a)), initial=0.0)
                   for a, b in zip(jax.tree.leaves(old), jax.tree.leaves(new))]
        return jnp.max(jnp.stack(changes)) > tol if changes else jnp.asarray(False)

    def cond(carry: tuple[Array, PyTree, Array]) -> Array:
        i, _, going = carry
        return going & (i < max_steps)

    def body(carry: tuple[Array, PyTree, Array]) -> tuple[Array, PyTree, Array]:
        i, s, _ = carry
        new = step(s)
        return i + 1, new, moved(s, new)

    _, out, _ = jax.lax.while_loop(cond, body, (jnp.asarray(0), state, jnp.asarray(True)))
    return out


def fold_tree(branches: Sequence[Callable[[PyTree, list[PyTree]], PyTree]], base: int, tags: Int[Array, " n"],
              data: Array, children: Int[Array, "n k"]) -> PyTree:
    """Fold a term stored as arrays in topological order: node i is built by constructor
    `tags[i]`, whose branch is given `data[i]` and the values of its children
    `children[i]` (earlier nodes); the value of the root, the last node, is returned.

    `branches[base]` is a constructor without children; it gives the shape of a value.
    One `lax.scan` over the nodes, no Python recursion.
    """
    n = tags.shape[0]
    if n == 0:  # no root: a tree algebra has no unit to give for it
        raise ValueError("fold_tree: the tree has no nodes; a tree has at least its root")
    proto = jax.eval_shape(branches[base], data[0], [])
    values = jax.tree.map(lambda s: jnp.zeros((n,) + s.shape, s.dtype), proto)

    def node(values, j):
        return jax.tree.map(lambda v: v[j], values)

    def step(values, i):
        kids = [node(values, children[i, j]) for j in range(children.shape[1])]
        value = jax.lax.switch(tags[i], branches, data[i], kids)
        return jax.tree.map(lambda v, x: v.at[i].set(x), values, value), None

    values, _ = jax.lax.scan(step, values, jnp.arange(n))
    return jax.tree.map(lambda v: v[-1], values)


# Masks are infinite logits, and a masked entry must give no gradient: `b * -inf` has the
# derivative -inf in b, and 0 * -inf is NaN. Each helper below computes the
# value the plain formula does and keeps such a product out of the gradient.


def temper(beta: ArrayLike, x: ArrayLike) -> Array:
    """`beta * x`, an inverse temperature applied to logits; an infinite `x` (a mask) gives
    `beta` no gradient, where the plain product would give it NaN."""
    x = jnp.asarray(x)
    finite = jnp.isfinite(x)
    return jnp.where(finite, beta * jnp.where(finite, x, 0), jax.lax.stop_gradient(beta) * x)


def logsumexp(x: ArrayLike, axis: int | tuple[int, ...] | None = None, beta: ArrayLike = 1.0) -> Array:
    """`log sum exp(beta * x) / beta` along `axis`; `-inf / beta` where every term is masked
    (`beta * x` is `-inf` throughout), with a zero gradient there instead of NaN."""
    z = temper(beta, x)
    dead = jnp.all(z == -jnp.inf, axis=axis, keepdims=True)
    live = jax.nn.logsumexp(jnp.where(dead, 0.0, z), axis=axis, keepdims=True) / beta
    out = jnp.where(dead, -jnp.inf / jax.lax.stop_gradient(beta), live)
    return jnp.squeeze(out, axis) if axis is not None else jnp.squeeze(out)


def softmax(x: ArrayLike, axis: int | tuple[int, ...] = -1) -> Array:
    """`jax.nn.softmax` along `axis`, except where every entry of a row is `-inf` (masked
    throughout): there the weights are 0, and so is the gradient, instead of NaN, so that a
    query with nothing to attend to reads nothing."""
    x = jnp.asarray(x)
    dead = jnp.all(x == -jnp.inf, axis=axis, keepdims=True)
    return jnp.where(dead, 0, jax.nn.softmax(jnp.where(dead, 0, x), axis=axis))


def log_softmax(x: ArrayLike, axis: int | tuple[int, ...] = -1) -> Array:
    """`jax.nn.log_softmax` along `axis`, except where every entry of a row is `-inf`: there
    it is `-inf`, the log of softmax's zero weights, with a zero gradient instead of NaN."""
    x = jnp.asarray(x)
    dead = jnp.all(x == -jnp.inf, axis=axis, keepdims=True)
    return jnp.where(dead, -jnp.inf, jax.nn.log_softmax(jnp.where(dead, 0, x), axis=axis))


_COMBINE = {"add": jnp.add, "mul": jnp.multiply, "and": jnp.logical_and}
_REDUCE = {"min": jnp.min, "max": jnp.max, "sum": jnp.sum, "or": jnp.any}


def semiring_contract(add: str, mul: str, zero: float | bool, spec: str, *operands: ArrayLike,
                      beta: ArrayLike = 1.0, block: int = 64) -> Array:
    """An einsum in a semiring: `spec` names the operands' axes (`"ij,jk->ik"`); the factors
    are combined with `mul` (add | mul | and) and the letters not in the output reduced with
    `add` (min | max | sum | or | logsumexp at inverse temperature `beta`), whose unit is
    `zero`: the result of an empty reduction.

    The first reduced letter is taken `block` at a time, each block broadcast and reduced
    in one fused loop and folded into the result: memory is the operands', the output's and
    one block's, never the whole broadcast product.
    """
    ins, out = spec.split("->")
    specs = ins.split(",")
    reduced = [c for c in dict.fromkeys("".join(specs)) if c not in out]
    # Reduced letters sit between the output's leading letters and its last one, so the
    # innermost loop runs along an output axis.
    order = list(out[:-1]) + reduced + list(out[-1:])
    sizes = {c: n for s, x in zip(specs, operands) for c, n in zip(s, jnp.shape(x))}

    def aligned(x, s):
        x = jnp.transpose(x, sorted(range(len(s)), key=lambda i: order.index(s[i])))
        have = sorted(s, key=order.index)
        return jnp.reshape(x, [sizes[c] if c in have else 1 for c in order])

    xs = [aligned(jnp.asarray(x), s) for x, s in zip(operands, specs)]
    combine = _COMBINE[mul]
    merge = {"min": jnp.minimum, "max": jnp.maximum, "sum": jnp.add, "or": jnp.logical_or,
             "logsumexp": lambda a, b: logsumexp(jnp.stack([a, b]), axis=0, beta=beta)}[add]
    axes = tuple(order.index(c) for c in reduced)

    def reduce(ys):
        y = functools.reduce(combine, ys)
        if not axes:
            return y
        if add == "logsumexp":
            return logsumexp(y, axis=axes, beta=beta)
        return _REDUCE[add](y, axis=axes)

    if any(sizes[c] == 0 for c in reduced):  # an empty sum is the semiring's zero
        return jnp.full([sizes[c] for c in out], zero, jnp.result_type(*xs))
    if not reduced or sizes[reduced[0]] <= block:
        return reduce(xs)
    r = order.index(reduced[0])
    n = sizes[reduced[0]]

    def part(start, length):
        return [jax.lax.dynamic_slice_in_dim(x, start, length, r) if x.shape[r] > 1 else x for x in xs]

    # The first block starts the result, so no zero is folded in (it need not be one for
    # every value of beta); the tail that does not fill a block is merged at the end.
    def step(acc, k):
        return merge(acc, reduce(part(k * block, block))), None

    full = n // block
    acc = jax.lax.scan(step, reduce(part(0, block)), jnp.arange(1, full))[0]
    if n % block:
        acc = merge(acc, reduce(part(full * block, n % block)))
    return acc
