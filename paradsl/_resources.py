"""Where the grammar and the standard library live: inside the installed package, or in
the source checkout (`grammar/`, `stdlib/`) when running from one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def _find(package: str, folder: str) -> Path:
    try:
        from importlib.resources import files

        path = Path(str(files(package)))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return _ROOT.parent / folder


@cache
def grammar_path() -> Path:
    return _find("paradsl.grammar", "grammar") / "para.lark"


@cache
def stdlib_dir() -> Path:
    return _find("paradsl.stdlib", "stdlib")
