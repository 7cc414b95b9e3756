"""Lowering: the typed IR to Python `ast` classes of `equinox.Module`s."""

from .module import LoweredModule as LoweredModule
from .module import lower as lower
from .module import para_classes as para_classes
