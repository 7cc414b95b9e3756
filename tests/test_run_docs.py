"""docs/training.md's Python: a trained model read from a checkpoint with equinox alone,
run on a run directory trained here, and the page's claims about the run directory."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import paradsl
from paradsl.train import runner

sys.path.insert(0, str(Path(__file__).parent))
import run_fixtures as f
from conftest import ROOT

PAGE = ROOT / "docs" / "training.md"


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def test_the_python_example_reads_a_checkpoint(tmp_path, monkeypatch, capsys):
    f.write_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    exp = f.experiment(tmp_path)
    mod = paradsl.load(tmp_path / "quadrant.para")
    status = runner.train(exp, mod, runner.Options(Path("runs") / "Quad", quiet=True, losses=f.LOSSES,
                                                   metrics=f.METRICS))
    assert status == 0
    (block,) = _python_blocks()
    capsys.readouterr()
    exec(compile(block, str(PAGE), "exec"), {})  # noqa: S102 - the page's own example, run
    assert capsys.readouterr().out.strip() in {"0", "1"}
    # The files the page's table lists are the ones a run writes.
    listed = set(re.findall(r"^\| `([a-z.]+)` \|", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert listed == {"config.json", "metrics.jsonl", "loss.png", "metrics.png"}
    assert listed <= {p.name for p in (tmp_path / "runs" / "Quad").iterdir()}
