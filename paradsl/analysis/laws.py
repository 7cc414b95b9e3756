"""Checking laws numerically: the second line of defence beside the static checks.

For every para of a file (or one of them), on random parameters and random inputs:

- the 2-cell law of its ties, `g(q, x) == f(r(q), x)`: the module as called (storing only
  Q) against its untied body `forward` run on the leaves `untie` computes (P = r(q));
- its declared equivariances: for each index set `n : set` a random permutation, for each
  `c : cyc` a random rotation, acting on every axis of that index set in the input and the
  output, `f(g . x) == g . f(x)` (invariance when the output has no such axis); the
  group acts on pointers too: a `ptr n` value, an element of `n`, is mapped to where the
  element it points to goes, in the input and in the output alike;
- for a reparam over a `set` or `cyc`, that the parameters it builds are invariant under the
  group acting on all their axes at once, `g . r(q) == r(q)`, which is what makes a map
  built from them equivariant for every q;
- for a `monoid`, associativity and the unit on random lifted elements, and for a
  `commutative monoid` commutativity too: the laws its O(log n) folds rely on.

Each law is reported with its largest error over the trials; a law fails when the error
exceeds `rtol * max(1, |reference|)`, the magnitude being the largest finite one of the
reference, so that the tolerance stays finite. Infinities are values like any other: an
infinity equal to the reference's is no error, one against a finite value (or the other
infinity) an infinite error, and a NaN on either side fails the law whatever the tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .. import api, ir
from ..names import case_methods, ident
from ..types import FixedAxis, IndexSetAxis, Kind, TensorType, TupleType, Type

DEFAULT_SIZE = 3
#: Index sets get distinct sizes, so that a mix-up of two of them cannot pass by accident.
INDEX_SET_SIZES = (7, 5, 6, 4)


@dataclass(frozen=True)
class LawResult:
    para: str
    law: str  # what is checked, as an equation
    error: float | None  # the largest error over the trials; None when skipped
    tolerance: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None or self.error <= self.tolerance

    @property
    def skipped(self) -> bool:
        return self.error is None


def check_laws(path: str | Path, name: str | None = None, sizes: dict[str, int] | None = None,
               trials: int = 3, seed: int = 0, rtol: float = 1e-4) -> list[LawResult]:
    """Check the laws of the paras of a `.para` file (or of the one named)."""
    program = api.check_file(path, also=(name,) if name else ())
    return program_laws(program, name, sizes, trials, seed, rtol)


def program_laws(program: ir.Program, name: str | None = None, sizes: dict[str, int] | None = None,
                 trials: int = 3, seed: int = 0, rtol: float = 1e-4) -> list[LawResult]:
    """`check_laws` for a program already checked."""
    module = api.load_program(program)
    if name is not None:
        paras = [program.get(name)]
    else:
        paras = [p for p in program.paras if p.file == program.file]
    out: list[LawResult] = []
    for k, p in enumerate(paras):
        cls = api.para_class(module, program, p)  # a stdlib para's class is its compiled module's
        out.extend(_para_laws(module, p, dict(sizes or {}), trials, seed + 1000 * k, rtol, cls))
    return out


def _para_laws(module, p: ir.ParaDef, sizes: dict[str, int], trials: int, seed: int, rtol: float,
               cls: type | None = None) -> list[LawResult]:
    """The laws of one para, whose class is `cls`, by default the one `module` binds to its name."""
    import jax
    import jax.numpy as jnp

    abstract = [prm.name for prm in p.params if prm.abstract]
    if abstract:
        return [LawResult(p.name, "(abstract)", None, 0.0,
                          note=f"{', '.join(abstract)} {'is' if len(abstract) == 1 else 'are'} given by a 2-cell where "
                               f"{p.name} is used; its laws are checked there")]
    env = _sizes(p, sizes)
    if cls is None:
        cls = getattr(module, ident(p.name))
    if p.shape is not None:
        if p.shape.kind not in ("monoid", "commutative monoid"):
            what = {"algebra": "an algebra", "coalgebra": "a coalgebra", "mealy": "a Mealy machine",
                    "moore": "a Moore machine"}[p.shape.kind]
            return [LawResult(p.name, "(none)", None, 0.0, note=f"{what} has no laws to check")]
        return _monoid_laws(p, cls, env, trials, seed, rtol)
    hyper_values = [env[h.name] for h in p.hypers]
    guarded = [(n, k) for n, k in p.index_sets if k in (Kind.SET, Kind.CYC)]
    key = jax.random.key(seed)
    results: dict[str, list[float]] = {}
    scale: dict[str, float] = {}

    def record(law: str, got, want) -> None:
        err, ref = discrepancy(got, want)
        results.setdefault(law, []).append(err)
        scale[law] = max(scale.get(law, 1.0), ref)

    for trial in range(trials):
        key, k_init, k_x, k_g = jax.random.split(key, 4)
        if p.is_reparam:
            m = cls(*hyper_values, key=None)
            q = _random(p.type.dom, env, k_x)
            kw = {ident(n): env[n] for n, _ in p.index_sets}
            y = m(q, **kw)
            for i, (n, kind) in enumerate(guarded):
                perm = _group_element(kind, env[n], jax.random.fold_in(k_g, i))
                record(_invariance_law(n, kind), _act(y, p.type.cod, n, perm), y)
            continue
        m = cls(*hyper_values, key=k_init)
        x = _random(p.type.dom, env, k_x)
        y = m(x)
        if p.ties:
            record("2-cell  g(q, x) = f(r(q), x)", y, m.untie(x).forward(x))
        for i, (n, kind) in enumerate(guarded):
            perm = _group_element(kind, env[n], jax.random.fold_in(k_g, i))
            gx = _act(x, p.type.dom, n, perm)
            record(_equivariance_law(n, kind, p.type), m(gx), _act(y, p.type.cod, n, perm))
    del jnp
    if not results:
        return [LawResult(p.name, "(none)", None, 0.0, note="no ties and no set or cyc index set: nothing to check")]
    return [LawResult(p.name, law, worst(errs), rtol * scale[law]) for law, errs in results.items()]


def _monoid_laws(p: ir.ParaDef, cls, env, trials: int, seed: int, rtol: float) -> list[LawResult]:
    """Associativity and the unit on random lifted elements; commutativity when declared."""
    import jax

    hyper_values = [env[h.name] for h in p.hypers]
    errors: dict[str, list[float]] = {}
    scale: dict[str, float] = {}

    def record(law, got, want):
        err, ref = discrepancy(got, want)
        errors.setdefault(law, []).append(err)
        scale[law] = max(scale.get(law, 1.0), ref)

    methods = case_methods(p)  # a case is its method's name, unless a field took that
    key = jax.random.key(seed)
    for _ in range(trials):
        key, k_init, k_x = jax.random.split(key, 3)
        m = cls(*hyper_values, key=k_init)
        m = _randomise(m, jax.random.fold_in(k_init, 1))
        lift, combine, unit = (getattr(m, methods[c]) for c in ("lift", "combine", "unit"))
        a, b, c = (lift(_random(p.shape.elem, env, k)) for k in jax.random.split(k_x, 3))
        record("associative  (a.b).c = a.(b.c)", combine(combine(a, b), c), combine(a, combine(b, c)))
        e = unit()
        record("unit  e.a = a = a.e", (combine(e, a), combine(a, e)), (a, a))
        if p.shape.kind == "commutative monoid":
            record("commutative  a.b = b.a", combine(a, b), combine(b, a))
    return [LawResult(p.name, law, worst(errs), rtol * scale[law]) for law, errs in errors.items()]


def discrepancy(got, want) -> tuple[float, float]:
    """How far the leaves of `got` are from those of `want`, and the largest finite magnitude
    of `want` (0.0 when it has none), which scales the tolerance.

    Equal values are no error, equal infinities included; any other pair differs by its
    distance, infinite when one side is infinite; a NaN on either side makes the error NaN,
    which no tolerance admits.
    """
    import jax
    import numpy as np

    error, scale = 0.0, 0.0
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        if a.size == 0:
            continue
        if np.isnan(a).any() or np.isnan(b).any():
            return float("nan"), scale
        with np.errstate(invalid="ignore"):  # inf - inf where both agree is set to 0 below
            gap = np.where(a == b, 0.0, np.abs(a - b))
        error = max(error, float(np.max(gap)))
        finite = np.abs(b[np.isfinite(b)])
        scale = max(scale, float(np.max(finite)) if finite.size else 0.0)
    return error, scale


def worst(errors: list[float]) -> float:
    """The largest of the trials' errors; NaN if any is (Python's `max` would keep or drop a
    NaN depending on where it stands)."""
    return float("nan") if any(math.isnan(e) for e in errors) else max(errors)


def _randomise(m, key):
    """Random values in every array leaf (a zero-initialised parameter hides mistakes)."""
    import equinox as eqx
    import jax

    leaves, treedef = jax.tree_util.tree_flatten(eqx.filter(m, eqx.is_array))
    if not leaves:
        return m
    keys = jax.random.split(key, len(leaves))
    new = [0.5 * jax.random.normal(k, leaf.shape, leaf.dtype) for k, leaf in zip(keys, leaves)]
    return eqx.combine(jax.tree_util.tree_unflatten(treedef, new), m)


def _equivariance_law(n: str, kind: Kind, t) -> str:
    group = "S_n" if kind is Kind.SET else "C_n"
    acts_on_output = any(isinstance(a, IndexSetAxis) and a.name == n for a in _axes(t.cod) + _targets(t.cod))
    if acts_on_output:
        return f"{group} on {n}  f(g.x) = g.f(x)"
    return f"{group} on {n}  f(g.x) = f(x)"


def _invariance_law(n: str, kind: Kind) -> str:
    group = "S_n" if kind is Kind.SET else "C_n"
    return f"{group} on {n}  g.r(q) = r(q)"


def _axes(t: Type) -> list:
    if isinstance(t, TensorType):
        return list(t.axes)
    if isinstance(t, TupleType):
        return [a for i in t.items for a in _axes(i)]
    return []


def _targets(t: Type) -> list:
    """The index sets the pointers of a type point into."""
    if isinstance(t, TensorType):
        return [t.target] if t.target is not None else []
    if isinstance(t, TupleType):
        return [a for i in t.items for a in _targets(i)]
    return []


def _sizes(p: ir.ParaDef, given: dict[str, int]) -> dict[str, int]:
    env: dict[str, int | float | bool] = {}
    for h in p.hypers:
        if h.name in given:
            env[h.name] = given[h.name]
        elif h.default is not None:
            env[h.name] = h.default
        else:
            env[h.name] = {"Nat": DEFAULT_SIZE, "Int": DEFAULT_SIZE, "Float": 0.5, "Bool": False}[h.kind]
    for i, (n, _) in enumerate(p.index_sets):
        env[n] = given.get(n, INDEX_SET_SIZES[i % len(INDEX_SET_SIZES)])
    return env


def _shape(t: TensorType, env) -> tuple[int, ...]:
    return tuple(_size(a, env) for a in t.axes)


def _size(a, env) -> int:
    return a.size.evaluate(env) if isinstance(a, FixedAxis) else env[a.name]


def _random(t: Type, env, key):
    import jax
    import jax.numpy as jnp

    if isinstance(t, TupleType):
        keys = jax.random.split(key, max(len(t.items), 1))
        return tuple(_random(i, env, k) for i, k in zip(t.items, keys))
    shape = _shape(t, env)
    if t.dtype == "ptr":  # an element of its index set: any position in it
        return jax.random.randint(key, shape, 0, _size(t.target, env)).astype(jnp.int32)
    if t.dtype == "bool":
        return jax.random.bernoulli(key, 0.5, shape)
    if t.dtype.startswith(("i", "u")):
        return jax.random.randint(key, shape, 0, DEFAULT_SIZE).astype(jnp.dtype({"i8": "int8", "i16": "int16",
                                  "i32": "int32", "i64": "int32", "u8": "uint8", "u32": "uint32"}[t.dtype]))
    return jax.random.normal(key, shape)


def _group_element(kind: Kind, n: int, key):
    import jax
    import jax.numpy as jnp

    if kind is Kind.SET:
        return jax.random.permutation(key, n)
    shift = jax.random.randint(key, (), 1, max(n, 2))
    return (jnp.arange(n) + shift) % n


def _act(value, t: Type, n: str, perm):
    """The group element `perm` acting on every axis of the index set `n` of a value, and on
    the values of a pointer into `n`: the new position of the element each points to. The
    element at position `i` after the action is the one at `perm[i]` before, so a pointer
    to `j` becomes one to `argsort(perm)[j]`."""
    import jax.numpy as jnp

    if isinstance(t, TupleType):
        return tuple(_act(v, i, n, perm) for v, i in zip(value, t.items))
    if isinstance(t.target, IndexSetAxis) and t.target.name == n:
        value = jnp.argsort(perm)[value]
    for axis, a in enumerate(t.axes):
        if isinstance(a, IndexSetAxis) and a.name == n:
            value = jnp.take(value, perm, axis=axis)
    return value


def format_results(results: list[LawResult]) -> str:
    rows = []
    for r in results:
        if r.skipped:
            rows.append([r.para, r.law, "", "skipped: " + r.note])
        else:
            rows.append([r.para, r.law, f"max error {r.error:.1e}", "ok" if r.ok else f"FAILED (tolerance {r.tolerance:.1e})"])
    widths = [max(len(row[i]) for row in rows) for i in range(4)] if rows else []
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)
