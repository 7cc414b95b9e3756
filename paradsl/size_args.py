"""Sizes given on a command line or at the REPL's prompt (`n=16 d=64`): parsed and checked
against the paras they are for. One rule for `para params/cost/laws` and `:params/:cost/:laws`;
each function returns the message that says what is wrong, for the caller to show."""

from __future__ import annotations

import re

from .diagnostics.messages_cli import CliText

_SIZE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_']*)\s*=\s*(-?[0-9]+)\s*")
#: A size is a tensor's extent, so below 2**63, the most an axis may have.
_SIZE_DIGITS = len(str(2**63))


def parse_sizes(items: list[str]) -> dict[str, int] | str:
    """`NAME=N` items as a dict, or the message where one is not that, is too large or names
    a size given before (the last would silently win). Plain ASCII digits only: `int()`
    would take `1_000` and other scripts' digits too."""
    out: dict[str, int] = {}
    for item in items:
        m = _SIZE.fullmatch(item)
        if m is None:
            return CliText.BAD_SIZE.format(item=item)
        name, value = m.group(1), m.group(2)
        digits = len(value.lstrip("-").lstrip("0"))
        if digits > _SIZE_DIGITS or (digits == _SIZE_DIGITS and abs(int(value)) >= 2**63):
            return CliText.SIZE_TOO_LARGE.format(name=name, digits=digits)
        if name in out:
            return CliText.SIZE_TWICE.format(name=name, first=out[name], second=int(value))
        out[name] = int(value)
    return out


def misfit(sizes: dict[str, int], paras: list, owner: str) -> str | None:
    """The message if a size given names no hyperparameter or index set of `paras`, or gives
    a Nat or an index set a negative value; None if all fit."""
    known: dict[str, bool] = {}  # name -> may be negative (an Int hyperparameter)
    for p in paras:
        known.update({n: False for n, _ in p.index_sets})
        known.update({h.name: h.kind == "Int" for h in p.hypers})
    for name, value in sizes.items():
        if name not in known:
            return CliText.SIZE_UNKNOWN.format(name=name, owner=owner, names=sorted(known)) if known else (
                CliText.SIZE_UNKNOWN_NONE.format(name=name, owner=owner))
        if value < 0 and not known[name]:
            return CliText.SIZE_NEGATIVE.format(name=name, value=value)
    return None
