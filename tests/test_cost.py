"""`para cost`: parameters, activation memory and FLOPs as polynomials, against the emitted
module's leaves and against counts made by hand."""

from __future__ import annotations

import equinox as eqx
import jax
import numpy as np
import pytest
from conftest import EXAMPLES, STDLIB, para_cli

import paradsl
from paradsl.analysis.cost import pretty
from paradsl.types import Poly

SIZES = dict(d=16, h=4, k=8, f=32, n=10)


def poly(text: str) -> Poly:
    """A polynomial from `2*d*n + h*n^2`-style text, for writing expected counts by hand."""
    out = Poly.const(0)
    for term in text.replace(" ", "").split("+"):
        p = Poly.const(1)
        for factor in term.split("*"):
            if factor.isdigit():
                p = p * Poly.const(int(factor))
            else:
                name, _, power = factor.partition("^")
                for _ in range(int(power or 1)):
                    p = p * Poly.var(name)
        out = out + p
    return out


@pytest.fixture(scope="module")
def block_cost():
    return paradsl.cost(STDLIB / "attention.para", "TransformerBlock")


def test_parameter_count_is_the_modules(block_cost):
    module = paradsl.load(STDLIB / "attention.para")
    m = module.TransformerBlock(SIZES["d"], SIZES["h"], SIZES["k"], SIZES["f"], key=jax.random.key(0))
    stored = sum(int(np.size(l)) for l in jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array)))
    assert block_cost.params_free.evaluate(SIZES) == stored
    # by hand: four [d, h, k] projections, two norms (2d each), a d -> f -> d network
    assert block_cost.params_free == poly("4*d*h*k + 2*2*d + d*f + f + f*d + d")


def test_attention_logits_memory_is_h_n_squared(block_cost):
    logits = block_cost.activation("attn.logits")
    assert pretty(logits.elements) == "h*n^2" and logits.type == "[h, n, n]"
    assert any("attn.logits" in w and "quadratically" in w for w in block_cost.warnings())
    assert not any("attn.q " in w for w in block_cost.warnings())
    assert block_cost.warnings(max_degree=3) == []


def test_flops_agree_with_a_hand_count(block_cost):
    # attention: q, k and v projections (2*n*d*h*k each), logits and their product with the
    # values (2*h*n^2*k each), the output projection (2*n*h*k*d); the feed-forward network
    # 2*n*d*f twice. Norms, softmax and activations are not contractions.
    by_hand = poly("3*2*n*d*h*k + 2*h*n^2*k + 2*h*n^2*k + 2*n*h*k*d + 2*n*d*f + 2*n*f*d")
    assert block_cost.flops == by_hand


def test_fold_flops_scale_with_length():
    r = paradsl.cost(STDLIB / "rnn.para", "ElmanRNN")
    # per step: x @ W (2*d_in*d_h) and h @ U (2*d_h^2), t steps
    assert r.flops == poly("2*d_in*d_h*t + 2*d_h^2*t")


def test_min_plus_product_cost():
    r = paradsl.cost(STDLIB / "graph.para", "MinPlusProduct")
    assert r.flops == poly("2*n^3") and r.memory == poly("n^2")


def test_cost_cli(tmp_path):
    run = ["cost", str(STDLIB / "attention.para"), "TransformerBlock", "--size", "n=4096", "d=64", "h=4", "k=16",
           "f=256"]
    r = para_cli(*run)
    assert r.returncode == 0, r.stderr
    assert "attn.logits" in r.stdout and "h*n^2 = 67,108,864" in r.stdout and "warning:" in r.stdout
    r = para_cli(*run, "--max-degree", "3")
    assert "warning:" not in r.stdout
    r = para_cli("cost", str(EXAMPLES / "mlp.para"), "Nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_commands_reach_imported_paras_the_file_does_not_use(tmp_path):
    path = tmp_path / "imports.para"
    path.write_text("import attention\npara Id(d: Nat) : [d] -> [d] = x => x\n")
    assert paradsl.cost(path, "TransformerBlock").params_free == poly("4*d*h*k + 2*2*d + d*f + f + f*d + d")
    assert paradsl.params(path, "MultiHeadAttention").Q == poly("4*d*h*k")
    assert all(r.ok for r in paradsl.check_laws(path, "DotProductAttention"))
    r = para_cli("cost", str(path), "TransformerBlock")
    assert r.returncode == 0 and "attn.logits" in r.stdout
