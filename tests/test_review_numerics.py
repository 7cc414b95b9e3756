"""Regressions of the review: gradients stay finite where the forward masks, a commutative
monoid is recognised up to regrouping its sums and products, and a shifted subscript on a
list reads zero past its ends instead of wrapping round."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import paradsl
from paradsl import api
from paradsl.diagnostics import ParaError

REVIEW = Path(__file__).resolve().parent / "review"


def _errors(text: str) -> list[str]:
    with pytest.raises(ParaError) as e:
        api.check_text(text)
    return [d.code for d in e.value.diagnostics]


# ---------------------------------------------------------------- commutativity by construction


def test_a_product_chain_of_both_arguments_is_commutative():
    api.check_file(REVIEW / "commutative_product_chain.para")  # raises on E0505


def test_the_product_chain_folds_over_a_set_in_any_order(key):
    src = (REVIEW / "commutative_product_chain.para").read_text()
    m = paradsl.loads(src + "\npara Pool (n : set) : [n, 3] -> [3] = fold M1(3) over n\n").Pool(key=key)
    x = jax.random.normal(key, (5, 3))
    s = jax.nn.sigmoid(jnp.zeros(3))
    want = jnp.zeros(3)
    for row in jax.nn.sigmoid(x):
        want = want + row - s * want * row
    np.testing.assert_allclose(m(x), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m(x[::-1]), want, rtol=1e-5, atol=1e-6)


_MONOID = """commutative monoid M(h: Nat) : [h] on [h]
  | unit => for e. 0.0
  | lift(x) => x
  | combine(u, v) => {}
"""


@pytest.mark.parametrize("body", ["(u - v) * (v - u)", "max(max(u, 1.0), v) * 2.0 * u * v", "-u - v + u * v",
                                  "u + (v + u * (2.0 * v))"])
def test_regrouped_symmetric_combines_pass(body):
    api.check_text(_MONOID.format(body))


@pytest.mark.parametrize("body", ["u - v", "u * sigmoid(v)", "-u + v", "u - (v - u) - v", "u * u * v",
                                  "max(u, 1.0) + v"])
def test_asymmetric_combines_are_still_refused(body):
    assert _errors(_MONOID.format(body)) == ["E0505"]
