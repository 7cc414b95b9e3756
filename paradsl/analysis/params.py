"""Parameter spaces: |P| before ties and |Q| after, leaf by leaf.

A para's P is every leaf its `params` clauses declare, its own and its uses', all the way
down: the parameter space of the untied composite. Its Q is what the module stores: the
leaves no tie computes, plus the free parameters that `f via r` introduces. Counts are
size polynomials in the para's hyperparameters (and in an index set's size, for a leaf a
2-cell builds over it); `evaluate` gives numbers.

    report = paradsl.params("model.para", "TiedAutoencoder")
    report.Q.evaluate({"d": 8, "k": 4})
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .. import api, ir
from ..types import FixedAxis, IndexSetAxis, MetaAxis, Poly, TensorType
from ..types.sizes import poly_sum

#: free: a stored leaf of P; via: a stored leaf Q that a 2-cell introduced (not in P);
#: tied: a leaf of P computed by a tie; abstract: declared `~ via`, given by the para's user.
STATUSES = ("free", "via", "tied", "abstract")


@dataclass(frozen=True)
class LeafRow:
    path: str
    type: TensorType
    count: Poly
    status: str
    tie: str | None = None  # the tie that computes it, as written
    via: bool = False  # introduced by `f via r`: a parameter of the 2-cell, not of f

    @property
    def in_P(self) -> bool:
        return not self.via

    @property
    def in_Q(self) -> bool:
        return self.status in ("free", "via")


@dataclass(frozen=True)
class ParamReport:
    para: str
    signature: str
    rows: tuple[LeafRow, ...]

    @property
    def P(self) -> Poly:
        return poly_sum(r.count for r in self.rows if r.in_P)

    @property
    def Q(self) -> Poly:
        return poly_sum(r.count for r in self.rows if r.in_Q)

    def variables(self) -> list[str]:
        return sorted({v for r in self.rows for v in r.count.variables()})

    def format(self, sizes: dict[str, int] | None = None) -> str:
        """The report as a table; with `sizes`, numbers beside the polynomials."""
        sizes = sizes or {}
        known = all(v in sizes for v in self.variables())

        def num(p: Poly) -> str:
            return str(p.evaluate(sizes)) if known else ""

        head = ["leaf", "type", "count", "|P|", "|Q|", "status"]
        body = []
        for r in self.rows:
            status = r.status if r.tie is None else f"tied: {r.tie}"
            body.append([r.path, str(r.type), str(r.count), num(r.count) if r.in_P else "-",
                         num(r.count) if r.in_Q else "-", status])
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        lines = [self.signature]
        for row in [head] + body:
            lines.append("  " + "  ".join(c.ljust(w) if i in (0, 1, 2, 5) else c.rjust(w)
                                          for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        p, q = self.P, self.Q
        lines.append(f"  |P| = {p}" + (f" = {p.evaluate(sizes)}" if known and not p.is_const else "")
                     + "  (before ties)")
        lines.append(f"  |Q| = {q}" + (f" = {q.evaluate(sizes)}" if known and not q.is_const else "")
                     + "  (free, stored in the module)")
        if not known:
            missing = [v for v in self.variables() if v not in sizes]
            lines.append("  give " + ", ".join(f"{v}=..." for v in missing) + " for numbers")
        return "\n".join(lines)


def report(program: ir.Program, name: str) -> ParamReport:
    root = program.get(name)
    rows: list[LeafRow] = []
    parents: dict[tuple[str, ...], ir.Reached] = {}
    # A leaf tied from above: a tie of a para on a leaf of one of its uses, keyed by the
    # leaf's path from the root. The walk reaches every para after the paras above it.
    above: dict[tuple[str, ...], str] = {}
    # Under a repeat of n copies, each leaf is n leaves: stacked (its type gains a leading
    # axis n, all free) or shared (one free, n - 1 tied to it: the copy 2-cell).
    stacked: dict[tuple[str, ...], tuple[Poly, ...]] = {(): ()}
    shared: dict[tuple[str, ...], tuple[str, Poly] | None] = {(): None}
    for at in ir.walk(program, name):
        d, prefix = at.para, at.path
        if prefix:
            parent = prefix[:-1]
            stack, share = stacked[parent], shared[parent]
            if at.use is not None and at.use.repeat is not None:
                outer = parents[parent]
                n = at.use.repeat.substitute(outer.sizes)
                if at.use.shared:
                    share = share or (".".join(prefix), n)
                else:
                    stack = stack + (n,)
            stacked[prefix], shared[prefix] = stack, share
        parents[prefix] = at
        inside = ".".join(prefix) + ": " if prefix else ""  # a tie of a use's own, seen from the root
        here = {t: inside + tie.source for tie in d.ties for t in tie.targets}
        for p in d.params:
            path = prefix + (p.name,)
            tie = above.get(path) or here.get((p.name,))
            if tie is not None:
                status = "tied"
            elif p.abstract:
                status = "abstract"
            else:
                status = "via" if p.via is not None else "free"
            t = at.type(p.type)
            if stacked[prefix]:
                t = replace(t, axes=tuple(FixedAxis(n) for n in stacked[prefix]) + t.axes)
            rows.append(LeafRow(".".join(path), t, _count(t), status, tie, via=p.via is not None))
            if shared[prefix] is not None and status in ("free", "via"):
                copies, n = shared[prefix]
                rows.append(LeafRow(".".join(path) + "[1:]", t, _count(t) * (n - Poly.const(1)), "tied",
                                    f"copy 2-cell: {copies}[i] = {copies}[0], 0 < i < {n}", via=p.via is not None))
        uses = {u.name for u in d.uses}
        for target, tie in here.items():
            if target[0] in uses:
                above[prefix + target] = tie
    return ParamReport(name, root.signature(), tuple(rows))


def params(path: str | Path, name: str) -> ParamReport:
    """The parameter report of the para `name` in a `.para` file."""
    return report(api.check_file(path, also=(name,)), name)


def _count(t: TensorType) -> Poly:
    out = Poly.const(1)
    for a in t.axes:
        if isinstance(a, FixedAxis):
            out = out * a.size
        elif isinstance(a, IndexSetAxis):
            out = out * Poly.var(a.name)
        elif isinstance(a, MetaAxis):  # pragma: no cover - the checker solves every axis
            out = out * Poly.var(str(a))
    return out
