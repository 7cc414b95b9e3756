"""`paradsl.params` is `paradsl.analysis.params`: the same module under its first name."""

import sys

from .analysis import params as _module

sys.modules[__name__] = _module
