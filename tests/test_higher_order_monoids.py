"""Monoid binders: a para's aggregator as its argument, `agg : commutative monoid [h]`.

- An instance folds with the monoid it is given: sum, max, min, logsumexp against jnp, the
  learnable one against the stdlib's `SetEncoder` with the same weights, and a plain monoid
  in order over a `list`.
- The monoid argument is a use named by its binder: its parameters are one factor of P there.
- A wrong argument is reported at the argument: not a monoid (E0907), the wrong elements or
  carrier (E0908), not commutative where the binder is (the fold-along-a-set error E0309).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, assert_located, para_cli, randomise

import paradsl
from paradsl.driver import check_source, loads

TOL = dict(rtol=1e-5, atol=1e-5)

POOLS = """
import rnn

para Pool(h: Nat, agg : commutative monoid [h]) (n : set) : [n, h] -> [h] = fold agg over n
para PoolTo(d: Nat, h: Nat, agg : commutative monoid [d] on [h]) (n : set) : [n, d] -> [h] = fold agg over n
para InOrder(h: Nat, agg : monoid [h]) (t : list) : [t, h] -> [h] = fold agg over t

-- Per node, the aggregate of its in-neighbours' messages (0 where there is no edge).
para Gather(h: Nat, agg : commutative monoid [h]) (n : set) : ([n, n, h], [n, n] bool) -> [n, h]
  = (m, adj) => (map (fold agg over n) over n)(for v u k. where(adj[u, v], m[u, v, k], 0.0))

monoid Last(h: Nat) : [h] on [h]
  | unit => for e. 0.0
  | lift(x) => x
  | combine(u, v) => v

para Pools(h: Nat) (n : set) : [n, h] -> ([h], [h], [h], [h])
  uses s : Pool(h, agg = Sum(h)), a : Pool(h, agg = Max(h)), b : Pool(h, agg = Min(h)),
       c : Pool(h, agg = LogSumExp(h))
  = x => (s(x), a(x), b(x), c(x))

para Learned(d: Nat, h: Nat) (n : set) : [n, d] -> [h] = PoolTo(d, h, agg = QuasiSum(d, h))
para Latest(h: Nat) (t : list) : [t, h] -> [h] = InOrder(h, agg = Last(h))
para GatherMax(h: Nat) (n : set) : ([n, n, h], [n, n] bool) -> [n, h] = Gather(h, agg = Max(h))
"""


@pytest.fixture(scope="module")
def pools():
    return loads(POOLS, "pools.para")


def test_the_builtin_monoids_as_arguments_fold_as_their_reductions(pools, key):
    x = jax.random.normal(key, (7, 3))
    got = pools.Pools(3, key=None)(x)
    want = (x.sum(0), x.max(0), x.min(0), jax.nn.logsumexp(x, axis=0))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, **TOL)


def test_a_learnable_monoid_argument_equals_the_stdlib_fold_with_its_weights(pools, key):
    rnn = paradsl.load(STDLIB / "rnn.para")
    ref = randomise(rnn.SetEncoder(3, 5, key=key), jax.random.fold_in(key, 1), 0.5)
    m = pools.Learned(3, 5, key=key)
    m = eqx.tree_at(lambda p: p.agg, m, ref.quasi_sum_0)
    x = jax.random.normal(jax.random.fold_in(key, 2), (9, 3))
    np.testing.assert_allclose(m(x), ref(x), **TOL)
    perm = jax.random.permutation(jax.random.fold_in(key, 3), 9)
    np.testing.assert_allclose(m(x[perm]), m(x), **TOL)


def test_a_plain_monoid_folds_in_order_over_a_list(pools, key):
    x = jax.random.normal(key, (6, 4))
    np.testing.assert_allclose(pools.Latest(4, key=None)(x), x[-1], **TOL)


def test_a_monoid_argument_aggregates_inside_a_body(pools, key):
    m = jax.nn.relu(jax.random.normal(key, (5, 5, 3)))
    adj = jax.random.bernoulli(jax.random.fold_in(key, 1), 0.5, (5, 5))
    want = jnp.where(adj[:, :, None], m, 0.0).max(0)
    np.testing.assert_allclose(pools.GatherMax(3, key=None)((m, adj)), want, **TOL)


def test_a_monoid_argument_is_a_factor_of_p_under_its_name(tmp_path, key):
    path = tmp_path / "pools.para"
    path.write_text(POOLS)
    report = paradsl.params(path, "Learned")
    assert [r.path for r in report.rows] == ["agg.W", "agg.bias", "agg.w"]
    m = paradsl.load(path).Learned(3, 5, key=key)
    leaves = jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array))
    assert len(leaves) == len(report.rows)
    assert sum(leaf.size for leaf in leaves) == report.Q.evaluate({"d": 3, "h": 5})


@pytest.mark.parametrize("arg, code", [
    ("Last(4)", "E0309"),
    ("Linear(4, 4)", "E0907"),
    ("Elman(4, 4)", "E0907"),
    ("h", "E0907"),
    ("2", "E0907"),
    ("Max(8)", "E0908"),
    ("QuasiSum(4, 8)", "E0908"),
])
def test_a_wrong_monoid_argument_is_reported_at_the_argument(arg, code):
    text = POOLS.split("para Pools")[0] + f"para Use(h: Nat) (n : set) : [n, 4] -> [4] = Pool(4, agg = {arg})\n"
    result = check_source(text, "use.para")
    assert_located(result)
    line = text.count("\n")
    col = text.splitlines()[-1].rindex(arg) + 1
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [(code, line, col)]


def test_a_plain_monoid_binder_folded_over_a_set_is_checked_in_its_instances():
    """A generic is checked as its instances: folding a `monoid` binder over a set is the
    generic's mistake, reported in its body where a non-commutative monoid is given."""
    generic = "para Bad(h: Nat, agg : monoid [h]) (n : set) : [n, h] -> [h] = fold agg over n\n"
    text = POOLS.split("para Pools")[0] + generic
    line = text.count("\n")
    for arg, expected in (("Sum(4)", []), ("Last(4)", [("E0309", line, generic.index("fold") + 1)])):
        result = check_source(text + f"para Use (n : set) : [n, 4] -> [4] = Bad(4, agg = {arg})\n", "use.para")
        assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == expected


@pytest.mark.parametrize("command", ["params", "cost"])
def test_a_generic_named_on_the_command_line_says_it_needs_its_arguments(tmp_path, command):
    path = tmp_path / "pools.para"
    path.write_text(POOLS)
    ran = para_cli(command, str(path), "Pool", "h=2")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "'Pool'" in ran.stderr and "is generic" in ran.stderr and "agg: commutative monoid" in ran.stderr
    assert "Pool(..., agg = ...)" in ran.stderr
    assert para_cli(command, str(path), "Learned", "d=3", "h=4").returncode == 0
