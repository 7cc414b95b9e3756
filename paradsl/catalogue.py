"""The names an experiment may use for its loss, metrics, optimiser and schedule, and what
each demands: one jax-free table that the checker reads (codes, did-you-mean hints), the
reference's tables are written from, and the training runner's registries are tested to
cover exactly.

A loss or metric has a rule kind, the relation the checker holds between the model's
prediction and the task's target:

- "classes": the prediction is the target's axes and one trailing class axis (a fixed size
  or an index set), the target an integer dtype, the prediction float;
- "pointers": as "classes", and the class axis is an index set that also indexes the target
  (a pointer into the nodes);
- "same": the prediction has the target's type, float.

An optimiser lists every argument it accepts with its kind ("Float", "Nat", "Bool" or
"name", a bare word from a fixed set such as a schedule); all are optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class RuleKind(StrEnum):
    """How a loss or metric relates a prediction to a target."""

    CLASSES = "classes"
    POINTERS = "pointers"
    SAME = "same"


class ArgKind(StrEnum):
    """The kind of an optimiser's argument, as a declaration would name it."""

    FLOAT = "Float"
    NAT = "Nat"
    BOOL = "Bool"
    NAME = "name"


@dataclass(frozen=True)
class Measure:
    """A loss or a metric: its rule kind and a one-line description (docs and hints)."""

    kind: RuleKind
    description: str


@dataclass(frozen=True)
class Argument:
    """An argument an optimiser accepts; `default` is None where absent means "not used"."""

    kind: ArgKind
    default: float | int | bool | str | None = None


@dataclass(frozen=True)
class OptimiserSpec:
    """An optax optimiser: its arguments in the order the reference lists them."""

    arguments: tuple[tuple[str, Argument], ...]
    description: str

    def argument(self, name: str) -> Argument | None:
        return dict(self.arguments).get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.arguments)


LOSSES: Mapping[str, Measure] = MappingProxyType({
    "cross_entropy": Measure(
        RuleKind.CLASSES,
        "mean over positions of the negative log-likelihood of the target class "
        "(log_softmax over the trailing class axis)",
    ),
    "mse": Measure(
        RuleKind.SAME,
        "mean squared error over the positions where the target is finite",
    ),
})

METRICS: Mapping[str, Measure] = MappingProxyType({
    "accuracy": Measure(
        RuleKind.CLASSES,
        "fraction of positions whose argmax over the class axis is the target",
    ),
    "exact_match": Measure(
        RuleKind.CLASSES,
        "1 where every position of the example is right, else 0",
    ),
    "pointer_accuracy": Measure(
        RuleKind.POINTERS,
        "accuracy of a pointer into the nodes: the class axis is the index set of the target",
    ),
    "mse": Measure(
        RuleKind.SAME,
        "mean squared error over the positions where the target is finite",
    ),
    "distance_error": Measure(
        RuleKind.SAME,
        "mean absolute error over the positions where the target is finite",
    ),
})

SCHEDULES: Mapping[str, str] = MappingProxyType({
    "constant": "the learning rate throughout (after the warmup)",
    "cosine": "cosine decay from the learning rate to 0 over the steps (after the warmup)",
    "linear": "linear decay from the learning rate to 0 over the steps (after the warmup)",
})

#: Arguments every optimiser accepts: learning rate, its schedule and warmup, clipping.
COMMON_ARGUMENTS: tuple[tuple[str, Argument], ...] = (
    ("lr", Argument(ArgKind.FLOAT, 1e-3)),
    ("schedule", Argument(ArgKind.NAME, "constant")),
    ("warmup", Argument(ArgKind.NAT, 0)),
    ("clip", Argument(ArgKind.FLOAT, None)),
)


def _optimiser(description: str, *own: tuple[str, ArgKind]) -> OptimiserSpec:
    return OptimiserSpec(
        COMMON_ARGUMENTS + tuple((name, Argument(kind)) for name, kind in own), description
    )


_F, _B = ArgKind.FLOAT, ArgKind.BOOL

OPTIMISERS: Mapping[str, OptimiserSpec] = MappingProxyType({
    "adam": _optimiser("Adam", ("b1", _F), ("b2", _F), ("eps", _F)),
    "adamw": _optimiser(
        "Adam with decoupled weight decay", ("b1", _F), ("b2", _F), ("eps", _F),
        ("weight_decay", _F),
    ),
    "sgd": _optimiser("stochastic gradient descent", ("momentum", _F), ("nesterov", _B)),
    "rmsprop": _optimiser("RMSProp", ("decay", _F), ("eps", _F), ("momentum", _F)),
    "lion": _optimiser("Lion", ("b1", _F), ("b2", _F), ("weight_decay", _F)),
    "adagrad": _optimiser("Adagrad", ("eps", _F)),
})

#: The values a "name" argument may take, by argument.
NAME_VALUES: Mapping[str, tuple[str, ...]] = MappingProxyType({"schedule": tuple(SCHEDULES)})

#: The optimiser an experiment without an `optimiser` clause uses.
DEFAULT_OPTIMISER = "adam"

#: How a chunked evaluation (an evaluation set's `chunk`) combines a measure's value on each
#: chunk of one example into its value on the whole: "mean" weights each chunk by its number
#: of positions (a mean over positions), "all" takes the least (1 only where every chunk is 1).
STREAMED: Mapping[str, str] = MappingProxyType({
    "cross_entropy": "mean",
    "accuracy": "mean",
    "exact_match": "all",
})

#: What `verify <name>` may name.
VERIFICATIONS: tuple[str, ...] = ("machine",)

#: The tasks (by their target) that declare a reference machine, the algorithm a learned
#: finite machine is checked against (`paradsl.train.machine.REFERENCES`).
REFERENCE_MACHINES: frozenset[str] = frozenset({"paradsl.train.tasks:addition"})
