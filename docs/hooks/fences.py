"""mkdocs hook: the docs mark code blocks for the tests with a word after the language
(```` ```para fails ````, ```` ```python skip ````, ```` ```text repl-session ````); the site
shows them as plain blocks of that language."""

from __future__ import annotations

import re

_MARKED = re.compile(r"^(\s*```)([A-Za-z]+) [A-Za-z-]+\s*$", re.MULTILINE)


def on_page_markdown(markdown: str, **_: object) -> str:
    return _MARKED.sub(r"\1\2", markdown)
