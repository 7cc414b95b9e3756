"""What a piece of typed input is, and whether it is complete.

A declaration continues over lines until the parser stops saying that the input ended too
soon (its own "unexpected end of input" error); an open bracket continues a value. A command
(`:type ...`) and an expression are one line each.
"""

from __future__ import annotations

import enum
import re

from ..diagnostics import DiagnosticSink, Msg
from ..syntax import parse
from ..syntax.chunks import DECL_KEYWORDS

_DECL_START = re.compile(r"\s*(?:{})\b".format("|".join(DECL_KEYWORDS)))
_BINDING = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_']*)\s*=(?![=>])\s*(.*)\Z", re.DOTALL)


class Kind(enum.Enum):
    EMPTY = "empty"
    COMMAND = "command"
    DECLARATION = "declaration"
    BINDING = "binding"
    EXPRESSION = "expression"


def kind(text: str) -> Kind:
    stripped = without_comments(text).strip()
    if not stripped:
        return Kind.EMPTY
    if stripped.startswith(":"):
        return Kind.COMMAND
    if _DECL_START.match(stripped):
        return Kind.DECLARATION
    if _BINDING.match(stripped):
        return Kind.BINDING
    return Kind.EXPRESSION


def binding(text: str) -> tuple[str, int] | None:
    """`x = VALUE` as the name and where VALUE starts in `text`."""
    m = _BINDING.match(without_comments(text))  # a comment goes, and the places before it stay
    return (m.group(1), m.start(2)) if m else None


def is_complete(text: str) -> bool:
    """Whether `text` is a whole input, or more lines are to come."""
    k = kind(text)
    if k in (Kind.EMPTY, Kind.COMMAND):
        return True
    if k is not Kind.DECLARATION:
        return _balanced(text)
    sink = DiagnosticSink()
    parse(text, "<input>", sink)
    return not any(_ends_too_soon(d.code, d.message) for d in sink.diagnostics)


def _ends_too_soon(code: str, message: str) -> bool:
    """Whether a syntax error is the parser's "unexpected end of input"."""
    want = Msg.SYNTAX_UNEXPECTED_EOF.format(expected=["x"])[0].split(";")[0]
    return code == Msg.SYNTAX_UNEXPECTED_EOF.code and message.startswith(want)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in without_comments(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    return depth <= 0


def without_comments(text: str) -> str:
    """`text` without its `--` comments; what comes before one keeps its place."""
    return re.sub(r"--[^\n]*", "", text)
