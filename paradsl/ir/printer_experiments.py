"""The text of tasks and experiments in the typed IR, as `para ir` prints them after the
paras: every argument with its value (defaults filled in), types short.

    task Addition(min_digits: Nat = 1, max_digits: Nat = 8) (t: list) : i32[t,2] -> i32[t]
      = "paradsl.train.tasks:addition"

    experiment AddSmall
      model Adder(d = 32)
      task Addition(min_digits = 1, max_digits = 8) : i32[t,2] -> i32[t]
      loss cross_entropy + 0.1 * mse[0]
      ...
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import Type
from .experiment import Args, Experiment, LossTerm, Task, TaskCall, Value

INDENT = "  "


def format_task(task: Task, short_type: Callable[[Type], str]) -> str:
    args = ", ".join(f"{n}: {k}" + ("" if d is None else f" = {_value(d)}") for n, k, d in task.arguments)
    sets = " (" + ", ".join(f"{n}: {k.value}" for n, k in task.index_sets) + ")" if task.index_sets else ""
    head = f"task {task.name}" + (f"({args})" if args else "") + sets
    return f"{head} : {short_type(task.input)} -> {short_type(task.output)}\n{INDENT}= \"{task.target}\""


def format_experiment(exp: Experiment, short_type: Callable[[Type], str]) -> str:
    lines = [f"experiment {exp.name}", f"model {exp.model}{_args(exp.hypers)}", "task " + _call(exp.task, short_type),
             "loss " + " + ".join(_loss(t) for t in exp.loss)]
    if exp.metrics:
        lines.append("metrics " + ", ".join(m.label or m.name for m in exp.metrics))
    lines += [f"optimiser {exp.optimiser.name}{_args(exp.optimiser.args)}",
              f"steps {exp.steps}", f"batch {exp.batch}", f"seed {exp.seed}", f"eval every {exp.eval_every}"]
    lines += [f"{INDENT}{s.name} = {_call(s.task, short_type)} samples {s.samples}"
              + ("" if s.chunk is None else f" chunk {s.chunk}") for s in exp.eval_sets]
    lines.append(f"checkpoint every {exp.checkpoint_every}")
    lines += [f"verify {v}" for v in exp.verify]
    return "\n".join([lines[0]] + [INDENT + line for line in lines[1:]])


def _call(call: TaskCall, short_type: Callable[[Type], str]) -> str:
    return f"{call.task}{_args(call.args)} : {short_type(call.input)} -> {short_type(call.output)}"


def _loss(t: LossTerm) -> str:
    weight = "" if t.weight == 1.0 else f"{_value(t.weight)} * "
    return weight + t.name + ("" if t.component is None else f"[{t.component}]")


def _args(args: Args) -> str:
    return "(" + ", ".join(f"{n} = {_value(v)}" for n, v in args) + ")" if args else ""


def _value(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, (int, float)) else str(v)
