"""Recurrent and recursive networks derived from algebras, against independent references.

- The GRU and LSTM folds against `equinox.nn.GRUCell` / `LSTMCell` under `lax.scan` with the
  same weights; the Elman fold, the stream decoder and the Mealy RNN against Python loops.
- The TreeRNN against a plain recursive evaluation on random trees, batched with `vmap`.
- The diagonal linear recurrence as a monoid (associative scan) against the same recurrence
  folded step by step, and against a hand-written loop.
- The learnable commutative monoid: permutation-invariant (by `para laws`) and reduced in
  logarithmic depth (counted in the jaxpr at n = 16 and n = 1024).
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, para_cli, randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def rnn():
    return paradsl.load(STDLIB / "rnn.para")




def _scan(cell, h0, xs):
    return jax.lax.scan(lambda h, x: (cell(x, h), None), h0, xs)[0]


# ------------------------------------------------------------------ cells against equinox


def test_gru_fold_equals_equinox_gru_cell(rnn, key):
    d_in, d_h, t = 5, 7, 11
    m = randomise(rnn.GRURNN(d_in, d_h, key=key), jax.random.fold_in(key, 1), 0.5)
    g = m.gru_0
    cell = eqx.nn.GRUCell(d_in, d_h, key=key)
    cell = eqx.tree_at(lambda c: (c.weight_ih, c.weight_hh, c.bias, c.bias_n), cell, (
        jnp.concatenate([g.Wr, g.Wz, g.Wn], axis=1).T,
        jnp.concatenate([g.Ur, g.Uz, g.Un], axis=1).T,
        jnp.concatenate([g.br, g.bz, g.bn]),
        g.bhn))
    xs = jax.random.normal(jax.random.fold_in(key, 2), (t, d_in))
    np.testing.assert_allclose(m(xs), _scan(cell, g.h0, xs), **TOL)
    np.testing.assert_allclose(eqx.filter_jit(lambda q, x: q(x))(m, xs), _scan(cell, g.h0, xs), **TOL)
    batch = jax.random.normal(jax.random.fold_in(key, 3), (4, t, d_in))
    np.testing.assert_allclose(jax.vmap(m)(batch), jax.vmap(lambda x: _scan(cell, g.h0, x))(batch), **TOL)


def test_lstm_fold_equals_equinox_lstm_cell(rnn, key):
    d_in, d_h, t = 4, 6, 9
    m = randomise(rnn.LSTMRNN(d_in, d_h, key=key), jax.random.fold_in(key, 1), 0.5)
    c = m.lstm_0
    cell = eqx.nn.LSTMCell(d_in, d_h, key=key)
    cell = eqx.tree_at(lambda q: (q.weight_ih, q.weight_hh, q.bias), cell, (
        jnp.concatenate([c.Wi, c.Wf, c.Wg, c.Wo], axis=1).T,
        jnp.concatenate([c.Ui, c.Uf, c.Ug, c.Uo], axis=1).T,
        jnp.concatenate([c.bi, c.bf, c.bg, c.bo])))
    xs = jax.random.normal(jax.random.fold_in(key, 2), (t, d_in))
    h_ref, _ = _scan(cell, (c.h0, c.c0), xs)
    np.testing.assert_allclose(m(xs), h_ref, **TOL)
    # The gradient flows through the scan to every weight of the cell.
    grads = eqx.filter_grad(lambda q: jnp.sum(q(xs) ** 2))(m)
    assert all(float(jnp.abs(g).sum()) > 0 for g in jax.tree_util.tree_leaves(grads))


def test_elman_decoder_and_mealy_against_loops(rnn, key):
    k = jax.random.split(key, 6)
    e = randomise(rnn.ElmanRNN(3, 5, key=k[0]), k[1], 0.5)
    xs = jax.random.normal(k[2], (8, 3))
    h = e.elman_0.h0
    for x in xs:
        h = jnp.tanh(x @ e.elman_0.W + h @ e.elman_0.U + e.elman_0.b)
    np.testing.assert_allclose(e(xs), h, **TOL)

    d = randomise(rnn.Decoder(5, 2, 6, key=k[3]), k[4], 0.5)
    s, outs = jax.random.normal(k[5], (5,)), []
    for _ in range(6):
        outs.append(s @ d.stream_decoder_0.Wo + d.stream_decoder_0.bo)
        s = jnp.tanh(s @ d.stream_decoder_0.U + d.stream_decoder_0.b)
    np.testing.assert_allclose(d(jax.random.normal(k[5], (5,))), jnp.stack(outs), **TOL)

    q = randomise(rnn.Seq2Seq(3, 5, 2, key=k[0]), k[1], 0.5)
    c = q.elman_mealy_0
    h, ys = c.h0, []
    for x in xs:
        h = jnp.tanh(x @ c.W + h @ c.U + c.b)
        ys.append(h @ c.V + c.c)
    np.testing.assert_allclose(q(xs), jnp.stack(ys), **TOL)


# ------------------------------------------------------------------ trees


def _random_tree(rng: np.random.Generator, leaves: int, d: int):
    """A random binary tree as arrays in topological order, and as nested tuples."""
    nodes = [("leaf", rng.normal(size=d).astype(np.float32)) for _ in range(leaves)]
    pool = list(range(leaves))
    children = [(0, 0)] * leaves
    while len(pool) > 1:
        i, j = rng.choice(len(pool), size=2, replace=False)
        a, b = pool[i], pool[j]
        nodes.append(("node", None))
        children.append((a, b))
        pool = [p for k, p in enumerate(pool) if k not in (i, j)] + [len(nodes) - 1]
    tags = np.array([0 if kind == "leaf" else 1 for kind, _ in nodes], np.int32)
    data = np.stack([x if x is not None else np.zeros(d, np.float32) for _, x in nodes])
    return tags, data, np.array(children, np.int32)


def _recursive(cell, tags, data, children, i):
    if tags[i] == 0:
        return jnp.tanh(data[i] @ cell.We + cell.be)
    left = _recursive(cell, tags, data, children, children[i][0])
    right = _recursive(cell, tags, data, children, children[i][1])
    return jnp.tanh(left @ cell.Wl + right @ cell.Wr + cell.b)


@pytest.mark.parametrize("leaves", [1, 2, 5, 12])
def test_tree_rnn_equals_recursive_evaluation(rnn, key, leaves):
    m = randomise(rnn.TreeRNN(3, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    rng = np.random.default_rng(leaves)
    trees = [_random_tree(rng, leaves, 3) for _ in range(3)]
    for tags, data, children in trees:
        expected = _recursive(m.tree_cell_0, tags, data, children, len(tags) - 1)
        np.testing.assert_allclose(m((jnp.asarray(tags), jnp.asarray(data), jnp.asarray(children))), expected, **TOL)
    # Batched over trees of the same size, without Python recursion.
    batch = tuple(jnp.stack([jnp.asarray(t[i]) for t in trees]) for i in range(3))
    expected = jnp.stack([_recursive(m.tree_cell_0, *t, len(t[0]) - 1) for t in trees])
    np.testing.assert_allclose(jax.vmap(m)(batch), expected, **TOL)


# ------------------------------------------------------------------ monoids


@pytest.mark.parametrize("t", [1, 2, 7, 64, 1000])
def test_monoid_recurrence_equals_sequential_scan(rnn, key, t):
    par = randomise(rnn.LinearRecurrence(3, 5, key=key), jax.random.fold_in(key, 1), 0.5)
    seq = rnn.LinearRecurrenceSequential(3, 5, key=key)
    mon = par.diagonal_recurrence_0
    seq = eqx.tree_at(lambda s: (s.diagonal_cell_0.lam, s.diagonal_cell_0.B), seq, (mon.lam, mon.B))
    xs = jax.random.normal(jax.random.fold_in(key, 2), (t, 3))
    np.testing.assert_allclose(par(xs), seq(xs), **TOL)
    a = jax.nn.sigmoid(mon.lam)
    h, states = jnp.zeros(5), []
    for x in np.asarray(xs)[: min(t, 64)]:
        h = a * h + x @ mon.B
        states.append(h)
    every = rnn.LinearRecurrenceStates(3, 5, key=key)
    every = eqx.tree_at(lambda s: (s.diagonal_recurrence_0.lam, s.diagonal_recurrence_0.B), every, (mon.lam, mon.B))
    np.testing.assert_allclose(every(xs)[: len(states)], jnp.stack(states), **TOL)


def test_learnable_commutative_monoid_is_permutation_invariant(rnn, key):
    m = randomise(rnn.SetEncoder(3, 6, key=key), jax.random.fold_in(key, 1), 0.5)
    for n in (1, 2, 5, 16, 33):
        x = jax.random.normal(jax.random.fold_in(key, n), (n, 3))
        perm = jax.random.permutation(jax.random.fold_in(key, 100 + n), n)
        np.testing.assert_allclose(m(x[perm]), m(x), **TOL)
    results = paradsl.check_laws(STDLIB / "rnn.para", "SetEncoder", sizes={"n": 37})
    (law,) = results
    assert law.law.startswith("S_n on n") and law.ok and law.error < 1e-5
    monoid = {r.law.split()[0]: r for r in paradsl.check_laws(STDLIB / "rnn.para", "QuasiSum")}
    assert set(monoid) == {"associative", "unit", "commutative"} and all(r.ok for r in monoid.values())


def _combines(model, n: int) -> int:
    """How many sequential applications of the combine a reduction of n elements makes: the
    `asinh`s of each tree level's combine appear once in the jaxpr (vectorised over the level)."""
    q = model.quasi_sum_0
    per = _count(jax.make_jaxpr(q.combine)(jnp.zeros(q.h), jnp.zeros(q.h)).jaxpr, "asinh")
    return _count(jax.make_jaxpr(model)(jnp.zeros((n, 3))).jaxpr, "asinh") // per


def _count(jaxpr, name: str) -> int:
    from jax.extend.core import jaxprs_in_params

    return sum(1 for eqn in jaxpr.eqns if eqn.primitive.name == name) + sum(
        _count(sub, name) for eqn in jaxpr.eqns for sub in jaxprs_in_params(eqn.params))


@pytest.mark.parametrize("n", [16, 1024])
def test_commutative_monoid_reduces_in_logarithmic_depth(rnn, key, n):
    m = rnn.SetEncoder(3, 4, key=key)
    assert _combines(m, n) == math.ceil(math.log2(n))


def test_monoid_laws_can_fail(tmp_path):
    bad = tmp_path / "bad.para"
    bad.write_text("monoid Lopsided(d: Nat) : [d] on [d]\n"
                   "  | unit => for e. 0.0\n"
                   "  | lift(x) => x\n"
                   "  | combine(a, b) => 0.5 * a + b\n")
    laws = {r.law.split()[0]: r for r in paradsl.check_laws(bad)}
    assert not laws["associative"].ok and not laws["unit"].ok
    r = para_cli("laws", str(bad))
    assert r.returncode == 1 and "FAILED" in r.stdout


def test_scans_along_a_list(tmp_path, key):
    path = tmp_path / "scans.para"
    path.write_text("para Running (t : list) : [t, 3] -> [t, 3] = x => cumsum(x[s, f], over s)\n"
                    "para Peak (t : list) : [t] -> [t] = x => cummax(x)\n"
                    "para Product (t : list) : [t, 2] -> [t, 2] = x => cumprod(x)\n")
    m = paradsl.load(path)
    x = jax.random.normal(key, (6, 3))
    np.testing.assert_allclose(m.Running(key=None)(x), jnp.cumsum(x, axis=0), **TOL)
    np.testing.assert_allclose(m.Peak(key=None)(x[:, 0]), jax.lax.cummax(x[:, 0], axis=0), **TOL)
    np.testing.assert_allclose(m.Product(key=None)(x[:, :2]), jnp.cumprod(x[:, :2], axis=1), **TOL)


@pytest.mark.parametrize("name, reference", [("Sum", jnp.sum), ("Max", jnp.max), ("Min", jnp.min),
                                             ("LogSumExp", jax.nn.logsumexp)])
@pytest.mark.parametrize("n", [1, 6, 17])
def test_builtin_commutative_monoids_fold_over_a_set(tmp_path, key, name, reference, n):
    path = tmp_path / "pool.para"
    path.write_text(f"import rnn\npara Pool(d: Nat) (n : set) : [n, d] -> [d] = fold {name}(d) over n\n")
    m = paradsl.load(path).Pool(3, key=key)
    x = jax.random.normal(jax.random.fold_in(key, n), (n, 3))
    np.testing.assert_allclose(m(x), reference(x, axis=0), **TOL)
