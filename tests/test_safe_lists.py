"""Safe lists: a subscript that can fall outside its axis says what it reads there.

The fill form `x[a - 1 else v]` against hand-written `jnp.pad`/`jnp.roll` shifts, the guards
the checker reads against `jnp.where`, learned position tables against their slice (and
refused, at the call, when shorter than the sequence), and token ids outside their table,
which read NaN instead of the last or a wrapped row. Each old silent behaviour has a test
that it is gone.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paradsl
from paradsl import api
from paradsl.diagnostics import ParaError

_SHIFTS = """
semiring MaxPlus = (max, +, -inf, 0)
para Prev (t : list) : [t] -> [t]
  = x => x[a - 1 else 0.0]
para NextRows (t : list) : [t, 3] -> [t, 3]
  = x => x[a + 1, c else 0.0]
para BackTwo (t : list) : [t] -> [t]
  = x => x[a - 2 else 7.5]
para Reversed (t : list) : [t] -> [t]
  = x => for a. x[t - 1 - a else 0.0]
para PrevId (t : list) : [t] i32 -> [t] i32
  = x => x[a - 1 else -1]
para PrevMask (t : list) : [t] bool -> [t] bool
  = x => x[a - 1 else true]
para Ring (c : cyc) : [c] -> [c]
  = x => x[(a - 1) mod c]
para Hop (t : list) : [t, t] -> [t, t]
  = w => sum[MaxPlus] k. w[i, k - 1 else -inf] * w[k, j]
para Guarded (t : list) : [t] -> [t]
  = x => if a > 0 then x[a - 1] else 0.5
para Ahead (t : list) : [t] -> [t]
  = x => if a + 1 < t then x[a + 1] else -1.0
"""


@pytest.fixture(scope="module")
def shifts():
    return paradsl.loads(_SHIFTS)


def test_a_fill_is_a_padded_shift(shifts):
    x = jnp.arange(1.0, 7.0)
    np.testing.assert_array_equal(shifts.Prev()(x), jnp.pad(x, (1, 0))[:-1])
    np.testing.assert_array_equal(shifts.BackTwo()(x), jnp.pad(x, (2, 0), constant_values=7.5)[:-2])
    np.testing.assert_array_equal(shifts.Reversed()(x), x[::-1])
    rows = jnp.arange(12.0).reshape(4, 3) - 5.0
    np.testing.assert_array_equal(shifts.NextRows()(rows), jnp.pad(rows, ((0, 1), (0, 0)))[1:])


def test_a_fill_of_each_dtype_is_read_before_the_first_position(shifts):
    ids = jnp.array([3, 1, 4, 1], dtype=jnp.int32)
    got = shifts.PrevId()(ids)
    assert got.dtype == jnp.int32
    np.testing.assert_array_equal(got, jnp.pad(ids, (1, 0), constant_values=-1)[:-1])
    mask = jnp.array([False, False, True])
    np.testing.assert_array_equal(shifts.PrevMask()(mask), jnp.pad(mask, (1, 0), constant_values=True)[:-1])


def test_a_shift_modulo_a_ring_wraps(shifts):
    v = jnp.arange(1.0, 6.0)
    np.testing.assert_array_equal(shifts.Ring()(v), jnp.roll(v, 1))


def test_a_semiring_factor_filled_with_its_zero_is_absent(shifts):
    w = -jnp.arange(1.0, 10.0).reshape(3, 3)  # negative, so a 0 read would win the max
    want = jnp.max(w[:, :-1, None] + w[None, 1:, :], axis=1)  # k = 0 reads -inf: absent
    np.testing.assert_allclose(shifts.Hop()(w), want)


def test_guards_the_checker_reads_are_a_where(shifts):
    x = jnp.arange(1.0, 6.0)
    np.testing.assert_array_equal(shifts.Guarded()(x), jnp.where(jnp.arange(5) > 0, jnp.roll(x, 1), 0.5))
    np.testing.assert_array_equal(shifts.Ahead()(x), jnp.where(jnp.arange(5) < 4, jnp.roll(x, -1), -1.0))


def test_the_fill_form_under_jit_vmap_and_grad(shifts):
    m = shifts.Prev()
    xs = jnp.arange(12.0).reshape(3, 4)
    want = jnp.pad(xs, ((0, 0), (1, 0)))[:, :-1]
    np.testing.assert_array_equal(jax.jit(jax.vmap(m))(xs), want)
    weights = jnp.arange(1.0, 5.0)
    g = jax.grad(lambda x: jnp.sum(m(x) * weights))(xs[0])
    g_ref = jax.grad(lambda x: jnp.sum(jnp.pad(x, (1, 0))[:-1] * weights))(xs[0])
    np.testing.assert_array_equal(g, g_ref)  # the last element reaches nothing


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 9), k=st.integers(0, 11), fill=st.floats(-4.0, 4.0, width=32), back=st.booleans())
def test_any_shift_with_a_fill_is_a_padded_shift(n, k, fill, back):
    op = "-" if back else "+"
    m = paradsl.loads(f"para S (t : list) : [t] -> [t]\n  = x => x[a {op} {k} else {fill!r}]\n").S()
    x = jnp.arange(1.0, n + 1.0)
    padded = jnp.pad(x, (k, k), constant_values=fill)
    want = padded[:n] if back else padded[2 * k:2 * k + n]
    np.testing.assert_array_equal(m(x), want)


# ---------------------------------------------------------------- what is refused


@pytest.mark.parametrize("body, code, col", [
    ("x[a - 1]", "E1120", 12),
    ("x[a + 1]", "E1120", 12),
    ("for a. x[t - 1 - a]", "E1120", 19),
    ("for a. let k = a + 1 in x[k]", "E1120", 36),
    ("x[a - 1 else true]", "E1121", 23),
    ("x[a - 1 else x[a]]", "E1122", 23),
    ("x[a else 0.0]", "E1124", 19),
])
def test_a_shift_says_what_it_reads_outside(body, code, col):
    with pytest.raises(ParaError) as err:
        api.check_text(f"para P (t : list) : [t] -> [t]\n  = x => {body}\n")
    assert [(d.code, d.span.line, d.span.col) for d in err.value.diagnostics] == [(code, 2, col)]
    hint = err.value.diagnostics[0].hint or ""
    if code == "E1120":
        assert "x[a - 1 else 0.0]" in hint


def test_a_shift_was_once_read_as_zero_without_a_word():
    """The old reading of `x[a - 1]`, zero at the start, is now written, never assumed."""
    with pytest.raises(ParaError):
        paradsl.loads("para P (t : list) : [t] -> [t]\n  = x => x[a - 1]\n")


# ---------------------------------------------------------------- learned positions

_POSITIONS = """
para Learned(p: Nat, d: Nat) (t : list) : [t, d] -> [t, d]
  params P : [p, d] ~ normal(1.0)
  = x => let i = a in x[a, c] + P[i, c]
para Padded(p: Nat, d: Nat) (t : list) : [t, d] -> [t, d]
  params P : [p, d] ~ normal(1.0)
  = x => let i = a in x[a, c] + P[i, c else 0.0]
"""


def test_a_learned_position_table_adds_its_first_rows():
    mod = paradsl.loads(_POSITIONS)
    m = mod.Learned(8, 3, key=jax.random.key(0))
    x = jnp.arange(15.0).reshape(5, 3)
    np.testing.assert_allclose(m(x), x + m.P[:5])
    np.testing.assert_allclose(eqx.filter_jit(m)(x[:1]), x[:1] + m.P[:1])


def test_a_sequence_longer_than_its_position_table_is_refused_at_the_call():
    """Once: the rows past the table read zero (or, as a gather, the last row again)."""
    m = paradsl.loads(_POSITIONS).Learned(4, 3, key=jax.random.key(0))
    x = jnp.ones((6, 3))
    with pytest.raises(ValueError, match=r"Learned: P is read at the 6 positions of t, and its axis has only 4"):
        m(x)
    with pytest.raises(ValueError, match="only 4"):
        eqx.filter_jit(m)(x)


def test_a_position_table_read_with_a_fill_pads_past_its_end():
    m = paradsl.loads(_POSITIONS).Padded(4, 3, key=jax.random.key(0))
    x = jnp.ones((6, 3))
    np.testing.assert_allclose(m(x), x + jnp.pad(m.P, ((0, 2), (0, 0))))


def test_a_position_table_shorter_than_a_fixed_sequence_is_refused_by_the_checker():
    text = ("para Pos(d: Nat) : [16, d] -> [16, d]\n  params P : [8, d] ~ normal(0.02)\n"
            "  = x => let i = a in x[a, c] + P[i, c]\n")
    with pytest.raises(ParaError) as err:
        api.check_text(text)
    assert [(d.code, d.span.line, d.span.col) for d in err.value.diagnostics] == [("E1123", 3, 35)]
    api.check_text(text.replace("[8, d]", "[16, d]"))


# ---------------------------------------------------------------- token ids

_TOKENS = """
para Embed(v: Nat, d: Nat) (t : list) : [t] i32 -> [t, d]
  params E : [v, d] ~ normal(1.0)
  = tok => E[tok[s], c]
para EmbedZero(v: Nat, d: Nat) (t : list) : [t] i32 -> [t, d]
  params E : [v, d] ~ normal(1.0)
  = tok => E[tok[s], c else 0.0]
"""


def test_an_id_outside_the_table_reads_nan_not_the_last_or_a_wrapped_row():
    """Once: an id past the end read the last row (JAX clamps), a negative one a wrapped row."""
    m = paradsl.loads(_TOKENS).Embed(5, 2, key=jax.random.key(0))
    tok = jnp.array([0, 4, 5, -1, 2], dtype=jnp.int32)
    got = eqx.filter_jit(m)(tok)
    np.testing.assert_array_equal(got[jnp.array([0, 1, 4])], m.E[jnp.array([0, 4, 2])])
    assert bool(jnp.all(jnp.isnan(got[2:4])))


def test_an_id_outside_the_table_reads_the_fill_it_is_given():
    m = paradsl.loads(_TOKENS).EmbedZero(5, 2, key=jax.random.key(0))
    tok = jnp.array([1, 7, -2], dtype=jnp.int32)
    np.testing.assert_array_equal(m(tok), jnp.stack([m.E[1], jnp.zeros(2), jnp.zeros(2)]))


def test_an_id_read_at_a_shifted_position_is_data_not_a_shift(tmp_path, key):
    """`F[xs[p - 1 else 0], e]`: the shift is xs's, with its fill; what it reads is an id,
    which gathers from F as any id does (a fill-mode gather), not a shift of F's axis."""
    path = tmp_path / "ids.para"
    path.write_text("para Below (t : list) : [t] i32 -> [t, 3]\n"
                    "  params F : [10, 3] ~ normal(1.0)\n"
                    "  = xs => for p e. F[xs[p - 1 else 0], e]\n")
    m = paradsl.load(path).Below(key=key)
    xs = jnp.array([3, 1, 4, 1, 5], dtype=jnp.int32)
    np.testing.assert_allclose(m(xs), m.F[jnp.concatenate([jnp.zeros(1, jnp.int32), xs[:-1]])], rtol=1e-6)
