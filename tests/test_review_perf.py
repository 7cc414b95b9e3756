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

from paradsl import api, ir
from paradsl.driver import check_source

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
