"""Snapshots of each stage's output for every example and stdlib file.

For each `examples/*.para` and `stdlib/*.para` the test compares with a stored file:

- the parsed AST, dumped by `paradsl.syntax.printer`: `tests/snapshots/ast/<name>.txt`;
- the typed IR, printed by `paradsl.ir.printer.format_program`: `tests/snapshots/ir/<name>.txt`
  (skipped while that printer does not exist);
- the emitted Python, `paradsl.compile_path`: `tests/snapshots/emitted/<name>.py.txt`.

A difference fails with a unified diff; `python -m pytest --update-snapshots` rewrites the
snapshots, so an intended change is reviewed as the diff of the commit that makes it. The
workflow is in `tests/snapshots/README.md`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path

import pytest

import paradsl
from paradsl.diagnostics import DiagnosticSink
from paradsl.ir.printer import format_program
from paradsl.syntax import parse
from paradsl.syntax.printer import format_module

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots"
SOURCES = sorted((ROOT / "examples").glob("*.para")) + sorted((ROOT / "stdlib").glob("*.para"))
#: Each stage's snapshot folder and the suffix of its files.
STAGES = {"ast": ".txt", "ir": ".txt", "emitted": ".py.txt"}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@functools.cache
def _checked(rel: str):
    """The check of one source, from the repository root so that paths print relative to it."""
    with contextlib.chdir(ROOT):
        result = paradsl.check_paths([rel])
    assert result.ok, [d.header() for d in result.diagnostics]
    return result


@functools.cache
def _emitted(rel: str) -> str:
    with contextlib.chdir(ROOT):
        source = paradsl.compile_path(rel)
    # The version in the header would otherwise change every snapshot at each release.
    return re.sub(r"by paradsl \S+\.$", "by paradsl VERSION.", source, count=1, flags=re.MULTILINE)


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def test_snapshot_names_are_unique():
    """Snapshots are named by the source's stem, so no two sources may share one."""
    stems = [p.stem for p in SOURCES]
    assert len(stems) == len(set(stems)), sorted(stems)
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_ast_snapshot(path: Path, snapshots):
    sink = DiagnosticSink()
    module = parse(path.read_text(encoding="utf-8"), _rel(path), sink)
    assert module is not None and not sink.diagnostics, [d.header() for d in sink.diagnostics]
    snapshots.check(f"ast/{path.stem}.txt", format_module(module))


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_ir_snapshot(path: Path, snapshots):
    result = _checked(_rel(path))
    (program,) = result.programs.values()
    snapshots.check(f"ir/{path.stem}.txt", _with_newline(format_program(program)))


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_emitted_snapshot(path: Path, snapshots):
    snapshots.check(f"emitted/{path.stem}.py.txt", _emitted(_rel(path)))


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_no_stale_snapshots(stage: str, snapshots):
    """Every stored snapshot belongs to a source that still exists; updating removes the rest."""
    wanted = {f"{p.stem}{STAGES[stage]}" for p in SOURCES}
    folder = SNAPSHOTS / stage
    stale = sorted(f.name for f in folder.glob("*") if f.is_file() and f.name not in wanted) if folder.is_dir() else []
    if snapshots.update:
        for name in stale:
            (folder / name).unlink()
        return
    assert not stale, f"snapshots without a source in {folder.relative_to(ROOT)}: {stale}; run --update-snapshots"
