"""Review reproducers of diagnostics that pointed at the wrong thing or said the wrong thing.

Each `tests/review/*.para` is a program a review found misreported: a typo taken for an index
variable, a declared index set called unknown, a missing `in` blamed on a reserved word, one
syntax error hiding the type errors of the other declarations. Each test pins what the checker
must now say about it: the code, the place and the texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paradsl.diagnostics import MESSAGES
from paradsl.driver import check_paths

from conftest import ROOT

REVIEW = ROOT / "tests" / "review"

#: file -> every diagnostic it must give: (line, column, code, message, hint).
EXPECTED: dict[str, list[tuple[int, int, str, str, str | None]]] = {
    "D3_two_letter_typo_message.para": [
        (1, 36, "E0101", "unknown name 'xx'", "did you mean 'x'?"),
    ],
    "C6_typo_becomes_index.para": [
        (1, 41, "E0101", "unknown name 'xs'", "did you mean 'x'?"),
    ],
    "b04_two_char_unknown.para": [
        (5, 17, "E0101", "unknown name 'Wq'",
         "bind it with `let` or declare it in `params`; only a single lowercase letter is a free index variable"),
    ],
    "b08_syntax_hides_type_errors.para": [
        (2, 18, "E0003", "unexpected end of input; expected ')' or ','", "the declaration is incomplete"),
        (6, 5, "E0209", "the body has type [d], but the declaration says [2]", "the declaration says B : [d] -> [2]"),
    ],
    "b09_missing_in.para": [
        (5, 5, "E0001", "unexpected 'let'; expected 'in' to end the `let` before it",
         "a `let` binds its value for the expression after `in`: `let a = x * 2.0 in a + 1.0`"),
    ],
    "b10_over_index_set.para": [
        (4, 34, "E0221", "'t' is an index set, but `over` names an index variable of the argument",
         "subscript the argument with an index over 't' and name that index: `log_softmax(y[i, k], over i)`"),
    ],
    "m21_keyword_name.para": [
        (3, 14, "E0001", "'max' is a reserved word and cannot be used as a name", "choose another name, such as `max_`"),
    ],
}


def diagnostics(name: str) -> list[tuple[int, int, str, str, str | None]]:
    result = check_paths([REVIEW / name])
    return sorted((d.span.line, d.span.col, d.code, d.message, d.hint) for d in result.diagnostics)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_review_case(name):
    assert diagnostics(name) == sorted(EXPECTED[name])


def test_expected_cases_are_copied():
    assert {n for n in EXPECTED if (REVIEW / n).is_file()} == set(EXPECTED)


def reference_sections() -> dict[str, str]:
    """section number -> heading, of docs/reference.md."""
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^#{2,3} (\d+(?:\.\d+[a-z]?)?)\.? (.+)$", text, re.MULTILINE))


def test_cited_sections_exist():
    """A hint that cites a section of the reference names one the reference has."""
    sections = reference_sections()
    for name, msg in MESSAGES.items():
        for section in re.findall(r"section (\d+(?:\.\d+[a-z]?)?)", f"{msg.text} {msg.hint or ''}"):
            assert section in sections, f"{name} cites section {section}, which docs/reference.md does not have"


def test_recursive_para_hint_cites_the_recursion_schemes():
    cited = re.findall(r"section (\d+(?:\.\d+)?)", MESSAGES["RECURSIVE_PARA_PATH"].hint)
    assert [reference_sections()[c] for c in cited] == ["Recursion schemes"]


def test_stdlib_exports_name_their_module():
    from paradsl.check.suggest import stdlib_exports

    exports = stdlib_exports()
    assert exports["Linear"] == "nn" and exports["MLP"] == "nn"
    for module, names in {"nn": ("LayerNorm",), "graph": ("MinPlusProduct",)}.items():
        assert all(exports[n] == module for n in names)


def test_a_name_over_declares_is_an_index_of_the_argument_whatever_its_length():
    """`over` names the free indices of its argument, so `tok` there is no unknown name; a
    typo beside it still is."""
    from paradsl.driver import check_source

    ok = check_source("para P(d: Nat) : [d, d] -> [d] = x => for j. max(x[tok, j], over tok)\n", "o.para")
    assert ok.ok, ok.diagnostics
    bad = check_source("para Q(d: Nat) : [d] -> f32 = x => max(x[tok], over tok) + xs\n", "o.para")
    assert [(d.code, d.message) for d in bad.diagnostics] == [("E0101", "unknown name 'xs'")]
