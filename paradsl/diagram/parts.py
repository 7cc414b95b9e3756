"""The pieces of a diagram and the two ways of putting them together: a box with its ports
(and the parameter box above it, the carrier's loop below it), a frame around a nested
diagram, and `sequence` (left to right) and `stack` (one above another). Every wire is
made here, between two ports, with its type as its label."""

from __future__ import annotations

from dataclasses import dataclass

from .geometry import (
    TEXT_H,
    Block,
    Box,
    BoxKind,
    Frame,
    Label,
    Point,
    Port,
    Rect,
    Wire,
    WireKind,
    merge,
    text_width,
)

PORT_GAP = 26.0  # between two ports on one side of a box
BOX_H = 30.0  # the least height of a box
BOX_W = 44.0  # the least width of a box
TAG_H = 20.0  # a parameter box's height
TAG_GAP = 20.0  # between a parameter box and the box its wire enters
LOOP_DROP = 12.0  # how far below its box a carrier's loop runs
LOOP_OUT = 9.0  # how far beside its box the loop turns
STACK_GAP = 18.0  # between two stacked blocks
BEND = 14.0  # the run of a wire's bend into its port
FRAME_PAD = 10.0


@dataclass(frozen=True)
class Tag:
    """The parameter box above a box: its text, and the label of the wire down from it."""

    label: str
    wire: str


def box_block(label: str, kind: BoxKind, ins: list[str], outs: list[str], *, name: str | None = None,
              note: str = "", tag: Tag | None = None, tied: bool = False, loop: str | None = None) -> Block:
    """A box with an input port per type of `ins` on its left, an output port per type of
    `outs` on its right; a parameter box above it (`tag`), a port on its top for tied leaves
    (`tied`), and the carrier's loop from its right side round below it to its left (`loop`,
    the carrier's type). `name` is the use or parameter that ties may name."""
    margin = LOOP_OUT + 1 if loop is not None else 0.0
    slots = max(len(ins), len(outs), 1)
    data_h = max(BOX_H + (TEXT_H if note else 0), slots * PORT_GAP)
    box_h = data_h + (PORT_GAP if loop is not None else 0)
    box_w = max(BOX_W, max(text_width(label), text_width(note)) + 16)
    top = TAG_H + TAG_GAP if tag is not None else 0.0
    bx = margin
    boxes: list[Box] = []
    wires: list[Wire] = []
    tops: list[Point] = []
    right = bx + box_w + margin
    sources: dict[str, Point] = {}
    tied_at: dict[str, Point] = {}
    if tag is not None:
        tag_w = text_width(tag.label) + 12
        px = bx + 4 + tag_w / 2
        wire_label = Label.at(px + 4, TAG_H + 3, tag.wire)
        tx = wire_label.rect.x + wire_label.rect.w + 10
        box_w = max(box_w, tag_w + 8, (tx - bx + 10) if tied else 0)
        right = max(bx + box_w + margin, wire_label.rect.x + wire_label.rect.w + 2)
        tag_box = Box(Rect(bx + 4, 0, tag_w, TAG_H), tag.label, BoxKind.PARAM, ((px, TAG_H), (px, 0.0)))
        boxes.append(tag_box)
        wires.append(Wire(((px, TAG_H), (px, top)), wire_label, WireKind.PARAM))
        tops.append((px, top))
        if name is not None:
            sources[name] = (px, 0.0)
    else:
        tx = bx + box_w * 2 / 3
        if name is not None:  # a box with no parameter box: a tie's wire starts at its top
            sources[name] = (bx + box_w / 3, top)
            tops.append(sources[name])
    if tied:
        tops.append((tx, top))
        if name is not None:
            tied_at[name] = (tx, top)
    right = max(right, bx + box_w + margin)
    in_ports = [(bx, top + data_h * (i + 0.5) / len(ins)) for i in range(len(ins))]
    out_ports = [(bx + box_w, top + data_h * (i + 0.5) / len(outs)) for i in range(len(outs))]
    loop_ports: list[Point] = []
    labels: list[Label] = []
    h = top + box_h
    if loop is not None:
        ly = top + box_h - PORT_GAP / 2
        loop_ports = [(bx + box_w, ly), (bx, ly)]
        below = top + box_h + LOOP_DROP
        loop_label = Label.at(bx, below + 2, loop)
        wires.append(Wire(((bx + box_w, ly), (bx + box_w + LOOP_OUT, ly), (bx + box_w + LOOP_OUT, below),
                           (bx - LOOP_OUT, below), (bx - LOOP_OUT, ly), (bx, ly)), loop_label, WireKind.LOOP))
        right = max(right, loop_label.rect.x + loop_label.rect.w + 2)
        h = below + TEXT_H + 4
    box = Box(Rect(bx, top, box_w, box_h), label, kind, tuple(in_ports + out_ports + tops + loop_ports), note)
    return Block(right, h, tuple(Port(p, t) for p, t in zip(in_ports, ins)),
                 tuple(Port(p, t) for p, t in zip(out_ports, outs)), tuple(boxes) + (box,), (), tuple(wires),
                 tuple(labels), sources, tied_at)


def junction(kind: BoxKind, ins: list[str], outs: list[str]) -> Block:
    """A narrow box that copies (`&`) or regroups wires (a tuple taken apart or made)."""
    w = 10.0
    h = max(len(ins), len(outs), 1) * PORT_GAP
    in_ports = [(0.0, h * (i + 0.5) / len(ins)) for i in range(len(ins))]
    out_ports = [(w, h * (i + 0.5) / len(outs)) for i in range(len(outs))]
    box = Box(Rect(0, 0, w, h), "", kind, tuple(in_ports + out_ports))
    return Block(w, h, tuple(Port(p, t) for p, t in zip(in_ports, ins)),
                 tuple(Port(p, t) for p, t in zip(out_ports, outs)), (box,))


def boundary(types: list[str]) -> Block:
    """The diagram's edge: a block of no width whose ports are where its wires start or end."""
    h = max(len(types), 1) * PORT_GAP
    ports = tuple(Port((0.0, h * (i + 0.5) / len(types)), t) for i, t in enumerate(types))
    return Block(0.0, h, ports, ports)


def _gap(outs: tuple[Port, ...]) -> float:
    return max((text_width(p.type) for p in outs), default=0.0) + 2 * BEND + 8


def _wire(a: Port, b: Port) -> Wire:
    """From an output port to the input port right of it, labelled with the type above its
    first, level run."""
    (x1, y1), (x2, y2) = a.at, b.at
    label = Label.at(x1 + 4, y1 - TEXT_H - 1, a.type)
    run = x1 + text_width(a.type) + 8
    if abs(y1 - y2) < 0.5:
        return Wire((a.at, b.at), label)
    return Wire((a.at, (run, y1), (x2 - BEND, y2), b.at), label)


def _axis(b: Block) -> float:
    ys = [p.at[1] for p in b.ins + b.outs]
    return sum(ys) / len(ys) if ys else b.h / 2


def sequence(blocks: list[Block], width: float | None = None) -> Block:
    """The blocks left to right, each output wired to the next block's input; where their
    numbers differ, a junction regroups them. Centred on one line; with `width`, the last
    block is put at the right edge of that width."""
    fitted: list[Block] = []
    for b in blocks:
        if fitted and len(fitted[-1].outs) != len(b.ins):
            fitted.append(junction(BoxKind.JOIN, [p.type for p in fitted[-1].outs], [p.type for p in b.ins]))
        fitted.append(b)
    # Each block's wires on one line: the mean height of its ports, where it has any.
    axes = [_axis(b) for b in fitted]
    line = max(axes)
    h = max(line - a + b.h for a, b in zip(axes, fitted))
    x = 0.0
    placed: list[Block] = []
    wires: list[Wire] = []
    for i, (b, a) in enumerate(zip(fitted, axes)):
        if placed:
            x += _gap(placed[-1].outs)
            if width is not None and i == len(fitted) - 1:
                x = max(x, width - b.w)
        s = b.shifted(x, line - a)
        if placed:
            wires += [_wire(a, c) for a, c in zip(placed[-1].outs, s.ins)]
        placed.append(s)
        x += b.w
    return merge(x, h, placed, placed[0].ins, placed[-1].outs, wires=tuple(wires))


def stack(blocks: list[Block]) -> Block:
    """The blocks one above another, left aligned: their inputs and outputs in that order."""
    y = 0.0
    placed: list[Block] = []
    for b in blocks:
        placed.append(b.shifted(0, y))
        y += b.h + STACK_GAP
    w = max(b.w for b in blocks)
    return merge(w, y - STACK_GAP, placed, tuple(p for b in placed for p in b.ins),
                 tuple(p for b in placed for p in b.outs))


def fanout(blocks: list[Block], ins: list[str]) -> Block:
    """`f & g`: the input copied to each block, the blocks stacked."""
    body = stack(blocks)
    return sequence([junction(BoxKind.COPY, ins, [p.type for p in body.ins]), body])


def frame(inner: Block, title: str, name: str | None = None, tied: bool = False,
          loop: str | None = None) -> Block:
    """A nested diagram in a dashed frame with a title; the frame's top has a port a tie's
    wire may start from and (`tied`) one its tied leaves enter by. With `loop` (the state's
    type), a loop from its right side round below it to its left, as an iterated map's."""
    margin = LOOP_OUT + 1 if loop is not None else 0.0
    title_label = Label.at(margin + 24, 3, title)
    w = max(inner.w + 2 * FRAME_PAD, title_label.rect.w + 48)
    top = TEXT_H + 6
    h = inner.h + top + FRAME_PAD
    body = inner.shifted(margin + (w - inner.w) / 2, top)
    source, tied_port = (margin + 12, 0.0), (margin + w - 12, 0.0)
    ports = [source] + ([tied_port] if tied else [])
    wires: list[Wire] = []
    right = margin + w + margin
    total_h = h
    if loop is not None:
        ly = h - FRAME_PAD
        ports += [(margin + w, ly), (margin, ly)]
        below = h + LOOP_DROP
        loop_label = Label.at(margin, below + 2, loop)
        wires.append(Wire(((margin + w, ly), (margin + w + LOOP_OUT, ly), (margin + w + LOOP_OUT, below),
                           (margin - LOOP_OUT, below), (margin - LOOP_OUT, ly), (margin, ly)), loop_label,
                          WireKind.LOOP))
        right = max(right, loop_label.rect.x + loop_label.rect.w + 2)
        total_h = below + TEXT_H + 4
    # Wires cross the frame at ports on its sides, so that their labels sit outside it.
    ins = tuple(Port((margin, q.at[1]), q.type) for q in body.ins)
    outs = tuple(Port((margin + w, q.at[1]), q.type) for q in body.outs)
    wires += [Wire((a.at, b.at), None) for a, b in zip(ins, body.ins)]
    wires += [Wire((a.at, b.at), None) for a, b in zip(body.outs, outs)]
    ports += [q.at for q in ins + outs]
    fr = Frame(Rect(margin, 0, w, h), title_label, tuple(ports))
    out = merge(right, total_h, [body], ins, outs, frames=(fr,), wires=tuple(wires))
    keys = {name: source} if name is not None else {}
    return Block(out.w, out.h, out.ins, out.outs, out.boxes, out.frames, out.wires, out.labels, keys,
                 {name: tied_port} if name is not None and tied else {})
