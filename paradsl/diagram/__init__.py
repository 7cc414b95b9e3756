"""String diagrams of paras: the Para picture of a para's term, as plain SVG.

    svg = paradsl.diagram("examples/tying.para", "TiedAutoencoder")       # SVG text
    d = layout(api.check_file("examples/tying.para"), "TiedAutoencoder")  # the geometry

Maps are boxes, wires are labelled with their types (each index set with its kind), and
composition runs left to right; a parameter box above each map sends its parameters down
into it, and ties are 2-cells on those wires. One concern per module: `labels` the texts,
`geometry` the layout as data, `parts` boxes and how they are put together, `layout` the
term's diagram, `ties` the 2-cells above it, `svg` the writer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .. import api, ir
from .geometry import Diagram, Label, text_width
from .labels import Sizes
from .layout import Scope, para_block
from .parts import boundary, sequence
from .svg import to_svg

MARGIN = 12.0  # above and below the diagram, and beside its title
TITLE_H = 30.0


def layout(program: ir.Program, name: str, depth: int = 1, sizes: Mapping[str, int] | None = None) -> Diagram:
    """The diagram of the para `name` of a checked program, its uses drawn expanded to
    `depth` levels (0: the para as one box; 1: its body, each use a box). Raises KeyError
    when the program has no para `name`."""
    tree = ir.UseTree(program)
    root = tree.named[name] if name in tree.named else program.get(name)
    scope = Scope(tree, Sizes(dict(sizes or {})), depth)
    block = para_block(scope, ir.Reached(root), 1)
    title = Label.at(MARGIN, MARGIN / 2, root.signature())
    inputs, outputs = boundary([p.type for p in block.ins]), boundary([p.type for p in block.outs])
    natural = sequence([inputs, block, outputs])
    width = max(natural.w, text_width(title.text) + 2 * MARGIN)
    body = sequence([inputs, block, outputs], width=width).shifted(0, TITLE_H)
    return Diagram(width, TITLE_H + body.h + MARGIN, title, body.boxes, body.frames, body.wires, body.labels)


def diagram(path: str | Path, name: str, depth: int = 1, sizes: Mapping[str, int] | None = None) -> str:
    """The SVG text of the string diagram of the para `name` in the `.para` file at `path`.
    Raises `ParaError` when the file has an error, KeyError when it has no para `name`."""
    return to_svg(layout(api.check_file(path, also=(name,)), name, depth, sizes))


__all__ = ["Diagram", "diagram", "layout", "to_svg"]
