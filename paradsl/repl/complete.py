"""What tab completion offers: the names declared in the session and the values bound,
the builtins of the prelude, the standard library's modules and paras, the reserved words,
and the `:commands`."""

from __future__ import annotations

import re
from functools import cache

from .. import _resources, prelude
from .session import State, in_scope

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_']*\Z")


@cache
def stdlib_modules() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in _resources.stdlib_dir().glob("*.para")))


@cache
def _fixed_words() -> tuple[str, ...]:
    from ..syntax import reserved
    from ..syntax.parser import _lark

    builtins = {b.name for b in prelude.BUILTINS} | set(prelude.CONSTANTS) | set(prelude.SEMIRINGS)
    return tuple(sorted(builtins | {i.name for i in prelude.INITIALIZERS} | reserved.reserved_words(_lark())))


def candidates(state: State, before: str) -> tuple[str, list[str]]:
    """The word being typed at the end of `before`, and the words that complete it, the
    session's own names first."""
    from .commands import COMMANDS

    stripped = before.lstrip()
    if stripped.startswith(":") and " " not in stripped:
        return stripped, [":" + c for c in COMMANDS if (":" + c).startswith(stripped)]
    m = re.search(r"[A-Za-z_][A-Za-z0-9_']*\Z", before)
    word = m.group() if m else ""
    if re.match(r"\s*import\s+\S*\Z", before):
        return word, [w for w in stdlib_modules() if w.startswith(word)]
    declared = list(state.checked.decls) if state.checked else []
    names = list(dict.fromkeys([*declared, *(n for n, _ in state.values), *in_scope(state), *_fixed_words()]))
    return word, [n for n in names if n.startswith(word) and word]
