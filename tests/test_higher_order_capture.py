"""No capture in specialisation: a caller's names, whatever they are, mean what they meant.

An instance is the generic's declaration with the caller's arguments put in, and takes the
caller's hyperparameters as its own. A caller whose names are those the generic's body binds
(`let z`, `for i k`, `sum a`, a lambda's `x`), leaves free as index variables (`i`, `j`), or
gives its own index sets (`n`) must get the same instance as one whose names are apart:
checked against jnp with the module's own weights, for names drawn by hypothesis.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from paradsl.driver import loads

TOL = dict(rtol=1e-5, atol=1e-5)

GENERIC = """
para Mix(c: Float, m: Nat, mixer : [n, m] -> [n, m]) (n : set) : [n, m] -> [n, m]
  params W : [m, m] ~ glorot
  = x => let z = mixer(x) in for i k. (sum a. z[i, a] * W[a, k]) * c + z[i, k]

para Outer(c: Float, S : semiring) (n : set) : [n] -> [n, n] = x => x[i] * x[j] * c + (sum[S] u. x[u])

para Same(m: Nat) (n : set) : [n, m] -> [n, m] = x => x
"""

CALLER = """
para Use({c}: Float, {m}: Nat) ({n} : set) : [{n}, {m}] -> [{n}, {m}]
  uses mix : Mix({c}, {m}, mixer = Same({m}))
  = mix

para UseOuter({c}: Float) ({n} : set) : [{n}] -> [{n}, {n}]
  uses outer : Outer({c}, S = MaxPlus)
  = outer
"""

#: Names a caller may give its hyperparameters and index set: the generic's own binders,
#: the names its body binds and its free index variables among them.
NAMES = ["c", "m", "n", "i", "j", "k", "a", "u", "z", "x", "q", "beta", "width"]


def _module(c: str, m: str, n: str):
    return loads(GENERIC + CALLER.format(c=c, m=m, n=n), "capture.para")


@settings(max_examples=20, deadline=None)
@given(st.permutations(NAMES).map(lambda p: p[:3]))
def test_a_callers_names_are_never_captured(names):
    c, m, n = names
    mod = _module(c, m, n)
    key = jax.random.key(len("".join(names)))
    x = jax.random.normal(key, (5, 3))
    use = mod.Use(0.5, 3, key=key)
    want = (x @ use.mix.W) * 0.5 + x
    np.testing.assert_allclose(use(x), want, **TOL)
    v = x[:, 0]
    want_outer = jnp.outer(v, v) * 0.5 + v.max()
    np.testing.assert_allclose(mod.UseOuter(0.5, key=None)(v), want_outer, **TOL)


def test_names_apart_and_names_the_body_binds_give_one_computation():
    key = jax.random.key(0)
    x = jax.random.normal(key, (4, 2))
    apart, close = _module("beta", "width", "q"), _module("k", "i", "n")
    a, b = apart.Use(1.5, 2, key=key), close.Use(1.5, 2, key=key)
    np.testing.assert_allclose(a(x), b(x), **TOL)
