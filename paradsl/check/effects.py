"""Effects of checked paras: which ones draw random numbers.

The checker marks a para whose own body uses `dropout` or `sample`; this pass, run over a
program's paras in dependency order, marks every para that uses a marked one, so the
lowering threads a key through exactly the paras that need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .. import ir


def mark_stochastic(defs: Iterable[ir.ParaDef]) -> tuple[ir.ParaDef, ...]:
    """`defs` with `stochastic` set on each para that uses a stochastic one; callees come first."""
    out: dict[str, ir.ParaDef] = {}
    for d in defs:
        if not d.stochastic and any(out[u.callee].stochastic for u in d.uses if u.callee in out):
            d = replace(d, stochastic=True)
        out[d.name] = d
    return tuple(out.values())
