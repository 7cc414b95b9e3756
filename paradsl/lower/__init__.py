"""Lowering: the typed IR to Python `ast` classes of `equinox.Module`s."""

from .lower import LoweredModule as LoweredModule
from .lower import lower as lower
