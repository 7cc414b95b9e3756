"""`para diagram`: the string diagram of every para of the examples and the standard library
is valid SVG holding each box's and wire's label, and its layout holds geometrically (no two
boxes meet, each wire's ends are ports or on the canvas's edge, every label on the canvas)."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from paradsl import api
from paradsl.cli import main
from paradsl.diagram import Diagram, layout, to_svg
from paradsl.diagram.geometry import BoxKind, WireKind

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "examples").glob("*.para")) + sorted((ROOT / "stdlib").glob("*.para"))
SVG = "{http://www.w3.org/2000/svg}"


@functools.cache
def program(path: Path):
    return api.check_file(path)


def own_paras(path: Path) -> list[str]:
    p = program(path)
    return [d.name for d in p.paras if d.file == p.file]


CASES = [(f, n) for f in FILES for n in own_paras(f)]


@functools.cache
def drawn(path: Path, name: str, depth: int = 1) -> Diagram:
    return layout(program(path), name, depth)


def texts(svg: str) -> set[str]:
    return {t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text}


def close(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6


def check_geometry(d: Diagram) -> None:
    boxes = d.boxes
    for i, a in enumerate(boxes):
        assert a.rect.w > 0 and a.rect.h > 0
        assert a.rect.inside(d.width, d.height), a
        for b in boxes[i + 1:]:
            assert not a.rect.overlaps(b.rect), (a.label, b.label)
    ports = [p for b in boxes for p in b.ports] + [p for f in d.frames for p in f.ports]
    for w in d.wires:
        assert len(w.points) >= 2
        for end in (w.points[0], w.points[-1]):
            on_edge = abs(end[0]) < 1e-6 or abs(end[0] - d.width) < 1e-6
            assert on_edge or any(close(end, p) for p in ports), (w.label, end)
        # A wire without a label runs on from one with: into a frame from its edge, or out.
        assert w.label is not None or any(
            v.label is not None and (close(v.points[-1], w.points[0]) or close(v.points[0], w.points[-1]))
            for v in d.wires), w
    for lb in d.all_labels():
        assert lb.rect.inside(d.width, d.height), lb.text
    for f in d.frames:
        assert f.rect.inside(d.width, d.height)


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{f.name}:{n}" for f, n in CASES])
def test_every_para_draws_valid_svg_with_its_labels(path: Path, name: str):
    d = drawn(path, name)
    svg = to_svg(d)
    shown = texts(svg)
    assert d.title.text in shown
    for b in d.boxes:
        assert not b.label or b.label in shown, b.label
    for w in d.wires:
        assert w.label is None or w.label.text in shown, w.label
    check_geometry(d)


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{f.name}:{n}" for f, n in CASES])
def test_every_para_lays_out_at_depth_two(path: Path, name: str):
    check_geometry(drawn(path, name, 2))


def test_boxes_of_a_tied_autoencoder():
    d = drawn(ROOT / "examples/tying.para", "TiedAutoencoder")
    labels = {b.label for b in d.boxes}
    assert {"enc: Linear", "tanh", "dec: Linear", "transpose", "enc", "dec"} <= labels
    cell = next(b for b in d.boxes if b.kind is BoxKind.CELL)
    dec = next(b for b in d.boxes if b.label == "dec: Linear")
    enc_tag = next(b for b in d.boxes if b.label == "enc" and b.kind is BoxKind.PARAM)
    param = [w for w in d.wires if w.kind is WireKind.PARAM]
    # The tied leaf's wire: from enc's parameters, through the 2-cell, into dec from above.
    into_cell = next(w for w in param if any(close(w.points[-1], p) for p in cell.ports))
    assert any(close(into_cell.points[0], p) for p in enc_tag.ports)
    out = next(w for w in param if any(close(w.points[0], p) for p in cell.ports))
    assert any(close(out.points[-1], p) for p in dec.ports) and out.points[-1][1] == dec.rect.y
    assert out.label is not None and out.label.text == "dec.W: f32[k,d]"
    # Sequential composition runs left to right.
    xs = [next(b for b in d.boxes if b.label == n).rect.x for n in ("enc: Linear", "tanh", "dec: Linear")]
    assert xs == sorted(xs)


def test_a_machine_has_its_carrier_loop_and_index_set_kind():
    d = drawn(ROOT / "examples/addition.para", "Adder")
    loops = [w for w in d.wires if w.kind is WireKind.LOOP]
    assert [w.label.text for w in loops if w.label] == ["f32[k]"]
    fold = next(b for b in d.boxes if b.kind is BoxKind.FOLD)
    assert fold.note == "run[mealy] over t:list"
    assert any(w.label is not None and w.label.text == "i32[t:list,2]" for w in d.wires)


def test_parallel_and_fanout_are_stacked():
    text = "para P(d: Nat) : [d] -> ([d], [d]) = (relu & tanh) >> (sigmoid * exp)"
    d = layout(api.check_text(text), "P")
    by = {b.label: b.rect for b in d.boxes}
    assert by["relu"].y + by["relu"].h <= by["tanh"].y
    assert by["sigmoid"].y + by["sigmoid"].h <= by["exp"].y
    assert by["relu"].x + by["relu"].w < by["sigmoid"].x
    assert any(b.kind is BoxKind.COPY for b in d.boxes)
    check_geometry(d)


def test_depth_collapses_and_expands():
    path = ROOT / "examples/tying.para"
    assert [b.label for b in drawn(path, "AlbertStack", 0).boxes if b.kind is BoxKind.USE] == ["AlbertStack"]
    assert not drawn(path, "AlbertStack", 1).frames
    assert len(drawn(path, "AlbertStack", 2).frames) == 3


def test_sizes_are_put_in_the_labels():
    d = layout(program(ROOT / "examples/tying.para"), "TiedAutoencoder", sizes={"d": 8, "k": 3})
    assert "dec.W: f32[3,8]" in {w.label.text for w in d.wires if w.label}


def test_cli_writes_svg(tmp_path, capsys):
    out = tmp_path / "ta.svg"
    assert main(["diagram", str(ROOT / "examples/tying.para"), "TiedAutoencoder", "--set", "d=8", "-o", str(out)]) == 0
    assert ET.parse(out).getroot().tag == f"{SVG}svg"
    assert main(["diagram", str(ROOT / "examples/tying.para"), "TiedAutoencoder"]) == 0
    assert capsys.readouterr().out.startswith("<svg")


@pytest.mark.parametrize("argv", [
    ["TiedAutoencoder", "--depth", "-1"],
    ["TiedAutoencoder", "--set", "q=3"],
    ["TiedAutoencoder", "--set", "d"],
    ["TiedAutoencoder", "-o", ""],
    ["TiedAutoencoder", "--nonsense"],
    [],
])
def test_cli_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) if argv in (["TiedAutoencoder", "--nonsense"], []) else _no_exit() as e:
        status = main(["diagram", str(ROOT / "examples/tying.para"), *argv])
    code = e.value.code if isinstance(e, pytest.ExceptionInfo) else status
    assert code == 2
    assert "para: error:" in capsys.readouterr().err


class _no_exit:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_cli_unknown_para_or_file_with_an_error_exits_1(tmp_path, capsys):
    assert main(["diagram", str(ROOT / "examples/tying.para"), "Nope"]) == 1
    assert "no para named 'Nope'" in capsys.readouterr().err
    bad = tmp_path / "bad.para"
    bad.write_text("para P(d: Nat) : [d] -> [d] = Linear(d, d + 1)\n")
    assert main(["diagram", str(bad), "P"]) == 1
    err = capsys.readouterr().err
    assert "bad.para:1:" in err and "error[E" in err and "Traceback" not in err
    assert main(["diagram", str(tmp_path / "missing.para"), "P"]) == 2


def test_the_api_gives_svg_text():
    import paradsl

    svg = paradsl.diagram(ROOT / "examples/tying.para", "TiedAutoencoder")
    assert "transpose" in texts(svg)
