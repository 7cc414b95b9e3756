"""Every diagnostic the compiler can give: its code, its text and its hint, as templates.

Passes never build message text themselves: they name a message from `Msg` and pass the
values it is formatted with (names, types, numbers, spans, lists of names). Texts are
sentence case with no trailing period; names and types appear in quotes. One code may have
several messages, one per distinct sentence; each code is documented with an example in
`docs/errors.md`.
"""

from __future__ import annotations

from .codes import CODES as CODES
from .messages_experiments import ExperimentsMsg
from .messages_higher import HigherMsg
from .messages_inputs import InputsMsg
from .messages_iterate import IterateMsg
from .messages_limits import LimitsMsg
from .messages_lists import ListsMsg
from .messages_names import NamesMsg
from .messages_pointers import PointersMsg
from .messages_run import RunMsg
from .messages_schemes import SchemesMsg
from .messages_sizes import SizesMsg
from .messages_streaming import StreamingMsg
from .messages_symmetry import SymmetryMsg
from .messages_syntax import SyntaxMsg
from .messages_ties import TiesMsg
from .messages_types import TypesMsg
from .messages_values import ValuesMsg
from .template import Message, templates_of


class Msg(SyntaxMsg, InputsMsg, NamesMsg, TypesMsg, ValuesMsg, LimitsMsg, SizesMsg, SymmetryMsg, TiesMsg, SchemesMsg,
          HigherMsg, IterateMsg, ExperimentsMsg, RunMsg, StreamingMsg, PointersMsg,
          ListsMsg):
    """All messages, by name: `sink.error(Msg.UNKNOWN_NAME, span, name=...)`."""


#: name -> message, for the tests.
MESSAGES: dict[str, Message] = templates_of(Msg)  # type: ignore[assignment]


def messages_of(code: str) -> tuple[Message, ...]:
    """The messages that give `code`."""
    return tuple(m for m in MESSAGES.values() if m.code == code)
