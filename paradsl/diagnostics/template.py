"""Error codes and message templates: the text of a diagnostic as data.

A `Message` is one sentence and its hint, written once with named placeholders; a pass
names the message and passes the values it is about (names, types, numbers, spans, lists
of names), never English. Several messages may share one `ErrorCode`: the code says what
kind of mistake it is, and `docs/errors.md` documents it under the code's title.

Placeholders are `str.format` fields with a few additions, so that the words around a value
live in the template too:

    {n:one|many}    `one` when the value is 1, else `many`: `argument{n:|s}`, `ax{n:is|es}`
    {xs:comma}      the items of a sequence joined by ", " (also `or`, `arrow`, `space`, `wide`, `dot`)
    {xs:quoted comma}   the same, each item quoted as `{x!r}` quotes it
    {xs:choice}     alternatives, "a", "a or b", "a, b or c", at most six then "..."
    {x:TABLE}       the words `words.WORDS[TABLE]` has for the value: `{kind:article}`
    {xs:TABLE or}   each item by the table, then joined
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from .words import WORDS

#: How `{xs:NAME}` joins the items of a sequence.
JOINERS = {"comma": ", ", "or": " or ", "arrow": " -> ", "space": " ", "wide": "  ", "dot": "."}


def takes_sequence(format_spec: str) -> bool:
    """Whether a placeholder with this format is filled with a sequence of items."""
    words, _, joiner = format_spec.rpartition(" ")
    return (words in ("", "quoted") or words in WORDS) and (joiner in JOINERS or joiner == "choice")


def _word(value: object, table: str) -> str:
    return WORDS[table].get(str(value), str(value))


def _choice(items: list[str]) -> str:
    if len(items) > 6:
        return ", ".join(items[:6]) + ", ..."
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


class _Formatter(string.Formatter):
    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if str(value) == "1" else many
        if format_spec in WORDS:
            return _word(value, format_spec)
        if takes_sequence(format_spec):
            words, _, joiner = format_spec.rpartition(" ")
            items = [repr(str(v)) if words == "quoted" else _word(v, words) if words else str(v)
                     for v in value]  # type: ignore[attr-defined]
            return _choice(items) if joiner == "choice" else JOINERS[joiner].join(items)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def placeholders(template: str | None) -> frozenset[str]:
    """The names of the values a template is filled with."""
    if template is None:
        return frozenset()
    names = set()
    for _, field, spec, _ in _FORMATTER.parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
        if spec and "{" in spec:
            names |= placeholders(spec)
    return frozenset(names)


def fill(template: str, values: dict[str, object]) -> str:
    """The template with its placeholders filled; values it does not name are ignored."""
    return _FORMATTER.vformat(template, (), values)


@dataclass(frozen=True)
class ErrorCode:
    """A kind of mistake: its code and the one-line title `docs/errors.md` heads it with."""

    code: str
    title: str


@dataclass(frozen=True)
class Message:
    """One diagnostic's text and hint, under an error code."""

    error: ErrorCode
    text: str
    hint: str | None = None

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def title(self) -> str:
        return self.error.title

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders(self.text) | placeholders(self.hint)

    def format(self, **values: object) -> tuple[str, str | None]:
        text = fill(self.text, values)
        hint = fill(self.hint, values) if self.hint else None
        return text, hint


@dataclass(frozen=True)
class Text:
    """Text outside a diagnostic's message: a line the command line prints, a piece of source a hint shows."""

    text: str

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders(self.text)

    def format(self, **values: object) -> str:
        return fill(self.text, values)


def templates_of(namespace: type, kind: type = Message) -> dict[str, object]:
    """name -> template, for a class of templates and the classes it gathers them from."""
    out: dict[str, object] = {}
    for cls in reversed(namespace.__mro__):
        out.update({k: v for k, v in vars(cls).items() if isinstance(v, kind)})
    return out

