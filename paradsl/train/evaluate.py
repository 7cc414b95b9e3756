"""Evaluation: each evaluation set's samples drawn in batches from its own stream, every
metric (and the loss) averaged over them, the model in inference (no key)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jax.numpy as jnp

from ..ir.experiment import EvalSet, Experiment
from . import data


def stream_of(index: int) -> int:
    """The data stream of the `index`-th evaluation set (0 is training)."""
    return 1 + index


def evaluate_set(measure: Callable, model, fn: data.TaskFn, exp: Experiment, index: int) -> dict[str, float]:
    """The mean of each measure over the `samples` examples of evaluation set `index`."""
    es: EvalSet = exp.eval_sets[index]
    totals: dict[str, float] = {}
    done, j = 0, 0
    while done < es.samples:
        n = min(exp.batch, es.samples - done)
        b = data.draw(fn, es.task, exp.seed, stream_of(index), j, n)
        sums = measure(model, _device(b.inputs), _device(b.targets))
        for k, v in sums.items():
            totals[k] = totals.get(k, 0.0) + float(v)
        done, j = done + n, j + 1
    return {k: v / es.samples for k, v in totals.items()}


def evaluate_all(measure: Callable, model, fns: list[data.TaskFn], exp: Experiment) -> dict[str, dict[str, float]]:
    return {es.name: evaluate_set(measure, model, fns[i], exp, i) for i, es in enumerate(exp.eval_sets)}


def resolve_all(exp: Experiment, base: Path) -> list[data.TaskFn]:
    return [data.resolve(es.task, base) for es in exp.eval_sets]


def _device(value):
    return tuple(jnp.asarray(v) for v in value) if isinstance(value, tuple) else jnp.asarray(value)
