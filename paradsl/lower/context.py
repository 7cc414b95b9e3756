"""What the lowering knows while it writes: the program-wide facts every class reads, the
state of the one method being written, and the lowered values it passes around."""

from __future__ import annotations

import ast as pyast
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import ir
from . import pybuild as py
from .prims import DETERMINISTIC_INIT


@dataclass(frozen=True)
class LV:
    """A lowered value: a Python expression and the labels of its leading axes, in that order."""

    expr: pyast.expr
    labels: tuple[str, ...] = ()


class Namer:
    """Fresh Python names in one scope: `x`, then `x1`, `x2`, ... once `x` is taken."""

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()) -> None:
        self.taken: set[str] = set(taken)

    def fresh(self, base: str) -> str:
        base = py.ident(base)
        if base not in self.taken:
            self.taken.add(base)
            return base
        i = 1
        while f"{base}{i}" in self.taken:
            i += 1
        self.taken.add(f"{base}{i}")
        return f"{base}{i}"


@dataclass(frozen=True)
class ProgramFacts:
    """What a para's lowering needs to know about the other paras of its program, and the
    runtime helpers the emitted module has to import (filled in as they are used)."""

    stochastic: dict[str, bool]
    needs_key: dict[str, bool]
    reparams: frozenset[str]
    algebras: dict[str, ir.AlgebraShape]
    runtime: set[str] = field(default_factory=set)

    @staticmethod
    def of(program: ir.Program) -> ProgramFacts:
        return ProgramFacts(
            stochastic={p.name: p.stochastic for p in program.paras},
            needs_key=needs_key(program),
            reparams=frozenset(p.name for p in program.paras if p.is_reparam),
            algebras={p.name: p.shape for p in program.paras if p.shape is not None},
        )


def needs_key(program: ir.Program) -> dict[str, bool]:
    """Which paras draw random numbers at initialisation, in themselves or in a use."""
    out: dict[str, bool] = {}
    for p in program.paras:  # in dependency order: callees first
        out[p.name] = (any(prm.init.name not in DETERMINISTIC_INIT and (prm.name,) not in p.tied()
                           and not prm.abstract for prm in p.params)
                       or any(out.get(u.callee, True) for u in p.uses))
    return out


@dataclass
class MethodState:
    """The state of one method while its body is written: made fresh for each method, so
    nothing carries over from one to the next.

    `stmts` are the statements so far; `env` maps the source's variables to lowered values;
    `size_paths` says where each index set's size is read from (`x.shape[0]`), and
    `sizes_needed` which of them the body used, so the prologue binds only those;
    `key_sites` counts the keys split from the call's key; `leaf_vars` holds the tied
    leaves `untie` has computed so far, which later ties read instead of the stored field.
    """

    names: Namer
    size_paths: dict[str, pyast.expr]
    blocks: list[list[pyast.stmt]] = field(default_factory=lambda: [[]])
    env: dict[str, LV] = field(default_factory=dict)
    sizes_needed: dict[str, pyast.expr] = field(default_factory=dict)
    key_sites: int = 0
    leaf_vars: dict[tuple[str, ...], pyast.expr] = field(default_factory=dict)

    @property
    def stmts(self) -> list[pyast.stmt]:
        """The statements of the innermost open block: the method's, or a local `def`'s."""
        return self.blocks[-1]

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Bindings made inside are dropped on leaving: a `let` or lambda's variables."""
        saved = dict(self.env)
        try:
            yield
        finally:
            self.env.clear()
            self.env.update(saved)

    @contextmanager
    def block(self) -> Iterator[list[pyast.stmt]]:
        """Statements made inside go to a fresh list (a local `def`'s body), not the method's."""
        saved_env = dict(self.env)
        self.blocks.append([])
        try:
            yield self.blocks[-1]
        finally:
            self.blocks.pop()
            self.env.clear()
            self.env.update(saved_env)
