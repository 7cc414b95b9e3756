"""Message passing over edge lists (`stdlib/sparse.para`): a graph as an edge set with
endpoint pointers, messages on the edges and a scatter onto the nodes, lowered to segment
reductions. Each layer equals its dense form in `stdlib/graph.para` on the same random
graphs, passes `para laws` with nodes and edges permuted, and holds O(|E| d) memory where
the dense layer holds O(n^2 d)."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl
from paradsl.analysis.laws import check_laws


@pytest.fixture(scope="module")
def sparse():
    return paradsl.load(STDLIB / "sparse.para")


@pytest.fixture(scope="module")
def graph():
    return paradsl.load(STDLIB / "graph.para")


def _graph(seed: int, n: int, p: float, f: int = 3):
    """A random directed graph without self-loops, dense and as edge lists of the same edges."""
    rng = np.random.default_rng(seed)
    adj = (rng.random((n, n)) < p) & ~np.eye(n, dtype=bool)
    w = np.where(adj, rng.random((n, n)), np.inf).astype(np.float32)
    ef = rng.normal(size=(n, n, f)).astype(np.float32)
    src, dst = (a.astype(np.int32) for a in np.nonzero(adj))
    return adj, w, ef, src, dst


@pytest.mark.parametrize("seed,n,p", [(0, 8, 0.3), (1, 13, 0.15), (2, 20, 0.5), (3, 6, 0.0)])
def test_the_edge_list_bellman_ford_step_equals_the_dense_one(sparse, graph, seed, n, p):
    _, w, _, src, dst = _graph(seed, n, p)
    d = np.full(n, np.inf, np.float32)
    d[0] = 0.0
    dense, edges = graph.BellmanFordStep(), sparse.SparseBellmanFordStep()
    for _ in range(n - 1):
        want = dense((jnp.asarray(d), jnp.asarray(w)))
        got = edges((jnp.asarray(d), src, dst, w[src, dst]))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        d = np.asarray(want)


@pytest.mark.parametrize("kind", ["Sum", "Max"])
@pytest.mark.parametrize("seed,n,p", [(4, 9, 0.3), (5, 16, 0.1), (6, 5, 0.0)])
def test_the_edge_list_mpnn_equals_the_dense_one(sparse, graph, kind, seed, n, p):
    adj, _, ef, src, dst = _graph(seed, n, p)
    x = jax.random.normal(jax.random.key(seed), (n, 4))
    dense = randomise(getattr(graph, f"MPNN{kind}")(4, 3, 5, key=jax.random.key(7)), jax.random.key(8))
    edges = getattr(sparse, f"SparseMPNN{kind}")(4, 3, 5, key=jax.random.key(9))
    names = ("Ws", "Wt", "We", "b", "U", "V", "c")
    parts = {k: dense.msg if k in ("Ws", "Wt", "We", "b") else dense.upd for k in names}  # the dense layer's parts
    edges = eqx.tree_at(lambda m: tuple(getattr(m, k) for k in names), edges,
                        tuple(getattr(parts[k], k) for k in names))  # the same weights
    want = dense((x, jnp.asarray(ef), jnp.asarray(adj)))
    got = edges((x, src, dst, jnp.asarray(ef[src, dst])))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_the_edge_list_layers_pass_para_laws_with_pointers_permuted():
    results = check_laws(STDLIB / "sparse.para", trials=2)
    laws = {(r.para, r.law) for r in results}
    for name in ("SparseBellmanFordStep", "SparseMPNNSum", "SparseMPNNMax"):
        assert (name, "S_n on n  f(g.x) = g.f(x)") in laws and (name, "S_n on e  f(g.x) = f(x)") in laws
    assert all(r.ok and not r.skipped for r in results), results


def test_the_scatter_is_a_segment_reduction(sparse):
    source = (STDLIB / "sparse.py").read_text()
    assert "jax.ops.segment_sum(message, dst, num_segments=n)" in source
    assert "jax.ops.segment_max(message, dst, num_segments=n)" in source
    assert "jax.ops.segment_min(" in source


def _largest(fn, *args) -> int:
    """The bytes of the largest array a traced function builds at its top level, its inputs
    included, read off the jaxpr without running it (a loop's body builds smaller ones)."""
    jaxpr = jax.make_jaxpr(fn)(*args).jaxpr
    avals = [v.aval for v in jaxpr.invars] + [v.aval for eqn in jaxpr.eqns for v in eqn.outvars]
    return max(int(np.prod(a.shape)) * a.dtype.itemsize for a in avals if hasattr(a, "shape"))


def test_at_4096_nodes_the_edge_list_layer_holds_edges_not_pairs(sparse, graph):
    n, per_node, d, f, h = 4096, 8, 4, 3, 5
    e = n * per_node
    S = jax.ShapeDtypeStruct
    edges = sparse.SparseMPNNSum(d, f, h, key=jax.random.key(0))
    dense = graph.MPNNSum(d, f, h, key=jax.random.key(0))
    sparse_bytes = _largest(edges, (S((n, d), jnp.float32), S((e,), jnp.int32), S((e,), jnp.int32),
                                    S((e, f), jnp.float32)))
    dense_bytes = _largest(dense, (S((n, d), jnp.float32), S((n, n, f), jnp.float32), S((n, n), jnp.bool_)))
    assert sparse_bytes <= 4 * e * max(d, f, h)  # O(|E| d): the messages, one [e, h] array
    assert dense_bytes >= 4 * n * n * h // 2  # O(n^2 d): the dense layer's [n, n, h] messages
    print(f"largest array: edge list {sparse_bytes:,} bytes, dense {dense_bytes:,} bytes")
