"""Ties on the leaves of a repeat, against the same modules written out by hand.

A repeated use's leaves are leaves of P like any other (docs/reference.md, section 6): a
stacked leaf has the copies' leading axis, and a tie gives it whole, so
- a tie inside the block ties each copy's leaves to its own (`dec.W = transpose(enc.W)` in
  every copy), stacked or shared;
- a tie from outside gives a stacked leaf copy by copy (`for l i j. layers.a.W[l, j, i]`),
  the one copy of a shared repeat, or a leaf of a stack two levels down (its type has the
  leading axis there too);
- the read-out of a decoder whose blocks are repeated is tied to its embedding as without
  the repeat; two stacks of as many copies are tied copy to copy; a shared repeat is tied
  to one use;
- `repeat n B(...) via R` reparameterises the stack: R gives the stacked leaves.
Each module equals its body written in jnp, and `para params` gives |Q| = the module's
array leaves and |P| = every copy's leaves before ties.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import randomise

import paradsl
from paradsl.analysis import params

TOL = dict(rtol=1e-5, atol=1e-5)
D, K, R, V, DEPTH = 4, 3, 2, 7, 3

SOURCE = """
import nn
para AE(d: Nat, k: Nat) : [d] -> [d]
  uses enc : Linear(d, k), dec : Linear(k, d)
  tie dec.W = transpose(enc.W)
  = enc >> tanh >> dec
para DeepAE(d: Nat, k: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth AE(d, k)
  = layers
para SharedAE(d: Nat, k: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth shared AE(d, k)
  = layers
para Pair(d: Nat) : [d] -> [d]
  uses a : LinearNoBias(d, d), b : LinearNoBias(d, d)
  = a >> tanh >> b
para CopyByCopy(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Pair(d)
  tie layers.b.W = for l i j. layers.a.W[l, j, i]
  = layers
para SharedOuter(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth shared Pair(d)
  tie layers.b.W = transpose(layers.a.W)
  = layers
para LM(v: Nat, d: Nat, depth: Nat) : i32 -> [v]
  uses emb : Embedding(v, d), layers : repeat depth Pair(d), out : LinearNoBias(d, v)
  tie out.W = transpose(emb.E)
  = emb >> layers >> out
para TwoStacks(d: Nat, depth: Nat) : [d] -> [d]
  uses s1 : repeat depth Pair(d), s2 : repeat depth Pair(d)
  tie s2 = s1
  = s1 >> s2
para SharedToOne(d: Nat, depth: Nat) : [d] -> [d]
  uses l1 : Pair(d), layers : repeat depth shared Pair(d)
  tie layers = l1
  = l1 >> layers
para Deep(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Pair(d)
  = layers
para Above(d: Nat, depth: Nat) : [d] -> [d]
  params S : [depth, d, d] ~ glorot
  uses deep : Deep(d, depth)
  tie deep.layers.a.W = for l i j. 2.0 * S[l, i, j]
  = deep
reparam StackLowRank(depth: Nat, d: Nat, r: Nat) : ([depth, d, r], [depth, r, d]) => [depth, d, d]
  = (u, v) => for l i j. sum s. u[l, i, s] * v[l, s, j]
para ViaStack(d: Nat, r: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth LinearNoBias(d, d) via StackLowRank(depth, d, r)
  = layers
"""


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("ties") / "ties.para"
    p.write_text(SOURCE)
    return p


@pytest.fixture(scope="module")
def mod(path):
    return paradsl.load(path)


def _leaves(m) -> int:
    return sum(int(np.prod(a.shape)) for a in jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array)))


def _ae(enc_w, enc_b, dec_b, x):
    return jnp.tanh(x @ enc_w + enc_b) @ enc_w.T + dec_b


def _pair(a, b, x):
    return jnp.tanh(x @ a) @ b


def _counts(path, name: str, sizes: dict[str, int]) -> tuple[int, int]:
    r = params.params(path, name)
    return r.P.evaluate(sizes), r.Q.evaluate(sizes)


def test_a_tie_inside_the_block_ties_each_copy_to_itself(path, mod, key):
    m = randomise(mod.DeepAE(D, K, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    assert m.layers.dec.W is None  # computed from each copy's enc.W, not stored
    x = jax.random.normal(key, (D,))
    h = x
    for i in range(DEPTH):
        h = _ae(m.layers.enc.W[i], m.layers.enc.b[i], m.layers.dec.b[i], h)
    np.testing.assert_allclose(m(x), h, **TOL)
    block_p, block_q = 2 * D * K + K + D, D * K + K + D
    assert _counts(path, "DeepAE", dict(d=D, k=K, depth=DEPTH)) == (DEPTH * block_p, DEPTH * block_q)
    assert _leaves(m) == DEPTH * block_q


def test_a_tie_inside_a_shared_block_counts_every_application_in_p(path, mod, key):
    m = randomise(mod.SharedAE(D, K, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for _ in range(DEPTH):
        h = _ae(m.layers.enc.W, m.layers.enc.b, m.layers.dec.b, h)
    np.testing.assert_allclose(m(x), h, **TOL)
    block_p, block_q = 2 * D * K + K + D, D * K + K + D
    assert _counts(path, "SharedAE", dict(d=D, k=K, depth=DEPTH)) == (DEPTH * block_p, block_q)
    assert _leaves(m) == block_q


def test_a_tie_from_outside_gives_a_stacked_leaf_copy_by_copy(path, mod, key):
    m = randomise(mod.CopyByCopy(D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for i in range(DEPTH):
        h = _pair(m.layers.a.W[i], m.layers.a.W[i].T, h)
    np.testing.assert_allclose(m(x), h, **TOL)
    assert _counts(path, "CopyByCopy", dict(d=D, depth=DEPTH)) == (2 * DEPTH * D * D, DEPTH * D * D)
    assert _leaves(m) == DEPTH * D * D
    g = jax.grad(lambda mm: jnp.sum(mm(x) ** 2))(m)  # the tied copies carry gradient to a.W
    plain = jax.grad(lambda w: jnp.sum(_by_copies(w, x) ** 2))(m.layers.a.W)
    np.testing.assert_allclose(g.layers.a.W, plain, **TOL)


def _by_copies(w, x):
    for i in range(w.shape[0]):
        x = _pair(w[i], w[i].T, x)
    return x


def test_a_tie_from_outside_on_a_shared_copy(path, mod, key):
    m = randomise(mod.SharedOuter(D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for _ in range(DEPTH):
        h = _pair(m.layers.a.W, m.layers.a.W.T, h)
    np.testing.assert_allclose(m(x), h, **TOL)
    assert _counts(path, "SharedOuter", dict(d=D, depth=DEPTH)) == (2 * DEPTH * D * D, D * D)
    assert _leaves(m) == D * D


def test_the_read_out_of_a_decoder_with_repeated_blocks_is_tied_to_its_embedding(path, mod, key):
    m = randomise(mod.LM(V, D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    tok = jnp.int32(3)
    h = m.emb.E[tok]
    for i in range(DEPTH):
        h = _pair(m.layers.a.W[i], m.layers.b.W[i], h)
    np.testing.assert_allclose(m(tok), h @ m.emb.E.T, **TOL)
    q = V * D + 2 * DEPTH * D * D
    assert _counts(path, "LM", dict(v=V, d=D, depth=DEPTH)) == (q + D * V, q)
    assert _leaves(m) == q


def test_two_stacks_of_as_many_copies_are_tied_copy_to_copy(path, mod, key):
    m = randomise(mod.TwoStacks(D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for _ in range(2):
        for i in range(DEPTH):
            h = _pair(m.s1.a.W[i], m.s1.b.W[i], h)
    np.testing.assert_allclose(m(x), h, **TOL)
    assert _counts(path, "TwoStacks", dict(d=D, depth=DEPTH)) == (4 * DEPTH * D * D, 2 * DEPTH * D * D)
    assert _leaves(m) == 2 * DEPTH * D * D


def test_a_shared_repeat_is_tied_to_one_use(path, mod, key):
    m = randomise(mod.SharedToOne(D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for _ in range(DEPTH + 1):
        h = _pair(m.l1.a.W, m.l1.b.W, h)
    np.testing.assert_allclose(m(x), h, **TOL)
    assert _counts(path, "SharedToOne", dict(d=D, depth=DEPTH)) == ((DEPTH + 1) * 2 * D * D, 2 * D * D)
    assert _leaves(m) == 2 * D * D


def test_a_stacked_leaf_two_levels_down_has_its_leading_axis(path, mod, key):
    m = randomise(mod.Above(D, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(key, (D,))
    h = x
    for i in range(DEPTH):
        h = _pair(2.0 * m.S[i], m.deep.layers.b.W[i], h)
    np.testing.assert_allclose(m(x), h, **TOL)
    assert _counts(path, "Above", dict(d=D, depth=DEPTH)) == (3 * DEPTH * D * D, 2 * DEPTH * D * D)
    assert _leaves(m) == 2 * DEPTH * D * D


def test_a_repeat_via_a_reparam_gives_the_stacked_leaves(path, mod, key):
    m = randomise(mod.ViaStack(D, R, DEPTH, key=key), jax.random.fold_in(key, 1), 0.5)
    assert m.layers_u.shape == (DEPTH, D, R) and m.layers_v.shape == (DEPTH, R, D)
    x = jax.random.normal(key, (D,))
    h = x
    for i in range(DEPTH):
        h = h @ (m.layers_u[i] @ m.layers_v[i])
    np.testing.assert_allclose(m(x), h, **TOL)
    r = params.params(path, "ViaStack")
    at = dict(d=D, r=R, depth=DEPTH)
    assert r.Q.evaluate(at) == _leaves(m) == 2 * DEPTH * D * R
    assert r.P.evaluate(at) == DEPTH * D * D
