"""Weight tying and reparameterisation (2-cells), held to independent references.

- CircConv against a circular convolution written with `jnp.roll` and against
  `equinox.nn.Conv1d` with circular padding; DeepSetLayer against lambda*x + gamma*sum(x).
- For every para with a tie in the stdlib and the examples: the |Q| that `paradsl.params`
  reports equals the scalars in the module's array leaves, and `jax.grad` of the tied model
  equals the untied gradient pulled back through r (by `jax.vjp` of `untie`, and by hand for
  the copy, transpose and circulant 2-cells).
- The tied autoencoder trains under optax Adam.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from conftest import EXAMPLES, STDLIB, randomise

import paradsl
from paradsl import api

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def tying():
    return paradsl.load(EXAMPLES / "tying.para")


@pytest.fixture(scope="module")
def equivariant():
    return paradsl.load(EXAMPLES / "equivariant.para")




def _scalars(m) -> int:
    return sum(int(np.size(l)) for l in jax.tree_util.tree_leaves(eqx.filter(m, eqx.is_array)))


# ------------------------------------------------------------------ derived layers


@pytest.mark.parametrize("c, k", [(7, 3), (16, 5), (5, 5)])
def test_circconv_is_a_circular_convolution(nn, key, c, k):
    m = nn.CircConv(k, key=key)
    w = m.dense_0_w
    x = jax.random.normal(jax.random.fold_in(key, 1), (c,))
    # y[b] = sum_a x[a] w[(a - b) mod c] = sum_s w[s] x[(b + s) mod c]
    by_roll = sum(w[s] * jnp.roll(x, -s) for s in range(k))
    np.testing.assert_allclose(m(x), by_roll, **TOL)
    conv = eqx.nn.Conv1d(1, 1, k, padding=((0, k - 1),), padding_mode="CIRCULAR", use_bias=False, key=key)
    conv = eqx.tree_at(lambda v: v.weight, conv, w.reshape(1, 1, k))
    np.testing.assert_allclose(m(x), conv(x[None])[0], **TOL)
    np.testing.assert_allclose(eqx.filter_jit(lambda mod, v: mod(v))(m, x), by_roll, **TOL)


def test_deep_set_layer_is_lambda_x_plus_gamma_sum(nn, key):
    m = nn.DeepSetLayer(key=key)
    p0, p1 = m.dense_0_p
    for n in (1, 4, 9):
        x = jax.random.normal(jax.random.fold_in(key, n), (n,))
        np.testing.assert_allclose(m(x), (p0 - p1) * x + p1 * jnp.sum(x), **TOL)


def test_derived_layers_pass_their_laws():
    results = paradsl.check_laws(STDLIB / "nn.para", sizes={"k": 3})
    by = {(r.para, r.law.split()[0]): r for r in results if not r.skipped}
    for para, law in [("CircConv", "2-cell"), ("CircConv", "C_n"), ("DeepSetLayer", "2-cell"), ("DeepSetLayer", "S_n")]:
        r = by[(para, law)]
        assert r.ok and r.error < 1e-5, r
    skipped = {r.para for r in results if r.skipped}
    assert "Dense" in skipped  # abstract: its weight is given where it is used


@pytest.mark.parametrize("kind", ["set", "cyc"])
def test_dense_without_a_two_cell_is_rejected(kind):
    src = f"""import nn
para Bad (n : {kind}) : [n] -> [n] = Dense(n)
"""
    result = paradsl.check_source(src, "bad.para")
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [("E0301", 2, 35)]
    assert f"the {kind} 'n'" in result.diagnostics[0].message


# ------------------------------------------------------------------ |Q| and gradients, for every tie

TIED = {
    # (file, para): (hyperparameters, input)
    (STDLIB / "nn.para", "CircConv"): (dict(k=3), (7,)),
    (STDLIB / "nn.para", "DeepSetLayer"): ({}, (6,)),
    (EXAMPLES / "tying.para", "TiedAutoencoder"): (dict(d=6, k=3), (6,)),
    (EXAMPLES / "tying.para", "AlbertStack"): (dict(d=4, h=8), (4,)),
    (EXAMPLES / "tying.para", "TiedEmbeddingLM"): (dict(v=11, d=4), "token"),
    (EXAMPLES / "tying.para", "LowRankMLP"): (dict(d=6, r=2, o=3), (6,)),
    (EXAMPLES / "tying.para", "SymmetricPair"): (dict(d=5), (5,)),
    (EXAMPLES / "equivariant.para", "RingNet"): (dict(k=3), (9,)),
    (EXAMPLES / "equivariant.para", "DeepSet"): ({}, (6,)),
}


def _input(shape, key):
    if shape == "token":
        return jnp.asarray(4, jnp.int32)
    return jax.random.normal(key, shape)


def test_every_tie_in_the_stdlib_and_examples_is_covered():
    """TIED lists every para whose parameter tree has a tie (its own or a use's)."""
    found = set()
    for path in [STDLIB / "nn.para", STDLIB / "reparam.para", *sorted(EXAMPLES.glob("*.para"))]:
        program = api.check_file(path)
        for p in program.paras:
            if p.file != program.file or p.is_reparam:
                continue
            if any(r.status == "tied" for r in paradsl.params(path, p.name).rows):
                found.add((path.name, p.name))
    assert found == {(f.name, n) for f, n in TIED}


@pytest.mark.parametrize("where", sorted(TIED, key=lambda w: (w[0].name, w[1])), ids=lambda w: w[1])
def test_reported_Q_is_what_the_module_stores(where, key):
    path, name = where
    hypers, _ = TIED[where]
    module = paradsl.load(path)
    m = getattr(module, name)(**hypers, key=key)
    report = paradsl.params(path, name)
    assert report.Q.variables() <= set(hypers), "Q never depends on a runtime size"
    assert report.Q.evaluate(hypers) == _scalars(m)
    # Tying is what makes the stored space smaller than the untied composite's.
    assert any(row.status == "tied" for row in report.rows)
    assert report.Q.evaluate(hypers) < report.P.evaluate({**hypers, **{v: 5 for v in report.P.variables() - set(hypers)}})
    # Tied leaves are not stored: every row counted in P but not in Q is None in the module.
    for row in report.rows:
        if row.status == "tied":
            leaf = m
            for step in row.path.split("."):
                leaf = getattr(leaf, step)
            assert leaf is None, row.path


@pytest.mark.parametrize("where", sorted(TIED, key=lambda w: (w[0].name, w[1])), ids=lambda w: w[1])
def test_tied_gradient_is_the_untied_gradient_pulled_back(where, key):
    path, name = where
    hypers, shape = TIED[where]
    module = paradsl.load(path)
    k1, k2, k3 = jax.random.split(key, 3)
    m = randomise(getattr(module, name)(**hypers, key=k1), k2)
    x = _input(shape, k3)

    def loss(y):
        return jnp.sum(jnp.sin(y) * jnp.arange(1, y.size + 1).reshape(y.shape))

    if not hasattr(m, "untie"):  # the ties are inside a use: its own test pulls them back
        assert any(hasattr(getattr(m, u.name), "untie") for u in api.check_file(path).get(name).uses)
        return
    tied_grad = eqx.filter_grad(lambda q: loss(q(x)))(m)
    p, pullback = eqx.filter_vjp(lambda q: q.untie(x), m)
    untied_grad = eqx.filter_grad(lambda full: loss(full.forward(x)))(p)
    (pulled,) = pullback(untied_grad)
    a = jax.tree_util.tree_leaves(eqx.filter(tied_grad, eqx.is_array))
    b = jax.tree_util.tree_leaves(eqx.filter(pulled, eqx.is_array))
    assert len(a) == len(b) > 0
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, **TOL)


def _untied_grad(m, x, loss):
    p = m.untie(x)
    return p, eqx.filter_grad(lambda full: loss(full.forward(x)))(p)


def test_transpose_pullback_by_hand(tying, key):
    """r(q) = (W, W^T): the gradient of W is g_enc + g_dec^T."""
    m = randomise(tying.TiedAutoencoder(6, 3, key=key), jax.random.fold_in(key, 1))
    x = jax.random.normal(jax.random.fold_in(key, 2), (6,))
    loss = lambda y: jnp.sum(y ** 3)  # noqa: E731
    _, g = _untied_grad(m, x, loss)
    tied = eqx.filter_grad(lambda q: loss(q(x)))(m)
    np.testing.assert_allclose(tied.enc.W, g.enc.W + g.dec.W.T, **TOL)
    np.testing.assert_allclose(tied.dec.b, g.dec.b, **TOL)
    assert tied.dec.W is None


def test_copy_pullback_by_hand(tying, key):
    """The copy 2-cell Delta: l1's gradient is the sum of the three blocks' gradients."""
    m = randomise(tying.AlbertStack(4, 8, key=key), jax.random.fold_in(key, 1))
    x = jax.random.normal(jax.random.fold_in(key, 2), (4,))
    loss = lambda y: jnp.sum(jnp.tanh(y))  # noqa: E731
    _, g = _untied_grad(m, x, loss)
    tied = eqx.filter_grad(lambda q: loss(q(x)))(m)
    total = jax.tree_util.tree_map(lambda a, b, c: a + b + c, g.l1, g.l2, g.l3)
    for u, v in zip(jax.tree_util.tree_leaves(tied.l1), jax.tree_util.tree_leaves(total)):
        np.testing.assert_allclose(u, v, **TOL)
    np.testing.assert_allclose(m(x), m.l1(m.l1(m.l1(x))), **TOL)


def test_circulant_pullback_by_hand(nn, key):
    """W[a, b] = w[(a - b) mod c]: the kernel's gradient sums dW along each wrapped diagonal."""
    c, k = 8, 3
    m = nn.CircConv(k, key=key)
    x = jax.random.normal(jax.random.fold_in(key, 2), (c,))
    loss = lambda y: jnp.sum(y ** 2 * jnp.arange(c))  # noqa: E731
    _, g = _untied_grad(m, x, loss)
    tied = eqx.filter_grad(lambda q: loss(q(x)))(m)
    dW = np.asarray(g.dense_0.W)
    expected = [sum(dW[a, b] for a in range(c) for b in range(c) if (a - b) % c == s) for s in range(k)]
    np.testing.assert_allclose(tied.dense_0_w, expected, **TOL)


# ------------------------------------------------------------------ training


@pytest.mark.slow
def test_tied_autoencoder_trains_with_adam(tying):
    d, k = 8, 3
    key = jax.random.key(42)
    k_model, k_basis, k_data = jax.random.split(key, 3)
    basis = jax.random.normal(k_basis, (k, d)) / jnp.sqrt(k)
    data = jnp.tanh(jax.random.normal(k_data, (256, k))) @ basis  # data on a k-dimensional subspace
    model = tying.TiedAutoencoder(d, k, key=k_model)
    opt = optax.adam(1e-2)
    state = opt.init(eqx.filter(model, eqx.is_array))

    def loss_fn(m):
        return jnp.mean((jax.vmap(m)(data) - data) ** 2)

    @eqx.filter_jit
    def step(m, s):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(m)
        updates, s = opt.update(grads, s, eqx.filter(m, eqx.is_array))
        return eqx.apply_updates(m, updates), s, loss

    first = float(loss_fn(model))
    for _ in range(300):
        model, state, _ = step(model, state)
    last = float(loss_fn(model))
    assert last < 0.2 * first, (first, last)
    assert model.dec.W is None  # still tied: Adam only ever saw Q
    np.testing.assert_allclose(model.untie(data[0]).dec.W, model.enc.W.T)


def test_ties_compose_across_nesting(tmp_path, key):
    """Outer ties act on the free leaves a tied para leaves; its own ties still apply inside."""
    (tmp_path / "nested.para").write_text(f'''import nn
import "{(EXAMPLES / "tying.para").as_posix()}"
para TwoAE(d: Nat, k: Nat) : [d] -> [d]
  uses a : TiedAutoencoder(d, k), b : TiedAutoencoder(d, k)
  tie b = a
  = a >> b
para Nested(d: Nat, k: Nat) : [d] -> [d]
  uses a : TiedAutoencoder(d, k), lin : Linear(k, d)
  tie a.dec.b = lin.b
  = a >> relu >> a
''')
    path = tmp_path / "nested.para"
    module = paradsl.load(path)
    x = jax.random.normal(jax.random.fold_in(key, 1), (6,))
    two = randomise(module.TwoAE(6, 3, key=key), key)
    np.testing.assert_allclose(two(x), two.a(two.a(x)), **TOL)
    report = paradsl.params(path, "TwoAE")
    assert report.Q.evaluate({"d": 6, "k": 3}) == _scalars(two) == 6 * 3 + 6 + 3
    assert report.P.evaluate({"d": 6, "k": 3}) == 2 * (2 * 6 * 3 + 6 + 3)
    nested = randomise(module.Nested(6, 3, key=key), key)
    inner = eqx.tree_at(lambda q: q.dec.b, nested.a, nested.lin.b, is_leaf=lambda v: v is None)
    np.testing.assert_allclose(nested(x), inner(jax.nn.relu(inner(x))), **TOL)
    assert [r.status for r in paradsl.params(path, "Nested").rows if r.path.startswith("a.dec")] == ["tied", "tied"]
    bad = paradsl.check_source(f'''import "{(EXAMPLES / "tying.para").as_posix()}"
para Bad(d: Nat, k: Nat) : [d] -> [d]
  uses a : TiedAutoencoder(d, k)
  tie a.dec.W = a.enc.W
  = a
''', str(tmp_path / "bad.para"))
    assert [(d.code, d.span.line, d.span.col) for d in bad.diagnostics] == [("E0405", 4, 7)]
