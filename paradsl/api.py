"""The pipeline as functions of programs: check, compile, build. What the analyses (and any
program using paradsl as a library) need from the driver, with errors raised, not returned.

    program = api.check_file("model.para")          # an ir.Program, or ParaError
    module = api.build_module(api.compile_program(program), program.file)

Checking imports nothing from jax; compiling and building do.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import driver, ir


def check_file(path: str | Path, also: tuple[str, ...] = ()) -> ir.Program:
    """The checked program of a `.para` file: its paras and all they use, callees first, and
    the paras `also` names (ones the file imports but does not use). Raises `ParaError` with
    every diagnostic when the file has an error."""
    return driver._program(driver.check_paths([path], also=also))


def check_text(text: str, file: str = "<input>") -> ir.Program:
    """Like `check_file`, of source text; `file` names it in diagnostics."""
    return driver._program(driver.check_source(text, file))


def compile_program(program: ir.Program) -> str:
    """The Python source of the module `para compile` writes for a checked program."""
    return driver.compile_program(program)


def build_module(source: str, file: str) -> ModuleType:
    """Run compiled source as a module, in-process; the same source gives the same module.
    `file` names it (`<para model.para>`) in tracebacks."""
    return driver._exec(source, file)


def load_program(program: ir.Program) -> ModuleType:
    """Compile a checked program and build its module: `paradsl.load` after checking."""
    return build_module(compile_program(program), program.file)


def para_class(module: ModuleType, program: ir.Program, para: ir.ParaDef) -> type:
    """The class of one of the program's paras, given the module `load_program` built: the
    module's own, or for a stdlib para the class of its compiled module, which the module
    imports (perhaps under another name)."""
    import importlib

    from .lower import para_classes

    ref = para_classes(program)[(para.file, para.name)]
    if ref.module is not None:
        return getattr(importlib.import_module(ref.module), ref.imported)
    return getattr(module, ref.name)
