"""Random blocks repeated: dropout and `sample` in `repeat n Block(...)` and its shared form.

Each copy (and each application of a shared block) is given a key of its own, the call's
key for the use split `depth` ways and scanned along with the copies, as one writes it in
JAX by hand. So with a key the module equals the blocks applied one by one, block i given
`jax.random.split(k, depth)[i]`, and the masks of the layers differ; without a key it is
deterministic, each block as it is at inference.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import randomise

import paradsl

TOL = dict(rtol=1e-5, atol=1e-5)

SOURCE = """
para Noisy(d: Nat) : [d] -> [d]
  params W : [d, d] ~ glorot
  = x => dropout(tanh(for i. sum j. W[i, j] * x[j]), 0.5)
para Drop(d: Nat) : [d] -> [d] = x => dropout(x, 0.5)
para Pick(d: Nat) : [d] -> [d]
  params W : [d, d] ~ glorot
  = x => sample(for i. sum j. W[i, j] * x[j], beta=1.0)
para Deep(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Noisy(d)
  = layers
para Shared(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth shared Noisy(d)
  = layers
para Drops(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Drop(d)
  = layers
para SharedDrops(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth shared Drop(d)
  = layers
para Picks(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Pick(d)
  = layers
para Twice(d: Nat, depth: Nat) : [d] -> [d]
  uses layers : repeat depth Noisy(d)
  = layers >> layers
para Over(d: Nat, depth: Nat) (n : set) : [n, d] -> [n, d]
  uses layers : repeat depth Noisy(d)
  = map layers over n
"""


@pytest.fixture(scope="module")
def mod(tmp_path_factory):
    p = tmp_path_factory.mktemp("random") / "random.para"
    p.write_text(SOURCE)
    return paradsl.load(p)


def _slices(stacked, depth: int, make) -> list:
    """The copies of a stack as blocks of their own: block i holds slice i of every leaf."""
    arrays = jax.tree_util.tree_leaves(eqx.filter(stacked, eqx.is_array))
    block = make()
    _, treedef = jax.tree_util.tree_flatten(eqx.filter(block, eqx.is_array))
    return [eqx.combine(jax.tree_util.tree_unflatten(treedef, [a[i] for a in arrays]), block) for i in range(depth)]


def _use_key(key):
    """The key a para's call gives its one random use site: the first of its keys."""
    return jax.random.split(key, 1)[0]


@pytest.mark.parametrize("depth", [1, 4])
def test_copies_draw_with_the_split_keys_as_blocks_stacked_by_hand(mod, key, depth):
    d = 6
    m = randomise(mod.Deep(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    k = jax.random.fold_in(key, 3)
    keys = jax.random.split(_use_key(k), depth)
    h = x
    for block, kb in zip(_slices(m.layers, depth, lambda: mod.Noisy(d, key=key)), keys):
        h = block(h, key=kb)
    np.testing.assert_allclose(m(x, key=k), h, **TOL)


def test_without_a_key_the_stack_is_deterministic(mod, key):
    d, depth = 6, 3
    m = randomise(mod.Deep(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    h = x
    for i in range(depth):  # dropout at inference is the identity
        h = jnp.tanh(m.layers.W[i] @ h)
    np.testing.assert_allclose(m(x), h, **TOL)
    np.testing.assert_array_equal(m(x), m(x))
    assert not np.allclose(m(x, key=key), m(x))


def test_the_masks_of_the_copies_differ(mod, key):
    """Two layers of `dropout(x, 0.5)` on ones keep an element with probability 1/4 when the
    masks are independent, 1/2 were one mask drawn for both."""
    d, depth = 4096, 2
    x = jnp.ones((d,))
    for m in (mod.Drops(d, depth), mod.SharedDrops(d, depth)):
        kept = float(jnp.mean(m(x, key=key) != 0))
        assert abs(kept - 0.25) < 0.03, kept
        np.testing.assert_array_equal(m(x), x)


def test_a_shared_block_draws_with_a_key_per_application(mod, key):
    d, depth = 6, 4
    m = randomise(mod.Shared(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    k = jax.random.fold_in(key, 3)
    h = x
    for kb in jax.random.split(_use_key(k), depth):
        h = m.layers(h, key=kb)
    np.testing.assert_allclose(m(x, key=k), h, **TOL)
    ref = x
    for _ in range(depth):
        ref = jnp.tanh(m.layers.W @ ref)
    np.testing.assert_allclose(m(x), ref, **TOL)


def test_sampling_copies_draw_their_own(mod, key):
    d, depth = 5, 3
    m = randomise(mod.Picks(d, depth, key=key), jax.random.fold_in(key, 1), 2.0)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    k = jax.random.fold_in(key, 3)
    h = x
    for block, kb in zip(_slices(m.layers, depth, lambda: mod.Pick(d, key=key)), jax.random.split(_use_key(k), depth)):
        h = block(h, key=kb)
    np.testing.assert_allclose(m(x, key=k), h, **TOL)
    h = x
    for i in range(depth):  # without a key `sample` is `hardmax`
        z = m.layers.W[i] @ h
        h = jax.nn.one_hot(jnp.argmax(z), d)
    np.testing.assert_allclose(m(x), h, **TOL)


def test_two_applications_of_a_stack_draw_apart(mod, key):
    d, depth = 6, 2
    m = randomise(mod.Twice(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (d,))
    k = jax.random.fold_in(key, 3)
    blocks = _slices(m.layers, depth, lambda: mod.Noisy(d, key=key))
    h = x
    for site in jax.random.split(k, 2):  # one key per place the stack is applied
        for block, kb in zip(blocks, jax.random.split(site, depth)):
            h = block(h, key=kb)
    np.testing.assert_allclose(m(x, key=k), h, **TOL)


def test_a_random_stack_mapped_over_a_set_gives_each_element_its_keys(mod, key):
    d, depth, n = 4, 2, 3
    m = randomise(mod.Over(d, depth, key=key), jax.random.fold_in(key, 1), 0.5)
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, d))
    k = jax.random.fold_in(key, 3)
    blocks = _slices(m.layers, depth, lambda: mod.Noisy(d, key=key))
    rows = []
    for row, ke in zip(x, jax.random.split(_use_key(k), n)):
        for block, kb in zip(blocks, jax.random.split(ke, depth)):
            row = block(row, key=kb)
        rows.append(row)
    np.testing.assert_allclose(m(x, key=k), jnp.stack(rows), **TOL)
    det = [r for r in x]
    for i in range(depth):
        det = [jnp.tanh(m.layers.W[i] @ r) for r in det]
    np.testing.assert_allclose(m(x), jnp.stack(det), **TOL)


def test_a_random_stack_trains_under_jit(mod, key):
    d, depth = 6, 3
    m = mod.Deep(d, depth, key=key)
    x = jax.random.normal(key, (d,))

    @eqx.filter_jit
    def loss(mm, k):
        return jnp.sum(mm(x, key=k) ** 2)

    g = eqx.filter_grad(loss)(m, jax.random.fold_in(key, 1))
    assert g.layers.W.shape == (depth, d, d) and np.isfinite(g.layers.W).all()
    assert np.abs(g.layers.W).sum() > 0


def test_the_refusal_of_a_random_block_is_a_retired_code():
    """E0808 refused a random block; it is given by no message and documented by no section,
    and its number is kept off every other mistake."""
    import re
    from pathlib import Path

    from paradsl.diagnostics import CODES, MESSAGES
    from paradsl.diagnostics.codes import RETIRED

    assert "E0808" in RETIRED
    assert not set(RETIRED) & set(CODES)
    assert not {m.error.code for m in MESSAGES.values()} & set(RETIRED)
    root = Path(__file__).resolve().parent.parent
    headings = set(re.findall(r"^#{2,3} (E\d{4}):", (root / "docs" / "errors.md").read_text(), re.MULTILINE))
    assert not headings & set(RETIRED)
    golden = "".join(p.read_text() for p in (root / "tests" / "golden").rglob("*.para"))
    assert not any(f"error: {c}" in golden or f"; {c}" in golden for c in RETIRED)
