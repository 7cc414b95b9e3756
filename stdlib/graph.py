"""Equinox modules compiled from stdlib/graph.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/graph.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, PRNGKeyArray

from paradsl.runtime import initialise, semiring_contract, softmax, unit_where_masked
from paradsl.stdlib.rnn import Min, Sum


class EdgeMessage(eqx.Module):
    """EdgeMessage(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e]) -> [n, n, h]"""

    Ws: Float[Array, 'd h']
    Wt: Float[Array, 'd h']
    We: Float[Array, 'e h']
    b: Float[Array, 'h']
    d: int = eqx.field(static=True)
    e: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, e: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.e = e
        self.h = h
        keys = jax.random.split(key, 3)
        self.Ws = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.Wt = initialise('glorot', keys[1], (d, h), jnp.float32)
        self.We = initialise('glorot', keys[2], (e, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Float[Array, 'n n e']]
    ) -> Float[Array, 'n n h']:
        x1, ef = x
        return jax.nn.relu(
            jnp.einsum('ua,ak->uk', x1, self.Ws)[:, None]
            + jnp.einsum('va,ak->vk', x1, self.Wt)
            + jnp.einsum('uvf,fk->uvk', ef, self.We)
            + self.b
        )


class NodeUpdate(eqx.Module):
    """NodeUpdate(d: Nat, h: Nat) (n : set) : ([n, d], [n, h]) -> [n, h]"""

    U: Float[Array, 'd h']
    V: Float[Array, 'h h']
    c: Float[Array, 'h']
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        keys = jax.random.split(key, 2)
        self.U = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.V = initialise('glorot', keys[1], (h, h), jnp.float32)
        self.c = jnp.zeros((h,), jnp.float32)

    def __call__(self, x: tuple[Float[Array, 'n d'], Float[Array, 'n h']]) -> Float[Array, 'n h']:
        x1, m = x
        return jax.nn.relu(
            jnp.einsum('va,ak->vk', x1, self.U) + jnp.einsum('vj,jk->vk', m, self.V) + self.c
        )


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

    msg: EdgeMessage
    agg: MaxMessage
    upd: NodeUpdate
    d: int = eqx.field(static=True)
    e: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, e: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.e = e
        self.h = h
        keys = jax.random.split(key, 2)
        self.msg = EdgeMessage(d, e, h, key=keys[0])
        self.agg = MaxMessage(h)
        self.upd = NodeUpdate(d, h, key=keys[1])

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Float[Array, 'n n e'], Bool[Array, 'n n']]
    ) -> Float[Array, 'n h']:
        x1, ef, adj = x
        msgs = self.msg((x1, ef))
        ms = unit_where_masked(jax.vmap(jax.vmap(self.agg.lift))(msgs), adj, self.agg.unit())
        if ms.shape[0] == 0:
            h = jnp.broadcast_to(self.agg.unit(), ms.shape[1:])
        else:
            h = jnp.max(ms, axis=0)
        m = h
        return self.upd((x1, m))


class MPNNSum(eqx.Module):
    """MPNNSum(d: Nat, e: Nat, h: Nat) (n : set) : ([n, d], [n, n, e], [n, n] bool) -> [n, h]"""

    msg: EdgeMessage
    agg: Sum
    upd: NodeUpdate
    d: int = eqx.field(static=True)
    e: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, e: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.e = e
        self.h = h
        keys = jax.random.split(key, 2)
        self.msg = EdgeMessage(d, e, h, key=keys[0])
        self.agg = Sum(h)
        self.upd = NodeUpdate(d, h, key=keys[1])

    def __call__(
        self, x: tuple[Float[Array, 'n d'], Float[Array, 'n n e'], Bool[Array, 'n n']]
    ) -> Float[Array, 'n h']:
        x1, ef, adj = x
        msgs = self.msg((x1, ef))
        ms = unit_where_masked(msgs, adj, self.agg.unit())
        if ms.shape[0] == 0:
            h = jnp.broadcast_to(self.agg.unit(), ms.shape[1:])
        else:
            h = jnp.sum(ms, axis=0)
        m = h
        return self.upd((x1, m))


class Relax(eqx.Module):
    """Relax() (n : set) : ([n, 1], [n, n, 1]) -> [n, n, 1]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(
        self, x: tuple[Float[Array, 'n 1'], Float[Array, 'n n 1']]
    ) -> Float[Array, 'n n 1']:
        d, w = x
        return d[:, None] + w


class KeepShorter(eqx.Module):
    """KeepShorter() (n : set) : ([n, 1], [n, 1]) -> [n, 1]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(self, x: tuple[Float[Array, 'n 1'], Float[Array, 'n 1']]) -> Float[Array, 'n 1']:
        d, m = x
        return jnp.minimum(d, m)


class MessagePassing_Relax_Min_KeepShorter(eqx.Module):
    """MessagePassing_Relax_Min_KeepShorter() (n : set) : ([n, 1], [n, n, 1], [n, n] bool)
    -> [n, 1]"""

    msg: Relax
    agg: Min
    upd: KeepShorter

    def __init__(self, *, key: PRNGKeyArray | None = None):
        self.msg = Relax()
        self.agg = Min(1)
        self.upd = KeepShorter()

    def __call__(
        self, x: tuple[Float[Array, 'n 1'], Float[Array, 'n n 1'], Bool[Array, 'n n']]
    ) -> Float[Array, 'n 1']:
        x1, ef, adj = x
        msgs = self.msg((x1, ef))
        ms = unit_where_masked(msgs, adj, self.agg.unit())
        if ms.shape[0] == 0:
            h = jnp.broadcast_to(self.agg.unit(), ms.shape[1:])
        else:
            h = jnp.min(ms, axis=0)
        m = h
        return self.upd((x1, m))


class BellmanFordStep(eqx.Module):
    """BellmanFordStep() (n : set) : ([n], [n, n]) -> [n]"""

    message_passing_0: MessagePassing_Relax_Min_KeepShorter

    def __init__(self, *, key: PRNGKeyArray | None = None):
        self.message_passing_0 = MessagePassing_Relax_Min_KeepShorter()

    def __call__(self, x: tuple[Float[Array, 'n'], Float[Array, 'n n']]) -> Float[Array, 'n']:
        n = x[0].shape[0]
        d, w = x
        relaxed = self.message_passing_0(
            (
                jnp.broadcast_to(d[:, None], (n, 1)),
                jnp.broadcast_to(w[:, :, None], (n, n, 1)),
                w < jnp.inf,
            )
        )
        return relaxed[:, 0]


class MinPlusProduct(eqx.Module):
    """MinPlusProduct() (n : set) : ([n, n], [n, n]) -> [n, n]"""

    def __init__(self, *, key: PRNGKeyArray | None = None):
        pass

    def __call__(self, x: tuple[Float[Array, 'n n'], Float[Array, 'n n']]) -> Float[Array, 'n n']:
        a, b = x
        return semiring_contract('min', 'add', jnp.inf, 'ik,kj->ij', a, b)


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


__all__ = [
    'EdgeMessage',
    'NodeUpdate',
    'MaxMessage',
    'MPNNMax',
    'MPNNSum',
    'Relax',
    'KeepShorter',
    'MessagePassing_Relax_Min_KeepShorter',
    'BellmanFordStep',
    'MinPlusProduct',
    'GATLayer',
]
