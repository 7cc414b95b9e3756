"""Every state of a fold: `scan` of a list algebra, against independent references.

- The LSTM language model of stdlib/models.para, which scans the stdlib LSTM cell, against
  `equinox.nn.LSTMCell` under `lax.scan` with the same weights, every hidden state read out.
- The scan of a list algebra against its fold: the last state is the fold's result, and each
  state is the fold of the prefix up to it.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def models():
    return paradsl.load(STDLIB / "models.para")


@pytest.fixture(scope="module")
def rnn():
    return paradsl.load(STDLIB / "rnn.para")


def _equinox_cell(c, key):
    cell = eqx.nn.LSTMCell(c.Wi.shape[0], c.Wi.shape[1], key=key)
    return eqx.tree_at(lambda q: (q.weight_ih, q.weight_hh, q.bias), cell, (
        jnp.concatenate([c.Wi, c.Wf, c.Wg, c.Wo], axis=1).T,
        jnp.concatenate([c.Ui, c.Uf, c.Ug, c.Uo], axis=1).T,
        jnp.concatenate([c.bi, c.bf, c.bg, c.bo])))


def test_lstm_language_model_equals_equinox_lstm_cell_under_scan(models, key):
    v, d, h, t = 11, 5, 7, 13
    m = randomise(models.LSTMLM(v, d, h, key=key), jax.random.fold_in(key, 1), 0.5)
    cell = _equinox_cell(m.cell, key)
    tokens = jax.random.randint(jax.random.fold_in(key, 2), (t,), 0, v)

    def step(state, x):
        state = cell(x, state)
        return state, state[0]

    _, hs = jax.lax.scan(step, (m.cell.h0, m.cell.c0), m.E[tokens])
    ref = jax.nn.log_softmax(hs @ m.Wout + m.bout, axis=-1)
    out = m(tokens)
    assert out.shape == (t, v)
    np.testing.assert_allclose(out, ref, **TOL)
    # Each position's output depends on the tokens up to it and on no later one.
    later = tokens.at[-1].set((tokens[-1] + 1) % v)
    np.testing.assert_allclose(m(later)[:-1], ref[:-1], **TOL)
    assert not np.allclose(m(later)[-1], ref[-1])
    # The gradient flows through every state to every weight.
    grads = eqx.filter_grad(lambda q: jnp.sum(q(tokens)[:, 0]))(m)
    assert all(float(jnp.abs(g).sum()) > 0 for g in jax.tree_util.tree_leaves(grads))


def test_every_state_of_a_scan_is_the_fold_of_its_prefix(tmp_path, key):
    src = tmp_path / "states.para"
    src.write_text(
        "import rnn\n"
        "para States(d: Nat, h: Nat) (t : list) : [t, d] -> [t, h] = scan Elman(d, h) over t\n"
        "para Final(d: Nat, h: Nat) (t : list) : [t, d] -> [h] = fold Elman(d, h) over t\n"
    )
    mod = paradsl.load(src)
    s = randomise(mod.States(3, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    f = eqx.tree_at(lambda q: q.elman_0, mod.Final(3, 4, key=key), s.elman_0)
    xs = jax.random.normal(jax.random.fold_in(key, 2), (6, 3))
    states = s(xs)
    assert states.shape == (6, 4)
    for i in range(6):
        np.testing.assert_allclose(states[i], f(xs[: i + 1]), **TOL)
    # By a hand-written loop, too.
    c, hcur = s.elman_0, s.elman_0.h0
    for i, x in enumerate(xs):
        hcur = jnp.tanh(x @ c.W + hcur @ c.U + c.b)
        np.testing.assert_allclose(states[i], hcur, **TOL)
