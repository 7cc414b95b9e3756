"""The optimiser an experiment names, built as optax: every catalogue name, the schedules
with their warmup, clipping, and the optimiser's own arguments, against optax written by hand."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from paradsl.catalogue import OPTIMISERS, SCHEDULES
from paradsl.ir.experiment import Optimiser
from paradsl.train import optim


def test_every_catalogue_optimiser_is_built():
    assert optim.names() == frozenset(OPTIMISERS)


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_each_optimiser_takes_every_argument_the_catalogue_lists(name: str):
    values = {"Float": 0.5, "Nat": 3, "Bool": True, "name": "cosine"}
    args = tuple((n, values[a.kind.value]) for n, a in OPTIMISERS[name].arguments)
    tx = optim.build(Optimiser(name, args), steps=10)
    params = {"w": jnp.ones(3)}
    updates, _ = tx.update({"w": jnp.full(3, 2.0)}, tx.init(params), params)
    assert np.isfinite(np.asarray(updates["w"])).all()


def _updates(tx: optax.GradientTransformation, steps: int) -> list[np.ndarray]:
    params = {"w": jnp.array([1.0, -2.0, 3.0])}
    state = tx.init(params)
    out = []
    for i in range(steps):
        g = {"w": jnp.array([0.5, 4.0, -1.0]) * (i + 1)}
        u, state = tx.update(g, state, params)
        params = optax.apply_updates(params, u)
        out.append(np.asarray(u["w"]))
    return out


def test_adamw_with_its_own_arguments_is_optax_adamw():
    opt = Optimiser("adamw", (("lr", 0.01), ("b1", 0.8), ("weight_decay", 0.1)))
    for a, b in zip(_updates(optim.build(opt, 5), 5), _updates(optax.adamw(0.01, b1=0.8, weight_decay=0.1), 5)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_clip_is_global_norm_clipping_before_the_optimiser():
    opt = Optimiser("sgd", (("lr", 0.1), ("clip", 1.0), ("momentum", 0.9)))
    ref = optax.chain(optax.clip_by_global_norm(1.0), optax.sgd(0.1, momentum=0.9))
    for a, b in zip(_updates(optim.build(opt, 4), 4), _updates(ref, 4)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    first = _updates(optim.build(opt, 1), 1)[0]
    assert np.linalg.norm(first) == pytest.approx(0.1, rel=1e-5)  # a gradient of norm > 1 is cut to 1


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_warm_up_then_decay(name: str):
    f = optim.schedule(Optimiser("adam", (("lr", 0.2), ("schedule", name), ("warmup", 10))), steps=110)
    assert float(f(0)) == 0.0
    assert float(f(5)) == pytest.approx(0.1)
    assert float(f(10)) == pytest.approx(0.2)
    end = {"constant": 0.2, "cosine": 0.0, "linear": 0.0}[name]
    assert float(f(110)) == pytest.approx(end, abs=1e-7)
    if name == "cosine":
        assert float(f(60)) == pytest.approx(0.1)  # half way through the decay
    if name == "linear":
        assert float(f(35)) == pytest.approx(0.15)


def test_the_default_is_a_constant_learning_rate_of_1e_3():
    f = optim.schedule(Optimiser("adam"), steps=100)
    assert [float(f(i)) for i in (0, 50, 100)] == pytest.approx([1e-3] * 3)
    assert jax.tree_util.tree_structure(optim.build(Optimiser("adam"), 100).init({"w": jnp.ones(2)}))
