"""The checker builds IR; the passes the driver runs over it check symmetry and mark effects."""

from __future__ import annotations

from paradsl import driver
from paradsl.check import Checker, check_symmetry, mark_stochastic
from paradsl.diagnostics import DiagnosticSink
from paradsl.resolve import Loader

SHIFT = """
para Shift (n : set) : [n] -> [n]
  = x => x[(i + 1) mod n]
"""

NOISY = """
para Noisy(d: Nat) : [d] -> [d]
  = x => dropout(x, 0.5)

para Outer(d: Nat) : [d] -> [d]
  uses inner : Noisy(d)
  = inner
"""


def _defs(text: str, checks=()):
    sink = DiagnosticSink()
    loader = Loader(sink)
    unit = loader.load_source(text, "t.para")
    return Checker(loader, sink, checks).check_unit(unit), sink


def test_the_checker_alone_does_not_check_symmetry():
    defs, sink = _defs(SHIFT)
    assert not sink.has_errors and [d.name for d in defs] == ["Shift"]


def test_the_driver_runs_the_symmetry_check():
    result = driver.check_source(SHIFT, "t.para")
    assert [d.code for d in result.diagnostics] == ["E0303"] and not result.programs


def test_a_para_failing_a_check_is_left_out():
    defs, sink = _defs(SHIFT, (check_symmetry,))
    assert defs == [] and sink.has_errors


def test_stochastic_marks_reach_the_users():
    defs, sink = _defs(NOISY)
    assert not sink.has_errors
    assert [d.stochastic for d in defs] == [True, False]
    assert [d.stochastic for d in mark_stochastic(defs)] == [True, True]
    program = driver.check_source(NOISY, "t.para").programs["t.para"]
    assert all(d.stochastic for d in program.paras)
