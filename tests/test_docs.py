"""The documentation's code: every `para` block checks; the tutorial runs from start to end."""

from __future__ import annotations

import os
import re
import sys

import pytest

from paradsl import check_source
from paradsl.cli import main as para_main

from conftest import ROOT

DOCS = ROOT / "docs"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(path, lang: str) -> list[tuple[int, str, str]]:
    """(line, info string, code) of each fenced block of `lang` in a Markdown file."""
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        info = m.group(1).strip()
        if info.split()[:1] == [lang]:
            out.append((text.count("\n", 0, m.start()) + 1, info, m.group(2)))
    return out


def _errors(result) -> str:
    return "\n".join(f"{d.span.line}:{d.span.col}: {d.message}" if hasattr(d, "span") else str(d.message)
                     for d in result.diagnostics)


# ------------------------------------------------------------------ the tutorial

TUTORIAL = DOCS / "tutorial.md"


def tutorial_source() -> str:
    """`model.para` as the tutorial builds it: its `para` blocks in order."""
    return "\n".join(code for _, _, code in blocks(TUTORIAL, "para"))


def test_tutorial_has_para_blocks():
    assert len(blocks(TUTORIAL, "para")) >= 3


@pytest.mark.parametrize("n", range(len(blocks(TUTORIAL, "para"))))
def test_tutorial_para_block_checks(n):
    """Each block checks together with the blocks before it, as the file grows."""
    code = "\n".join(c for _, _, c in blocks(TUTORIAL, "para")[: n + 1])
    line = blocks(TUTORIAL, "para")[n][0]
    result = check_source(code, f"tutorial.md:{line}")
    assert result.ok, _errors(result)


@pytest.mark.slow
def test_tutorial_python_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "model.para").write_text(tutorial_source())
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert para_main(["check", "model.para"]) == 0
    assert para_main(["compile", "model.para", "-o", "model.py"]) == 0
    namespace: dict = {"__name__": "tutorial"}
    try:
        for line, info, code in blocks(TUTORIAL, "python"):
            if "skip" in info.split():
                continue
            exec(compile(code, f"{TUTORIAL}:{line}", "exec"), namespace)  # our own documentation
    finally:
        sys.modules.pop("model", None)
    out = capsys.readouterr().out
    assert "(4,)" in out and "72" in out and "144" in out


def test_tutorial_compiled_excerpt_matches_the_compiler():
    """The `Linear` class shown in the tutorial is what `para compile` writes."""
    from paradsl.driver import compile_program

    result = check_source(tutorial_source(), "model.para")
    source = compile_program(next(iter(result.programs.values())))
    shown = next(code for _, info, code in blocks(TUTORIAL, "python") if "class Linear" in code)
    assert shown.strip() in source


def test_tutorial_diagnostic_is_real():
    src = tutorial_source().replace("x[j] * W[j, k]", "x[j] * W[k, j]", 1)
    result = check_source(src, "model.para")
    assert not result.ok
    shown = next(code for _, info, code in blocks(TUTORIAL, "text") if "E0202" in code)
    first = result.diagnostics[0]
    assert first.message in shown.splitlines()[0]


# ------------------------------------------------------------------ every other page

# Pages whose `para` blocks are meant to check (docs/errors.md shows failing programs on purpose).
OTHER_PAGES = [p for p in (DOCS / "reference.md", DOCS / "theory.md", DOCS / "design-notes.md", ROOT / "README.md")
               if p.exists()]
PAGE_BLOCKS = [(p, line, code) for p in OTHER_PAGES for line, info, code in blocks(p, "para")
               if "fails" not in info.split() and "coming" not in info.split()]


@pytest.mark.parametrize("page,line,code", PAGE_BLOCKS,
                         ids=[f"{p.name}:{line}" for p, line, _ in PAGE_BLOCKS])
def test_doc_para_block_checks(page, line, code):
    """Standalone `para` blocks in the other pages check. Blocks marked ```para fails
    show an error on purpose; ```para coming shows syntax not implemented yet."""
    result = check_source(code, f"{page.name}:{line}")
    assert result.ok, _errors(result)


FAILING_BLOCKS = [(p, line, code) for p in OTHER_PAGES for line, info, code in blocks(p, "para")
                  if "fails" in info.split()]


@pytest.mark.parametrize("page,line,code", FAILING_BLOCKS,
                         ids=[f"{p.name}:{line}" for p, line, _ in FAILING_BLOCKS])
def test_doc_failing_block_fails(page, line, code):
    assert not check_source(code, f"{page.name}:{line}").ok
