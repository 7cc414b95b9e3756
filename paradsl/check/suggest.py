"""'did you mean' hints."""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""
