"""Repetition, `uses layers : repeat n Block(...)`, against N blocks stacked by hand.

- The depth-N Transformer encoder and the decoder-only LM of stdlib/models.para equal N
  stdlib blocks applied in sequence, each given the weights of one slice of the stacked
  copies, to 1e-5; the shared form equals one block applied N times.
- `para params`: |Q| of the stacked form equals the array leaves of the built module, N
  copies of the block's; the shared form stores one block (|Q| = |block|) and counts N in
  |P|, the copies 2..N tied to the first; `para cost` counts the block N times.
- The jaxpr of the stacked form does not grow with N: one scan, its body traced once.
"""

from __future__ import annotations

import re

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, randomise

import paradsl
from paradsl.analysis import cost, params

TOL = dict(rtol=1e-5, atol=1e-5)
D, H, K, F = 8, 2, 4, 16


@pytest.fixture(scope="module")
def models():
    return paradsl.load(STDLIB / "models.para")


@pytest.fixture(scope="module")
def attention():
    return paradsl.load(STDLIB / "attention.para")


def _copies(stacked, depth: int, make) -> list:
    """N blocks made on their own by `make` (a class of a separately loaded module), each
    given the i-th slice of every array leaf of the stack."""
    arrays = jax.tree_util.tree_leaves(eqx.filter(stacked, eqx.is_array))
    out = []
    for i in range(depth):
        block = make()
        leaves, treedef = jax.tree_util.tree_flatten(eqx.filter(block, eqx.is_array))
        assert [a.shape[1:] for a in arrays] == [a.shape for a in leaves]
        sliced = jax.tree_util.tree_unflatten(treedef, [a[i] for a in arrays])
        out.append(eqx.combine(sliced, block))
    return out


def _leaves(m) -> int:
    return sum(int(np.prod(a.shape)) for a in jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array)))


@pytest.mark.parametrize("depth", [1, 3])
def test_encoder_equals_blocks_stacked_by_hand(models, attention, key, depth):
    m = randomise(models.TransformerEncoder(D, H, K, F, depth, key=key), jax.random.fold_in(key, 1), 0.3)
    x = jax.random.normal(jax.random.fold_in(key, 2), (6, D))
    blocks = _copies(m.layers, depth, lambda: attention.TransformerBlock(D, H, K, F, key=key))
    h = x
    for b in blocks:  # by hand: the stdlib block, its weights one slice of the stack
        h = b(h)
    np.testing.assert_allclose(m(x), m.norm(h), **TOL)
    # The copies differ: each was made from a key of its own.
    fresh = models.TransformerEncoder(D, H, K, F, 2, key=key)
    assert not np.allclose(fresh.layers.attn.Wq[0], fresh.layers.attn.Wq[1])


def test_decoder_lm_equals_blocks_stacked_by_hand(models, attention, key):
    v, depth, t = 13, 3, 7
    m = randomise(models.DecoderLM(v, D, H, K, F, depth, key=key), jax.random.fold_in(key, 1), 0.3)
    tokens = jax.random.randint(jax.random.fold_in(key, 2), (t,), 0, v)
    h = m.pos(m.E[tokens])
    for b in _copies(m.layers, depth, lambda: attention.DecoderBlock(D, H, K, F, key=key)):
        h = b(h)
    ref = jax.nn.log_softmax(m.norm(h) @ m.E.T, axis=-1)
    np.testing.assert_allclose(m(tokens), ref, **TOL)


def test_shared_encoder_applies_one_block_depth_times(models, key):
    depth = 4
    m = randomise(models.SharedEncoder(D, H, K, F, depth, key=key), jax.random.fold_in(key, 1), 0.3)
    x = jax.random.normal(jax.random.fold_in(key, 2), (5, D))
    h = x
    for _ in range(depth):
        h = m.layers(h)
    np.testing.assert_allclose(m(x), m.norm(h), **TOL)
    g = jax.grad(lambda mm: jnp.sum(mm(x) ** 2))(m)  # a loop of static trip count: differentiable
    assert np.isfinite(g.layers.attn.Wq).all() and np.abs(g.layers.attn.Wq).sum() > 0


def test_q_of_the_stack_is_the_module_array_leaves(models, key):
    sizes = dict(d=D, h=H, k=K, f=F)
    block = params.params(STDLIB / "attention.para", "TransformerBlock").Q.evaluate(sizes)
    norm = 2 * D
    for depth in (1, 5):
        r = params.params(STDLIB / "models.para", "TransformerEncoder")
        at = {**sizes, "depth": depth}
        m = models.TransformerEncoder(D, H, K, F, depth, key=key)
        assert r.Q.evaluate(at) == r.P.evaluate(at) == _leaves(m) == depth * block + norm
        row = next(x for x in r.rows if x.path == "layers.attn.Wq")
        assert str(row.type) == "[depth, d, h, k]"


def test_shared_form_counts_one_block_in_q_and_depth_in_p(models, key):
    sizes = dict(d=D, h=H, k=K, f=F, depth=6)
    block = params.params(STDLIB / "attention.para", "TransformerBlock").Q.evaluate(sizes)
    r = params.params(STDLIB / "models.para", "SharedEncoder")
    m = models.SharedEncoder(D, H, K, F, 6, key=key)
    assert r.Q.evaluate(sizes) == _leaves(m) == block + 2 * D
    assert r.P.evaluate(sizes) == 6 * block + 2 * D
    tied = [x for x in r.rows if x.status == "tied"]
    assert tied and all("layers[i] = layers[0]" in (x.tie or "") for x in tied)
    assert "copy 2-cell" in r.format(sizes)


def test_cost_counts_the_block_depth_times():
    sizes = dict(d=D, h=H, k=K, f=F, n=10)
    one = cost.cost(STDLIB / "attention.para", "TransformerBlock").flops.evaluate(sizes)
    for name in ("TransformerEncoder", "SharedEncoder"):
        r = cost.cost(STDLIB / "models.para", name)
        assert r.flops.evaluate({**sizes, "depth": 5}) - r.flops.evaluate({**sizes, "depth": 1}) == 4 * one


def test_the_stack_traces_one_body_whatever_the_depth(models, key):
    x = jnp.zeros((6, D))

    def size(depth: int) -> int:
        m = models.TransformerEncoder(D, H, K, F, depth, key=key)
        text = str(jax.make_jaxpr(lambda mm, v: mm(v))(m, x))
        assert text.count("scan[") == 1
        return len(re.sub(r"[0-9]+", "0", text))  # the depth shows only as a number: N in shapes

    assert size(32) == size(2)


def test_repeat_is_permutation_equivariant_as_its_block():
    sizes = dict(d=4, h=2, k=2, f=8, depth=3, n=5)
    results = paradsl.check_laws(STDLIB / "models.para", "TransformerEncoder", sizes=sizes)
    assert [r.para for r in results] == ["TransformerEncoder"]
    assert all(r.ok and not r.skipped for r in results), results


def test_blocks_drawing_nothing_repeat_alike(tmp_path, key):
    """A block without parameters, and one whose parameters start at zeros, repeat too: the
    copies need no keys, and the scan's length is the count, not read off a leaf."""
    path = tmp_path / "plain.para"
    path.write_text("""
para Tanh(d: Nat) : [d] -> [d] = x => tanh(x)
para Shift(d: Nat) : [d] -> [d]
  params b : [d] ~ zeros
  = x => 0.5 * x + b
para DeepTanh(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Tanh(d)
  = layers
para DeepShift(d: Nat) : [d] -> [d]
  uses layers : repeat 3 Shift(d)
  = layers
""")
    mod = paradsl.load(path)
    x = jax.random.normal(key, (4,))
    np.testing.assert_allclose(mod.DeepTanh(4, 3)(x), jnp.tanh(jnp.tanh(jnp.tanh(x))), **TOL)
    m = randomise(mod.DeepShift(4), key)
    assert m.layers.b.shape == (3, 4)
    b = m.layers.b
    np.testing.assert_allclose(m(x), 0.5 * (0.5 * (0.5 * x + b[0]) + b[1]) + b[2], **TOL)
