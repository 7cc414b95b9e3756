"""Mutation tests: a mistake in a .para file gives located diagnostics, never a traceback.

The examples and the stdlib are tokenized and mutated deterministically (token deletions,
swaps of adjacent tokens, duplications, replacements by another token of the same file).
Every mutant must either be reported with well-formed diagnostics, or check cleanly and
then compile to Python that parses (and, for a sample, runs).
"""

from __future__ import annotations

import ast as pyast
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradsl import driver
from paradsl._resources import stdlib_module
from paradsl.names import ident

from conftest import EXAMPLES, STDLIB, assert_located, para_cli

SOURCES = {p.name: p.read_text(encoding="utf-8") for p in [*sorted(EXAMPLES.glob("*.para")), STDLIB / "nn.para"]}

_TOKEN = re.compile(
    r"""--[^\n]*|"(?:[^"\\\n]|\\.)*"|[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_']*"""
    r"""|=>|>>|\*\*|->|==|!=|<=|>=|\s+|.""",
    re.S,
)

OPS = ("delete", "swap", "duplicate", "replace")


def tokenize(text: str) -> list[str]:
    """Every character lands in exactly one token; whitespace and comments are tokens too."""
    toks = _TOKEN.findall(text)
    assert "".join(toks) == text
    return toks


def _kind(tok: str) -> str:
    c = tok[0]
    return "name" if c.isalpha() or c == "_" else "number" if c.isdigit() else "string" if c == '"' else "symbol"


def _mutable(toks: list[str]) -> list[int]:
    return [i for i, t in enumerate(toks) if t and not t.isspace() and not t.startswith("--")]


def apply(toks: list[str], op: str, at: float, pick: float, same_kind: bool) -> list[str]:
    """One mutation at the relative position `at`; `pick` chooses the replacement token."""
    toks = list(toks)
    idx = _mutable(toks)
    if len(idx) < 2:
        return toks
    k = min(int(at * len(idx)), len(idx) - 1)
    i = idx[k]
    if op == "delete":
        toks[i] = ""
    elif op == "swap":
        j = idx[k + 1] if k + 1 < len(idx) else idx[k - 1]
        toks[i], toks[j] = toks[j], toks[i]
    elif op == "duplicate":
        toks[i] = f"{toks[i]} {toks[i]}"
    else:
        pool = [j for j in idx if _kind(toks[j]) == _kind(toks[i])] if same_kind else idx
        toks[i] = toks[pool[min(int(pick * len(pool)), len(pool) - 1)]]
    return toks


def mutant(seed: int) -> str:
    rng = random.Random(seed)
    name = sorted(SOURCES)[seed % len(SOURCES)]
    toks = tokenize(SOURCES[name])
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        toks = apply(toks, rng.choice(OPS), rng.random(), rng.random(), rng.random() < 0.8)
    return "".join(toks)


def assert_well_formed(text: str, file: str = "mutant.para") -> driver.CheckResult:
    """Check `text`: diagnostics are located and registered; a clean program compiles."""
    result = driver.check_source(text, file)
    assert_located(result)
    if result.ok:
        # A clean mutant compiles to one class per para it checked to, but for the stdlib's,
        # which it imports.
        program = result.programs[file]
        tree = pyast.parse(driver.compile_program(program))
        classes = sorted(n.name for n in tree.body if isinstance(n, pyast.ClassDef))
        own = (p for p in program.paras if p.file == program.file or stdlib_module(p.file) is None)
        assert classes == sorted(ident(p.name) for p in own), text
    else:
        assert any(d.severity.value == "error" for d in result.diagnostics)
    return result


# ---------------------------------------------------------------------- the mutants

N_MUTANTS = 480


def test_sources_check_cleanly():
    for name, text in SOURCES.items():
        assert driver.check_source(text, name).ok, name


def test_mutants_give_diagnostics_or_compile():
    outcomes = {"errors": 0, "ok": 0}
    for seed in range(N_MUTANTS):
        text = mutant(seed)
        try:
            result = assert_well_formed(text)
        except AssertionError:
            raise
        except Exception as e:  # pragma: no cover - the failure message names the mutant
            raise AssertionError(f"mutant {seed} crashed the compiler:\n{text}") from e
        outcomes["ok" if result.ok else "errors"] += 1
    # Most mutants are mistakes; some (a renamed local, a swapped operand) are still programs.
    assert outcomes["errors"] > N_MUTANTS // 2 and outcomes["ok"] > 0, outcomes


@pytest.mark.slow
def test_a_sample_of_clean_mutants_runs():
    import jax
    import jax.numpy as jnp

    from paradsl.types import FixedAxis, TupleType

    def example(t, sizes):
        if isinstance(t, TupleType):
            return tuple(example(i, sizes) for i in t.items)
        shape = tuple(a.size.evaluate(sizes) if isinstance(a, FixedAxis) else 3 for a in t.axes)
        if t.dtype == "bool":
            return jnp.zeros(shape, bool)
        if t.dtype[0] in "iu":
            return jnp.zeros(shape, jnp.int32)
        return jnp.full(shape, 0.5, jnp.float32)

    ran = 0
    for seed in range(N_MUTANTS):
        text = mutant(seed)
        result = driver.check_source(text, "mutant.para")
        if not result.ok or text in SOURCES.values():
            continue
        module = driver.loads(text, "mutant.para")
        for para in result.programs["mutant.para"].paras:
            if para.file != "mutant.para" or para.is_reparam or para.is_algebra or any(p.abstract for p in para.params):
                continue  # reparams and algebras are not maps; an abstract para's weight comes from a 2-cell
            args = [h.default if h.default is not None else {"Nat": 3, "Int": 2, "Float": 0.5, "Bool": True}[h.kind]
                    for h in para.hypers]
            sizes = {h.name: a for h, a in zip(para.hypers, args) if h.kind in ("Nat", "Int")}
            layer = getattr(module, ident(para.name))(*args, key=jax.random.key(0))
            layer(example(para.type.dom, sizes))
            ran += 1
        if ran >= 12:
            break
    assert ran > 0


@settings(max_examples=120, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SOURCES)),
    steps=st.lists(
        st.tuples(st.sampled_from(OPS), st.floats(0, 1), st.floats(0, 1), st.booleans()), min_size=1, max_size=6
    ),
)
def test_random_mutation_sequences(name, steps):
    toks = tokenize(SOURCES[name])
    for op, at, pick, same_kind in steps:
        toks = apply(toks, op, at, pick, same_kind)
    assert_well_formed("".join(toks))


# ---------------------------------------------------------------------- regressions
# Mutants that once crashed the compiler, reduced; each must be reported with these codes.

REGRESSIONS = {
    # A short unknown name read as an index, bound by a `let` whose value is never used:
    # its range was never asked for, and the lowering met an unsolved axis.
    "unused_let_of_implicit_index": (
        "para P(d: Nat) : [d] -> [d]\n  = x => let k = e in x\n",
        {"E0101"},
    ),
    # The same through a reduction that binds the implicit index with `over`.
    "over_implicit_index": (
        "para P(d: Nat) : [d] -> f32\n  = x => sum(e * 1.0, over e)\n",
        {"E0101"},
    ),
    "logsumexp_over_implicit_index": (
        "para P(d: Nat) : [d] -> f32\n  = x => logsumexp(e * 1.0, over e)\n",
        {"E0101"},
    ),
    # An index named twice in `over` checked, and failed in jax when the module ran.
    "softmax_over_an_index_twice": (
        "para P (n : set) : [n, 3] -> [n, 3]\n  = x => softmax(x[i, f], over i i)\n",
        {"E0221"},
    ),
    "sum_over_an_index_twice": (
        "para P(d: Nat) : [d] -> f32\n  = x => sum(x[i], over i i)\n",
        {"E0221"},
    ),
    # Tuples where a tensor's dtype was read.
    "if_with_tuple_branches": (
        "para P(d: Nat) : [d] -> [d]\n  = x => if true then (x, x) else (x, x)\n",
        {"E0201"},
    ),
    "if_with_unit_branch": (
        "para P(d: Nat) : [d] -> [d]\n  = x => if true then () else x\n",
        {"E0201"},
    ),
    "where_with_tuple": (
        "para P(d: Nat) : [d] -> [d]\n  = x => where(x > 0.0, (x, x), x)\n",
        {"E0201"},
    ),
    "for_over_tuple": (
        "para P(d: Nat) : [d] -> [d]\n  = x => for i. let a = x[i] in (x, x)\n",
        {"E0201"},
    ),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression(name):
    text, codes = REGRESSIONS[name]
    result = assert_well_formed(text)
    assert not result.ok
    assert {d.code for d in result.diagnostics} == codes, [d.header() for d in result.diagnostics]


@pytest.mark.parametrize("body", ["x" + " + x" * 1500, "(" * 1500 + "-x" + ")" * 1500], ids=["chain", "parens"])
def test_deeply_nested_expressions_compile(body):
    """Each pass recurses once per level; a long chain of `+` once hit Python's recursion limit."""
    result = driver.check_source(f"para P(d: Nat) : [d] -> [d]\n  = x => {body}\n", "deep.para")
    assert result.ok, [d.header() for d in result.diagnostics]
    assert "class P(" in driver.compile_program(result.programs["deep.para"])


@pytest.mark.parametrize("name", ["unused_let_of_implicit_index", "if_with_tuple_branches"])
def test_regression_through_the_cli(name, tmp_path):
    path = tmp_path / f"{name}.para"
    path.write_text(REGRESSIONS[name][0], encoding="utf-8")
    for command in ("check", "compile"):
        proc = para_cli(command, str(path))
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert re.search(r"\.para:\d+:\d+: error\[E\d{4}\]: ", proc.stderr), proc.stderr
