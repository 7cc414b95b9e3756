"""`para run` and `para eval`: the experiment checked (overrides applied), its model
compiled, then the runner. The command line's parser is `paradsl.cli`'s; this module holds
what the two commands do with their arguments.

Exit status: 0 done, 1 an error in the program, its tasks or a checkpoint, 2 a usage error
(`para: error: ...`), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .texts import RunText


def add_arguments(run: argparse.ArgumentParser, evaluate: argparse.ArgumentParser) -> None:
    for p in (run, evaluate):
        p.add_argument("file", metavar="FILE", help="the .para file declaring the experiment")
        p.add_argument("name", metavar="NAME", nargs="?", help="the experiment (default: the only one in FILE)")
        p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                       help="override a setting: steps, batch, seed, eval_every, checkpoint_every, model.HYPER, "
                       "task.ARG, optimiser.ARG, eval.SET.ARG, eval.SET.samples (repeatable)")
    run.add_argument("--steps", type=int, metavar="N", help="train N steps (the same as --set steps=N)")
    run.add_argument("--seed", type=int, metavar="S", help="the seed (the same as --set seed=S)")
    run.add_argument("--out", metavar="DIR", help="the run directory (default: runs/<experiment>)")
    run.add_argument("--resume", action="store_true", help="continue from the run directory's last checkpoint")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    evaluate.add_argument("--checkpoint", required=True, metavar="PATH", help="a checkpoint written by para run")


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    from ..experiment_api import parse_sets

    sets = parse_sets(args.sets)
    for key in ("steps", "seed"):
        if getattr(args, key, None) is not None:
            sets[key] = str(getattr(args, key))
    return sets


def _prepare(args: argparse.Namespace, policy: Any) -> tuple[Any, Any, dict[str, str], int]:
    """(experiment, module, sources) or an exit status, the reason printed."""
    from ..diagnostics.report import ParaError, render
    from ..experiment_api import UsageError, experiment

    try:
        exp = experiment(args.file, args.name, _overrides(args), policy=policy)
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return None, None, {}, 2
    except ParaError as e:
        for d in e.diagnostics:
            print(render(d, e.sources), file=sys.stderr)
        return None, None, {}, 1
    from ..driver import load

    module = load(args.file)
    return exp, module, _sources(exp), 0


def _sources(exp: Any) -> dict[str, str]:
    """The text of each file a task call of the experiment is in, for the diagnostics of its tasks."""
    spans = [exp.task.span, *(es.task.span for es in exp.eval_sets), *(es.span for es in exp.eval_sets)]
    out = {}
    for span in spans:
        if span is not None and span.file not in out:
            try:
                out[span.file] = Path(span.file).read_text(encoding="utf-8")
            except OSError:
                continue
    return out


def run(args: argparse.Namespace, policy: Any) -> int:
    try:
        return _run(args, policy)
    except KeyboardInterrupt:  # before training began (checking, compiling): nothing to keep
        print(RunText.INTERRUPTED_EARLY.format(), file=sys.stderr)
        return 130


def _run(args: argparse.Namespace, policy: Any) -> int:
    from . import runner

    exp, module, sources, status = _prepare(args, policy)
    if exp is None:
        return status
    out = Path(args.out) if args.out else Path("runs") / exp.name
    options = runner.Options(out, resume=args.resume, quiet=args.quiet, sources=sources)
    return runner.train(exp, module, options)


def evaluate(args: argparse.Namespace, policy: Any) -> int:
    from . import runner

    path = Path(args.checkpoint)
    if not path.is_file():
        print(RunText.NO_SUCH_CHECKPOINT.format(path=args.checkpoint), file=sys.stderr)
        return 1
    exp, module, sources, status = _prepare(args, policy)
    if exp is None:
        return status
    return runner.evaluate(exp, module, path, runner.Options(path.parent, sources=sources))
