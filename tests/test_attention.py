"""Attention from stdlib/attention.para against equinox.nn and hand-written references.

- MultiHeadAttention equals `equinox.nn.MultiheadAttention` with the same weights (1e-5);
  with a causal mask, CausalAttention equals the same layer given the lower-triangular mask.
- Attention over a set passes `para laws` (permutation equivariance); over a list the
  causal layer's outputs do not depend on later tokens.
- Talking-heads attention and the Transformer block against jnp written out by hand.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def attention():
    return paradsl.load(STDLIB / "attention.para")




def _equinox_mha(m, d, h, k, key):
    """equinox's layer with our weights: its projections are [h*k, d] matrices, head-major."""
    ref = eqx.nn.MultiheadAttention(h, d, qk_size=k, vo_size=k, key=key)
    return eqx.tree_at(lambda r: (r.query_proj.weight, r.key_proj.weight, r.value_proj.weight, r.output_proj.weight),
                       ref, (m.Wq.reshape(d, h * k).T, m.Wk.reshape(d, h * k).T, m.Wv.reshape(d, h * k).T,
                             m.Wo.reshape(h * k, d).T))


@pytest.mark.parametrize("d, h, k, n", [(8, 2, 4, 5), (12, 3, 5, 9), (6, 1, 6, 1)])
def test_multi_head_attention_equals_equinox(attention, key, d, h, k, n):
    m = randomise(attention.MultiHeadAttention(d, h, k, key=key), jax.random.fold_in(key, 1), 0.5)
    ref = _equinox_mha(m, d, h, k, key)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))
    np.testing.assert_allclose(m(x), ref(x, x, x), **TOL)
    xs = jax.random.normal(jax.random.fold_in(key, 3), (3, n, d))
    np.testing.assert_allclose(jax.vmap(m)(xs), jax.vmap(lambda v: ref(v, v, v))(xs), **TOL)


def test_causal_attention_equals_masked_equinox(attention, key):
    d, h, k, t = 8, 2, 4, 7
    m = randomise(attention.CausalAttention(d, h, k, key=key), jax.random.fold_in(key, 1), 0.5)
    ref = _equinox_mha(m, d, h, k, key)
    x = jax.random.normal(jax.random.fold_in(key, 2), (t, d))
    mask = jnp.tril(jnp.ones((t, t), bool))
    np.testing.assert_allclose(m(x), ref(x, x, x, mask=mask), **TOL)
    # Later tokens do not reach earlier outputs.
    y = m(x.at[-1].set(10.0))
    np.testing.assert_allclose(y[:-1], m(x)[:-1], **TOL)


def test_attention_over_a_set_is_equivariant():
    results = paradsl.check_laws(STDLIB / "attention.para", sizes={"n": 6, "m": 5})
    checked = {(r.para, r.law.split()[2]) for r in results if not r.skipped}
    assert {("DotProductAttention", "n"), ("DotProductAttention", "m"), ("MultiHeadAttention", "n"),
            ("TalkingHeadsAttention", "n"), ("TransformerBlock", "n")} <= checked
    assert all(r.ok for r in results)


def test_talking_heads_by_hand(attention, key):
    d, h, k, n = 6, 3, 2, 5
    m = randomise(attention.TalkingHeadsAttention(d, h, k, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))
    q, ks, vs = (jnp.einsum("ia,agc->igc", x, w) for w in (m.Wq, m.Wk, m.Wv))
    logits = jnp.einsum("igc,jgc->gij", q, ks) / jnp.sqrt(k)
    weights = jax.nn.softmax(jnp.einsum("fij,fg->gij", logits, m.select.Pl), axis=-1)
    heads = jnp.einsum("gij,jgc->igc", jnp.einsum("fij,fg->gij", weights, m.select.Pw), vs)
    np.testing.assert_allclose(m(x), jnp.einsum("igc,gce->ie", heads, m.Wo), **TOL)


def test_transformer_block_by_hand(attention, key):
    d, h, k, f, n = 8, 2, 4, 16, 6
    m = randomise(attention.TransformerBlock(d, h, k, f, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))

    def norm(p, v):
        mu = v.mean(-1, keepdims=True)
        return (v - mu) / jnp.sqrt(((v - mu) ** 2).mean(-1, keepdims=True) + 1e-5) * p.gamma + p.beta

    mha = _equinox_mha(m.attn, d, h, k, key)
    y = x + mha(norm(m.norm1, x), norm(m.norm1, x), norm(m.norm1, x))
    z = norm(m.norm2, y)
    expected = y + jax.nn.gelu(z @ m.ff.W1 + m.ff.b1) @ m.ff.W2 + m.ff.b2
    np.testing.assert_allclose(m(x), expected, rtol=1e-4, atol=1e-5)


def test_tiny_language_model(attention, key):
    v, d, h, k, f, t = 11, 8, 2, 4, 16, 6
    lm = attention.TinyLM(v, d, h, k, f, key=key)
    tokens = jax.random.randint(jax.random.fold_in(key, 1), (t,), 0, v)
    logp = lm(tokens)
    assert logp.shape == (t, v)
    np.testing.assert_allclose(jnp.exp(logp).sum(-1), jnp.ones(t), rtol=1e-5)
    changed = lm(tokens.at[-1].set((tokens[-1] + 1) % v))
    np.testing.assert_allclose(changed[:-1], logp[:-1], **TOL)  # causal: the last token reaches only itself


def test_selection_functions(tmp_path, key):
    path = tmp_path / "select.para"
    path.write_text("para Sharp (n : set) : [n] -> [n] = x => softmax(x, beta=4.0)\n"
                    "para First (t : list) : [t, 3] -> [t, 3] = x => hardmax(x)\n"
                    "para Column (t : list) : [t, 3] -> [t, 3] = x => hardmax(x[s, c], over s)\n"
                    "para Draw (t : list) : [t, 3] -> [t, 3] = x => sample(x, beta=2.0)\n")
    m = paradsl.load(path)
    x = jax.random.normal(key, (5,))
    np.testing.assert_allclose(m.Sharp(key=None)(x), jax.nn.softmax(4.0 * x), **TOL)
    ties = jnp.array([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0], [5.0, 1.0, 5.0]])
    np.testing.assert_array_equal(m.First(key=None)(ties), jnp.eye(3)[jnp.array([1, 0, 0])])  # the first maximum
    np.testing.assert_array_equal(m.Column(key=None)(ties), jax.nn.one_hot(jnp.array([2, 0, 2]), 3, axis=0))
    draw = m.Draw(key=None)
    np.testing.assert_array_equal(draw(ties), m.First(key=None)(ties))  # no key: the mode
    logits = jnp.array([[0.0, 0.5, -1.0]])
    counts = sum(draw(logits, key=k) for k in jax.random.split(key, 4000))[0]
    np.testing.assert_allclose(counts / 4000, jax.nn.softmax(2.0 * logits[0]), atol=0.03)


def test_map_over_an_index_set(tmp_path, key):
    path = tmp_path / "map.para"
    path.write_text("import nn\n"
                    "para Tokens(d: Nat, h: Nat) (t : list) : [t, d] -> [t, h] = map Linear(d, h) over t\n"
                    "para Norms(d: Nat) (n : set) : [n, d] -> [n, d]\n"
                    "  uses norm : LayerNorm(d)\n"
                    "  = x => x + (map norm over n)(x)\n"
                    "para Pairs(d: Nat) (n : set) : ([n, d], [n, d]) -> [n, d] = map ((a, b) => a * b + relu(a)) over n\n")
    m = paradsl.load(path)
    x = jax.random.normal(key, (5, 3))
    t = m.Tokens(3, 4, key=key)
    np.testing.assert_allclose(t(x), x @ t.linear_0.W + t.linear_0.b, **TOL)
    n = m.Norms(3, key=key)
    expected = x + (x - x.mean(-1, keepdims=True)) / jnp.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(n(x), expected, **TOL)
    np.testing.assert_allclose(m.Pairs(3, key=key)((x, x + 1)), x * (x + 1) + jax.nn.relu(x), **TOL)
    assert all(r.ok for r in paradsl.check_laws(path) if not r.skipped)
    assert str(paradsl.cost(path, "Tokens").flops) == "2*d*h*t"


def test_map_of_a_random_para_splits_the_key(tmp_path, key):
    path = tmp_path / "drop.para"
    path.write_text("import nn\npara Drop(d: Nat) (t : list) : [t, d] -> [t, d] = map Dropout(d, 0.5) over t\n")
    m = paradsl.load(path).Drop(16, key=None)
    x = jnp.ones((8, 16))
    np.testing.assert_array_equal(m(x), x)  # no key: inference, the identity
    y = m(x, key=key)
    assert set(np.unique(np.asarray(y)).tolist()) <= {0.0, 2.0}
    assert len({tuple(row) for row in np.asarray(y)}) > 1  # each token its own mask
