"""Sizes of fixed axes: polynomials in `Nat` hyperparameters, kept in a normal form.

A `Poly` maps monomials to integer coefficients; a monomial is a sorted tuple of
(variable, power) pairs. Two sizes are equal exactly when their normal forms are, so
`n+1 == 1+n` and `2*d == d+d` hold by construction.

Normal forms are multiplied out, so a short size can be a long polynomial: the product of
22 copies of `a+b+c+d+e+f+1` has C(28, 6) terms. Arithmetic stops with `SizeTooLarge`
before it passes `MAX_TERMS` terms or degree `MAX_DEGREE`, which keeps every operation cheap
(a product looks at most `MAX_TERMS` pairs of terms) and far above any size a model needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

Monomial = tuple[tuple[str, int], ...]

#: The most terms a size may have multiplied out, and the highest degree of its terms.
MAX_TERMS = 1000
MAX_DEGREE = 32


class SizeTooLarge(ArithmeticError):
    """Size arithmetic past a limit: `terms` (up to `value` terms) or `degree` (degree `value`)."""

    def __init__(self, limit: str, value: int):
        super().__init__(limit, value)
        self.limit = limit
        self.value = value

    @property
    def bound(self) -> int:
        """The limit passed: `MAX_TERMS` or `MAX_DEGREE`."""
        return MAX_TERMS if self.limit == "terms" else MAX_DEGREE


@dataclass(frozen=True, slots=True)
class Poly:
    terms: tuple[tuple[Monomial, int], ...]  # sorted, no zero coefficients

    @staticmethod
    def _make(d: Mapping[Monomial, int]) -> "Poly":
        terms = tuple(sorted((m, c) for m, c in d.items() if c != 0))
        if len(terms) > MAX_TERMS:
            raise SizeTooLarge("terms", len(terms))
        return Poly(terms)

    @staticmethod
    def const(c: int) -> "Poly":
        return Poly._make({(): c})

    @staticmethod
    def var(name: str) -> "Poly":
        return Poly(((((name, 1),), 1),))

    def __add__(self, other: "Poly") -> "Poly":
        d = dict(self.terms)
        for m, c in other.terms:
            d[m] = d.get(m, 0) + c
        return Poly._make(d)

    def __neg__(self) -> "Poly":
        return Poly(tuple((m, -c) for m, c in self.terms))

    def __sub__(self, other: "Poly") -> "Poly":
        return self + (-other)

    def __mul__(self, other: "Poly") -> "Poly":
        # Refused before the work: a product has up to one term per pair of terms.
        pairs = len(self.terms) * len(other.terms)
        if pairs > MAX_TERMS:
            raise SizeTooLarge("terms", pairs)
        if self.degree + other.degree > MAX_DEGREE:
            raise SizeTooLarge("degree", self.degree + other.degree)
        d: dict[Monomial, int] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                m = _mul_mono(m1, m2)
                d[m] = d.get(m, 0) + c1 * c2
        return Poly._make(d)

    @property
    def degree(self) -> int:
        """The highest total degree of a term: 2 for `d*h + n`, 0 for a constant."""
        return max((sum(p for _, p in m) for m, _ in self.terms), default=0)

    @property
    def is_const(self) -> bool:
        return all(m == () for m, _ in self.terms)

    @property
    def const_value(self) -> int:
        return dict(self.terms).get((), 0)

    def variables(self) -> set[str]:
        return {v for m, _ in self.terms for v, _ in m}

    def may_be_negative(self) -> bool:
        """True unless every coefficient is non-negative (variables are naturals)."""
        return any(c < 0 for _, c in self.terms)

    def substitute(self, env: Mapping[str, "Poly"]) -> "Poly":
        degree = max((sum(p * (env[v].degree if v in env else 1) for v, p in m) for m, _ in self.terms), default=0)
        if degree > MAX_DEGREE:  # refused before the work, at the degree it would have
            raise SizeTooLarge("degree", degree)
        out = Poly.const(0)
        for m, c in self.terms:
            term = Poly.const(c)
            for v, p in m:
                base = env.get(v, Poly.var(v))
                for _ in range(p):
                    term = term * base
            out = out + term
        return out

    def evaluate(self, env: Mapping[str, int]) -> int:
        total = 0
        for m, c in self.terms:
            t = c
            for v, p in m:
                t *= env[v] ** p
            total += t
        return total

    def __str__(self) -> str:
        return self.render(lambda v: v)

    def render(self, name_of, mul: str = "*") -> str:
        """Print with a caller-chosen rendering of variables (the emitter uses `self.d`)."""
        if not self.terms:
            return "0"
        parts = []
        # highest degree first reads naturally: 4*d, d^2 + 1
        for m, c in sorted(self.terms, key=lambda mc: (-sum(p for _, p in mc[0]), mc[0])):
            factors = []
            for v, p in m:
                factors.extend([name_of(v)] * p)
            if not factors:
                parts.append((c, str(abs(c))))
                continue
            body = mul.join(factors)
            parts.append((c, body if abs(c) == 1 else f"{abs(c)}{mul}{body}"))
        out = ("-" if parts[0][0] < 0 else "") + parts[0][1]
        for c, text in parts[1:]:
            out += (" - " if c < 0 else " + ") + text
        return out


#: The largest size of an axis: JAX's shapes are int64.
MAX_SIZE = 2**63 - 1


@dataclass(frozen=True, slots=True)
class SizeProblem:
    """Why a size can hold for no array: `value` it takes (None when too large to show),
    `defaults` the hyperparameter defaults it was evaluated at, if any."""

    negative: bool
    value: int | None
    defaults: tuple[tuple[str, int], ...] = ()


def size_problem(p: Poly, naturals: Iterable[str], defaults: Mapping[str, int]) -> SizeProblem | None:
    """What the polynomial itself shows to be out of range (below 0 or beyond int64): at the
    defaults when every variable has one, else for every value of `naturals` when the size
    falls as they grow and starts below 0. None when it may hold; the constructor checks the
    rest against the values it is given."""
    names = p.variables()
    if names <= set(defaults):
        v = p.evaluate(defaults)
        used = tuple(sorted((n, defaults[n]) for n in names))
        if v < 0:
            return SizeProblem(True, v, used)
        return SizeProblem(False, None, used) if v > MAX_SIZE else None
    if names <= set(naturals) and p.const_value < 0 and all(c <= 0 for m, c in p.terms):
        return SizeProblem(True, p.const_value)
    return None


def may_be_negative(p: Poly, naturals: Iterable[str]) -> bool:
    """Whether some value of the variables makes the size negative, as far as the signs of
    its coefficients tell: a variable that is not a natural may be negative itself."""
    return not p.variables() <= set(naturals) or p.may_be_negative()


def _mul_mono(a: Monomial, b: Monomial) -> Monomial:
    d = dict(a)
    for v, p in b:
        d[v] = d.get(v, 0) + p
    return tuple(sorted(d.items()))


def poly_sum(polys: Iterable[Poly]) -> Poly:
    out = Poly.const(0)
    for p in polys:
        out = out + p
    return out
