"""`para run` and `para eval` end to end through the command line, on experiments declared
in .para: the loss falls, SIGINT then --resume ends where an uninterrupted run does, damaged
checkpoints are refused with exit 1, a NaN loss names its step, and the command line's
mistakes are `para: error:` lines, never tracebacks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from paradsl.cli import main as para
from paradsl.train import checkpoint

COPY = """\
import tasks

-- Each position's token through an embedding to logits over the vocabulary: a copier.
para Copier(d: Nat) (t : list) : [t] i32 -> [t, 10]
  params E : [10, d] ~ normal, W : [d, 10] ~ glorot
  = x => for i c. sum e. E[x[i], e] * W[e, c]

experiment CopyTiny
  model Copier(d = 16)
  task Copy(min_len = 4, max_len = 4)
  loss cross_entropy
  metrics accuracy, exact_match
  optimiser adam(lr = 0.05, clip = 1.0)
  steps 60
  batch 16
  eval every 30 samples 32
    same = Copy(min_len = 4, max_len = 4),
    long = Copy(min_len = 8, max_len = 8)
  checkpoint every 20

experiment Exploding
  model Copier(d = 16)
  task Blowup(after = 25)
  loss cross_entropy
  steps 40
  batch 16
  checkpoint every 20

task Blowup(after: Nat = 25) (t : list) : [t] i32 -> [t] i32 = "blowup:tokens"
"""

BLOWUP = '''\
import numpy as np


def tokens(rng, batch, *, after):
    """Copy's data; from batch `after` + 1 on, the targets are out of range: NaN loss."""
    x = rng.integers(0, 10, size=(batch, 4)).astype(np.int32)
    tokens.calls = getattr(tokens, "calls", 0) + 1
    return x, (x if tokens.calls <= after else np.full_like(x, 10 ** 6))
'''


def _project(folder: Path) -> Path:
    (folder / "copy.para").write_text(COPY, encoding="utf-8")
    (folder / "blowup.py").write_text(BLOWUP, encoding="utf-8")
    return folder / "copy.para"


def _para(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paradsl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, check=False)


def _leaves(path: Path) -> list[np.ndarray]:
    import io

    import equinox as eqx
    import jax

    body = checkpoint.verify(path)
    like = {"E": np.zeros((10, 16), np.float32), "W": np.zeros((16, 10), np.float32)}
    read = eqx.tree_deserialise_leaves(io.BytesIO(body), [like["E"], like["W"]])
    return [np.asarray(x) for x in jax.tree_util.tree_leaves(read)]


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("copy")
    _project(folder)
    p = _para("run", "copy.para", "CopyTiny", cwd=folder)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    assert "same" in p.stdout and "exact_match" in p.stdout  # the final table
    return folder, folder / "runs" / "CopyTiny"


def test_the_loss_falls_and_the_run_directory_is_whole(done):
    from PIL import Image

    _, out = done
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in records if "eval" not in r]
    assert len(losses) == 60 and np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    evals = {(r["step"], r["eval"]): r for r in records if "eval" in r}
    assert set(evals) == {(30, "same"), (30, "long"), (60, "same"), (60, "long")}
    assert evals[60, "same"]["accuracy"] > 0.5
    config = json.loads((out / "config.json").read_text())
    assert config["name"] == "CopyTiny" and config["steps"] == 60
    for name in ("loss.png", "metrics.png"):
        with Image.open(out / name) as im:
            im.verify()
    assert [s for s, _ in checkpoint.listed(out / "checkpoints")] == [20, 40, 60]


def test_sigint_then_resume_equals_the_uninterrupted_run(done, tmp_path):
    folder, out = done
    run = tmp_path / "run"
    p = subprocess.Popen([sys.executable, "-m", "paradsl", "run", "copy.para", "CopyTiny", "--out", str(run)],
                         cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 150
    while not (run / "checkpoints" / checkpoint.name_of(20)).exists():
        assert p.poll() is None and time.monotonic() < deadline, p.communicate()
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    r = _para("run", "copy.para", "CopyTiny", "--out", str(run), "--resume", "--quiet", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    final = checkpoint.name_of(60)
    for a, b in zip(_leaves(out / "checkpoints" / final), _leaves(run / "checkpoints" / final), strict=True):
        np.testing.assert_array_equal(a, b)
    assert (run / "metrics.jsonl").read_text() == (out / "metrics.jsonl").read_text()


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_damaged_checkpoints_are_refused(done, tmp_path, how):
    folder, out = done
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    for s in (20, 40):
        (run / "checkpoints" / checkpoint.name_of(s)).write_bytes((out / "checkpoints" / checkpoint.name_of(s)).read_bytes())
    damaged = run / "checkpoints" / checkpoint.name_of(40)
    data = bytearray(damaged.read_bytes())
    if how == "truncated":
        damaged.write_bytes(bytes(data[:-7]))
    else:
        data[len(data) // 2] ^= 0x01
        damaged.write_bytes(bytes(data))
    earlier = (run / "checkpoints" / checkpoint.name_of(20)).read_bytes()
    r = _para("run", "copy.para", "CopyTiny", "--out", str(run), "--resume", cwd=folder)
    assert r.returncode == 1 and r.stderr.startswith("para: error: checkpoint ")
    assert "Traceback" not in r.stderr and checkpoint.name_of(20) in r.stderr
    assert (run / "checkpoints" / checkpoint.name_of(20)).read_bytes() == earlier
    e = _para("eval", "copy.para", "CopyTiny", "--checkpoint", str(damaged), cwd=folder)
    assert e.returncode == 1 and e.stderr.startswith("para: error: checkpoint ")


def test_para_eval_prints_the_table(done):
    folder, out = done
    r = _para("eval", "copy.para", "CopyTiny", "--checkpoint", str(out / "checkpoints" / checkpoint.name_of(60)),
              "--set", "eval.long.max_len=12", "--set", "eval.long.min_len=12", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert "same" in r.stdout and "long" in r.stdout and "accuracy" in r.stdout


def test_a_nan_loss_stops_with_exit_1_naming_the_step(tmp_path):
    _project(tmp_path)
    r = _para("run", "copy.para", "Exploding", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "at step 26" in r.stderr and checkpoint.name_of(20) in r.stderr
    out = tmp_path / "runs" / "Exploding" / "checkpoints"
    assert [s for s, _ in checkpoint.listed(out)] == [20]
    checkpoint.verify(out / checkpoint.name_of(20))


def test_usage_errors_exit_2(tmp_path, capsys):
    _project(tmp_path)
    path = str(tmp_path / "copy.para")
    assert para(["run", path]) == 2  # two experiments: which?
    assert "CopyTiny" in capsys.readouterr().err
    assert para(["run", path, "CopyTiny", "--set", "nonsense=1"]) == 2
    assert capsys.readouterr().err.startswith("para: error: ")
    assert para(["run", str(tmp_path / "missing.para")]) == 2
    assert capsys.readouterr().err.startswith("para: error: no such file")
    assert para(["eval", path, "CopyTiny", "--checkpoint", str(tmp_path / "none.eqx")]) == 1
    assert capsys.readouterr().err.startswith("para: error: --checkpoint")
