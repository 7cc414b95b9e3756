"""The type checker: surface AST to the typed core IR, and the passes over that IR."""

from .checker import Checker as Checker
from .checker import Leaf as Leaf
from .checker import binder_tables_quiet as binder_tables_quiet
from .effects import mark_stochastic as mark_stochastic
from .symmetry import check_symmetry as check_symmetry
