"""A run of an experiment, from its model built to its last evaluation: `para run` and
`para eval` call `train` and `evaluate`, which return the command's exit status.

Exit 0 when done, 1 for a user's error (a task's diagnostic, a damaged checkpoint, a loss
that is not finite), 130 after SIGINT, with a checkpoint of the last step done written.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import jax
import jax.numpy as jnp

from ..diagnostics.report import render
from ..ir.experiment import Experiment
from . import checkpoint, data, loop, optim, rundir
from . import evaluate as ev
from .progress import Progress, final_table
from .texts import RunText


@dataclass(frozen=True)
class Options:
    out: Path
    resume: bool = False
    quiet: bool = False
    #: name -> loss or metric of one example; the registries of paradsl.train by default.
    losses: Mapping[str, loop.PerExample] | None = None
    metrics: Mapping[str, loop.PerExample] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)


def _registries(options: Options) -> tuple[Mapping, Mapping]:
    losses, metrics = options.losses, options.metrics
    if losses is None:
        from .losses import LOSSES as losses  # type: ignore[no-redef]
    if metrics is None:
        from .metrics import METRICS as metrics  # type: ignore[no-redef]
    return losses, metrics


class _Interrupt:
    """SIGINT sets a flag the loop reads after each step, so the step in flight finishes."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._old: list[Any] = []

    @property
    def hit(self) -> bool:
        return self._event.is_set()

    def __enter__(self) -> Self:
        self._old.append(signal.signal(signal.SIGINT, lambda signum, frame: self._event.set()))
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._old.pop())


@dataclass
class _Run:
    exp: Experiment
    options: Options
    module: Any
    step_fn: Callable = field(init=False)
    measure: Callable = field(init=False)
    streamed: Callable = field(init=False)

    def __post_init__(self) -> None:
        losses, metrics = _registries(self.options)
        loss = loop.loss_of(self.exp.loss, losses)
        self.optimiser = optim.build(self.exp.optimiser, self.exp.steps)
        self.model = loop.build_model(self.module, self.exp)
        self.stochastic = loop.is_stochastic(self.model)
        self.step_fn = loop.make_step(loss, self.optimiser, self.stochastic)
        self.measure = loop.make_measure(loss, loop.metrics_of(self.exp.metrics, metrics))
        self.streamed = ev.make_streamed(loss, loop.metrics_of(self.exp.metrics, metrics), self.exp)
        self.opt_state = loop.init_state(self.model, self.optimiser)


def _print_task_error(e: data.TaskError, sources: Mapping[str, str]) -> int:
    print(render(e.diagnostic, dict(sources)), file=sys.stderr)
    return 1


def train(exp: Experiment, module: Any, options: Options) -> int:
    """Train `exp` into `options.out`; the exit status."""
    try:
        return _train(exp, module, options)
    except data.TaskError as e:
        return _print_task_error(e, options.sources)
    except checkpoint.CheckpointError as e:
        print(RunText.CHECKPOINT.format(reason=str(e)), file=sys.stderr)
        return 1


def _train(exp: Experiment, module: Any, options: Options) -> int:
    out = options.out
    folder = rundir.checkpoints(out)
    log = rundir.MetricsLog(out / "metrics.jsonl")
    if not options.resume and checkpoint.listed(folder):
        print(RunText.OUT_EXISTS.format(out=str(out)), file=sys.stderr)
        return 1
    if not options.resume and log.path.exists():  # a run stopped before its first checkpoint
        log.path.unlink()
    base = Path(exp.file).parent if exp.file else Path.cwd()
    train_fn = data.resolve(exp.task, base)
    eval_fns = ev.resolve_all(exp, base)
    run = _Run(exp, options, module)
    start = 0
    if options.resume:
        start = _restore(run, folder, log)
        if start < 0:
            return 1
        if not options.quiet:
            print(RunText.RESUMED.format(path=str(checkpoint.latest(folder)), step=start))
    out.mkdir(parents=True, exist_ok=True)
    rundir.write_config(out, exp)
    last_good: Path | None = checkpoint.latest(folder)
    results: dict[str, dict[str, float]] = {}
    with _Interrupt() as stop, Progress(exp.steps, start, quiet=options.quiet) as progress:
        for step in range(start + 1, exp.steps + 1):
            b = data.draw(train_fn, exp.task, exp.seed, 0, step - 1, exp.batch)
            model, opt_state, loss = run.step_fn(run.model, run.opt_state, ev._device(b.inputs),
                                                  ev._device(b.targets), loop.step_key(exp.seed, step - 1))
            value = float(loss)
            if not math.isfinite(value):
                progress.__exit__()
                _not_finite(value, step, last_good)
                return 1
            run.model, run.opt_state = model, opt_state
            log.append({"step": step, "loss": value})
            progress.step(step, value)
            if exp.eval_sets and (step % exp.eval_every == 0 or step == exp.steps):
                results = ev.evaluate_all(run.measure, run.model, eval_fns, exp, run.streamed)
                for name, values in results.items():
                    log.append({"step": step, "eval": name, **values})
                    progress.evaluation(step, name, values)
            if step % exp.checkpoint_every == 0 or step == exp.steps or stop.hit:
                last_good = checkpoint.save(folder, step, run.model, run.opt_state)
            if stop.hit:
                progress.__exit__()
                print(RunText.INTERRUPTED.format(step=step, path=str(last_good)), file=sys.stderr)
                return 130
    if start >= exp.steps and not options.quiet:
        print(RunText.ALREADY_DONE.format(out=str(out), steps=exp.steps))
    rundir.draw_pictures(out, log.records(), [es.name for es in exp.eval_sets])
    if not options.quiet:
        final_table(results or _last_results(log))
    if "machine" in exp.verify:
        from . import machine

        found = machine.verify(run.model, machine.reference_of(exp.task))
        machine.record(out, found)
        if not options.quiet:
            print(machine.describe(found, str(out / machine.FILE)))
    if not options.quiet:
        print(RunText.DONE.format(steps=exp.steps, out=str(out)))
    return 0


def _last_results(log: rundir.MetricsLog) -> dict[str, dict[str, float]]:
    evals = [r for r in log.records() if "eval" in r]
    if not evals:
        return {}
    last = max(r["step"] for r in evals)
    return {r["eval"]: {k: v for k, v in r.items() if k not in ("step", "eval")} for r in evals if r["step"] == last}


def _restore(run: _Run, folder: Path, log: rundir.MetricsLog) -> int:
    """Load the latest checkpoint into `run`; its step, or -1 (said why) when there is none
    or it is damaged. A damaged one is never passed over silently for an earlier one."""
    found = checkpoint.listed(folder)
    if not found:
        print(RunText.NO_CHECKPOINT.format(folder=str(folder)), file=sys.stderr)
        return -1
    try:
        restored = checkpoint.load(found[-1][1], run.model, run.opt_state)
    except checkpoint.CheckpointError as e:
        if len(found) > 1:
            print(RunText.CHECKPOINT_EARLIER.format(reason=str(e), earlier=str(found[-2][1])), file=sys.stderr)
        else:
            print(RunText.CHECKPOINT.format(reason=str(e)), file=sys.stderr)
        return -1
    run.model, run.opt_state = restored.model, restored.opt_state
    log.truncate_after(restored.step)
    return restored.step


def _not_finite(value: float, step: int, last_good: Path | None) -> None:
    if last_good is None:
        print(RunText.NOT_FINITE_NONE.format(value=value, step=step), file=sys.stderr)
    else:
        print(RunText.NOT_FINITE.format(value=value, step=step, path=str(last_good)), file=sys.stderr)


def evaluate(exp: Experiment, module: Any, path: Path, options: Options) -> int:
    """`para eval`: every evaluation set (the training task where there is none) on the model
    of the checkpoint at `path`; prints the table, exit status 0 or 1."""
    try:
        run = _Run(exp, options, module)
        model = checkpoint.load_model(path, run.model)
        base = Path(exp.file).parent if exp.file else Path.cwd()
        if not exp.eval_sets:
            from ..ir.experiment import EvalSet

            exp = _with_sets(exp, (EvalSet("train", exp.task, 1000),))
        results = ev.evaluate_all(run.measure, model, ev.resolve_all(exp, base), exp, run.streamed)
    except data.TaskError as e:
        return _print_task_error(e, options.sources)
    except checkpoint.CheckpointError as e:
        print(RunText.CHECKPOINT.format(reason=str(e)), file=sys.stderr)
        return 1
    final_table(results)
    return 0


def _with_sets(exp: Experiment, sets: tuple) -> Experiment:
    from dataclasses import replace

    return replace(exp, eval_sets=sets)


def parameters(model: Any) -> list[jax.Array]:
    """The array leaves of a model, in order (what resumed and uninterrupted runs compare)."""
    import equinox as eqx

    return [jnp.asarray(x) for x in jax.tree_util.tree_leaves(eqx.filter(model, eqx.is_array))]
