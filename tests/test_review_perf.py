"""The checker's work grows linearly with the program, or it stops with a diagnostic.

Each case is a small program that once took super-linear time or memory to check
(`tests/review/E*`). Timings are flaky on a shared machine, so the tests count work instead:
the Python function calls made while checking a program of size n and of size 2n, whose
ratio is about 2 when checking is linear and 4 or more when it is not. A wall-clock bound,
far above what a linear checker needs, is kept only as a safety net.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from paradsl import api, ir
from paradsl.driver import check_source
from paradsl.types import Poly, sizes

REVIEW = Path(__file__).parent / "review"

#: Doubling a linear checker's input doubles its work; a quadratic one's quadruples it.
LINEAR_RATIO = 2.5
#: Seconds: an order of magnitude above a linear checker's time on these inputs.
SAFETY_NET_S = 5.0


def _calls(text: str) -> int:
    """The Python function calls made while checking `text` (a deterministic measure of work)."""
    check_source(text)  # the parser's tables and the stdlib are built once, outside the count
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        result = check_source(text)
    finally:
        sys.setprofile(None)
    assert result.ok, [d.message for d in result.diagnostics]
    return count


def _grows_linearly(program, n: int) -> tuple[int, int]:
    small, large = _calls(program(n)), _calls(program(2 * n))
    assert large < LINEAR_RATIO * small, (small, large)
    return small, large


def _check_in_time(path: Path) -> ir.Program:
    start = time.perf_counter()
    program = api.check_file(path)
    assert time.perf_counter() - start < SAFETY_NET_S
    return program


# ---------------------------------------------------------------------- E1: nested lets


def _nested_lets(n: int) -> str:
    lets = " ".join(f"let v{i} = x in" for i in range(n))
    return f"para P(d: Nat) : [d] -> [d] = x => {lets} v{n - 1}\n"


def _nested_lambdas(n: int) -> str:
    """`x => (y1 => (y2 => y2)(x))(x)`, n lambdas deep, each applied to the outermost input."""
    body = f"y{n}"
    for k in range(n, 0, -1):
        body = f"(y{k} => {body})(x)"
    return f"para P(d: Nat) : [d] -> [d] = x => {body}\n"


def test_nested_lets_check_in_linear_work():
    _grows_linearly(_nested_lets, 200)


def test_nested_lambdas_check_in_linear_work():
    _grows_linearly(_nested_lambdas, 200)


def test_a_thousand_nested_lets_check():
    program = _check_in_time(REVIEW / "E1_nested_lets_1000.para")
    assert [p.name for p in program.paras] == ["P"]


# ---------------------------------------------------------------------- E2: a size of many terms


class _Budget:
    """Counts the products of monomials that size arithmetic makes, failing past a budget
    (rather than running for minutes where there is no limit)."""

    def __init__(self, monkeypatch, budget: int):
        self.count, self.budget = 0, budget
        original = sizes._mul_mono

        def counted(a, b):
            self.count += 1
            assert self.count <= self.budget, "size arithmetic ran past its budget"
            return original(a, b)

        monkeypatch.setattr(sizes, "_mul_mono", counted)


def _errors(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in check_source(text).diagnostics]


def test_a_size_of_many_terms_stops_with_a_diagnostic(monkeypatch):
    work = _Budget(monkeypatch, 20 * sizes.MAX_TERMS)
    assert _errors((REVIEW / "E2_size_polynomial_22.para").read_text()) == [("E0224", 1, 59)]
    assert work.count > 0


def test_size_arithmetic_refuses_a_product_past_the_limit_before_the_work(monkeypatch):
    s = Poly.const(0)
    for v in "abcdef":
        s = s + Poly.var(v)
    s = s + Poly.const(1)
    p = s * s * s * s  # C(10, 6) = 210 terms
    assert len(p.terms) == 210
    work = _Budget(monkeypatch, 0)
    with pytest.raises(sizes.SizeTooLarge) as e:
        p * s  # up to 1470 terms
    assert (e.value.limit, e.value.value, e.value.bound) == ("terms", 1470, sizes.MAX_TERMS)
    assert work.count == 0


def test_size_degree_is_limited_in_products_and_substitutions():
    d = Poly.var("d")
    high = Poly.const(1)
    for _ in range(sizes.MAX_DEGREE):
        high = high * d
    assert high.degree == sizes.MAX_DEGREE
    with pytest.raises(sizes.SizeTooLarge) as e:
        high * d
    assert (e.value.limit, e.value.value) == ("degree", sizes.MAX_DEGREE + 1)
    with pytest.raises(sizes.SizeTooLarge) as e:
        high.substitute({"d": d * d})
    assert (e.value.limit, e.value.value) == ("degree", 2 * sizes.MAX_DEGREE)


def test_a_use_whose_arguments_make_a_size_too_large_is_reported_at_the_use():
    text = (
        "para Cube(a: Nat) : [a*a*a*a*a*a*a*a*a*a*a] -> [a]\n"
        "  params W : [a]\n"
        "  = x => sum(x) * W\n"
        "para Ninth(a: Nat) : [a] -> [a]\n"
        "  uses c : Cube(a*a*a)\n"
        "  = x => x\n"
    )
    assert [c for c, _, _ in _errors(text)] == ["E0224"]


# ---------------------------------------------------------------------- E3: a doubling chain of paras


def _doubling_chain(n: int) -> str:
    """P0 holds one matrix; each P(k+1) applies P(k) twice, so Pn has 2^n leaves."""
    lines = ["para P0(d: Nat) : [d] -> [d]", "  params W : [d, d]", "  = x => x @ W"]
    lines += [f"para P{k}(d: Nat) : [d] -> [d] = P{k - 1}(d) >> P{k - 1}(d)" for k in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def test_a_doubling_chain_checks_in_linear_work():
    """Checking does not list a para's leaves (2^n here) to find the few its user must give."""
    _grows_linearly(_doubling_chain, 6)


def test_a_doubling_chain_of_sixteen_checks():
    program = _check_in_time(REVIEW / "E3_para_doubling_chain_16.para")
    assert [p.name for p in program.paras] == [f"P{k}" for k in range(17)]


# ---------------------------------------------------------------------- the commands after checking


def test_the_analyses_follow_a_thousand_nested_lets(capsys):
    """`para cost` and `para params` recurse once per `let`, under the same limit as checking."""
    from paradsl.cli import main

    e1 = str(REVIEW / "E1_nested_lets_1000.para")
    assert main(["cost", e1, "P", "d=4"]) == 0
    assert "total" in capsys.readouterr().out
    assert main(["params", e1, "P", "d=4"]) == 0
    assert "|Q| = 0" in capsys.readouterr().out


def test_a_thousand_nested_lets_compile():
    source = api.compile_program(_check_in_time(REVIEW / "E1_nested_lets_1000.para"))
    assert source.count("v999") >= 1


def _report_calls(n: int, analysis) -> int:
    """The Python calls made by `para params`/`para cost`'s report and table of `Pn` in a
    doubling chain, after checking."""
    program = next(iter(check_source(_doubling_chain(n)).programs.values()))
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        text = analysis.report(program, f"P{n}").format({"d": 4})
    finally:
        sys.setprofile(None)
    assert f"{2 ** n - 64:,} more" in text  # the table lists 64 of the 2^n leaves
    return count


@pytest.mark.parametrize("module", ["params", "cost"])
def test_the_reports_of_a_doubling_chain_take_linear_work(module):
    """A para used twice at the same sizes is walked once: the work grows with the depth of
    the chain, not with its 2^n leaves (65,536 rows at depth 16 took 20 s and 48 s)."""
    import importlib

    analysis = importlib.import_module(f"paradsl.analysis.{module}")
    small, large = _report_calls(7, analysis), _report_calls(14, analysis)
    assert large < LINEAR_RATIO * small, (small, large)


def test_the_reports_of_a_chain_of_sixteen_are_quick():
    from paradsl.analysis import cost, params

    program = _check_in_time(REVIEW / "E3_para_doubling_chain_16.para")
    start = time.perf_counter()
    q = params.report(program, "P16")
    r = cost.report(program, "P16")
    text = q.format({"d": 4}) + r.format({"d": 4})
    assert time.perf_counter() - start < 1.0
    assert q.Q == Poly.const(65536) * Poly.var("d") * Poly.var("d") and q.leaves == 65536
    assert r.flops == Poly.const(131072) * Poly.var("d") * Poly.var("d") and r.memory == Poly.const(65536) * Poly.var("d")
    assert text.count("65,472 more") == 3  # leaves, activations, contractions
