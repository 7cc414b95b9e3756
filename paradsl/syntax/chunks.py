"""Where a top-level declaration starts in a source text: the chunks the parser splits a
file into after a syntax error, so that each declaration is parsed, and reported, alone."""

from __future__ import annotations

import re

#: Keywords that start a top-level declaration; a line starting with one begins a new chunk
#: for error recovery.
DECL_KEYWORDS = ("para", "reparam", "import", "semiring", "functor", "algebra", "coalgebra", "mealy", "moore", "monoid",
                 "commutative", "task", "experiment")
DECL_START = re.compile(r"^(?:{})\b".format("|".join(DECL_KEYWORDS)), re.MULTILINE)
#: The name a chunk declares, for the declarations that did not parse.
DECL_NAME = re.compile(r"^(?:commutative\s+monoid|{})\s+([A-Za-z_][\w']*)".format("|".join(DECL_KEYWORDS)),
                       re.MULTILINE)


def is_task_clause(text: str, start: int) -> bool:
    """Whether a line starting `task` is an experiment's clause, not a declaration: it
    follows an `experiment` and, unlike a task's signature, has no `:` on its line."""
    line = re.sub(r"--[^\n]*", "", text[start:text.find("\n", start) if "\n" in text[start:] else len(text)])
    if not line.startswith("task") or ":" in line:
        return False
    before = [m.group(0) for m in DECL_START.finditer(text, 0, start)]
    return any(w == "experiment" for w in before[-1:]) or (bool(before) and before[-1] == "task"
                                                          and _last_experiment_task(text, start))


def _last_experiment_task(text: str, start: int) -> bool:
    """Whether the nearest declaration start before `start` other than `task` clause lines is
    an `experiment`."""
    for m in reversed(list(DECL_START.finditer(text, 0, start))):
        if m.group(0) == "experiment":
            return True
        if m.group(0) != "task" or not is_task_clause(text, m.start()):
            return False
    return False
