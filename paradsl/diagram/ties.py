"""Ties and reparameterisations as 2-cells on the parameter wires. Above a para's diagram,
one row per use (or own parameter) that ties compute leaves of: a 2-cell box, named by the
reparam or builtin that computes them (`copy` for `tie l2.W = l1.W`), whose wires come in
from the parameters it reads (a use's parameter box, or an own parameter of the para, such
as the free Q that `f via r` introduces, drawn in a row of its own at the top) and whose
wire goes down into the use whose leaves it computes."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from .geometry import (
    TEXT_H,
    Block,
    Box,
    BoxKind,
    Label,
    Point,
    Rect,
    Wire,
    WireKind,
    merge,
    text_width,
)
from .labels import Sizes, leaves_text, term_text
from .parts import TAG_H

LANE_GAP = 12.0  # a lane's turn before the 2-cell's input port
LANE_H = TEXT_H + 4  # a lane and its label: one per parameter a 2-cell reads
TAG_ROW = TAG_H + 2 * TEXT_H + 8  # the row of own parameters at the top


def tie_heads(para: ir.ParaDef) -> set[str]:
    """The uses and own parameters whose leaves a tie of `para` computes."""
    return {t[0] for tie in para.ties for t in tie.targets}


def _sources(tie: ir.Tie) -> list[ir.Term]:
    """The parameters a tie's value reads: leaves of uses and own parameters."""
    return [n for n in ir.nodes(tie.value) if isinstance(n, (ir.LeafRef, ir.ParamRef))]


def _head(t: ir.Term) -> str:
    return t.path[0] if isinstance(t, ir.LeafRef) else t.name  # type: ignore[attr-defined]


def _cell(para: ir.ParaDef, tie: ir.Tie) -> str:
    """What computes a tie's leaves: the reparam it applies, the builtin, or a copy."""
    v = tie.value
    if isinstance(v, (ir.LeafRef, ir.ParamRef)):
        return "copy"
    if isinstance(v, ir.Apply) and isinstance(v.fn, ir.UseRef):
        use = next((u for u in para.uses if u.name == v.fn.name), None)
        return use.callee if use is not None else v.fn.name
    if isinstance(v, ir.Builtin):
        return v.name
    return term_text(v)


@dataclass(frozen=True)
class _Group:
    head: str
    ties: tuple[ir.Tie, ...]

    def label(self, para: ir.ParaDef) -> str:
        cells = list(dict.fromkeys(_cell(para, t) for t in self.ties))
        return ", ".join(cells) + (f" ×{len(self.ties)}" if len(self.ties) > 1 else "")

    def sources(self) -> dict[str, list[ir.Term]]:
        out: dict[str, list[ir.Term]] = {}
        for t in self.ties:
            for s in _sources(t):
                out.setdefault(_head(s), []).append(s)
        return out


def _groups(para: ir.ParaDef) -> list[_Group]:
    by: dict[str, list[ir.Tie]] = {}
    for tie in para.ties:
        by.setdefault(tie.targets[0][0], []).append(tie)
    return [_Group(h, tuple(ts)) for h, ts in by.items()]


def _target_leaves(sizes: Sizes, at: ir.Reached, g: _Group) -> list[tuple[str, str]]:
    out = []
    for tie in g.ties:
        types = tie.value.type.items if len(tie.targets) > 1 else (tie.value.type,)  # type: ignore[union-attr]
        out += [(".".join(path), sizes.type(at.type(t))) for path, t in zip(tie.targets, types)]
    return out


def _read_text(sizes: Sizes, at: ir.Reached, terms: list[ir.Term]) -> str:
    """What a wire into a 2-cell carries: the leaves it reads, with their types."""
    return leaves_text([(term_text(t), sizes.type(at.type(t.type))) for t in dict.fromkeys(terms)])


def with_ties(sizes: Sizes, at: ir.Reached, body: Block) -> Block:
    """`body`, the diagram of the para at `at`, with its ties drawn above it as 2-cells."""
    groups = _groups(at.para)
    if not groups:
        return body
    missing = [h for g in groups for h in g.sources() if h not in body.sources]
    missing = list(dict.fromkeys(missing))
    top = TAG_ROW if missing else 0.0
    rows: list[tuple[float, _Group, float, float]] = []  # (row top, group, cell width, cell height)
    y = top
    for g in groups:
        w = text_width(g.label(at.para)) + 16
        h = max(22.0, len(g.sources()) * 18.0 + 4)
        rows.append((y, g, w, h))
        y += len(g.sources()) * LANE_H + 8 + h + TEXT_H + 8
    band = y
    placed = body.shifted(0, band)
    boxes: list[Box] = []
    wires: list[Wire] = []
    sources: dict[str, Point] = dict(placed.sources)
    x = 0.0
    read = {h: _read_text(sizes, at, ts) for g in groups for h, ts in g.sources().items()}
    for h in missing:  # what only ties read (an own parameter, the Q of `f via r`): a box each, in a row
        tag_w = text_width(h) + 12
        boxes.append(Box(Rect(x, 0, tag_w, TAG_H), h, BoxKind.PARAM, ((x + tag_w / 2, TAG_H),)))
        sources[h] = (x + tag_w / 2, TAG_H)
        # Room for the label beside the wire down from it.
        x += max(tag_w, tag_w / 2 + 8 + text_width(read[h])) + 16
    free_x = max(placed.w, x)
    for row_top, g, w, h in rows:
        srcs = g.sources()
        cell_top = row_top + len(srcs) * LANE_H + 8
        target = placed.tied.get(g.head)
        if target is None:  # an own parameter of the para, or a use not drawn: a box for it
            tag_w = text_width(g.head) + 12
            tx = free_x + 30 + max(w, tag_w) / 2
            tag_y = cell_top + h + TEXT_H + 6
            boxes.append(Box(Rect(tx - tag_w / 2, tag_y, tag_w, TAG_H), g.head, BoxKind.PARAM, ((tx, tag_y),)))
            target = (tx, tag_y)
            free_x = tx + max(w, tag_w) / 2
        tx = target[0]
        cx = tx - w / 2
        ports = [(cx, cell_top + h * (i + 0.5) / len(srcs)) for i in range(len(srcs))]
        out_port = (tx, cell_top + h)
        boxes.append(Box(Rect(cx, cell_top, w, h), g.label(at.para), BoxKind.CELL, tuple(ports) + (out_port,)))
        out_label = Label.at(tx + 4, cell_top + h + 2, leaves_text(_target_leaves(sizes, at, g)))
        wires.append(Wire((out_port, target), out_label, WireKind.PARAM))
        for k, ((head, terms), port) in enumerate(zip(srcs.items(), ports)):
            # Each parameter read on a lane of its own; the first, highest, turns down outermost.
            lane = row_top + (k + 1) * LANE_H
            sx, sy = sources[head]
            turn = cx - LANE_GAP * (len(srcs) - k)
            text = _read_text(sizes, at, terms)
            if sy < lane:  # from a box above: beside the wire, just below the box
                label = Label.at(sx + 4, sy + 2, text)
            else:  # from below: on the lane, beside the wire's turn rather than across it
                label = Label.at(sx + 4 if sx <= turn else sx - 4 - text_width(text), lane - TEXT_H - 1, text)
            wires.append(Wire(((sx, sy), (sx, lane), (turn, lane), (turn, port[1]), port), label, WireKind.PARAM))
    out = merge(max(placed.w, free_x), band + placed.h, [placed], placed.ins, placed.outs,
                boxes=tuple(boxes), wires=tuple(wires))
    return _fit(out, sources)


def _fit(b: Block, sources: dict[str, Point]) -> Block:
    """Shifted right so that nothing lies left of 0, and as wide as what it holds."""
    xs = ([r.rect.x for r in b.boxes] + [w.label.rect.x for w in b.wires if w.label is not None]
          + [p[0] for w in b.wires for p in w.points])
    right = ([r.rect.x + r.rect.w for r in b.boxes] + [p[0] for w in b.wires for p in w.points]
             + [w.label.rect.x + w.label.rect.w for w in b.wires if w.label is not None])
    dx = max(0.0, -min(xs, default=0.0))
    w = max(b.w, max(right, default=0.0)) + dx
    return Block(w, b.h, b.ins, b.outs, b.boxes, b.frames, b.wires, b.labels, sources, b.tied).shifted(dx, 0)
