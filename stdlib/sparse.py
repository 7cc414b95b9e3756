"""Equinox modules compiled from stdlib/sparse.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/sparse.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import initialise


class SparseBellmanFordStep(eqx.Module):
    """SparseBellmanFordStep() (n : set) (e : set) : ([n], [e] ptr n, [e] ptr n, [e]) -> [n]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(
        self, x: tuple[Float[Array, 'n'], Int[Array, 'e'], Int[Array, 'e'], Float[Array, 'e']]
    ) -> Float[Array, 'n']:
        n = x[0].shape[0]
        d, src, dst, w = x
        return jnp.minimum(
            d,
            jax.ops.segment_min(
                d.at[src].get(mode='fill', wrap_negative_indices=False) + w, dst, num_segments=n
            ),
        )


class SparseMPNNSum(eqx.Module):
    """SparseMPNNSum(d: Nat, f: Nat, h: Nat) (n : set) (e : set)
    : ([n, d], [e] ptr n, [e] ptr n, [e, f]) -> [n, h]"""

    Ws: Float[Array, 'd h']
    Wt: Float[Array, 'd h']
    We: Float[Array, 'f h']
    b: Float[Array, 'h']
    U: Float[Array, 'd h']
    V: Float[Array, 'h h']
    c: Float[Array, 'h']
    d: int = eqx.field(static=True)
    f: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, f: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.f = f
        self.h = h
        keys = jax.random.split(key, 5)
        self.Ws = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.Wt = initialise('glorot', keys[1], (d, h), jnp.float32)
        self.We = initialise('glorot', keys[2], (f, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)
        self.U = initialise('glorot', keys[3], (d, h), jnp.float32)
        self.V = initialise('glorot', keys[4], (h, h), jnp.float32)
        self.c = jnp.zeros((h,), jnp.float32)

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Int[Array, 'e'], Int[Array, 'e'], Float[Array, 'e f']]
    ) -> Float[Array, 'n h']:
        n = x[0].shape[0]
        x1, src, dst, ef = x
        message = jax.nn.relu(
            jnp.einsum(
                'ai,ik->ak', x1.at[src].get(mode='fill', wrap_negative_indices=False), self.Ws
            )
            + jnp.einsum(
                'ai,ik->ak', x1.at[dst].get(mode='fill', wrap_negative_indices=False), self.Wt
            )
            + jnp.einsum('ag,gk->ak', ef, self.We)
            + self.b
        )
        m = jax.ops.segment_sum(message, dst, num_segments=n)
        return jax.nn.relu(
            jnp.einsum('vi,ik->vk', x1, self.U) + jnp.einsum('vj,jk->vk', m, self.V) + self.c
        )


class SparseMPNNMax(eqx.Module):
    """SparseMPNNMax(d: Nat, f: Nat, h: Nat) (n : set) (e : set)
    : ([n, d], [e] ptr n, [e] ptr n, [e, f]) -> [n, h]"""

    Ws: Float[Array, 'd h']
    Wt: Float[Array, 'd h']
    We: Float[Array, 'f h']
    b: Float[Array, 'h']
    U: Float[Array, 'd h']
    V: Float[Array, 'h h']
    c: Float[Array, 'h']
    d: int = eqx.field(static=True)
    f: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, f: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.f = f
        self.h = h
        keys = jax.random.split(key, 5)
        self.Ws = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.Wt = initialise('glorot', keys[1], (d, h), jnp.float32)
        self.We = initialise('glorot', keys[2], (f, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)
        self.U = initialise('glorot', keys[3], (d, h), jnp.float32)
        self.V = initialise('glorot', keys[4], (h, h), jnp.float32)
        self.c = jnp.zeros((h,), jnp.float32)

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Int[Array, 'e'], Int[Array, 'e'], Float[Array, 'e f']]
    ) -> Float[Array, 'n h']:
        n = x[0].shape[0]
        x1, src, dst, ef = x
        message = jax.nn.relu(
            jnp.einsum(
                'ai,ik->ak', x1.at[src].get(mode='fill', wrap_negative_indices=False), self.Ws
            )
            + jnp.einsum(
                'ai,ik->ak', x1.at[dst].get(mode='fill', wrap_negative_indices=False), self.Wt
            )
            + jnp.einsum('ag,gk->ak', ef, self.We)
            + self.b
        )
        m = jnp.maximum(0.0, jax.ops.segment_max(message, dst, num_segments=n))
        return jax.nn.relu(
            jnp.einsum('vi,ik->vk', x1, self.U) + jnp.einsum('vj,jk->vk', m, self.V) + self.c
        )


__all__ = ['SparseBellmanFordStep', 'SparseMPNNSum', 'SparseMPNNMax']
