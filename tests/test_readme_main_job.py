"""The README's main job is a `para run` of an experiment that exists and runs: shortened
here (a few steps, a few evaluation samples), the full run is the command itself."""

import json
import shlex
from pathlib import Path

import paradsl
from conftest import para_cli

ROOT = Path(__file__).resolve().parent.parent


def _main_job() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Set-up", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [ln.split("#", 1)[0].strip() for ln in block.strip().splitlines()]
    assert lines[0].startswith("pip install"), lines
    return shlex.split(lines[1])


def test_the_main_job_names_an_experiment_of_the_file():
    argv = _main_job()
    assert argv[:2] == ["para", "run"], argv
    exp = paradsl.experiment(ROOT / argv[2], argv[3] if len(argv) > 3 else None)
    assert exp.steps >= 1000 and exp.eval_sets, exp


def test_the_main_job_runs_shortened(tmp_path):
    argv = _main_job()
    exp = paradsl.experiment(ROOT / argv[2], argv[3] if len(argv) > 3 else None)
    sets = [f"--set=eval.{e.name}.samples=4" for e in exp.eval_sets]
    out = tmp_path / "run"
    result = para_cli(*argv[1:3], *argv[3:], "--steps", "12", *sets, "--out", str(out), "--quiet", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    evals = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert {e["eval"] for e in evals if "eval" in e} == {e.name for e in exp.eval_sets}
