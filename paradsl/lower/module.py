"""The lowering's entry point: a checked program to the classes of one Python module."""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass

from .. import ir
from . import pybuild as py
from .context import ProgramFacts
from .para import ParaLowering


@dataclass(frozen=True)
class LoweredModule:
    """What the emitter turns into source: the classes in dependency order, and the names
    the module imports from `paradsl.runtime`."""

    source_file: str
    classes: tuple[pyast.stmt, ...]
    class_names: tuple[str, ...]
    runtime: tuple[str, ...] = ()


def lower(program: ir.Program) -> LoweredModule:
    facts = ProgramFacts.of(program)
    classes = tuple(ParaLowering(p, facts).class_def() for p in program.paras)
    return LoweredModule(program.file, classes, tuple(py.ident(p.name) for p in program.paras),
                         tuple(sorted(facts.runtime)))
