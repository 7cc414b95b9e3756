"""Review defects of the analyses: `para laws` honest with infinities and NaNs, `para cost`
counting the contractions that run.

The programs in `tests/review/` are the reproducers as they were reported.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import jax.numpy as jnp
import pytest

import paradsl
from paradsl.analysis import laws

REVIEW = Path(__file__).resolve().parent / "review"


def para(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paradsl", *args], capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------ laws and infinities


def test_equal_infinities_are_no_error():
    # An infinite mask permuted is the permuted infinite mask: inf - inf is NaN, not a failure.
    (r,) = paradsl.check_laws(REVIEW / "b01_laws_inf_nan.para")
    assert r.ok and r.error == 0.0 and math.isfinite(r.tolerance), r


def test_the_laws_cli_passes_an_infinite_mask_without_warnings():
    r = para("laws", str(REVIEW / "b01_laws_inf_nan.para"))
    assert r.returncode == 0 and "1 law checked, 0 failed" in r.stdout, r.stdout + r.stderr
    assert "nan" not in r.stdout and "inf" not in r.stdout.split("InfMask")[1] and "Warning" not in r.stderr


def test_an_infinite_component_does_not_widen_the_tolerance():
    results = {(r.para, r.law.split()[0]): r for r in paradsl.check_laws(REVIEW / "laws_inf_tolerance.para")}
    for name in ("NotAssoc", "NotAssocInf"):
        assoc = results[name, "associative"]
        assert not assoc.ok and math.isfinite(assoc.tolerance) and assoc.tolerance < 1e-3, assoc
        assert results[name, "commutative"].ok


@pytest.mark.parametrize(("got", "want", "fails"), [
    ([1.0, jnp.inf], [1.0, jnp.inf], False),  # the same infinity
    ([1.0, -jnp.inf], [1.0, -jnp.inf], False),
    ([1.0, jnp.inf], [1.0, 2.0], True),  # an infinity against a finite value
    ([1.0, 2.0], [1.0, -jnp.inf], True),
    ([jnp.inf], [-jnp.inf], True),  # the other infinity
    ([jnp.nan], [1.0], True),  # a NaN fails, on either side, equal or not
    ([1.0], [jnp.nan], True),
    ([jnp.nan], [jnp.nan], True),
])
def test_discrepancy_with_infinities_and_nans(got, want, fails):
    error, scale = laws.discrepancy(jnp.asarray(got), jnp.asarray(want))
    tolerance = 1e-4 * max(1.0, scale)
    assert math.isfinite(scale)
    assert (not error <= tolerance) is fails, (error, scale)


def test_the_scale_is_the_largest_finite_magnitude():
    assert laws.discrepancy(jnp.asarray([3.0, 1.0]), jnp.asarray([-jnp.inf, -5.0])) == (math.inf, 5.0)
    assert laws.discrepancy((jnp.zeros(0),), (jnp.zeros(0),)) == (0.0, 0.0)


def test_a_nan_trial_is_the_worst_wherever_it_stands():
    assert math.isnan(laws.worst([0.1, math.nan])) and math.isnan(laws.worst([math.nan, 0.1]))
    assert laws.worst([0.1, 0.3, 0.2]) == 0.3
