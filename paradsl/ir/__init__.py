"""The typed IR between checking and lowering: its nodes (`nodes`), a printer (`printer`),
and a walk over a para's tree of uses (`walk`). `from paradsl import ir; ir.Fold(...)`.

The functions `ir.nodes` (every node of a term) and `ir.walk` (the paras below a para) take
the names of their modules; `from paradsl.ir.nodes import ...` still reaches the module."""

from .nodes import AlgebraShape as AlgebraShape
from .nodes import Apply as Apply
from .nodes import Builtin as Builtin
from .nodes import Case as Case
from .nodes import Compose as Compose
from .nodes import Constructor as Constructor
from .nodes import Einsum as Einsum
from .nodes import Fanout as Fanout
from .nodes import FieldRole as FieldRole
from .nodes import Fold as Fold
from .nodes import FoldMode as FoldMode
from .nodes import For as For
from .nodes import Hyper as Hyper
from .nodes import HyperArg as HyperArg
from .nodes import HyperKind as HyperKind
from .nodes import HyperRef as HyperRef
from .nodes import IndexValue as IndexValue
from .nodes import Init as Init
from .nodes import IVar as IVar
from .nodes import Iterate as Iterate
from .nodes import Labels as Labels
from .nodes import LambdaT as LambdaT
from .nodes import LeafRef as LeafRef
from .nodes import Let as Let
from .nodes import Lit as Lit
from .nodes import MapOver as MapOver
from .nodes import MapTerm as MapTerm
from .nodes import MatMul as MatMul
from .nodes import ParaDef as ParaDef
from .nodes import ParaKind as ParaKind
from .nodes import Parallel as Parallel
from .nodes import Param as Param
from .nodes import ParamRef as ParamRef
from .nodes import Prim as Prim
from .nodes import PrimMap as PrimMap
from .nodes import Program as Program
from .nodes import Reduce as Reduce
from .nodes import ReduceOp as ReduceOp
from .nodes import Scheme as Scheme
from .nodes import Semiring as Semiring
from .nodes import ShapeKind as ShapeKind
from .nodes import SizeOf as SizeOf
from .nodes import Sub as Sub
from .nodes import Term as Term
from .nodes import UNTIL_TOLERANCE as UNTIL_TOLERANCE
from .nodes import Tie as Tie
from .nodes import TupleT as TupleT
from .nodes import Use as Use
from .nodes import UseRef as UseRef
from .nodes import Var as Var
from .nodes import factors as factors
from .nodes import nodes as nodes
from .nodes import source_name as source_name
from .printer import format_para as format_para
from .printer import format_program as format_program
from .printer import short_type as short_type
from .walk import Reached as Reached
from .walk import UseTree as UseTree
from .walk import walk as walk
