"""`CircConv` as compiled against a circular convolution written by hand, and the dense form.

    python benchmarks/bench_circconv.py [--c C] [--k K] [--batch B] [--repeats R] [--small]

`CircConv(k)` (stdlib/nn.para, `Dense(c) via Circulant(k)`) is compiled as every program is:
its weight is a circulant 2-cell, so its `__call__` is a circular convolution of its kernel
(`paradsl.runtime.circular_convolution`, c*k operations). Beside it, with the same kernel and
input, each jitted:

* roll: the convolution written by hand, `sum(w[j] * jnp.roll(x, -j) for j in range(k))`;
* conv: `lax.conv_general_dilated` on the input padded by wrapping round;
* dense: the c x c circulant matrix built from the kernel on every call and multiplied, as
  `__call__` was compiled before (`W = where(d < k, w[d], 0)` at `d = (a - b) mod c`, then
  `einsum('a,ab->b', x, W)`).

The outputs are compared first, the module's own dense form `untie(x).forward(x)` among them
(the folded circulant: c*c*k work, compared but not timed). Then, after warm-up, each round
calls the four in a shuffled order, each timed to `jax.block_until_ready` just after an
untimed call of itself; the medians and the median of the per-round ratios to roll are
printed, for one example and for a batch (`jax.vmap`). Target: compiled within 2x of roll
at c = 2048, k = 5.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import paradsl

ROOT = Path(__file__).resolve().parent.parent
NN = ROOT / "stdlib" / "nn.para"

DEFAULT = dict(c=2048, k=5, batch=64)
SMALL = dict(c=16, k=3, batch=2)


def by_roll(w, x):
    """y[b] = sum_j w[j] x[(b + j) mod c]."""
    return sum(w[j] * jnp.roll(x, -j) for j in range(w.shape[0]))


def by_conv(w, x):
    """The same, as XLA's convolution of the input wrapped round by k - 1 (a cross-correlation)."""
    c, k = x.shape[0], w.shape[0]
    padded = jnp.take(x, np.arange(c + k - 1) % c)
    return jax.lax.conv_general_dilated(padded[None, None], w[None, None], (1,), "VALID")[0, 0]


def by_dense(w, x):
    """The circulant matrix built and multiplied, as the compiled module did before."""
    c, k = x.shape[0], w.shape[0]
    d = (jnp.arange(c)[:, None] - jnp.arange(c)) % c
    W = jnp.where(d < k, w.at[d].get(mode="fill", fill_value=0), 0.0)
    return jnp.einsum("a,ab->b", x, W)


def build(c: int, k: int):
    """The four implementations as functions of one input, sharing the module's kernel, and
    the module."""
    module = paradsl.load(NN)
    m = module.CircConv(k, key=jax.random.key(0))
    w = m.dense_0_w
    fns = {
        "compiled": lambda x: m(x),
        "roll": lambda x: by_roll(w, x),
        "conv": lambda x: by_conv(w, x),
        "dense": lambda x: by_dense(w, x),
    }
    return fns, m


def agreement(fns: dict, x) -> float:
    """The largest difference from roll; fails unless all agree."""
    want = fns["roll"](x)
    worst = 0.0
    for name, f in fns.items():
        got = f(x)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=name)
        worst = max(worst, float(jnp.max(jnp.abs(got - want))))
    return worst


def time_all(fns: dict, x, repeats: int, warmup: int = 3, seed: int = 0) -> dict:
    """Median seconds of each jitted function, and the median of its per-round ratio to roll.
    Each round takes the functions in a shuffled order and times each call after an untimed
    one of the same function, so that no function is timed just after another's (the dense
    form's tens of milliseconds leave the next call slower, whichever it is)."""
    jitted = {n: jax.jit(f) for n, f in fns.items()}
    for f in jitted.values():
        for _ in range(warmup):
            f(x).block_until_ready()
    order = random.Random(seed)
    names = list(jitted)
    times: dict[str, list[float]] = {n: [] for n in names}
    ratios: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(repeats):
        got = {}
        for n in order.sample(names, len(names)):
            jitted[n](x).block_until_ready()
            start = time.perf_counter()
            jitted[n](x).block_until_ready()
            got[n] = time.perf_counter() - start
            times[n].append(got[n])
        for n in names:
            ratios[n].append(got[n] / got["roll"])
    return {n: {"median": statistics.median(times[n]), "ratio": statistics.median(ratios[n])} for n in names}


def print_table(title: str, rows: dict) -> None:
    print(title)
    print(f"  {'implementation':<14} {'median':>12} {'/ roll':>8}")
    for n, r in rows.items():
        print(f"  {n:<14} {r['median'] * 1e6:>9.1f} us {r['ratio']:>8.3f}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--c", type=int, default=None, help="the ring's size")
    p.add_argument("--k", type=int, default=None, help="the kernel's width")
    p.add_argument("--batch", type=int, default=None, help="the batch of the vmapped comparison")
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--small", action="store_true", help="tiny sizes, for a smoke test")
    args = p.parse_args(argv)
    sizes = dict(SMALL if args.small else DEFAULT)
    sizes.update({n: getattr(args, n) for n in ("c", "k", "batch") if getattr(args, n) is not None})
    c, k, batch = sizes["c"], sizes["k"], sizes["batch"]
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; CircConv c={c} k={k}, {args.repeats} rounds")
    fns, m = build(c, k)
    x = jax.random.normal(jax.random.key(1), (c,))
    xs = jax.random.normal(jax.random.key(2), (batch, c))
    untied = {**fns, "untie(x).forward(x)": lambda v: m.untie(v).forward(v)}
    err = max(agreement(untied, x), agreement({n: jax.vmap(f) for n, f in fns.items()}, xs))
    print(f"largest difference from roll: {err:.1e}")
    print_table("one example [c]", time_all(fns, x, args.repeats))
    print_table(f"a batch [{batch}, c] (jax.vmap)", time_all({n: jax.vmap(f) for n, f in fns.items()}, xs,
                                                               args.repeats))


if __name__ == "__main__":
    main()
