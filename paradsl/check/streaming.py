"""An experiment's streamed evaluation sets (`chunk N`) and its `verify machine` clause,
checked against the model: both need a para that `paradsl.ir.streaming` can stream (a
`run` of a Mealy machine over the list, then maps at each position), a chunked evaluation
measures it can combine chunk by chunk, and a verification a machine whose state is a
choice among classes and a task that declares the machine it must be."""

from __future__ import annotations

from .. import catalogue, ir
from ..diagnostics import DiagnosticSink, Msg
from ..ir.experiment import EvalSet, LossTerm, MetricRef, TaskCall
from ..ir.streaming import stream_plan
from ..resolve import DeclKey
from ..syntax import ast
from ..types import TensorType, is_float
from .program import Checker


def check_chunks(model: ir.ParaDef, sets: list[EvalSet | None], written: tuple[ast.EvalSetExpr, ...],
                 losses: tuple[LossTerm | None, ...], metrics: tuple[MetricRef | None, ...],
                 sink: DiagnosticSink) -> None:
    """Each chunked set's model streamable and its measures combinable, reported at `chunk`."""
    names = [t.name for t in losses if t is not None] + [m.name for m in metrics if m is not None]
    for s, w in zip(sets, written):
        if s is None or s.chunk is None or w.chunk is None:
            continue
        if stream_plan(model) is None:
            sink.error(Msg.CHUNK_NOT_STREAMABLE, w.chunk.span, set=s.name, model=model.name)
            continue
        for name in dict.fromkeys(names):
            if name not in catalogue.STREAMED:
                sink.error(Msg.CHUNK_MEASURE, w.chunk.span, set=s.name, measure=name,
                           known=list(catalogue.STREAMED))


def check_verify(checker: Checker, model: ir.ParaDef, task: TaskCall, clause: ast.Clause | None,
                 sink: DiagnosticSink) -> tuple[str, ...]:
    """The verifications `clause` asks for, each checked; () where there is none."""
    if clause is None or clause.what is None:
        return ()
    what = clause.what
    if what.name not in catalogue.VERIFICATIONS:
        sink.error(Msg.UNKNOWN_VERIFY, what.span, name=what.name, known=list(catalogue.VERIFICATIONS))
        return ()
    plan = stream_plan(model)
    if plan is None:
        sink.error(Msg.VERIFY_NO_MACHINE, what.span, model=model.name)
        return ()
    use = next(u for u in model.uses if u.name == plan.run.use)
    machine = checker.para(DeclKey(use.callee_file or model.file, use.callee))
    state = machine.shape.carrier if machine is not None and machine.shape is not None else None
    if not (isinstance(state, TensorType) and len(state.axes) == 1 and is_float(state.dtype)):
        sink.error(Msg.VERIFY_STATE, what.span, machine=use.callee, state=str(state))
        return ()
    if task.target not in catalogue.REFERENCE_MACHINES:
        sink.error(Msg.VERIFY_NO_REFERENCE, what.span, task=task.task, model=model.name,
                   known=sorted(catalogue.REFERENCE_MACHINES))
        return ()
    return (what.name,)
