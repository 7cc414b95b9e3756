"""Folds: compile time against sequence length, and the associative scan against the
sequential one.

    python benchmarks/bench_folds.py [--repeats N] [--long T] [--small]

1. Trace + compile time. A GRU fold (stdlib/rnn.para, `fold GRU over t`) lowers to one
   `jax.lax.scan`, so tracing and compiling it should not depend on the sequence length.
   For lengths 10 and 10,000 (alternating, each round a fresh `jax.jit` of a fresh
   closure, so nothing is cached), the time of `jit(f).lower(x).compile()` is measured and
   the median ratio long/short printed.
2. Run time. The diagonal linear recurrence folded as a monoid with
   `jax.lax.associative_scan` (O(log t) depth, `fold DiagonalRecurrence over t`) against
   the same recurrence as a list algebra folded with `jax.lax.scan` (`fold DiagonalCell
   over t`): same weights, outputs compared first, then jitted calls timed alternately.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import paradsl

ROOT = Path(__file__).resolve().parent.parent
RNN = ROOT / "stdlib" / "rnn.para"

DEFAULT = dict(d_in=32, d_h=64, short=10, long=10_000, rec_len=100_000, rec_d=64, batch=8)
SMALL = dict(d_in=3, d_h=4, short=10, long=200, rec_len=64, rec_d=4, batch=2)


def compile_seconds(model, x) -> float:
    """Trace and compile a fresh jit of `model` at the input's shape."""
    fn = jax.jit(lambda m, v: m(v))  # a new function object: no cached trace
    start = time.perf_counter()
    fn.lower(model, x).compile()
    return time.perf_counter() - start


def trace_compile(d_in: int, d_h: int, short: int, long: int, repeats: int) -> dict:
    mod = paradsl.load(RNN)
    model = mod.GRURNN(d_in, d_h, key=jax.random.key(0))
    xs = {n: jnp.ones((n, d_in)) for n in (short, long)}
    times: dict[int, list[float]] = {short: [], long: []}
    ratios = []
    for r in range(repeats):
        order = (short, long) if r % 2 == 0 else (long, short)
        got = {n: compile_seconds(model, xs[n]) for n in order}
        for n, s in got.items():
            times[n].append(s)
        ratios.append(got[long] / got[short])
    return {"short": statistics.median(times[short]), "long": statistics.median(times[long]),
            "ratio": statistics.median(ratios)}


def build_recurrences(d_in: int, d: int):
    mod = paradsl.load(RNN)
    key = jax.random.key(1)
    par = mod.LinearRecurrence(d_in, d, key=key)
    seq = mod.LinearRecurrenceSequential(d_in, d, key=key)
    mon = par.diagonal_recurrence_0
    seq = eqx.tree_at(lambda s: (s.diagonal_cell_0.lam, s.diagonal_cell_0.B), seq, (mon.lam, mon.B))
    return par, seq


def recurrence(d_in: int, rec_len: int, rec_d: int, batch: int, repeats: int) -> dict:
    par, seq = build_recurrences(d_in, rec_d)
    xs = jax.random.normal(jax.random.key(2), (batch, rec_len, d_in))
    f_par = jax.jit(jax.vmap(par))
    f_seq = jax.jit(jax.vmap(seq))
    a, b = f_par(xs), f_seq(xs)
    err = float(jnp.max(jnp.abs(a - b)))
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    times = {"assoc": [], "seq": []}
    ratios = []
    for r in range(repeats):
        order = (("assoc", f_par), ("seq", f_seq)) if r % 2 == 0 else (("seq", f_seq), ("assoc", f_par))
        got = {}
        for name, f in order:
            start = time.perf_counter()
            f(xs).block_until_ready()
            got[name] = time.perf_counter() - start
            times[name].append(got[name])
        ratios.append(got["assoc"] / got["seq"])
    return {"assoc": statistics.median(times["assoc"]), "seq": statistics.median(times["seq"]),
            "ratio": statistics.median(ratios), "max_error": err}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--long", type=int, default=None, help="the long sequence length for the compile-time comparison")
    p.add_argument("--small", action="store_true", help="tiny sizes, for a smoke test")
    args = p.parse_args(argv)
    sizes = dict(SMALL if args.small else DEFAULT)
    if args.long:
        sizes["long"] = args.long
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}")
    tc = trace_compile(sizes["d_in"], sizes["d_h"], sizes["short"], sizes["long"], args.repeats)
    print(f"GRU fold, trace+compile:  length {sizes['short']}: {tc['short'] * 1e3:.1f} ms   "
          f"length {sizes['long']}: {tc['long'] * 1e3:.1f} ms   ratio {tc['ratio']:.3f}  (target <= 1.3)")
    rc = recurrence(sizes["d_in"], sizes["rec_len"], sizes["rec_d"], sizes["batch"], args.repeats)
    print(f"diagonal recurrence, batch {sizes['batch']} x length {sizes['rec_len']} x {sizes['rec_d']}:  "
          f"associative_scan {rc['assoc'] * 1e3:.1f} ms   lax.scan {rc['seq'] * 1e3:.1f} ms   "
          f"ratio assoc/seq {rc['ratio']:.3f}   max |difference| {rc['max_error']:.1e}")


if __name__ == "__main__":
    main()
