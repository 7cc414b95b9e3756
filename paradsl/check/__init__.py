"""The type checker: surface AST to the typed core IR, and the passes over that IR."""

from .effects import mark_stochastic as mark_stochastic
from .leaves import Leaf as Leaf
from .program import Checker as Checker
from .program import ParaCheck as ParaCheck
from .scope import binder_tables_quiet as binder_tables_quiet
from .symmetry import check_symmetry as check_symmetry
