"""The shortest-paths demo, examples/shortest_paths.para, kept working.

- Every experiment of the file checks, and each model has the type of its task.
- ClassicalBellmanFord, the stdlib's Bellman-Ford with the pointer read-out, gives the
  task's targets: Dijkstra's distances and predecessors, every pointer right.
- LearnedBellmanFord is the min-plus iteration it is declared to be: its outputs equal a
  hand-written jnp loop of the same step with the same weights; LearnedFloydWarshall the
  same over pairs of nodes. Neither gives a NaN value or gradient where a node is unreached.
- The quick experiments run through `para run` in seconds and record every evaluation set.
  The full runs, which evaluate on 1,024 nodes, are commands in docs/results.md, not tests.
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
from paradsl.train.metrics import distance_error, pointer_accuracy

PATH = EXAMPLES / "shortest_paths.para"
EXPERIMENTS = ["shortest_paths", "shortest_paths_mpnn", "shortest_paths_classical", "all_pairs",
               "shortest_paths_quick", "all_pairs_quick"]


@pytest.fixture(scope="module")
def demo():
    return paradsl.load(PATH)


def _graphs(seed: int, n: int, batch: int = 4, p_min: float = 0.1, p_max: float = 0.5):
    (d0, w), (dist, pred) = tasks.shortest_paths(np.random.default_rng(seed), batch, min_nodes=n,
                                                 max_nodes=n, p_min=p_min, p_max=p_max)
    return (jnp.asarray(d0), jnp.asarray(w)), (dist, pred)


def test_every_experiment_checks():
    result = paradsl.check_paths([PATH])
    assert result.ok and not result.diagnostics, [d.header() for d in result.diagnostics]
    assert list(paradsl.experiments(PATH)) == EXPERIMENTS
    check = para_cli("check", str(PATH))
    assert check.returncode == 0, check.stderr


def test_the_evaluation_sets_are_the_sizes_of_the_demo():
    exp = paradsl.experiment(PATH, "shortest_paths")
    sizes = [(s.name, s.task.kwargs()["min_nodes"], s.samples) for s in exp.eval_sets]
    assert sizes == [("n16", 16, 1000), ("n64", 64, 1000), ("n128", 128, 1000), ("n1024", 1024, 200)]
    assert exp.task.kwargs() == {"min_nodes": 16, "max_nodes": 16, "p_min": 0.1, "p_max": 0.6}
    classical = paradsl.experiment(PATH, "shortest_paths_classical")
    assert classical.eval_sets == exp.eval_sets and classical.seed == exp.seed


@pytest.mark.parametrize("n", [1, 5, 12])
def test_classical_bellman_ford_gives_dijkstras_targets(demo, key, n):
    model = demo.ClassicalBellmanFord(key=key)
    assert not jax.tree_util.tree_leaves(eqx.filter(model, eqx.is_array))
    inputs, (dist, pred) = _graphs(n, n, batch=6, p_min=0.05)
    d, logits = jax.vmap(model)(inputs)
    assert logits.shape == (6, n, n)
    np.testing.assert_allclose(np.asarray(d), dist, rtol=1e-5, atol=1e-6)
    assert np.array_equal(np.argmax(np.asarray(logits), axis=-1), pred)
    assert float(jnp.mean(jax.vmap(pointer_accuracy)(logits, jnp.asarray(pred)))) == 1.0
    assert float(jnp.max(jax.vmap(distance_error)(d, jnp.asarray(dist)))) < 1e-5


def _mlp(m, x):
    """A scalar MLP of the demo's encoders (hidden units and a linear skip), applied to finite x."""
    return jnp.sum(jax.nn.relu(m.A * x[..., None] + m.b) * m.V, axis=-1) + m.L[0] * x + m.c[0]


def _encode(m, x):
    finite = jnp.isfinite(x)
    return jnp.where(finite, _mlp(m, jnp.where(finite, x, 0.0)), jnp.inf)


def test_learned_bellman_ford_is_the_declared_iteration(demo, key):
    model = randomise(demo.LearnedBellmanFord(h=6, beta=3.0, key=key), jax.random.fold_in(key, 1), 0.5)
    f, edge = model.f, model.edge
    (d0, w), _ = _graphs(3, 9, batch=3)
    for b in range(3):
        e = _encode(edge, w[b])
        d = d0[b]
        for _ in range(8):
            d = jnp.minimum(d, jnp.min(_encode(f, d)[:, None] + e, axis=0))
        fd = _encode(f, d)
        scores = -3.0 * (fd[:, None] + e).T
        own = jnp.where(jnp.isfinite(d0[b]), 0.0, -10000.0)
        want = jnp.where(jnp.eye(9, dtype=bool), own[:, None], scores)
        got_d, got_logits = model((d0[b], w[b]))
        np.testing.assert_allclose(got_d, d, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_logits, want, rtol=1e-5, atol=1e-5)


def test_learned_floyd_warshall_is_the_declared_iteration(demo, key):
    model = randomise(demo.LearnedFloydWarshall(h=5, beta=2.0, key=key), jax.random.fold_in(key, 2), 0.5)
    w, _ = tasks.all_pairs_shortest_paths(np.random.default_rng(4), 2, min_nodes=7, max_nodes=7,
                                          p_min=0.2, p_max=0.5)
    w = jnp.asarray(w)
    eye = jnp.eye(7, dtype=bool)
    for b in range(2):
        e = _encode(model.edge, w[b])
        d = jnp.where(eye, 0.0, w[b])
        for _ in range(6):
            d = jnp.minimum(d, jnp.min(_encode(model.a, d)[:, :, None] + e[None, :, :], axis=1))
        scores = -2.0 * (_encode(model.a, d)[:, None, :] + e.T[None, :, :])
        own = jnp.where(eye, 0.0, -10000.0)
        want = jnp.where(eye[None, :, :], own[:, :, None], scores)
        got_d, got_logits = model(w[b])
        np.testing.assert_allclose(got_d, d, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_logits, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["LearnedBellmanFord", "SumMPNN"])
def test_unreached_nodes_give_no_nan(demo, key, name):
    """A sparse graph leaves nodes unreached (inf): the loss and its gradient stay finite."""
    model = getattr(demo, name)(key=key)
    inputs, (dist, pred) = _graphs(5, 10, batch=4, p_min=0.0, p_max=0.15)
    assert np.isinf(dist).any()

    def loss(m):
        d, logits = jax.vmap(m)(inputs)
        finite = jnp.isfinite(dist)
        se = jnp.where(finite, d - jnp.where(finite, dist, 0.0), 0.0) ** 2
        logp = jax.nn.log_softmax(logits, axis=-1)
        return jnp.mean(se) - jnp.mean(jnp.take_along_axis(logp, jnp.asarray(pred)[..., None], axis=-1))

    value, grads = eqx.filter_value_and_grad(loss)(model)
    assert bool(jnp.isfinite(value))
    assert all(bool(jnp.isfinite(g).all()) for g in jax.tree_util.tree_leaves(grads))


@pytest.mark.parametrize("name", ["shortest_paths_quick", "all_pairs_quick"])
def test_the_quick_experiment_runs(tmp_path, name):
    out = tmp_path / name
    result = para_cli("run", str(PATH), name, "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    evals = [r for r in records if "eval" in r]
    assert [r["eval"] for r in evals] == ["in_dist"]
    assert 0.0 <= evals[0]["pointer_accuracy[1]"] <= 1.0 and np.isfinite(evals[0]["distance_error[0]"])
    assert all(np.isfinite(r["loss"]) for r in records if "loss" in r)


@pytest.mark.parametrize("name", ["shortest_paths", "shortest_paths_mpnn", "all_pairs"])
def test_the_full_experiments_run_shortened(tmp_path, name):
    """Two steps and two samples of the small evaluation sets, through `para run`."""
    exp = paradsl.experiment(PATH, name)
    small = [es for es in exp.eval_sets if es.task.kwargs()["min_nodes"] <= 64]
    sets = [f"--set=eval.{es.name}.samples=2" for es in small]
    sets += [f"--set=eval.{es.name}.samples=1" for es in exp.eval_sets if es not in small]
    sets += [f"--set=eval.{es.name}.min_nodes=20" for es in exp.eval_sets if es not in small]
    sets += [f"--set=eval.{es.name}.max_nodes=20" for es in exp.eval_sets if es not in small]
    out = tmp_path / name
    result = para_cli("run", str(PATH), name, "--steps", "2", "--set", "batch=2", *sets, "--out", str(out),
                      "--quiet")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert {r["eval"] for r in records if "eval" in r} == {es.name for es in exp.eval_sets}
