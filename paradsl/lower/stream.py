"""The methods of a streamable para (`ir.streaming`): `stream_start`, the machine's start
state, and `stream(x, state)`, the run over one chunk of the list from `state`, giving the
chunk's outputs (the per-position maps applied) and the state after its last position.
Cutting a list into chunks and calling `stream` on each in turn, the state carried, gives
what `__call__` gives on the whole list, with the memory of one chunk."""

from __future__ import annotations

import ast as pyast
from typing import TYPE_CHECKING

from .. import ir
from ..ir.streaming import StreamPlan
from ..names import case_methods
from . import pybuild as py
from .context import LV
from .folds import template
from .shapes import annotation

if TYPE_CHECKING:
    from .para import ParaLowering


def _machine(pl: ParaLowering, plan: StreamPlan) -> tuple[pyast.expr, dict[str, str], ir.Type]:
    use = next(u for u in pl.p.uses if u.name == plan.run.use)
    shape = pl.facts.algebra(pl.p, use)
    return py.self_attr(py.ident(plan.run.use)), case_methods(pl.facts.callee(pl.p, use)), shape.carrier


def _method(obj: pyast.expr, name: str) -> pyast.expr:
    return pyast.Attribute(value=obj, attr=name, ctx=pyast.Load())


def stream_defs(pl: ParaLowering, plan: StreamPlan) -> list[pyast.FunctionDef]:
    from .methods import _arguments, _begin, _input_arg

    machine, methods, carrier = _machine(pl, plan)
    start = pyast.FunctionDef(
        name="stream_start", args=_arguments([pyast.arg(arg="self")]),
        body=[pyast.Expr(value=py.const("The state `stream` starts the list from.")),
              py.ret(py.call(_method(machine, methods["start"])))],
        decorator_list=[], returns=annotation(carrier), type_params=[])
    b, arg_name = _begin(pl)
    state = b.state.names.fresh("state")
    step, ys = b.fresh("step"), b.fresh("ys")
    b.state.stmts.extend(template("""
        def STEP(s, x):
            o, s = STEP_FN(x, s)
            return s, o
        STATE, OUT = jax.lax.scan(STEP, STATE, XS)
        """, STEP=py.name(step), STEP_FN=_method(machine, methods["step"]), STATE=py.name(state),
        XS=py.name(arg_name), OUT=py.name(ys)))
    out = LV(py.name(ys))
    for m in plan.after:
        out = b.apply_map(m, out)
    b.emit(py.ret(py.tuple_([out.expr, py.name(state)])))
    doc = pyast.Expr(value=py.const(
        "The run over one chunk of the list from `state`: the chunk's outputs and the state\n"
        "        after its last position, which the next chunk starts from."))
    prologue = [py.assign(n, e) for n, e in b.state.sizes_needed.items()]
    fn_args = _arguments([pyast.arg(arg="self"), _input_arg(pl, arg_name),
                          pyast.arg(arg=state, annotation=annotation(carrier))])
    returns = py.ann(f"tuple[{pyast.unparse(annotation(pl.p.type.cod))}, {pyast.unparse(annotation(carrier))}]")
    stream = pyast.FunctionDef(name="stream", args=fn_args, body=[doc] + prologue + b.state.stmts,
                               decorator_list=[], returns=returns, type_params=[])
    return [start, stream]
