"""The second-minimum demo, examples/second_minimum.para, kept working.

- Every experiment of the file checks, and the three models have the types of their tasks.
- SecondMinimumList is SecondMinimum's generator: the same batches, typed as a list.
- The aligned model is the fold it is declared to be: on two elements, its read-out of one
  combine of the two lifted elements, written in jnp; on more, invariant under permutations
  (the fold is a balanced tree of a commutative combine, whatever the order).
- Deep Sets and the GRU baseline against hand-written jnp and `equinox.nn.GRUCell`.
- The quick experiment runs through `para run` in seconds and writes its evaluation.
  The full runs are commands (docs/results.md), not tests.
"""

from __future__ import annotations

import json

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import EXAMPLES, para_cli, randomise

import paradsl
from paradsl.train import tasks

PATH = EXAMPLES / "second_minimum.para"
TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def demo():
    return paradsl.load(PATH)


def test_every_experiment_checks_with_its_models_type():
    result = paradsl.check_paths([PATH])
    assert result.ok and not result.diagnostics, [d.header() for d in result.diagnostics]
    exps = paradsl.experiments(PATH)
    assert set(exps) == {"second_minimum", "second_minimum_deep_sets", "second_minimum_gru",
                         "second_minimum_quick"}
    want = {"SecondMin": "SecondMinimum", "DeepSets": "SecondMinimum", "GRUAggregator": "SecondMinimumList"}
    for exp in exps.values():
        assert exp.task.task == want[exp.model], exp.name
        assert all(s.task.task == exp.task.task for s in exp.eval_sets), exp.name
    full = [e for e in exps.values() if e.name != "second_minimum_quick"]
    for exp in full:  # the sizes and sample counts the results are stated for
        sizes = {s.name: (s.task.kwargs()["min_size"], s.samples) for s in exp.eval_sets}
        assert sizes == {"size16": (16, 1000), "size32": (32, 1000), "size64": (64, 1000),
                         "size1024": (1024, 200)}, exp.name
        assert exp.task.kwargs() == {"min_size": 2, "max_size": 16, "vocab": 1000}, exp.name


def test_the_list_twin_draws_the_same_batches():
    for seed in range(3):
        a = tasks.second_minimum(np.random.default_rng(seed), 8, min_size=2, max_size=16, vocab=1000)
        b = tasks.BUILTINS["second_minimum_list"](np.random.default_rng(seed), 8, min_size=2, max_size=16,
                                                  vocab=1000)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        assert (a[1] == np.sort(a[0], axis=1)[:, 1]).all()


def _monoid_reference(m):
    """lift and combine of the aligned model's monoid, and its read-out, in jnp."""
    c, beta = m.two_smallest_0, 1.0

    def lift(x):
        return jax.nn.sigmoid(beta * c.E[x])

    def combine(u, w):
        g = jax.nn.relu(u @ c.A + w @ c.B + c.b) + jax.nn.relu(w @ c.A + u @ c.B + c.b)
        return jax.nn.sigmoid(beta * (g @ c.D + c.bd))

    def read(s):
        return jnp.einsum("jk,jko->o", s, m.R) + m.bo

    return lift, combine, read


def test_the_aligned_model_reads_out_one_combine_of_two_elements(demo, key):
    m = randomise(demo.SecondMin(v=12, d=7, h=5, key=key), jax.random.fold_in(key, 1), 0.5)
    lift, combine, read = _monoid_reference(m)
    x = jnp.array([3, 9], jnp.int32)
    np.testing.assert_allclose(m(x), read(combine(lift(x[0]), lift(x[1]))), **TOL)


@pytest.mark.parametrize("n", [5, 16, 37])
def test_the_aligned_model_does_not_depend_on_the_order(demo, key, n):
    m = randomise(demo.SecondMin(v=50, d=6, h=4, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.randint(jax.random.fold_in(key, n), (n,), 0, 50)
    perm = jax.random.permutation(jax.random.fold_in(key, n + 1), n)
    np.testing.assert_allclose(m(x), m(x[perm]), rtol=1e-4, atol=1e-4)
    lift, combine, read = _monoid_reference(m)
    # Where the combine is not associative the fold's grouping matters; unit-padded to a
    # power of two, the balanced tree is the pairwise reduction written here.
    states = [lift(v) for v in x] + [jax.nn.sigmoid(m.two_smallest_0.z)] * ((1 << (n - 1).bit_length()) - n)
    while len(states) > 1:
        states = [combine(states[i], states[i + 1]) for i in range(0, len(states), 2)]
    if n & (n - 1) == 0:
        np.testing.assert_allclose(m(x), read(states[0]), rtol=1e-4, atol=1e-4)


def test_deep_sets_is_a_sum_of_element_features(demo, key):
    m = randomise(demo.DeepSets(v=30, d=6, h=9, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.randint(jax.random.fold_in(key, 2), (11,), 0, 30)
    s = jax.nn.relu(m.E[x] @ m.P + m.bp).sum(axis=0)
    np.testing.assert_allclose(m(x), jax.nn.relu(s @ m.Q + m.bq) @ m.O + m.bo, **TOL)
    np.testing.assert_allclose(m(x), m(x[::-1]), rtol=1e-4, atol=1e-4)


def test_the_gru_baseline_is_equinoxs_gru_cell_along_the_list(demo, key):
    m = randomise(demo.GRUAggregator(v=30, d=5, h=7, key=key), jax.random.fold_in(key, 1), 0.5)
    g = m.rnn.gru_0
    cell = eqx.nn.GRUCell(5, 7, key=key)
    cell = eqx.tree_at(lambda c: (c.weight_ih, c.weight_hh, c.bias, c.bias_n), cell, (
        jnp.concatenate([g.Wr, g.Wz, g.Wn], axis=1).T,
        jnp.concatenate([g.Ur, g.Uz, g.Un], axis=1).T,
        jnp.concatenate([g.br, g.bz, g.bn]),
        g.bhn))
    x = jax.random.randint(jax.random.fold_in(key, 2), (9,), 0, 30)
    h = jax.lax.scan(lambda h, e: (cell(e, h), None), g.h0, m.E[x])[0]
    np.testing.assert_allclose(m(x), h @ m.O + m.bo, **TOL)


@pytest.mark.slow
def test_the_quick_experiment_runs_through_para_run(tmp_path):
    out = tmp_path / "run"
    result = para_cli("run", str(PATH), "second_minimum_quick", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in rows if "loss" in r and "eval" not in r]
    assert len(losses) == 40 and all(np.isfinite(losses))
    (final,) = [r for r in rows if r.get("eval") == "size8"]
    assert 0.0 <= final["accuracy"] <= 1.0
    assert np.mean(losses[-5:]) < np.mean(losses[:5]), losses
