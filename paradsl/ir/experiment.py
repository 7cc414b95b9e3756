"""Experiments in the typed IR: what the checker makes of a `task` or `experiment`
declaration, and all the runner (`paradsl.train`) reads.

    Task        ::= name target Hyper* (name, Kind)* input:Type output:Type
                    a typed data generator; `target` names its Python function
    TaskCall    ::= task target (name, value)* input:Type output:Type
                    a task applied to every one of its arguments (defaults filled in)
    LossTerm    ::= name component? weight              `cross_entropy`, `0.1 * mse[0]`
    MetricRef   ::= name component? label               `accuracy`, `distance_error[0]`
    Optimiser   ::= name (name, value)*                  `adam(lr = 1e-3, clip = 1.0)`
    EvalSet     ::= name TaskCall samples chunk?
    Experiment  ::= name file model (name, value)* TaskCall LossTerm* MetricRef* Optimiser
                    steps batch seed eval_every EvalSet* checkpoint_every verify*

A task's `input` is the model's domain and its `output` the type of its targets, in the
language's own types, index sets included: the digits of an addition are a `list`, the
nodes of a graph a `set`. The checker has unified both with the model's signature, the loss
and the metrics before an `Experiment` exists, so the runner trusts its fields.

`component` picks one part of a tuple of targets (and the model's tuple of outputs); it is
None where the target is a single tensor. Values are plain Python numbers, booleans or
strings, in declaration order; every mapping here is a tuple of pairs so nodes stay
hashable and print in a stable order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics.span import Span
from ..types import Kind, Type

Value = int | float | bool | str
Args = tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Task:
    """A declared task: a generator of (inputs, targets) batches, typed."""

    name: str
    #: `module:function`, the Python function that generates its batches.
    target: str
    #: (argument name, kind name such as "Nat" or "Float", default or None), in order.
    arguments: tuple[tuple[str, str, Value | None], ...]
    index_sets: tuple[tuple[str, Kind], ...]
    input: Type
    output: Type
    file: str = ""
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TaskCall:
    """A task applied to its arguments; `args` holds every argument, defaults filled in."""

    task: str
    target: str
    args: Args
    input: Type
    output: Type
    span: Span | None = field(default=None, compare=False)

    def kwargs(self) -> dict[str, Value]:
        return dict(self.args)


@dataclass(frozen=True)
class LossTerm:
    name: str
    component: int | None = None
    weight: float = 1.0
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MetricRef:
    name: str
    component: int | None = None
    #: How tables, logs and metrics.jsonl name it: `accuracy`, `distance_error[0]`.
    label: str = ""
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Optimiser:
    """An optax optimiser by name with its arguments: `lr`, and where given `schedule`
    (`constant`, `cosine`, `linear`), `warmup` (steps), `clip` (global norm), and the
    optimiser's own (`b1`, `b2`, `weight_decay`, `momentum`, ...)."""

    name: str
    args: Args = ()
    span: Span | None = field(default=None, compare=False)

    def kwargs(self) -> dict[str, Value]:
        return dict(self.args)


@dataclass(frozen=True)
class EvalSet:
    name: str
    task: TaskCall
    #: Examples drawn for each evaluation of this set.
    samples: int
    span: Span | None = field(default=None, compare=False)
    #: Where set, the list is cut into chunks of this many positions, the model's state
    #: carried from one to the next (the model is streamable: `paradsl.ir.streaming`).
    chunk: int | None = None


@dataclass(frozen=True)
class Experiment:
    name: str
    #: The file that declares it, as the checker resolved it.
    file: str
    #: The para trained, and its hyperparameters (every one, defaults filled in).
    model: str
    hypers: Args
    task: TaskCall
    loss: tuple[LossTerm, ...]
    metrics: tuple[MetricRef, ...]
    optimiser: Optimiser
    steps: int
    batch: int
    seed: int
    eval_every: int
    eval_sets: tuple[EvalSet, ...]
    checkpoint_every: int
    span: Span | None = field(default=None, compare=False)
    #: The verifications the run makes after training: `machine` (the extracted machine).
    verify: tuple[str, ...] = ()

    def model_kwargs(self) -> dict[str, Value]:
        return dict(self.hypers)
