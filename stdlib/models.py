"""Equinox modules compiled from stdlib/models.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/models.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import initialise, log_softmax
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
        h = self.E[x]

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


__all__ = ['LSTMLM', 'BellmanFord']
