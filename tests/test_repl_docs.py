"""The REPL's page: its scripted session is replayed and must print what the page shows;
and the `.para` lexer the page and the REPL highlight with."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pygments
import pygments.lexers
import pytest
from pygments.token import Error, Keyword, Name

from paradsl.highlight import ParaLexer
from paradsl.repl import plain, start
from paradsl.repl.texts import ReplText

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "repl.md"
SESSION = re.compile(r"^```text repl-session\n(.*?)^```", re.DOTALL | re.MULTILINE)


def inputs_of(transcript: str) -> list[str]:
    """The lines typed in a transcript: those after the prompt or the continuation prompt."""
    prompt, more = ReplText.PROMPT.format(), ReplText.CONTINUE.format()
    return [ln[len(prompt):] if ln.startswith(prompt) else ln[len(more):]
            for ln in transcript.splitlines() if ln.startswith((prompt, more))]


def test_the_pages_session_prints_what_the_page_shows(monkeypatch):
    monkeypatch.chdir(ROOT)
    blocks = SESSION.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) == 1
    shown = blocks[0]
    out = io.StringIO()
    status = plain.loop(start([])[0], io.StringIO("\n".join(inputs_of(shown)) + "\n"), out, echo=True)
    assert out.getvalue() == shown
    assert status == 1  # the page shows three mistakes on purpose


def test_the_page_is_linked_from_the_readme_and_the_tutorial():
    for page in (ROOT / "README.md", ROOT / "docs" / "tutorial.md"):
        assert "repl.md" in page.read_text(encoding="utf-8"), page


def test_pygments_finds_the_lexer_by_name():
    assert isinstance(pygments.lexers.get_lexer_by_name("para"), ParaLexer)
    assert isinstance(pygments.lexers.get_lexer_for_filename("model.para"), ParaLexer)


@pytest.mark.parametrize("path", sorted((ROOT / "stdlib").glob("*.para")) + sorted((ROOT / "examples").glob("*.para")),
                         ids=lambda p: p.name)
def test_every_stdlib_and_example_file_lexes_without_errors(path):
    tokens = list(pygments.lex(path.read_text(encoding="utf-8"), ParaLexer()))
    assert not [t for t in tokens if t[0] is Error]
    assert "".join(v for _, v in tokens) == path.read_text(encoding="utf-8") + ("" if path.read_text().endswith("\n") else "\n")


def test_keywords_and_builtins_come_from_the_grammar_and_the_prelude():
    kinds = dict((v, t) for t, v in pygments.lex("para F (n : set) : [n] -> [n] = relu >> softmax >> tie_not", ParaLexer()))
    assert kinds["para"] in Keyword and kinds["set"] in Keyword
    assert kinds["relu"] is Name.Builtin and kinds["softmax"] is Name.Builtin
    assert kinds["tie_not"] is Name  # a keyword inside a name is a name
