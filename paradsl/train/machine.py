"""`verify machine`: the finite machine a streamable model learned, read off and checked
exhaustively against the task's reference machine, so that "right at any length" is a
checked statement rather than an extrapolation.

The model's state is a vector over k classes (a softmax bottleneck); its quantised state is
the class of the largest entry, and the quantised machine steps from the one-hot vector of
a class. From the start state, every reachable quantised state is stepped on every input
symbol, its output (the argmax of the prediction) and next state read off: the table. The
table is compared with the reference under a bisimulation: the product of the two machines
explored over the reachable pairs (learned state, reference state), every output compared.
A mismatch is refused with its counterexample, the shortest input that shows it.

The quantised machine is not yet the model, which carries soft states. The margin closes
the gap: the largest eps (of those tried) for which interval arithmetic over the model's
own jaxpr proves, for every reachable state q and symbol x, that every state within eps of
one-hot q (entry q at least 1 - eps, every other at most eps) steps to a state within eps
of one-hot q' and gives the table's output (its logit above every other over the whole
box). The start state is within eps of its class, so by induction the soft model gives the
quantised machine's outputs on every input of any length. The bounds are computed in float32
as the model runs; rounding is not bounded separately.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..ir.experiment import TaskCall
from . import rundir
from .tasks import MACHINES, ReferenceMachine
from .texts import MachineText

#: The file of the run directory the result is recorded in.
FILE = "machine.json"
#: The most rounds the boxes of soft states are grown before the margin is given up.
ROUNDS = 64


@dataclass(frozen=True)
class Verdict:
    """What `verify` found. `table[q][i]` is (output, next state) of quantised state q on
    symbol i; `pairs` the reachable (learned, reference) states; `counterexample`, where
    refused, the symbols from the start, the output expected and the one given."""

    verified: bool
    start: int
    states: list[int]
    symbols: list[list[int]]
    table: dict[int, list[list[int]]]
    pairs: list[list[int]]
    counterexample: dict[str, Any] | None = None
    margin: float | None = None
    logit_gap: float | None = None
    one_hot_distance: float = 0.0
    margin_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def reference_of(task: TaskCall) -> ReferenceMachine:
    return MACHINES[task.target]


def _step_all(model: Any, symbols: jax.Array, states: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The model's prediction and next state for each (symbol, state) pair, one position each."""
    ys, nxt = jax.vmap(lambda x, s: model.stream(x[None], s))(symbols, states)
    return ys[:, 0], nxt


def _table(model: Any, symbols: jax.Array, k: int, q: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Outputs and next classes of class q on every symbol, and the next states' largest
    distance from one-hot."""
    onehot = jnp.broadcast_to(jax.nn.one_hot(q, k), (symbols.shape[0], k))
    ys, nxt = _step_all(model, symbols, onehot)
    out, to = np.asarray(jnp.argmax(ys, axis=-1)), np.asarray(jnp.argmax(nxt, axis=-1))
    dist = float(jnp.max(jnp.abs(nxt - jax.nn.one_hot(to, k))))
    return out, to, dist


def verify(model: Any, ref: ReferenceMachine) -> Verdict:
    """Extract the quantised machine of `model` and check it against `ref`."""
    symbols = jnp.asarray(np.array(ref.symbols, np.int32))
    s0 = np.asarray(model.stream_start())
    k, start = s0.shape[0], int(np.argmax(s0))
    table: dict[int, list[list[int]]] = {}
    dist = float(np.max(np.abs(s0 - np.eye(k)[start])))
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {(start, ref.start): None}
    queue = deque([(start, ref.start)])
    counter = None
    while queue and counter is None:
        q, r = queue.popleft()
        if q not in table:
            out, to, d = _table(model, symbols, k, q)
            table[q] = [[int(o), int(t)] for o, t in zip(out, to)]
            dist = max(dist, d)
        for i, sym in enumerate(ref.symbols):
            want, r2 = ref.step(r, sym)
            got, q2 = table[q][i]
            if got != want:
                counter = {"inputs": _path(parent, (q, r), ref) + [list(sym)], "expected": want, "output": got,
                           "state": q, "reference_state": r}
                break
            if (q2, r2) not in parent:
                parent[(q2, r2)] = ((q, r), i)
                queue.append((q2, r2))
    verdict = Verdict(counter is None, start, sorted(table), [list(s) for s in ref.symbols], table,
                      sorted([list(p) for p in parent]), counter, one_hot_distance=dist)
    if counter is not None:
        return verdict
    return _with_margin(verdict, model, symbols, k)


def _path(parent: dict, node: tuple[int, int], ref: ReferenceMachine) -> list[list[int]]:
    out: list[list[int]] = []
    while parent[node] is not None:
        node, i = parent[node]
        out.append(list(ref.symbols[i]))
    return out[::-1]


def _with_margin(v: Verdict, model: Any, symbols: jax.Array, k: int) -> Verdict:
    from dataclasses import replace

    from .intervals import Unsupported, interval_fn

    s0 = np.asarray(model.stream_start(), np.float32)
    try:
        found = _invariant(_bounds(model, symbols, k, interval_fn), v, s0)
    except Unsupported as e:
        return replace(v, margin_note=MachineText.UNSUPPORTED.format(primitive=str(e)))
    if found is None:
        return replace(v, margin_note=MachineText.NO_MARGIN.format(rounds=ROUNDS))
    boxes, gap = found
    far = max(max(float(1.0 - lo[q]), float(np.max(np.delete(hi, q)))) for q, (lo, hi) in boxes.items())
    return replace(v, margin=far, logit_gap=gap,
                   extra={"boxes": {str(q): [lo.tolist(), hi.tolist()] for q, (lo, hi) in boxes.items()}})


def _bounds(model: Any, symbols: jax.Array, k: int, interval_fn) -> Any:
    """`bounds((lo, hi))`: bounds on the prediction and the next state of every symbol from
    any state in the box, each the tighter of two sound ones: interval arithmetic over the
    step, and the mean-value form f(c) + J(box) (s - c), c the box's centre and J(box) the
    interval bounds of the step's Jacobian over the box (near a saturated softmax the
    Jacobian is small, which the first alone does not see)."""
    zeros = jnp.zeros((symbols.shape[0], k), jnp.float32)

    def step(s):
        return _step_all(model, symbols, s)

    def row(x, s):
        ys, nxt = model.stream(x[None], s)
        return ys[0], nxt

    def jac(s):
        return jax.vmap(jax.jacfwd(row, argnums=1))(symbols, s)

    plain = interval_fn(jax.make_jaxpr(step)(zeros))
    slope = interval_fn(jax.make_jaxpr(jac)(zeros))
    exact = jax.jit(step)

    def bounds(box):
        lo, hi = box
        (ylo, yhi), (slo, shi) = (tuple(np.asarray(a, np.float64) for a in b) for b in plain(box))
        (jylo, jyhi), (jslo, jshi) = (tuple(np.asarray(a, np.float64) for a in b) for b in slope(box))
        centre, radius = (lo + hi) / 2, (hi.astype(np.float64) - lo) / 2
        fy, fs = (np.asarray(a, np.float64) for a in exact(jnp.asarray(centre, jnp.float32)))
        wy = np.einsum("nok,nk->no", np.maximum(np.abs(jylo), np.abs(jyhi)), radius)
        ws = np.einsum("njk,nk->nj", np.maximum(np.abs(jslo), np.abs(jshi)), radius)
        return ((np.maximum(ylo, fy - wy), np.minimum(yhi, fy + wy)),
                (np.maximum(slo, fs - ws), np.minimum(shi, fs + ws)))

    return bounds


def _invariant(bounds, v: Verdict, s0: np.ndarray) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], float] | None:
    """Boxes B_q of soft states, one per reachable class, closed under the model's step: the
    start state in B_start, and for every q and symbol, the interval image of B_q inside
    B_q' for the table's next class q', its argmax certainly q' and the output's logit
    certainly the table's. Grown from the start state by hulls of the images until they
    close (at most ROUNDS rounds); with the least logit gap. None where they do not close."""
    n = len(v.symbols)
    rows = np.arange(n)
    boxes = {v.start: (s0.copy(), s0.copy())}
    for _ in range(ROUNDS):
        grown = {q: (lo.copy(), hi.copy()) for q, (lo, hi) in boxes.items()}
        least = np.inf
        for q, (lo, hi) in boxes.items():
            (ylo, yhi), (slo, shi) = bounds((np.broadcast_to(lo, (n, lo.size)).copy(),
                                             np.broadcast_to(hi, (n, hi.size)).copy()))
            ylo, yhi, slo, shi = (np.asarray(a, np.float64) for a in (ylo, yhi, slo, shi))
            out = np.array([o for o, _ in v.table[q]])
            to = np.array([t for _, t in v.table[q]])
            others = yhi.copy()
            others[rows, out] = -np.inf
            gap = ylo[rows, out] - others.max(axis=1)
            rival = shi.copy()
            rival[rows, to] = -np.inf
            if (gap <= 0).any() or (slo[rows, to] <= rival.max(axis=1)).any():
                return None
            least = min(least, float(gap.min()))
            for t in set(to.tolist()):
                pick = to == t
                lo2, hi2 = slo[pick].min(axis=0), shi[pick].max(axis=0)
                old = grown.get(t, (lo2, hi2))
                grown[t] = (np.minimum(old[0], lo2).astype(np.float32), np.maximum(old[1], hi2).astype(np.float32))
        if all(q in boxes and (grown[q][0] >= boxes[q][0]).all() and (grown[q][1] <= boxes[q][1]).all()
               for q in grown):
            return boxes, least
        boxes = grown
    return None


def record(out: Path, v: Verdict) -> None:
    data = asdict(v)
    data["table"] = {str(q): rows for q, rows in v.table.items()}
    rundir.write_bytes(out / FILE, (json.dumps(data, indent=1) + "\n").encode())


def describe(v: Verdict, path: str) -> str:
    """The lines `para run` prints about the verification."""
    lines = [MachineText.HEAD.format(states=len(v.states), symbols=len(v.symbols), pairs=len(v.pairs))]
    if v.verified:
        lines.append(MachineText.VERIFIED.format())
        if v.margin is not None:
            lines.append(MachineText.MARGIN.format(eps=v.margin, gap=v.logit_gap))
        else:
            lines.append(v.margin_note)
    else:
        c = v.counterexample or {}
        lines.append(MachineText.REFUSED.format(inputs=c.get("inputs"), expected=c.get("expected"),
                                                output=c.get("output"), state=c.get("state")))
    lines.append(MachineText.RECORDED.format(path=path))
    return "\n".join(lines)
