"""Regressions of the review in the checker: a use's constant arguments are checked against
what its callee needs of them; well-typed programs the program generator found refused are
accepted (a symmetric `combine` written with `for`, a `transpose` after a polymorphic use);
and a shift reads zero past the ends of a list whatever its index is bound through."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import paradsl
from paradsl import api
from paradsl.diagnostics import ParaError


def _errors(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(ParaError) as e:
        api.check_text(text)
    return [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics]


# ---------------------------------------------------------------- constant arguments at a use


def test_a_literal_dropout_rate_out_of_range_is_reported_at_the_argument():
    assert _errors("import nn\npara P(d: Nat) : [d] -> [d] = Dropout(d, 1.5)\n") == [("E0707", 2, 42)]


def test_a_rate_passed_down_a_chain_of_uses_is_checked_where_it_becomes_constant():
    chain = ("para D(d: Nat, q: Float) : [d] -> [d] = x => dropout(x, q)\n"
             "para E(d: Nat, r: Float) : [d] -> [d] uses z : D(d, r) = z\n")
    assert _errors(chain + "para P(d: Nat) : [d] -> [d] = E(d, -0.5)\n") == [("E0707", 3, 36)]
    api.check_text(chain + "para P(d: Nat) : [d] -> [d] = E(d, 1.0)\n")  # in range: accepted


def test_a_log_parameter_of_zero_given_as_an_argument_is_reported():
    soft = ("para L(b: Float) (n : set) : ([n, n], [n, n]) -> [n, n]\n"
            "  = (a, c) => sum[Log(b)] k. a[i, k] * c[k, j]\n")
    assert _errors(soft + "para P (n : set) : ([n, n], [n, n]) -> [n, n] = L(0.0)\n") == [("E0707", 3, 51)]
    api.check_text(soft + "para P (n : set) : ([n, n], [n, n]) -> [n, n] = L(-2.0)\n")


def test_constant_size_arguments_that_make_a_callees_size_negative_are_reported():
    narrow = ("para K(d: Nat, k: Nat) : [d] -> [d - k]\n"
              "  params W : [d, d - k] ~ glorot\n  = x => x @ W\n")
    assert _errors(narrow + "para P : [3] -> [2] = K(2, 5)\n") == [("E0704", 4, 25)]
    # Through a para in between: the size reaches its hyperparameters by its use's arguments.
    outer = "para O(e: Nat) : [e] -> [e - 4] uses k : K(e, 4) = k\n"
    assert _errors(narrow + outer + "para P : [3] -> [2] = O(3)\n") == [("E0704", 5, 25)]
    api.check_text(narrow + outer + "para P : [6] -> [2] = O(6)\n")


def test_arguments_the_checker_cannot_evaluate_are_left_to_the_constructor():
    module = paradsl.loads("import nn\npara P(d: Nat, q: Float) : [d] -> [d] = Dropout(d, q)\n")
    with pytest.raises(ValueError, match=r"^Dropout\(p=2\.0\)"):
        module.P(3, 2.0)


# ---------------------------------------------------------------- well-typed programs once refused

_FOR_COMBINE = """
commutative monoid Pool(d: Nat) : [d] on [d]
  | unit => for j. 0.0
  | lift(x1) => x1
  | combine(x2, x3) => (for j. x2[j]) + (for j. x3[j])
para Total(d: Nat) (n : set) : [n, d] -> [d] = fold Pool(d) over n
"""


def test_a_combine_symmetric_through_for_is_commutative():
    m = paradsl.loads(_FOR_COMBINE).Total(3)
    x = jax.random.normal(jax.random.key(0), (5, 3))
    np.testing.assert_allclose(m(x), jnp.sum(x, axis=0), rtol=1e-6)
    np.testing.assert_allclose(m(x[::-1]), m(x), rtol=1e-6)


@pytest.mark.parametrize("combine", ["(for j. x2[j]) + (for k. 2.0 * x3[k])",
                                     "(for j. x2[j]) - (for j. x3[j])"])
def test_a_combine_that_is_not_symmetric_through_for_is_still_refused(combine):
    text = _FOR_COMBINE.replace("(for j. x2[j]) + (for j. x3[j])", combine)
    assert [c for c, _, _ in _errors(text)] == ["E0505"]


def test_a_transpose_after_an_index_set_polymorphic_use_is_accepted():
    text = ("import nn\npara P(d: Nat) (n : set) : [n] -> [d, n]\n  params W : [d] ~ normal\n"
            "  = DeepSetLayer >> (x => transpose(for k j. x[k] * W[j]))\n")
    m = paradsl.loads(text).P(3, key=jax.random.key(0))
    x = jnp.arange(5.0)
    h = m.deep_set_layer_0(x)
    np.testing.assert_allclose(m(x), (h[:, None] * m.W[None, :]).T, rtol=1e-6)


def test_an_index_that_nothing_ranges_is_still_unknown():
    assert [c for c, _, _ in _errors("para P : [3] -> f32 = x => sum(for k. 1.0)\n")] == ["E0207"]


# ---------------------------------------------------------------- shifts through a let

_LET_SHIFTS = """
para ByLet (t : list) : [t] -> [t]
  = x => for a. let k = a - 1 in x[k else 0.0]
para ByPosition (t : list) : [t] -> [t]
  = x => for a. let p = a in x[p + 1 else 0.0]
para ByTwoLets (t : list) : [t, 2] -> [t, 2]
  = x => for a c. let p = a in let k = p - 2 in x[k, c else 0.0]
para Operand (t : list) : [t] -> [t]
  = x => let y = 2.0 * x in for a. y[a - 1 else 0.0]
para Ring (c : cyc) : [c] -> [c]
  = x => for a. let k = (a - 1) mod c in x[k]
"""


def test_a_shift_bound_through_a_let_reads_zero_past_the_ends():
    mod = paradsl.loads(_LET_SHIFTS)
    v = jnp.arange(1.0, 6.0)
    np.testing.assert_array_equal(mod.ByLet()(v), jnp.concatenate([jnp.zeros(1), v[:-1]]))
    np.testing.assert_array_equal(jax.jit(mod.ByPosition())(v), jnp.concatenate([v[1:], jnp.zeros(1)]))
    x = jnp.arange(10.0).reshape(5, 2) + 1
    np.testing.assert_array_equal(mod.ByTwoLets()(x), jnp.concatenate([jnp.zeros((2, 2)), x[:-2]]))
    np.testing.assert_array_equal(mod.Operand()(v), jnp.concatenate([jnp.zeros(1), 2 * v[:-1]]))


def test_a_cyclic_shift_through_a_let_still_wraps():
    v = jnp.arange(1.0, 5.0)
    np.testing.assert_array_equal(paradsl.loads(_LET_SHIFTS).Ring()(v), jnp.roll(v, 1))
