"""An experiment's `Optimiser` as an optax transformation: the learning-rate schedule with
its warmup, global-norm clipping, and the optimiser's own arguments.

The names and arguments accepted are `paradsl.catalogue.OPTIMISERS`'; the checker has
refused any other, so a name missing here is a bug, not a user's mistake.
"""

from __future__ import annotations

from collections.abc import Callable

import optax

from ..catalogue import OPTIMISERS
from ..ir.experiment import Optimiser, Value

#: optimiser name -> its optax constructor, called with the learning rate (a schedule) and
#: the optimiser's own arguments as given.
_BUILDERS: dict[str, Callable[..., optax.GradientTransformation]] = {
    "adam": optax.adam,
    "adamw": optax.adamw,
    "sgd": optax.sgd,
    "rmsprop": optax.rmsprop,
    "lion": optax.lion,
    "adagrad": optax.adagrad,
}

_COMMON = ("lr", "schedule", "warmup", "clip")


def schedule(opt: Optimiser, steps: int) -> optax.Schedule:
    """The learning rate at each step: a linear warmup from 0 over `warmup` steps, then the
    schedule (`constant`, or `cosine`/`linear` decay to 0 by the last step)."""
    args = opt.kwargs()
    lr = float(args.get("lr", OPTIMISERS[opt.name].argument("lr").default))  # type: ignore[union-attr, arg-type]
    warmup = int(args.get("warmup", 0))  # type: ignore[arg-type]
    name = str(args.get("schedule", "constant"))
    rest = max(steps - warmup, 1)
    if name == "constant":
        after = optax.constant_schedule(lr)
    elif name == "cosine":
        after = optax.cosine_decay_schedule(lr, rest)
    elif name == "linear":
        after = optax.linear_schedule(lr, 0.0, rest)
    else:  # pragma: no cover - the checker refuses other names
        raise ValueError(f"unknown schedule {name!r}")
    if warmup == 0:
        return after
    return optax.join_schedules([optax.linear_schedule(0.0, lr, warmup), after], [warmup])


def own_arguments(opt: Optimiser) -> dict[str, Value]:
    """The optimiser's own arguments (all but lr, schedule, warmup, clip); the catalogue
    spells them as optax does."""
    return {k: v for k, v in opt.args if k not in _COMMON}


def build(opt: Optimiser, steps: int) -> optax.GradientTransformation:
    """The optax transformation of `opt` for a run of `steps` steps."""
    inner = _BUILDERS[opt.name](schedule(opt, steps), **own_arguments(opt))
    clip = opt.kwargs().get("clip")
    if clip is None:
        return inner
    return optax.chain(optax.clip_by_global_norm(float(clip)), inner)  # type: ignore[arg-type]


def names() -> frozenset[str]:
    """The optimisers this module builds (tested equal to the catalogue's)."""
    return frozenset(_BUILDERS)
