"""The addition demo, examples/addition.para, kept working.

- Both models check, and have the type of the addition task, `[t, 2] i32 -> [t, 10]`.
- The Adder is the Mealy machine it is declared to be: its outputs equal a hand-written
  `lax.scan` of the same step with the same weights, and its state stays a distribution.
- The Transformer baseline is causal: a digit pair changes no logit before its position.
- A few seconds of training (one digit count, so one compilation) lower the Adder's loss.
  The full runs, which add numbers of 1,000 digits, are commands, not tests.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from conftest import EXAMPLES, randomise

import paradsl

PATH = EXAMPLES / "addition.para"
TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def demo():
    return paradsl.load(PATH)


def addition(rng: np.random.Generator, batch: int, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of `digits`-digit numbers, least-significant digit first over digits + 1
    positions, and the digits of their sums, computed with Python's integers."""
    a = rng.integers(0, 10, size=(batch, digits))
    b = rng.integers(0, 10, size=(batch, digits))
    x = np.zeros((batch, digits + 1, 2), np.int32)
    x[:, :digits, 0], x[:, :digits, 1] = a, b
    weights = 10 ** np.arange(digits, dtype=object)
    sums = [int((a[i] * weights).sum()) + int((b[i] * weights).sum()) for i in range(batch)]
    y = np.array([[s // 10**j % 10 for j in range(digits + 1)] for s in sums], np.int32)
    return x, y


def test_the_generator_adds():
    x, y = addition(np.random.default_rng(0), 3, 5)
    for i in range(3):
        a, b, s = (sum(int(v[j]) * 10**j for j in range(6)) for v in (x[i, :, 0], x[i, :, 1], y[i]))
        assert a + b == s
    assert (x[:, -1] == 0).all()


def test_the_models_check_and_have_the_task_type(demo):
    result = paradsl.check_paths([PATH])
    assert result.ok and not result.diagnostics, [d.header() for d in result.diagnostics]
    for name in ("Adder", "TransformerAdder"):
        assert getattr(demo, name).__doc__.endswith("(t : list) : [t, 2] i32 -> [t, 10]"), name


@pytest.mark.parametrize("name", ["Adder", "TransformerAdder"])
def test_outputs_one_row_of_logits_per_position(demo, key, name):
    model = getattr(demo, name)(key=key)
    x, _ = addition(np.random.default_rng(1), 2, 6)
    out = jax.vmap(model)(jnp.asarray(x))
    assert out.shape == (2, 7, 10) and out.dtype == jnp.float32
    assert bool(jnp.isfinite(out).all())


def test_adder_is_the_declared_mealy_machine(demo, key):
    model = randomise(demo.Adder(d=8, k=3, beta=2.0, key=key), jax.random.fold_in(key, 1), 0.5)
    c = model.carry_cell_0

    def step(s, x):
        h1 = jax.nn.relu(c.A[x[0]] + c.B[x[1]] + s @ c.S + c.b)
        h2 = jax.nn.relu(h1 @ c.W + c.c)
        s2 = jax.nn.softmax(2.0 * (h2 @ c.U + c.bu))
        return s2, (h2 @ c.V + c.bv, s2)

    x, _ = addition(np.random.default_rng(2), 1, 12)
    _, (want, states) = jax.lax.scan(step, jnp.array([1.0, 0.0, 0.0]), jnp.asarray(x[0]))
    np.testing.assert_allclose(model(jnp.asarray(x[0])), want, **TOL)
    np.testing.assert_allclose(states.sum(axis=-1), 1.0, **TOL)


def test_transformer_is_causal(demo, key):
    model = demo.TransformerAdder(d=16, h=2, k=8, depth=1, key=key)
    x, _ = addition(np.random.default_rng(3), 1, 9)
    changed = x[0].copy()
    changed[6] = (changed[6] + 1) % 10
    before, after = model(jnp.asarray(x[0])), model(jnp.asarray(changed))
    np.testing.assert_allclose(before[:6], after[:6], **TOL)
    assert float(jnp.abs(before[6:] - after[6:]).max()) > 1e-4


def test_a_few_seconds_of_training_lower_the_adders_loss(demo, key):
    model = demo.Adder(d=32, k=4, key=key)
    opt = optax.adam(1e-2)
    state = opt.init(eqx.filter(model, eqx.is_array))

    def loss_of(m, x, y):
        logp = jax.nn.log_softmax(jax.vmap(m)(x), axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, y[..., None], axis=-1))

    @eqx.filter_jit
    def step(m, s, x, y):
        loss, g = eqx.filter_value_and_grad(loss_of)(m, x, y)
        updates, s = opt.update(g, s, eqx.filter(m, eqx.is_array))
        return eqx.apply_updates(m, updates), s, loss

    rng = np.random.default_rng(0)
    losses = []
    for _ in range(150):
        x, y = addition(rng, 32, 4)
        model, state, loss = step(model, state, jnp.asarray(x), jnp.asarray(y))
        losses.append(float(loss))
    # Guessing the digits uniformly costs log 10 = 2.3; the digits alone, without a carry, ~0.3.
    assert np.mean(losses[:5]) > 1.5, losses[:5]
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:5]), losses[-10:]
