"""ParaDSL: a typed language of parametric maps over species-indexed tensors, compiled
to Equinox.

    mod = paradsl.load("model.para")
    mlp = mod.MLP(d_in=8, d_hidden=32, d_out=2, key=jax.random.key(0))
"""

from ._version import __version__ as __version__
from .diagnostics import ParaError as ParaError
from .driver import check_paths as check_paths
from .driver import check_source as check_source
from .driver import compile_path as compile_path
from .driver import load as load
from .driver import loads as loads
# Through their first names, `paradsl.cost` and so on (the modules of `paradsl.analysis`), so
# that importing one of those later cannot replace the function here by the module.
from .cost import cost as cost
from .laws import check_laws as check_laws
from .params import params as params
