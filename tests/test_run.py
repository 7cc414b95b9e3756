"""The runner end to end on a small experiment built in Python: the loss falls, the run
directory holds what it says, an interrupted run resumed ends bit for bit where an
uninterrupted one does, damaged checkpoints are refused, a NaN loss stops the run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import paradsl
from paradsl.train import checkpoint, runner

sys.path.insert(0, str(Path(__file__).parent))
import run_fixtures as f


def _train(folder: Path, out: Path, *, resume: bool = False, **kw) -> int:
    exp = f.experiment(folder, **kw)
    mod = paradsl.load(folder / "quadrant.para")
    return runner.train(exp, mod, runner.Options(out, resume=resume, quiet=True, losses=f.LOSSES,
                                                 metrics=f.METRICS))


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> tuple[Path, Path]:
    """One uninterrupted run of 60 steps: (project folder, run directory)."""
    folder = tmp_path_factory.mktemp("quad")
    f.write_project(folder)
    out = folder / "runs" / "Quad"
    assert _train(folder, out) == 0
    return folder, out


def test_the_loss_falls(done):
    _, out = done
    losses = [r["loss"] for r in f.records(out) if "eval" not in r]
    assert len(losses) == 60
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10])


def test_metrics_jsonl_and_config(done):
    _, out = done
    lines = (out / "metrics.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    evals = [r for r in records if "eval" in r]
    assert [(r["step"], r["eval"]) for r in evals] == [(30, "near"), (30, "far"), (60, "near"), (60, "far")]
    assert all(0.0 <= r["accuracy"] <= 1.0 and r["loss"] >= 0 for r in evals)
    config = json.loads((out / "config.json").read_text())
    assert config["model"] == "Quadrant" and config["hypers"] == [["d", 16]]
    assert config["task"]["input"] == "[2]" and config["optimiser"]["name"] == "adam"


def test_pictures_are_images(done):
    from PIL import Image

    _, out = done
    for name in ("loss.png", "metrics.png"):
        with Image.open(out / name) as im:
            im.verify()
            assert im.format == "PNG" and im.size[0] > 100


def test_checkpoints_at_their_cadence_and_the_model_reads_back(done):
    folder, out = done
    steps = [s for s, _ in checkpoint.listed(out / "checkpoints")]
    assert steps == [20, 40, 60]
    # The emitted class deserialises a checkpoint with equinox alone (its model comes first).
    leaves = f.leaves(out / "checkpoints" / checkpoint.name_of(60), folder)
    assert leaves and all(np.isfinite(x).all() for x in leaves)
    init = f.leaves(out / "checkpoints" / checkpoint.name_of(20), folder)
    assert not all(np.array_equal(a, b) for a, b in zip(leaves, init))


def test_a_finished_run_is_not_overwritten(done, capsys):
    folder, out = done
    assert _train(folder, out) == 1
    assert "--resume" in capsys.readouterr().err


def test_resume_continues_bit_for_bit(done, tmp_path):
    """Stopped after step 40 (its checkpoint kept, the later one removed), resumed, the run
    ends with the uninterrupted run's parameters and metrics, exactly."""
    folder, out = done
    part = tmp_path / "part"
    assert _train(folder, part, steps=60) == 0
    (part / "checkpoints" / checkpoint.name_of(60)).unlink()
    assert _train(folder, part, resume=True) == 0
    for a, b in zip(f.leaves(out / "checkpoints" / checkpoint.name_of(60), folder),
                    f.leaves(part / "checkpoints" / checkpoint.name_of(60), folder), strict=True):
        np.testing.assert_array_equal(a, b)
    assert f.records(part) == f.records(out)


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2]))
    else:
        data[len(data) // 3] ^= 0x10
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_a_damaged_checkpoint_is_refused_and_the_earlier_kept(done, tmp_path, how, capsys):
    folder, out = done
    run = tmp_path / "run"
    run.mkdir()
    (run / "checkpoints").mkdir()
    for s in (20, 40):
        name = checkpoint.name_of(s)
        (run / "checkpoints" / name).write_bytes((out / "checkpoints" / name).read_bytes())
    earlier = (run / "checkpoints" / checkpoint.name_of(20)).read_bytes()
    _damage(run / "checkpoints" / checkpoint.name_of(40), how)
    assert _train(folder, run, resume=True) == 1
    err = capsys.readouterr().err
    assert err.startswith("para: error: checkpoint ") and "Traceback" not in err
    assert ("truncated" if how == "truncated" else "checksum") in err
    assert checkpoint.name_of(20) in err
    assert (run / "checkpoints" / checkpoint.name_of(20)).read_bytes() == earlier
    checkpoint.verify(run / "checkpoints" / checkpoint.name_of(20))


def test_a_nan_loss_stops_naming_the_step(tmp_path, capsys):
    f.write_project(tmp_path)
    sys.modules.pop("quadtask", None)  # a fresh count of calls of blows_up
    out = tmp_path / "run"
    assert _train(tmp_path, out, target="quadtask:blows_up", task_args={"after": 25}) == 1
    err = capsys.readouterr().err
    assert "the loss is nan at step 26" in err and checkpoint.name_of(20) in err
    assert [s for s, _ in checkpoint.listed(out / "checkpoints")] == [20]
    checkpoint.verify(out / "checkpoints" / checkpoint.name_of(20))


def test_sigint_writes_a_checkpoint_and_exits_130(done, tmp_path):
    """SIGINT in a subprocess: exit 130, no traceback, a checkpoint of the step reached; the
    run resumed from it ends equal to the uninterrupted run."""
    folder, out = done
    run = tmp_path / "run"
    script = f.run_script(folder, run, steps=60)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not (run / "checkpoints" / checkpoint.name_of(20)).exists():
        assert p.poll() is None and time.monotonic() < deadline, p.communicate()
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "interrupted at step" in err
    assert _train(folder, run, resume=True) == 0
    for a, b in zip(f.leaves(out / "checkpoints" / checkpoint.name_of(60), folder),
                    f.leaves(run / "checkpoints" / checkpoint.name_of(60), folder), strict=True):
        np.testing.assert_array_equal(a, b)
    assert f.records(run) == f.records(out)
