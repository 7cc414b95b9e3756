"""The REPL on a terminal, with prompt_toolkit: history kept across sessions, completion,
highlighting with the `.para` lexer, multi-line input. Enter ends an input once it is
complete (`input.is_complete`) and starts a new line before; Ctrl-C cancels the line,
Ctrl-D leaves.

The history file is `$PARA_HISTORY` if set, else `history` in the user's data directory
(`platformdirs.user_data_dir("paradsl")`, which follows `XDG_DATA_HOME`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import PygmentsLexer

from . import input as typed
from .commands import Outcome, banner, run
from .session import State
from .texts import ReplText


def history_path() -> Path:
    given = os.environ.get("PARA_HISTORY")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_data_dir("paradsl")) / "history"


_LOAD = re.compile(r"\s*:l(?:o|oa|oad)?\s+(?:\S+\s+)*(\S*)\Z")


def _para_or_folder(name: str) -> bool:
    return name.endswith(".para") or os.path.isdir(name)


class ParaCompleter(Completer):
    """Completes from the session's state as it is when tab is pressed."""

    def __init__(self, state: list[State]):
        self.state = state  # one item, replaced by the loop after each input

    def get_completions(self, document, complete_event):
        from .complete import candidates

        m = _LOAD.match(document.text_before_cursor)
        if m:  # a file name: the path typed so far, completed from the disk
            from prompt_toolkit.completion import PathCompleter
            from prompt_toolkit.document import Document

            path = Document(m.group(1))
            yield from PathCompleter(file_filter=_para_or_folder).get_completions(path, complete_event)
            return
        word, found = candidates(self.state[0], document.text_before_cursor)
        for w in found:
            yield Completion(w, start_position=-len(word))


def _bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("enter")
    def _(event) -> None:
        buf = event.current_buffer
        if typed.is_complete(buf.text):
            buf.validate_and_handle()
        else:
            buf.insert_text("\n")

    return kb


def session(state: list[State], **options) -> PromptSession:
    """The prompt_toolkit session the REPL reads from; `options` (input, output) for tests."""
    from pygments.lexers.python import PythonLexer  # noqa: F401 - loaded with the lexer below

    from ..highlight import ParaLexer

    path = history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        message=ReplText.PROMPT.format(), history=FileHistory(str(path)), completer=ParaCompleter(state),
        lexer=PygmentsLexer(ParaLexer), multiline=True, key_bindings=_bindings(),
        prompt_continuation=lambda width, line, wrap: ReplText.CONTINUE.format(), **options)


def _show(outcome: Outcome) -> None:
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import PygmentsTokens

    if not outcome.text:
        return
    if outcome.lang == "python":
        import pygments
        from pygments.lexers.python import PythonLexer

        print_formatted_text(PygmentsTokens(list(pygments.lex(outcome.text, PythonLexer()))))
    else:
        print_formatted_text(outcome.text)


def interact(state: State, show: Callable[[Outcome], None] | None = None, **options) -> int:
    """Read inputs until Ctrl-D or :quit; 0. `show` prints each outcome (on the terminal,
    highlighted, unless given); `options` go to the PromptSession (input, output)."""
    holder = [state]
    prompt = session(holder, **options)
    show = show or _show
    show(Outcome(banner(), state))
    while True:
        try:
            text = prompt.prompt()
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the session goes on
            continue
        except EOFError:  # Ctrl-D
            return 0
        outcome = run(holder[0], text)
        holder[0] = outcome.state
        show(outcome)
        if outcome.quit:
            return 0
