"""The benchmarks run, at tiny sizes, and the implementations they compare agree.

No timing is asserted here; `python benchmarks/bench_*.py` measures.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _import(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bench_models():
    return _import("bench_models")


@pytest.fixture(scope="module")
def bench_check():
    return _import("bench_check")


@pytest.fixture(scope="module")
def cases(bench_models):
    return bench_models.build_cases(**bench_models.SMALL)


def test_model_cases_agree(bench_models, cases):
    assert [c.name.split()[0] for c in cases] == ["MLP", "ResMLP4", "TiedAutoencoder"]
    for case in cases:
        assert bench_models.check_agreement(case) < 1e-4


def test_model_gradients_cover_every_parameter(bench_models, cases):
    import equinox as eqx
    import jax

    for case in cases:
        (_, gc), (_, gh) = bench_models.step(case.compiled, case.xs), bench_models.step(case.hand, case.xs)
        pairs = case.grad_pairs(gc, gh)
        assert len(pairs) == len(jax.tree_util.tree_leaves(eqx.filter(case.compiled, eqx.is_array)))
        for a, b in pairs:
            np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_model_xla_programs_match(bench_models, cases):
    for case in cases:
        ours, theirs = bench_models.hlo_ops(case.compiled, case.xs), bench_models.hlo_ops(case.hand, case.xs)
        assert ours.get("dot") == theirs.get("dot") > 0


def test_model_timing_runs(bench_models, cases, capsys):
    results = [bench_models.time_case(c, repeats=2, warmup=1) for c in cases]
    assert [r["name"] for r in results] == [c.name for c in cases]  # one row per case, in order
    for r in results:
        assert r["repeats"] == 2
        r["max_abs_diff"] = 0.0
    bench_models.print_table(results)
    out = capsys.readouterr().out.splitlines()
    # Each case's row shows its own numbers, in the columns the header names.
    for r in results:
        (row,) = [line for line in out if line.startswith(r["name"])]
        ms_c, ms_h, ratio, of_medians = (float(v) for v in row[len(r["name"]):].split()[:4])
        assert ms_c == pytest.approx(1e3 * r["compiled"], abs=1e-3)
        assert ms_h == pytest.approx(1e3 * r["hand"], abs=1e-3)
        assert ratio == pytest.approx(r["ratio"], abs=1e-3)
        assert of_medians == pytest.approx(r["ratio_of_medians"], abs=1e-3)


def test_generated_programs_check(bench_check, tmp_path):
    for n in (60, 150):
        text = bench_check.generate(n)
        assert text.count("\n") >= n
        bench_check.check_file(bench_check._write(tmp_path, text, f"g{n}.para"))


def test_scaling_rows(bench_check, tmp_path):
    rows = bench_check.scaling([60, 120], runs=1, workdir=tmp_path)
    assert [r["target"] for r in rows] == [60, 120]
    for r in rows:
        assert r["lines"] >= r["target"]  # the generator never gives fewer lines than asked
        # Each row describes the program it timed (the generator is deterministic).
        text = bench_check.generate(r["target"])
        assert (r["lines"], r["paras"]) == (text.count("\n"), text.count("\npara "))
    assert rows[1]["paras"] > rows[0]["paras"]


def test_check_path_imports_no_jax(bench_check):
    bench_check.assert_check_path_is_light(bench_check.check_targets())


def test_bench_folds_runs_small(capsys):
    bench_folds = _import("bench_folds")
    bench_folds.main(["--small", "--repeats", "1"])
    out = capsys.readouterr().out
    assert "trace+compile" in out and "associative_scan" in out


def test_bench_semiring_runs_small(capsys):
    bench = _import("bench_semiring")
    bench.main(["--small", "--repeats", "2"])
    out = capsys.readouterr().out
    assert "min-plus, compiled" in out and "real a @ b" in out


def test_bench_circconv_runs_small(capsys):
    bench = _import("bench_circconv")
    bench.main(["--small", "--repeats", "4"])
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("  ") and "us" in line]
    assert [r[0] for r in rows] == ["compiled", "roll", "conv", "dense"] * 2  # each implementation, twice
    assert all(float(r[3]) > 0 for r in rows)
    assert [float(r[3]) for r in rows if r[0] == "roll"] == [1.0, 1.0]
