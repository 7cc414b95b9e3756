"""Regressions of the review: gradients stay finite where the forward masks, a commutative
monoid is recognised up to regrouping its sums and products, and a shifted subscript on a
list reads zero past its ends instead of wrapping round."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

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


# ---------------------------------------------------------------- finite gradients where the forward masks

NINF = -jnp.inf


def _finite(tree) -> bool:
    return all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(tree))


def test_a_learned_temperature_has_a_finite_gradient_through_a_mask():
    m = paradsl.load(REVIEW / "nan_beta.para").MaskedSharp()
    x, keep = jnp.array([0.5, 1.0, 2.0]), jnp.array([True, True, False])
    y = m((x, keep))
    np.testing.assert_allclose(y, jax.nn.softmax(jnp.array([0.5, 1.0, NINF])), rtol=1e-6)
    g = jax.grad(lambda m: -jnp.log(m((x, keep))[0]))(m)
    p = jax.nn.softmax(x[:2])  # d/db -log softmax(b x)_0 at b = 1 over the kept entries
    np.testing.assert_allclose(g.b, -(x[0] - p @ x[:2]), rtol=1e-5)
    check_grads(lambda b: jnp.log(_with_b(m, b)((x, keep))[:2]), (jnp.float32(1.3),), order=1, modes=["rev"], eps=1e-3, atol=1e-2, rtol=1e-2)


def _with_b(m, b):
    import equinox as eqx

    return eqx.tree_at(lambda m: m.b, m, b)


_SELECT = """
para Soft (n : set) : ([n], [n] bool) -> [n]
  params b : f32 ~ const(2.0)
  = (x, keep) => {}({}, over i, beta=b)
"""


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("logit", ["if keep[i] then x[i] else -inf", "where(keep[i], x[i], -inf)"])
def test_every_masked_selection_with_a_learned_temperature_has_a_finite_gradient(fn, logit):
    m = paradsl.loads(_SELECT.format(fn, logit)).Soft()
    x, keep = jnp.array([0.5, -1.0, 2.0, 0.1]), jnp.array([True, False, True, True])
    g = jax.grad(lambda m: jnp.sum(jnp.where(keep, m((x, keep)), 0.0) * jnp.arange(4.0)))(m)
    assert _finite(g)
    ref = jax.grad(lambda b: jnp.sum(getattr(jax.nn, fn)(b * x[keep]) * jnp.arange(4.0)[keep]))(2.0)
    np.testing.assert_allclose(g.b, ref, rtol=1e-5)


def test_logsumexp_over_a_feature_masked_throughout_has_a_zero_gradient():
    m = paradsl.loads("para L (t : list) : [t, 2] -> [2] = x => logsumexp(x[s, c], over s)\n").L()
    x = jnp.array([[NINF, 1.0], [NINF, 2.0], [NINF, 0.5]])
    y = m(x)
    assert y[0] == NINF
    np.testing.assert_allclose(y[1], jax.nn.logsumexp(x[:, 1]), rtol=1e-6)
    g = jax.grad(lambda x: m(x)[1] + jnp.where(jnp.isfinite(m(x)[0]), m(x)[0], 0.0))(x)
    assert _finite(g)
    np.testing.assert_allclose(g[:, 0], 0.0)
    np.testing.assert_allclose(g[:, 1], jax.nn.softmax(x[:, 1]), rtol=1e-6)


_FOLD = """import rnn
para LSE (n : set) : [n, 2] -> [2] = fold LogSumExp(2) over n
para Running (t : list) : [t, 2] -> [t, 2] = scan LogSumExp(2) over t
"""


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_fold_logsumexp_over_an_all_masked_feature_has_a_zero_gradient(n):
    mod = paradsl.loads(_FOLD)
    m = mod.LSE()
    x = jnp.stack([jnp.full(n, NINF), jnp.linspace(-1.0, 1.0, n)], axis=1)
    y = m(x)
    assert y[0] == NINF
    np.testing.assert_allclose(y[1], jax.nn.logsumexp(x[:, 1]), rtol=1e-6)
    g = jax.grad(lambda x: m(x)[1])(x)
    assert _finite(g)
    np.testing.assert_allclose(g[:, 0], 0.0)
    np.testing.assert_allclose(g[:, 1], jax.nn.softmax(x[:, 1]), rtol=1e-5)
    live = x[:, 1:]
    check_grads(lambda v: m(jnp.concatenate([x[:, :1], v], axis=1))[1:], (live,), order=1,
                modes=["rev"], eps=1e-3, atol=1e-2, rtol=1e-2)
    run = mod.Running()
    assert _finite(jax.grad(lambda x: jnp.sum(run(x)[:, 1]))(x))


def test_logsumexp_combine_is_exact_where_one_side_is_masked():
    c = paradsl.loads(_FOLD).LSE().log_sum_exp_0.combine
    u, v = jnp.array([NINF, NINF, 1.0, 3.0]), jnp.array([NINF, 2.0, NINF, 3.0])
    np.testing.assert_allclose(c(u, v), jnp.logaddexp(u, v), rtol=1e-6)
    gu, gv = jax.grad(lambda u, v: jnp.sum(jnp.where(jnp.isfinite(c(u, v)), c(u, v), 0.0)), argnums=(0, 1))(u, v)
    np.testing.assert_allclose(gu, [0.0, 0.0, 1.0, 0.5])
    np.testing.assert_allclose(gv, [0.0, 1.0, 0.0, 0.5])


@pytest.mark.parametrize("rate", ["1.0", "0.5", "0.0"])
def test_dropout_has_a_finite_gradient_at_every_rate(nn, rate, key):
    m = nn.Dropout(4, float(rate))
    x = jnp.arange(1.0, 5.0)
    g = jax.grad(lambda x: jnp.sum(m(x, key=key) ** 2))(x)
    assert _finite(g)
    if rate == "1.0":
        np.testing.assert_array_equal(m(x, key=key), 0.0)
        np.testing.assert_array_equal(g, 0.0)
    else:
        kept = m(x, key=key) != 0
        np.testing.assert_allclose(g, jnp.where(kept, 2 * x / (1 - float(rate)) ** 2, 0.0), rtol=1e-6)
    np.testing.assert_array_equal(m(x), x)  # no key: the identity


def test_the_dropout_builtin_at_rate_one_keeps_dtype_and_gradient(key):
    m = paradsl.loads("para D (t : list) : [t] bf16 -> [t] bf16 = x => dropout(x, 1.0)\n").D()
    x = jnp.ones(3, jnp.bfloat16)
    assert m(x, key=key).dtype == jnp.bfloat16
    assert _finite(jax.grad(lambda x: jnp.sum(m(x, key=key).astype(jnp.float32)))(x))


_LOG = """
para Soft (n : set) : ([n, n], [n, n]) -> [n, n]
  params b : f32 ~ const(1.5)
  = (a, c) => sum[Log(b)] k. a[i, k] * c[k, j]
"""


@pytest.mark.parametrize("n", [3, 70])  # one block, and blocks merged
def test_a_log_semiring_contraction_with_masked_terms_has_a_finite_gradient(n, key):
    m = paradsl.loads(_LOG).Soft()
    k1, k2 = jax.random.split(key)
    a = jax.random.normal(k1, (n, n))
    a = a.at[0, :].set(NINF).at[1, : n // 2].set(NINF)  # row 0 masked throughout, row 1 in part
    c = jax.random.normal(k2, (n, n))

    def ref(b, a, c):
        return jax.nn.logsumexp(b * (a[:, :, None] + c[None, :, :]), axis=1) / b

    y = m((a, c))
    np.testing.assert_array_equal(y[0], NINF)
    np.testing.assert_allclose(y[1:], ref(1.5, a, c)[1:], rtol=1e-5, atol=1e-5)

    def loss(m, a):
        return jnp.sum(m((a, c))[1:])

    g, ga = jax.grad(loss, argnums=(0, 1))(m, a)
    assert _finite(g) and _finite(ga)
    finite = jnp.where(jnp.isinf(a), -1e30, a)  # a mask the reference's own gradient survives
    np.testing.assert_allclose(g.b, jax.grad(lambda b: jnp.sum(ref(b, finite[1:], c)))(1.5), rtol=1e-4)
    np.testing.assert_allclose(ga[0], 0.0)


def test_masked_causal_attention_with_a_learned_temperature_has_a_finite_gradient(key):
    src = """
para Attend(d: Nat) (t : list) : ([t, d], [t, d]) -> [t, d]
  params b : f32 ~ const(0.7)
  = (q, v) => let w = for i j. softmax(if j <= i then sum c. q[i, c] * q[j, c] else -inf, over j, beta=b) in
              for i c. sum j. w[i, j] * v[j, c]
"""
    m = paradsl.loads(src).Attend(4)
    q, v = jax.random.normal(key, (2, 5, 4))
    g = jax.grad(lambda m, q: jnp.sum(m((q, v)) ** 2), argnums=(0, 1))(m, q)
    assert _finite(g)


def test_temper_is_the_product_with_no_gradient_from_an_infinite_logit():
    from paradsl.runtime import temper

    x = jnp.array([1.5, NINF, jnp.inf, -2.0])
    for b in (2.0, -0.5):
        np.testing.assert_array_equal(temper(b, x), b * x)
    g = jax.grad(lambda b: jnp.sum(jnp.where(jnp.isfinite(x), temper(b, x), 0.0)))(2.0)
    np.testing.assert_allclose(g, -0.5)
    np.testing.assert_allclose(jax.grad(lambda x: jnp.sum(temper(3.0, x)))(x), 3.0)


@pytest.mark.parametrize("beta", [1.0, 2.5, -1.0])
def test_runtime_logsumexp_matches_jax_and_is_safe_on_masked_rows(beta):
    from paradsl.runtime import logsumexp

    x = jnp.array([[NINF, NINF, NINF], [0.5, NINF, -1.0], [1.0, 2.0, 3.0]])
    want = jax.nn.logsumexp(beta * x, axis=1) / beta
    np.testing.assert_allclose(logsumexp(x, axis=1, beta=beta), want, rtol=1e-6)
    assert logsumexp(x[2], beta=beta).shape == ()
    if beta < 0:  # -inf is the zero only for beta > 0; for beta < 0 it is the result
        return
    g = jax.grad(lambda x: jnp.sum(logsumexp(x, axis=1, beta=beta)[1:]))(x)
    assert _finite(g)
    np.testing.assert_allclose(g[0], 0.0)


# ---------------------------------------------------------------- shifted subscripts on a list

_SHIFTS = """
para Next (t : list) : [t, 2] -> [t, 2]
  = x => x[a + 1, c else 0.0]
para Reversed (t : list) : [t] -> [t]
  = x => for a. x[t - 1 - a else 0.0]
para Hop (t : list) : [t, t] -> [t, t]
  = w => sum[MaxPlus] k. w[i, k - 1 else -inf] * w[k, j]
para Ring (c : cyc) : [c] -> [c]
  = x => x[(a - 1) mod c]
"""


def test_the_previous_token_of_the_first_is_said_not_read_from_the_last():
    # Once read as zero without a word, then refused: a shift says what it reads outside its list.
    with pytest.raises(ParaError) as err:
        paradsl.load(REVIEW / "b05_list_shift_wraps.para")
    assert [(d.code, d.span.line, d.span.col) for d in err.value.diagnostics] == [("E1120", 3, 12)]
    src = (REVIEW / "b05_list_shift_wraps.para").read_text().replace("x[a - 1]", "x[a - 1 else 0.0]")
    m = paradsl.loads(src).PrevToken()
    x = jnp.arange(1.0, 6.0)
    np.testing.assert_array_equal(m(x), jnp.concatenate([jnp.zeros(1), x[:-1]]))  # a causal shift
    np.testing.assert_array_equal(jax.jit(m)(x), jnp.pad(x, (1, 0))[:-1])
    np.testing.assert_array_equal(jax.vmap(m)(jnp.stack([x, -x])), jnp.stack([jnp.pad(x, (1, 0))[:-1],
                                                                                 jnp.pad(-x, (1, 0))[:-1]]))


def test_shifts_read_zero_past_either_end_and_in_range_reads_are_unchanged():
    mod = paradsl.loads(_SHIFTS)
    x = jnp.arange(6.0).reshape(3, 2) + 1
    np.testing.assert_array_equal(mod.Next()(x), jnp.concatenate([x[1:], jnp.zeros((1, 2))]))  # no clamp
    v = jnp.arange(1.0, 5.0)
    np.testing.assert_array_equal(mod.Reversed()(v), v[::-1])


def test_a_cyclic_shift_still_wraps():
    v = jnp.arange(1.0, 5.0)
    np.testing.assert_array_equal(paradsl.loads(_SHIFTS).Ring()(v), jnp.roll(v, 1))


def test_a_shift_in_a_semiring_factor_reads_the_semirings_zero():
    w = -jnp.arange(1.0, 10.0).reshape(3, 3)  # negative, so a 0 read would win the max
    got = paradsl.loads(_SHIFTS).Hop()(w)
    want = jnp.max(w[:, :-1, None] + w[None, 1:, :], axis=1)  # k = 0 reads w[i, -1]: absent
    np.testing.assert_allclose(got, want)
