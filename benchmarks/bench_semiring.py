"""The min-plus matrix product against the real one, and the lowerings tried for it.

    python benchmarks/bench_semiring.py [--n N] [--repeats R] [--small]

`MinPlusProduct` (stdlib/graph.para, `sum[MinPlus] k. a[i, k] * b[k, j]`) is compiled as
every program is, and timed against `a @ b` (the real semiring's product, XLA's `dot`) on
the same inputs, jitted, called alternately. Peak memory is XLA's own account of the
compiled program (`memory_analysis()`): its temporary buffers besides the arguments and
the output, which must stay O(n^2), never the n^3 of the whole broadcast product.

Other lowerings of the same contraction are timed beside it, to record why the compiled
one is what it is:

* broadcast: `(a[:, :, None] + b[None]).min(1)` in one jitted expression (XLA fuses the
  broadcast into the reduction, so it does not materialise n^3 either);
* rows: `lax.map` over blocks of 64 rows, each block broadcast and reduced;
* last axis: the reduced axis innermost, `(a[:, None, :] + b.T[None]).min(-1)`;
* k-blocks (the compiled one): `lax.scan` over blocks of 64 of the reduced index, each
  block's broadcast-and-min fused and folded into the result with `minimum`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import paradsl

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "stdlib" / "graph.para"


def strategies(n: int) -> dict:
    def broadcast(a, b):
        return (a[:, :, None] + b[None]).min(1)

    def rows(a, b, bs=64):
        bs = min(bs, n)
        return jax.lax.map(lambda blk: (blk[:, :, None] + b[None]).min(1), a.reshape(n // bs, bs, n)).reshape(n, n)

    def last_axis(a, b):
        return (a[:, None, :] + b.T[None]).min(-1)

    return {"broadcast": broadcast, "rows": rows, "last axis": last_axis}


def temp_bytes(fn, *args) -> int:
    analysis = jax.jit(fn).lower(*args).compile().memory_analysis()
    return int(analysis.temp_size_in_bytes) if analysis is not None else -1


def timed(fn, args, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args).block_until_ready()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(n: int, repeats: int, others: bool) -> list[tuple[str, float, float, int]]:
    mod = paradsl.load(GRAPH)
    model = mod.MinPlusProduct(key=None)
    a = jax.random.normal(jax.random.key(0), (n, n))
    b = jax.random.normal(jax.random.key(1), (n, n))
    compiled = jax.jit(lambda x, y: model((x, y)))
    real = jax.jit(lambda x, y: x @ y)
    out = compiled(a, b)
    reference = np.min(np.asarray(a)[:, :, None] + np.asarray(b)[None], axis=1) if n <= 512 else None
    if reference is not None:
        np.testing.assert_allclose(out, reference, rtol=1e-6)
    real(a, b).block_until_ready()
    ratios, t_c, t_r = [], [], []
    for r in range(repeats):
        pair = [("compiled", compiled), ("real", real)][:: 1 if r % 2 == 0 else -1]
        got = {name: timed(f, (a, b), 1) for name, f in pair}
        ratios.append(got["compiled"] / got["real"])
        t_c.append(got["compiled"])
        t_r.append(got["real"])
    rows = [("real a @ b", statistics.median(t_r), 1.0, temp_bytes(lambda x, y: x @ y, a, b)),
            ("min-plus, compiled (k-blocks of 64)", statistics.median(t_c), statistics.median(ratios),
             temp_bytes(lambda x, y: model((x, y)), a, b))]
    if others:
        real_time = statistics.median(t_r)
        for name, f in strategies(n).items():
            jf = jax.jit(f)
            np.testing.assert_allclose(jf(a, b), out, rtol=1e-6)
            t = timed(jf, (a, b), max(2, repeats // 2))
            rows.append((f"min-plus, {name}", t, t / real_time, temp_bytes(f, a, b)))
    return rows


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--small", action="store_true", help="n = 128, for a smoke test")
    p.add_argument("--no-others", action="store_true", help="skip the alternative lowerings")
    args = p.parse_args(argv)
    n = 128 if args.small else args.n
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; n = {n}; output {n * n * 4} bytes")
    print(f"{'':40s} {'median':>10s} {'/ real':>8s} {'temp bytes':>12s}")
    for name, t, ratio, mem in run(n, args.repeats, not args.no_others):
        print(f"{name:40s} {t * 1e3:8.1f}ms {ratio:8.2f} {mem:12d}")


if __name__ == "__main__":
    main()
