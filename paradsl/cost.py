"""`paradsl.cost` is `paradsl.analysis.cost`: the same module under its first name."""

import sys

from .analysis import cost as _module

sys.modules[__name__] = _module
