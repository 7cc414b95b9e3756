"""What the lowering knows while it writes: the program-wide facts every class reads, the
state of the one method being written, and the lowered values it passes around."""

from __future__ import annotations

import ast as pyast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from .. import _resources, ir
from ..ir.circulant import CircularUse
from . import pybuild as py
from .prims import DETERMINISTIC_INIT


@dataclass(frozen=True)
class LV:
    """A lowered value: a Python expression and the labels of its leading axes, in that order."""

    expr: pyast.expr
    labels: tuple[str, ...] = ()


class Namer:
    """Fresh Python names in one scope: `x`, then `x1`, `x2`, ... once `x` is taken. A base
    is a program's name (or one the lowering chose), made a Python name by `names.ident`."""

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


#: A para's identity in a program: the file it is declared in and its name.
ParaKey = tuple[str, str]


def para_key(p: ir.ParaDef) -> ParaKey:
    return (p.file, p.name)


def callee_key(caller: ir.ParaDef, use: ir.Use) -> ParaKey:
    """The callee of a use of `caller`: declared in `use.callee_file`, or beside the caller."""
    return (use.callee_file or caller.file, use.callee)


@dataclass(frozen=True)
class ClassRef:
    """How the emitted module names a para's class: `name`, bound by a class it defines
    (`module` None) or by `from module import imported as name`."""

    name: str
    module: str | None = None
    imported: str = ""


def class_refs(program: ir.Program) -> dict[ParaKey, ClassRef]:
    """The class of every para of the program. The file's own paras are classes of the
    module under their own names; a stdlib para is imported from its compiled module, and a
    para of another of the user's files is defined inline; either takes a name prefixed by
    its file's (`nn_Linear`) where its own is taken by a class of the file."""
    own = [p for p in program.paras if p.file == program.file]
    out: dict[ParaKey, ClassRef] = {para_key(p): ClassRef(py.ident(p.name)) for p in own}
    names = Namer({ref.name for ref in out.values()})
    for p in program.paras:
        if para_key(p) in out:
            continue
        module = _resources.stdlib_module(p.file)
        base = p.name
        if py.ident(base) in names.taken:  # a user name, spelled by the one rule with its file's prefixed
            stem = module.rsplit(".", 1)[-1] if module else PurePath(p.file).stem
            base = f"{_word(stem)}_{base}"
        name = names.fresh(base)
        out[para_key(p)] = ClassRef(name, module, py.ident(p.name)) if module else ClassRef(name)
    return out


def _word(stem: str) -> str:
    """A file's stem as the letters, digits and single underscores of a name (`my-layers`
    is `my_layers`), to prefix a class with."""
    word = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", stem)).strip("_")
    return word if word[:1].isalpha() else f"f{word}"


@dataclass(frozen=True)
class ProgramFacts:
    """What a para's lowering needs to know about the other paras of its program, and the
    runtime helpers the emitted module has to import (filled in as they are used)."""

    defs: dict[ParaKey, ir.ParaDef]
    needs_key: dict[ParaKey, bool]
    classes: dict[ParaKey, ClassRef]
    runtime: set[str] = field(default_factory=set)

    @staticmethod
    def of(program: ir.Program) -> ProgramFacts:
        return ProgramFacts(
            defs={para_key(p): p for p in program.paras},
            needs_key=needs_key(program),
            classes=class_refs(program),
        )

    def callee(self, caller: ir.ParaDef, use: ir.Use) -> ir.ParaDef | None:
        return self.defs.get(callee_key(caller, use))

    def stochastic(self, caller: ir.ParaDef, use: ir.Use) -> bool:
        d = self.callee(caller, use)
        return d is not None and d.stochastic

    def is_reparam(self, caller: ir.ParaDef, use: ir.Use) -> bool:
        d = self.callee(caller, use)
        return d is not None and d.is_reparam

    def algebra(self, caller: ir.ParaDef, use: ir.Use) -> ir.AlgebraShape:
        d = self.callee(caller, use)
        assert d is not None and d.shape is not None
        return d.shape

    def class_name(self, caller: ir.ParaDef, use: ir.Use) -> str:
        """The name the module binds to the callee's class."""
        ref = self.classes.get(callee_key(caller, use))
        return ref.name if ref is not None else py.ident(use.callee)


def needs_key(program: ir.Program) -> dict[ParaKey, bool]:
    """Which paras draw random numbers at initialisation, in themselves or in a use."""
    out: dict[ParaKey, bool] = {}
    for p in program.paras:  # in dependency order: callees first
        out[para_key(p)] = (any(prm.init.name not in DETERMINISTIC_INIT and (prm.name,) not in p.tied()
                                and not prm.abstract for prm in p.params)
                            or any(out.get(callee_key(p, u), True) for u in p.uses))
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
    circular: dict[str, CircularUse] = field(default_factory=dict)

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
