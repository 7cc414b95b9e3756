"""A caller's hyperparameter named like a generic's parameter, use or binder is renamed apart.

An instance has one namespace: its hyperparameters (the caller's that the arguments read)
beside the generic's parameters, uses and map and monoid binders. A caller that names a
hyperparameter `W`, `pre`, `mixer` or `agg`, as the generic names its own members, must get
the instance it would get with names apart: checked against jnp with the module's own
weights, for names drawn by hypothesis, through a use and through an alias.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paradsl.driver import loads
from paradsl.names import ident

TOL = dict(rtol=1e-5, atol=1e-5)

GENERIC = """
para Scale(m: Nat) (n : set) : [n, m] -> [n, m]
  params g : [m] ~ ones
  = x => for i k. x[i, k] * g[k]

para Mix(c: Float, m: Nat, mixer : [n, m] -> [n, m]) (n : set) : [n, m] -> [n, m]
  params W : [m, m] ~ glorot
  uses pre : Scale(m)
  = x => let z = mixer(pre(x)) in for i k. (sum a. z[i, a] * W[a, k]) * c + z[i, k]

commutative monoid Top(m: Nat) : [m] on [m]
  | unit => for e. -inf
  | lift(x) => x
  | combine(u, v) => max(u, v)

para Pool(m: Nat, agg : commutative monoid [m]) (n : set) : [n, m] -> [m]
  params b : [m] ~ zeros
  = x => for k. (fold agg over n)(x)[k] + b[k]
"""

CALLER = """
para Use({c}: Float, {m}: Nat) (n : set) : [n, {m}] -> [n, {m}]
  uses mix : Mix({c}, {m}, mixer = Scale({m}))
  = mix

para Alias({c}: Float, {m}: Nat) (n : set) : [n, {m}] -> [n, {m}] = Mix({c}, {m}, mixer = Scale({m}))

para UsePool({m}: Nat) (n : set) : [n, {m}] -> [{m}]
  uses pool : Pool({m}, agg = Top({m}))
  = pool
"""

#: The generic's own members first, then names apart from everything.
NAMES = ["W", "pre", "mixer", "agg", "b", "beta", "width"]


def _module(c: str, m: str):
    return loads(GENERIC + CALLER.format(c=c, m=m), "names.para")


def _member(module, name: str):
    """A member of the generic's, under its own name or the one it was renamed apart to."""
    return next(getattr(module, ident(n)) for n in (name + "'", name) if hasattr(module, ident(n)))


def _mix_of(c: float, mix, x):
    """`Mix` in jnp, with the module's own weights."""
    z = x * _member(mix, "pre").g * _member(mix, "mixer").g
    return z @ _member(mix, "W") * c + z


@settings(max_examples=6, deadline=None)
@given(st.permutations(NAMES).map(lambda p: p[:2]))
@example(["agg", "mixer"])
def test_a_callers_names_like_the_generics_members_are_renamed_apart(names):
    c, m = names
    mod = _module(c, m)
    key = jax.random.key(len("".join(names)))
    x = jax.random.normal(key, (5, 3))
    for para in (mod.Use(0.5, 3, key=key).mix, mod.Alias(0.5, 3, key=key)):
        para = jax.tree_util.tree_map(lambda a: a + 0.25 if isinstance(a, jax.Array) else a, para)
        np.testing.assert_allclose(para(x), _mix_of(0.5, para, x), **TOL)
    pool = mod.UsePool(3, key=key).pool
    np.testing.assert_allclose(pool(x), x.max(0) + _member(pool, "b"), **TOL)


def test_a_member_renamed_apart_is_a_field_under_its_new_name():
    use = _module("W", "pre").Use(0.5, 3, key=jax.random.key(0))
    assert hasattr(use.mix, ident("W'")) and hasattr(use.mix, ident("pre'")), vars(use.mix)
    assert (use.mix.W, use.mix.pre) == (0.5, 3)  # the caller's hyperparameters keep their names


def test_names_apart_and_clashing_names_give_one_computation():
    key = jax.random.key(0)
    x = jax.random.normal(key, (4, 2))
    apart, close = _module("beta", "width"), _module("W", "pre")
    a, b = apart.Alias(1.5, 2, key=key), close.Alias(1.5, 2, key=key)
    np.testing.assert_allclose(a(x), b(x), **TOL)
    np.testing.assert_allclose(apart.UsePool(2, key=key)(x), close.UsePool(2, key=key)(x), **TOL)
    assert jnp.all(jnp.isfinite(b(x)))
