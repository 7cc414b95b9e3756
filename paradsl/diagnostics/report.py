"""Diagnostic values, the collector passes report into, and the terminal renderer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .lines import printable, split_lines
from .span import Span
from .template import Message


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    span: Span
    message: str
    hint: str | None = None
    notes: tuple[str, ...] = ()

    def header(self) -> str:
        return f"{self.span}: {self.severity.value}[{self.code}]: {self.message}"


@dataclass
class DiagnosticSink:
    """Collects the diagnostics of a run; passes report here and carry on where they can."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, msg: Message, span: Span, *, notes: tuple[str, ...] = (), **values: object) -> None:
        self.report(Severity.ERROR, msg, span, notes=notes, **values)

    def warning(self, msg: Message, span: Span, *, notes: tuple[str, ...] = (), **values: object) -> None:
        self.report(Severity.WARNING, msg, span, notes=notes, **values)

    def report(self, severity: Severity, msg: Message, span: Span, *, notes=(), **values) -> None:
        text, hint = msg.format(**values)
        self.diagnostics.append(Diagnostic(msg.code, severity, span, text, hint or None, tuple(notes)))

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        seen: set[tuple] = set()
        out = []
        for d in sorted(self.diagnostics, key=lambda d: (d.span.file, d.span.line, d.span.col, d.code)):
            key = (d.span, d.code, d.message)
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out


class ParaError(Exception):
    """Raised by the Python API when a program has errors; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, str] | None = None):
        self.diagnostics = diagnostics
        self.sources = sources or {}
        super().__init__("\n".join(render(d, self.sources) for d in diagnostics))


def render(d: Diagnostic, sources: dict[str, str]) -> str:
    """`file:line:col: error[E0xxx]: message`, the source line, a caret span, notes and hint."""
    lines = [d.header()]
    text = sources.get(d.span.file)
    if text is not None and d.span.line >= 1:
        src_lines = split_lines(text)
        if d.span.line <= len(src_lines):
            src = printable(src_lines[d.span.line - 1])
            gutter = str(d.span.line)
            pad = " " * len(gutter)
            start = max(d.span.col - 1, 0)
            if d.span.end_line == d.span.line:
                width = max(d.span.end_col - d.span.col, 1)
            else:
                width = max(len(src.rstrip()) - start, 1)
            lines.append(f"{pad} |")
            lines.append(f"{gutter} | {src}")
            lines.append(f"{pad} | {' ' * start}{'^' * width}")
    for note in d.notes:
        lines.append(f"  = note: {note}")
    if d.hint:
        lines.append(f"  = help: {d.hint}")
    return "\n".join(lines)
