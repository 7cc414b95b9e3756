"""`paradsl.laws` is `paradsl.analysis.laws`: the same module under its first name."""

import sys

from .analysis import laws as _module

sys.modules[__name__] = _module
