"""The stdlib's tasks, typed generators of (inputs, targets) batches, and how a task's Python
function is found.

Every task function, built-in or a user's, has one protocol:

    def task(rng: numpy.random.Generator, batch: int, **arguments) -> (inputs, targets)

`arguments` are the task's declared arguments by name, every one given (the checker has
filled in the defaults). `inputs` and `targets` are numpy arrays with a leading batch axis,
a tuple of arrays where the declared type is a tuple, shape `(batch,)` for a scalar type;
int32 where the type says `i32`, float32 otherwise. A call draws ONE size for its whole batch
(one digit count, one number of nodes, one length), so a jitted step is traced once per size.
A call is a function of `rng` alone: the runner makes it with `batch_rng(seed, stream, step)`,
so batch k of a run is the same whether or not the run was resumed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

Arrays = np.ndarray | tuple[np.ndarray, ...]
Batch = tuple[Arrays, Arrays]
TaskFunction = Callable[..., Batch]

BASE = 10  # the digits of Addition and Multiplication are decimal


class TaskImportError(Exception):
    """A task's `module:function` names nothing that can be called; the message says why."""


class TaskArgumentError(ValueError):
    """A built-in task was given arguments it cannot draw from (an empty range, a probability
    outside [0, 1]); the message names the arguments."""


def batch_rng(seed: int, stream: int, step: int) -> np.random.Generator:
    """The generator of batch `step` of `stream` (0 for training, 1 + i for the i-th
    evaluation set) of a run seeded `seed`: independent of every other (seed, stream, step)."""
    return np.random.default_rng([seed, stream, step])


# ---------------------------------------------------------------------- sizes


def _size(rng: np.random.Generator, low: int, high: int, names: tuple[str, str], least: int) -> int:
    """One size uniform in [low, high], both ends included."""
    if low < least:
        raise TaskArgumentError(f"{names[0]} is {low}; it must be at least {least}")
    if high < low:
        raise TaskArgumentError(f"{names[1]} is {high}, less than {names[0]} = {low}")
    return int(rng.integers(low, high + 1))


def _vocab(vocab: int) -> int:
    if vocab < 1:
        raise TaskArgumentError(f"vocab is {vocab}; it must be at least 1")
    return vocab


# ---------------------------------------------------------------------- arithmetic


def _carry(columns: np.ndarray) -> np.ndarray:
    """Decimal digits, least significant first, of the numbers whose column sums (digit i
    standing for BASE**i, any non-negative size) are `columns`; the last column must be wide
    enough to hold the final carry."""
    out = np.empty(columns.shape, np.int32)
    carry = np.zeros(columns.shape[0], np.int64)
    for i in range(columns.shape[1]):
        total = columns[:, i] + carry
        out[:, i] = total % BASE
        carry = total // BASE
    assert not carry.any(), "the positions hold the result"
    return out


def _operands(rng: np.random.Generator, batch: int, digits: int, positions: int) -> np.ndarray:
    """(batch, positions, 2) int64: two numbers of `digits` uniform digits each (leading zeros
    allowed), least significant first, zero-padded to `positions`."""
    out = np.zeros((batch, positions, 2), np.int64)
    out[:, :digits] = rng.integers(0, BASE, size=(batch, digits, 2))
    return out


def addition(rng: np.random.Generator, batch: int, *, min_digits: int, max_digits: int) -> Batch:
    """`[t, 2] i32 -> [t] i32`: decimal addition, digit by digit.

    One digit count L per batch, uniform in [min_digits, max_digits]; two numbers of L uniform
    digits each (leading zeros allowed), written least significant first over t = L + 1
    positions (position L is 0 in both: room for the carry). input[b, i, 0] and
    input[b, i, 1] are digit i of the two numbers, target[b, i] digit i of their sum.
    """
    digits = _size(rng, min_digits, max_digits, ("min_digits", "max_digits"), 1)
    x = _operands(rng, batch, digits, digits + 1)
    return x.astype(np.int32), _carry_of_sum(x[:, :, 0] + x[:, :, 1])


def _carry_of_sum(columns: np.ndarray) -> np.ndarray:
    """`_carry` of columns in [0, 18] (the digit sums of an addition), without a loop over the
    positions, so that numbers of 100,000 digits are drawn in a fraction of a second: the carry
    into column i is that out of the nearest column below i whose sum is not 9 (a 9 passes
    on the carry it gets), and a column's carry out is its sum + carry in >= 10."""
    n, t = columns.shape
    idx = np.where(columns != BASE - 1, np.arange(t), -1)
    last = np.maximum.accumulate(idx, axis=1)  # the nearest column at or below i that is not 9
    generates = np.take_along_axis(columns >= BASE, np.maximum(last, 0), axis=1) & (last >= 0)
    carry_in = np.zeros((n, t), np.int64)
    carry_in[:, 1:] = generates[:, :-1]
    total = columns + carry_in
    assert not (total[:, -1] >= BASE).any(), "the positions hold the result"
    return (total % BASE).astype(np.int32)


def multiplication(rng: np.random.Generator, batch: int, *, min_digits: int, max_digits: int) -> Batch:
    """`[t, 2] i32 -> [t] i32`: decimal multiplication, digit by digit.

    One digit count L per batch, uniform in [min_digits, max_digits]; two numbers of L uniform
    digits each (leading zeros allowed), written least significant first over t = 2 L
    positions (both zero-padded from position L on, room for the product). input[b, i, 0] and
    input[b, i, 1] are digit i of the two numbers, target[b, i] digit i of their product.
    """
    digits = _size(rng, min_digits, max_digits, ("min_digits", "max_digits"), 1)
    x = _operands(rng, batch, digits, 2 * digits)
    a, b = x[:, :digits, 0], x[:, :digits, 1]
    columns = np.zeros((batch, 2 * digits), np.int64)
    for i in range(digits):  # long multiplication: digit i of a times b, shifted by i
        columns[:, i : i + digits] += a[:, i : i + 1] * b
    return x.astype(np.int32), _carry(columns)


# ---------------------------------------------------------------------- graphs


@functools.cache
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The flat indices into an (n, n) array of the pairs u < v, and of the same pairs as v, u."""
    u, v = np.triu_indices(n, k=1)
    return u * n + v, v * n + u


def _graphs(rng: np.random.Generator, n: int, ps: np.ndarray) -> np.ndarray:
    """(len(ps), n, n) float32: for each p an undirected G(n, p), its weights uniform in
    [0, 1), `inf` where there is no edge and on the diagonal. One graph at a time, each drawing
    only the pairs u < v (the graphs of 1,024 nodes are large)."""
    upper, lower = _pairs(n)
    w = np.full((len(ps), n, n), np.inf, np.float32)
    for g, p in zip(w.reshape(len(ps), n * n), ps):
        edge = rng.random(upper.size) < p
        weight = np.where(edge, rng.random(upper.size, dtype=np.float32), np.float32(np.inf))
        g[upper] = weight
        g[lower] = weight
    return w


def _dijkstra(w: np.ndarray, source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distances from `source[b]` in each graph `w[b]` (non-negative weights, `inf` for no
    edge) and each node's predecessor on a shortest path, the source and unreachable nodes
    their own. Dense Dijkstra run on every graph of the batch at once: n steps, each settling
    the nearest open node of every graph, O(n^2) per graph. In float32 throughout, so
    dist[pred[v]] + w[pred[v], v] == dist[v] holds exactly."""
    batch, n, _ = w.shape
    rows = np.arange(batch)
    dist = np.full((batch, n), np.inf, np.float32)
    dist[rows, source] = 0
    pred = np.tile(np.arange(n, dtype=np.int32), (batch, 1))
    tentative = dist.copy()  # dist of the nodes not yet settled, inf for the settled
    for _ in range(n):
        u = np.argmin(tentative, axis=1)
        nearest = tentative[rows, u]
        if not np.isfinite(nearest).any():  # every node left open is unreachable
            break
        tentative[rows, u] = np.inf
        # A settled node is never improved: its distance is at most `nearest`, and the
        # weights are non-negative (float32 addition is monotone too).
        through = nearest[:, None] + w[rows, u]
        better = through < dist
        np.copyto(dist, through, where=better)
        np.copyto(tentative, through, where=better)
        np.copyto(pred, u[:, None].astype(np.int32), where=better)
    return dist, pred


def shortest_paths(rng: np.random.Generator, batch: int, *, min_nodes: int, max_nodes: int, p_min: float,
                   p_max: float) -> Batch:
    """`([n], [n, n]) -> ([n], [n] ptr n)`: single-source shortest paths.

    One node count n per batch, uniform in [min_nodes, max_nodes]; per graph an edge
    probability p uniform in [p_min, p_max] and an undirected Erdős–Rényi G(n, p), its weights
    uniform in [0, 1) and symmetric: w[u, v] is the weight of the edge u-v, `inf` where there
    is no edge and on the diagonal; and a uniform random source s, with d0[s] = 0 and `inf`
    elsewhere. Inputs (d0, w). Targets: the distances from s (`inf` where unreachable) and
    the predecessor of each node on a shortest path, the source and unreachable nodes
    pointing to themselves.
    """
    n = _size(rng, min_nodes, max_nodes, ("min_nodes", "max_nodes"), 1)
    if not 0.0 <= p_min <= p_max <= 1.0:
        raise TaskArgumentError(f"p_min = {p_min} and p_max = {p_max}; they must be 0 <= p_min <= p_max <= 1")
    ps = rng.uniform(p_min, p_max, size=batch)
    w = _graphs(rng, n, ps)
    source = rng.integers(0, n, size=batch)
    d0 = np.full((batch, n), np.inf, np.float32)
    d0[np.arange(batch), source] = 0
    return (d0, w), _dijkstra(w, source)


def all_pairs_shortest_paths(rng: np.random.Generator, batch: int, *, min_nodes: int, max_nodes: int,
                             p_min: float, p_max: float) -> Batch:
    """`[n, n] -> ([n, n], [n, n] ptr n)`: all-pairs shortest paths.

    The graphs of `shortest_paths` (one n per batch, p per graph, symmetric weights in [0, 1),
    `inf` where there is no edge and on the diagonal), the weights the only input. Targets:
    dist[i, j], the length of a shortest path from i to j (0 on the diagonal, `inf` where j
    is unreachable from i), and pred[i, j], the node before j on it, i on the diagonal and j
    itself where j is unreachable: row i is `shortest_paths`'s target for the source i.
    """
    n = _size(rng, min_nodes, max_nodes, ("min_nodes", "max_nodes"), 1)
    if not 0.0 <= p_min <= p_max <= 1.0:
        raise TaskArgumentError(f"p_min = {p_min} and p_max = {p_max}; they must be 0 <= p_min <= p_max <= 1")
    w = _graphs(rng, n, rng.uniform(p_min, p_max, size=batch))
    # Every node a source: the batch's graphs n times over, one Dijkstra for all of them.
    dist, pred = _dijkstra(np.repeat(w, n, axis=0), np.tile(np.arange(n), batch))
    return w, (dist.reshape(batch, n, n), pred.reshape(batch, n, n))


# ---------------------------------------------------------------------- sequences


def second_minimum(rng: np.random.Generator, batch: int, *, min_size: int, max_size: int, vocab: int) -> Batch:
    """`[n] i32 -> i32`: the second smallest of a multiset.

    One size n per batch, uniform in [min_size, max_size] (at least 2); n integers uniform in
    [0, vocab); target the second smallest, sorted(x)[1], which is the minimum again where the
    minimum repeats.
    """
    n = _size(rng, min_size, max_size, ("min_size", "max_size"), 2)
    x = rng.integers(0, _vocab(vocab), size=(batch, n), dtype=np.int32)
    return x, np.sort(x, axis=1)[:, 1]


def _tokens(rng: np.random.Generator, batch: int, vocab: int, min_len: int, max_len: int) -> np.ndarray:
    length = _size(rng, min_len, max_len, ("min_len", "max_len"), 1)
    return rng.integers(0, _vocab(vocab), size=(batch, length), dtype=np.int32)


def copy(rng: np.random.Generator, batch: int, *, vocab: int, min_len: int, max_len: int) -> Batch:
    """`[t] i32 -> [t] i32`: one length per batch, uniform in [min_len, max_len]; tokens
    uniform in [0, vocab); the target is the sequence itself."""
    x = _tokens(rng, batch, vocab, min_len, max_len)
    return x, x.copy()


def reverse(rng: np.random.Generator, batch: int, *, vocab: int, min_len: int, max_len: int) -> Batch:
    """`[t] i32 -> [t] i32`: one length per batch, uniform in [min_len, max_len]; tokens
    uniform in [0, vocab); the target is the sequence reversed."""
    x = _tokens(rng, batch, vocab, min_len, max_len)
    return x, x[:, ::-1].copy()


def sort(rng: np.random.Generator, batch: int, *, vocab: int, min_len: int, max_len: int) -> Batch:
    """`[t] i32 -> [t] i32`: one length per batch, uniform in [min_len, max_len]; tokens
    uniform in [0, vocab); the target is the sequence sorted ascending."""
    x = _tokens(rng, batch, vocab, min_len, max_len)
    return x, np.sort(x, axis=1)


#: SecondMinimumList: the same generator, its multisets read as a list in the order drawn,
#: which is uniformly random (the elements are independent), for a model that reads a list.
second_minimum_list = second_minimum


#: The built-in tasks by function name, as `stdlib/tasks.para` binds them.
BUILTINS: dict[str, TaskFunction] = {
    "addition": addition,
    "multiplication": multiplication,
    "shortest_paths": shortest_paths,
    "second_minimum": second_minimum,
    "copy": copy,
    "reverse": reverse,
    "sort": sort,
    "second_minimum_list": second_minimum_list,
    "all_pairs_shortest_paths": all_pairs_shortest_paths,
}


# ---------------------------------------------------------------------- finding a task


def resolve(target: str, base: Path) -> TaskFunction:
    """The function `target` (`module:function`) names: `paradsl.train.tasks:NAME` is a
    built-in; any other module is imported with the folder `base` (the .para file's) first on
    the import path. Raises TaskImportError saying why where there is no such function."""
    module_name, sep, function = target.partition(":")
    if not sep or not module_name or not function or ":" in function:
        raise TaskImportError(f"'{target}' is not of the form module:function")
    if module_name == __name__:
        if function not in BUILTINS:
            raise TaskImportError(f"there is no built-in task '{function}' (there are {', '.join(BUILTINS)})")
        return BUILTINS[function]
    found = _import(module_name, Path(base))
    for part in function.split("."):
        if not hasattr(found, part):
            raise TaskImportError(f"module '{module_name}' has no attribute '{function}'")
        found = getattr(found, part)
    if not callable(found):
        raise TaskImportError(f"'{target}' is a {type(found).__name__}, not a function")
    return found


def _import(module_name: str, base: Path):
    folder = str(base.resolve())
    _forget_if_shadowed(module_name, base.resolve())
    sys.path.insert(0, folder)
    try:
        importlib.invalidate_caches()
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name is not None and (module_name + ".").startswith(e.name + "."):
            raise TaskImportError(f"no module named '{e.name}' in {base} or on the import path") from None
        raise TaskImportError(f"importing '{module_name}' failed: {e}") from None
    except SyntaxError as e:
        raise TaskImportError(f"'{module_name}' has a syntax error at line {e.lineno}: {e.msg}") from None
    except Exception as e:  # the module's own code failed: report it, never a traceback
        raise TaskImportError(f"importing '{module_name}' raised {type(e).__name__}: {e}") from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)


def _forget_if_shadowed(module_name: str, base: Path) -> None:
    """Where `base` holds the module's top-level package but one of that name was imported
    from elsewhere, drop the imported one, so the file's own folder comes first as it would
    in a fresh process."""
    top = module_name.split(".")[0]
    here = base / f"{top}.py" if (base / f"{top}.py").is_file() else base / top
    loaded = sys.modules.get(top)
    if loaded is None or not here.exists():
        return
    origin = getattr(loaded, "__file__", None)
    if origin is not None and Path(origin).resolve().is_relative_to(base):
        return
    for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
        del sys.modules[name]


# ---------------------------------------------------------------------- reference machines


def addition_machine(carry: int, digits: tuple[int, int]) -> tuple[int, int]:
    """The machine `addition` is, one step: from a carry and a digit pair, the sum's digit
    and the next carry (schoolbook addition, least significant digit first)."""
    total = digits[0] + digits[1] + carry
    return total % BASE, total // BASE


@dataclass(frozen=True)
class ReferenceMachine:
    """The finite machine a task's targets come from: a learned machine is checked against
    it (`paradsl.train.machine`). `step(state, symbol)` is (output, next state)."""

    start: int
    symbols: tuple[tuple[int, ...], ...]
    step: Callable[[int, tuple[int, ...]], tuple[int, int]]


#: A task's target (as `paradsl.catalogue.REFERENCE_MACHINES` names it) -> its reference machine.
MACHINES: dict[str, ReferenceMachine] = {
    "paradsl.train.tasks:addition": ReferenceMachine(
        0, tuple((a, b) for a in range(BASE) for b in range(BASE)), addition_machine),  # type: ignore[arg-type]
}
