"""The losses an experiment may name, as jnp functions of ONE example: `LOSSES[name](prediction,
target)` is a float32 scalar, jit-able and differentiable in the prediction. The runner vmaps
them over the batch and averages; the names are those of `paradsl.catalogue.LOSSES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import jax
import jax.numpy as jnp
from jax import Array

Measure = Callable[[Array, Array], Array]


def cross_entropy(prediction: Array, target: Array) -> Array:
    """The mean over positions of -log p(target), p the softmax of `prediction` over its
    trailing class axis (log_softmax is idempotent, so logits and log-probabilities alike).
    `prediction` has the target's shape and one class axis after it; `target` is integers."""
    logp = jax.nn.log_softmax(prediction, axis=-1)
    picked = jnp.take_along_axis(logp, jnp.asarray(target)[..., None].astype(jnp.int32), axis=-1)
    return -jnp.mean(picked)


def finite_mean(errors: Array, target: Array) -> Array:
    """The mean of `errors` over the positions where `target` is finite; 0 where none is. The
    masked positions give a zero gradient, not NaN: the error there is never formed from an
    infinite target."""
    finite = jnp.isfinite(target)
    count = jnp.sum(finite)
    total = jnp.sum(jnp.where(finite, errors, jnp.zeros_like(errors)))
    return total / jnp.maximum(count, 1).astype(total.dtype)


def _finite_difference(prediction: Array, target: Array) -> Array:
    finite = jnp.isfinite(target)
    return jnp.where(finite, prediction - jnp.where(finite, target, jnp.zeros_like(target)), 0.0)


def mse(prediction: Array, target: Array) -> Array:
    """The mean of (prediction - target)^2 over the positions where the target is finite
    (unreachable nodes have an infinite distance and are left out)."""
    return finite_mean(jnp.square(_finite_difference(prediction, target)), target)


def absolute_error(prediction: Array, target: Array) -> Array:
    """The mean of |prediction - target| over the positions where the target is finite."""
    return finite_mean(jnp.abs(_finite_difference(prediction, target)), target)


#: Loss name -> loss of one example.
LOSSES: Mapping[str, Measure] = MappingProxyType({
    "cross_entropy": cross_entropy,
    "mse": mse,
})
