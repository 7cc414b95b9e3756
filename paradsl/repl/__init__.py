"""`para repl`: explore paras interactively.

One concern per module: `session` (the state, as a value, and checking it), `input` (what
an input is and whether it is complete), `commands` (each input and command, from the state
to the text it prints and the next state), `evaluate` (values, and paras applied to them),
`complete` (what tab offers), `terminal` (the prompt_toolkit session) and `plain` (the loop
without a terminal). Importing this package imports neither jax nor the lowering: they come
with the first evaluation, `:compile` or `:laws`.
"""

from __future__ import annotations

import sys
from typing import TextIO

from .session import State


def start(files: list[str]) -> tuple[State, str, bool]:
    """The state with `files` loaded; the text loading printed and whether it failed."""
    from .commands import load
    from .session import check

    state = check(State())
    if not files:
        return state, "", False
    outcome = load(state, files)
    return outcome.state, outcome.text, outcome.error


def main(files: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None, echo: bool = False) -> int:
    """Run the REPL: on the terminal when both streams are one, else the plain loop."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    state, text, failed = start(files)
    if text:
        stdout.write(text + "\n")
    if stdin.isatty() and stdout.isatty():
        from .terminal import interact

        return interact(state)
    from .plain import loop

    return loop(state, stdin, stdout, echo=echo) or int(failed)
