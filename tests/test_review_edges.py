"""Regressions of the review's addendum, at the edges of the numbers and of the text: a row
masked throughout selects nothing with a zero gradient, the log semiring and `logsumexp`
over a column masked throughout give no NaN, `QuasiSum` neither overflows nor loses its
gradient at large k, a branch not taken gives NaN gradients unless its argument is guarded,
sizes are given once, the test command prints its count, and a lone carriage return breaks
a line everywhere."""

from __future__ import annotations

import math
import os
import re
import shlex
import subprocess
import sys
import tomllib
from decimal import Decimal, localcontext
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paradsl
from paradsl.cli import main
from paradsl.diagnostics import render
from paradsl.driver import check_source

from conftest import ROOT, randomise
from test_mutation import mutant

NINF = -jnp.inf


def _finite(tree) -> bool:
    return all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(eqx.filter(tree, eqx.is_array)))


# ---------------------------------------------------------------- a row masked throughout


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.bfloat16])
def test_runtime_softmax_of_a_dead_row_is_zero_with_a_zero_gradient(dtype):
    from paradsl.runtime import log_softmax, softmax

    x = jnp.array([[NINF, NINF, NINF], [0.5, NINF, -1.0], [1.0, 2.0, 3.0]], dtype)
    y = softmax(x, axis=1)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y[0], 0.0)
    np.testing.assert_allclose(y[1:].astype(jnp.float32), jax.nn.softmax(x[1:], axis=1).astype(jnp.float32),
                               rtol=1e-2 if dtype == jnp.bfloat16 else 1e-6)
    ly = log_softmax(x, axis=1)
    np.testing.assert_array_equal(ly[0], NINF)
    np.testing.assert_array_equal(ly[1:], jax.nn.log_softmax(x[1:], axis=1))
    c = jnp.arange(9.0).reshape(3, 3)
    g = jax.grad(lambda x: jnp.sum(softmax(x, axis=1) * c))(x.astype(jnp.float32))
    np.testing.assert_array_equal(g[0], 0.0)
    np.testing.assert_allclose(g[1:], jax.grad(lambda x: jnp.sum(jax.nn.softmax(x, axis=1) * c[1:]))(
        x[1:].astype(jnp.float32)), rtol=1e-6)
    lg = jax.grad(lambda x: jnp.sum(jnp.where(jnp.isfinite(ly), log_softmax(x, axis=1), 0.0)))(x.astype(jnp.float32))
    assert _finite(lg)
    np.testing.assert_array_equal(lg[0], 0.0)


def test_runtime_softmax_along_the_first_axis():
    from paradsl.runtime import softmax

    x = jnp.array([[NINF, 1.0], [NINF, 2.0]])
    np.testing.assert_array_equal(softmax(x, axis=0)[:, 0], 0.0)
    np.testing.assert_allclose(softmax(x, axis=0)[:, 1], jax.nn.softmax(x[:, 1]), rtol=1e-6)


_MASKED = """
para Masked(k: Nat) (n : set) (m : set) : ([n, k], [m, k], [m, 2], [n, m] bool) -> [n, 2]
  = (q, ks, vs, keep) =>
    let logits = for i j. if keep[i, j] then (sum c. q[i, c] * ks[j, c]) / sqrt(k) else -inf in
    softmax(logits) @ vs
"""


def _masked_reference(q, ks, vs, keep):
    """Attention with a large finite mask, the rows with no key zeroed by hand."""
    logits = jnp.where(keep, q @ ks.T / jnp.sqrt(q.shape[1]), -1e9)
    dead = ~jnp.any(keep, axis=1, keepdims=True)
    return jnp.where(dead, 0.0, jax.nn.softmax(logits, axis=1) @ vs)


def test_dot_product_attention_with_a_row_masked_throughout_reads_nothing(key):
    m = paradsl.loads(_MASKED).Masked(3)
    q, ks = jax.random.normal(key, (2, 4, 3))
    vs = jax.random.normal(jax.random.fold_in(key, 1), (4, 2))
    keep = jnp.array([[False] * 4, [True, False, True, True], [True] * 4, [False, False, False, True]])
    y = m((q, ks, vs, keep))
    np.testing.assert_array_equal(y[0], 0.0)
    np.testing.assert_allclose(y, _masked_reference(q, ks, vs, keep), rtol=1e-5, atol=1e-6)
    c = jnp.arange(8.0).reshape(4, 2)
    got = jax.grad(lambda q, ks, vs: jnp.sum(m((q, ks, vs, keep)) * c), argnums=(0, 1, 2))(q, ks, vs)
    want = jax.grad(lambda q, ks, vs: jnp.sum(_masked_reference(q, ks, vs, keep) * c), argnums=(0, 1, 2))(q, ks, vs)
    assert _finite(got)
    np.testing.assert_array_equal(got[0][0], 0.0)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_the_stdlibs_dot_product_attention_reads_nothing_for_a_query_with_no_key():
    from paradsl.stdlib import attention

    m = attention.DotProductAttention(4, 3)
    ks = jnp.abs(jax.random.normal(jax.random.key(1), (5, 4))) + 0.5
    q = jax.random.normal(jax.random.key(2), (3, 4)).at[0, 0].set(NINF)  # every logit of query 0 is -inf
    vs = jax.random.normal(jax.random.key(3), (5, 3))
    y = m((q, ks, vs))
    np.testing.assert_array_equal(y[0], 0.0)
    np.testing.assert_allclose(y[1:], jax.nn.softmax(q[1:] @ ks.T / 2.0, axis=1) @ vs, rtol=1e-5)
    gq, gv = jax.grad(lambda q, vs: jnp.sum(m((q, ks, vs)) ** 2), argnums=(0, 1))(q, vs)
    assert _finite(gq) and _finite(gv)
    np.testing.assert_array_equal(gq[0], 0.0)
    np.testing.assert_allclose(gv, jax.grad(lambda vs: jnp.sum((jax.nn.softmax(q[1:] @ ks.T / 2.0, axis=1) @ vs) ** 2))(
        vs), rtol=1e-5)


_PADDED = """import attention

-- Causal multi-head attention whose padded keys are masked too: a query before the first
-- key that is not padding has nothing to attend to.
para PaddedCausal(d: Nat, h: Nat, k: Nat) (t : list) : ([t, d], [t] bool) -> [t, d]
  params Wq : [d, h, k] ~ glorot, Wk : [d, h, k] ~ glorot, Wv : [d, h, k] ~ glorot, Wo : [h, k, d] ~ glorot
  = (x, pad) =>
    let q = for i g c. sum a. x[i, a] * Wq[a, g, c] in
    let ks = for j g c. sum a. x[j, a] * Wk[a, g, c] in
    let vs = for j g c. sum a. x[j, a] * Wv[a, g, c] in
    let logits = for g i j. if j <= i and not pad[j] then (sum c. q[i, g, c] * ks[j, g, c]) / sqrt(k) else -inf in
    let weights = softmax(logits) in
    let heads = for i g c. sum j. weights[g, i, j] * vs[j, g, c] in
    for i e. sum g c. heads[i, g, c] * Wo[g, c, e]

para PaddedDecoder(d: Nat, h: Nat, k: Nat, f: Nat, v: Nat) (t : list) : ([t, d], [t] bool) -> [t, v]
  params E : [v, d] ~ normal(0.02)
  uses norm1 : TokenLayerNorm(d), attn : PaddedCausal(d, h, k), norm2 : TokenLayerNorm(d), ff : TokenFeedForward(d, f)
  = (x, pad) =>
    let y = x + attn(norm1(x), pad) in
    let z = y + ff(norm2(y)) in
    log_softmax(for s w. sum e. z[s, e] * E[w, e])
"""


def _padded_reference(m, x, pad):
    t = x.shape[0]
    q, ks, vs = (jnp.einsum("ia,agc->igc", x, w) for w in (m.Wq, m.Wk, m.Wv))
    logits = jnp.einsum("igc,jgc->gij", q, ks) / jnp.sqrt(q.shape[2])
    keep = jnp.tril(jnp.ones((t, t), bool)) & ~pad[None, :]
    w = jax.nn.softmax(jnp.where(keep, logits, -1e9), axis=-1)
    w = jnp.where(jnp.any(keep, axis=1)[None, :, None], w, 0.0)
    return jnp.einsum("igc,gce->ie", jnp.einsum("gij,jgc->igc", w, vs), m.Wo)


def test_causal_multi_head_attention_with_padded_first_keys_is_finite_and_exact(key):
    m = randomise(paradsl.loads(_PADDED).PaddedCausal(6, 2, 3, key=key), key)
    x = jax.random.normal(jax.random.fold_in(key, 1), (5, 6))
    pad = jnp.array([True, True, False, False, True])  # queries 0 and 1 see only padding
    y = m((x, pad))
    np.testing.assert_array_equal(y[:2], 0.0)
    np.testing.assert_allclose(y, _padded_reference(m, x, pad), rtol=1e-5, atol=1e-5)
    c = jax.random.normal(jax.random.fold_in(key, 2), (5, 6))
    gm, gx = jax.grad(lambda m, x: jnp.sum(m((x, pad)) * c), argnums=(0, 1))(m, x)
    rm, rx = jax.grad(lambda m, x: jnp.sum(_padded_reference(m, x, pad) * c), argnums=(0, 1))(m, x)
    assert _finite(gm) and _finite(gx)
    np.testing.assert_array_equal(gx[:2], 0.0)  # what the dead queries and keys would have read
    np.testing.assert_allclose(gx, rx, rtol=1e-4, atol=1e-5)
    for name in ("Wq", "Wk", "Wv", "Wo"):
        np.testing.assert_allclose(getattr(gm, name), getattr(rm, name), rtol=1e-4, atol=1e-5)


def test_a_decoder_over_a_padded_prefix_trains_with_finite_gradients(key):
    m = randomise(paradsl.loads(_PADDED).PaddedDecoder(8, 2, 4, 16, 11, key=key), key, 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 1), (6, 8))
    pad = jnp.array([True, False, False, True, False, False])
    y = m((x, pad))
    assert _finite(y)
    # The padded first query's attention adds nothing: its row is the residual path alone.
    z0 = x + m.ff(m.norm2(x))
    np.testing.assert_allclose(y[0], jax.nn.log_softmax(z0[0] @ m.E.T), rtol=1e-4, atol=1e-5)
    tokens = jnp.array([3, 1, 4, 1, 5, 9])
    gm, gx = jax.grad(lambda m, x: -jnp.sum(m((x, pad))[jnp.arange(6), tokens]), argnums=(0, 1))(m, x)
    assert _finite(gm) and _finite(gx)


# ---------------------------------------------------------------- the log semiring over a dead column

_LOGS = """
para Soft (n : set) : ([n, n], [n, n]) -> [n, n]
  params b : f32 ~ const(1.5)
  = (a, c) => sum[Log(b)] k. a[i, k] * c[k, j]
para Plain (n : set) : ([n, n], [n, n]) -> [n, n]
  = (a, c) => sum[Log] k. a[i, k] * c[k, j]
para Lse (t : list) : [t, 3] -> [3]
  = x => logsumexp(x[s, c], over s)
"""


def _where_finite(y):
    return jnp.sum(jnp.where(jnp.isfinite(y), y, 0.0))


@pytest.mark.parametrize("name", ["Soft", "Plain"])
@pytest.mark.parametrize("n", [3, 70])
def test_a_log_semiring_row_masked_throughout_has_a_zero_gradient_in_every_input(name, n, key):
    m = getattr(paradsl.loads(_LOGS), name)()
    a = jax.random.normal(key, (n, n)).at[0].set(NINF)
    c = jax.random.normal(jax.random.fold_in(key, 1), (n, n)).at[:, 1].set(NINF)  # and a dead column
    y = m((a, c))
    np.testing.assert_array_equal(y[0], NINF)
    np.testing.assert_array_equal(y[:, 1], NINF)
    beta = 1.5 if name == "Soft" else 1.0
    want = jax.nn.logsumexp(beta * (a[2:, :, None] + c[None, :, 2:]), axis=1) / beta
    np.testing.assert_allclose(y[2:, 2:], want, rtol=1e-5, atol=1e-5)
    gm, ga, gc = jax.grad(lambda m, a, c: _where_finite(m((a, c))), argnums=(0, 1, 2))(m, a, c)
    assert _finite(gm) and _finite(ga) and _finite(gc)
    np.testing.assert_array_equal(ga[0], 0.0)
    np.testing.assert_array_equal(gc[:, 1], 0.0)


def test_logsumexp_of_a_column_masked_throughout_has_a_zero_gradient_under_any_loss():
    m = paradsl.loads(_LOGS).Lse()
    x = jnp.array([[NINF, 1.0, NINF], [NINF, 2.0, 0.5], [NINF, 0.5, NINF]])
    y = m(x)
    assert y[0] == NINF
    np.testing.assert_allclose(y[1:], jax.nn.logsumexp(x[:, 1:], axis=0), rtol=1e-6)
    g = jax.grad(lambda x: _where_finite(m(x)))(x)
    assert _finite(g)
    np.testing.assert_array_equal(g[:, 0], 0.0)
    np.testing.assert_allclose(g[:, 1:], jax.nn.softmax(x[:, 1:], axis=0), rtol=1e-6)


def test_fold_logsumexp_of_a_dead_feature_has_a_zero_gradient_under_any_loss():
    m = paradsl.loads("import rnn\npara F (n : set) : [n, 2] -> [2] = fold LogSumExp(2) over n\n").F()
    x = jnp.stack([jnp.full(5, NINF), jnp.linspace(-1.0, 1.0, 5)], axis=1)
    g = jax.grad(lambda x: _where_finite(m(x)))(x)
    assert _finite(g)
    np.testing.assert_array_equal(g[:, 0], 0.0)


# ---------------------------------------------------------------- QuasiSum at large k

_SET = "import rnn\npara Enc (n : set) : [n, 3] -> [4] = fold QuasiSum(3, 4) over n\n"


def _with_k(q, k: float):
    """The module with `softplus(w) + 0.1 = k` in every feature, and that k in f32."""
    w = math.log(math.expm1(k - 0.1)) if k < 30 else k - 0.1
    w = jnp.full(q.w.shape, w, jnp.float32)
    return eqx.tree_at(lambda q: q.w, q, w), float(jax.nn.softplus(w[0]) + 0.1)


def _exact(values, k: float):
    """asinh(sum sinh(k x)) / k, its derivatives cosh(k x) / sqrt(S^2 + 1) in each x, and the
    sum's magnitude relative to its largest term (how well the sum is conditioned), in
    60-digit decimals, where neither sinh nor its sum overflows."""
    with localcontext() as cx:
        cx.prec = 60
        kd = Decimal(k)
        a = [Decimal(float(np.float32(k) * np.float32(x))) for x in values]  # the products the f32 code forms
        sinh = [(x.exp() - (-x).exp()) / 2 for x in a]
        s = sum(sinh)
        r = (s * s + 1).sqrt()
        y = (abs(s) + r).ln() * (1 if s >= 0 else -1) / kd
        grads = [float(((x.exp() + (-x).exp()) / 2) / r) for x in a]
        conditioned = float((abs(s) + 1) / (max(abs(v) for v in sinh) + 1))
        return float(y), grads, conditioned


KS = [0.2, 1.0, 5.0, 30.0, 89.0, 95.0, 300.0, 1e3, 1e4]


@pytest.mark.parametrize("k", KS)
def test_quasisum_combine_is_finite_and_exact_at_every_k(k, key):
    q, k = _with_k(paradsl.loads(_SET).Enc(key=key).quasi_sum_0, k)
    rng = np.random.default_rng(int(k))
    u = rng.uniform(-3.0, 3.0, (40, 4)).astype(np.float32)
    v = rng.uniform(-3.0, 3.0, (40, 4)).astype(np.float32)
    v[::4] = -u[::4]  # exact cancellation: 0, with the gradient cosh(k u) in each
    v[1::4] = -u[1::4] * np.float32(1 + 1e-6)  # all but exact
    combine = jax.vmap(q.combine)
    y = combine(jnp.asarray(u), jnp.asarray(v))
    gu, gv = jax.grad(lambda u, v: jnp.sum(combine(u, v)), argnums=(0, 1))(jnp.asarray(u), jnp.asarray(v))
    gw = jax.grad(lambda q: jnp.sum(jax.vmap(q.combine)(jnp.asarray(u), jnp.asarray(v))))(q).w
    assert _finite(y) and _finite(gu) and _finite(gv) and _finite(gw)
    for i, j in np.ndindex(u.shape):
        want, (du, dv), conditioned = _exact([u[i, j], v[i, j]], k)
        if u[i, j] == -v[i, j]:
            assert abs(float(y[i, j])) <= 2e-7 * (du + 1.0) / k  # f32 sinh need not be odd to the last bit
            if du < 1e38:  # the gradient is cosh(k u): f32 has it up to k |u| = 89.4
                np.testing.assert_allclose([gu[i, j], gv[i, j]], [du, dv], rtol=1e-3)
            continue
        # f32 sinh and asinh lose about eps / conditioned where the two terms cancel
        tol = 1e-5 * (abs(want) + 1.0 / k) / conditioned
        assert abs(float(y[i, j]) - want) <= tol, (k, u[i, j], v[i, j], float(y[i, j]), want)
        if conditioned > 0.1 and max(du, dv) < 1e30:
            np.testing.assert_allclose([gu[i, j], gv[i, j]], [du, dv], rtol=1e-3, atol=1e-6)


def test_quasisum_is_sinh_through_the_sum_of_a_set_at_large_k(key):
    enc = randomise(paradsl.loads(_SET).Enc(key=key), key)
    q, k = _with_k(enc.quasi_sum_0, 1e4)
    enc = eqx.tree_at(lambda e: e.quasi_sum_0, enc, q)
    x = jax.random.normal(jax.random.fold_in(key, 1), (7, 3))
    y = enc(x)
    z = np.asarray(jnp.tanh(x @ q.W + q.bias))
    assert _finite(y)
    for f in range(4):
        want, _, conditioned = _exact(z[:, f], k)
        # each combine rounds its result, which the next multiplies by k
        np.testing.assert_allclose(float(y[f]), want, rtol=1e-5 / conditioned, atol=1e-6)
    g = jax.grad(lambda e, x: jnp.sum(e(x)), argnums=(0, 1))(enc, x)
    assert _finite(g)


# ---------------------------------------------------------------- a branch not taken

_BRANCHES = """
para Naive (n : set) : [n] -> [n] = x => where(x > 0.0, log(x), 0.0) + (if x > 0.0 then 1.0 / x else 0.0)
para Guarded (n : set) : [n] -> [n]
  = x => let safe = where(x > 0.0, x, 1.0) in where(x > 0.0, log(safe), 0.0) + (if x > 0.0 then 1.0 / safe else 0.0)
"""


def test_a_guarded_branch_has_the_gradient_of_the_branch_taken():
    mod = paradsl.loads(_BRANCHES)
    x = jnp.array([2.0, 0.0, -1.0, 0.5])
    np.testing.assert_array_equal(mod.Naive()(x), mod.Guarded()(x))
    naive = jax.grad(lambda x: jnp.sum(mod.Naive()(x)))(x)
    assert bool(jnp.isnan(naive[1]))  # JAX's: the branch not taken is differentiated too
    g = jax.grad(lambda x: jnp.sum(mod.Guarded()(x)))(x)
    np.testing.assert_allclose(g, jnp.where(x > 0, 1 / x - 1 / x**2, 0.0), rtol=1e-6)


def test_the_reference_gives_the_guarded_idiom():
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert "where(x > 0.0, log(where(x > 0.0, x, 1.0)), 0.0)" in text


# ---------------------------------------------------------------- sizes on the command line


def para(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


@pytest.fixture
def good(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.para").write_text("para L(d: Nat, k: Int) : [d] -> [d]\n  params W : [d, d] ~ glorot\n  = x => W @ x\n")
    return tmp_path


@pytest.mark.parametrize("argv", [
    ("params", "m.para", "L", "d=3", "d=4"),
    ("cost", "m.para", "L", "d=3", "d=4"),
    ("cost", "m.para", "L", "d=3", "--size", "d=4"),
    ("laws", "m.para", "--size", "d=3", "--size", "d=4"),
])
def test_a_size_given_twice_is_a_usage_error_naming_it(good, capsys, argv):
    status, out, err = para(capsys, *argv)
    assert status == 2 and out == ""
    assert err == "para: error: d is given twice, as 3 and as 4; give each size once\n"


def test_the_same_size_given_twice_is_refused_too(good, capsys):
    status, _, err = para(capsys, "params", "m.para", "L", "k=-1", "k=-1")
    assert status == 2 and "k is given twice" in err


@pytest.mark.parametrize("size, text", [("d=1_000", "a size is NAME=INTEGER, got 'd=1_000'"),
                                        ("e=3", "'e' is not a size of m.para; its sizes are: d, k")])
def test_laws_refuse_underscored_and_unknown_sizes(good, capsys, size, text):
    status, _, err = para(capsys, "laws", "m.para", "--size", size)
    assert status == 2 and err == f"para: error: {text}\n"


# ---------------------------------------------------------------- the test command's summary


def _readme_test_command() -> list[str]:
    """The arguments of the README's test command, after `python -m pytest`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in text.splitlines() if re.match(r"python -m pytest\b.*# the tests\b", ln)]
    return shlex.split(line.split("#", 1)[0])[3:]


def _pytest_section() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r"^\[tool\.pytest\.ini_options\]\n(?:(?!\[).*\n)*", text, re.M).group(0)


def _last_line(tmp_path: Path, section: str, args: list[str], autoload: bool = True) -> str:
    """The last line a pytest run prints over one passing test, configured by `section`."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_one.py").write_text("def test_one():\n    assert True\n")
    (tmp_path / "pyproject.toml").write_text(section)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if not autoload:  # the plugins the command names are still loaded, so that it runs
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        args = ["-p", "xdist.plugin", *args] if "-n" in args else args
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    return lines[-1] if lines else ""


_SUMMARY = re.compile(r"^=*\s*1 passed in [0-9.]+s")


def test_the_readmes_test_command_ends_with_the_count_of_passed_tests(tmp_path):
    section = _pytest_section()
    assert tomllib.loads(section)["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    assert _SUMMARY.match(_last_line(tmp_path, section, _readme_test_command())), _pytest_section()


@pytest.mark.parametrize("addopts", ["-qq", "-q -q", "-p no:terminal"])
def test_options_that_hide_the_count_are_seen_to(tmp_path, addopts):
    section = re.sub(r'^addopts = .*$', f'addopts = "{addopts}"', _pytest_section(), flags=re.M)
    assert not _SUMMARY.match(_last_line(tmp_path, section, _readme_test_command(), autoload=False))


# ---------------------------------------------------------------- line endings


_DECLS = ["-- three paras, a comment before each", "para A(d: Nat) : [d] -> [d] = x => x",
          "-- the second", "para B(d: Nat) : [d] -> [d] = x => 2.0 * x", "-- and the last",
          "para C(d: Nat) : [d] -> [d]", "  = x => x + 1.0", ""]


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r"])
def test_every_declaration_is_seen_in_process_whatever_the_line_ending(brk):
    text = brk.join(_DECLS)
    result = check_source(text, "three.para")
    assert result.ok
    assert [p.name for p in result.programs["three.para"].paras] == ["A", "B", "C"]
    mod = paradsl.loads(text)
    x = jnp.arange(3.0)
    np.testing.assert_array_equal(mod.C(3)(mod.B(3)(mod.A(3)(x))), 2.0 * x + 1.0)


def _seen(text: str) -> list[tuple]:
    result = check_source(text, "m.para")
    return [(d.code, d.span.line, d.span.col, d.span.end_line, d.span.end_col, render(d, result.sources).splitlines()[1:4])
            for d in result.diagnostics]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_diagnostics_are_the_same_whatever_the_line_ending(seed):
    lines = mutant(seed).split("\n")
    want = _seen("\n".join(lines))
    assert want == _seen("\r\n".join(lines)) == _seen("\r".join(lines))
