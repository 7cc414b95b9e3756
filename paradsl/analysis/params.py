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

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import islice
from pathlib import Path

from .. import api, ir
from ..types import FixedAxis, IndexSetAxis, MetaAxis, Poly, TensorType
from ..types.sizes import poly_sum

#: free: a stored leaf of P; via: a stored leaf Q that a 2-cell introduced (not in P);
#: tied: a leaf of P computed by a tie; abstract: declared `~ via`, given by the para's user.
STATUSES = ("free", "via", "tied", "abstract")
#: The most leaves the table lists; past them it says how many more there are.
MAX_ROWS = 64


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
    tree: "_Node"

    @cached_property
    def _totals(self) -> tuple[Poly, Poly, int]:
        return _totals(self.tree, {})

    @cached_property
    def rows(self) -> tuple[LeafRow, ...]:
        """Every leaf, depth first: as many as the para has leaves (2^n for a para that
        doubles n times), so the totals and the table read the shared tree instead."""
        return tuple(self.tree.expand())

    @property
    def leaves(self) -> int:
        return self._totals[2]

    @property
    def P(self) -> Poly:
        return self._totals[0]

    @property
    def Q(self) -> Poly:
        return self._totals[1]

    def variables(self) -> list[str]:
        return sorted(self.P.variables() | self.Q.variables() | _row_variables(self.tree, {}))

    def format(self, sizes: dict[str, int] | None = None) -> str:
        """The report as a table; with `sizes`, numbers beside the polynomials."""
        sizes = sizes or {}
        known = all(v in sizes for v in self.variables())

        def num(p: Poly) -> str:
            return str(p.evaluate(sizes)) if known else ""

        head = ["leaf", "type", "count", "|P|", "|Q|", "status"]
        body = []
        for r in islice(self.tree.expand(), MAX_ROWS):
            status = r.status if r.tie is None else f"tied: {r.tie}"
            body.append([r.path, str(r.type), str(r.count), num(r.count) if r.in_P else "-",
                         num(r.count) if r.in_Q else "-", status])
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        lines = [self.signature]
        for row in [head] + body:
            lines.append("  " + "  ".join(c.ljust(w) if i in (0, 1, 2, 5) else c.rjust(w)
                                          for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if self.leaves > MAX_ROWS:
            lines.append(f"  ... {self.leaves - MAX_ROWS:,} more leaves")
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
    """The parameter report of `name`: its tree of uses walked once per para at given sizes
    (and context), so a para used many times at the same sizes costs one walk (`_Node`)."""
    tree = ir.UseTree(program)
    root = tree.root(name)
    return ParamReport(name, program.get(name).signature(), _Builder(tree).node(root, (), None, ()))


@dataclass(frozen=True)
class _Tie:
    """What computes a leaf, relative to where it is stored: the tie `source` of the para
    `up` levels above the leaf's para, or (`copy`) the copy 2-cell of the repeat `up`
    levels above, of `source` copies."""

    up: int
    source: str
    copy: bool = False

    def text(self, prefix: tuple[str, ...]) -> str:
        owner = ".".join(prefix[:len(prefix) - self.up])
        if self.copy:
            return f"copy 2-cell: {owner}[i] = {owner}[0], 0 < i < {self.source}"
        return (owner + ": " if owner else "") + self.source

    def above(self) -> "_Tie":
        return replace(self, up=self.up + 1)


@dataclass(frozen=True)
class _Row:
    """A leaf of a `_Node`, its path relative to the node's para."""

    path: str
    type: TensorType
    count: Poly
    status: str
    tie: _Tie | None
    via: bool


@dataclass(frozen=True, eq=False)
class _Node:
    """A para at one place of the tree of uses: its own leaves, then each use's node. Uses
    of one para at the same sizes share a node, so the tree is stored as a DAG whose size is
    the number of distinct paras at distinct sizes, not of leaves."""

    rows: tuple[_Row, ...]
    uses: tuple[tuple[str, "_Node"], ...]

    def expand(self, prefix: tuple[str, ...] = ()) -> Iterator[LeafRow]:
        base = ".".join(prefix) + "." if prefix else ""
        for r in self.rows:
            yield LeafRow(base + r.path, r.type, r.count, r.status,
                          None if r.tie is None else r.tie.text(prefix), r.via)
        for use, node in self.uses:
            yield from node.expand(prefix + (use,))


def _totals(node: _Node, memo: dict[int, tuple[Poly, Poly, int]]) -> tuple[Poly, Poly, int]:
    """|P|, |Q| and the number of leaves below `node`, each distinct node counted once."""
    got = memo.get(id(node))
    if got is None:
        p = poly_sum(r.count for r in node.rows if not r.via)
        q = poly_sum(r.count for r in node.rows if r.status in ("free", "via"))
        n = len(node.rows)
        for _, child in node.uses:
            cp, cq, cn = _totals(child, memo)
            p, q, n = p + cp, q + cq, n + cn
        memo[id(node)] = got = (p, q, n)
    return got


class _Builder:
    """Builds the `_Node`s of a tree of uses, one per para at given sizes and context."""

    def __init__(self, tree: ir.UseTree):
        self.tree = tree
        self.memo: dict[tuple, _Node] = {}

    def node(self, at: ir.Reached, stacked: tuple[Poly, ...], shared: tuple[int, Poly] | None,
             above: tuple[tuple[tuple[str, ...], _Tie], ...]) -> _Node:
        """The node of `at`. Under a repeat of n copies each leaf is n leaves: `stacked` (its
        type gains leading axes, all free) or `shared` (one free, n - 1 tied to it: the copy
        2-cell of the repeat `shared[0]` levels up). `above` are the ties of paras above on
        leaves below, by their path from `at`."""
        d = at.para
        key = (d.file, d.name, tuple(sorted(at.sizes.items())), tuple(sorted(at.index_sets.items())),
               stacked, shared, above)
        got = self.memo.get(key)
        if got is not None:
            return got
        from_above = dict(above)
        here = {t: _Tie(0, tie.source) for tie in d.ties for t in tie.targets}
        rows: list[_Row] = []
        for p in d.params:
            tie = from_above.get((p.name,)) or here.get((p.name,))
            if tie is not None:
                status = "tied"
            elif p.abstract:
                status = "abstract"
            else:
                status = "via" if p.via is not None else "free"
            t = at.type(p.type)
            if stacked:
                t = replace(t, axes=tuple(FixedAxis(n) for n in stacked) + t.axes)
            rows.append(_Row(p.name, t, _count(t), status, tie, p.via is not None))
            if shared is not None:  # every leaf of P is there once per application
                up, n = shared
                rows.append(_Row(p.name + "[1:]", t, _count(t) * (n - Poly.const(1)), "tied",
                                 _Tie(up, str(n), copy=True), p.via is not None))
        uses = {u.name for u in d.uses}
        # A para's own tie on a leaf below wins over one from further up, as it is nearer.
        below = {**{t: tie for t, tie in from_above.items() if len(t) > 1},
                 **{t: tie for t, tie in here.items() if t[0] in uses}}
        children = []
        for u in d.uses:
            callee = self.tree.enter(at, u.name)
            if callee is None:
                continue
            stack, share = stacked, None if shared is None else (shared[0] + 1, shared[1])
            if u.repeat is not None:
                n = u.repeat.substitute(at.sizes)
                if u.shared:  # inside another shared repeat, each of its applications applies this n times
                    share = (0, n if share is None else share[1] * n)
                else:
                    stack = stack + (n,)
            into = tuple(sorted((t[1:], tie.above()) for t, tie in below.items() if t[0] == u.name))
            children.append((u.name, self.node(callee, stack, share, into)))
        node = _Node(tuple(rows), tuple(children))
        self.memo[key] = node
        return node


def params(path: str | Path, name: str) -> ParamReport:
    """The parameter report of the para `name` in a `.para` file."""
    return report(api.check_file(path, also=(name,)), name)


def _row_variables(node: _Node, memo: dict[int, set[str]]) -> set[str]:
    got = memo.get(id(node))
    if got is None:
        got = {v for r in node.rows for v in r.count.variables()}
        for _, child in node.uses:
            got |= _row_variables(child, memo)
        memo[id(node)] = got
    return got


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
