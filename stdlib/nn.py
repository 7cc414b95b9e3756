"""Equinox modules compiled from stdlib/nn.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/nn.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import check_rate, circular_convolution, initialise
from paradsl.stdlib.reparam import Circulant, SetEquivariant


class Linear(eqx.Module):
    """Linear(i: Nat, o: Nat) : [i] -> [o]"""

    W: Float[Array, 'i o']
    b: Float[Array, 'o']
    i: int = eqx.field(static=True)
    o: int = eqx.field(static=True)

    def __init__(self, i: int, o: int, *, key: PRNGKeyArray):
        self.i = i
        self.o = o
        self.W = initialise('glorot', key, (i, o), jnp.float32)
        self.b = jnp.zeros((o,), jnp.float32)

    def __call__(self, x: Float[Array, 'i']) -> Float[Array, 'o']:
        return jnp.einsum('j,jk->k', x, self.W) + self.b


class LinearNoBias(eqx.Module):
    """LinearNoBias(i: Nat, o: Nat) : [i] -> [o]"""

    W: Float[Array, 'i o']
    i: int = eqx.field(static=True)
    o: int = eqx.field(static=True)

    def __init__(self, i: int, o: int, *, key: PRNGKeyArray):
        self.i = i
        self.o = o
        self.W = initialise('glorot', key, (i, o), jnp.float32)

    def __call__(self, x: Float[Array, 'i']) -> Float[Array, 'o']:
        return x @ self.W


class MLP(eqx.Module):
    """MLP(d_in: Nat, d_hidden: Nat, d_out: Nat) : [d_in] -> [d_out]"""

    linear_0: Linear
    linear_1: Linear
    d_in: int = eqx.field(static=True)
    d_hidden: int = eqx.field(static=True)
    d_out: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_hidden: int, d_out: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_hidden = d_hidden
        self.d_out = d_out
        keys = jax.random.split(key, 2)
        self.linear_0 = Linear(d_in, d_hidden, key=keys[0])
        self.linear_1 = Linear(d_hidden, d_out, key=keys[1])

    def __call__(self, x: Float[Array, 'd_in']) -> Float[Array, 'd_out']:
        h = self.linear_0(x)
        h1 = jax.nn.relu(h)
        return self.linear_1(h1)


class LayerNorm(eqx.Module):
    """LayerNorm(d: Nat, eps: Float) : [d] -> [d]"""

    gamma: Float[Array, 'd']
    beta: Float[Array, 'd']
    d: int = eqx.field(static=True)
    eps: float = eqx.field(static=True)

    def __init__(self, d: int, eps: float = 1e-05, *, key: PRNGKeyArray | None = None):
        self.d = d
        self.eps = eps
        self.gamma = jnp.ones((d,), jnp.float32)
        self.beta = jnp.zeros((d,), jnp.float32)

    def __call__(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        mu = jnp.mean(x)
        var = jnp.mean((x - mu) ** 2)
        return (x - mu) / jnp.sqrt(var + self.eps) * self.gamma + self.beta


class Embedding(eqx.Module):
    """Embedding(v: Nat, d: Nat) : i32 -> [d]"""

    E: Float[Array, 'v d']
    v: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, v: int, d: int, *, key: PRNGKeyArray):
        self.v = v
        self.d = d
        self.E = 1.0 * jax.random.normal(key, (v, d), jnp.float32)

    def __call__(self, tok: Int[Array, '']) -> Float[Array, 'd']:
        return self.E.at[tok].get(mode='fill', wrap_negative_indices=False)


class Dropout(eqx.Module):
    """Dropout(d: Nat, p: Float) : [d] -> [d]"""

    d: int = eqx.field(static=True)
    p: float = eqx.field(static=True)

    def __init__(self, d: int, p: float = 0.1, *, key: PRNGKeyArray | None = None):
        self.d = d
        self.p = p
        check_rate('Dropout', 'p', p)

    def __call__(
        self, x: Float[Array, 'd'], *, key: PRNGKeyArray | None = None
    ) -> Float[Array, 'd']:
        keys = (None,) * 1 if key is None else jax.random.split(key, 1)
        k = keys[0]
        keep = 1.0 - self.p
        return (
            x
            if k is None
            else jnp.where(jax.random.bernoulli(k, keep, x.shape), x, 0.0)
            / jnp.where(keep > 0.0, keep, 1.0)
        )


class ResidualMLPBlock(eqx.Module):
    """ResidualMLPBlock(d: Nat, d_hidden: Nat) : [d] -> [d]"""

    norm: LayerNorm
    ff: MLP
    d: int = eqx.field(static=True)
    d_hidden: int = eqx.field(static=True)

    def __init__(self, d: int, d_hidden: int, *, key: PRNGKeyArray):
        self.d = d
        self.d_hidden = d_hidden
        self.norm = LayerNorm(d, 1e-05)
        self.ff = MLP(d, d_hidden, d, key=key)

    def __call__(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        return x + self.ff(self.norm(x))


class Dense(eqx.Module):
    """Dense() (m : set) : [m] -> [m]

    Given by a 2-cell where it is used (None until then): W
    """

    W: Float[Array, 'm m']

    def __init__(self, *, key: PRNGKeyArray | None = None):
        self.W = None

    def __call__(self, x: Float[Array, 'm']) -> Float[Array, 'm']:
        return jnp.einsum('a,ab->b', x, self.W)


class CircConv(eqx.Module):
    """CircConv(k: Nat) (c : cyc) : [c] -> [c]

    Tied leaves (None when stored; computed by `untie`):

        dense_0.W = Circulant(dense_0_w)
    """

    dense_0_w: Float[Array, 'k']
    dense_0: Dense
    circulant_0: Circulant
    k: int = eqx.field(static=True)

    def __init__(self, k: int, *, key: PRNGKeyArray):
        self.k = k
        self.dense_0_w = 0.3 * jax.random.normal(key, (k,), jnp.float32)
        self.dense_0 = eqx.tree_at(lambda m: (m.W,), Dense(), (None,), is_leaf=lambda v: v is None)
        self.circulant_0 = Circulant(k)

    def untie(self, x: Float[Array, 'c']) -> 'CircConv':
        """The module with its tied leaves computed from the free parameters (the 2-cell r):

        dense_0.W = Circulant(dense_0_w)
        """
        c = x.shape[0]
        dense_0_W = self.circulant_0(self.dense_0_w, c=c)
        return eqx.tree_at(
            lambda m: (m.dense_0.W,), self, (dense_0_W,), is_leaf=lambda v: v is None
        )

    def __call__(self, x: Float[Array, 'c']) -> Float[Array, 'c']:
        """g(q, x) = f(r(q), x): each circulant weight applied as a convolution of its kernel."""
        return circular_convolution(x, self.dense_0_w)

    def forward(self, x: Float[Array, 'c']) -> Float[Array, 'c']:
        """The untied map f(p, x): the body, every leaf as stored."""
        return self.dense_0(x)


class DeepSetLayer(eqx.Module):
    """DeepSetLayer() (n : set) : [n] -> [n]

    Tied leaves (None when stored; computed by `untie`):

        dense_0.W = SetEquivariant(dense_0_p)
    """

    dense_0_p: Float[Array, '2']
    dense_0: Dense
    set_equivariant_0: SetEquivariant

    def __init__(self, *, key: PRNGKeyArray):
        self.dense_0_p = 0.3 * jax.random.normal(key, (2,), jnp.float32)
        self.dense_0 = eqx.tree_at(lambda m: (m.W,), Dense(), (None,), is_leaf=lambda v: v is None)
        self.set_equivariant_0 = SetEquivariant()

    def untie(self, x: Float[Array, 'n']) -> 'DeepSetLayer':
        """The module with its tied leaves computed from the free parameters (the 2-cell r):

        dense_0.W = SetEquivariant(dense_0_p)
        """
        n = x.shape[0]
        dense_0_W = self.set_equivariant_0(self.dense_0_p, n=n)
        return eqx.tree_at(
            lambda m: (m.dense_0.W,), self, (dense_0_W,), is_leaf=lambda v: v is None
        )

    def __call__(self, x: Float[Array, 'n']) -> Float[Array, 'n']:
        return self.untie(x).forward(x)

    def forward(self, x: Float[Array, 'n']) -> Float[Array, 'n']:
        """The untied map f(p, x): the body, every leaf as stored."""
        return self.dense_0(x)


__all__ = [
    'Linear',
    'LinearNoBias',
    'MLP',
    'LayerNorm',
    'Embedding',
    'Dropout',
    'ResidualMLPBlock',
    'Dense',
    'CircConv',
    'DeepSetLayer',
]
