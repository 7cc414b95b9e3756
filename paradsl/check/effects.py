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
    """`defs` with `stochastic` set on each para that uses a stochastic one; callees come first.
    Paras are told apart by file and name: two files may each declare a `Linear`."""
    out: dict[tuple[str, str], ir.ParaDef] = {}
    for d in defs:
        callees = (out.get((u.callee_file or d.file, u.callee)) for u in d.uses)
        if not d.stochastic and any(c is not None and c.stochastic for c in callees):
            d = replace(d, stochastic=True)
        out[(d.file, d.name)] = d
    return tuple(out.values())
