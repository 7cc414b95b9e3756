"""Symmetry at the level of whole models, `para params` and `para laws`.

The static symmetry check is held to the numerical one: what the checker accepts over a
`set` or `cyc` passes `para laws`, and `para laws` does fail on a map that is not
equivariant (it is not a test that cannot fail).
"""

from __future__ import annotations

import re
import types

import jax.numpy as jnp
import pytest
from conftest import EXAMPLES, STDLIB, Ran, para_cli

import paradsl
from paradsl import ir
from paradsl.analysis.laws import _para_laws
from paradsl.types import IndexSetAxis, Kind, MapType, TensorType


def para(*args: str) -> Ran:
    return para_cli(*args)  # in-process: each `para laws` process would import jax anew


# ------------------------------------------------------------------ the Transformer, list vs set


def test_transformer_over_a_list_is_accepted():
    result = paradsl.check_paths([EXAMPLES / "transformer.para"])
    assert result.ok, [d.message for d in result.diagnostics]


def test_the_same_transformer_over_a_set_is_rejected_at_the_positional_encoding(tmp_path):
    source = (EXAMPLES / "transformer.para").read_text()
    on_set = tmp_path / "transformer_set.para"
    on_set.write_text(source.replace("(t : list)", "(t : set)"))
    result = paradsl.check_paths([on_set])
    lines = source.splitlines()
    code = [(i, l) for i, l in enumerate(lines, 1) if not l.lstrip().startswith("--")]
    pe_lines = {i for i, l in code if "sin(p /" in l or "cos(p /" in l}  # the sine and the cosine halves
    mask_line = next(i for i, l in code if "j <= i" in l)
    found = [(d.code, d.span.line) for d in result.diagnostics]
    assert found[0] == ("E0305", min(pe_lines)), found
    assert set(found) == {("E0305", i) for i in pe_lines} | {("E0304", mask_line)}, found


# ------------------------------------------------------------------ para params


def test_params_cli_reports_P_and_Q():
    r = para("params", str(EXAMPLES / "tying.para"), "TiedAutoencoder", "d=8", "k=3")
    assert r.returncode == 0, r.stderr
    assert re.search(r"dec\.W\s+\[k, d\]\s+d\*k\s+24\s+-\s+tied: dec\.W = transpose\(enc\.W\)", r.stdout), r.stdout
    assert "|P| = 2*d*k + d + k = 59" in r.stdout
    assert "|Q| = d*k + d + k = 35" in r.stdout


def test_params_of_a_2_cell_over_a_runtime_set():
    report = paradsl.params(STDLIB / "nn.para", "CircConv")
    assert str(report.P) == "c*c" and str(report.Q) == "k"
    assert [(r.path, r.status) for r in report.rows] == [("dense_0_w", "via"), ("dense_0.W", "tied")]


@pytest.mark.parametrize("args, code", [
    (["params", "examples/tying.para", "Nope"], 2),
    (["params", "examples/tying.para", "TiedAutoencoder", "d=eight"], 2),
    (["params", "missing.para", "X"], 2),
    (["laws", "examples/tying.para", "--trials", "0"], 2),
])
def test_params_and_laws_usage_errors(args, code):
    r = para(*args)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr


def test_params_and_laws_report_user_errors(tmp_path):
    bad = tmp_path / "bad.para"
    bad.write_text("para P (n : set) : [n] -> [n] = x => x[(i + 1) mod n]\n")
    for cmd in (["params", str(bad), "P"], ["laws", str(bad)]):
        r = para(*cmd)
        assert r.returncode == 1 and "error[E0303]" in r.stderr, r.stderr


# ------------------------------------------------------------------ para laws


def test_laws_cli_passes_on_the_examples():
    for path in ("examples/equivariant.para", "examples/tying.para", "examples/index_notation.para"):
        r = para("laws", path)
        assert r.returncode == 0, r.stdout + r.stderr
        assert re.search(r"\d+ laws? checked, 0 failed", r.stdout)
    r = para("laws", "examples/equivariant.para", "RingNet", "--size", "c=12", "--size", "k=4")
    assert r.returncode == 0 and "C_n on c  f(g.x) = g.f(x)" in r.stdout, r.stdout


def _fake(name: str, index_kind: Kind, call):
    """A para whose compiled class is `call`: to show that a broken equivariance is caught."""
    n = IndexSetAxis("n", index_kind)
    t = TensorType((n,))
    p = ir.ParaDef(name, "x.para", (), (("n", index_kind),), MapType(t, t), (), (), ir.PrimMap("id", type=MapType(t, t)))

    class Module:
        def __init__(self, *, key):
            pass

        def __call__(self, x):
            return call(x)

    return p, types.SimpleNamespace(**{name: Module})


@pytest.mark.parametrize("kind", [Kind.SET, Kind.CYC])
def test_laws_catch_a_map_that_is_not_equivariant(kind):
    p, module = _fake("Ramp", kind, lambda x: x * jnp.arange(x.shape[0]))  # position-dependent: not equivariant
    (bad,) = _para_laws(module, p, {}, trials=2, seed=0, rtol=1e-4)
    assert not bad.ok and bad.error > 1e-2
    p, module = _fake("Double", kind, lambda x: 2.0 * x)
    (good,) = _para_laws(module, p, {}, trials=2, seed=0, rtol=1e-4)
    assert good.ok and good.error == 0.0


def test_laws_cli_exits_1_on_a_failed_law(monkeypatch):
    import paradsl.analysis.laws as laws

    # Break the group action the checker uses: every equivariance law must then fail.
    monkeypatch.setattr(laws, "_act", lambda value, t, n, perm: value if not hasattr(value, "shape")
                        or not value.shape else jnp.roll(value, 1, axis=0) * 0.5)
    r = para("laws", str(EXAMPLES / "equivariant.para"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED" in r.stdout
