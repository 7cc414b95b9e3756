"""How source text is cut into lines: the one rule the lexer's positions and the snippets share.

Source text is normalised once, when it is read: a leading UTF-8 byte order mark is dropped
and every `\\r\\n` and lone `\\r` becomes `\\n`. After that `\\n` is the only line break. The
lexer counts lines by it, and `split_lines` cuts by it, so a form feed, a vertical tab or a
Unicode line separator stays inside its line both where a position is counted and where its
snippet is shown (`str.splitlines` would cut at all of them).
"""

from __future__ import annotations

import re

LINE_BREAK = "\n"
BOM = "\ufeff"

_CARRIAGE_RETURNS = re.compile(r"\r\n?")
#: Characters a terminal would break a snippet's line at or act on; shown as a space, so
#: that the caret under the line still points where the column says.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def normalise(text: str) -> str:
    """`text` as the lexer reads it: no byte order mark, and `\\n` the only line break."""
    if text.startswith(BOM):
        text = text[len(BOM):]
    return _CARRIAGE_RETURNS.sub(LINE_BREAK, text)


def split_lines(text: str) -> list[str]:
    """The lines of `text` as the lexer numbers them (line n is `split_lines(text)[n - 1]`)."""
    return normalise(text).split(LINE_BREAK)


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of character `offset` of normalised `text`."""
    line = text.count(LINE_BREAK, 0, offset) + 1
    return line, offset - (text.rfind(LINE_BREAK, 0, offset) + 1) + 1


def printable(line: str) -> str:
    """A source line as a snippet shows it: tabs and control characters one space each."""
    return _UNPRINTABLE.sub(" ", line.expandtabs(1))
