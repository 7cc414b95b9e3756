"""Experiments to `ir.experiment.Experiment`: their clauses, the model and its task, and
what the loss and the metrics demand of the prediction and the target.

The model's domain must be the task's input (index sets of the same kinds, fixed sizes
equal once the hyperparameters and the task's arguments are put in), and each loss and
metric relates the model's codomain to the task's output by its rule in the catalogue:
"classes" and "pointers" a trailing class axis, "same" the target's type. Every mistake is
reported; an experiment with one is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import catalogue, ir
from ..diagnostics import DiagnosticSink, Message, Msg, Span
from ..ir.experiment import EvalSet, Experiment, LossTerm, MetricRef, Optimiser, Task, TaskCall
from ..resolve import DeclKey, Unit
from ..syntax import ast
from ..types import IndexSetAxis, TensorType, TupleType, Type, is_float, is_int, is_ptr
from .program import Checker
from .streaming import check_chunks, check_verify
from .suggest import closest
from .tasks import KindClash, bind, call_task, check_task, match, sizes_of, substitute, value_of

#: Clauses an experiment cannot do without.
REQUIRED = ("model", "task", "loss")
#: Defaults of the clauses left out.
DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_SEED, DEFAULT_SAMPLES = 1000, 32, 0, 1000
#: The least value of each numeric clause.
LEAST = {"steps": 1, "batch": 1, "seed": 0, "eval every": 1, "samples": 1, "checkpoint every": 1, "chunk": 1}


@dataclass
class TaskTable:
    """Tasks by their declaration, each checked once, where it is declared."""

    checker: Checker
    sink: DiagnosticSink
    checked: dict[DeclKey, Task | None] = field(default_factory=dict)

    def get(self, key: DeclKey) -> Task | None:
        if key not in self.checked:
            self.checked[key] = check_task(self.checker.loader.task(key), key.file, self.sink)
        return self.checked[key]


def check_experiments(checker: Checker, unit: Unit, sink: DiagnosticSink) -> tuple[tuple[Task, ...], tuple[Experiment, ...]]:
    """The file's own tasks and experiments, checked; those with errors are left out."""
    table = TaskTable(checker, sink)
    tasks = [table.get(DeclKey(unit.file, n)) for n in unit.tasks]
    exps = [check_experiment(checker, table, unit, d, sink) for d in unit.experiments.values()]
    return tuple(t for t in tasks if t is not None), tuple(e for e in exps if e is not None)


@dataclass
class _Model:
    """The model as the experiment gives it: its name, hyperparameters and types with them."""

    name: str
    hypers: tuple
    dom: Type
    cod: Type
    para: ir.ParaDef | None = None


def check_experiment(checker: Checker, table: TaskTable, unit: Unit, decl: ast.ExperimentDecl,
                     sink: DiagnosticSink) -> Experiment | None:
    errors = sink.error_count
    clauses = _clauses(decl, sink)
    model = _model(checker, unit, clauses.get("model"), sink)
    task = _task_call(table, unit, clauses.get("task"), sink)
    steps = _number(clauses.get("steps"), "steps", DEFAULT_STEPS, sink)
    batch = _number(clauses.get("batch"), "batch", DEFAULT_BATCH, sink)
    seed = _number(clauses.get("seed"), "seed", DEFAULT_SEED, sink)
    ev, cp = clauses.get("eval"), clauses.get("checkpoint")
    eval_every = _number(ev, "eval every", steps, sink)
    samples = _number(ev, "samples", DEFAULT_SAMPLES, sink, field="samples")
    checkpoint_every = _number(cp, "checkpoint every", steps, sink)
    optimiser = _optimiser(clauses.get("optimiser"), sink)
    losses = tuple(_loss(t, sink) for t in clauses["loss"].losses) if "loss" in clauses else ()
    metrics = tuple(_metric(m, sink) for m in clauses["metrics"].metrics) if "metrics" in clauses else ()
    sets = _eval_sets(table, unit, decl, ev, samples, sink)
    verify: tuple[str, ...] = ()
    if model is not None and model.para is not None:
        check_chunks(model.para, sets, ev.sets if ev is not None else (), losses, metrics, sink)
        if task is not None:
            verify = check_verify(checker, model.para, task, clauses.get("verify"), sink)
    if model is not None and task is not None and _fits(model, task, clauses["model"].call.name.span, sink):
        renames = match(model.dom, task.input)
        assert isinstance(renames, dict)
        cod = substitute(model.cod, {}, renames)
        for term, written in zip(losses, clauses["loss"].losses if "loss" in clauses else ()):
            if term is not None:
                _relates(model.name, term.name, catalogue.LOSSES, term.component, cod, task.output, written, sink)
        for ref, mw in zip(metrics, clauses["metrics"].metrics if "metrics" in clauses else ()):
            if ref is not None:
                _relates(model.name, ref.name, catalogue.METRICS, ref.component, cod, task.output, mw, sink)
        for s, written_set in zip(sets, ev.sets if ev is not None else ()):
            same: dict[str, str] = {}
            if s is not None and not (isinstance(match(s.task.input, task.input, same), dict)
                                      and isinstance(match(s.task.output, task.output, same), dict)):
                sink.error(Msg.EVAL_SET_TYPES, written_set.task.span, set=s.name, input=str(s.task.input),
                           output=str(s.task.output), train_input=str(task.input), train_output=str(task.output))
    if sink.error_count != errors or model is None or task is None or optimiser is None:
        return None
    return Experiment(decl.name.name, unit.file, model.name, model.hypers, task, losses, metrics,  # type: ignore[arg-type]
                      optimiser, steps, batch, seed, eval_every, tuple(sets), checkpoint_every,  # type: ignore[arg-type]
                      decl.span, verify=verify)


def _clauses(decl: ast.ExperimentDecl, sink: DiagnosticSink) -> dict[str, ast.Clause]:
    """Each clause by its kind; a second one of a kind is reported, a required one missing."""
    out: dict[str, ast.Clause] = {}
    for c in decl.clauses:
        first = out.get(c.kind)
        if first is not None:
            sink.error(Msg.DUPLICATE_CLAUSE, c.word.span, name=decl.name.name, clause=c.kind, first=first.word.span)
        else:
            out[c.kind] = c
    for kind in REQUIRED:
        if kind not in out:
            sink.error(Msg.MISSING_CLAUSE, decl.name.span, name=decl.name.name, clause=kind)
    return out


def _number(clause: ast.Clause | None, what: str, default: int, sink: DiagnosticSink, field: str = "number") -> int:
    """A numeric clause's value, checked to be a whole number at least its least value."""
    value = getattr(clause, field) if clause is not None else None
    if value is None:
        return default
    x = value.value
    if isinstance(x, bool) or not isinstance(x, int):
        sink.error(Msg.CLAUSE_VALUE_KIND, value.span, clause=what, found=value.text)
        return default
    if x < LEAST[what]:
        sink.error(Msg.CLAUSE_OUT_OF_RANGE, value.span, clause=what, low=LEAST[what], found=value.text)
        return default
    return x


def _unknown(sink: DiagnosticSink, span: Span, name: str, candidates: list[str], close_msg: Message,
             plain: Message, **values: object) -> None:
    close = closest(name, candidates)
    if close:
        sink.error(close_msg, span, name=name, close=close)
    else:
        sink.error(plain, span, name=name, **values)


def _model(checker: Checker, unit: Unit, clause: ast.Clause | None, sink: DiagnosticSink) -> _Model | None:
    if clause is None or clause.call is None:
        return None
    call = clause.call
    key = unit.scope.get(call.name.name)
    decl = checker.loader.units[key.file].own.get(key.name) if key is not None else None
    if not isinstance(decl, ast.ParaDecl) or decl.kind != "para":
        if call.name.name in unit.broken:
            return None
        paras = [n for n, k in unit.scope.items()
                 if isinstance(checker.loader.units[k.file].own.get(k.name), ast.ParaDecl)]
        _unknown(sink, call.name.span, call.name.name, paras, Msg.UNKNOWN_MODEL_CLOSE, Msg.UNKNOWN_MODEL)
        return None
    sig = checker.signature(key)  # type: ignore[arg-type]
    if sig.generic:
        sink.error(Msg.GENERIC_MODEL, call.name.span, name=call.name.name)
        return None
    params = [(h.name, str(h.kind), h.default) for h in sig.hypers]
    hypers = bind(call.name.name, params, call, sink)
    pdef = checker.para(key)  # type: ignore[arg-type]
    if hypers is None or pdef is None:
        return None
    env = sizes_of(params, hypers)
    return _Model(pdef.name, hypers, substitute(pdef.type.dom, env), substitute(pdef.type.cod, env), pdef)


def _task_call(table: TaskTable, unit: Unit, clause: ast.Clause | ast.EvalSetExpr | None,
               sink: DiagnosticSink) -> TaskCall | None:
    call = clause.task if isinstance(clause, ast.EvalSetExpr) else clause.call if clause is not None else None
    if call is None:
        return None
    key = unit.task_scope.get(call.name.name)
    if key is None:
        _unknown(sink, call.name.span, call.name.name, list(unit.task_scope), Msg.UNKNOWN_TASK_CLOSE,
                 Msg.UNKNOWN_TASK)
        return None
    task = table.get(key)
    return call_task(task, call, sink) if task is not None else None


def _fits(model: _Model, task: TaskCall, span: Span, sink: DiagnosticSink) -> bool:
    """Whether the model takes the task's input, reported where it does not."""
    found = match(model.dom, task.input)
    if isinstance(found, KindClash):
        sink.error(Msg.KIND_MISMATCH, span, model=model.name, axis=found.name, model_kind=found.kind.value,
                   task=task.task, task_kind=found.other_kind.value)
        return False
    if found is None:
        sink.error(Msg.MODEL_DOMAIN, span, model=model.name, dom=str(model.dom), task=task.task,
                   input=str(task.input))
        return False
    return True


def _optimiser(clause: ast.Clause | None, sink: DiagnosticSink) -> Optimiser | None:
    if clause is None or clause.call is None:
        return Optimiser(catalogue.DEFAULT_OPTIMISER, _defaults(catalogue.OPTIMISERS[catalogue.DEFAULT_OPTIMISER]))
    call = clause.call
    spec = catalogue.OPTIMISERS.get(call.name.name)
    if spec is None:
        _unknown(sink, call.name.span, call.name.name, list(catalogue.OPTIMISERS), Msg.UNKNOWN_OPTIMISER_CLOSE,
                 Msg.UNKNOWN_OPTIMISER, known=list(catalogue.OPTIMISERS))
        return None
    errors = sink.error_count
    for a in call.args:  # a bare name is checked against the names it may be before binding
        name = a.name.name if a.name is not None else None
        if name in catalogue.NAME_VALUES and a.value.bare and a.value.value not in catalogue.NAME_VALUES[name]:
            known = list(catalogue.NAME_VALUES[name])
            _unknown(sink, a.value.span, str(a.value.value), known, Msg.UNKNOWN_SCHEDULE_CLOSE,
                     Msg.UNKNOWN_SCHEDULE, known=known)
    if sink.error_count != errors:
        return None
    params = [(n, str(arg.kind), arg.default) for n, arg in spec.arguments]
    args = bind(call.name.name, params, call, sink, required=False)
    if args is None:
        return None
    lr = dict(args).get("lr")
    if isinstance(lr, float) and lr <= 0:
        named = [a.value for a in call.args if a.name is not None and a.name.name == "lr"]
        written = named[0] if named else next(a.value for a in call.args if a.name is None)
        sink.error(Msg.LR_OUT_OF_RANGE, written.span, found=written.text)
        return None
    return Optimiser(call.name.name, args, call.span)


def _defaults(spec: catalogue.OptimiserSpec) -> tuple:
    return tuple((n, a.default) for n, a in spec.arguments if a.default is not None)


def _component(v: ast.ArgValue | None, sink: DiagnosticSink) -> int | None:
    if v is None:
        return None
    if isinstance(v.value, bool) or not isinstance(v.value, int):
        sink.error(Msg.COMPONENT_KIND, v.span, found=v.text)
        return None
    return v.value


def _loss(t: ast.LossTermExpr, sink: DiagnosticSink) -> LossTerm | None:
    if t.name.name not in catalogue.LOSSES:
        _unknown(sink, t.name.span, t.name.name, list(catalogue.LOSSES), Msg.UNKNOWN_LOSS_CLOSE, Msg.UNKNOWN_LOSS,
                 known=list(catalogue.LOSSES))
        return None
    weight = float(t.weight.value) if t.weight is not None else 1.0
    return LossTerm(t.name.name, _component(t.component, sink), weight, t.span)


def _metric(m: ast.MetricExpr, sink: DiagnosticSink) -> MetricRef | None:
    if m.name.name not in catalogue.METRICS:
        _unknown(sink, m.name.span, m.name.name, list(catalogue.METRICS), Msg.UNKNOWN_METRIC_CLOSE,
                 Msg.UNKNOWN_METRIC, known=list(catalogue.METRICS))
        return None
    k = _component(m.component, sink)
    return MetricRef(m.name.name, k, m.name.name if k is None else f"{m.name.name}[{k}]", m.span)


def _eval_sets(table: TaskTable, unit: Unit, decl: ast.ExperimentDecl, clause: ast.Clause | None, samples: int,
               sink: DiagnosticSink) -> list[EvalSet | None]:
    out: list[EvalSet | None] = []
    seen: dict[str, Span] = {}
    for s in clause.sets if clause is not None else ():
        if s.name.name in seen:
            sink.error(Msg.DUPLICATE_EVAL_SET, s.name.span, name=decl.name.name, set=s.name.name,
                       first=seen[s.name.name])
        seen.setdefault(s.name.name, s.name.span)
        call = _task_call(table, unit, s, sink)
        n = samples
        if s.samples is not None:
            n = _number(ast.Clause(s.span, "eval", s.name, samples=s.samples), "samples", samples, sink,
                        field="samples")
        chunk = None
        if s.chunk is not None:
            chunk = _number(ast.Clause(s.span, "eval", s.name, number=s.chunk), "chunk", 0, sink) or None
        out.append(EvalSet(s.name.name, call, n, s.span, chunk) if call is not None else None)
    return out


def _relates(model: str, name: str, table, k: int | None, cod: Type, target: Type, written, sink: DiagnosticSink) -> None:
    """Whether the loss or metric `name` relates the model's codomain to the target, reported
    at `written` where it does not."""
    span = written.span
    if k is not None:
        if not isinstance(target, TupleType):
            sink.error(Msg.COMPONENT_OF_SINGLE, written.component.span, measure=name, k=k, target=str(target))
            return
        n = len(target.items)
        if k >= n:
            sink.error(Msg.COMPONENT_OUT_OF_RANGE, written.component.span, measure=name, k=k, target=str(target),
                       n=n, known=[str(i) for i in range(n)])
            return
        if not isinstance(cod, TupleType) or len(cod.items) != n:
            sink.error(Msg.PREDICTION_NOT_TUPLE, span, target=str(target), model=model, prediction=str(cod))
            return
        target, cod = target.items[k], cod.items[k]
    elif isinstance(target, TupleType):
        sink.error(Msg.TUPLE_WITHOUT_COMPONENT, span, target=str(target), measure=name)
        return
    _rule(name, table[name].kind, cod, target, span, sink)


def _rule(name: str, kind: catalogue.RuleKind, prediction: Type, target: Type, span: Span,
          sink: DiagnosticSink) -> None:
    assert isinstance(target, TensorType)
    if kind is catalogue.RuleKind.SAME:
        if not isinstance(prediction, TensorType) or prediction.axes != target.axes:
            _not_same(name, prediction, target, span, sink)
        elif not is_float(prediction.dtype):
            sink.error(Msg.FLOAT_PREDICTION, span, measure=name, prediction=str(prediction))
        return
    if not (is_int(target.dtype) or is_ptr(target)):
        sink.error(Msg.CLASSES_FLOAT_TARGET, span, measure=name, target=str(target))
        return
    if (not isinstance(prediction, TensorType) or len(prediction.axes) != len(target.axes) + 1
            or prediction.axes[:-1] != target.axes):
        _not_classes(name, prediction, target, span, sink)
        return
    if not is_float(prediction.dtype):
        sink.error(Msg.FLOAT_PREDICTION, span, measure=name, prediction=str(prediction))
        return
    last = prediction.axes[-1]
    if target.target is not None:  # a pointer loss: scores over the index set it points into
        if last != target.target:
            sink.error(Msg.POINTER_TARGET_CLASSES, span, measure=name, target=str(target), points=str(target.target),
                       axis=str(last))
        return
    if kind is catalogue.RuleKind.POINTERS and not (isinstance(last, IndexSetAxis) and last in target.axes):
        sink.error(Msg.POINTER_NOT_NODES, span, measure=name, axis=str(last), target=str(target))


def _not_same(name: str, prediction: Type, target: TensorType, span: Span, sink: DiagnosticSink) -> None:
    sink.error(Msg.PREDICTION_SAME, span, measure=name, target=str(target), prediction=str(prediction),
               target_float=str(TensorType(target.axes, "f32")))


def _not_classes(name: str, prediction: Type, target: TensorType, span: Span, sink: DiagnosticSink) -> None:
    sink.error(Msg.PREDICTION_CLASSES, span, measure=name, target=str(target), prediction=str(prediction),
               axes=[str(a) for a in target.axes] + ["classes"])
