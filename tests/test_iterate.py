"""Iteration and every state of a fold, against independent references.

- Iterated Bellman-Ford (stdlib/models.para, the stdlib step iterated for n - 1) against
  `scipy.sparse.csgraph.shortest_path` at n = 16, 64, 256 with unreachable nodes; its jaxpr
  the same at every n (one loop, its body traced once); S_n-equivariant by `para laws`.
- `iterate f for k` against Python loops, its gradient against the unrolled loop's, on a
  tuple state and a zero count; `until converged` stops where a loop does, and refuses
  reverse mode as JAX's `while_loop` does.
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
from conftest import ROOT, STDLIB, randomise
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

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


# ------------------------------------------------------------------ iteration


def _graph(n: int):
    rng = np.random.default_rng(n)
    edges = rng.random((n, n)) < 1.5 / n  # sparse: some nodes are unreachable
    np.fill_diagonal(edges, False)
    lengths = rng.uniform(0.1, 10.0, size=(n, n)).astype(np.float32)
    return edges, lengths


@pytest.mark.parametrize("n", [16, 64, 256])
def test_iterated_bellman_ford_equals_scipy_shortest_paths(models, n):
    edges, lengths = _graph(n)
    w = jnp.asarray(np.where(edges, lengths, np.inf))
    d0 = jnp.full((n,), jnp.inf).at[0].set(0.0)
    dist = jax.jit(models.BellmanFord(key=None))((d0, w))
    expected = shortest_path(csr_matrix(np.where(edges, lengths, 0.0)), method="BF", directed=True, indices=0)
    assert np.isinf(expected).any(), "the test graph should have unreachable nodes"
    np.testing.assert_allclose(np.asarray(dist), expected, rtol=1e-5)


def _eqns(jaxpr) -> int:
    """Equations in a jaxpr, those of the loops' bodies included."""
    count = 0
    for e in jaxpr.eqns:
        count += 1
        for v in e.params.values():
            for sub in v if isinstance(v, (tuple, list)) else (v,):
                inner = getattr(sub, "jaxpr", None)
                if inner is not None:
                    count += _eqns(getattr(inner, "jaxpr", inner))
    return count


def test_iterated_bellman_ford_traces_one_loop_whatever_the_size(models):
    m = models.BellmanFord(key=None)
    sizes = []
    for n in (16, 64, 128, 256):
        jaxpr = jax.make_jaxpr(m)((jnp.zeros(n), jnp.zeros((n, n)))).jaxpr
        loops = [e for e in jaxpr.eqns if e.primitive.name in ("scan", "while")]
        assert len(loops) == 1
        sizes.append(_eqns(jaxpr))
    # The same program at every n: the step's fold of `Min` over the in-neighbours is one
    # reduction, not a tree of ceil(log2 n) levels.
    assert len(set(sizes)) == 1, sizes


def test_iterated_bellman_ford_is_permutation_equivariant():
    results = paradsl.check_laws(STDLIB / "models.para", "BellmanFord", sizes={"n": 9})
    assert [r.para for r in results] == ["BellmanFord"]
    assert all(r.ok and not r.skipped for r in results), results


def test_state_over_an_index_set_iterates(key):
    """The reviewed program, corrected: node-indexed state iterated for the set's size."""
    path = ROOT / "tests" / "review" / "state_over_index_set.para"
    relax = paradsl.load(path).Relax(key=None)
    edges, lengths = _graph(16)
    w = jnp.asarray(np.where(edges, lengths, np.inf))
    d0 = jnp.full((16,), jnp.inf).at[3].set(0.0)
    expected = shortest_path(csr_matrix(np.where(edges, lengths, 0.0)), method="BF", directed=True, indices=3)
    np.testing.assert_allclose(np.asarray(relax((d0, w))), expected, rtol=1e-5)
    (r,) = paradsl.check_laws(path, sizes={"n": 7})
    assert r.ok and not r.skipped


_PROGRAM = """
para Deep(d: Nat, k: Nat) : [d] -> [d]
  params W : [d, d] ~ glorot, b : [d] ~ zeros
  = iterate (x => tanh(x @ W + b)) for k
para Fib(k: Nat) : ([], []) -> ([], []) = iterate ((a, b) => (b, a + b)) for k
para Settle(k: Nat) : [3] -> [3] = iterate (x => 0.5 * x + 1.0) until converged for k
"""


@pytest.fixture(scope="module")
def loops(tmp_path_factory):
    path = tmp_path_factory.mktemp("iterate") / "loops.para"
    path.write_text(_PROGRAM)
    return paradsl.load(path)


def test_iterate_equals_a_python_loop_and_differentiates_as_one(loops, key):
    m = randomise(loops.Deep(4, 5, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (4,))

    def unrolled(q, x):
        for _ in range(5):
            x = jnp.tanh(x @ q.W + q.b)
        return x

    np.testing.assert_allclose(m(x), unrolled(m, x), **TOL)
    g = eqx.filter_grad(lambda q: jnp.sum(q(x) ** 2))(m)
    g_ref = eqx.filter_grad(lambda q: jnp.sum(unrolled(q, x) ** 2))(m)
    np.testing.assert_allclose(g.W, g_ref.W, **TOL)
    np.testing.assert_allclose(g.b, g_ref.b, **TOL)
    # Zero steps leave the state as it is.
    zero = eqx.tree_at(lambda q: (q.W, q.b), loops.Deep(4, 0, key=key), (m.W, m.b))
    np.testing.assert_allclose(zero(x), x)


def test_iterate_carries_a_tuple_state(loops):
    a, b = loops.Fib(10, key=None)((jnp.float32(0.0), jnp.float32(1.0)))
    assert (float(a), float(b)) == (55.0, 89.0)


def test_until_converged_stops_where_a_loop_does(loops):
    x, steps = jnp.array([0.0, 10.0, -4.0]), 0
    ref = x
    while steps < 100:
        new = 0.5 * ref + 1.0
        steps += 1
        done = float(jnp.max(jnp.abs(new - ref))) <= 1e-6
        ref = new
        if done:
            break
    assert 1 < steps < 100
    np.testing.assert_allclose(loops.Settle(100, key=None)(x), ref, rtol=0, atol=0)
    # At most k steps: three of them from 0 give 1, 1.5, 1.75.
    np.testing.assert_allclose(loops.Settle(3, key=None)(jnp.zeros(3)), jnp.full(3, 1.75))
    # Forward mode goes through the while_loop; reverse mode is refused by JAX.
    m = loops.Settle(3, key=None)
    _, tangent = jax.jvp(m, (jnp.zeros(3),), (jnp.ones(3),))
    np.testing.assert_allclose(tangent, jnp.full(3, 0.125))
    with pytest.raises(ValueError, match="[Rr]everse-mode differentiation does not work"):
        jax.grad(lambda x: jnp.sum(m(x)))(jnp.zeros(3))


def test_iterate_until_measures_changes_as_documented():
    from paradsl.runtime import iterate_until

    # Equal infinities have not moved: converged after the step that brings inf down to 5.
    calls = []

    def clip(x):
        calls.append(None)  # traced once: the while_loop's body
        return jnp.minimum(x, 5.0)

    out = iterate_until(clip, jnp.array([jnp.inf, 1.0]), 100, 1e-6)
    np.testing.assert_array_equal(out, [5.0, 1.0])
    assert len(calls) == 1
    # At most max_steps steps, when it never settles.
    np.testing.assert_array_equal(iterate_until(lambda x: x + 1.0, jnp.zeros(2), 7, 1e-6), [7.0, 7.0])
    # A NaN stops the loop instead of running it to the end.
    steps = iterate_until(lambda s: (s[0] + 1.0, s[1] * jnp.nan), (jnp.float32(0.0), jnp.ones(2)), 50, 1e-6)
    assert float(steps[0]) == 1.0
    # A tuple state converges when every component does.
    a, b = iterate_until(lambda s: (0.5 * s[0], s[1]), (jnp.ones(3), jnp.full(2, jnp.inf)), 200, 1e-6)
    assert float(jnp.max(a)) <= 2e-6 and bool(jnp.all(jnp.isinf(b)))
