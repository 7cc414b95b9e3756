"""Index sets, sizes, tensor types and their unification."""

from .sizes import Poly as Poly
from .types import *  # noqa: F403
from .unify import Unifier as Unifier
