"""Equinox modules compiled from stdlib/attention.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/attention.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import initialise, log_softmax, softmax, temper


class DotProductAttention(eqx.Module):
    """DotProductAttention(k: Nat, v: Nat) (n : set) (m : set) : ([n, k], [m, k], [m, v])
    -> [n, v]"""

    k: int = eqx.field(static=True)
    v: int = eqx.field(static=True)

    def __init__(self, k: int, v: int, *, key: PRNGKeyArray | None = None):
        self.k = k
        self.v = v

    def __call__(
        self, x: tuple[Float[Array, 'n k'], Float[Array, 'm k'], Float[Array, 'm v']]
    ) -> Float[Array, 'n v']:
        q, ks, vs = x
        logits = jnp.einsum('ic,jc->ij', q, ks) / jnp.sqrt(self.k)
        weights = softmax(logits, axis=-1)
        return weights @ vs


class Softmax(eqx.Module):
    """Softmax(h: Nat) (m : set) : [h, m, m] -> [h, m, m]"""

    h: int = eqx.field(static=True)

    def __init__(self, h: int, *, key: PRNGKeyArray | None = None):
        self.h = h

    def __call__(self, logits: Float[Array, 'h m m']) -> Float[Array, 'h m m']:
        return softmax(logits, axis=-1)


class SoftmaxAt(eqx.Module):
    """SoftmaxAt(h: Nat, beta: Float) (m : set) : [h, m, m] -> [h, m, m]"""

    h: int = eqx.field(static=True)
    beta: float = eqx.field(static=True)

    def __init__(self, h: int, beta: float, *, key: PRNGKeyArray | None = None):
        self.h = h
        self.beta = beta

    def __call__(self, logits: Float[Array, 'h m m']) -> Float[Array, 'h m m']:
        return softmax(temper(self.beta, logits), axis=-1)


class Hardmax(eqx.Module):
    """Hardmax(h: Nat) (m : set) : [h, m, m] -> [h, m, m]"""

    h: int = eqx.field(static=True)

    def __init__(self, h: int, *, key: PRNGKeyArray | None = None):
        self.h = h

    def __call__(self, logits: Float[Array, 'h m m']) -> Float[Array, 'h m m']:
        return jax.nn.one_hot(
            jnp.argmax(logits, axis=-1), logits.shape[-1], axis=-1, dtype=logits.dtype
        )


class Sampled(eqx.Module):
    """Sampled(h: Nat, beta: Float) (m : set) : [h, m, m] -> [h, m, m]"""

    h: int = eqx.field(static=True)
    beta: float = eqx.field(static=True)

    def __init__(self, h: int, beta: float, *, key: PRNGKeyArray | None = None):
        self.h = h
        self.beta = beta

    def __call__(
        self, logits: Float[Array, 'h m m'], *, key: PRNGKeyArray | None = None
    ) -> Float[Array, 'h m m']:
        keys = (None,) * 1 if key is None else jax.random.split(key, 1)
        scores = temper(self.beta, logits)
        k = keys[0]
        return jax.nn.one_hot(
            (
                jnp.argmax(scores, axis=-1)
                if k is None
                else jax.random.categorical(k, scores, axis=-1)
            ),
            scores.shape[-1],
            axis=-1,
            dtype=scores.dtype,
        )


class CausalSoftmax(eqx.Module):
    """CausalSoftmax(h: Nat) (t : list) : [h, t, t] -> [h, t, t]"""

    h: int = eqx.field(static=True)

    def __init__(self, h: int, *, key: PRNGKeyArray | None = None):
        self.h = h

    def __call__(self, logits: Float[Array, 'h t t']) -> Float[Array, 'h t t']:
        t = logits.shape[1]
        return softmax(
            jnp.where(jnp.arange(t) <= jnp.arange(t)[:, None], logits, -jnp.inf), axis=-1
        )


class MultiHeadAttention(eqx.Module):
    """MultiHeadAttention(d: Nat, h: Nat, k: Nat) (n : set) : [n, d] -> [n, d]"""

    Wq: Float[Array, 'd h k']
    Wk: Float[Array, 'd h k']
    Wv: Float[Array, 'd h k']
    Wo: Float[Array, 'h k d']
    select: Softmax
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        keys = jax.random.split(key, 4)
        self.Wq = initialise('glorot', keys[0], (d, h, k), jnp.float32)
        self.Wk = initialise('glorot', keys[1], (d, h, k), jnp.float32)
        self.Wv = initialise('glorot', keys[2], (d, h, k), jnp.float32)
        self.Wo = initialise('glorot', keys[3], (h, k, d), jnp.float32)
        self.select = Softmax(h)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        q = jnp.einsum('ia,agc->igc', x, self.Wq)
        ks = jnp.einsum('ja,agc->jgc', x, self.Wk)
        vs = jnp.einsum('ja,agc->jgc', x, self.Wv)
        logits = jnp.einsum('igc,jgc->gij', q, ks) / jnp.sqrt(self.k)
        weights = self.select(logits)
        heads = jnp.einsum('gij,jgc->igc', weights, vs)
        return jnp.einsum('igc,gce->ie', heads, self.Wo)


class CausalAttention(eqx.Module):
    """CausalAttention(d: Nat, h: Nat, k: Nat) (t : list) : [t, d] -> [t, d]"""

    Wq: Float[Array, 'd h k']
    Wk: Float[Array, 'd h k']
    Wv: Float[Array, 'd h k']
    Wo: Float[Array, 'h k d']
    select: CausalSoftmax
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        keys = jax.random.split(key, 4)
        self.Wq = initialise('glorot', keys[0], (d, h, k), jnp.float32)
        self.Wk = initialise('glorot', keys[1], (d, h, k), jnp.float32)
        self.Wv = initialise('glorot', keys[2], (d, h, k), jnp.float32)
        self.Wo = initialise('glorot', keys[3], (h, k, d), jnp.float32)
        self.select = CausalSoftmax(h)

    def __call__(self, x: Float[Array, 't d']) -> Float[Array, 't d']:
        q = jnp.einsum('ia,agc->igc', x, self.Wq)
        ks = jnp.einsum('ja,agc->jgc', x, self.Wk)
        vs = jnp.einsum('ja,agc->jgc', x, self.Wv)
        logits = jnp.einsum('igc,jgc->gij', q, ks) / jnp.sqrt(self.k)
        weights = self.select(logits)
        heads = jnp.einsum('gij,jgc->igc', weights, vs)
        return jnp.einsum('igc,gce->ie', heads, self.Wo)


class TalkingHeads(eqx.Module):
    """TalkingHeads(h: Nat) (m : set) : [h, m, m] -> [h, m, m]"""

    Pl: Float[Array, 'h h']
    Pw: Float[Array, 'h h']
    h: int = eqx.field(static=True)

    def __init__(self, h: int, *, key: PRNGKeyArray):
        self.h = h
        keys = jax.random.split(key, 2)
        self.Pl = initialise('glorot', keys[0], (h, h), jnp.float32)
        self.Pw = initialise('glorot', keys[1], (h, h), jnp.float32)

    def __call__(self, logits: Float[Array, 'h m m']) -> Float[Array, 'h m m']:
        mixed = jnp.einsum('fij,fg->gij', logits, self.Pl)
        weights = softmax(mixed, axis=-1)
        return jnp.einsum('fij,fg->gij', weights, self.Pw)


class TalkingHeadsAttention(eqx.Module):
    """TalkingHeadsAttention(d: Nat, h: Nat, k: Nat) (n : set) : [n, d] -> [n, d]"""

    Wq: Float[Array, 'd h k']
    Wk: Float[Array, 'd h k']
    Wv: Float[Array, 'd h k']
    Wo: Float[Array, 'h k d']
    select: TalkingHeads
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        keys = jax.random.split(key, 5)
        self.Wq = initialise('glorot', keys[0], (d, h, k), jnp.float32)
        self.Wk = initialise('glorot', keys[1], (d, h, k), jnp.float32)
        self.Wv = initialise('glorot', keys[2], (d, h, k), jnp.float32)
        self.Wo = initialise('glorot', keys[3], (h, k, d), jnp.float32)
        self.select = TalkingHeads(h, key=keys[4])

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        q = jnp.einsum('ia,agc->igc', x, self.Wq)
        ks = jnp.einsum('ja,agc->jgc', x, self.Wk)
        vs = jnp.einsum('ja,agc->jgc', x, self.Wv)
        logits = jnp.einsum('igc,jgc->gij', q, ks) / jnp.sqrt(self.k)
        weights = self.select(logits)
        heads = jnp.einsum('gij,jgc->igc', weights, vs)
        return jnp.einsum('igc,gce->ie', heads, self.Wo)


class TokenLayerNorm(eqx.Module):
    """TokenLayerNorm(d: Nat) (n : set) : [n, d] -> [n, d]"""

    gamma: Float[Array, 'd']
    beta: Float[Array, 'd']
    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d
        self.gamma = jnp.ones((d,), jnp.float32)
        self.beta = jnp.zeros((d,), jnp.float32)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        mu = jnp.mean(x, axis=1)
        var = jnp.mean((x - mu[:, None]) ** 2, axis=1)
        return (x - mu[:, None]) / jnp.sqrt(var + 1e-05)[:, None] * self.gamma + self.beta


class TokenFeedForward(eqx.Module):
    """TokenFeedForward(d: Nat, f: Nat) (n : set) : [n, d] -> [n, d]"""

    W1: Float[Array, 'd f']
    b1: Float[Array, 'f']
    W2: Float[Array, 'f d']
    b2: Float[Array, 'd']
    d: int = eqx.field(static=True)
    f: int = eqx.field(static=True)

    def __init__(self, d: int, f: int, *, key: PRNGKeyArray):
        self.d = d
        self.f = f
        keys = jax.random.split(key, 2)
        self.W1 = initialise('glorot', keys[0], (d, f), jnp.float32)
        self.b1 = jnp.zeros((f,), jnp.float32)
        self.W2 = initialise('glorot', keys[1], (f, d), jnp.float32)
        self.b2 = jnp.zeros((d,), jnp.float32)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        hidden = jax.nn.gelu(jnp.einsum('ia,aj->ij', x, self.W1) + self.b1)
        return jnp.einsum('ij,je->ie', hidden, self.W2) + self.b2


class TransformerBlock(eqx.Module):
    """TransformerBlock(d: Nat, h: Nat, k: Nat, f: Nat) (n : set) : [n, d] -> [n, d]"""

    attn: MultiHeadAttention
    norm1: TokenLayerNorm
    norm2: TokenLayerNorm
    ff: TokenFeedForward
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, f: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        keys = jax.random.split(key, 2)
        self.attn = MultiHeadAttention(d, h, k, key=keys[0])
        self.norm1 = TokenLayerNorm(d)
        self.norm2 = TokenLayerNorm(d)
        self.ff = TokenFeedForward(d, f, key=keys[1])

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'n d']:
        y = x + self.attn(self.norm1(x))
        return y + self.ff(self.norm2(y))


class DecoderBlock(eqx.Module):
    """DecoderBlock(d: Nat, h: Nat, k: Nat, f: Nat) (t : list) : [t, d] -> [t, d]"""

    attn: CausalAttention
    norm1: TokenLayerNorm
    norm2: TokenLayerNorm
    ff: TokenFeedForward
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, k: int, f: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        keys = jax.random.split(key, 2)
        self.attn = CausalAttention(d, h, k, key=keys[0])
        self.norm1 = TokenLayerNorm(d)
        self.norm2 = TokenLayerNorm(d)
        self.ff = TokenFeedForward(d, f, key=keys[1])

    def __call__(self, x: Float[Array, 't d']) -> Float[Array, 't d']:
        y = x + self.attn(self.norm1(x))
        return y + self.ff(self.norm2(y))


class SinusoidalPositions(eqx.Module):
    """SinusoidalPositions(d: Nat) (t : list) : [t, d] -> [t, d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def __call__(self, x: Float[Array, 't d']) -> Float[Array, 't d']:
        t = x.shape[0]
        return x + jnp.where(
            jnp.arange(self.d) % 2 == 0,
            jnp.sin(jnp.arange(t)[:, None] / 10000.0 ** (1.0 * jnp.arange(self.d) / self.d)),
            jnp.cos(
                jnp.arange(t)[:, None] / 10000.0 ** ((1.0 * jnp.arange(self.d) - 1.0) / self.d)
            ),
        )


class TinyLM(eqx.Module):
    """TinyLM(v: Nat, d: Nat, h: Nat, k: Nat, f: Nat) (t : list) : [t] i32 -> [t, v]"""

    E: Float[Array, 'v d']
    pos: SinusoidalPositions
    b1: DecoderBlock
    b2: DecoderBlock
    norm: TokenLayerNorm
    v: int = eqx.field(static=True)
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)
    k: int = eqx.field(static=True)
    f: int = eqx.field(static=True)

    def __init__(self, v: int, d: int, h: int, k: int, f: int, *, key: PRNGKeyArray):
        self.v = v
        self.d = d
        self.h = h
        self.k = k
        self.f = f
        keys = jax.random.split(key, 3)
        self.E = 0.02 * jax.random.normal(keys[0], (v, d), jnp.float32)
        self.pos = SinusoidalPositions(d)
        self.b1 = DecoderBlock(d, h, k, f, key=keys[1])
        self.b2 = DecoderBlock(d, h, k, f, key=keys[2])
        self.norm = TokenLayerNorm(d)

    def __call__(self, tokens: Int[Array, 't']) -> Float[Array, 't v']:
        x = self.E.at[tokens].get(mode='fill', wrap_negative_indices=False)
        z = self.norm(self.b2(self.b1(self.pos(x))))
        logits = jnp.einsum('se,we->sw', z, self.E)
        return log_softmax(logits, axis=-1)


__all__ = [
    'DotProductAttention',
    'Softmax',
    'SoftmaxAt',
    'Hardmax',
    'Sampled',
    'CausalSoftmax',
    'MultiHeadAttention',
    'CausalAttention',
    'TalkingHeads',
    'TalkingHeadsAttention',
    'TokenLayerNorm',
    'TokenFeedForward',
    'TransformerBlock',
    'DecoderBlock',
    'SinusoidalPositions',
    'TinyLM',
]
