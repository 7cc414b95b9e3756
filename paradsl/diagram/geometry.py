"""The layout of a string diagram as data: boxes with ports, wires between ports, labels,
each a rectangle or a polyline in the plane (x to the right, y down, in pixels).

The SVG writer draws exactly this, and the tests check it: no two boxes meet, each wire's
ends are ports of boxes (or lie on the diagram's boundary), every label is on the canvas.
A `Block` is a piece of a diagram in its own coordinates, with the ports it offers to the
pieces beside it; composing blocks shifts them into place.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

#: The width of one character of a label and a label's height, at the font the writer uses
#: (11px monospace: 0.6em a character, rounded up so that estimates never fall short).
CHAR_W = 7.0
TEXT_H = 13.0

Point = tuple[float, float]


class BoxKind(enum.StrEnum):
    """What a box stands for, which is how it is drawn."""

    USE = "use"  # a use of a para, collapsed
    PRIM = "prim"  # an elementwise primitive map
    LAMBDA = "lambda"  # a lambda, with its body's text
    FOLD = "fold"  # a recursion scheme's cell, with the carrier's loop
    CELL = "2-cell"  # a reparameterisation or tie: a map between parameter spaces
    PARAM = "param"  # where a parameter wire starts: a factor of the parameter space
    COPY = "copy"  # the fan-out of `&`: each wire copied
    JOIN = "join"  # wires regrouped: a tuple taken apart or put together


class WireKind(enum.StrEnum):
    DATA = "data"  # A -> B, left to right
    PARAM = "param"  # from a parameter box down into a map
    LOOP = "loop"  # a carrier fed back into its cell


def text_width(text: str) -> float:
    return CHAR_W * len(text)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def shifted(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def overlaps(self, other: Rect) -> bool:
        """Whether the interiors meet (touching edges do not count)."""
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def inside(self, width: float, height: float) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.w <= width and self.y + self.h <= height


def _shift(p: Point, dx: float, dy: float) -> Point:
    return (p[0] + dx, p[1] + dy)


@dataclass(frozen=True)
class Label:
    """Text drawn with its left baseline corner at the rectangle's bottom left."""

    rect: Rect
    text: str

    @staticmethod
    def at(x: float, y: float, text: str) -> Label:
        """A label whose box starts at (x, y), top left."""
        return Label(Rect(x, y, text_width(text), TEXT_H), text)

    def shifted(self, dx: float, dy: float) -> Label:
        return Label(self.rect.shifted(dx, dy), self.text)


@dataclass(frozen=True)
class Box:
    rect: Rect
    label: str
    kind: BoxKind
    ports: tuple[Point, ...] = ()
    note: str = ""  # a second line: the scheme of a fold, the callee of a use

    def shifted(self, dx: float, dy: float) -> Box:
        return replace(self, rect=self.rect.shifted(dx, dy), ports=tuple(_shift(p, dx, dy) for p in self.ports))


@dataclass(frozen=True)
class Frame:
    """A nested para drawn expanded, or a map over or iterated map: a dashed outline with
    a title around what it holds. Frames hold boxes, so they are not boxes."""

    rect: Rect
    title: Label
    ports: tuple[Point, ...] = ()

    def shifted(self, dx: float, dy: float) -> Frame:
        return Frame(self.rect.shifted(dx, dy), self.title.shifted(dx, dy),
                     tuple(_shift(p, dx, dy) for p in self.ports))


@dataclass(frozen=True)
class Wire:
    """A polyline from its first point to its last. `label` is the type it carries; None
    only for a wire that continues one labelled already (never at the top level)."""

    points: tuple[Point, ...]
    label: Label | None
    kind: WireKind = WireKind.DATA

    def shifted(self, dx: float, dy: float) -> Wire:
        return Wire(tuple(_shift(p, dx, dy) for p in self.points),
                    None if self.label is None else self.label.shifted(dx, dy), self.kind)


@dataclass(frozen=True)
class Port:
    """A point a block offers on its left (an input) or right (an output), and its type."""

    at: Point
    type: str

    def shifted(self, dx: float, dy: float) -> Port:
        return Port(_shift(self.at, dx, dy), self.type)


@dataclass(frozen=True)
class Block:
    """A piece of a diagram in its own coordinates, within (0, 0, w, h). `ins` and `outs`
    are where wires may come in from the left and leave to the right; `sources` is, for each
    use (or own parameter) drawn, the point a tie's wire may start from, and `tied` the
    point where the wire of a use's tied leaves enters it."""

    w: float
    h: float
    ins: tuple[Port, ...] = ()
    outs: tuple[Port, ...] = ()
    boxes: tuple[Box, ...] = ()
    frames: tuple[Frame, ...] = ()
    wires: tuple[Wire, ...] = ()
    labels: tuple[Label, ...] = ()
    sources: Mapping[str, Point] = field(default_factory=dict)
    tied: Mapping[str, Point] = field(default_factory=dict)

    def shifted(self, dx: float, dy: float) -> Block:
        return Block(
            self.w, self.h,
            tuple(p.shifted(dx, dy) for p in self.ins), tuple(p.shifted(dx, dy) for p in self.outs),
            tuple(b.shifted(dx, dy) for b in self.boxes), tuple(f.shifted(dx, dy) for f in self.frames),
            tuple(w.shifted(dx, dy) for w in self.wires), tuple(lb.shifted(dx, dy) for lb in self.labels),
            {k: _shift(p, dx, dy) for k, p in self.sources.items()},
            {k: _shift(p, dx, dy) for k, p in self.tied.items()},
        )


def merge(w: float, h: float, parts: list[Block], ins: tuple[Port, ...], outs: tuple[Port, ...],
          boxes: tuple[Box, ...] = (), frames: tuple[Frame, ...] = (), wires: tuple[Wire, ...] = (),
          labels: tuple[Label, ...] = ()) -> Block:
    """One block of the parts (already shifted into place) and what joins them."""
    sources: dict[str, Point] = {}
    tied: dict[str, Point] = {}
    for p in parts:
        for k, v in p.sources.items():
            sources.setdefault(k, v)  # a use drawn twice: its first drawing is the source
        for k, v in p.tied.items():
            tied.setdefault(k, v)
    return Block(w, h, ins, outs,
                 tuple(b for p in parts for b in p.boxes) + boxes,
                 tuple(f for p in parts for f in p.frames) + frames,
                 tuple(x for p in parts for x in p.wires) + wires,
                 tuple(lb for p in parts for lb in p.labels) + labels,
                 sources, tied)


@dataclass(frozen=True)
class Diagram:
    """A whole diagram: the canvas, its title and everything on it."""

    width: float
    height: float
    title: Label
    boxes: tuple[Box, ...]
    frames: tuple[Frame, ...]
    wires: tuple[Wire, ...]
    labels: tuple[Label, ...]

    def all_labels(self) -> list[Label]:
        """Every text on the canvas: the title, wire labels, frame titles and free labels."""
        return ([self.title] + [w.label for w in self.wires if w.label is not None]
                + [f.title for f in self.frames] + list(self.labels))
