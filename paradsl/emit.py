"""The emitter: the one place that writes Python source.

It renders the lowered classes with `ast.unparse`, adds the header and imports, and parses
the result back with `ast` before anyone writes or executes it. User names reach the
output only as identifiers the lowering validated, and strings only as `ast.Constant`s,
which `unparse` escapes: no user text is ever spliced in as code.
"""

from __future__ import annotations

import ast as pyast

from ._version import __version__
from .lower import LoweredModule

HEADER = '''\
"""Equinox modules compiled from {source} by paradsl {version}.

Edit the .para source and recompile (`para compile {source}`) rather than this file.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray
'''


def emit(module: LoweredModule) -> str:
    header = HEADER.format(source=module.source_file.replace('"', "'").replace("\\", "/"), version=__version__)
    pyast.parse(header)  # the header is ours, but it goes through the same gate
    parts = [header]
    if module.runtime:
        parts.append(f"\nfrom paradsl.runtime import {', '.join(module.runtime)}\n")
    for cls in module.classes:
        node = pyast.fix_missing_locations(pyast.Module(body=[cls], type_ignores=[]))
        parts.append("\n\n" + pyast.unparse(node) + "\n")
    all_names = ", ".join(repr(n) for n in module.class_names)
    parts.append(f"\n\n__all__ = [{all_names}]\n")
    source = "".join(parts)
    pyast.parse(source)  # raises SyntaxError on a lowering bug, before anything is written
    return source
