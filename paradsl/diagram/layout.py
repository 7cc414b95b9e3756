"""A para's string diagram laid out from its typed IR, following the term: `f >> g` left to
right, `f * g` stacked, `f & g` a copy then stacked, each use a box with its parameters
entering from above (or, within `depth`, a frame around the use's own diagram), a fold or a
machine its cell with the carrier's loop, a lambda one box with its text. The ties of each
para drawn are added above it by `ties.with_ties`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir
from ..types import Type
from .geometry import Block, BoxKind, Port
from .labels import Sizes, leaves_text, map_text, wires_of
from .parts import Tag, box_block, fanout, frame, sequence, stack
from .ties import tie_heads, with_ties


@dataclass(frozen=True)
class Scope:
    """What every step of a layout reads: the program's tree of uses, the sizes given, and
    how many levels of nested paras are drawn expanded."""

    tree: ir.UseTree
    sizes: Sizes
    depth: int

    def type(self, at: ir.Reached, t: Type) -> str:
        return self.sizes.type(at.type(t))

    def wires(self, at: ir.Reached, t: Type) -> list[str]:
        return [self.type(at, w) for w in wires_of(t)]

    def callee(self, at: ir.Reached, use: ir.Use) -> ir.ParaDef | None:
        return self.tree.defs.get((use.callee_file or at.para.file, use.callee))

    def leaves(self, at: ir.Reached, use: ir.Use, tied: set[tuple[str, ...]]) -> list[tuple[str, str]]:
        """The leaves of a use below `at` that no tie of `at` computes: (path, type) pairs
        from the use down, in the types of the diagram's root."""
        reached = self.tree.enter(at, use.name)
        if reached is None:
            return []
        out = []
        for r in _walk(self.tree, reached):
            for p in r.para.params:
                path = r.path[len(at.path):] + (p.name,)
                if path not in tied and not p.abstract:
                    out.append((".".join(path[1:]), self.sizes.type(r.type(p.type))))
        return out


def _walk(tree: ir.UseTree, at: ir.Reached):
    yield at
    for u in at.para.uses:
        below = tree.enter(at, u.name)
        if below is not None:
            yield from _walk(tree, below)


def para_block(scope: Scope, at: ir.Reached, level: int) -> Block:
    """The diagram of the para at `at`, expanded (its body and its ties) when `level` is
    within the depth, else one box."""
    p = at.para
    if p.is_algebra and p.shape is not None:
        return _algebra(scope, at, p.shape)
    if p.is_reparam:
        return box_block(p.name, BoxKind.CELL, scope.wires(at, p.type.dom), scope.wires(at, p.type.cod))
    if level > scope.depth:
        leaves = [(f"{r.para.name}.{q.name}", scope.type(r, q.type)) for r in _walk(scope.tree, at)
                  for q in r.para.params]
        tag = Tag("P", leaves_text(leaves)) if leaves else None
        return box_block(p.name, BoxKind.USE, scope.wires(at, p.type.dom), scope.wires(at, p.type.cod), tag=tag)
    body = map_block(scope, at, p.body, level)
    return with_ties(scope.sizes, at, body)


def _algebra(scope: Scope, at: ir.Reached, shape: ir.AlgebraShape) -> Block:
    """An algebra, machine or monoid drawn alone: its cell, with the carrier's loop."""
    carrier = scope.type(at, shape.carrier)
    monoid = shape.kind in (ir.ShapeKind.MONOID, ir.ShapeKind.COMMUTATIVE_MONOID)
    ins = [carrier, carrier] if monoid else ([] if shape.elem is None else scope.wires(at, shape.elem))
    outs = [carrier] if shape.out is None else scope.wires(at, shape.out)
    cases = ", ".join(c.name for c in shape.constructors)
    own = [(q.name, scope.type(at, q.type)) for q in at.para.params]
    tag = Tag("P", leaves_text(own)) if own else None
    return box_block(at.para.name, BoxKind.FOLD, ins, outs, note=f"{shape.kind}: {cases}", tag=tag,
                     loop=None if monoid else carrier)


def map_block(scope: Scope, at: ir.Reached, m: ir.MapTerm, level: int) -> Block:
    """The diagram of a map term of the para at `at`."""
    if isinstance(m, ir.Compose):
        return sequence([map_block(scope, at, m.first, level), map_block(scope, at, m.second, level)])
    if isinstance(m, ir.Parallel):
        return stack([map_block(scope, at, m.left, level), map_block(scope, at, m.right, level)])
    if isinstance(m, ir.Fanout):
        parts = [map_block(scope, at, m.left, level), map_block(scope, at, m.right, level)]
        return fanout(parts, scope.wires(at, m.type.dom))
    ins, outs = scope.wires(at, m.type.dom), scope.wires(at, m.type.cod)
    if isinstance(m, ir.PrimMap):
        return box_block(m.op, BoxKind.PRIM, ins, outs)
    if isinstance(m, ir.LambdaT):
        return _lambda(scope, at, m, ins, outs)
    if isinstance(m, ir.UseRef):
        return _use(scope, at, m, level, ins, outs)
    if isinstance(m, ir.Fold):
        return _fold(scope, at, m, ins, outs)
    if isinstance(m, ir.MapOver):
        inner = map_block(scope, at, m.fn, level)
        return _relabelled(frame(inner, f"map over {scope.sizes.axis(at.axis(m.axis))}"), ins, outs)
    if isinstance(m, ir.Iterate):
        inner = map_block(scope, at, m.fn, level)
        count = "until converged, at most " if m.until else "×"
        title = f"iterate {count}{scope.sizes.poly(m.count.substitute(at.sizes))}"
        return _relabelled(frame(inner, title, loop=scope.type(at, m.fn.type.cod)), ins, outs)
    raise TypeError(f"not a map term: {m!r}")  # pragma: no cover


def _relabelled(b: Block, ins: list[str], outs: list[str]) -> Block:
    """A frame's ports, typed as the wires outside it are (a map over t: with t's axis)."""
    new_ins = tuple(Port(p.at, t) for p, t in zip(b.ins, ins)) if len(ins) == len(b.ins) else b.ins
    new_outs = tuple(Port(p.at, t) for p, t in zip(b.outs, outs)) if len(outs) == len(b.outs) else b.outs
    return replace(b, ins=new_ins, outs=new_outs)


def _lambda(scope: Scope, at: ir.Reached, m: ir.LambdaT, ins: list[str], outs: list[str]) -> Block:
    """A lambda: one box with its text; the own parameters it reads and the uses it applies
    enter from a parameter box above it."""
    found = list(ir.nodes(m.body))
    own = {q.name: q for q in at.para.params}
    read = list(dict.fromkeys(n.name for n in found if isinstance(n, ir.ParamRef) and n.name in own))
    uses = {u.name: u for u in at.para.uses}
    applied = list(dict.fromkeys(n.name for n in found if isinstance(n, ir.UseRef) and n.name in uses))
    names = read + applied
    if not names:
        return box_block(map_text(m), BoxKind.LAMBDA, ins, outs)
    tied = at.para.tied()
    leaves = [(n, scope.type(at, own[n].type)) for n in read if (n,) not in tied]
    for n in applied:
        leaves += [(f"{n}.{k}", t) for k, t in scope.leaves(at, uses[n], tied)]
    heads = tie_heads(at.para)
    label = ", ".join(names)
    # Any of the names is the source a tie reads, and its target if a tie computes it.
    block = box_block(map_text(m), BoxKind.LAMBDA, ins, outs, name=names[0], tag=Tag(label, leaves_text(leaves)),
                      tied=any(n in heads for n in names))
    source = block.sources.get(names[0])
    target = block.tied.get(names[0])
    return replace(block, sources={n: source for n in names if source is not None},
                   tied={n: target for n in names if target is not None and n in heads})


def _use_label(use: ir.Use) -> str:
    count = f" ×{use.repeat}" if use.repeat is not None else ""
    shared = " shared" if use.shared else ""
    return (use.callee if use.anonymous else f"{use.name}: {use.callee}") + count + shared


def _use(scope: Scope, at: ir.Reached, m: ir.UseRef, level: int, ins: list[str], outs: list[str]) -> Block:
    use = next(u for u in at.para.uses if u.name == m.name)
    callee = scope.callee(at, use)
    heads = tie_heads(at.para)
    tied = m.name in heads
    reached = scope.tree.enter(at, m.name, m.index_sets or None)
    if (reached is not None and level < scope.depth and callee is not None and not callee.is_algebra
            and use.repeat is None):
        inner = para_block(scope, reached, level + 1)
        return _relabelled(frame(inner, _use_label(use), name=m.name, tied=tied), ins, outs)
    leaves = scope.leaves(at, use, at.para.tied())
    tag = Tag(m.name, leaves_text(leaves)) if leaves else None
    kind = BoxKind.CELL if callee is not None and callee.is_reparam else BoxKind.USE
    return box_block(_use_label(use), kind, ins, outs, name=m.name, tag=tag, tied=tied)


def _fold(scope: Scope, at: ir.Reached, m: ir.Fold, ins: list[str], outs: list[str]) -> Block:
    """A recursion scheme: the cell's box, named with the scheme and its index set, and the
    carrier fed back round it."""
    use = next(u for u in at.para.uses if u.name == m.use)
    callee = scope.callee(at, use)
    reached = scope.tree.enter(at, m.use, m.index_sets or None)
    carrier = None
    if callee is not None and callee.shape is not None and reached is not None:
        carrier = scope.type(reached, callee.shape.carrier)
    mode = "" if m.mode == m.scheme else f"[{m.mode}{', masked' if m.masked else ''}]"
    note = f"{m.scheme}{mode} over {scope.sizes.axis(at.axis(m.axis))}"
    leaves = scope.leaves(at, use, at.para.tied())
    tag = Tag(m.use, leaves_text(leaves)) if leaves else None
    return box_block(_use_label(use), BoxKind.FOLD, ins, outs, name=m.use, note=note, tag=tag,
                     tied=m.use in tie_heads(at.para), loop=carrier)
