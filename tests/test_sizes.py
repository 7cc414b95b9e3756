"""Size polynomials: the normal form is a commutative ring, and evaluation is a ring homomorphism."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paradsl.types.sizes import Poly, poly_sum

VARS = ("n", "d", "k")

consts = st.integers(-5, 5).map(Poly.const)
variables = st.sampled_from(VARS).map(Poly.var)
polys = st.recursive(
    consts | variables,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
        st.tuples(inner, inner).map(lambda ab: ab[0] - ab[1]),
        st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
        inner.map(lambda a: -a),
    ),
    max_leaves=6,
)
envs = st.fixed_dictionaries({v: st.integers(0, 7) for v in VARS})

ZERO, ONE = Poly.const(0), Poly.const(1)


def test_examples_from_the_design():
    n, d = Poly.var("n"), Poly.var("d")
    assert n + ONE == ONE + n
    assert Poly.const(2) * d == d + d
    assert hash(n + ONE) == hash(ONE + n)
    assert str(Poly.const(4) * d) == "4*d"
    assert (n - n) == ZERO and str(n - n) == "0"
    assert (d * d + ONE).evaluate({"d": 3}) == 10


@given(polys, polys)
def test_addition_commutes(a, b):
    assert a + b == b + a


@given(polys, polys)
def test_multiplication_commutes(a, b):
    assert a * b == b * a


@given(polys, polys, polys)
def test_addition_associates(a, b, c):
    assert (a + b) + c == a + (b + c)


@given(polys, polys, polys)
@settings(max_examples=50)
def test_multiplication_associates(a, b, c):
    assert (a * b) * c == a * (b * c)


@given(polys, polys, polys)
@settings(max_examples=50)
def test_distributivity(a, b, c):
    assert a * (b + c) == a * b + a * c
    assert (a + b) * c == a * c + b * c


@given(polys)
def test_units_and_inverses(a):
    assert a + ZERO == a
    assert a * ONE == a
    assert a * ZERO == ZERO
    assert a - a == ZERO
    assert a + (-a) == ZERO
    assert -(-a) == a


@given(polys)
def test_normal_form_has_no_zero_coefficients_and_is_sorted(a):
    assert all(c != 0 for _, c in a.terms)
    assert list(a.terms) == sorted(a.terms)


@given(st.integers(-50, 50), st.integers(-50, 50))
def test_constants(i, j):
    assert Poly.const(i) + Poly.const(j) == Poly.const(i + j)
    assert Poly.const(i) * Poly.const(j) == Poly.const(i * j)
    assert Poly.const(i).is_const and Poly.const(i).const_value == i


@given(polys, polys, envs)
def test_evaluate_is_a_ring_homomorphism(a, b, env):
    assert (a + b).evaluate(env) == a.evaluate(env) + b.evaluate(env)
    assert (a * b).evaluate(env) == a.evaluate(env) * b.evaluate(env)
    assert (a - b).evaluate(env) == a.evaluate(env) - b.evaluate(env)
    assert (-a).evaluate(env) == -a.evaluate(env)
    assert ONE.evaluate(env) == 1 and ZERO.evaluate(env) == 0


@given(polys, polys, envs)
def test_equal_normal_forms_evaluate_equally(a, b, env):
    # Equal normal forms give equal values everywhere (the converse needs many points).
    if a == b:
        assert a.evaluate(env) == b.evaluate(env)


@given(polys, envs)
def test_substituting_constants_then_evaluating_is_evaluating(a, env):
    s = a.substitute({v: Poly.const(x) for v, x in env.items()})
    assert s.is_const
    assert s.const_value == a.evaluate(env)


@given(polys, polys, polys)
@settings(max_examples=50)
def test_substitution_is_a_ring_homomorphism(a, b, p):
    env = {"n": p}
    assert (a + b).substitute(env) == a.substitute(env) + b.substitute(env)
    assert (a * b).substitute(env) == a.substitute(env) * b.substitute(env)


@given(st.lists(polys, max_size=5))
def test_poly_sum(ps):
    total = ZERO
    for p in ps:
        total = total + p
    assert poly_sum(ps) == total


@given(polys, envs)
def test_rendering_evaluates_back(a, env):
    text = str(a).replace("^", "**")
    assert eval(text, {}, dict(env)) == a.evaluate(env)  # noqa: S307 - our own rendering of integers


def test_the_checker_compares_sizes_by_normal_form():
    from paradsl import check_source

    ok = check_source("para Id(d: Nat, n: Nat) : ([d+d], [n+1]) -> ([2*d], [1+n]) = (a, b) => (a, b)\n")
    assert ok.ok, [d.message for d in ok.diagnostics]
    bad = check_source("para Id(d: Nat) : [d+1] -> [2*d] = a => a\n")
    assert not bad.ok
