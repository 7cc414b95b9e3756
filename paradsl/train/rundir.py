"""The run directory: the resolved configuration, `metrics.jsonl`, checkpoints and pictures.

    runs/<experiment>/
      config.json        the experiment as the checker resolved it, overrides applied
      metrics.jsonl      one JSON object a line: {"step", "loss"} per step, and
                         {"step", "eval", <metric>: value, ...} per evaluation
      checkpoints/       step-NNNNNNNN.eqx (see checkpoint.py)
      loss.png           the training loss against the step
      metrics.png        each metric (one panel each) against the evaluation sets, at the last evaluation

Pictures are drawn with matplotlib's Agg backend, imported only when they are drawn.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from enum import Enum
from pathlib import Path
from typing import Any

from ..ir.experiment import Experiment


def checkpoints(out: Path) -> Path:
    return out / "checkpoints"


def config_of(exp: Experiment) -> dict[str, Any]:
    """The experiment as plain JSON: spans left out, types as the language writes them."""
    return _plain(exp)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__module__.startswith("paradsl.types"):
            return str(value)
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "span"}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: a temporary file in the same folder, fsynced and
    renamed over the name, then the folder fsynced, so a crash leaves the old file whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, as `write_bytes`."""
    write_bytes(path, text.encode("utf-8"))


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - folders that cannot be opened (some platforms)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_config(out: Path, exp: Experiment) -> None:
    write_text(out / "config.json", json.dumps(config_of(exp), indent=2) + "\n")


class MetricsLog:
    """`metrics.jsonl`, appended to line by line and flushed, so a killed run keeps what it logged."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, record: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def truncate_after(self, step: int) -> None:
        """Drop the records of steps after `step` (a resumed run logs them again)."""
        kept = [r for r in self.records() if r["step"] <= step]
        write_text(self.path, "".join(json.dumps(r) + "\n" for r in kept))


def draw_pictures(out: Path, records: list[dict[str, Any]], eval_names: list[str]) -> list[Path]:
    """loss.png and, where there are evaluations, metrics.png; returns the paths drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = []
    losses = [(r["step"], r["loss"]) for r in records if "eval" not in r and "loss" in r]
    if losses:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot([s for s, _ in losses], [v for _, v in losses], lw=1)
        ax.set_xlabel("step")
        ax.set_ylabel("training loss")
        ax.set_yscale("log" if all(v > 0 for _, v in losses) else "linear")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / "loss.png", dpi=100)
        plt.close(fig)
        drawn.append(out / "loss.png")
    evals = [r for r in records if "eval" in r]
    if evals:
        last = max(r["step"] for r in evals)
        final = {r["eval"]: r for r in evals if r["step"] == last}
        names = [n for n in eval_names if n in final]
        keys = [k for k in final[names[0]] if k not in ("step", "eval")]
        fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3.2), squeeze=False)
        for ax, key in zip(axes[0], keys):
            ax.plot(range(len(names)), [final[n][key] for n in names], marker="o")
            ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
            ax.set_title(key)
            ax.grid(alpha=0.3)
        fig.suptitle(f"evaluation sets at step {last}")
        fig.tight_layout()
        fig.savefig(out / "metrics.png", dpi=100)
        plt.close(fig)
        drawn.append(out / "metrics.png")
    return drawn
