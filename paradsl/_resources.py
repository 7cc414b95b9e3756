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


def stdlib_module(file: str) -> str | None:
    """The module a stdlib file is compiled to (`stdlib/nn.para` is `paradsl.stdlib.nn`),
    or None for a file outside the stdlib. `file` is a path as the loader names it."""
    path = Path(file)
    try:
        rel = path.resolve().relative_to(stdlib_dir().resolve())
    except (ValueError, OSError):
        return None
    if path.suffix != ".para" or not path.is_file():
        return None
    return ".".join(("paradsl", "stdlib", *rel.with_suffix("").parts))


def stdlib_source_name(file: str) -> str:
    """How a compiled module names its source: `stdlib/nn.para` for a stdlib file wherever it
    lies and whatever the current directory, else the name as given."""
    module = stdlib_module(file)
    if module is None:
        return file
    return "/".join(("stdlib", *module.split(".")[2:])) + ".para"
