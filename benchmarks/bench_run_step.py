"""The training step `para run` builds, against a hand-written optax + Equinox loop of the
same model and batch, side by side in one process.

    python benchmarks/bench_run_step.py [--steps 200] [--rounds 7] [--batch 64]

The model is `Classifier(d_in, d_hidden, n_classes)` of examples/mlp.para, the loss the mean
cross-entropy over the batch, the optimiser Adam with global-norm clipping. `para run`'s
step is `paradsl.train.loop.make_step` (vmap of the model over the batch, the experiment's
loss, `eqx.filter_value_and_grad`, the optax update, one `eqx.filter_jit`); the hand-written
one is the loop a user would write with `jax.jit`. Each round times `--steps` steps of one,
then of the other (the order alternating between rounds), blocking on the result; the
figure is the median time per step of each and their ratio (target: at most 1.05).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

import paradsl
from paradsl.ir.experiment import LossTerm, Optimiser
from paradsl.train import loop, optim

FULL = {"d_in": 32, "d_hidden": 256, "n_classes": 10, "batch": 64}
SMALL = {"d_in": 4, "d_hidden": 8, "n_classes": 3, "batch": 5}


def cross_entropy(prediction, target):
    return -jax.nn.log_softmax(prediction)[target]


def build(d_in: int, d_hidden: int, n_classes: int, batch: int, seed: int = 0):
    """(model, inputs, targets, para run's step, the hand-written step, the optimiser)."""
    mod = paradsl.load(ROOT / "examples" / "mlp.para")
    model = mod.Classifier(d_in=d_in, d_hidden=d_hidden, n_classes=n_classes, key=jax.random.key(seed))
    kx, ky = jax.random.split(jax.random.key(seed + 1))
    xs = jax.random.normal(kx, (batch, d_in))
    ys = jax.random.randint(ky, (batch,), 0, n_classes)
    spec = Optimiser("adam", (("lr", 1e-3), ("clip", 1.0)))
    tx = optim.build(spec, 1000)
    ours = loop.make_step(loop.loss_of((LossTerm("cross_entropy"),), {"cross_entropy": cross_entropy}), tx, False)

    ref_tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))

    @eqx.filter_jit
    def hand(m, s, x, y, key):
        def loss_fn(m):
            logits = jax.vmap(m)(x)
            return jnp.mean(-jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

        value, g = eqx.filter_value_and_grad(loss_fn)(m)
        u, s = ref_tx.update(g, s, eqx.filter(m, eqx.is_array))
        return eqx.apply_updates(m, u), s, value

    return model, xs, ys, ours, hand, tx, ref_tx


def run_steps(step, model, state, xs, ys, n: int):
    key = jax.random.key(0)
    for _ in range(n):
        model, state, value = step(model, state, xs, ys, key)
    jax.block_until_ready(value)
    return model, state, value


def measure(steps: int, rounds: int, **sizes) -> tuple[float, float]:
    """Median seconds per step of para run's step and of the hand-written one."""
    model, xs, ys, ours, hand, tx, ref_tx = build(**sizes)
    states = {"ours": tx.init(eqx.filter(model, eqx.is_array)), "hand": ref_tx.init(eqx.filter(model, eqx.is_array))}
    steps_of = {"ours": ours, "hand": hand}
    for name, step in steps_of.items():  # compile both first
        run_steps(step, model, states[name], xs, ys, 3)
    times: dict[str, list[float]] = {"ours": [], "hand": []}
    for r in range(rounds):
        for name in ("ours", "hand") if r % 2 == 0 else ("hand", "ours"):
            t0 = time.perf_counter()
            run_steps(steps_of[name], model, states[name], xs, ys, steps)
            times[name].append((time.perf_counter() - t0) / steps)
    return statistics.median(times["ours"]), statistics.median(times["hand"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--batch", type=int, default=FULL["batch"])
    args = ap.parse_args()
    sizes = {**FULL, "batch": args.batch}
    ours, hand = measure(args.steps, args.rounds, **sizes)
    print(f"model Classifier(d_in={sizes['d_in']}, d_hidden={sizes['d_hidden']}, n_classes={sizes['n_classes']}), "
          f"batch {sizes['batch']}, {args.steps} steps x {args.rounds} rounds")
    print(f"para run step     {ours * 1e6:9.1f} us/step")
    print(f"hand-written step {hand * 1e6:9.1f} us/step")
    print(f"ratio             {ours / hand:9.3f}  (target <= 1.05)")


if __name__ == "__main__":
    main()
