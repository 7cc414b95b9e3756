"""Equinox modules compiled from stdlib/models.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/models.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import initialise, log_softmax
from paradsl.stdlib.attention import (
    DecoderBlock,
    SinusoidalPositions,
    TokenLayerNorm,
    TransformerBlock,
)
from paradsl.stdlib.graph import BellmanFordStep
from paradsl.stdlib.rnn import LSTM


class LSTMLM(eqx.Module):
    """LSTMLM(v: Nat, d: Nat, h: Nat) (t : list) : [t] i32 -> [t, v]"""

    E: Float[Array, 'v d']
    Wout: Float[Array, 'h v']
    bout: Float[Array, 'v']
    cell: LSTM
    v: int = eqx.field(static=True)
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, v: int, d: int, h: int, *, key: PRNGKeyArray):
        self.v = v
        self.d = d
        self.h = h
        keys = jax.random.split(key, 3)
        self.E = 0.02 * jax.random.normal(keys[0], (v, d), jnp.float32)
        self.Wout = initialise('glorot', keys[1], (h, v), jnp.float32)
        self.bout = jnp.zeros((v,), jnp.float32)
        self.cell = LSTM(d, h, key=keys[2])

    def __call__(self, x: Int[Array, 't']) -> Float[Array, 't v']:
        h = self.E.at[x].get(mode='fill', wrap_negative_indices=False)

        def step(h, x):
            h = self.cell.cons(x, h)
            return (h, h)

        _, ys = jax.lax.scan(step, self.cell.nil(), h)
        hs, cs = ys
        return log_softmax(jnp.einsum('sa,aw->sw', hs, self.Wout) + self.bout, axis=-1)


class BellmanFord(eqx.Module):
    """BellmanFord() (n : set) : ([n], [n, n]) -> [n]"""

    bellman_ford_step_0: BellmanFordStep

    def __init__(self, *, key: PRNGKeyArray | None = None):
        self.bellman_ford_step_0 = BellmanFordStep()

    def __call__(self, x: tuple[Float[Array, 'n'], Float[Array, 'n n']]) -> Float[Array, 'n']:
        n = x[0].shape[0]
        d0, w = x

        def step(v):
            return self.bellman_ford_step_0((v, w))

        state = jax.lax.fori_loop(0, n - 1, lambda _, s: step(s), d0)
        return state


class TransformerEncoder(eqx.Module):
    """TransformerEncoder(d: Nat, h: Nat, k: Nat, f: Nat, depth: Nat) (n : set) : [n, d]
    -> [n, d]"""

    layers: TransformerBlock
    norm: TokenLayerNorm
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)
    depth: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, f: int, depth: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        self.depth = depth
        self.layers = eqx.filter_vmap(lambda key: TransformerBlock(d, h, k, f, key=key))(
            jax.random.split(key, depth)
        )
        self.norm = TokenLayerNorm(d)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        params, static = eqx.partition(self.layers, eqx.is_array)

        def layer(h, p):
            return (eqx.combine(p, static)(h), None)

        h, _ = jax.lax.scan(layer, x, params, length=self.depth)
        return self.norm(h)


class SharedEncoder(eqx.Module):
    """SharedEncoder(d: Nat, h: Nat, k: Nat, f: Nat, depth: Nat) (n : set) : [n, d] -> [n, d]"""

    layers: TransformerBlock
    norm: TokenLayerNorm
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)
    depth: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, f: int, depth: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        self.depth = depth
        self.layers = TransformerBlock(d, h, k, f, key=key)
        self.norm = TokenLayerNorm(d)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        h = jax.lax.fori_loop(0, self.depth, lambda _, s: self.layers(s), x)
        return self.norm(h)


class DecoderLM(eqx.Module):
    """DecoderLM(v: Nat, d: Nat, h: Nat, k: Nat, f: Nat, depth: Nat) (t : list) : [t] i32
    -> [t, v]"""

    E: Float[Array, 'v d']
    pos: SinusoidalPositions
    layers: DecoderBlock
    norm: TokenLayerNorm
    v: int = eqx.field(static=True)
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)
    depth: int = eqx.field(static=True)

    def __init__(self, v: int, d: int, h: int, k: int, f: int, depth: int, *, key: PRNGKeyArray):
        self.v = v
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        self.depth = depth
        keys = jax.random.split(key, 2)
        self.E = 0.02 * jax.random.normal(keys[0], (v, d), jnp.float32)
        self.pos = SinusoidalPositions(d)
        self.layers = eqx.filter_vmap(lambda key: DecoderBlock(d, h, k, f, key=key))(
            jax.random.split(keys[1], depth)
        )
        self.norm = TokenLayerNorm(d)

    def __call__(self, tokens: Int[Array, 't']) -> Float[Array, 't v']:
        x = self.E.at[tokens].get(mode='fill', wrap_negative_indices=False)
        h = self.pos(x)
        params, static = eqx.partition(self.layers, eqx.is_array)

        def layer(h, p):
            return (eqx.combine(p, static)(h), None)

        h1, _ = jax.lax.scan(layer, h, params, length=self.depth)
        z = self.norm(h1)
        logits = jnp.einsum('se,we->sw', z, self.E)
        return log_softmax(logits, axis=-1)


__all__ = ['LSTMLM', 'BellmanFord', 'TransformerEncoder', 'SharedEncoder', 'DecoderLM']
