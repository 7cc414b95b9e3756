"""A linear map whose weight is a circulant 2-cell runs as a circular convolution.

- The compiled `CircConv` against the dense circulant matrix built by hand in numpy, the
  weight its own `untie` builds, and a circular convolution written with `jnp.roll`, at
  several ring sizes and kernel widths (a kernel wider than the ring folds onto it), with
  equal gradients; its program has no c x c array.
- The rule is structural (`ir.circulant`): the truncated and the folded circulant, either
  orientation, either contraction and a matrix product, two in one para and one under
  `map ... over`, each equal to the dense form `untie(x).forward(x)`; a weight that is not
  circulant keeps the dense form.
- `runtime.circular_convolution` against a dense matrix product, for any ring, width,
  direction and fold (a property test), the loop over wide kernels included.
- `para cost` counts the convolution, not the matrix.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import STDLIB
from hypothesis import given, settings
from hypothesis import strategies as st

import paradsl
from paradsl import api, runtime
from paradsl.ir.circulant import circular_plan

TOL = dict(rtol=1e-5, atol=1e-5)

#: (ring size c, kernel width k): wider than the ring, as wide, one tap, a ring of one.
SIZES = [(7, 3), (16, 5), (5, 5), (3, 8), (4, 13), (6, 1), (1, 1), (1, 4), (2, 70)]


def circulant(w, c: int, step: int = 1, fold: bool = True) -> np.ndarray:
    """The matrix M with (M x)[o] = sum_j w[j] x[(o + step j) mod c], built entry by entry."""
    m = np.zeros((c, c))
    for j in range(len(w) if fold else min(len(w), c)):
        for o in range(c):
            m[o, (o + step * j) % c] += w[j]
    return m


def by_roll(x, w):
    """y[b] = sum_j w[j] x[(b + j) mod c]: a tap past the ring rolls round it again."""
    return sum(w[j] * jnp.roll(x, -j) for j in range(w.shape[0]))


def dense_matrix(w, c: int):
    """W[a, b] = sum of w[j] over j = (a - b) mod c, differentiable in w (as jnp)."""
    a, b = np.meshgrid(np.arange(c), np.arange(c), indexing="ij")
    hit = (np.arange(len(w))[None, None, :] % c) == ((a - b) % c)[:, :, None]
    return jnp.sum(jnp.where(hit, w, 0.0), axis=2)


def _big_arrays(jaxpr, limit: int) -> list[tuple[int, ...]]:
    """The shapes of the values in a jaxpr (and the jaxprs inside it) with `limit` elements or more."""
    found = []
    for eqn in jaxpr.eqns:
        for v in eqn.outvars:
            if hasattr(v.aval, "shape") and np.prod(v.aval.shape, dtype=int) >= limit:
                found.append(tuple(v.aval.shape))
        for p in eqn.params.values():
            for sub in p if isinstance(p, (tuple, list)) else (p,):
                inner = getattr(sub, "jaxpr", None)
                if inner is not None:
                    found += _big_arrays(getattr(inner, "jaxpr", inner), limit)
    return found


# ------------------------------------------------------------------ CircConv


@pytest.mark.parametrize("c, k", SIZES)
def test_circconv_equals_the_dense_circulant_and_the_roll_convolution(nn, key, c, k):
    m = nn.CircConv(k, key=key)
    w = m.dense_0_w
    x = jax.random.normal(jax.random.fold_in(key, c), (c,))
    y = m(x)
    np.testing.assert_allclose(y, circulant(np.asarray(w), c) @ np.asarray(x), **TOL)
    np.testing.assert_allclose(y, x @ dense_matrix(w, c), **TOL)
    np.testing.assert_allclose(y, by_roll(x, w), **TOL)
    np.testing.assert_allclose(y, m.untie(x).forward(x), **TOL)  # the dense form, W built by the 2-cell
    np.testing.assert_allclose(jax.jit(lambda v: m(v))(x), y, **TOL)


@pytest.mark.parametrize("c, k", SIZES)
def test_circconv_gradients_equal_the_dense_forms(nn, key, c, k):
    m = nn.CircConv(k, key=key)
    w = m.dense_0_w
    x = jax.random.normal(jax.random.fold_in(key, c), (c,))
    weights = jnp.arange(1.0, c + 1.0)

    def loss(y):
        return jnp.sum(jnp.sin(y) * weights)

    gw, gx = jax.grad(lambda w_, x_: loss(_with_kernel(m, w_)(x_)), argnums=(0, 1))(w, x)
    dense_w, dense_x = jax.grad(lambda w_, x_: loss(x_ @ dense_matrix(w_, c)), argnums=(0, 1))(w, x)
    roll_w, roll_x = jax.grad(lambda w_, x_: loss(by_roll(x_, w_)), argnums=(0, 1))(w, x)
    untied_w = jax.grad(lambda w_: loss(_with_kernel(m, w_).untie(x).forward(x)))(w)
    for got in (dense_w, roll_w, untied_w):
        np.testing.assert_allclose(gw, got, **TOL)
    for got in (dense_x, roll_x):
        np.testing.assert_allclose(gx, got, **TOL)


def _with_kernel(m, w):
    import equinox as eqx

    return eqx.tree_at(lambda v: v.dense_0_w, m, w)


def test_circconv_builds_no_c_by_c_array(nn, key):
    c, k = 64, 5
    m = nn.CircConv(k, key=key)
    x = jnp.ones((c,))
    forward = jax.make_jaxpr(lambda v: m(v))(x)
    backward = jax.make_jaxpr(jax.grad(lambda q, v: jnp.sum(q(v) ** 2), argnums=(0, 1)))(m, x)
    assert _big_arrays(forward.jaxpr, c * c) == []
    assert _big_arrays(backward.jaxpr, c * c) == []
    # The dense form does build one: the check can fail.
    assert _big_arrays(jax.make_jaxpr(lambda v: m.untie(v).forward(v))(x).jaxpr, c * c)


def test_circconv_batches(nn, key):
    c, k = 12, 4
    m = nn.CircConv(k, key=key)
    xs = jax.random.normal(key, (3, c))
    np.testing.assert_allclose(jax.vmap(m)(xs), xs @ dense_matrix(m.dense_0_w, c), **TOL)


# ------------------------------------------------------------------ the rule, on other programs

FORMS = """import nn
import reparam

reparam CirculantFirst(k: Nat) (c : cyc) : [k] => [c, c]
  init normal(0.3)
  = w => if (a - b) mod c < k then w[(a - b) mod c] else 0.0

reparam CirculantBack(k: Nat) (c : cyc) : [k] => [c, c]
  init normal(0.3)
  = w => sum j. if (b - a) mod c == j mod c then w[j] else 0.0

reparam Diagonal (c : cyc) : [2] => [c, c]
  init normal(0.3)
  = p => if a == b then p[0] else p[1]

reparam Shifted(k: Nat) (c : cyc) : [k] => [c, c]
  init normal(0.3)
  = w => if (a - b) mod c < k - 1 then w[(a - b) mod c else 0.0] else 0.0

para DenseT (m : set) : [m] -> [m]
  params W : [m, m] ~ via
  = x => sum b. W[a, b] * x[b]

para DenseM (m : set) : [m] -> [m]
  params W : [m, m] ~ via
  = x => x @ W

para Scaled (m : set) : [m] -> [m]
  params W : [m, m] ~ via
  = x => sum a. 2.0 * x[a] * W[a, b]

para First(k: Nat) (c : cyc) : [c] -> [c] = Dense(c) via CirculantFirst(k)
para Back(k: Nat) (c : cyc) : [c] -> [c] = Dense(c) via CirculantBack(k)
para Second(k: Nat) (c : cyc) : [c] -> [c] = DenseT(c) via Circulant(k)
para SecondBack(k: Nat) (c : cyc) : [c] -> [c] = DenseT(c) via CirculantBack(k)
para Product(k: Nat) (c : cyc) : [c] -> [c] = DenseM(c) via Circulant(k)
para Two(k: Nat) (c : cyc) : [c] -> [c]
  = (Dense(c) via Circulant(k)) >> tanh >> (DenseT(c) via CirculantFirst(k))
para EachRow(k: Nat) (t : list) (c : cyc) : [t, c] -> [t, c] = map (Dense(c) via Circulant(k)) over t
para NotCirculant(k: Nat) (c : cyc) : [c] -> [c] = Dense(c) via Diagonal
para NotItsWidth(k: Nat) (c : cyc) : [c] -> [c] = Dense(c) via Shifted(k)
para NotLinear(k: Nat) (c : cyc) : [c] -> [c] = Scaled(c) via Circulant(k)
"""

#: para: (whether it runs as a convolution, and then each use's (step, fold))
EXPECTED = {
    "First": (True, [(1, False)]), "Back": (True, [(-1, True)]), "Second": (True, [(-1, True)]),
    "SecondBack": (True, [(1, True)]), "Product": (True, [(1, True)]), "Two": (True, [(1, True), (-1, False)]),
    "EachRow": (True, [(1, True)]), "NotCirculant": (False, None), "NotItsWidth": (False, None),
    "NotLinear": (False, None),
}


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    path = tmp_path_factory.mktemp("circulant") / "forms.para"
    path.write_text(FORMS)
    return path, api.check_file(path), paradsl.load(path)


def test_the_plan_recognises_the_circulant_forms(forms):
    _, program, _ = forms
    defs = {(p.file, p.name): p for p in program.paras}
    for name, (fused, steps) in EXPECTED.items():
        plan = circular_plan(program.get(name), defs)
        assert (plan is not None) is fused, name
        if fused:
            assert [(u.step, u.fold) for u in plan.uses] == steps, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("c, k", [(7, 3), (3, 8), (1, 2), (5, 1)])
def test_each_form_equals_its_dense_form(forms, key, name, c, k):
    _, program, module = forms
    cls = getattr(module, name)
    m = cls(k, key=key)
    shape = (3, c) if name == "EachRow" else (c,)
    x = jax.random.normal(jax.random.fold_in(key, 7), shape)
    np.testing.assert_allclose(m(x), m.untie(x).forward(x), **TOL)


def test_each_form_against_its_matrix(forms, key):
    _, _, module = forms
    c, k = 6, 9
    x = jax.random.normal(key, (c,))
    for name, (fused, steps) in EXPECTED.items():
        if not fused or name in ("Two", "EachRow"):
            continue
        m = getattr(module, name)(k, key=key)
        (w,) = [np.asarray(leaf) for leaf in jax.tree_util.tree_leaves(m)]
        ((step, fold),) = steps
        np.testing.assert_allclose(m(x), circulant(w, c, step, fold) @ np.asarray(x), err_msg=name, **TOL)


def test_the_emitted_call_is_a_convolution_only_where_planned(forms):
    _, program, _ = forms
    calls = api.compile_program(program).split("class ")
    for name, (fused, _) in EXPECTED.items():
        (cls,) = [c for c in calls if c.startswith(name + "(")]
        call = cls.split("def __call__")[1].split("def forward")[0]
        assert ("circular_convolution(" in call) is fused, name
        assert ("untie" in call) is not fused, name


# ------------------------------------------------------------------ the runtime helper


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 9), k=st.integers(0, 20), step=st.sampled_from([1, -1]), fold=st.booleans(),
       seed=st.integers(0, 2**16))
def test_circular_convolution_is_a_circulant_product(c, k, step, fold, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=c).astype(np.float32), rng.normal(size=k).astype(np.float32)
    got = runtime.circular_convolution(x, w, step, fold)
    np.testing.assert_allclose(got, circulant(w, c, step, fold) @ x, **TOL)


@pytest.mark.parametrize("step", [1, -1])
def test_a_wide_kernel_runs_as_a_loop_and_folds(step):
    c, k = 5, runtime.UNROLLED_TAPS + 7
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(c, 2)).astype(np.float32), rng.normal(size=k).astype(np.float32)
    got = runtime.circular_convolution(x, w, step)
    np.testing.assert_allclose(got, circulant(w, c, step) @ x, **TOL)
    jaxpr = jax.make_jaxpr(lambda v: runtime.circular_convolution(v, w, step))(x)
    assert any(e.primitive.name in ("scan", "while") for e in jaxpr.jaxpr.eqns)
    g = jax.grad(lambda q: jnp.sum(runtime.circular_convolution(x, q, step) ** 2))(w)
    np.testing.assert_allclose(g, jax.grad(lambda q: jnp.sum((jnp.asarray(circulant_jnp(q, c, step)) @ x) ** 2))(w),
                               rtol=1e-4, atol=1e-4)


def circulant_jnp(w, c: int, step: int):
    """`circulant` as a differentiable function of w."""
    o, j = np.meshgrid(np.arange(c), np.arange(w.shape[0]), indexing="ij")
    onto = np.zeros((c, w.shape[0], c))
    onto[o, j, (o + step * j) % c] = 1.0
    return jnp.einsum("ojb,j->ob", onto, w)


def test_an_empty_ring_or_kernel_gives_zeros():
    assert runtime.circular_convolution(np.zeros(0, np.float32), np.ones(3, np.float32)).shape == (0,)
    np.testing.assert_array_equal(runtime.circular_convolution(np.ones(4, np.float32), np.zeros(0, np.float32)),
                                  np.zeros(4))


# ------------------------------------------------------------------ para cost


def test_cost_counts_the_convolution_not_the_matrix():
    report = paradsl.cost(STDLIB / "nn.para", "CircConv")
    sizes = {"c": 2048, "k": 5}
    assert report.flops.evaluate(sizes) == 0  # no contraction: nothing runs as a dot
    assert report.total_flops.evaluate(sizes) == 2 * 2048 * 5
    assert report.memory.evaluate(sizes) == 2048
    assert not report.warnings()
