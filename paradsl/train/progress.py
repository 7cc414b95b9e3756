"""What a run prints while it trains: a rich progress bar (step, loss, steps per second,
time left) on a terminal, plain lines when stdout is not one, nothing with `--quiet`; the
evaluation lines at their cadence and, at the end, a table of every metric on every set."""

from __future__ import annotations

import sys
import time
from typing import Any, Self, TextIO

from .texts import RunText


class Progress:
    """Reports the steps of a run from `start` to `total`."""

    def __init__(self, total: int, start: int, *, quiet: bool = False, stream: TextIO | None = None):
        self.total, self.start, self.quiet = total, start, quiet
        self.stream = stream or sys.stdout
        self.terminal = self.stream.isatty() and not quiet
        self.began = time.perf_counter()
        self.every = max(1, total // 20)
        self._bar: Any = _bar(self.stream) if self.terminal else None
        self._task: Any = None
        if self._bar is not None:
            self._task = self._bar.add_task("train", total=total, completed=start, loss="-", rate="-")

    def __enter__(self) -> Self:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def rate(self, step: int) -> float:
        elapsed = time.perf_counter() - self.began
        return (step - self.start) / elapsed if elapsed > 0 else 0.0

    def step(self, step: int, loss: float) -> None:
        if self.quiet:
            return
        rate = self.rate(step)
        if self._bar is not None:
            self._bar.update(self._task, completed=step, loss=f"{loss:.4f}", rate=f"{rate:.1f}")
        elif step % self.every == 0 or step == self.total:
            left = (self.total - step) / rate if rate > 0 else 0.0
            self.line(RunText.STEP.format(step=step, total=self.total, loss=loss, rate=rate, left=_clock(left)))

    def line(self, text: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)

    def evaluation(self, step: int, name: str, values: dict[str, float]) -> None:
        shown = "  ".join(f"{k} {v:.4f}" for k, v in values.items())
        self.line(RunText.EVALUATION.format(step=step, name=name, values=shown))


def _bar(stream: TextIO) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    return Bar(TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(), TextColumn("loss {task.fields[loss]}"),
               TextColumn("{task.fields[rate]} steps/s"), TimeRemainingColumn(), console=Console(file=stream))


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def final_table(results: dict[str, dict[str, float]], stream: TextIO | None = None) -> None:
    """Every metric (columns) on every evaluation set (rows)."""
    if not results:
        return
    from rich.console import Console
    from rich.table import Table

    keys = list(next(iter(results.values())))
    table = Table(title=RunText.TABLE_TITLE.format())
    table.add_column(RunText.TABLE_SET.format())
    for k in keys:
        table.add_column(k, justify="right")
    for name, values in results.items():
        table.add_row(name, *(f"{values[k]:.4f}" for k in keys))
    stream = stream or sys.stdout
    Console(file=stream, width=max(80, 14 * (len(keys) + 1))).print(table)
