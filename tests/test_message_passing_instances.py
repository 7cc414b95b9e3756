"""Message passing written once, and what makes its instances plain code.

- `BellmanFordStep` is `MessagePassing` with the message `d[u] + w[u, v]`, the aggregator
  `Min(1)` and the update `min(d[v], m[v])`: equal to the min-plus relaxation written in jnp,
  unreachable nodes and an empty graph included, and S_n-equivariant.
- A fold of a monoid whose `combine` is `+`, `max`, `min` or `*` of its two arguments lowers
  to one jnp reduction (over a set, along a list, masked, mapped over another axis), equal
  to the tree of combines it replaces, the unit where nothing is folded; any other monoid
  keeps the tree.
- A generic para that only hands a monoid binder on (`MPNN(..., agg)` to `MessagePassing`)
  holds one copy of its parameters, and a para that is one use of such a generic is the
  innermost instance itself, its fields the map arguments.
- A para applied by name makes each argument a typed position: `for v k. d[v]` takes `k`'s
  range from the domain.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def graph():
    return paradsl.load(STDLIB / "graph.para")


def _lengths(n: int, seed: int = 0) -> jnp.ndarray:
    rng = np.random.default_rng(seed)
    edges = rng.random((n, n)) < 2.0 / max(n, 1)
    return jnp.asarray(np.where(edges, rng.uniform(0.1, 10.0, (n, n)), np.inf).astype(np.float32))


@pytest.mark.parametrize("n", [1, 5, 33])
def test_bellman_ford_step_is_the_min_plus_relaxation(graph, n):
    w = _lengths(n)
    d = jnp.full((n,), jnp.inf).at[0].set(0.0)
    for _ in range(3):  # a few steps, so that some distances are finite and some not
        expected = jnp.minimum(d, jnp.min(d[:, None] + w, axis=0))
        got = graph.BellmanFordStep()((d, w))
        np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
        d = got
    assert np.isinf(np.asarray(d)).any() or n == 1


def test_bellman_ford_step_on_an_empty_graph(graph):
    assert graph.BellmanFordStep()((jnp.zeros((0,)), jnp.zeros((0, 0)))).shape == (0,)


def test_bellman_ford_step_is_an_instance_of_the_layer():
    from paradsl import api

    (step,) = [p for p in api.check_file(STDLIB / "graph.para").paras if p.name == "BellmanFordStep"]
    assert [u.callee for u in step.uses] == ["MessagePassing_Relax_Min_KeepShorter"]


def test_bellman_ford_step_is_permutation_equivariant():
    results = paradsl.check_laws(STDLIB / "graph.para", "BellmanFordStep", sizes={"n": 8})
    assert results and all(r.ok and not r.skipped for r in results), results


FOLDS = """import rnn

para SetSum (n : set) : [n, 3] -> [3] = fold Sum(3) over n
para SetMax (n : set) : [n, 3] -> [3] = fold Max(3) over n
para ListMin (t : list) : [t, 3] -> [3] = fold Min(3) over t
para MaskedMax (n : set) : ([n, 3], [n] bool) -> [3] = (x, keep) => (fold Max(3) over n)(x, keep)
para RowsMin (n : set) : ([n, n, 2], [n, n] bool) -> [n, 2]
  = (x, adj) => (map (fold Min(2) over n) over n)(for v u k. x[u, v, k], for v u. adj[u, v])
para RowsSum (n : set) : [n, n, 2] -> [n, 2] = map (fold Sum(2) over n) over n
para SetLogSumExp (n : set) : [n, 3] -> [3] = fold LogSumExp(3) over n
"""


@pytest.fixture(scope="module")
def folds(tmp_path_factory):
    path = tmp_path_factory.mktemp("folds") / "folds.para"
    path.write_text(FOLDS)
    return path, paradsl.load(path)


def _class_source(path, name: str) -> str:
    source = paradsl.compile_path(path)
    start = source.index(f"class {name}(")
    end = source.find("\nclass ", start + 1)
    return source[start:end if end > 0 else None]


@pytest.mark.parametrize("name, reduction", [("SetSum", "jnp.sum"), ("SetMax", "jnp.max"), ("ListMin", "jnp.min"),
                                             ("MaskedMax", "jnp.max"), ("RowsMin", "jnp.min"),
                                             ("RowsSum", "jnp.sum")])
def test_a_fold_of_a_reduction_monoid_is_one_reduction(folds, name, reduction):
    text = _class_source(folds[0], name)
    assert f"{reduction}(" in text
    assert "fold_balanced" not in text and "associative_scan" not in text and "jax.vmap(per_element)" not in text


def test_a_fold_of_any_other_monoid_keeps_the_tree(folds):
    assert "fold_balanced" in _class_source(folds[0], "SetLogSumExp")


def test_a_mapped_fold_of_transposed_messages_is_reduced_where_they_lie(folds):
    text = _class_source(folds[0], "RowsMin")
    assert "transpose" not in text and "axis=0" in text


@pytest.mark.parametrize("n", [0, 1, 6])
def test_reduction_folds_equal_their_references(folds, key, n):
    _, mod = folds
    x = jax.random.normal(key, (n, 3))
    keep = jax.random.bernoulli(jax.random.fold_in(key, 1), 0.5, (n,))
    np.testing.assert_allclose(mod.SetSum()(x), x.sum(0), **TOL)
    np.testing.assert_allclose(mod.SetMax()(x), x.max(0, initial=-jnp.inf), **TOL)
    np.testing.assert_allclose(mod.ListMin()(x), x.min(0, initial=jnp.inf), **TOL)
    np.testing.assert_allclose(mod.MaskedMax()((x, keep)), jnp.where(keep[:, None], x, -jnp.inf).max(0, initial=-jnp.inf),
                               **TOL)
    y = jax.random.normal(jax.random.fold_in(key, 2), (n, n, 2))
    adj = jax.random.bernoulli(jax.random.fold_in(key, 3), 0.5, (n, n))
    rows_min = jnp.where(adj[:, :, None], y, jnp.inf).min(0, initial=jnp.inf)  # [v, k]: over u of y[u, v]
    np.testing.assert_allclose(mod.RowsMin()((y, adj)), rows_min, **TOL)
    np.testing.assert_allclose(mod.RowsSum()(y), y.sum(1), **TOL)
    assert mod.RowsMin()((y, adj)).shape == (n, 2)


def test_a_reduction_fold_has_the_gradient_of_the_tree(folds, key):
    _, mod = folds
    x = jax.random.normal(key, (7, 3))

    def tree(x):  # Sum folded pairwise, as the balanced tree does
        return paradsl.runtime.fold_balanced(lambda a, b: a + b, jnp.zeros(3), x).sum()

    np.testing.assert_allclose(jax.grad(lambda x: mod.SetSum()(x).sum())(x), jax.grad(tree)(x), **TOL)


PASSING = """import graph
import rnn

para Learned(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]
  = MPNN(d, e, h, agg = QuasiSum(h, h))
"""


def test_a_monoid_handed_on_is_one_use(tmp_path, key):
    path = tmp_path / "passing.para"
    path.write_text(PASSING)
    m = paradsl.load(path).Learned(3, 2, 4, key=key)
    assert {f for f in ("msg", "agg", "upd") if hasattr(m, f)} == {"msg", "agg", "upd"}
    leaves = jax.tree.leaves(m)
    quasi = jax.tree.leaves(m.agg)
    assert quasi and sum(x.size for x in leaves) == sum(
        x.size for x in jax.tree.leaves(m.msg) + quasi + jax.tree.leaves(m.upd))
    report = paradsl.params(path, "Learned")
    assert report.P.evaluate(dict(d=3, e=2, h=4)) == report.Q.evaluate(dict(d=3, e=2, h=4)) == sum(x.size for x in leaves)


def test_mpnn_sum_holds_the_parts_of_the_innermost_instance(graph, key):
    m = randomise(graph.MPNNSum(3, 2, 4, key=key), jax.random.fold_in(key, 1), 0.5)
    assert not any(f.startswith("message_passing") for f in vars(m))
    n = 5
    x = jax.random.normal(key, (n, 3))
    ef = jax.random.normal(jax.random.fold_in(key, 2), (n, n, 2))
    adj = jax.random.bernoulli(jax.random.fold_in(key, 3), 0.5, (n, n))
    msg = jax.nn.relu((x @ m.msg.Ws)[:, None, :] + (x @ m.msg.Wt)[None, :, :] + ef @ m.msg.We + m.msg.b)  # [u, v, k]
    agg = jnp.where(adj[:, :, None], msg, 0.0).sum(0)
    np.testing.assert_allclose(m((x, ef, adj)), jax.nn.relu(x @ m.upd.U + agg @ m.upd.V + m.upd.c), **TOL)


TYPED = """import nn

para Pair (n : set) : [n, 2] -> [n, 2] = x => for v k. x[v, k] * 2.0

para Spread (n : set) : [n] -> [n, 2]
  uses pair : Pair
  = x => pair(for v k. x[v])

para SpreadAnonymous (n : set) : ([n], [n, 2]) -> [n, 2]
  = (x, y) => Pair(for v k. x[v] + y[v, k])
"""


def test_an_argument_of_a_para_applied_by_name_is_a_typed_position(tmp_path, key):
    path = tmp_path / "typed.para"
    path.write_text(TYPED)
    mod = paradsl.load(path)
    x = jax.random.normal(key, (4,))
    y = jax.random.normal(jax.random.fold_in(key, 1), (4, 2))
    np.testing.assert_allclose(mod.Spread()(x), jnp.broadcast_to(x[:, None], (4, 2)) * 2.0, **TOL)
    np.testing.assert_allclose(mod.SpreadAnonymous()((x, y)), (x[:, None] + y) * 2.0, **TOL)


def test_an_index_with_no_range_is_still_an_error_elsewhere():
    result = paradsl.check_source("para P : [3] -> [3] = x => let y = for k. 1.0 in x\n", "p.para")
    assert [d.code for d in result.diagnostics] == ["E0207"]
