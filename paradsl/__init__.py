"""ParaDSL: a typed language of parametric maps over species-indexed tensors, compiled
to Equinox.

    mod = paradsl.load("model.para")
    mlp = mod.MLP(d_in=8, d_hidden=32, d_out=2, key=jax.random.key(0))

The public names are imported on first use (PEP 562), so that `import paradsl` and the
commands that only check (`para check`, `para params`, `para cost`) start without the
checker's whole tree, and never import jax: only compiling and loading do.
"""

import importlib as _importlib
import sys as _sys
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING as _TYPE_CHECKING

from ._version import __version__ as __version__

if _TYPE_CHECKING:
    from .analysis.cost import cost as cost
    from .analysis.laws import check_laws as check_laws
    from .analysis.params import params as params
    from .diagnostics import ParaError as ParaError
    from .diagram import diagram as diagram
    from .driver import check_paths as check_paths
    from .driver import check_source as check_source
    from .driver import compile_path as compile_path
    from .driver import load as load
    from .driver import loads as loads
    from .experiment_api import UsageError as UsageError
    from .experiment_api import experiment as experiment
    from .experiment_api import experiments as experiments

#: name -> the module (relative to the package) that defines it, imported on first use.
_LAZY = {
    "ParaError": ".diagnostics",
    "check_paths": ".driver",
    "check_source": ".driver",
    "compile_path": ".driver",
    "load": ".driver",
    "loads": ".driver",
    "cost": ".analysis.cost",
    "check_laws": ".analysis.laws",
    "diagram": ".diagram",
    "params": ".analysis.params",
    "experiment": ".experiment_api",
    "experiments": ".experiment_api",
    "UsageError": ".experiment_api",
}

__all__ = ["ParaError", "UsageError", "__version__", "check_laws", "check_paths", "check_source", "compile_path", "cost",
           "diagram", "experiment", "experiments", "load", "loads", "params"]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value  # found in the module's namespace from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(_ModuleType):
    """The package's module type: `import paradsl.cost` (the old name of the module
    `paradsl.analysis.cost`) leaves `paradsl.cost` the function, as `paradsl.params`, and
    importing `paradsl.diagram.layout` leaves `paradsl.diagram` the function."""

    def __setattr__(self, name: str, value: object) -> None:
        # The import system binds a submodule on its parent once it is first imported;
        # these two submodules share a name with a function of the package, which wins.
        if name in ("cost", "diagram", "params") and isinstance(value, _ModuleType):
            value = __getattr__(name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
