"""Higher-order paras: maps and semirings as hyperparameters, specialised when checked.

- An instance computes what the generic's body says with its argument put in, against jnp
  written out by hand with the module's own weights.
- The map argument's parameters are one factor of P under the binder's name: `para params`
  lists them there, and counts exactly the module's array leaves.
- One class per distinct instance, named after the generic and its arguments; the generic
  itself is not emitted, and nothing dispatches at run time.
- A list-only map passed where the block is over a set is a symmetry error at the argument.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB, assert_located, randomise

import paradsl
from paradsl.driver import check_source, compile_path, loads

TOL = dict(rtol=1e-5, atol=1e-5)

BLOCKS = """
import attention

para Block(d: Nat, mixer : [n, d] -> [n, d]) (n : set) : [n, d] -> [n, d]
  uses norm : TokenLayerNorm(d)
  = x => x + mixer(norm(x))

para Contract(S : semiring) (n : set) : [n, n] -> [n] = w => sum[S] u. w[u, v]

para Mixed(d: Nat, h: Nat) (n : set) : [n, d] -> [n, d] = Block(d, mixer = MultiHeadAttention(d, h, 2))

para Pair(d: Nat) (n : set) : [n, d] -> [n, d]
  uses a : Block(d, mixer = TokenFeedForward(d, 2 * d)), b : Block(d, TokenFeedForward(d, 2 * d)),
       c : Block(d, mixer = TokenLayerNorm(d))
  = a >> b >> c

para Shortest (n : set) : [n, n] -> [n] = Contract(S = MinPlus)
para Longest (n : set) : [n, n] -> [n] = Contract(S = MaxPlus)

para Sharp(d: Nat, h: Nat) (n : set) : [n, d] -> [n, d]
  = SelfAttention(d, h, 2, select = SoftmaxAt(h, 3.0))

para Hard(d: Nat, h: Nat) (n : set) : [n, d] -> [n, d]
  = SelfAttention(d, h, 2, select = Hardmax(h))
"""


@pytest.fixture(scope="module")
def blocks():
    return loads(BLOCKS, "blocks.para")


def _norm(p, v):
    mu = v.mean(-1, keepdims=True)
    return (v - mu) / jnp.sqrt(((v - mu) ** 2).mean(-1, keepdims=True) + 1e-5) * p.gamma + p.beta


def _attention(m, x, select):
    q, ks, vs = (jnp.einsum("ia,agc->igc", x, w) for w in (m.Wq, m.Wk, m.Wv))
    logits = jnp.einsum("igc,jgc->gij", q, ks) / jnp.sqrt(m.Wq.shape[-1])
    return jnp.einsum("igc,gce->ie", jnp.einsum("gij,jgc->igc", select(logits), vs), m.Wo)


def test_an_instance_with_attention_equals_the_block_by_hand(blocks, key):
    d, h, n = 6, 3, 5
    m = randomise(blocks.Mixed(d, h, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))
    expected = x + _attention(m.mixer, _norm(m.norm, x), lambda lg: jax.nn.softmax(lg, axis=-1))
    np.testing.assert_allclose(m(x), expected, **TOL)


def test_instances_of_other_mixers_compose(blocks, key):
    d, n = 4, 7
    m = randomise(blocks.Pair(d, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))

    def ff(p, v):
        return jax.nn.gelu(v @ p.W1 + p.b1) @ p.W2 + p.b2

    y = x + ff(m.a.mixer, _norm(m.a.norm, x))
    y = y + ff(m.b.mixer, _norm(m.b.norm, y))
    y = y + _norm(m.c.mixer, _norm(m.c.norm, y))
    np.testing.assert_allclose(m(x), y, **TOL)


def test_selections_are_arguments_of_attention(blocks, key):
    d, h, n = 6, 2, 5
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))
    sharp = randomise(blocks.Sharp(d, h, key=key), jax.random.fold_in(key, 1), 0.5)
    np.testing.assert_allclose(sharp(x), _attention(sharp, x, lambda lg: jax.nn.softmax(3.0 * lg, axis=-1)), **TOL)
    hard = randomise(blocks.Hard(d, h, key=key), jax.random.fold_in(key, 1), 0.5)
    one_hot = lambda lg: jax.nn.one_hot(jnp.argmax(lg, axis=-1), lg.shape[-1])
    np.testing.assert_allclose(hard(x), _attention(hard, x, one_hot), **TOL)


def test_a_semiring_argument_chooses_the_contraction(blocks, key):
    w = jax.random.normal(key, (6, 6))
    np.testing.assert_allclose(blocks.Shortest(key=None)(w), w.min(0), **TOL)
    np.testing.assert_allclose(blocks.Longest(key=None)(w), w.max(0), **TOL)


def test_one_class_per_distinct_instance_and_none_for_the_generic(tmp_path):
    path = tmp_path / "blocks.para"
    path.write_text(BLOCKS)
    source = compile_path(path)
    assert "class Block(" not in source and "class Contract(" not in source
    assert source.count("class Block_TokenFeedForward(") == 1  # `a` and `b` share it
    assert "class Block_TokenLayerNorm(" in source
    assert "self.b = Block_TokenFeedForward(d, key=" in source
    assert "semiring_contract('min'" in source and "semiring_contract('max'" in source


def test_a_map_argument_is_a_factor_of_p_under_its_name(tmp_path, key):
    path = tmp_path / "blocks.para"
    path.write_text(BLOCKS)
    report = paradsl.params(path, "Mixed")
    assert [r.path for r in report.rows] == ["mixer.Wq", "mixer.Wk", "mixer.Wv", "mixer.Wo", "norm.gamma",
                                              "norm.beta"]
    m = paradsl.load(path).Mixed(6, 3, key=key)
    leaves = jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array))
    assert len(leaves) == len(report.rows)
    assert sum(leaf.size for leaf in leaves) == report.Q.evaluate({"d": 6, "h": 3})


def test_the_stdlib_blocks_are_instances(key):
    report = paradsl.params(STDLIB / "attention.para", "DecoderBlock")
    assert [r.path.split(".")[0] for r in report.rows][:4] == ["attn"] * 4
    lm = paradsl.load(STDLIB / "attention.para").TinyLM(7, 4, 2, 2, 8, key=key)
    assert type(lm.b1.attn).__name__ == "CausalAttention"


@pytest.mark.parametrize("arg, code, col", [
    ("CausalAttention(8, 2, 4)", "E0902", 58),
    ("MultiHeadAttention(16, 2, 4)", "E0901", 58),
    ("3", "E0903", 58),
])
def test_a_wrong_map_argument_is_reported_at_the_argument(arg, code, col):
    text = BLOCKS.split("para Contract")[0] + f"para Use (n : set) : [n, 8] -> [n, 8] = Block(8, mixer = {arg})\n"
    result = check_source(text, "use.para")
    assert_located(result)
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [(code, 8, col)]


CHOICE = """
para Choose(d: Nat, mode: Nat, soft: Bool = true) : [d] -> [d]
  = x => if mode == 0 then softmax(x) else if mode == 1 and soft then exp(x) else x * 2.0
para Masked (n : set) : [n] -> [n] = x => for i. if x[i] > 0.0 then x[i] else 0.0
"""


def test_an_if_on_hyperparameters_is_decided_when_the_module_is_built(tmp_path, key):
    path = tmp_path / "choice.para"
    path.write_text(CHOICE)
    source = compile_path(path)
    choose = source[source.index("class Choose"):source.index("class Masked")]
    assert "jnp.where" not in choose and "if self.mode == 0" in choose
    assert "jnp.where" in source[source.index("class Masked"):]  # a condition on the input stays
    m = paradsl.load(path)
    x = jax.random.normal(key, (5,))
    expected = {(0, True): jax.nn.softmax(x), (1, True): jnp.exp(x), (1, False): 2.0 * x, (2, True): 2.0 * x}
    for (mode, soft), want in expected.items():
        np.testing.assert_allclose(jax.jit(m.Choose(5, mode, soft))(x), want, **TOL)
    np.testing.assert_allclose(m.Masked(key=None)(x), jnp.maximum(x, 0.0), **TOL)


def test_the_branch_not_taken_is_not_traced(tmp_path):
    path = tmp_path / "choice.para"
    path.write_text(CHOICE)
    jaxpr = jax.make_jaxpr(paradsl.load(path).Choose(4, 2))(jnp.ones(4))
    names = {e.primitive.name for e in jaxpr.jaxpr.eqns}
    assert "exp" not in names and "select_n" not in names and "mul" in names
