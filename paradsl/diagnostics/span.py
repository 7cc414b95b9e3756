"""Source spans: where in which file a piece of syntax came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based, end-inclusive-line, end-exclusive-column region of a source file."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def to(self, other: "Span") -> "Span":
        """The smallest span covering `self` and `other` (same file)."""
        start = min((self.line, self.col), (other.line, other.col))
        end = max((self.end_line, self.end_col), (other.end_line, other.end_col))
        return Span(self.file, start[0], start[1], end[0], end[1])


#: The span of things the user never wrote (builtins, the prelude).
BUILTIN = Span("<builtin>", 0, 0, 0, 0)
