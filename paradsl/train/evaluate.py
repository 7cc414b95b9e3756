"""Evaluation: each evaluation set's samples drawn in batches from its own stream, every
metric (and the loss) averaged over them, the model in inference (no key).

A set with a `chunk` is streamed: each batch's list is cut into chunks of that many
positions, the model's `stream` method (a streamable para's, `paradsl.ir.streaming`) run
on each from the state the one before left, and each measure of an example combined over
its chunks by its rule in `paradsl.catalogue.STREAMED`. Memory is that of one chunk, so a
machine is evaluated on numbers of 100,000 digits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .. import catalogue
from ..ir.experiment import EvalSet, Experiment
from . import data, loop


def stream_of(index: int) -> int:
    """The data stream of the `index`-th evaluation set (0 is training)."""
    return 1 + index


def evaluate_set(measure: Callable, model, fn: data.TaskFn, exp: Experiment, index: int,
                 streamed: Callable | None = None) -> dict[str, float]:
    """The mean of each measure over the `samples` examples of evaluation set `index`;
    `streamed` (from `make_streamed`) measures the batches of a set with a `chunk`."""
    es: EvalSet = exp.eval_sets[index]
    totals: dict[str, float] = {}
    done, j = 0, 0
    while done < es.samples:
        n = min(exp.batch, es.samples - done)
        b = data.draw(fn, es.task, exp.seed, stream_of(index), j, n)
        if es.chunk is not None and streamed is not None:
            sums = streamed(model, b.inputs, b.targets, es.chunk)
        else:
            sums = measure(model, _device(b.inputs), _device(b.targets))
        for k, v in sums.items():
            totals[k] = totals.get(k, 0.0) + float(v)
        done, j = done + n, j + 1
    return {k: v / es.samples for k, v in totals.items()}


def evaluate_all(measure: Callable, model, fns: list[data.TaskFn], exp: Experiment,
                 streamed: Callable | None = None) -> dict[str, dict[str, float]]:
    return {es.name: evaluate_set(measure, model, fns[i], exp, i, streamed) for i, es in enumerate(exp.eval_sets)}


def resolve_all(exp: Experiment, base: Path) -> list[data.TaskFn]:
    return [data.resolve(es.task, base) for es in exp.eval_sets]


def make_streamed(loss: loop.PerExample, measure: Callable[..., dict], exp: Experiment) -> Callable:
    """`streamed(model, inputs, targets, chunk) -> {name: sum over the batch}`: the measures
    of `make_measure`, the list (axis 1 of every input and target) fed to the model's `stream`
    a chunk at a time. The chunk's step is jitted; a shorter last chunk is traced once more."""
    # Only a chunked set is streamed, and the checker gives one only metrics with a rule
    # (E1041); an experiment without one may name any metric.
    rules = {loop.label(m): catalogue.STREAMED[m.name] for m in exp.metrics if m.name in catalogue.STREAMED}
    rules["loss"] = "mean"  # the checker allows only losses that are means over positions

    @eqx.filter_jit
    def chunk_step(model, inputs, targets, state):
        predictions, state = jax.vmap(model.stream)(inputs, state)
        values = jax.vmap(lambda p, t: {"loss": loss(p, t), **measure(p, t)})(predictions, targets)
        return {k: v.astype(jnp.float32) for k, v in values.items()}, state

    def streamed(model, inputs, targets, chunk: int) -> dict[str, float]:
        xs, ts = np.asarray(inputs), np.asarray(targets)
        n, length = xs.shape[0], xs.shape[1]
        state = jax.vmap(lambda _: model.stream_start())(jnp.arange(n))
        acc = {k: np.zeros(n) if r == "mean" else np.ones(n) for k, r in rules.items()}
        for lo in range(0, length, chunk):
            hi = min(lo + chunk, length)
            values, state = chunk_step(model, jnp.asarray(xs[:, lo:hi]), jnp.asarray(ts[:, lo:hi]), state)
            for k, r in rules.items():
                v = np.asarray(values[k], np.float64)
                acc[k] = acc[k] + v * (hi - lo) if r == "mean" else np.minimum(acc[k], v)
        return {k: float(np.sum(acc[k] / length if rules[k] == "mean" else acc[k])) for k in rules}

    return streamed


def _device(value):
    return tuple(jnp.asarray(v) for v in value) if isinstance(value, tuple) else jnp.asarray(value)
