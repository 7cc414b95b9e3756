"""The order in which a product of factors under a `sum` is contracted.

A contraction of three or more factors runs as a chain of pairwise contractions, and what it
costs depends on the chain: `sum u c. a[u, v] * x[u, c] * W[c, k]` is `2·n²·d + 2·n·d·h`
taken left to right and `2·n·d·h + 2·n²·h` taken the other way. The order is decided here,
once, for both the lowering (which passes it to `jnp.einsum` as its contraction path) and
`para cost` (which counts each step), so that what is counted is what runs.

The order is the program's: factors are taken left to right, as written, and each step sums
the indices that no later factor and not the result needs. It does not depend on the sizes,
which are polynomials until the program runs, so a program chooses its chain by the order
of its factors, as one brackets a matrix chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One pairwise contraction: the labels of the two operands (the product so far and the
    next factor), the labels of its result, and those it sums; `lone` are the summed labels
    that only one operand has, which that operand sums by itself before the product."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    kept: tuple[str, ...]
    summed: tuple[str, ...]

    @property
    def lone(self) -> tuple[str, ...]:
        return tuple(n for n in self.summed if (n in self.left) != (n in self.right))


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for g in groups for n in g))


def steps(labels: Sequence[tuple[str, ...]], out: Iterable[str]) -> tuple[Step, ...]:
    """The pairwise contractions, left to right, of factors labelled `labels` into a result
    labelled `out`; none for a single factor."""
    out = tuple(out)
    if not labels:
        return ()
    acc = _union(labels[0])
    chain: list[Step] = []
    for k in range(1, len(labels)):
        right = _union(labels[k])
        needed = set(out).union(*labels[k + 1:])
        both = _union(acc, right)
        kept = tuple(n for n in both if n in needed)
        chain.append(Step(acc, right, kept, tuple(n for n in both if n not in needed)))
        acc = kept
    return tuple(chain)


def einsum_path(n: int) -> list[tuple[int, int]]:
    """The left-to-right order of `n` operands as an `opt_einsum` path, `jnp.einsum`'s
    `optimize`: each pair names two positions in the list of operands left, and the product
    of a pair goes to the end of that list, so the product so far is always last."""
    return [(0, 1)] + [(0, n - 1 - k) for k in range(1, n - 1)]
