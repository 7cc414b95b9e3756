"""Every `console` block of the docs and the README is replayed: each `$ para ...` command
runs, exits 0, and prints what the block shows (the float in a law's `max error`, which
varies with the platform's rounding, excepted). A tutorial command runs on `model.para` as
the tutorial has built it by then. Commands that train, open a prompt, install or run a
benchmark are left to their own tests; a command with placeholders (`FILE`) is a synopsis,
and a block marked `console edited` shows what an edit the text describes would print."""

from __future__ import annotations

import contextlib
import glob
import io
import os
import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT

from paradsl.cli import main as para_main

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
TUTORIAL = ROOT / "docs" / "tutorial.md"
REPLAYED = ("check", "params", "laws", "ir", "cost", "compile", "diagram")
FLOAT = re.compile(r"max error \S+")
SYNOPSIS = re.compile(r"\b[A-Z]{3,}\b")


def _commands():
    """(page, line, command, expected output or None when the block shows none) of each
    replayed command, and the tutorial's text before it."""
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1).strip() != "console":
                continue
            line = text.count("\n", 0, m.start()) + 1
            steps: list[tuple[str, list[str]]] = []
            for row in m.group(2).splitlines():
                if row.startswith("$ "):
                    steps.append((row[2:], []))
                elif steps:
                    steps[-1][1].append(row)
            shown = any(lines for _, lines in steps)
            for cmd, lines in steps:
                words = shlex.split(cmd, comments=True)
                if words[:1] != ["para"] or words[1:2] == [] or words[1] not in REPLAYED:
                    continue
                if SYNOPSIS.search(" ".join(words[2:])):  # `para check FILE...`, `[NAME]`
                    continue
                out.append(pytest.param(page, line, words[1:], "\n".join(lines) if shown else None,
                                        text[: m.start()], id=f"{page.name}:{line}:{words[1]}"))
    return out


def _tutorial_file(before: str) -> str:
    return "\n".join(m.group(2) for m in FENCE.finditer(before) if m.group(1).strip() == "para")


def _normal(text: str) -> str:
    rows = [FLOAT.sub("max error _", row).rstrip() for row in text.strip().splitlines()]
    return "\n".join(f"wrote {os.path.basename(r[6:])}" if r.startswith("wrote ") else r for r in rows)


@pytest.mark.parametrize("page, line, args, expected, before", _commands())
def test_console_block_replays(tmp_path, monkeypatch, page, line, args, expected, before):
    if page == TUTORIAL:
        (tmp_path / "model.para").write_text(_tutorial_file(before), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
    else:
        monkeypatch.chdir(ROOT)
        args = [w for a in args for w in (sorted(glob.glob(a)) if "*" in a else [a])]  # as the shell would
        if "-o" in args:  # written into the test's folder, not the checkout
            i = args.index("-o")
            args = args[: i + 1] + [str(tmp_path / os.path.basename(args[i + 1]))] + args[i + 2:]
    stdout = io.StringIO()  # both streams, as the terminal shows them
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stdout):
        code = para_main(args)
    assert code in (0, None), f"{page.name}:{line}: para {' '.join(args)} exited {code}"
    if expected is not None:
        assert _normal(stdout.getvalue()) == _normal(expected), f"{page.name}:{line}"


def test_some_blocks_are_replayed():
    assert len(_commands()) >= 20
