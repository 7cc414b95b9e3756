"""The stdlib's message passing, written once over its aggregator, and the masked fold under it.

- `MPNN(d, e, h, agg)`, the learned `MessagePassing`, takes any commutative monoid, a learnable one included
  (`QuasiSum`): each instance equals the layer written in jnp with the module's weights, the
  aggregate over each node's in-neighbours only (a node with none gets the monoid's unit).
- With a learnable aggregator the layer is S_n-equivariant (`paradsl.check_laws`).
- `(fold M over n)(x, keep)` folds the elements `keep` holds, over a set and along a list,
  and is the unit where it holds none.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)

LAYERS = """import graph
import rnn

para MPNNMin(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]
  = MPNN(d, e, h, agg = Min(h))

para MPNNLearned(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]
  = MPNN(d, e, h, agg = QuasiSum(h, h))

para Stack(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]
  uses first : MPNN(d, e, h, agg = QuasiSum(h, h)), second : MPNNSum(h, e, h)
  = (x, ef, adj) => second(first(x, ef, adj), ef, adj)
"""

FOLDS = """import rnn

para SetMax (n : set) : ([n, 3], [n] bool) -> [3] = (x, keep) => (fold Max(3) over n)(x, keep)
para ListSum (t : list) : ([t, 3], [t] bool) -> [3] = (x, keep) => (fold Sum(3) over t)(x, keep)
para Rows (n : set) : ([n, n, 1], [n, n] bool) -> [n, 1]
  = (w, adj) => (map (fold Min(1) over n) over n)(w, for v u. adj[u, v])
"""


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    path = tmp_path_factory.mktemp("mp") / "layers.para"
    path.write_text(LAYERS)
    return path, paradsl.load(path)


def _inputs(key, n: int, d: int, e: int, isolated: bool):
    k1, k2, k3 = jax.random.split(key, 3)
    adj = jax.random.bernoulli(k3, 0.4, (n, n))
    if isolated:
        adj = adj.at[:, 0].set(False)  # node 0 has no in-neighbours
    else:
        adj = adj | jnp.roll(jnp.eye(n, dtype=bool), 1, axis=1)  # every node has one
    return jax.random.normal(k1, (n, d)), jax.random.normal(k2, (n, n, e)), adj


def _messages(m, x, ef):
    return jax.nn.relu((x @ m.msg.Ws)[:, None, :] + (x @ m.msg.Wt)[None, :, :] + ef @ m.msg.We + m.msg.b)  # [u, v, k]


def _update(m, x, agg):
    return jax.nn.relu(x @ m.upd.U + agg @ m.upd.V + m.upd.c)


def test_a_min_aggregator_takes_the_least_message(layers, key):
    _, mod = layers
    m = randomise(mod.MPNNMin(3, 2, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    x, ef, adj = _inputs(jax.random.fold_in(key, 2), 6, 3, 2, isolated=False)
    agg = jnp.where(adj[:, :, None], _messages(m, x, ef), jnp.inf).min(0)
    np.testing.assert_allclose(m((x, ef, adj)), _update(m, x, agg), **TOL)


def _quasi_sum(q, msg, adj):
    """QuasiSum folded over each node's in-neighbours: asinh(sum of sinh(k lift)) / k, the
    unit 0 for a node with none (its messages stay within the direct branch here)."""
    k = jax.nn.softplus(q.w) + 0.1
    lifted = jnp.tanh(msg @ q.W + q.bias)  # [u, v, k]
    return jnp.arcsinh(jnp.where(adj[:, :, None], jnp.sinh(k * lifted), 0.0).sum(0)) / k


@pytest.mark.parametrize("isolated", [False, True])
def test_a_learnable_aggregator_folds_over_the_in_neighbours_only(layers, key, isolated):
    _, mod = layers
    m = randomise(mod.MPNNLearned(3, 2, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    x, ef, adj = _inputs(jax.random.fold_in(key, 2), 7, 3, 2, isolated)
    agg = _quasi_sum(m.agg, _messages(m, x, ef), adj)
    if isolated:
        np.testing.assert_allclose(agg[0], 0.0)  # the unit, not the fold of a zero message
    np.testing.assert_allclose(m((x, ef, adj)), _update(m, x, agg), **TOL)


def test_the_stdlib_instances_are_the_generic_with_their_monoids(key):
    graph = paradsl.load(STDLIB / "graph.para")
    x, ef, adj = _inputs(jax.random.fold_in(key, 2), 6, 3, 2, isolated=True)
    for name, reduce in (("MPNNSum", lambda a: a.sum(0)), ("MPNNMax", lambda a: a.max(0, initial=0.0))):
        m = randomise(getattr(graph, name)(3, 2, 4, key=key), jax.random.fold_in(key, 1), 0.5)
        agg = reduce(jnp.where(adj[:, :, None], _messages(m, x, ef), 0.0))
        np.testing.assert_allclose(m((x, ef, adj)), _update(m, x, agg), **TOL)


def test_message_passing_with_a_learnable_aggregator_is_permutation_equivariant(layers):
    path, _ = layers
    results = paradsl.check_laws(path, "MPNNLearned", sizes={"n": 7})
    assert [r.para for r in results] == ["MPNNLearned"]
    assert all(r.ok and not r.skipped for r in results), results
    stacked = paradsl.check_laws(path, "Stack", sizes={"n": 6})
    assert all(r.ok and not r.skipped for r in stacked), stacked


def test_a_masked_fold_folds_the_elements_the_mask_holds(tmp_path, key):
    path = tmp_path / "folds.para"
    path.write_text(FOLDS)
    mod = paradsl.load(path)
    x = jax.random.normal(key, (5, 3))
    keep = jnp.array([True, False, True, False, False])
    np.testing.assert_allclose(mod.SetMax(key=None)((x, keep)), x[keep].max(0), **TOL)
    np.testing.assert_allclose(mod.ListSum(key=None)((x, keep)), x[keep].sum(0), **TOL)
    none = jnp.zeros(5, dtype=bool)
    np.testing.assert_array_equal(mod.SetMax(key=None)((x, none)), jnp.full(3, -jnp.inf))
    np.testing.assert_array_equal(mod.ListSum(key=None)((x, none)), jnp.zeros(3))
    w = jax.random.normal(jax.random.fold_in(key, 1), (4, 4, 1))  # [v, u, 1]
    adj = jax.random.bernoulli(jax.random.fold_in(key, 2), 0.5, (4, 4)).at[:, 1].set(False)  # [u, v]
    want = jnp.where(adj.T[:, :, None], w, jnp.inf).min(1)
    np.testing.assert_allclose(mod.Rows(key=None)((w, adj)), want, **TOL)
