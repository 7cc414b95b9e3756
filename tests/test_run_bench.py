"""benchmarks/bench_run_step.py at tiny sizes: the step `para run` builds and the
hand-written optax + Equinox step compute the same losses and parameters (no timing here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import equinox as eqx
import jax
import numpy as np

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_run_step.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run_step", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run_step"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_the_two_steps_agree():
    b = _bench()
    model, xs, ys, ours, hand, tx, ref_tx = b.build(**b.SMALL)
    params = eqx.filter(model, eqx.is_array)
    m1, _, l1 = b.run_steps(ours, model, tx.init(params), xs, ys, 4)
    m2, _, l2 = b.run_steps(hand, model, ref_tx.init(params), xs, ys, 4)
    np.testing.assert_allclose(float(l1), float(l2), rtol=1e-5)
    for a, c in zip(jax.tree_util.tree_leaves(eqx.filter(m1, eqx.is_array)),
                    jax.tree_util.tree_leaves(eqx.filter(m2, eqx.is_array)), strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
    moved = jax.tree_util.tree_leaves(eqx.filter(model, eqx.is_array))
    assert not all(np.allclose(a, c) for a, c in zip(moved, jax.tree_util.tree_leaves(eqx.filter(m1, eqx.is_array))))
