"""The naming scheme of emitted Python, fuzzed.

A program with a para, an algebra with its cases, a tied para, hyperparameters, uses and
lambda and `let` variables is written with random identifiers in every one of those places:
Python's keywords and builtins, dunders and `__`-names, primes, names ending in `_`, the
names the module imports and generates (`jnp`, `fold_tree`, `untie`, `forward`, `key`,
`self`, `_`, ...) and names the old scheme made alike (`W'`/`W_p`), some of them shared
across kinds the language keeps apart (a parameter and a case, a hyperparameter and a used
para, a use and its para). The emitted module must import, construct and compute exactly
what the same program with plain names computes, and its fields must be named as the
reference says (`paradsl.names.ident`).

Bounded to about a minute: `PROGRAMS` programs (each compiled twice) and a faster property
test of the scheme on many more identifiers.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
from pathlib import Path

import equinox as eqx
import jax
import numpy as np
from conftest import randomise
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paradsl import ParaError, api, prelude
from paradsl.names import RESERVED, beside, ident, plain, spelled, unspelled

GRAMMAR = Path(__file__).resolve().parent.parent / "grammar" / "para.lark"
#: The words the language's grammar gives a meaning (keywords, dtypes, reducers, kinds).
LANGUAGE_WORDS = frozenset(re.findall(r'"([a-z]+)"', GRAMMAR.read_text(encoding="utf-8"))) | {
    "sum", "max", "min", "mean", "prod", "bf16", "f16", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u32",
    "bool", "commutative", "monoid", "algebra", "coalgebra", "mealy", "moore",
}
#: Names the program itself calls or that its syntax reads (the functor's `A` and `X`).
PROGRAM_WORDS = frozenset(b.name for b in prelude.BUILTINS) | {i.name for i in prelude.INITIALIZERS} | {
    "A", "X", "Nat", "Int", "Float", "Bool", "list", "set", "cyc"}

TRICKY = sorted({
    *keyword.kwlist, *keyword.softkwlist, *(n for n in dir(builtins) if not n.startswith("__")),
    "__init__", "__call__", "__class__", "__dict__", "__slots__", "__module__", "__all__", "__x", "__W", "__",
    "_", "_x", "_u", "_p", "_u_", "_abc_impl", "x_", "W_", "a_p_", "W_u", "_1",
    "W'", "W_p", "d'", "d_p", "d''", "d_p_p", "h_0'", "h_0_p_", "W_p'", "W_up", "x'y", "_'",
    "jnp", "jnp_", "jax", "jax_", "eqx", "math", "annotations", "Array", "Int", "Bool", "PRNGKeyArray",
    "fold_tree", "fold_tree_", "fold_balanced", "semiring_contract", "_semiring_contract", "semiring_contract_",
    "self", "self_", "key", "key_", "keys", "untie", "untie_", "forward", "forward_",
    "combine", "lift", "unit", "step", "start", "out", "nil", "cons",
    "h", "h1", "xs", "ys", "state", "k", "scores", "per_element", "arg", "v", "kv", "a", "b", "m", "kids",
    "x", "x1", "Linear", "nn_Linear", "Elman", "class_", "class__",
} - LANGUAGE_WORDS - PROGRAM_WORDS)

identifiers = st.one_of(
    st.sampled_from(TRICKY),
    st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_']{0,5}\Z").filter(lambda n: n not in LANGUAGE_WORDS | PROGRAM_WORDS),
)

# ---------------------------------------------------------------------- the scheme


@settings(max_examples=300, deadline=None)
@given(st.lists(identifiers, unique=True, max_size=30))
def test_ident_is_injective_and_stays_off_the_module_names(names):
    out = [ident(n) for n in names]
    assert len(set(out)) == len(out)
    for n, py in zip(names, out):
        assert py.isidentifier() and not keyword.iskeyword(py) and not py.startswith("__")
        assert py not in RESERVED and py != "_"
        if plain(n):
            assert py == n
        else:
            assert py == spelled(n) and py.endswith("_") and unspelled(py) == n


@settings(max_examples=150, deadline=None)
@given(st.lists(identifiers, unique=True, max_size=8), st.sets(st.one_of(identifiers, identifiers.map(ident))))
def test_names_beside_others_stay_apart_from_them(names, kept):
    out = beside(names, kept)
    assert len(set(out.values())) == len(names)
    assert not set(out.values()) & kept
    assert all(out[n] == ident(n) for n in names if ident(n) not in kept)


# ---------------------------------------------------------------------- whole programs

TEMPLATE = """\
functor {F}(A) = {NIL} | {CONS}(A, X)
algebra {ALG}({H1}: Nat) : {F}([{H1}]) on [{H1}]
  params {P1} : [{H1}, {H1}] ~ glorot, {P2} : [{H1}] ~ normal
  | {NIL} => {P2}
  | {CONS}({X}, {Y}) => tanh({X} @ {P1} + {Y})
para {LEAF}({H1}: Nat, {H2}: Nat = 2) : [{H1}] -> [{H1}]
  params {P1} : [{H1}, {H1}] ~ glorot, {P3} : [{H1}, {H1}] ~ glorot
  tie {P3} = transpose({P1})
  = {X} => let {Y} = {X} @ {P1} in {Y} @ {P3} + {X}
para {TOP}({H3}: Nat, {H4}: Nat) ({T} : list) : ([{T}, {H3}], [{H3}]) -> [{H3}]
  uses {U1} : {LEAF}({H3}, {H4}), {U2} : {ALG}({H3})
  = ({X}, {Y}) => {U1}((fold {U2} over {T})({X})) + {Y}
"""
SLOTS = ("F", "ALG", "LEAF", "TOP", "H1", "H2", "H3", "H4", "P1", "P2", "P3", "NIL", "CONS", "X", "Y", "T", "U1", "U2")
#: Places the language keeps apart that Python would not: the first may take the second's name.
SHARED = [("P2", "NIL"), ("P1", "CONS"), ("H3", "LEAF"), ("H4", "ALG"), ("U1", "LEAF"), ("U2", "ALG"),
          ("H1", "CONS"), ("P1", "ALG")]
#: Programs tried per run (each compiled and run with random names and with plain ones).
PROGRAMS = 30


def _build(names: dict[str, str]):
    """The program's top para with these names: its module built, given random leaves, and
    its output on a random input, and the module itself."""
    program = api.check_text(TEMPLATE.format(**names), "fuzz.para")
    module = api.load_program(program)
    top = program.get(names["TOP"])
    m = api.para_class(module, program, top)(3, 2, key=jax.random.key(0))
    m = randomise(m, jax.random.key(1), scale=0.5)
    x = (jax.random.normal(jax.random.key(2), (5, 3)), jax.random.normal(jax.random.key(3), (3,)))
    return m(x), m


@functools.cache
def _plain():
    """The program with plain names: what every renaming must compute."""
    return _build({s: f"n{i}" for i, s in enumerate(SLOTS)})


def _fields(m: eqx.Module) -> list[str]:
    return list(type(m).__dataclass_fields__)


@settings(max_examples=PROGRAMS, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(identifiers, min_size=len(SLOTS), max_size=len(SLOTS), unique=True),
       st.sets(st.sampled_from(SHARED), max_size=3))
def test_random_names_compute_as_plain_ones(drawn, shared):
    names = dict(zip(SLOTS, drawn))
    targets = set()
    for a, b in sorted(shared):
        if b not in targets:  # two names written like one would be written like each other
            names[a] = names[b]
            targets.add(b)
    try:
        got, m = _build(names)
    except ParaError:  # a name the language itself refuses in that place
        assume(False)
    want, twin = _plain()
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    # Fields are named as the reference says, in the order the twin has them.
    assert _fields(m) == [ident(names[s]) for s in ("U1", "U2", "H3", "H4")]
    leaf, alg = getattr(m, ident(names["U1"])), getattr(m, ident(names["U2"]))
    assert _fields(leaf) == [ident(names[s]) for s in ("P1", "P3", "H1", "H2")]
    assert _fields(alg) == [ident(names[s]) for s in ("P1", "P2", "H1")]
    assert [len(_fields(x)) for x in (leaf, alg)] == [len(_fields(getattr(twin, f))) for f in ("n16", "n17")]


def test_the_vocabulary_is_tricky_enough():
    """The fixed names cover every kind the acceptance names, and none is a language word."""
    assert {"class", "lambda", "None", "zip", "range", "tuple", "__init__", "W'", "d_p", "jnp_", "fold_tree",
            "untie", "forward", "combine", "key", "self", "_"} <= set(TRICKY)
    assert not set(TRICKY) & LANGUAGE_WORDS


#: One program with a tricky name in every place at once.
WORST = {"F": "class", "ALG": "zip", "LEAF": "__init__", "TOP": "jnp", "H1": "key", "H2": "d'", "H3": "untie",
         "H4": "d_p", "P1": "forward", "P2": "nil", "P3": "W'", "NIL": "nil", "CONS": "self", "X": "_",
         "Y": "fold_tree", "T": "keys", "U1": "__init__", "U2": "lambda"}


def test_tricky_names_in_every_place_at_once():
    got, m = _build(WORST)
    want, _ = _plain()
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert _fields(m) == ["_u_init___", "lambda_", "untie_", "d_p"]
    assert _fields(getattr(m, "_u_init___")) == ["forward_", "W_p_", "key_", "d_p_"]
    assert _fields(m.lambda_) == ["forward_", "nil", "key_"] and m.lambda_.nil_().shape == (3,)
