"""Small experiments built in Python for the runner's tests: a two-layer classifier of the
sign of x0 * x1, a task generator of it, and jnp losses and metrics of one example."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from paradsl.ir.experiment import (
    EvalSet,
    Experiment,
    LossTerm,
    MetricRef,
    Optimiser,
    TaskCall,
)
from paradsl.types.sizes import Poly
from paradsl.types.types import FixedAxis, TensorType

MODEL = """\
import nn

para Quadrant(d: Nat) : [2] -> [2]
  = Linear(2, d) >> relu >> Linear(d, 2)
"""

TASK = '''\
import numpy as np


def quadrant(rng, batch, *, scale=1.0):
    x = rng.uniform(-scale, scale, size=(batch, 2)).astype(np.float32)
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.int32)


CALLS = [0]


def blows_up(rng, batch, *, after=25):
    """quadrant's data, then from call `after` + 1 on an input of inf: the loss is NaN."""
    CALLS[0] += 1
    x, y = quadrant(rng, batch)
    return (x * np.float32("inf") if CALLS[0] > after else x), y
'''


def cross_entropy(prediction, target):
    return -jax.nn.log_softmax(prediction)[target]


def accuracy(prediction, target):
    return (jnp.argmax(prediction) == target).astype(jnp.float32)


LOSSES = {"cross_entropy": cross_entropy}
METRICS = {"accuracy": accuracy}


def write_project(folder: Path) -> Path:
    (folder / "quadrant.para").write_text(MODEL, encoding="utf-8")
    (folder / "quadtask.py").write_text(TASK, encoding="utf-8")
    return folder / "quadrant.para"


def call(target: str = "quadtask:quadrant", **args) -> TaskCall:
    return TaskCall("Quadrant", target, tuple(args.items()),
                    TensorType((FixedAxis(Poly.const(2)),), "f32"), TensorType((), "i32"))


def experiment(folder: Path, *, steps: int = 60, lr: float = 0.05, target: str = "quadtask:quadrant",
               task_args: dict | None = None, checkpoint_every: int = 20, eval_every: int = 30) -> Experiment:
    return Experiment(
        name="Quad", file=str(folder / "quadrant.para"), model="Quadrant", hypers=(("d", 16),),
        task=call(target, **(task_args or {})), loss=(LossTerm("cross_entropy"),),
        metrics=(MetricRef("accuracy", None, "accuracy"),),
        optimiser=Optimiser("adam", (("lr", lr), ("clip", 1.0))), steps=steps, batch=32, seed=0,
        eval_every=eval_every,
        eval_sets=(EvalSet("near", call(scale=1.0), 64), EvalSet("far", call(scale=3.0), 64)),
        checkpoint_every=checkpoint_every,
    )


def run_script(folder: Path, out: Path, *, resume: bool = False, steps: int = 60, extra: str = "",
               lr: float = 0.05, target: str = "quadtask:quadrant", task_args: dict | None = None) -> str:
    """A Python script that trains the experiment into `out` with `runner.train` and exits
    with its status, for the tests that run it in a subprocess."""
    return textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import paradsl, run_fixtures as f
        from paradsl.train import runner
        folder = Path({str(folder)!r})
        exp = f.experiment(folder, steps={steps}, lr={lr}, target={target!r}, task_args={task_args!r})
        mod = paradsl.load(folder / "quadrant.para")
        {extra}
        sys.exit(runner.train(exp, mod, runner.Options(Path({str(out)!r}), resume={resume}, quiet=False,
                               losses=f.LOSSES, metrics=f.METRICS)))
    """)


def run(script: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True,
                          timeout=120, **kw)


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def leaves(path: Path, folder: Path) -> list[np.ndarray]:
    import equinox as eqx

    import paradsl

    mod = paradsl.load(folder / "quadrant.para")
    like = mod.Quadrant(d=16, key=jax.random.key(0))
    model = eqx.tree_deserialise_leaves(path, like)
    return [np.asarray(x) for x in jax.tree_util.tree_leaves(eqx.filter(model, eqx.is_array))]
