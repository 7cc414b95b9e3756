"""The REPL without a terminal: inputs read from a stream, plain text written to another.

`para repl < script` reads a script of inputs: a declaration continues over the lines that
complete it, and over the indented lines after it, as in a file. Nothing but the outcomes is
printed, unless `echo` asks for each input after a prompt, as the terminal shows it (a
transcript, as the documentation's sessions are).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from . import input as typed
from .commands import Outcome, run
from .session import State
from .texts import ReplText


def inputs(lines: Iterator[str]) -> Iterator[str]:
    """Whole inputs from lines: a declaration takes lines until it is complete and the next
    line is not indented, or until a line starts a command or a declaration."""
    pending: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        # A line at the margin ends the input before it once that is complete, or when it
        # starts a command or a declaration of its own (the input before it then ends too soon).
        starts = typed.kind(line) in (typed.Kind.COMMAND, typed.Kind.DECLARATION)
        if pending and not line[:1].isspace() and (starts or typed.is_complete("\n".join(pending))):
            yield "\n".join(pending)
            pending = []
        if not pending and not line.strip():
            continue
        pending.append(line)
        if len(pending) == 1 and typed.kind(line) in (typed.Kind.COMMAND, typed.Kind.EXPRESSION) \
                and typed.is_complete(line):
            yield line
            pending = []
    if pending:
        yield "\n".join(pending)


def transcript_lines(text: str) -> list[str]:
    """An input as the terminal shows it: the prompt, then the continuation prompt."""
    lines = text.split("\n")
    return [ReplText.PROMPT.format() + lines[0]] + [ReplText.CONTINUE.format() + ln for ln in lines[1:]]


def loop(state: State, stream: TextIO, out: TextIO, echo: bool = False) -> int:
    """Run every input of `stream`; 1 if one was a mistake, else 0."""
    status = 0
    for text in inputs(iter(stream)):
        if echo:
            out.write("\n".join(transcript_lines(text)) + "\n")
        outcome: Outcome = run(state, text)
        state = outcome.state
        if outcome.text:
            out.write(outcome.text + "\n")
        out.flush()
        status = status or int(outcome.error)
        if outcome.quit:
            break
    return status
