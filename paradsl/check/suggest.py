"""Hints for a name nothing declares: a close spelling in scope, or the standard library
module that exports it."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Iterable

from .. import _resources
from ..diagnostics import DiagnosticSink, Message, Msg, Span
from ..syntax import ast, parse


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is close enough to be a slip of the keyboard."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


@cache
def stdlib_exports() -> dict[str, str]:
    """name -> the standard library module that declares it (`Linear` -> `nn`), for the
    hint on a name used without its `import`. The first module in name order wins."""
    out: dict[str, str] = {}
    for path in sorted(_resources.stdlib_dir().glob("*.para")):
        module = parse(path.read_text(encoding="utf-8"), str(path), DiagnosticSink())
        for decl in module.decls if module is not None else ():
            if isinstance(decl, (ast.ParaDecl, ast.FunctorDecl, ast.SemiringDecl)):
                out.setdefault(decl.name.name, path.stem)
    return out


def unknown_name(sink: DiagnosticSink, span: Span, name: str, candidates: Iterable[str],
                 otherwise: Message = Msg.UNKNOWN_NAME_NOT_CLOSE, **values: object) -> None:
    """Report `name` as unknown with the best hint there is: the `import` that would declare
    it, else a close name in scope, else the hint of `otherwise`."""
    module = stdlib_exports().get(name)
    if module is not None:
        sink.error(Msg.UNKNOWN_NAME_IMPORT, span, name=name, module=module)
        return
    close = closest(name, candidates)
    if close:
        sink.error(Msg.UNKNOWN_NAME_CLOSE, span, name=name, close=close)
    else:
        sink.error(otherwise, span, name=name, **values)
