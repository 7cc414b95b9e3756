"""A laid-out diagram as plain SVG, written with `xml.etree` (so every text is escaped):
boxes as rectangles with their labels, parameter boxes rounded, 2-cells as double-edged
boxes, frames dashed, wires as polylines, parameter wires and loops in their own colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .geometry import TEXT_H, Box, BoxKind, Diagram, Frame, Label, Wire, WireKind

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:11px"

_FILL = {
    BoxKind.USE: "#dbe8f6", BoxKind.PRIM: "#eef3e2", BoxKind.LAMBDA: "#f6f0dc", BoxKind.FOLD: "#e9e0f4",
    BoxKind.CELL: "#f8dede", BoxKind.PARAM: "#fff7d6", BoxKind.COPY: "#333333", BoxKind.JOIN: "#777777",
}
_STROKE = {WireKind.DATA: "#222222", WireKind.PARAM: "#b8860b", WireKind.LOOP: "#6a3d9a"}


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(parent: ET.Element, label: Label, anchor: str = "start", cls: str = "label") -> None:
    t = ET.SubElement(parent, "text", {"x": _f(label.rect.x), "y": _f(label.rect.y + TEXT_H - 3),
                                       "class": cls, "text-anchor": anchor})
    t.text = label.text


def _box(parent: ET.Element, b: Box, ends: set[tuple[str, str]]) -> None:
    r = b.rect
    g = ET.SubElement(parent, "g", {"class": f"box {b.kind.value}"})
    attrs = {"x": _f(r.x), "y": _f(r.y), "width": _f(r.w), "height": _f(r.h), "fill": _FILL[b.kind],
             "stroke": "#333333"}
    if b.kind is BoxKind.PARAM:
        attrs.update(rx="9", ry="9")
    if b.kind is BoxKind.CELL:
        attrs.update({"stroke-width": "2.5", "stroke": "#a33"})
    ET.SubElement(g, "rect", attrs)
    lines = [b.label] + ([b.note] if b.note else [])
    top = r.y + (r.h - len(lines) * TEXT_H) / 2
    if b.kind is BoxKind.FOLD and any(p[1] > r.y + r.h - 14 for p in b.ports):
        top = r.y + (r.h - 26 - len(lines) * TEXT_H) / 2  # above the loop's ports
    for i, line in enumerate(lines):
        if line:
            t = ET.SubElement(g, "text", {"x": _f(r.x + r.w / 2), "y": _f(top + (i + 1) * TEXT_H - 3),
                                          "class": "note" if i else "label", "text-anchor": "middle"})
            t.text = line
    for x, y in b.ports:
        if (_f(x), _f(y)) not in ends:  # a port no wire uses (a use no tie reads) is not drawn
            continue
        ET.SubElement(g, "circle", {"cx": _f(x), "cy": _f(y), "r": "2", "fill": "#333333"})


def _frame(parent: ET.Element, f: Frame) -> None:
    r = f.rect
    g = ET.SubElement(parent, "g", {"class": "frame"})
    ET.SubElement(g, "rect", {"x": _f(r.x), "y": _f(r.y), "width": _f(r.w), "height": _f(r.h), "fill": "none",
                              "stroke": "#5577aa", "stroke-dasharray": "5,3"})
    _text(g, f.title, cls="title")


def _wire(parent: ET.Element, w: Wire) -> None:
    g = ET.SubElement(parent, "g", {"class": f"wire {w.kind.value}"})
    points = " ".join(f"{_f(x)},{_f(y)}" for x, y in w.points)
    ET.SubElement(g, "polyline", {"points": points, "fill": "none", "stroke": _STROKE[w.kind],
                                  "stroke-width": "1.4"})
    if w.label is not None:
        _text(g, w.label, cls="type")


def to_svg(d: Diagram) -> str:
    """The SVG document of a diagram: a browser opens it as it is."""
    root = ET.Element("svg", {"xmlns": SVG_NS, "width": _f(d.width), "height": _f(d.height),
                              "viewBox": f"0 0 {_f(d.width)} {_f(d.height)}"})
    style = ET.SubElement(root, "style")
    style.text = (f"text {{{FONT};fill:#111}} text.type {{fill:#1f4e79}} text.note {{fill:#555}} "
                  "text.title {font-weight:bold}")
    ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": _f(d.width), "height": _f(d.height), "fill": "white"})
    _text(root, d.title, cls="title")
    for f in d.frames:
        _frame(root, f)
    for w in d.wires:
        _wire(root, w)
    ends = {(_f(x), _f(y)) for w in d.wires for x, y in (w.points[0], w.points[-1])}
    for b in d.boxes:
        _box(root, b, ends)
    for lb in d.labels:
        _text(root, lb)
    return ET.tostring(root, encoding="unicode") + "\n"
