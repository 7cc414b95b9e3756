"""The runtime that compiled modules import, each function held to an independent
reference: `functools.reduce` for the balanced fold, plain recursion for the tree fold, and
a naive broadcast-then-reduce in numpy for the semiring contraction. Sizes include the empty
case and lengths either side of a block boundary."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from paradsl.runtime import fold_balanced, fold_tree, semiring_contract

TOL = {"rtol": 1e-5, "atol": 1e-5}


# ---------------------------------------------------------------------- fold_balanced
def _affine_then(f, g):
    """The affine map x -> g(f(x)), each a pair (A, b) meaning x -> A x + b: associative, not
    commutative, so a fold that reorders its elements is caught."""
    (a1, b1), (a2, b2) = f, g
    return a2 @ a1, a2 @ b1 + b2


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17])
def test_fold_balanced_is_the_ordered_product(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, 3, 3)).astype(np.float32) / 2
    b = rng.normal(size=(n, 3)).astype(np.float32)
    unit = (jnp.eye(3), jnp.zeros(3))
    got = fold_balanced(_affine_then, unit, (jnp.asarray(a), jnp.asarray(b)))
    want = functools.reduce(_affine_then, [(a[i], b[i]) for i in range(n)], (np.eye(3), np.zeros(3)))
    np.testing.assert_allclose(got[0], want[0], **TOL)
    np.testing.assert_allclose(got[1], want[1], **TOL)


def test_fold_balanced_of_none_is_the_unit_itself():
    unit = jnp.float32(0.0)
    assert fold_balanced(jnp.add, unit, jnp.zeros((0,))) is unit


@pytest.mark.parametrize("n", [1, 6, 33])
def test_fold_balanced_under_jit(n):
    xs = jnp.arange(n, dtype=jnp.float32)
    got = jax.jit(lambda xs: fold_balanced(jnp.add, jnp.float32(0.0), xs))(xs)
    np.testing.assert_allclose(got, xs.sum(), **TOL)


# ---------------------------------------------------------------------- fold_tree
def _leaf(a, kids):
    return a


def _unary(a, kids):
    return jnp.tanh(kids[0] + a)


def _binary(a, kids):
    return kids[0] - 2.0 * kids[1] + a


BRANCHES = [_leaf, _unary, _binary]


def _random_tree(rng, n_internal):
    """A random term as nested tuples: ("leaf", a), ("unary", a, t), ("binary", a, l, r)."""
    if n_internal == 0:
        return ("leaf", rng.normal(size=2))
    if rng.random() < 0.3:
        return ("unary", rng.normal(size=2), _random_tree(rng, n_internal - 1))
    left = int(rng.integers(0, n_internal))
    return ("binary", rng.normal(size=2), _random_tree(rng, left), _random_tree(rng, n_internal - 1 - left))


def _evaluate(t):
    """The fold by plain recursion."""
    tag, a, *kids = t
    fn = {"leaf": _leaf, "unary": _unary, "binary": _binary}[tag]
    return np.asarray(fn(a, [_evaluate(k) for k in kids]))


def _flatten(t):
    """The term in topological order (children before parents, root last), as arrays."""
    tags, data, children = [], [], []

    def visit(t):
        tag, a, *kids = t
        ids = [visit(k) for k in kids]
        tags.append({"leaf": 0, "unary": 1, "binary": 2}[tag])
        data.append(a)
        children.append(ids + [0] * (2 - len(ids)))
        return len(tags) - 1

    visit(t)
    return (jnp.asarray(tags, jnp.int32), jnp.asarray(np.array(data), jnp.float32),
            jnp.asarray(children, jnp.int32))


@pytest.mark.parametrize("n_internal", [0, 1, 2, 5, 12])
def test_fold_tree_equals_recursion(n_internal):
    rng = np.random.default_rng(n_internal)
    t = _random_tree(rng, n_internal)
    tags, data, children = _flatten(t)
    got = fold_tree(BRANCHES, 0, tags, data, children)
    np.testing.assert_allclose(got, _evaluate(t), **TOL)


# ---------------------------------------------------------------------- semiring_contract
_NP_MUL = {"add": np.add, "mul": np.multiply, "and": np.logical_and}


def _np_reduce(add, y, axes, beta):
    if not axes:
        return y
    if add == "logsumexp":
        m = np.max(beta * y, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        return (np.log(np.sum(np.exp(beta * y - m), axis=axes)) + np.squeeze(m, axis=axes)) / beta
    return {"min": np.min, "max": np.max, "sum": np.sum, "or": np.any}[add](y, axis=axes)


def _naive(add, mul, zero, spec, *operands, beta=1.0):
    """Every operand broadcast to all the letters, combined with `mul`, then the letters not
    in the output reduced with `add`: the definition, with the whole product in memory."""
    ins, out = spec.split("->")
    specs = ins.split(",")
    letters = list(dict.fromkeys("".join(specs) + out))
    sizes = {c: n for s, x in zip(specs, operands) for c, n in zip(s, x.shape)}
    full = []
    for s, x in zip(specs, operands):
        x = np.transpose(x, sorted(range(len(s)), key=lambda i: letters.index(s[i])))
        full.append(np.reshape(x, [sizes[c] if c in s else 1 for c in letters]))
    y = functools.reduce(_NP_MUL[mul], full)
    y = np.broadcast_to(y, [sizes[c] for c in letters])
    reduced = tuple(i for i, c in enumerate(letters) if c not in out)
    if any(sizes[letters[i]] == 0 for i in reduced):
        return np.full([sizes[c] for c in out], zero)
    y = _np_reduce(add, y, reduced, beta)
    kept = [c for c in letters if c in out]
    return np.transpose(y, [kept.index(c) for c in out])


SEMIRINGS = [("min", "add", np.inf), ("max", "add", -np.inf), ("sum", "mul", 0.0), ("logsumexp", "add", -np.inf),
             ("max", "mul", -np.inf)]


@pytest.mark.parametrize("add,mul,zero", SEMIRINGS)
@pytest.mark.parametrize("k", [0, 1, 3, 4, 5, 8, 9, 13])
def test_semiring_matmul_equals_the_naive_product(add, mul, zero, k):
    rng = np.random.default_rng(k)
    a = rng.normal(size=(3, k)).astype(np.float32)
    b = rng.normal(size=(k, 2)).astype(np.float32)
    kw = {"beta": 2.0} if add == "logsumexp" else {}
    got = semiring_contract(add, mul, zero, "ij,jk->ik", a, b, block=4, **kw)
    np.testing.assert_allclose(got, _naive(add, mul, zero, "ij,jk->ik", a, b, **kw), **TOL)


@pytest.mark.parametrize("k", [0, 1, 4, 5, 9])
def test_semiring_boolean_reachability(k):
    rng = np.random.default_rng(k)
    a = rng.random((4, k)) < 0.4
    b = rng.random((k, 4)) < 0.4
    got = semiring_contract("or", "and", False, "ij,jk->ik", a, b, block=4)
    np.testing.assert_array_equal(got, _naive("or", "and", False, "ij,jk->ik", a, b))


@pytest.mark.parametrize("n", [63, 64, 65, 129])
def test_semiring_default_block_boundaries(n):
    rng = np.random.default_rng(n)
    d = rng.normal(size=(n,)).astype(np.float32)
    w = rng.normal(size=(n, 3)).astype(np.float32)
    got = semiring_contract("min", "add", np.inf, "a,ab->b", d, w)
    np.testing.assert_allclose(got, _naive("min", "add", np.inf, "a,ab->b", d, w), **TOL)


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ki", [(3, 6), (6, 2)]),  # the output in another order than the operands
    ("ijk,kj->i", [(2, 5, 6), (6, 5)]),  # two reduced letters, one of them blocked
    ("i,j->ij", [(3,), (4,)]),  # nothing reduced: the product alone
    ("ij,j->", [(3, 9), (9,)]),  # everything reduced: a scalar
])
def test_semiring_specs_equal_the_naive_product(spec, shapes):
    rng = np.random.default_rng(len(spec))
    ops = [rng.normal(size=s).astype(np.float32) for s in shapes]
    for add, mul, zero in SEMIRINGS:
        got = semiring_contract(add, mul, zero, spec, *ops, block=4)
        np.testing.assert_allclose(got, _naive(add, mul, zero, spec, *ops), err_msg=f"{add}, {mul}", **TOL)


def test_semiring_under_jit_with_a_traced_beta():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 10)).astype(np.float32)
    b = rng.normal(size=(10, 2)).astype(np.float32)
    got = jax.jit(lambda a, b, beta: semiring_contract("logsumexp", "add", -jnp.inf, "ij,jk->ik", a, b, beta=beta,
                                                       block=4))(a, b, 0.5)
    np.testing.assert_allclose(got, _naive("logsumexp", "add", -np.inf, "ij,jk->ik", a, b, beta=0.5), **TOL)


def test_every_runtime_helper_is_reserved():
    """A user name never becomes a helper the compiled module imports from `paradsl.runtime`."""
    from paradsl import runtime
    from paradsl.names import RESERVED

    assert set(runtime.__all__) <= RESERVED
