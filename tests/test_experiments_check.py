"""`task` and `experiment` declarations: what the checker makes of them (`ir.experiment`),
their defaults, the API that picks one and puts `--set` overrides in, and the syntax that
keeps the clause words usable as names. The diagnostics themselves are pinned by the golden
programs `tests/golden/experiment_*.para`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paradsl
from paradsl import catalogue, ir
from paradsl.diagnostics import DiagnosticSink, ParaError
from paradsl.driver import check_paths
from paradsl.syntax import ast, parse
from paradsl.types import FixedAxis, IndexSetAxis, Kind, Poly, TensorType, TupleType

from conftest import STDLIB, assert_located, para_cli

ADDER = """\
import tasks

para Adder(d: Nat = 8, heads: Nat) (t : list) : [t, 2] i32 -> [t, 10]
  params E : [10, d] ~ normal, W : [d, 10] ~ glorot
  = x => for i c. sum j e. E[x[i, j], e] * W[e, c]
"""

FULL = ADDER + """
experiment AddSmall
  model Adder(d = 32, heads = 2)
  task Addition(min_digits = 1, max_digits = 8)
  loss cross_entropy
  metrics accuracy, exact_match
  optimiser adam(lr = 3e-3, schedule = cosine, warmup = 100, clip = 1.0)
  steps 2000
  batch 64
  seed 7
  eval every 200 samples 1000
    in_dist = Addition(min_digits = 8, max_digits = 8),
    long = Addition(min_digits = 100, max_digits = 100) samples 200
  checkpoint every 500
"""

MINIMAL = ADDER + """
experiment Least
  task Addition
  loss cross_entropy
  model Adder(heads = 1)
"""


def _write(tmp_path: Path, text: str, name: str = "exp.para") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _list_axis(name: str = "t") -> IndexSetAxis:
    return IndexSetAxis(name, Kind.LIST)


# ---------------------------------------------------------------------- the IR of a valid file


def test_a_full_experiment_is_every_clause_as_written(tmp_path):
    e = paradsl.experiment(_write(tmp_path, FULL))
    assert isinstance(e, ir.experiment.Experiment)
    assert (e.name, e.model, e.hypers) == ("AddSmall", "Adder", (("d", 32), ("heads", 2)))
    assert e.task.task == "Addition" and e.task.target == "paradsl.train.tasks:addition"
    assert e.task.kwargs() == {"min_digits": 1, "max_digits": 8}
    assert e.task.input == TensorType((_list_axis(), FixedAxis(Poly.const(2))), "i32")
    assert e.task.output == TensorType((_list_axis(),), "i32")
    assert e.loss == (ir.experiment.LossTerm("cross_entropy", None, 1.0),)
    assert [(m.name, m.component, m.label) for m in e.metrics] == [("accuracy", None, "accuracy"),
                                                                    ("exact_match", None, "exact_match")]
    assert e.optimiser.name == "adam"
    assert e.optimiser.kwargs() == {"lr": 3e-3, "schedule": "cosine", "warmup": 100, "clip": 1.0}
    assert (e.steps, e.batch, e.seed, e.eval_every, e.checkpoint_every) == (2000, 64, 7, 200, 500)
    assert [(s.name, s.task.kwargs(), s.samples) for s in e.eval_sets] == [
        ("in_dist", {"min_digits": 8, "max_digits": 8}, 1000),
        ("long", {"min_digits": 100, "max_digits": 100}, 200),
    ]
    assert e.file.endswith("exp.para")


def test_left_out_clauses_take_their_defaults(tmp_path):
    e = paradsl.experiment(_write(tmp_path, MINIMAL))
    assert e.hypers == (("d", 8), ("heads", 1))  # the default filled in, in declaration order
    assert e.task.kwargs() == {"min_digits": 1, "max_digits": 8}
    assert e.metrics == () and e.eval_sets == ()
    assert e.optimiser.name == "adam" and e.optimiser.kwargs() == {"lr": 1e-3, "schedule": "constant", "warmup": 0}
    assert (e.steps, e.batch, e.seed) == (1000, 32, 0)
    assert e.eval_every == e.steps and e.checkpoint_every == e.steps


def test_every_and_checkpoint_default_to_the_steps_written(tmp_path):
    e = paradsl.experiment(_write(tmp_path, MINIMAL + "  steps 50\n  eval samples 10 short = Addition(1, 2)\n"))
    assert (e.steps, e.eval_every, e.checkpoint_every) == (50, 50, 50)
    assert [(s.name, s.samples, s.task.kwargs()) for s in e.eval_sets] == [
        ("short", 10, {"min_digits": 1, "max_digits": 2})]


def test_a_tuple_target_is_read_component_by_component(tmp_path):
    text = """\
        import tasks
        para Relaxed (n : set) : ([n], [n, n]) -> ([n], [n, n])
          params W : [1] ~ glorot
          = (d, w) => (for i. d[i] * W[0], for i j. w[i, j])
        experiment Paths
          model Relaxed
          task ShortestPaths(min_nodes = 4, max_nodes = 12, p_min = 0.2)
          loss mse[0] + 0.5 * cross_entropy[1]
          metrics pointer_accuracy[1], distance_error[0]
        """
    e = paradsl.experiment(_write(tmp_path, text))
    assert e.loss == (ir.experiment.LossTerm("mse", 0, 1.0), ir.experiment.LossTerm("cross_entropy", 1, 0.5))
    assert [m.label for m in e.metrics] == ["pointer_accuracy[1]", "distance_error[0]"]
    assert e.task.kwargs() == {"min_nodes": 4, "max_nodes": 12, "p_min": 0.2, "p_max": 0.5}
    assert isinstance(e.task.kwargs()["p_min"], float) and isinstance(e.task.kwargs()["p_max"], float)
    n = IndexSetAxis("n", Kind.SET)
    assert e.task.output == TupleType((TensorType((n,), "f32"), TensorType((n,), "ptr", n)))  # predecessors


def test_the_model_may_name_its_index_sets_otherwise(tmp_path):
    """The model's `s` is the task's `t`: index sets match by place and kind, not by name."""
    text = ADDER.replace("(t : list) : [t, 2] i32 -> [t, 10]", "(s : list) : [s, 2] i32 -> [s, 10]") + """
experiment Renamed
  model Adder(heads = 1)
  task Copy
  loss cross_entropy
"""
    text = text.replace("[s, 2] i32", "[s] i32").replace("E[x[i, j], e]", "E[x[i], e]").replace("sum j e.", "sum e.")
    e = paradsl.experiment(_write(tmp_path, text))
    assert e.task.task == "Copy"


def test_a_fixed_size_of_a_task_is_sized_by_its_arguments(tmp_path):
    text = """\
        para OneHot(v: Nat) (t : list) : [t] i32 -> [t, v]
          params W : [v] ~ glorot
          = x => for i c. W[c]
        task Tokens(vocab: Nat = 10) (t : list) : [t] i32 -> [t] i32 = "mytasks:tokens"
        task Scores(vocab: Nat) (t : list) : [t] i32 -> [t, vocab] = "mytasks:scores"
        experiment Fits
          model OneHot(v = 7)
          task Scores(vocab = 7)
          loss mse
        experiment Misfits
          model OneHot(v = 7)
          task Scores(vocab = 5)
          loss mse
        """
    result = check_paths([_write(tmp_path, text)])
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("E1016", 13)]
    assert "the target is [t, 5]" in result.diagnostics[0].message


def test_the_program_holds_the_tasks_the_experiments_and_the_model(tmp_path):
    path = _write(tmp_path, """\
        import tasks
        import nn
        task Mine (t : list) : [t] i32 -> [t] i32 = "mytasks:mine"
        experiment E
          model MLP(d_in = 4, d_hidden = 8, d_out = 4)
          task Mine
          loss mse
        """)
    result = check_paths([path])
    # An `[t] i32` input is not the MLP's `[4]`: reported, with both types.
    assert [d.code for d in result.diagnostics] == ["E1014"]
    assert_located(result)
    path.write_text(path.read_text().replace('(t : list) : [t] i32 -> [t] i32', ': [4] -> [4]'))
    from paradsl import api

    program = api.check_file(path)
    assert [t.name for t in program.tasks] == ["Mine"]
    assert [e.name for e in program.experiments] == ["E"]
    assert "MLP" in [p.name for p in program.paras]  # imported and used by nothing else
    text = ir.format_program(program)
    assert 'task Mine : f32[4] -> f32[4]\n  = "mytasks:mine"' in text
    assert "experiment E\n  model MLP(d_in = 4, d_hidden = 8, d_out = 4)\n  task Mine : f32[4] -> f32[4]" in text


def test_the_stdlib_tasks_are_those_of_the_design():
    from paradsl import api

    program = api.check_file(STDLIB / "tasks.para")
    tasks = {t.name: t for t in program.tasks}
    assert list(tasks) == ["Addition", "Multiplication", "ShortestPaths", "SecondMinimum", "Copy", "Reverse", "Sort",
                           "SecondMinimumList", "AllPairsShortestPaths"]
    assert all(t.target == f"paradsl.train.tasks:{_snake(t.name)}" for t in tasks.values())
    assert tasks["Addition"].arguments == (("min_digits", "Nat", 1), ("max_digits", "Nat", 8))
    assert tasks["Multiplication"].arguments == (("min_digits", "Nat", 1), ("max_digits", "Nat", 6))
    assert tasks["ShortestPaths"].arguments == (("min_nodes", "Nat", 16), ("max_nodes", "Nat", 16),
                                                ("p_min", "Float", 0.5), ("p_max", "Float", 0.5))
    assert tasks["SecondMinimum"].arguments == (("min_size", "Nat", 2), ("max_size", "Nat", 16), ("vocab", "Nat", 10))
    for name in ("Copy", "Reverse", "Sort"):
        assert tasks[name].arguments == (("vocab", "Nat", 10), ("min_len", "Nat", 1), ("max_len", "Nat", 16))
        assert tasks[name].index_sets == (("t", Kind.LIST),)
    assert tasks["SecondMinimum"].index_sets == (("n", Kind.SET),)
    assert tasks["SecondMinimum"].output == TensorType((), "i32")
    assert tasks["SecondMinimumList"].arguments == tasks["SecondMinimum"].arguments
    assert tasks["SecondMinimumList"].index_sets == (("t", Kind.LIST),)


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


# ---------------------------------------------------------------------- choosing an experiment


def test_experiments_lists_them_in_order(tmp_path):
    text = FULL + "\nexperiment Second\n  model Adder(heads = 1)\n  task Copy(vocab = 3)\n  loss cross_entropy\n"
    text = text.replace("task Copy(vocab = 3)", "task Addition")
    path = _write(tmp_path, text)
    assert list(paradsl.experiments(path)) == ["AddSmall", "Second"]
    assert paradsl.experiment(path, "Second").name == "Second"
    with pytest.raises(paradsl.UsageError, match=r"has 2 experiments; name one: AddSmall, Second"):
        paradsl.experiment(path)
    with pytest.raises(paradsl.UsageError, match=r"did you mean 'Second'"):
        paradsl.experiment(path, "Secnd")
    with pytest.raises(paradsl.UsageError, match=r"the experiments are: AddSmall, Second"):
        paradsl.experiment(path, "Other")


def test_a_file_without_experiments_is_a_usage_error(tmp_path):
    path = _write(tmp_path, ADDER)
    assert paradsl.experiments(path) == {}
    with pytest.raises(paradsl.UsageError) as e:
        paradsl.experiment(path)
    assert str(e.value).startswith("para: error: no experiment in ")


def test_a_file_with_an_error_raises_para_error(tmp_path):
    path = _write(tmp_path, FULL.replace("loss cross_entropy", "loss cross_entropi"))
    with pytest.raises(ParaError) as e:
        paradsl.experiments(path)
    assert [d.code for d in e.value.diagnostics] == ["E1006"]
    assert "did you mean 'cross_entropy'?" in str(e.value)


# ---------------------------------------------------------------------- --set


def test_overrides_replace_what_is_written_and_fill_what_is_not(tmp_path):
    path = _write(tmp_path, FULL)
    e = paradsl.experiment(path, overrides={
        "steps": "10", "batch": "4", "seed": "3", "eval_every": "5", "checkpoint_every": "2",
        "model.d": "16", "task.max_digits": "4", "optimiser.lr": "0.5", "optimiser.b1": "0.8",
        "eval.long.max_digits": "50", "eval.in_dist.samples": "7",
    })
    assert (e.steps, e.batch, e.seed, e.eval_every, e.checkpoint_every) == (10, 4, 3, 5, 2)
    assert e.hypers == (("d", 16), ("heads", 2))
    assert e.task.kwargs() == {"min_digits": 1, "max_digits": 4}
    assert e.optimiser.kwargs() == {"lr": 0.5, "schedule": "cosine", "warmup": 100, "clip": 1.0, "b1": 0.8}
    assert [(s.name, s.samples, s.task.kwargs()["max_digits"]) for s in e.eval_sets] == [
        ("in_dist", 7, 8), ("long", 200, 50)]


def test_an_override_of_a_positional_argument_keeps_the_others_in_place(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("model Adder(heads = 1)", "model Adder(4, 2)"))
    e = paradsl.experiment(path, overrides={"model.d": "6"})
    assert e.hypers == (("d", 6), ("heads", 2))


def test_clauses_left_out_can_be_set(tmp_path):
    e = paradsl.experiment(_write(tmp_path, MINIMAL), overrides={"steps": "20", "optimiser.schedule": "linear"})
    assert e.steps == 20 and e.eval_every == 20 and e.checkpoint_every == 20
    assert e.optimiser.kwargs()["schedule"] == "linear"


def test_an_override_is_checked_as_if_written(tmp_path):
    """`--set task.max_digits=-1` is the diagnostic writing it gives, at the value it replaces."""
    path = _write(tmp_path, FULL)
    written = _write(tmp_path, FULL.replace("max_digits = 8)", "max_digits = -1)", 1), "written.para")
    with pytest.raises(ParaError) as by_set:
        paradsl.experiment(path, overrides={"task.max_digits": "-1"})
    with pytest.raises(ParaError) as by_text:
        paradsl.experiment(written)
    [a], [b] = by_set.value.diagnostics, by_text.value.diagnostics
    assert (a.code, a.message, a.hint, a.span.line, a.span.col) == (b.code, b.message, b.hint, b.span.line,
                                                                      b.span.col)
    assert a.code == "E1013"


@pytest.mark.parametrize("key, value, code", [
    ("steps", "1.5", "E1012"), ("steps", "0", "E1013"), ("batch", "-2", "E1013"),
    ("optimiser.lr", "0", "E1013"), ("optimiser.schedule", "cosin", "E1009"),
    ("optimiser.nesterov", "true", None), ("model.d", "x", "E1012"), ("eval.long.samples", "0", "E1013"),
])
def test_override_values_are_parsed_as_the_declared_kind(tmp_path, key, value, code):
    text = FULL.replace("optimiser adam(", "optimiser sgd(").replace("b1", "momentum")
    path = _write(tmp_path, text)
    if code is None:
        assert paradsl.experiment(path, overrides={key: value}).optimiser.kwargs()["nesterov"] is True
        return
    with pytest.raises(ParaError) as e:
        paradsl.experiment(path, overrides={key: value})
    assert [d.code for d in e.value.diagnostics] == [code]


@pytest.mark.parametrize("key, says", [
    ("stepz", "did you mean 'steps'?"), ("model.width", "the settings are: steps, batch"),
    ("eval.other.samples", "did you mean 'eval.long.samples'?"), ("task.max_digit", "did you mean 'task.max_digits'?"),
    ("optimiser.momentum", "the settings are:"),
])
def test_an_unknown_key_is_a_usage_error(tmp_path, key, says):
    with pytest.raises(paradsl.UsageError) as e:
        paradsl.experiment(_write(tmp_path, FULL), overrides={key: "1"})
    assert str(e.value).startswith(f"para: error: --set {key}: ") and says in str(e.value)


def test_set_items_are_key_value_pairs():
    from paradsl.experiment_api import parse_sets

    assert parse_sets(["steps=10", "task.max_digits = 4", "steps=20"]) == {"steps": "20", "task.max_digits": "4"}
    for bad in ("steps", "=3", "steps="):
        with pytest.raises(paradsl.UsageError, match="--set takes KEY=VALUE"):
            parse_sets([bad])


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=-5, max_value=10**6))
def test_steps_set_to_any_whole_number(tmp_path_factory, n):
    path = _write(tmp_path_factory.mktemp("steps"), MINIMAL)
    if n >= 1:
        e = paradsl.experiment(path, overrides={"steps": str(n)})
        assert (e.steps, e.eval_every, e.checkpoint_every) == (n, n, n)
    else:
        with pytest.raises(ParaError) as err:
            paradsl.experiment(path, overrides={"steps": str(n)})
        assert [d.code for d in err.value.diagnostics] == ["E1013"]


# ---------------------------------------------------------------------- syntax


def test_clause_words_stay_names(tmp_path):
    text = """\
        para steps(batch: Nat, seed: Nat) : [batch] -> [batch]
          params model : [batch] ~ ones
          uses loss : Scale(batch)
          = eval => loss(eval) * model
        para Scale(samples: Nat) : [samples] -> [samples]
          params every : [samples] ~ ones, checkpoint : [samples] ~ ones
          = task => let metrics = task * every in metrics * checkpoint
        """
    result = check_paths([_write(tmp_path, text)])
    assert result.ok, result.diagnostics


def test_a_task_declaration_may_follow_an_experiment_and_a_task_clause():
    text = textwrap.dedent("""\
        experiment A
          task Parity
        task Parity (t : list) : [t] i32 -> i32 = "m:f"
        experiment B
          loss mse
          task Parity(1)
        task Other() (t : list)
          : [t] i32 -> i32
          = "m:g"
        """)
    module = parse(text, "x.para", DiagnosticSink())
    kinds = [type(d).__name__ for d in module.decls]
    assert kinds == ["ExperimentDecl", "TaskDecl", "ExperimentDecl", "TaskDecl"]
    assert [c.kind for c in module.decls[2].clauses] == ["loss", "task"]
    assert module.decls[2].clauses[1].call.args[0].value.value == 1


def test_after_a_syntax_error_the_experiments_clauses_stay_together(tmp_path):
    """Recovery starts a chunk at each declaration, and a `task` clause is not one: the
    experiment after the broken para keeps its task and reports nothing of its own."""
    text = ADDER + """
para Broken : [2] -> [2] = x => x +

experiment Good
  model Adder(heads = 1)
  task Addition(max_digits = 3)
  loss cross_entropy
"""
    result = check_paths([_write(tmp_path, text)])
    assert [d.code for d in result.diagnostics] == ["E0003"]


def test_the_ast_of_an_experiment_keeps_what_was_written():
    text = "experiment E\n  loss 0.5 * mse[1] + cross_entropy\n  optimiser sgd(0.1, nesterov = true)\n"
    [e] = parse(text, "x.para", DiagnosticSink()).decls
    assert isinstance(e, ast.ExperimentDecl)
    loss, opt = e.clauses
    assert [(t.name.name, t.component and t.component.value, t.weight and t.weight.value) for t in loss.losses] == [
        ("mse", 1, 0.5), ("cross_entropy", None, None)]
    assert [(a.name and a.name.name, a.value.value) for a in opt.call.args] == [(None, 0.1), ("nesterov", True)]
    assert (loss.word.span.line, loss.word.span.col, loss.word.span.end_col) == (2, 3, 7)


# ---------------------------------------------------------------------- the command line


def test_para_check_reports_experiments_and_exits_1(tmp_path):
    path = _write(tmp_path, FULL.replace("model Adder(d = 32, heads = 2)", "model Adder(d = 32)"))
    ran = para_cli("check", str(path))
    assert ran.returncode == 1 and "Traceback" not in ran.stderr
    assert "error[E1011]: 'Adder' needs its argument 'heads'" in ran.stderr
    assert "^" in ran.stderr and "= help: give it by name or by position: `Adder(heads = 1)`" in ran.stderr


def test_para_ir_prints_the_experiment(tmp_path):
    ran = para_cli("ir", str(_write(tmp_path, FULL)))
    assert ran.returncode == 0, ran.stderr
    assert "experiment AddSmall\n  model Adder(d = 32, heads = 2)\n" in ran.stdout
    assert "  loss cross_entropy\n  metrics accuracy, exact_match\n" in ran.stdout
    assert "    long = Addition(min_digits = 100, max_digits = 100) : i32[t,2] -> i32[t] samples 200\n" in ran.stdout


def test_the_catalogue_is_jax_free_and_complete():
    assert set(catalogue.LOSSES) == {"cross_entropy", "mse"}
    assert set(catalogue.METRICS) == {"accuracy", "exact_match", "pointer_accuracy", "mse", "distance_error"}
    assert set(catalogue.OPTIMISERS) == {"adam", "adamw", "sgd", "rmsprop", "lion", "adagrad"}
    assert set(catalogue.SCHEDULES) == {"constant", "cosine", "linear"}
    assert catalogue.METRICS["pointer_accuracy"].kind is catalogue.RuleKind.POINTERS
    assert catalogue.OPTIMISERS["adamw"].names()[-1] == "weight_decay"
    assert catalogue.OPTIMISERS["sgd"].argument("nesterov").kind is catalogue.ArgKind.BOOL
    for spec in catalogue.OPTIMISERS.values():
        assert spec.names()[:4] == ("lr", "schedule", "warmup", "clip")


def test_the_reference_lists_the_catalogue():
    """The reference's tables of losses, metrics and optimisers name exactly the catalogue's."""
    import re

    text = (Path(__file__).resolve().parent.parent / "docs" / "reference.md").read_text(encoding="utf-8")
    section = text[text.index("## 11. Experiments and tasks"):text.index("## 12. Coming")]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^\n]*)$", section, re.MULTILINE)}
    for name in set(catalogue.LOSSES) | set(catalogue.METRICS):
        kind = (catalogue.LOSSES.get(name) or catalogue.METRICS[name]).kind.value
        assert f"| {kind} |" in rows[name], name
    for name, spec in catalogue.OPTIMISERS.items():
        own = [n for n in spec.names() if n not in ("lr", "schedule", "warmup", "clip")]
        assert re.findall(r"`(\w+)`", rows[name]) == own, name
    for name in catalogue.SCHEDULES:
        assert f"`{name}`" in section
