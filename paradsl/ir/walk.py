"""The tree of uses below a para: each para reached, where, and at what sizes.

A para's uses are instances of other paras, whose uses are instances again: a tree whose
root is the para and whose nodes are named by their path of use names (`("l2", "ff")`).
Each node's sizes are its hyperparameters as polynomials in the root's, and each of its
index sets is an axis of the root (an index set of the root, or a fixed size), so that a
type inside any node reads in the root's terms (`Reached.type`).

    for r in walk(program, "TiedAutoencoder"):
        print(".".join(r.path), r.para.name, r.sizes)

A reparam runs only inside ties and holds no parameters of its own, so the walk does not
enter one; nor a use whose para the program lacks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..types import Axis, FixedAxis, IndexSetAxis, Poly, Type
from ..types.unify import substitute_type
from .nodes import ParaDef, Program, Use


@dataclass(frozen=True, eq=False)
class Reached:
    """A para at a node of the tree of uses: `path` is the use names from the root (empty for
    the root itself), `use` the use that reached it; `sizes` gives its hyperparameters as
    polynomials in the root's (those a use passes as sizes), `index_sets` its index sets as
    the root's axes (those the use fixes)."""

    para: ParaDef
    path: tuple[str, ...] = ()
    use: Use | None = None
    sizes: Mapping[str, Poly] = field(default_factory=dict)
    index_sets: Mapping[str, Axis] = field(default_factory=dict)

    def axis(self, a: Axis) -> Axis:
        """An axis of this para, in the root's terms."""
        if isinstance(a, FixedAxis):
            return FixedAxis(a.size.substitute(self.sizes))
        if isinstance(a, IndexSetAxis):
            return self.index_sets.get(a.name, a)
        return a  # pragma: no cover - the checker solves every axis

    def size(self, a: Axis) -> Poly:
        """The number of elements along an axis of this para, in the root's terms; an index
        set of the root is its variable."""
        a = self.axis(a)
        if isinstance(a, FixedAxis):
            return a.size
        if isinstance(a, IndexSetAxis):
            return Poly.var(a.name)
        return Poly.const(1)  # pragma: no cover - the checker solves every axis

    def type(self, t: Type) -> Type:
        """A type of this para (a parameter's, a term's), in the root's terms."""
        return substitute_type(t, self.sizes, self.index_sets)


class UseTree:
    """The tree of uses of a program's paras; `walk` goes down it, `enter` one step."""

    def __init__(self, program: Program):
        # Paras are told apart by file and name; a bare name is the program's own file's first.
        self.defs = {(p.file, p.name): p for p in program.paras}
        self.named = {p.name: p for p in program.paras if p.file != program.file}
        self.named.update({p.name: p for p in program.paras if p.file == program.file})

    def root(self, name: str) -> Reached:
        return Reached(self.named[name])

    def enter(self, at: Reached, use_name: str,
              index_sets: tuple[tuple[str, Axis], ...] | None = None) -> Reached | None:
        """The para that the use `use_name` of `at` reaches, or None for a reparam. Its index
        sets are where `index_sets` (a reference's, `UseRef.index_sets`) puts them, or by
        default where the use's declaration fixes them (`Use.index_sets`, where ties do);
        an index set fixed by neither keeps its own name."""
        use = next(u for u in at.para.uses if u.name == use_name)
        callee = self.defs.get((use.callee_file or at.para.file, use.callee))
        if callee is None or callee.is_reparam:
            return None
        sizes = {h.name: a.poly.substitute(at.sizes) for h, a in zip(callee.hypers, use.args) if a.poly is not None}
        pinned = use.index_sets if index_sets is None else index_sets
        sets = {n: at.axis(a) for n, a in pinned}
        return Reached(callee, at.path + (use.name,), use, sizes, sets)

    def walk(self, name: str) -> Iterator[Reached]:
        """Every para below `name`, `name` first, depth first, each para's uses in the order
        it declares them."""
        stack = [self.root(name)]
        while stack:
            at = stack.pop()
            yield at
            below = (self.enter(at, u.name) for u in at.para.uses)
            stack.extend(reversed([r for r in below if r is not None]))


def walk(program: Program, name: str) -> Iterator[Reached]:
    """Every para reached from the para `name` through its uses, with its path and sizes,
    `name` first, depth first, in declaration order."""
    return UseTree(program).walk(name)
