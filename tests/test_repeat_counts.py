"""Repetition to a size: `repeat (2 * depth) Block(d)`, `repeat (depth - 1) shared Block(d)`.

- The count is a size of numbers and `Nat` hyperparameters, in both forms: the stacked copies
  number its value, and the call equals the block applied that many times by hand.
- `para params` shows the stacked axis as the size written (`[2*depth, d, d]`); |Q| equals
  the array leaves of the built module and |P| counts every application; `para cost` counts
  the block the count's times.
- A count the hyperparameters given at construction make negative is refused there, naming
  the size, rather than a loop run no times.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import randomise

import paradsl
from paradsl.analysis import cost, params

TOL = dict(rtol=1e-5, atol=1e-5)

SOURCE = """
para Block(d: Nat) : [d] -> [d]
  params W : [d, d] ~ glorot, b : [d] ~ zeros
  = x => tanh(for i. (sum j. W[i, j] * x[j]) + b[i])
para Twice(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat (2 * depth + 1) Block(d)
  = layers
para AllButOne(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat (depth - 1) shared Block(d)
  = layers
para Product(d: Nat, a: Nat, b: Nat) : [d] -> [d]
  uses layers : repeat (a * (b + 1)) Block(d)
  = layers
"""


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("counts") / "counts.para"
    p.write_text(SOURCE)
    return p


@pytest.fixture(scope="module")
def mod(path):
    return paradsl.load(path)


def _leaves(m) -> int:
    return sum(int(np.prod(a.shape)) for a in jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array)))


def _by_hand(W, b, x, n: int):
    for i in range(n):
        x = jnp.tanh(W[i] @ x + b[i])
    return x


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_a_count_of_sizes_stacks_that_many_copies(mod, key, depth):
    d = 4
    m = randomise(mod.Twice(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    assert m.layers.W.shape == (2 * depth + 1, d, d)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    np.testing.assert_allclose(m(x), _by_hand(m.layers.W, m.layers.b, x, 2 * depth + 1), **TOL)


def test_a_product_count(mod, key):
    d, a, b = 3, 2, 2
    m = randomise(mod.Product(d, a, b, key=key), jax.random.fold_in(key, 1), 0.5)
    assert m.layers.W.shape == (a * (b + 1), d, d)
    x = jax.random.normal(key, (d,))
    np.testing.assert_allclose(m(x), _by_hand(m.layers.W, m.layers.b, x, a * (b + 1)), **TOL)


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_the_shared_form_applies_one_block_the_count_of_times(mod, key, depth):
    d = 4
    m = randomise(mod.AllButOne(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    ref = x
    for _ in range(depth - 1):
        ref = jnp.tanh(m.layers.W @ ref + m.layers.b)
    np.testing.assert_allclose(m(x), ref, **TOL)


def test_a_negative_count_is_refused_at_construction(mod, key):
    with pytest.raises(ValueError, match=r"AllButOne\(depth=0\): the size depth - 1 is -1"):
        mod.AllButOne(4, 0, key=key)


@pytest.mark.parametrize("depth", [0, 2, 4])
def test_params_of_a_count_of_sizes_are_the_module_leaves(path, mod, key, depth):
    d = 3
    block = d * d + d
    r = params.params(path, "Twice")
    at = dict(d=d, depth=depth)
    assert r.Q.evaluate(at) == r.P.evaluate(at) == _leaves(mod.Twice(d, depth, key=key)) == (2 * depth + 1) * block
    row = next(x for x in r.rows if x.path == "layers.W")
    assert str(row.type) == "[2*depth + 1, d, d]"
    p = params.params(path, "Product")
    at = dict(d=d, a=2, b=depth)
    assert p.Q.evaluate(at) == _leaves(mod.Product(d, 2, depth, key=key)) == 2 * (depth + 1) * block


@pytest.mark.parametrize("depth", [1, 3])
def test_params_of_a_shared_count_store_one_block_and_count_every_application(path, mod, key, depth):
    d = 3
    block = d * d + d
    r = params.params(path, "AllButOne")
    at = dict(d=d, depth=depth)
    assert r.Q.evaluate(at) == _leaves(mod.AllButOne(d, depth, key=key)) == block
    assert r.P.evaluate(at) == (depth - 1) * block
    assert "0 < i < depth - 1" in r.format(at)


def test_cost_counts_the_block_the_count_of_times(path):
    d = 4
    r = cost.cost(path, "Block").flops.evaluate(dict(d=d))
    for name, count in (("Twice", lambda n: 2 * n + 1), ("AllButOne", lambda n: n - 1)):
        c = cost.cost(path, name)
        for depth in (1, 4):
            assert c.flops.evaluate(dict(d=d, depth=depth)) == count(depth) * r, name
