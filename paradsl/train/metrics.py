"""The metrics an experiment may name, as jnp functions of ONE example: `METRICS[name](prediction,
target)` is a float32 scalar, jit-able. The runner vmaps them over the batch and averages; the
names are those of `paradsl.catalogue.METRICS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import jax.numpy as jnp
from jax import Array

from .losses import Measure, absolute_error, mse


def _hits(prediction: Array, target: Array) -> Array:
    return jnp.argmax(prediction, axis=-1) == target


def accuracy(prediction: Array, target: Array) -> Array:
    """The fraction of positions whose argmax over the trailing class axis of `prediction` is
    the target."""
    return jnp.mean(_hits(prediction, target).astype(jnp.float32))


def exact_match(prediction: Array, target: Array) -> Array:
    """1 where every position of the example is right (argmax equals the target), else 0."""
    return jnp.all(_hits(prediction, target)).astype(jnp.float32)


def pointer_accuracy(prediction: Array, target: Array) -> Array:
    """The accuracy of pointers into the nodes: the class axis of `prediction` is the index set
    that the target's entries index (a predecessor for each node)."""
    return accuracy(prediction, target)


def distance_error(prediction: Array, target: Array) -> Array:
    """The mean absolute error over the positions where the target is finite (unreachable
    nodes, at an infinite distance, are left out); 0 where none is."""
    return absolute_error(prediction, target)


#: Metric name -> metric of one example.
METRICS: Mapping[str, Measure] = MappingProxyType({
    "accuracy": accuracy,
    "exact_match": exact_match,
    "pointer_accuracy": pointer_accuracy,
    "mse": mse,
    "distance_error": distance_error,
})
