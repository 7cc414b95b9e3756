"""What a run prints (plain lines off a terminal, a rich bar on one, nothing with --quiet,
the final table), `para eval` on a checkpoint, and a model that draws random numbers."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

import paradsl
from paradsl.train import checkpoint, loop, runner
from paradsl.train.progress import Progress, final_table

sys.path.insert(0, str(Path(__file__).parent))
import run_fixtures as f


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_off_a_terminal():
    out = io.StringIO()
    with Progress(40, 0, stream=out) as p:
        for s in range(1, 41):
            p.step(s, 1.0 / s)
        p.evaluation(40, "long", {"accuracy": 0.5})
    lines = out.getvalue().splitlines()
    assert len(lines) == 21  # every twentieth of the run, and the evaluation
    assert lines[0].startswith("step 2/40  loss 0.5000  ") and lines[0].endswith(" left")
    assert lines[-1] == "eval long @ step 40: accuracy 0.5000"


def test_quiet_prints_nothing():
    out = _Terminal()
    with Progress(10, 0, quiet=True, stream=out) as p:
        p.step(10, 0.1)
        p.evaluation(10, "x", {"accuracy": 1.0})
    assert out.getvalue() == ""


def test_a_bar_on_a_terminal():
    out = _Terminal()
    with Progress(10, 0, stream=out) as p:
        for s in range(1, 11):
            p.step(s, 0.25)
    text = out.getvalue()
    assert "10/10" in text and "loss 0.2500" in text and "steps/s" in text


def test_the_final_table_has_every_metric_of_every_set():
    out = io.StringIO()
    final_table({"near": {"accuracy": 0.75, "loss": 0.5}, "far": {"accuracy": 0.25, "loss": 2.0}}, out)
    text = out.getvalue()
    for word in ("near", "far", "accuracy", "loss", "0.7500", "2.0000"):
        assert word in text


def test_para_eval_of_a_checkpoint(tmp_path, capsys):
    f.write_project(tmp_path)
    exp = f.experiment(tmp_path, steps=20, checkpoint_every=20, eval_every=20)
    mod = paradsl.load(tmp_path / "quadrant.para")
    opts = runner.Options(tmp_path / "run", quiet=True, losses=f.LOSSES, metrics=f.METRICS)
    assert runner.train(exp, mod, opts) == 0
    last = f.records(tmp_path / "run")[-2:]
    ckpt = tmp_path / "run" / "checkpoints" / checkpoint.name_of(20)
    capsys.readouterr()
    assert runner.evaluate(exp, mod, ckpt, opts) == 0
    table = capsys.readouterr().out
    for r in last:  # the same numbers the run logged at its last evaluation
        assert r["eval"] in table and f"{r['accuracy']:.4f}" in table
    ckpt.write_bytes(ckpt.read_bytes()[:100])
    assert runner.evaluate(exp, mod, ckpt, opts) == 1
    assert capsys.readouterr().err.startswith("para: error: checkpoint ")


DROPOUT = """\
import nn

para Noisy(d: Nat) : [2] -> [2]
  uses drop : Dropout(d, 0.5)
  = Linear(2, d) >> relu >> drop >> Linear(d, 2)
"""


def test_a_model_that_draws_gets_a_key_per_example(tmp_path):
    (tmp_path / "noisy.para").write_text(DROPOUT, encoding="utf-8")
    mod = paradsl.load(tmp_path / "noisy.para")
    model = mod.Noisy(d=64, key=jax.random.key(0))
    assert loop.is_stochastic(model) and not loop.is_stochastic(_quadrant())
    x = jax.numpy.ones((8, 2))
    a = loop.predict(model, x, jax.random.key(1))
    b = loop.predict(model, x, jax.random.key(1))
    c = loop.predict(model, x, jax.random.key(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a[0], a[1])  # each example its own draw
    np.testing.assert_array_equal(loop.predict(model, x, None)[0], loop.predict(model, x, None)[1])


def _quadrant():
    return paradsl.loads(f.MODEL, "quadrant.para").Quadrant(d=4, key=jax.random.key(0))


def test_the_default_registries_are_paradsl_trains(tmp_path):
    """Without registries given, the runner uses paradsl.train's losses and metrics, which
    agree with the hand-written ones of the fixtures on this experiment."""
    f.write_project(tmp_path)
    exp = f.experiment(tmp_path, steps=10, checkpoint_every=10, eval_every=10)
    mod = paradsl.load(tmp_path / "quadrant.para")
    assert runner.train(exp, mod, runner.Options(tmp_path / "a", quiet=True)) == 0
    assert runner.train(exp, mod, runner.Options(tmp_path / "b", quiet=True, losses=f.LOSSES,
                                                 metrics=f.METRICS)) == 0
    a, b = f.records(tmp_path / "a"), f.records(tmp_path / "b")
    assert [sorted(r) for r in a] == [sorted(r) for r in b]
    for ra, rb in zip(a, b, strict=True):
        for k in ra:
            if k != "eval":
                assert ra[k] == pytest.approx(rb[k], rel=1e-5, abs=1e-6)
