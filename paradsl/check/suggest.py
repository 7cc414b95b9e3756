"""'did you mean' hints."""

from __future__ import annotations

import difflib
from typing import Iterable

from ..diagnostics.messages_names import DID_YOU_MEAN


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is close enough to be a slip of the keyboard."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = closest(name, candidates)
    return DID_YOU_MEAN.format(close=close) if close else ""
