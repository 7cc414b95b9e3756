"""Trace and compile time of a deep Transformer encoder from `repeat`, against its depth.

    python benchmarks/bench_repeat.py [--depths 4,64] [--runs 3]

The stdlib's `TransformerEncoder(d, h, k, f, depth)` (stdlib/models.para) stacks `depth`
copies of `TransformerBlock` and applies them by one `lax.scan`, so `jax.jit`'s trace and
compile should not grow with the depth. For contrast, the same stacked copies applied by an
unrolled Python loop, the way one writes a deep model without a scan, whose trace and
compile grow with it. Each time is `jax.jit(f).lower(m, x).compile()`, median of `--runs`,
and the ratios printed are the deepest's over the shallowest's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import equinox as eqx  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import paradsl  # noqa: E402

D, H, K, F, N = 64, 4, 16, 128, 32


def _unrolled(m, x):
    """The copies one by one in a Python loop: `depth` blocks traced and compiled."""
    arrays, static = eqx.partition(m.layers, eqx.is_array)
    depth = jax.tree_util.tree_leaves(arrays)[0].shape[0]
    for i in range(depth):
        x = eqx.combine(jax.tree.map(lambda a, i=i: a[i], arrays), static)(x)
    return m.norm(x)


def _compile_time(f, m, x, runs: int) -> float:
    times = []
    for _ in range(runs):
        jax.clear_caches()
        t0 = time.perf_counter()
        jax.jit(f).lower(m, x).compile()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="4,64")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    depths = [int(s) for s in args.depths.split(",")]
    models = paradsl.load(ROOT / "stdlib" / "models.para")
    x = jnp.zeros((N, D))
    rows = {}
    for depth in depths:
        m = models.TransformerEncoder(D, H, K, F, depth, key=jax.random.key(0))
        rows[depth] = (_compile_time(lambda m, x: m(x), m, x, args.runs),
                       _compile_time(_unrolled, m, x, args.runs))
        print(f"depth {depth:4d}: repeat (one scan) {rows[depth][0]:7.3f} s   unrolled loop {rows[depth][1]:7.3f} s")
    lo, hi = min(depths), max(depths)
    print(f"ratio depth {hi} / depth {lo}: repeat {rows[hi][0] / rows[lo][0]:.2f}   "
          f"unrolled {rows[hi][1] / rows[lo][1]:.2f}")


if __name__ == "__main__":
    main()
