"""Compiled stdlib layers against equinox.nn given the same weights, under jit, grad and vmap."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import randomise

TOL = dict(rtol=1e-5, atol=1e-5)


def _eqx_mlp_from(m, key):
    ref = eqx.nn.MLP(m.d_in, m.d_out, m.d_hidden, depth=1, activation=jax.nn.relu, key=key)
    ref = eqx.tree_at(lambda r: r.layers[0].weight, ref, m.linear_0.W.T)
    ref = eqx.tree_at(lambda r: r.layers[0].bias, ref, m.linear_0.b)
    ref = eqx.tree_at(lambda r: r.layers[1].weight, ref, m.linear_1.W.T)
    return eqx.tree_at(lambda r: r.layers[1].bias, ref, m.linear_1.b)




def test_mlp_matches_equinox(nn, key):
    k1, k2, k3 = jax.random.split(key, 3)
    m = randomise(nn.MLP(d_in=8, d_hidden=32, d_out=3, key=k1), k2)
    ref = _eqx_mlp_from(m, k1)
    xs = jax.random.normal(k3, (16, 8))
    ours = jax.jit(jax.vmap(m))(xs)
    theirs = eqx.filter_jit(eqx.filter_vmap(ref))(xs)
    np.testing.assert_allclose(ours, theirs, **TOL)

    def loss(model, x):
        return jnp.sum(jax.vmap(lambda xi: model(xi))(x) ** 2)

    # Our modules hold only arrays and static fields, so plain jax.jit/grad take them whole.
    g_ours = jax.jit(jax.grad(loss))(m, xs)
    g_ref = eqx.filter_jit(eqx.filter_grad(loss))(ref, xs)
    np.testing.assert_allclose(g_ours.linear_0.W.T, g_ref.layers[0].weight, **TOL)
    np.testing.assert_allclose(g_ours.linear_1.b, g_ref.layers[1].bias, **TOL)
    gx_ours = jax.grad(lambda x: jnp.sum(m(x) ** 3))(xs[0])
    gx_ref = jax.grad(lambda x: jnp.sum(ref(x) ** 3))(xs[0])
    np.testing.assert_allclose(gx_ours, gx_ref, **TOL)


def test_layernorm_matches_equinox(nn, key):
    k1, k2, k3 = jax.random.split(key, 3)
    m = randomise(nn.LayerNorm(d=24, key=k1), k2)
    ref = eqx.nn.LayerNorm(24, eps=1e-5)
    ref = eqx.tree_at(lambda r: r.weight, ref, m.gamma)
    ref = eqx.tree_at(lambda r: r.bias, ref, m.beta)
    xs = 3.0 * jax.random.normal(k3, (10, 24)) + 1.0
    np.testing.assert_allclose(jax.jit(jax.vmap(m))(xs), eqx.filter_jit(eqx.filter_vmap(ref))(xs), **TOL)
    g_ours = jax.grad(lambda x: jnp.sum(jnp.sin(m(x))))(xs[0])
    g_ref = jax.grad(lambda x: jnp.sum(jnp.sin(ref(x))))(xs[0])
    np.testing.assert_allclose(g_ours, g_ref, **TOL)
    gm = jax.grad(lambda mm: jnp.sum(jax.vmap(mm)(xs) ** 2))(m)
    gr = eqx.filter_grad(lambda rr: jnp.sum(jax.vmap(lambda xi: rr(xi))(xs) ** 2))(ref)
    np.testing.assert_allclose(gm.gamma, gr.weight, **TOL)
    np.testing.assert_allclose(gm.beta, gr.bias, **TOL)


def test_linear_is_affine(nn, key):
    m = randomise(nn.Linear(5, 7, key=key), jax.random.key(1))
    x = jnp.arange(5.0)
    np.testing.assert_allclose(m(x), x @ m.W + m.b, **TOL)


def test_embedding_looks_up_rows(nn, key):
    m = nn.Embedding(10, 4, key=key)
    toks = jnp.array([3, 0, 9], dtype=jnp.int32)
    np.testing.assert_allclose(jax.vmap(m)(toks), m.E[toks], **TOL)


def test_dropout_is_identity_without_key_and_scales_with_one(nn, key):
    m = nn.Dropout(1000, p=0.5, key=key)
    x = jnp.ones(1000)
    np.testing.assert_array_equal(m(x), x)
    y = m(x, key=jax.random.key(3))
    kept = y != 0
    assert 350 < int(kept.sum()) < 650
    np.testing.assert_allclose(y[kept], 2.0)


@pytest.mark.parametrize("name", ["MLP", "LayerNorm", "Linear"])
def test_modules_serialise(nn, key, tmp_path, name):
    args = {"MLP": (3, 4, 2), "LayerNorm": (3,), "Linear": (3, 2)}[name]
    m = getattr(nn, name)(*args, key=key)
    eqx.tree_serialise_leaves(tmp_path / "m.eqx", m)
    like = getattr(nn, name)(*args, key=jax.random.key(9))
    back = eqx.tree_deserialise_leaves(tmp_path / "m.eqx", like)
    x = jnp.linspace(-1, 1, 3)
    np.testing.assert_allclose(back(x), m(x))
