"""Which paras can be streamed: a `run` of a Mealy machine over a list, its final state
dropped, then maps applied at each position. Such a para's output at position i depends
on the positions before it only through the machine's state, so a long input can be cut
into chunks, the state carried from one to the next, and memory is that of one chunk.

The checker reads `stream_plan` to accept an evaluation set's `chunk` and a `verify
machine` clause only for such a model; the lowering reads it to give the para's class its
`stream_start` and `stream` methods. Both read the same plan, so what the checker accepts
is what the emitted module can do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .nodes import Compose, Fold, FoldMode, LambdaT, MapOver, MapTerm, ParaDef, Scheme, Var


@dataclass(frozen=True)
class StreamPlan:
    """A streamable para's body taken apart: the machine's run, then the per-position maps."""

    run: Fold
    #: `map f over t` terms after the run's outputs are picked, in order, each over the run's list.
    after: tuple[MapOver, ...]


def _steps(m: MapTerm) -> list[MapTerm]:
    if isinstance(m, Compose):
        return _steps(m.first) + _steps(m.second)
    return [m]


def _picks_outputs(m: MapTerm) -> bool:
    """`(ys, s) => ys`: the run's outputs, its final state dropped."""
    return (isinstance(m, LambdaT) and m.tupled and len(m.params) == 2 and isinstance(m.body, Var)
            and m.body.name == m.params[0])


def stream_plan(p: ParaDef) -> StreamPlan | None:
    """The plan of `p` where it can be streamed, else None."""
    if p.shape is not None or p.ties or p.stochastic:
        return None
    steps = _steps(p.body)
    if len(steps) < 2:
        return None
    run, pick, *after = steps
    if not (isinstance(run, Fold) and run.scheme is Scheme.RUN and run.mode is FoldMode.MEALY):
        return None
    if not _picks_outputs(pick):
        return None
    if not all(isinstance(a, MapOver) and a.axis == run.axis for a in after):
        return None
    return StreamPlan(run, tuple(after))  # type: ignore[arg-type]
