"""The lowering's entry point: a checked program to the classes of one Python module.

The module defines a class for each para of the program's own file, and for each para of
the user's other files that they reach; a stdlib para's class is imported from its
compiled module (`paradsl.stdlib.nn`), so that every program shares the one class.
"""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass

from .. import _resources, ir
from .context import ClassRef, ProgramFacts, class_refs, para_key
from .para import ParaLowering


@dataclass(frozen=True)
class LoweredModule:
    """What the emitter turns into source: the classes in dependency order, the names the
    module imports from `paradsl.runtime`, and the classes it may import from compiled
    modules, as `(module, name there, name here)` (the emitter imports those it uses)."""

    source_file: str
    classes: tuple[pyast.stmt, ...]
    class_names: tuple[str, ...]
    runtime: tuple[str, ...] = ()
    imports: tuple[tuple[str, str, str], ...] = ()


def lower(program: ir.Program) -> LoweredModule:
    facts = ProgramFacts.of(program)
    defined = [p for p in program.paras if facts.classes[para_key(p)].module is None]
    classes = tuple(ParaLowering(p, facts).class_def() for p in defined)
    imports = tuple(sorted({(ref.module, ref.imported, ref.name) for ref in facts.classes.values()
                            if ref.module is not None}))
    names = tuple(facts.classes[para_key(p)].name for p in defined)
    return LoweredModule(_resources.stdlib_source_name(program.file), classes, names,
                         tuple(sorted(facts.runtime)), imports)


def para_classes(program: ir.Program) -> dict[tuple[str, str], ClassRef]:
    """Where the module compiled from `program` finds the class of each of its paras, by
    `(file, name)`: a class it defines, or one it imports from a compiled module."""
    return class_refs(program)
