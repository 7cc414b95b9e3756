"""'did you mean' hints."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is close enough to be a slip of the keyboard."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None

