"""Compiled ParaDSL models against hand-written Equinox: forward + backward, side by side.

    python benchmarks/bench_models.py [--repeats N] [--batch B] [--small]

Two architectures, each built twice with the same weights:

* `MLP` from stdlib/nn.para (Linear >> relu >> Linear) against `eqx.nn.Linear` layers;
* `ResMLP4` from examples/mlp.para (four blocks x + MLP(LayerNorm(x))) against a
  hand-written `eqx.Module` of `eqx.nn.LayerNorm` and `eqx.nn.Linear`.

Both sides run the same jitted step, the value and gradient of a mean-square loss of the
model mapped over a batch with `jax.vmap`. Outputs and gradients are compared before any
timing. Timings are taken in one process, the two implementations alternating call by
call (the order flipping each round), and reported as medians with the median of the
per-round ratios compiled/hand-written.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import paradsl

ROOT = Path(__file__).resolve().parent.parent
STDLIB_NN = ROOT / "stdlib" / "nn.para"
EXAMPLE_MLP = ROOT / "examples" / "mlp.para"
EXAMPLE_TYING = ROOT / "examples" / "tying.para"

#: Sizes of the reported run; `SMALL` is what the smoke test uses.
DEFAULT = dict(d_in=256, d_hidden=1024, d_out=256, d=256, batch=128)
SMALL = dict(d_in=8, d_hidden=16, d_out=4, d=8, batch=4)


# ---------------------------------------------------------------- hand-written Equinox


class HandMLP(eqx.Module):
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear

    def __call__(self, x):
        return self.l2(jax.nn.relu(self.l1(x)))


class HandResBlock(eqx.Module):
    norm: eqx.nn.LayerNorm
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear

    def __call__(self, x):
        return x + self.l2(jax.nn.relu(self.l1(self.norm(x))))


class HandResMLP4(eqx.Module):
    blocks: tuple[HandResBlock, ...]

    def __call__(self, x):
        for b in self.blocks:
            x = b(x)
        return x


class HandTiedAutoencoder(eqx.Module):
    """The tied autoencoder as one would write it: the decoder reads the encoder's weight."""

    enc: eqx.nn.Linear
    dec_bias: jax.Array

    def __call__(self, x):
        return self.enc.weight.T @ jnp.tanh(self.enc(x)) + self.dec_bias


def _linear(lin) -> eqx.nn.Linear:
    """An `eqx.nn.Linear` holding a compiled `Linear`'s weights (W is [in, out] there)."""
    i, o = lin.W.shape
    ref = eqx.nn.Linear(i, o, key=jax.random.key(0))
    ref = eqx.tree_at(lambda r: r.weight, ref, jnp.asarray(lin.W.T))
    return eqx.tree_at(lambda r: r.bias, ref, lin.b)


def _layernorm(ln) -> eqx.nn.LayerNorm:
    ref = eqx.nn.LayerNorm(ln.d, eps=ln.eps)
    ref = eqx.tree_at(lambda r: r.weight, ref, ln.gamma)
    return eqx.tree_at(lambda r: r.bias, ref, ln.beta)


def hand_mlp(m) -> HandMLP:
    return HandMLP(_linear(m.linear_0), _linear(m.linear_1))


def hand_resmlp4(m) -> HandResMLP4:
    blocks = tuple(HandResBlock(_layernorm(b.norm), _linear(b.ff.linear_0), _linear(b.ff.linear_1))
                   for b in (m.b1, m.b2, m.b3, m.b4))
    return HandResMLP4(blocks)


def hand_tied(m) -> HandTiedAutoencoder:
    return HandTiedAutoencoder(_linear(m.enc), m.dec.b)


def randomise(m, seed: int):
    """Random values in every array leaf, so zero or one initialised vectors are exercised too."""
    rng = np.random.default_rng(seed)
    leaves, treedef = jax.tree_util.tree_flatten(eqx.filter(m, eqx.is_array))
    new = [jnp.asarray(rng.normal(float(leaf.ndim == 1), 0.1, leaf.shape), leaf.dtype) for leaf in leaves]
    return eqx.combine(jax.tree_util.tree_unflatten(treedef, new), m)


# ---------------------------------------------------------------- the step that is timed


def loss(model, xs):
    return jnp.mean(jax.vmap(model)(xs) ** 2)


step = eqx.filter_jit(eqx.filter_value_and_grad(loss))


@dataclass
class Case:
    name: str
    compiled: eqx.Module
    hand: eqx.Module
    xs: jax.Array
    #: Pairs (compiled gradient leaf, hand-written gradient leaf) to compare.
    grad_pairs: object


def _mlp_grads(gc, gh):
    return [(gc.linear_0.W, gh.l1.weight.T), (gc.linear_0.b, gh.l1.bias),
            (gc.linear_1.W, gh.l2.weight.T), (gc.linear_1.b, gh.l2.bias)]


def _res_grads(gc, gh):
    out = []
    for bc, bh in zip((gc.b1, gc.b2, gc.b3, gc.b4), gh.blocks):
        out += [(bc.norm.gamma, bh.norm.weight), (bc.norm.beta, bh.norm.bias)]
        out += _mlp_grads(bc.ff, HandMLP(bh.l1, bh.l2))
    return out


def _tied_grads(gc, gh):
    return [(gc.enc.W, gh.enc.weight.T), (gc.enc.b, gh.enc.bias), (gc.dec.b, gh.dec_bias)]


def build_cases(d_in, d_hidden, d_out, d, batch, seed=0) -> list[Case]:
    nn = paradsl.load(STDLIB_NN)
    ex = paradsl.load(EXAMPLE_MLP)
    tying = paradsl.load(EXAMPLE_TYING)
    k = jax.random.split(jax.random.key(seed), 3)
    tied = randomise(tying.TiedAutoencoder(d=d_in, k=d_hidden, key=k[2]), seed + 4)
    mlp = randomise(nn.MLP(d_in=d_in, d_hidden=d_hidden, d_out=d_out, key=k[0]), seed + 1)
    res = randomise(ex.ResMLP4(d=d, d_hidden=d_hidden, key=k[1]), seed + 2)
    rng = np.random.default_rng(seed + 3)
    xs_mlp = jnp.asarray(rng.normal(size=(batch, d_in)), jnp.float32)
    xs_res = jnp.asarray(rng.normal(size=(batch, d)), jnp.float32)
    return [
        Case(f"MLP {d_in}-{d_hidden}-{d_out}", mlp, hand_mlp(mlp), xs_mlp, _mlp_grads),
        Case(f"ResMLP4 d={d} h={d_hidden}", res, hand_resmlp4(res), xs_res, _res_grads),
        # Q only is stored: dec.W is computed by `untie` inside the call, as a transpose.
        Case(f"TiedAutoencoder d={d_in} k={d_hidden}", tied, hand_tied(tied), xs_mlp, _tied_grads),
    ]


def check_agreement(case: Case, rtol=2e-4, atol=2e-5) -> float:
    """Assert that outputs, loss and gradients agree; returns the largest absolute difference."""
    yc = jax.jit(jax.vmap(case.compiled))(case.xs)
    yh = jax.jit(jax.vmap(case.hand))(case.xs)
    np.testing.assert_allclose(yc, yh, rtol=rtol, atol=atol)
    (lc, gc), (lh, gh) = step(case.compiled, case.xs), step(case.hand, case.xs)
    np.testing.assert_allclose(lc, lh, rtol=rtol, atol=atol)
    worst = float(jnp.max(jnp.abs(yc - yh)))
    for a, b in case.grad_pairs(gc, gh):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
        worst = max(worst, float(jnp.max(jnp.abs(a - b))))
    return worst


def hlo_ops(model, xs) -> dict[str, int]:
    """Counts of the main instructions in the optimised XLA program of `step`."""
    import collections
    import re

    dyn, static = eqx.partition(model, eqx.is_array)
    fn = jax.jit(lambda d, x: eqx.filter_value_and_grad(loss)(eqx.combine(d, static), x))
    text = fn.lower(dyn, xs).compile().as_text()
    found = re.findall(r"= \S+ (dot|fusion|transpose|copy|reduce)\(", text)
    return dict(sorted(collections.Counter(found).items()))


def _once(model, xs) -> float:
    t = time.perf_counter()
    jax.block_until_ready(step(model, xs))
    return time.perf_counter() - t


def time_case(case: Case, repeats: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        _once(case.compiled, case.xs)
        _once(case.hand, case.xs)
    tc, th, ratios = [], [], []
    for r in range(repeats):
        if r % 2:
            h = _once(case.hand, case.xs)
            c = _once(case.compiled, case.xs)
        else:
            c = _once(case.compiled, case.xs)
            h = _once(case.hand, case.xs)
        tc.append(c)
        th.append(h)
        ratios.append(c / h)
    return dict(name=case.name, compiled=statistics.median(tc), hand=statistics.median(th),
                ratio=statistics.median(ratios), ratio_of_medians=statistics.median(tc) / statistics.median(th),
                repeats=repeats)


def run(repeats: int = 200, sizes: dict | None = None) -> list[dict]:
    sizes = dict(DEFAULT if sizes is None else sizes)
    results = []
    for case in build_cases(**sizes):
        diff = check_agreement(case)
        res = time_case(case, repeats)
        res["max_abs_diff"] = diff
        res["hlo"] = (hlo_ops(case.compiled, case.xs), hlo_ops(case.hand, case.xs))
        results.append(res)
    return results


def print_table(results: list[dict]) -> None:
    head = (f"{'model':<26}{'compiled ms':>13}{'hand-written ms':>17}{'median ratio':>14}"
            f"{'ratio of medians':>18}{'max |diff|':>12}")
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['name']:<26}{1e3 * r['compiled']:>13.3f}{1e3 * r['hand']:>17.3f}"
              f"{r['ratio']:>14.3f}{r['ratio_of_medians']:>18.3f}{r['max_abs_diff']:>12.1e}")
    for r in results:
        if "hlo" in r:
            ours, theirs = r["hlo"]
            dots = "same dots" if ours.get("dot") == theirs.get("dot") else "different dots"
            print(f"XLA ops, {r['name']}: compiled {ours}, hand-written {theirs} ({dots})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--batch", type=int, default=DEFAULT["batch"])
    ap.add_argument("--small", action="store_true", help="tiny sizes (a smoke run)")
    args = ap.parse_args(argv)
    sizes = dict(SMALL if args.small else DEFAULT)
    if not args.small:
        sizes["batch"] = args.batch
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, equinox {eqx.__version__}; "
          f"forward+backward, batch {sizes['batch']} via jax.vmap, {args.repeats} interleaved repeats")
    print_table(run(args.repeats, sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
