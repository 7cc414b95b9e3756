"""Every diagnostic the compiler can give: its code, its text and its hint, as templates.

Passes never build message text themselves: they name a message from `Msg` and pass the
values it is formatted with (names, types, numbers, spans, lists of names). Texts are
sentence case with no trailing period; names and types appear in quotes. One code may have
several messages, one per distinct sentence; each code is documented with an example in
`docs/errors.md`.
"""

from __future__ import annotations

from ..codes import CODES as CODES
from ..template import Message, templates_of
from .names import NamesMsg
from .schemes import SchemesMsg
from .symmetry import SymmetryMsg
from .syntax import SyntaxMsg
from .ties import TiesMsg
from .types import TypesMsg


class Msg(SyntaxMsg, NamesMsg, TypesMsg, SymmetryMsg, TiesMsg, SchemesMsg):
    """All messages, by name: `sink.error(Msg.UNKNOWN_NAME, span, name=...)`."""


#: name -> message, for the tests.
MESSAGES: dict[str, Message] = templates_of(Msg)  # type: ignore[assignment]


def messages_of(code: str) -> tuple[Message, ...]:
    """The messages that give `code`."""
    return tuple(m for m in MESSAGES.values() if m.code == code)
