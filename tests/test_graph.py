"""Semiring contractions and message passing, against scipy and hand-written jnp.

- Bellman-Ford in the (min, +) semiring, iterated n - 1 times, equals
  `scipy.sparse.csgraph.shortest_path` on random graphs (unreachable nodes included).
- Contractions in MinPlus, MaxPlus, Log(beta) and Bool equal their broadcast definitions,
  blocked (more than 64 terms) and not.
- MPNN (max and sum) and the GAT layer equal the same layers written in jnp.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def graph():
    return paradsl.load(STDLIB / "graph.para")


def _random_graph(rng, n: int, p: float):
    edges = rng.random((n, n)) < p
    np.fill_diagonal(edges, False)
    lengths = rng.uniform(0.1, 10.0, size=(n, n)).astype(np.float32)
    return edges, lengths


@pytest.mark.parametrize("n", [16, 64, 256])
def test_bellman_ford_equals_scipy_shortest_paths(graph, n):
    rng = np.random.default_rng(n)
    edges, lengths = _random_graph(rng, n, p=1.5 / n)  # sparse: some nodes are unreachable
    w = jnp.asarray(np.where(edges, lengths, np.inf))
    step = graph.BellmanFordStep(key=None)
    source = 0
    d0 = jnp.full((n,), jnp.inf).at[source].set(0.0)
    dist = jax.jit(lambda d: jax.lax.fori_loop(0, n - 1, lambda _, d: step((d, w)), d))(d0)
    expected = shortest_path(csr_matrix(np.where(edges, lengths, 0.0)), method="BF", directed=True, indices=source)
    assert np.isinf(expected).any(), "the test graph should have unreachable nodes"
    np.testing.assert_allclose(np.asarray(dist), expected, rtol=1e-5)


@pytest.mark.parametrize("n", [5, 64, 65, 150])
def test_semiring_contractions_equal_their_definitions(tmp_path, key, n):
    path = tmp_path / "semirings.para"
    path.write_text("""semiring Tropical = (min, +, inf, 0)
para Min (n : set) : ([n, n], [n, n]) -> [n, n] = (a, b) => sum[Tropical] k. a[i, k] * b[k, j]
para Max (n : set) : ([n, n], [n, n]) -> [n, n] = (a, b) => sum[MaxPlus] k. a[i, k] * b[k, j]
para Soft (n : set) : ([n, n], [n, n]) -> [n, n] = (a, b) => sum[Log(3.0)] k. a[i, k] * b[k, j]
para Reach (n : set) : [n, n] bool -> [n, n] bool = a => sum[Bool] k. a[i, k] * a[k, j]
para Vec (n : set) : ([n], [n, n]) -> [n] = (d, w) => sum[MinPlus] u. d[u] * (w[u, v] + 1.0)
""")
    m = paradsl.load(path)
    a = jax.random.normal(key, (n, n))
    b = jax.random.normal(jax.random.fold_in(key, 1), (n, n))
    s = a[:, :, None] + b[None]
    np.testing.assert_allclose(m.Min(key=None)((a, b)), s.min(1), **TOL)
    np.testing.assert_allclose(m.Max(key=None)((a, b)), s.max(1), **TOL)
    np.testing.assert_allclose(m.Soft(key=None)((a, b)), jax.nn.logsumexp(3.0 * s, axis=1) / 3.0, **TOL)
    adj = a > 0.8
    np.testing.assert_array_equal(m.Reach(key=None)(adj), (adj.astype(jnp.int32) @ adj.astype(jnp.int32)) > 0)
    d = a[0]
    np.testing.assert_allclose(m.Vec(key=None)((d, b)), (d[:, None] + b + 1.0).min(0), **TOL)




def _graph_inputs(key, n, d, e):
    k1, k2, k3 = jax.random.split(key, 3)
    return jax.random.normal(k1, (n, d)), jax.random.normal(k2, (n, n, e)), jax.random.bernoulli(k3, 0.4, (n, n))


@pytest.mark.parametrize("aggregate", ["Max", "Sum"])
def test_mpnn_equals_hand_written(graph, key, aggregate):
    m = randomise(getattr(graph, f"MPNN{aggregate}")(3, 2, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    x, ef, adj = _graph_inputs(jax.random.fold_in(key, 2), 6, 3, 2)
    msg = jax.nn.relu((x @ m.msg.Ws)[:, None, :] + (x @ m.msg.Wt)[None, :, :] + ef @ m.msg.We + m.msg.b)  # [u, v, k]
    masked = jnp.where(adj[:, :, None], msg, 0.0)
    agg = masked.max(0) if aggregate == "Max" else masked.sum(0)
    expected = jax.nn.relu(x @ m.upd.U + agg @ m.upd.V + m.upd.c)
    np.testing.assert_allclose(m((x, ef, adj)), expected, **TOL)


def test_gat_equals_hand_written(graph, key):
    m = randomise(graph.GATLayer(3, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    x, _, adj = _graph_inputs(jax.random.fold_in(key, 2), 7, 3, 1)
    z = x @ m.W
    score = jax.nn.leaky_relu((z @ m.a_src)[:, None] + (z @ m.a_dst)[None, :])  # [u, v]
    allowed = adj | jnp.eye(7, dtype=bool)
    att = jax.nn.softmax(jnp.where(allowed, score, -jnp.inf).T, axis=-1)  # [v, u]
    np.testing.assert_allclose(m((x, adj)), att @ z, **TOL)


def test_message_passing_is_permutation_equivariant():
    results = paradsl.check_laws(STDLIB / "graph.para", sizes={"n": 9})
    # Every para of the file, the message-passing instances and their parts included.
    assert {r.para for r in results} == {"BellmanFordStep", "MinPlusProduct", "MaxMessage", "MPNNMax", "MPNNSum",
                                        "GATLayer", "EdgeMessage", "NodeUpdate", "Relax", "KeepShorter",
                                        "MessagePassing_Relax_Min_KeepShorter"}
    assert all(r.ok and not r.skipped for r in results), results


@pytest.mark.parametrize("m", [0, 5, 64, 100, 129])
def test_blocked_contractions_are_exact_at_any_length(tmp_path, key, m):
    path = tmp_path / "soft.para"
    path.write_text("semiring Viterbi = (max, *, 0, 1)\n"
                    "para Soft(b: Float) (n : set) (m : set) : [n, m] -> [n] = w => sum[Log(b)] u. w[i, u]\n"
                    "para Best (n : set) (m : set) : ([n, m], [m, n]) -> [n, n] = (a, c) => sum[Viterbi] k. a[i, k] * c[k, j]\n")
    mod = paradsl.load(path)
    w = jax.random.normal(key, (3, m))
    for beta in (2.0, -2.0):  # a negative beta is a smooth minimum
        expected = jax.nn.logsumexp(beta * w, axis=1) / beta if m else jnp.full(3, -jnp.inf)
        np.testing.assert_allclose(mod.Soft(beta, key=None)(w), expected, **TOL)
    c = jax.random.normal(jax.random.fold_in(key, 1), (m, 3))
    expected = (w[:, :, None] * c[None]).max(1) if m else jnp.zeros((3, 3))  # the zero of (max, *)
    np.testing.assert_allclose(mod.Best(key=None)((w, c)), expected, **TOL)
