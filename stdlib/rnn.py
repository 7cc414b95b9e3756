"""Equinox modules compiled from stdlib/rnn.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/rnn.para
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray

from paradsl.runtime import fold_balanced, fold_tree, initialise


class Elman(eqx.Module):
    """algebra Elman(d_in: Nat, d_h: Nat) : ListF([d_in]) on [d_h]"""

    h0: Float[Array, 'd_h']
    W: Float[Array, 'd_in d_h']
    U: Float[Array, 'd_h d_h']
    b: Float[Array, 'd_h']
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        keys = jax.random.split(key, 2)
        self.h0 = jnp.zeros((d_h,), jnp.float32)
        self.W = initialise('glorot', keys[0], (d_in, d_h), jnp.float32)
        self.U = initialise('glorot', keys[1], (d_h, d_h), jnp.float32)
        self.b = jnp.zeros((d_h,), jnp.float32)

    def nil(self) -> Float[Array, 'd_h']:
        return self.h0

    def cons(self, x: Float[Array, 'd_in'], h: Float[Array, 'd_h']) -> Float[Array, 'd_h']:
        return jnp.tanh(x @ self.W + h @ self.U + self.b)


class GRU(eqx.Module):
    """algebra GRU(d_in: Nat, d_h: Nat) : ListF([d_in]) on [d_h]"""

    h0: Float[Array, 'd_h']
    Wr: Float[Array, 'd_in d_h']
    Wz: Float[Array, 'd_in d_h']
    Wn: Float[Array, 'd_in d_h']
    Ur: Float[Array, 'd_h d_h']
    Uz: Float[Array, 'd_h d_h']
    Un: Float[Array, 'd_h d_h']
    br: Float[Array, 'd_h']
    bz: Float[Array, 'd_h']
    bn: Float[Array, 'd_h']
    bhn: Float[Array, 'd_h']
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        keys = jax.random.split(key, 6)
        self.h0 = jnp.zeros((d_h,), jnp.float32)
        self.Wr = initialise('glorot', keys[0], (d_in, d_h), jnp.float32)
        self.Wz = initialise('glorot', keys[1], (d_in, d_h), jnp.float32)
        self.Wn = initialise('glorot', keys[2], (d_in, d_h), jnp.float32)
        self.Ur = initialise('glorot', keys[3], (d_h, d_h), jnp.float32)
        self.Uz = initialise('glorot', keys[4], (d_h, d_h), jnp.float32)
        self.Un = initialise('glorot', keys[5], (d_h, d_h), jnp.float32)
        self.br = jnp.zeros((d_h,), jnp.float32)
        self.bz = jnp.zeros((d_h,), jnp.float32)
        self.bn = jnp.zeros((d_h,), jnp.float32)
        self.bhn = jnp.zeros((d_h,), jnp.float32)

    def nil(self) -> Float[Array, 'd_h']:
        return self.h0

    def cons(self, x: Float[Array, 'd_in'], h: Float[Array, 'd_h']) -> Float[Array, 'd_h']:
        r = jax.nn.sigmoid(x @ self.Wr + self.br + h @ self.Ur)
        z = jax.nn.sigmoid(x @ self.Wz + self.bz + h @ self.Uz)
        c = jnp.tanh(x @ self.Wn + self.bn + r * (h @ self.Un + self.bhn))
        return c + z * (h - c)


class LSTM(eqx.Module):
    """algebra LSTM(d_in: Nat, d_h: Nat) : ListF([d_in]) on ([d_h], [d_h])"""

    h0: Float[Array, 'd_h']
    c0: Float[Array, 'd_h']
    Wi: Float[Array, 'd_in d_h']
    Wf: Float[Array, 'd_in d_h']
    Wg: Float[Array, 'd_in d_h']
    Wo: Float[Array, 'd_in d_h']
    Ui: Float[Array, 'd_h d_h']
    Uf: Float[Array, 'd_h d_h']
    Ug: Float[Array, 'd_h d_h']
    Uo: Float[Array, 'd_h d_h']
    bi: Float[Array, 'd_h']
    bf: Float[Array, 'd_h']
    bg: Float[Array, 'd_h']
    bo: Float[Array, 'd_h']
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        keys = jax.random.split(key, 8)
        self.h0 = jnp.zeros((d_h,), jnp.float32)
        self.c0 = jnp.zeros((d_h,), jnp.float32)
        self.Wi = initialise('glorot', keys[0], (d_in, d_h), jnp.float32)
        self.Wf = initialise('glorot', keys[1], (d_in, d_h), jnp.float32)
        self.Wg = initialise('glorot', keys[2], (d_in, d_h), jnp.float32)
        self.Wo = initialise('glorot', keys[3], (d_in, d_h), jnp.float32)
        self.Ui = initialise('glorot', keys[4], (d_h, d_h), jnp.float32)
        self.Uf = initialise('glorot', keys[5], (d_h, d_h), jnp.float32)
        self.Ug = initialise('glorot', keys[6], (d_h, d_h), jnp.float32)
        self.Uo = initialise('glorot', keys[7], (d_h, d_h), jnp.float32)
        self.bi = jnp.zeros((d_h,), jnp.float32)
        self.bf = jnp.zeros((d_h,), jnp.float32)
        self.bg = jnp.zeros((d_h,), jnp.float32)
        self.bo = jnp.zeros((d_h,), jnp.float32)

    def nil(self) -> tuple[Float[Array, 'd_h'], Float[Array, 'd_h']]:
        return (self.h0, self.c0)

    def cons(self, x: Float[Array, 'd_in'], arg) -> tuple[Float[Array, 'd_h'], Float[Array, 'd_h']]:
        h, c = arg
        ig = jax.nn.sigmoid(x @ self.Wi + h @ self.Ui + self.bi)
        fg = jax.nn.sigmoid(x @ self.Wf + h @ self.Uf + self.bf)
        g = jnp.tanh(x @ self.Wg + h @ self.Ug + self.bg)
        og = jax.nn.sigmoid(x @ self.Wo + h @ self.Uo + self.bo)
        c2 = fg * c + ig * g
        return (og * jnp.tanh(c2), c2)


class ElmanRNN(eqx.Module):
    """ElmanRNN(d_in: Nat, d_h: Nat) (t : list) : [t, d_in] -> [d_h]"""

    elman_0: Elman
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        self.elman_0 = Elman(d_in, d_h, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 'd_h']:

        def step(h, x):
            return (self.elman_0.cons(x, h), None)

        h, _ = jax.lax.scan(step, self.elman_0.nil(), x)
        return h


class GRURNN(eqx.Module):
    """GRURNN(d_in: Nat, d_h: Nat) (t : list) : [t, d_in] -> [d_h]"""

    gru_0: GRU
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        self.gru_0 = GRU(d_in, d_h, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 'd_h']:

        def step(h, x):
            return (self.gru_0.cons(x, h), None)

        h, _ = jax.lax.scan(step, self.gru_0.nil(), x)
        return h


class LSTMRNN(eqx.Module):
    """LSTMRNN(d_in: Nat, d_h: Nat) (t : list) : [t, d_in] -> [d_h]"""

    lstm_0: LSTM
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        self.lstm_0 = LSTM(d_in, d_h, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 'd_h']:

        def step(h, x):
            return (self.lstm_0.cons(x, h), None)

        h, _ = jax.lax.scan(step, self.lstm_0.nil(), x)
        h1, c = h
        return h1


class StreamDecoder(eqx.Module):
    """coalgebra StreamDecoder(d_h: Nat, d_o: Nat) : StreamF([d_o]) on [d_h]"""

    Wo: Float[Array, 'd_h d_o']
    bo: Float[Array, 'd_o']
    U: Float[Array, 'd_h d_h']
    b: Float[Array, 'd_h']
    d_h: int = eqx.field(static=True)
    d_o: int = eqx.field(static=True)

    def __init__(self, d_h: int, d_o: int, *, key: PRNGKeyArray):
        self.d_h = d_h
        self.d_o = d_o
        keys = jax.random.split(key, 2)
        self.Wo = initialise('glorot', keys[0], (d_h, d_o), jnp.float32)
        self.bo = jnp.zeros((d_o,), jnp.float32)
        self.U = initialise('glorot', keys[1], (d_h, d_h), jnp.float32)
        self.b = jnp.zeros((d_h,), jnp.float32)

    def out(self, s: Float[Array, 'd_h']):
        return (s @ self.Wo + self.bo, jnp.tanh(s @ self.U + self.b))


class Decoder(eqx.Module):
    """Decoder(d_h: Nat, d_o: Nat, n: Nat) : [d_h] -> [n, d_o]"""

    stream_decoder_0: StreamDecoder
    d_h: int = eqx.field(static=True)
    d_o: int = eqx.field(static=True)
    n: int = eqx.field(static=True)

    def __init__(self, d_h: int, d_o: int, n: int, *, key: PRNGKeyArray):
        self.d_h = d_h
        self.d_o = d_o
        self.n = n
        self.stream_decoder_0 = StreamDecoder(d_h, d_o, key=key)

    def __call__(self, x: Float[Array, 'd_h']) -> Float[Array, 'n d_o']:

        def step(s, _):
            o, s = self.stream_decoder_0.out(s)
            return (s, o)

        _, ys = jax.lax.scan(step, x, None, length=self.n)
        return ys


class ElmanMealy(eqx.Module):
    """mealy ElmanMealy(d_in: Nat, d_h: Nat, d_out: Nat) : [d_in] -> [d_out] on [d_h]"""

    h0: Float[Array, 'd_h']
    W: Float[Array, 'd_in d_h']
    U: Float[Array, 'd_h d_h']
    b: Float[Array, 'd_h']
    V: Float[Array, 'd_h d_out']
    c: Float[Array, 'd_out']
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)
    d_out: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, d_out: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        self.d_out = d_out
        keys = jax.random.split(key, 3)
        self.h0 = jnp.zeros((d_h,), jnp.float32)
        self.W = initialise('glorot', keys[0], (d_in, d_h), jnp.float32)
        self.U = initialise('glorot', keys[1], (d_h, d_h), jnp.float32)
        self.b = jnp.zeros((d_h,), jnp.float32)
        self.V = initialise('glorot', keys[2], (d_h, d_out), jnp.float32)
        self.c = jnp.zeros((d_out,), jnp.float32)

    def start(self) -> Float[Array, 'd_h']:
        return self.h0

    def step(
        self, x: Float[Array, 'd_in'], h: Float[Array, 'd_h']
    ) -> tuple[Float[Array, 'd_out'], Float[Array, 'd_h']]:
        h2 = jnp.tanh(x @ self.W + h @ self.U + self.b)
        return (h2 @ self.V + self.c, h2)


class Seq2Seq(eqx.Module):
    """Seq2Seq(d_in: Nat, d_h: Nat, d_out: Nat) (t : list) : [t, d_in] -> [t, d_out]"""

    elman_mealy_0: ElmanMealy
    d_in: int = eqx.field(static=True)
    d_h: int = eqx.field(static=True)
    d_out: int = eqx.field(static=True)

    def __init__(self, d_in: int, d_h: int, d_out: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d_h = d_h
        self.d_out = d_out
        self.elman_mealy_0 = ElmanMealy(d_in, d_h, d_out, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 't d_out']:

        def step(s, x):
            o, s = self.elman_mealy_0.step(x, s)
            return (s, o)

        state, ys = jax.lax.scan(step, self.elman_mealy_0.start(), x)
        h = (ys, state)
        ys1, h1 = h
        return ys1

    def stream_start(self) -> Float[Array, 'd_h']:
        """The state `stream` starts the list from."""
        return self.elman_mealy_0.start()

    def stream(
        self, x: Float[Array, 't d_in'], state: Float[Array, 'd_h']
    ) -> tuple[Float[Array, 't d_out'], Float[Array, 'd_h']]:
        """The run over one chunk of the list from `state`: the chunk's outputs and the state
        after its last position, which the next chunk starts from."""

        def step(s, x):
            o, s = self.elman_mealy_0.step(x, s)
            return (s, o)

        state, ys = jax.lax.scan(step, state, x)
        return (ys, state)


class TreeCell(eqx.Module):
    """algebra TreeCell(d: Nat, h: Nat) : TreeF([d]) on [h]"""

    We: Float[Array, 'd h']
    be: Float[Array, 'h']
    Wl: Float[Array, 'h h']
    Wr: Float[Array, 'h h']
    b: Float[Array, 'h']
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        keys = jax.random.split(key, 3)
        self.We = initialise('glorot', keys[0], (d, h), jnp.float32)
        self.be = jnp.zeros((h,), jnp.float32)
        self.Wl = initialise('glorot', keys[1], (h, h), jnp.float32)
        self.Wr = initialise('glorot', keys[2], (h, h), jnp.float32)
        self.b = jnp.zeros((h,), jnp.float32)

    def leaf(self, x: Float[Array, 'd']) -> Float[Array, 'h']:
        return jnp.tanh(x @ self.We + self.be)

    def node(self, l: Float[Array, 'h'], r: Float[Array, 'h']) -> Float[Array, 'h']:
        return jnp.tanh(l @ self.Wl + r @ self.Wr + self.b)


class TreeRNN(eqx.Module):
    """TreeRNN(d: Nat, h: Nat) (n : list) : ([n] i32, [n, d], [n, 2] i32) -> [h]"""

    tree_cell_0: TreeCell
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.tree_cell_0 = TreeCell(d, h, key=key)

    def __call__(
        self, x: tuple[Int[Array, 'n'], Float[Array, 'n d'], Int[Array, 'n 2']]
    ) -> Float[Array, 'h']:
        h = fold_tree(
            [
                lambda a, kids: self.tree_cell_0.leaf(a),
                lambda a, kids: self.tree_cell_0.node(kids[0], kids[1]),
            ],
            0,
            *x,
        )
        return h


class Sum(eqx.Module):
    """commutative monoid Sum(d: Nat) : [d] on [d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def unit(self) -> Float[Array, 'd']:
        return jnp.broadcast_to(0.0, (self.d,))

    def lift(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        return x

    def combine(self, u: Float[Array, 'd'], v: Float[Array, 'd']) -> Float[Array, 'd']:
        return u + v


class Max(eqx.Module):
    """commutative monoid Max(d: Nat) : [d] on [d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def unit(self) -> Float[Array, 'd']:
        return jnp.broadcast_to(-jnp.inf, (self.d,))

    def lift(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        return x

    def combine(self, u: Float[Array, 'd'], v: Float[Array, 'd']) -> Float[Array, 'd']:
        return jnp.maximum(u, v)


class Min(eqx.Module):
    """commutative monoid Min(d: Nat) : [d] on [d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def unit(self) -> Float[Array, 'd']:
        return jnp.broadcast_to(jnp.inf, (self.d,))

    def lift(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        return x

    def combine(self, u: Float[Array, 'd'], v: Float[Array, 'd']) -> Float[Array, 'd']:
        return jnp.minimum(u, v)


class LogSumExp(eqx.Module):
    """commutative monoid LogSumExp(d: Nat) : [d] on [d]"""

    d: int = eqx.field(static=True)

    def __init__(self, d: int, *, key: PRNGKeyArray | None = None):
        self.d = d

    def unit(self) -> Float[Array, 'd']:
        return jnp.broadcast_to(-jnp.inf, (self.d,))

    def lift(self, x: Float[Array, 'd']) -> Float[Array, 'd']:
        return x

    def combine(self, u: Float[Array, 'd'], v: Float[Array, 'd']) -> Float[Array, 'd']:
        m = jnp.maximum(u, v)
        n = jnp.minimum(u, v)
        return jnp.where(
            n == -jnp.inf, m, m + jax.nn.softplus(jnp.where(n == -jnp.inf, 0.0, n - m))
        )


class QuasiSum(eqx.Module):
    """commutative monoid QuasiSum(d: Nat, h: Nat) : [d] on [h]"""

    W: Float[Array, 'd h']
    bias: Float[Array, 'h']
    w: Float[Array, 'h']
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.W = initialise('glorot', key, (d, h), jnp.float32)
        self.bias = jnp.zeros((h,), jnp.float32)
        self.w = jnp.zeros((h,), jnp.float32)

    def unit(self) -> Float[Array, 'h']:
        return jnp.broadcast_to(0.0, (self.h,))

    def lift(self, x: Float[Array, 'd']) -> Float[Array, 'h']:
        return jnp.tanh(x @ self.W + self.bias)

    def combine(self, u: Float[Array, 'h'], v: Float[Array, 'h']) -> Float[Array, 'h']:
        k = jax.nn.softplus(self.w) + 0.1
        m = jnp.maximum(jnp.abs(k * u), jnp.abs(k * v))
        near = m <= 10.0
        direct = jnp.arcsinh(
            jnp.sinh(jnp.where(near, k * u, 0.0)) + jnp.sinh(jnp.where(near, k * v, 0.0))
        )
        t = jnp.exp(k * u - m) - jnp.exp(-(k * u) - m) + jnp.exp(k * v - m) - jnp.exp(-(k * v) - m)
        l = m + jnp.log(jnp.where(t == 0.0, 1.0, jnp.abs(t)) / 2.0)
        high = jnp.logical_and(l > 0.0, t != 0.0)
        big = jnp.where(high, l, 1.0)
        cancels = jnp.logical_and(jnp.logical_not(high), m <= 88.0)
        scaled = jnp.where(
            high,
            jnp.sign(t) * (big + jnp.log(1.0 + jnp.sqrt(1.0 + jnp.exp(-2.0 * big)))),
            jnp.where(
                cancels,
                jnp.arcsinh(t / 2.0 * jnp.exp(jnp.where(cancels, m, 0.0))),
                jnp.sign(t) * jnp.arcsinh(jnp.exp(jnp.where(l > 0.0, 0.0, l))),
            ),
        )
        return jnp.where(near, direct, scaled) / k


class SetEncoder(eqx.Module):
    """SetEncoder(d: Nat, h: Nat) (n : set) : [n, d] -> [h]"""

    quasi_sum_0: QuasiSum
    d: int = eqx.field(static=True)
    h: int = eqx.field(static=True)

    def __init__(self, d: int, h: int, *, key: PRNGKeyArray):
        self.d = d
        self.h = h
        self.quasi_sum_0 = QuasiSum(d, h, key=key)

    def __call__(self, x: Float[Array, 'n d']) -> Float[Array, 'h']:
        h = fold_balanced(
            self.quasi_sum_0.combine, self.quasi_sum_0.unit(), jax.vmap(self.quasi_sum_0.lift)(x)
        )
        return h


class DiagonalRecurrence(eqx.Module):
    """monoid DiagonalRecurrence(d_in: Nat, d: Nat) : [d_in] on ([d], [d])"""

    lam: Float[Array, 'd']
    B: Float[Array, 'd_in d']
    d_in: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, d_in: int, d: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d = d
        keys = jax.random.split(key, 2)
        self.lam = 1.0 * jax.random.normal(keys[0], (d,), jnp.float32)
        self.B = initialise('glorot', keys[1], (d_in, d), jnp.float32)

    def unit(self) -> tuple[Float[Array, 'd'], Float[Array, 'd']]:
        return (jnp.broadcast_to(1.0, (self.d,)), jnp.broadcast_to(0.0, (self.d,)))

    def lift(self, x: Float[Array, 'd_in']) -> tuple[Float[Array, 'd'], Float[Array, 'd']]:
        return (jax.nn.sigmoid(self.lam), x @ self.B)

    def combine(self, arg, arg1) -> tuple[Float[Array, 'd'], Float[Array, 'd']]:
        a1, b1 = arg
        a2, b2 = arg1
        return (a1 * a2, a2 * b1 + b2)


class LinearRecurrence(eqx.Module):
    """LinearRecurrence(d_in: Nat, d: Nat) (t : list) : [t, d_in] -> [d]"""

    diagonal_recurrence_0: DiagonalRecurrence
    d_in: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, d_in: int, d: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d = d
        self.diagonal_recurrence_0 = DiagonalRecurrence(d_in, d, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 'd']:
        if x.shape[0] == 0:
            h = self.diagonal_recurrence_0.unit()
        else:
            h = jax.lax.associative_scan(
                jax.vmap(self.diagonal_recurrence_0.combine),
                jax.vmap(self.diagonal_recurrence_0.lift)(x),
            )
            h = jax.tree.map(lambda m: m[-1], h)
        a, h1 = h
        return h1


class LinearRecurrenceStates(eqx.Module):
    """LinearRecurrenceStates(d_in: Nat, d: Nat) (t : list) : [t, d_in] -> [t, d]"""

    diagonal_recurrence_0: DiagonalRecurrence
    d_in: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, d_in: int, d: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d = d
        self.diagonal_recurrence_0 = DiagonalRecurrence(d_in, d, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 't d']:
        ys = jax.lax.associative_scan(
            jax.vmap(self.diagonal_recurrence_0.combine),
            jax.vmap(self.diagonal_recurrence_0.lift)(x),
        )
        a, h = ys
        return h


class DiagonalCell(eqx.Module):
    """algebra DiagonalCell(d_in: Nat, d: Nat) : ListF([d_in]) on [d]"""

    lam: Float[Array, 'd']
    B: Float[Array, 'd_in d']
    d_in: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, d_in: int, d: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d = d
        keys = jax.random.split(key, 2)
        self.lam = 1.0 * jax.random.normal(keys[0], (d,), jnp.float32)
        self.B = initialise('glorot', keys[1], (d_in, d), jnp.float32)

    def nil(self) -> Float[Array, 'd']:
        return jnp.broadcast_to(0.0, (self.d,))

    def cons(self, x: Float[Array, 'd_in'], h: Float[Array, 'd']) -> Float[Array, 'd']:
        return jax.nn.sigmoid(self.lam) * h + x @ self.B


class LinearRecurrenceSequential(eqx.Module):
    """LinearRecurrenceSequential(d_in: Nat, d: Nat) (t : list) : [t, d_in] -> [d]"""

    diagonal_cell_0: DiagonalCell
    d_in: int = eqx.field(static=True)
    d: int = eqx.field(static=True)

    def __init__(self, d_in: int, d: int, *, key: PRNGKeyArray):
        self.d_in = d_in
        self.d = d
        self.diagonal_cell_0 = DiagonalCell(d_in, d, key=key)

    def __call__(self, x: Float[Array, 't d_in']) -> Float[Array, 'd']:

        def step(h, x):
            return (self.diagonal_cell_0.cons(x, h), None)

        h, _ = jax.lax.scan(step, self.diagonal_cell_0.nil(), x)
        return h


__all__ = [
    'Elman',
    'GRU',
    'LSTM',
    'ElmanRNN',
    'GRURNN',
    'LSTMRNN',
    'StreamDecoder',
    'Decoder',
    'ElmanMealy',
    'Seq2Seq',
    'TreeCell',
    'TreeRNN',
    'Sum',
    'Max',
    'Min',
    'LogSumExp',
    'QuasiSum',
    'SetEncoder',
    'DiagonalRecurrence',
    'LinearRecurrence',
    'LinearRecurrenceStates',
    'DiagonalCell',
    'LinearRecurrenceSequential',
]
