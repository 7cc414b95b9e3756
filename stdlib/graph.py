"""Equinox modules compiled from stdlib/graph.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/graph.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, PRNGKeyArray

from paradsl.runtime import fold_balanced, initialise, semiring_contract, softmax, unit_where_masked
from paradsl.stdlib.rnn import Sum


class BellmanFordStep(eqx.Module):
    """BellmanFordStep() (n : set) : ([n], [n, n]) -> [n]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(self, x: tuple[Float[Array, 'n'], Float[Array, 'n n']]) -> Float[Array, 'n']:
        d, w = x
        return jnp.minimum(d, semiring_contract('min', 'add', jnp.inf, 'u,uv->v', d, w))


class MinPlusProduct(eqx.Module):
    """MinPlusProduct() (n : set) : ([n, n], [n, n]) -> [n, n]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(self, x: tuple[Float[Array, 'n n'], Float[Array, 'n n']]) -> Float[Array, 'n n']:
        a, b = x
        return semiring_contract('min', 'add', jnp.inf, 'ik,kj->ij', a, b)


class MaxMessage(eqx.Module):
    """commutative monoid MaxMessage(h: Nat) : [h] on [h]"""

    h: int = eqx.field(static=True)

    def __init__(self, h: int, *, key: PRNGKeyArray | None = None):
        self.h = h

    def unit(self) -> Float[Array, 'h']:
        return jnp.broadcast_to(0.0, (self.h,))

    def lift(self, x: Float[Array, 'h']) -> Float[Array, 'h']:
        return jax.nn.relu(x)

    def combine(self, a: Float[Array, 'h'], b: Float[Array, 'h']) -> Float[Array, 'h']:
        return jnp.maximum(a, b)


class MPNNMax(eqx.Module):
    """MPNNMax(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]"""

    Ws: Float[Array, 'd h']
    Wt: Float[Array, 'd h']
    We: Float[Array, 'e h']
    b: Float[Array, 'h']
    U: Float[Array, 'd h']
    V: Float[Array, 'h h']
    c: Float[Array, 'h']
    agg: MaxMessage
    d: int = eqx.field(static=True)
    e: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, e: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.e = e
        self.h = h
        keys = jax.random.split(key, 5)
        self.Ws = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.Wt = initialise('glorot', keys[1], (d, h), jnp.float32)
        self.We = initialise('glorot', keys[2], (e, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)
        self.U = initialise('glorot', keys[3], (d, h), jnp.float32)
        self.V = initialise('glorot', keys[4], (h, h), jnp.float32)
        self.c = jnp.zeros((h,), jnp.float32)
        self.agg = MaxMessage(h)

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Float[Array, 'n n e'], Bool[Array, 'n n']]
    ) -> Float[Array, 'n h']:
        x1, ef, adj = x
        incoming = jax.nn.relu(
            jnp.einsum('ua,ak->uk', x1, self.Ws)
            + jnp.einsum('va,ak->vk', x1, self.Wt)[:, None]
            + jnp.einsum('uvf,fk->vuk', ef, self.We)
            + self.b
        )

        def per_element(v):
            ms = unit_where_masked(jax.vmap(self.agg.lift)(v[0]), v[1], self.agg.unit())
            h = fold_balanced(self.agg.combine, self.agg.unit(), ms)
            return h

        m = jax.vmap(per_element)((incoming, jnp.transpose(adj, (1, 0))))
        return jax.nn.relu(
            jnp.einsum('va,ak->vk', x1, self.U) + jnp.einsum('vj,jk->vk', m, self.V) + self.c
        )


class MPNNSum(eqx.Module):
    """MPNNSum(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]"""

    Ws: Float[Array, 'd h']
    Wt: Float[Array, 'd h']
    We: Float[Array, 'e h']
    b: Float[Array, 'h']
    U: Float[Array, 'd h']
    V: Float[Array, 'h h']
    c: Float[Array, 'h']
    agg: Sum
    d: int = eqx.field(static=True)
    e: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, e: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.e = e
        self.h = h
        keys = jax.random.split(key, 5)
        self.Ws = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.Wt = initialise('glorot', keys[1], (d, h), jnp.float32)
        self.We = initialise('glorot', keys[2], (e, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)
        self.U = initialise('glorot', keys[3], (d, h), jnp.float32)
        self.V = initialise('glorot', keys[4], (h, h), jnp.float32)
        self.c = jnp.zeros((h,), jnp.float32)
        self.agg = Sum(h)

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Float[Array, 'n n e'], Bool[Array, 'n n']]
    ) -> Float[Array, 'n h']:
        x1, ef, adj = x
        incoming = jax.nn.relu(
            jnp.einsum('ua,ak->uk', x1, self.Ws)
            + jnp.einsum('va,ak->vk', x1, self.Wt)[:, None]
            + jnp.einsum('uvf,fk->vuk', ef, self.We)
            + self.b
        )

        def per_element(v):
            ms = unit_where_masked(jax.vmap(self.agg.lift)(v[0]), v[1], self.agg.unit())
            h = fold_balanced(self.agg.combine, self.agg.unit(), ms)
            return h

        m = jax.vmap(per_element)((incoming, jnp.transpose(adj, (1, 0))))
        return jax.nn.relu(
            jnp.einsum('va,ak->vk', x1, self.U) + jnp.einsum('vj,jk->vk', m, self.V) + self.c
        )


class GATLayer(eqx.Module):
    """GATLayer(d: Nat, h: Nat) (n : set) : ([n, d], [n, n] bool) -> [n, h]"""

    W: Float[Array, 'd h']
    a_src: Float[Array, 'h']
    a_dst: Float[Array, 'h']
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        keys = jax.random.split(key, 3)
        self.W = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.a_src = initialise('glorot', keys[1], (h,), jnp.float32)
        self.a_dst = initialise('glorot', keys[2], (h,), jnp.float32)

    def __call__(self, x: tuple[Float[Array, 'n d'], Bool[Array, 'n n']]) -> Float[Array, 'n h']:
        n = x[0].shape[0]
        x1, adj = x
        z = x1 @ self.W
        score = jnp.transpose(
            jnp.where(
                jnp.logical_or(adj, jnp.arange(n)[:, None] == jnp.arange(n)),
                jax.nn.leaky_relu(
                    jnp.einsum('uk,k->u', z, self.a_src)[:, None]
                    + jnp.einsum('vk,k->v', z, self.a_dst)
                ),
                -jnp.inf,
            ),
            (1, 0),
        )
        att = softmax(score, axis=-1)
        return jnp.einsum('vu,uk->vk', att, z)


__all__ = ['BellmanFordStep', 'MinPlusProduct', 'MaxMessage', 'MPNNMax', 'MPNNSum', 'GATLayer']
