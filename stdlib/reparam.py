"""Equinox modules compiled from stdlib/reparam.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/reparam.para
"""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray


class Transposed(eqx.Module):
    """reparam Transposed(i: Nat, o: Nat) : [o, i] => [i, o]"""

    i: int = eqx.field(static=True)
    o: int = eqx.field(static=True)

    def __init__(self, i: int, o: int, *, key: PRNGKeyArray | None = None):
        self.i = i
        self.o = o

    def __call__(self, w: Float[Array, 'o i']) -> Float[Array, 'i o']:
        return jnp.transpose(w, (1, 0))


class LowRank(eqx.Module):
    """reparam LowRank(m: Nat, n: Nat, r: Nat) : ([m, r], [r, n]) => [m, n]"""

    m: int = eqx.field(static=True)
    n: int = eqx.field(static=True)
    r: int = eqx.field(static=True)

    def __init__(self, m: int, n: int, r: int, *, key: PRNGKeyArray | None = None):
        self.m = m
        self.n = n
        self.r = r

    def __call__(self, x: tuple[Float[Array, 'm r'], Float[Array, 'r n']]) -> Float[Array, 'm n']:
        u, v = x
        return u @ v


class Symmetric(eqx.Module):
    """reparam Symmetric(d: Nat) : [d, d] => [d, d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def __call__(self, w: Float[Array, 'd d']) -> Float[Array, 'd d']:
        return (w + jnp.transpose(w, (1, 0))) / 2.0


class Circulant(eqx.Module):
    """reparam Circulant(k: Nat) (c : cyc) : [k] => [c, c]"""

    k: int = eqx.field(static=True)

    def __init__(self, k: int, *, key: PRNGKeyArray | None = None):
        self.k = k

    def __call__(self, w: Float[Array, 'k'], *, c: int) -> Float[Array, 'c c']:
        return jnp.where(
            (jnp.arange(c)[:, None] - jnp.arange(c)) % c < self.k,
            w[(jnp.arange(c)[:, None] - jnp.arange(c)) % c],
            0.0,
        )


class SetEquivariant(eqx.Module):
    """reparam SetEquivariant() (n : set) : [2] => [n, n]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(self, p: Float[Array, '2'], *, n: int) -> Float[Array, 'n n']:
        return jnp.where(jnp.arange(n)[:, None] == jnp.arange(n), p[0], p[1])


__all__ = ['Transposed', 'LowRank', 'Symmetric', 'Circulant', 'SetEquivariant']
