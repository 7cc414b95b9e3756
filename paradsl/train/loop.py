"""The training step `para run` builds: the model vmapped over the batch, the experiment's
loss averaged over it, its gradient, and the optax update, under one `eqx.filter_jit`.

The step is traced once per batch shape (a task draws one size per batch: bucket by size).
A model that draws random numbers (its `__call__` takes `key`) gets one key per example,
split from the step's key, which is a function of (seed, step) alone so a resumed run
draws the same ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from ..ir.experiment import Experiment, LossTerm, MetricRef

Example = Any
PerExample = Callable[[Example, Example], jax.Array]


def base_key(seed: int) -> jax.Array:
    return jax.random.key(seed)


def init_key(seed: int) -> jax.Array:
    """The key the model is initialised with."""
    return jax.random.fold_in(base_key(seed), 0)


def step_key(seed: int, step: int) -> jax.Array:
    """The key of training step `step` (dropout and other draws of the model)."""
    return jax.random.fold_in(jax.random.fold_in(base_key(seed), 1), step)


def build_model(module: Any, exp: Experiment) -> eqx.Module:
    """The experiment's model, built from the emitted module with its hyperparameters."""
    return getattr(module, exp.model)(**exp.model_kwargs(), key=init_key(exp.seed))


def is_stochastic(model: eqx.Module) -> bool:
    """Whether the model's call takes a `key` (it draws random numbers in training)."""
    return "key" in inspect.signature(type(model).__call__).parameters


def _pick(value: Example, component: int | None) -> Example:
    return value if component is None else value[component]


def loss_of(terms: tuple[LossTerm, ...], losses: Mapping[str, PerExample]) -> PerExample:
    """The experiment's loss of one example: the weighted sum of its terms."""

    def loss(prediction: Example, target: Example) -> jax.Array:
        total = jnp.zeros((), jnp.float32)
        for t in terms:
            total = total + t.weight * losses[t.name](_pick(prediction, t.component), _pick(target, t.component))
        return total

    return loss


def metrics_of(refs: tuple[MetricRef, ...], metrics: Mapping[str, PerExample]) -> Callable[..., dict]:
    """label -> value of one example, for every metric of the experiment."""

    def measure(prediction: Example, target: Example) -> dict[str, jax.Array]:
        return {label(m): metrics[m.name](_pick(prediction, m.component), _pick(target, m.component))
                for m in refs}

    return measure


def label(m: MetricRef) -> str:
    return m.label or (m.name if m.component is None else f"{m.name}[{m.component}]")


def predict(model: eqx.Module, inputs: Example, key: jax.Array | None) -> Example:
    """The model applied to each example of the batch; with a key, one key per example."""
    if key is None:
        return jax.vmap(model)(inputs)
    batch = jax.tree_util.tree_leaves(inputs)[0].shape[0]
    return jax.vmap(lambda x, k: model(x, key=k))(inputs, jax.random.split(key, batch))


def make_step(loss: PerExample, optimiser: optax.GradientTransformation, stochastic: bool) -> Callable:
    """`step(model, opt_state, inputs, targets, key) -> (model, opt_state, loss)`, jitted."""

    def batch_loss(model: eqx.Module, inputs: Example, targets: Example, key: jax.Array) -> jax.Array:
        predictions = predict(model, inputs, key if stochastic else None)
        return jnp.mean(jax.vmap(loss)(predictions, targets))

    @eqx.filter_jit
    def step(model, opt_state, inputs, targets, key):
        value, grads = eqx.filter_value_and_grad(batch_loss)(model, inputs, targets, key)
        updates, opt_state = optimiser.update(grads, opt_state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), opt_state, value

    return step


def make_measure(loss: PerExample, measure: Callable[..., dict]) -> Callable:
    """`evaluate(model, inputs, targets) -> {name: sum over the batch}`, jitted; the model
    in inference (no key), `loss` among the names."""

    @eqx.filter_jit
    def evaluate(model, inputs, targets):
        predictions = predict(model, inputs, None)
        values = jax.vmap(lambda p, t: {"loss": loss(p, t), **measure(p, t)})(predictions, targets)
        return {k: jnp.sum(v.astype(jnp.float32)) for k, v in values.items()}

    return evaluate


def init_state(model: eqx.Module, optimiser: optax.GradientTransformation) -> optax.OptState:
    return optimiser.init(eqx.filter(model, eqx.is_array))
