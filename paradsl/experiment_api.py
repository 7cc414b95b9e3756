"""The experiments of a file, checked, as the training runner reads them.

    exps = paradsl.experiments("add.para")                   # name -> ir.experiment.Experiment
    exp = paradsl.experiment("add.para", "AddSmall", {"steps": "10", "task.max_digits": "4"})

A file with an error raises `ParaError` with every diagnostic; a name or a `--set` key the
file has no place for raises `UsageError`, whose message is the line `para` prints before it
exits 2. Checking imports nothing from jax.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import catalogue, driver, ir
from .check import Checker
from .check.experiments import TaskTable, check_experiment
from .check.overrides import OverrideProblem, Places, apply
from .check.suggest import closest
from .diagnostics import DiagnosticSink, ParaError
from .diagnostics.messages_cli import CliText
from .ir.experiment import Experiment
from .resolve import ImportPolicy, Loader, Unit


class UsageError(Exception):
    """A mistake in how the experiments are asked for, not in the file: the message is the
    whole line `para` prints (`para: error: ...`) before it exits 2."""


def parse_sets(items: Iterable[str]) -> dict[str, str]:
    """`--set KEY=VALUE` items as a mapping; the last of a key wins, as on a command line."""
    out: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise UsageError(CliText.SET_BAD_ITEM.format(item=item))
        out[key.strip()] = value.strip()
    return out


def experiments(path: str | Path, *, policy: ImportPolicy = ImportPolicy()) -> dict[str, Experiment]:
    """Every experiment the file declares, checked, by name in the order declared."""
    _, _, program = _checked(path, policy)
    return {e.name: e for e in program.experiments}


def experiment(path: str | Path, name: str | None = None, overrides: Mapping[str, str] | None = None, *,
               policy: ImportPolicy = ImportPolicy()) -> Experiment:
    """One experiment of the file: `name`, or the only one there is; with `overrides`
    (`--set` pairs) put in place of what is written and the experiment checked again."""
    checker, unit, program = _checked(path, policy)
    chosen = _choose(program, unit.file, name)
    if not overrides:
        return chosen
    decl = unit.experiments[chosen.name]
    try:
        rewritten = apply(decl, _places(chosen), overrides)
    except OverrideProblem as p:
        # Keys share long prefixes (`optimiser.`), so only a near spelling is a slip.
        close = next(iter(difflib.get_close_matches(p.key, p.known, n=1, cutoff=0.8)), None)
        if close:
            raise UsageError(CliText.SET_UNKNOWN_KEY_CLOSE.format(key=p.key, close=close)) from None
        raise UsageError(CliText.SET_UNKNOWN_KEY.format(key=p.key, known=p.known)) from None
    sink = DiagnosticSink()
    found = check_experiment(checker, TaskTable(checker, sink), unit, rewritten, sink)
    if found is None or sink.has_errors:
        raise ParaError(sink.sorted(), checker.loader.sources)
    return found


def _checked(path: str | Path, policy: ImportPolicy) -> tuple[Checker, Unit, ir.Program]:
    sink = DiagnosticSink()
    loader = Loader(sink, policy)
    checker = Checker(loader, sink, driver.PARA_CHECKS)
    with driver._deep_recursion(), driver._no_cyclic_gc():
        try:
            unit = loader.load(path)
            program = driver._checked_program(checker, unit, (), sink)
        except RecursionError:
            driver._too_deep(sink, loader.display_name(Path(path)))
            program = None
    if program is None or sink.has_errors:
        raise ParaError(sink.sorted(), loader.sources)
    return checker, unit, program


def _choose(program: ir.Program, file: str, name: str | None) -> Experiment:
    names = [e.name for e in program.experiments]
    if not names:
        raise UsageError(CliText.NO_EXPERIMENT.format(file=file))
    if name is None:
        if len(names) > 1:
            raise UsageError(CliText.WHICH_EXPERIMENT.format(file=file, n=len(names), names=names))
        return program.experiments[0]
    if name not in names:
        close = closest(name, names)
        if close:
            raise UsageError(CliText.NO_SUCH_EXPERIMENT_CLOSE.format(name=name, file=file, close=close))
        raise UsageError(CliText.NO_SUCH_EXPERIMENT.format(name=name, file=file, names=names))
    return program.experiments[names.index(name)]


def _places(exp: Experiment) -> Places:
    """The argument names of the experiment's calls, in declaration order: every argument
    is in the checked experiment, defaults filled in."""
    return Places(
        model=tuple(n for n, _ in exp.hypers),
        task=tuple(n for n, _ in exp.task.args),
        optimiser=catalogue.OPTIMISERS[exp.optimiser.name].names(),
        eval_sets={s.name: tuple(n for n, _ in s.task.args) for s in exp.eval_sets},
    )
