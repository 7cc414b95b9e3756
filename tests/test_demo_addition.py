"""The addition demo: its experiments check, the quick one runs through `para run` (a chunked
evaluation set and the machine's verification included), a streamed evaluation equals the
whole one, and the extracted machine is verified where it is right and refused, with its
counterexample, where one entry of its table is wrong."""

import json
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import paradsl
from conftest import para_cli
from paradsl.train import evaluate, loop, machine, tasks
from paradsl.train.intervals import interval_jaxpr
from paradsl.train.losses import cross_entropy
from paradsl.train.metrics import METRICS

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "examples" / "addition.para"
ADDITION = tasks.MACHINES["paradsl.train.tasks:addition"]


@pytest.fixture(scope="module")
def module():
    return paradsl.load(FILE)


def test_every_experiment_of_the_file_checks():
    result = para_cli("check", str(FILE), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    names = set(paradsl.experiments(FILE))
    assert {"add", "add_transformer", "add_long", "add_quick"} <= names
    long = paradsl.experiment(FILE, "add_long")
    assert long.verify == ("machine",)
    assert [(s.name, s.samples, s.chunk) for s in long.eval_sets][-1] == ("longest", 200, 10000)


def test_the_quick_experiment_runs_with_a_chunked_set_and_the_machine(tmp_path):
    out = tmp_path / "run"
    result = para_cli("run", str(FILE), "add_quick", "--steps", "20", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    evals = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert {e["eval"] for e in evals if "eval" in e} == {"in_dist", "streamed"}
    found = json.loads((out / "machine.json").read_text())
    assert found["verified"] in (True, False) and found["start"] in found["states"]
    assert "machine:" in result.stdout


def test_a_streamed_evaluation_equals_the_whole_one(module):
    model = module.Adder(d=16, k=4, beta=1.0, key=jax.random.key(3))
    xs, ts = tasks.addition(np.random.default_rng(0), 6, min_digits=36, max_digits=36)
    whole_out = jax.vmap(model)(jnp.asarray(xs))
    state = jax.vmap(lambda _: model.stream_start())(jnp.arange(6))
    parts = []
    for lo in range(0, xs.shape[1], 5):
        ys, state = jax.vmap(model.stream)(jnp.asarray(xs[:, lo:lo + 5]), state)
        parts.append(ys)
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole_out, rtol=1e-5, atol=1e-5)
    exp = paradsl.experiment(FILE, "add_long")
    measure = loop.metrics_of(exp.metrics, METRICS)
    whole = loop.make_measure(cross_entropy, measure)(model, jnp.asarray(xs), jnp.asarray(ts))
    streamed = evaluate.make_streamed(cross_entropy, measure, exp)(model, xs, ts, 5)
    assert set(whole) == set(streamed) == {"loss", "accuracy", "exact_match"}
    for k in whole:
        assert streamed[k] == pytest.approx(float(whole[k]), rel=1e-4, abs=1e-5), k


class HandMachine(eqx.Module):
    """A carry machine written out by hand, its states one-hot over two classes: right by
    construction, or with the output of one (state, digit pair) entry changed."""

    out: jax.Array
    to: jax.Array

    def __init__(self, wrong: tuple[int, int, int] | None = None):
        out = np.zeros((2, 10, 10, 10), np.float32)
        to = np.zeros((2, 10, 10, 2), np.float32)
        for c in range(2):
            for a in range(10):
                for b in range(10):
                    digit, carry = ADDITION.step(c, (a, b))
                    if wrong == (c, a, b):
                        digit = (digit + 1) % 10
                    out[c, a, b, digit] = 10.0
                    to[c, a, b, carry] = 1.0
        self.out, self.to = jnp.asarray(out), jnp.asarray(to)

    def stream_start(self):
        return jnp.array([1.0, 0.0])

    def stream(self, x, state):
        def step(s, x):
            return s[0] * self.to[0, x[0], x[1]] + s[1] * self.to[1, x[0], x[1]], \
                s[0] * self.out[0, x[0], x[1]] + s[1] * self.out[1, x[0], x[1]]

        state, ys = jax.lax.scan(step, state, x)
        return ys, state


def test_a_machine_built_to_be_right_is_verified_with_a_margin():
    v = machine.verify(HandMachine(), ADDITION)
    assert v.verified and v.counterexample is None
    assert v.states == [0, 1] and sorted(map(tuple, v.pairs)) == [(0, 0), (1, 1)]
    assert v.table[1][9 * 10 + 9] == [9, 1] and v.table[0][0] == [0, 0]
    assert v.margin is not None and v.margin < 1e-6 and v.logit_gap > 9


def test_a_wrong_table_entry_is_refused_with_its_counterexample():
    v = machine.verify(HandMachine(wrong=(1, 9, 9)), ADDITION)
    assert not v.verified
    c = v.counterexample
    assert c["inputs"][-1] == [9, 9] and c["state"] == 1 and c["expected"] == 9 and c["output"] == 0
    # the inputs before it lead the reference to a carry: their last one overflows
    carry = 0
    for a, b in c["inputs"][:-1]:
        _, carry = ADDITION.step(carry, (a, b))
    assert carry == 1


def test_interval_bounds_hold_every_point_of_the_box(module):
    model = module.Adder(d=16, k=4, beta=2.0, key=jax.random.key(1))
    symbols = jnp.asarray(np.array(ADDITION.symbols, np.int32))
    f = lambda s: machine._step_all(model, symbols, s)  # noqa: E731
    closed = jax.make_jaxpr(f)(jnp.zeros((100, 4), jnp.float32))
    lo = np.zeros((100, 4), np.float32)
    hi = np.full((100, 4), 0.2, np.float32)
    lo[:, 2], hi[:, 2] = 0.8, 1.0
    (ylo, yhi), (slo, shi) = interval_jaxpr(closed, (lo, hi))
    rng = np.random.default_rng(0)
    for _ in range(20):
        y, s = f(jnp.asarray(rng.uniform(lo, hi).astype(np.float32)))
        assert (np.asarray(y) >= np.asarray(ylo) - 1e-5).all() and (np.asarray(y) <= np.asarray(yhi) + 1e-5).all()
        assert (np.asarray(s) >= np.asarray(slo) - 1e-6).all() and (np.asarray(s) <= np.asarray(shi) + 1e-6).all()


def test_the_vectorised_carry_is_the_loop():
    rng = np.random.default_rng(0)
    for t in (1, 2, 7, 40):
        cols = np.where(rng.random((50, t)) < 0.4, 9, rng.integers(0, 19, (50, t)))
        cols[:, -1] = rng.integers(0, 9, 50)
        np.testing.assert_array_equal(tasks._carry_of_sum(cols), tasks._carry(cols))
