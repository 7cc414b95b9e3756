"""Tasks and experiments (E10xx): their clauses, names, arguments and types."""

from __future__ import annotations

from .codes import (E1001, E1002, E1003, E1004, E1005, E1006, E1007, E1008, E1009, E1010, E1011, E1012, E1013,
                    E1014, E1015, E1016, E1017, E1018, E1019, E1020, E1021, E1022, E1023, E1024, E1025, E1026,
                    E1027)
from .template import Message

_CLOSE = "did you mean {close!r}?"
_ARG = "{owner!r} has no argument {name!r}"


class ExperimentsMsg:
    # ---- E1001-E1003: clauses
    CLAUSE_OUTSIDE_EXPERIMENT = Message(
        E1001, "a `{clause}` clause belongs to an experiment, and no `experiment` comes before it",
        "start the experiment first: `experiment Name` on the line before its clauses",
    )
    DUPLICATE_CLAUSE = Message(
        E1002, "experiment {name!r} has two `{clause}` clauses", "give each clause once; the first is at {first}",
    )
    MISSING_CLAUSE = Message(
        E1003, "experiment {name!r} has no `{clause}` clause", "every experiment names its model, task and loss: "
        "`model M(...)`, `task T(...)`, `loss cross_entropy`",
    )

    # ---- E1004-E1009: names
    UNKNOWN_TASK_CLOSE = Message(E1004, "unknown task {name!r}", _CLOSE)
    UNKNOWN_TASK = Message(
        E1004, "unknown task {name!r}", "declare it with `task {name}(...) : ... = \"module:function\"`, or "
        "`import tasks` for the standard ones",
    )
    UNKNOWN_MODEL_CLOSE = Message(E1005, "{name!r} is not a para the experiment can train", _CLOSE)
    UNKNOWN_MODEL = Message(
        E1005, "{name!r} is not a para the experiment can train", "name a para of this file or of one it imports",
    )
    GENERIC_MODEL = Message(
        E1005, "{name!r} takes maps or semirings as arguments, and an experiment gives only values",
        "declare a para that applies it to its maps, and train that",
    )
    UNKNOWN_LOSS = Message(E1006, "unknown loss {name!r}", "the losses are {known:comma}")
    UNKNOWN_LOSS_CLOSE = Message(E1006, "unknown loss {name!r}", _CLOSE)
    UNKNOWN_METRIC = Message(E1007, "unknown metric {name!r}", "the metrics are {known:comma}")
    UNKNOWN_METRIC_CLOSE = Message(E1007, "unknown metric {name!r}", _CLOSE)
    UNKNOWN_OPTIMISER = Message(E1008, "unknown optimiser {name!r}", "the optimisers are {known:comma}")
    UNKNOWN_OPTIMISER_CLOSE = Message(E1008, "unknown optimiser {name!r}", _CLOSE)
    UNKNOWN_SCHEDULE = Message(E1009, "unknown schedule {name!r}", "the schedules are {known:comma}")
    UNKNOWN_SCHEDULE_CLOSE = Message(E1009, "unknown schedule {name!r}", _CLOSE)

    # ---- E1010-E1013, E1025, E1027: arguments
    UNKNOWN_ARGUMENT = Message(E1010, _ARG, "its arguments are {known:comma}")
    UNKNOWN_ARGUMENT_CLOSE = Message(E1010, _ARG, _CLOSE)
    NO_ARGUMENTS = Message(E1010, _ARG, "{owner!r} takes no arguments")
    MISSING_ARGUMENT = Message(
        E1011, "{owner!r} needs its argument{n:|s} {names:quoted comma}",
        "give {n:it|them} by name or by position: `{owner}({first} = {value})`",
    )
    ARGUMENT_KIND = Message(
        E1012, "argument {name!r} of {owner!r} is a `{kind}`, and {found} is not one", "write a `{kind}`: `{name} = {value}`",
    )
    ARGUMENT_NOT_A_NAME = Message(
        E1012, "argument {name!r} of {owner!r} is a name, and {found} is not one", "write one of {known:comma}",
    )
    CLAUSE_VALUE_KIND = Message(
        E1012, "`{clause}` is a `Nat`, and {found} is not one", "write a whole number: `{clause} 100`",
    )
    COMPONENT_KIND = Message(
        E1012, "a component is a `Nat`, and {found} is not one", "pick a part of a tuple by its place: `[0]`, `[1]`",
    )
    CLAUSE_OUT_OF_RANGE = Message(
        E1013, "`{clause}` must be at least {low}, and it is {found}", "write a whole number of {low} or more",
    )
    LR_OUT_OF_RANGE = Message(
        E1013, "the learning rate must be more than 0, and it is {found}", "write a small positive number: `lr = 1e-3`",
    )
    ARGUMENT_OUT_OF_RANGE = Message(
        E1013, "argument {name!r} of {owner!r} is a `{kind}` and must be at least {low}, and it is {found}",
        "write a value of {low} or more",
    )
    ARGUMENT_TWICE = Message(E1025, "argument {name!r} of {owner!r} is given twice", "give it once")
    TOO_MANY_ARGUMENTS = Message(
        E1027, "{owner!r} takes {n} argument{n:|s}, and {given} are given", "its arguments are {known:comma}",
    )

    # ---- E1014-E1015: the model and the task's input
    MODEL_DOMAIN = Message(
        E1014, "model {model!r} takes {dom}, and task {task!r} gives {input}",
        "the model's input is the task's: give the model hyperparameters that make them equal, or train it on "
        "another task",
    )
    KIND_MISMATCH = Message(
        E1015, "{model!r} treats {axis!r} as a `{model_kind}`, and task {task!r} gives a `{task_kind}`",
        "the model's index sets are the task's, kinds and all: declare it `({axis} : {task_kind})`, or train it "
        "on a task of {model_kind}s",
    )

    # ---- E1016-E1021: the prediction, the target and the loss or metric
    PREDICTION_CLASSES = Message(
        E1016, "{measure!r} compares a prediction with one more axis than the target, its classes; "
        "the target is {target}, and the model gives {prediction}",
        "give the model a trailing class axis: a target {target} is predicted as [{axes:comma}]",
    )
    PREDICTION_SAME = Message(
        E1016, "{measure!r} compares a prediction of the target's type; the target is {target}, and the model gives "
        "{prediction}",
        "give the model a result of type {target_float}",
    )
    CLASSES_FLOAT_TARGET = Message(
        E1017, "{measure!r} takes a target of class numbers, and the target {target} is of floats",
        "compare floats with `mse` or `distance_error`",
    )
    FLOAT_PREDICTION = Message(
        E1017, "{measure!r} takes a prediction of floats, and the model gives {prediction}",
        "give the model a float result (logits or scores)",
    )
    POINTER_NOT_NODES = Message(
        E1018, "{measure!r} reads the class axis as a pointer into the nodes, and the class axis {axis!r} is not an "
        "index set of the target {target}",
        "point into the nodes with a class axis that is an index set of the target, or use `accuracy`",
    )
    COMPONENT_OF_SINGLE = Message(
        E1019, "{measure!r} picks component {k} of the target, and the target {target} is not a tuple",
        "leave out the component: `{measure}`",
    )
    COMPONENT_OUT_OF_RANGE = Message(
        E1020, "{measure!r} picks component {k} of the target, and the target {target} has {n} component{n:|s}",
        "components count from 0: pick one of {known:comma}",
    )
    TUPLE_WITHOUT_COMPONENT = Message(
        E1021, "the target {target} is a tuple, and {measure!r} compares one tensor",
        "pick a component: `{measure}[0]`",
    )
    PREDICTION_NOT_TUPLE = Message(
        E1021, "the target {target} is a tuple, and model {model!r} gives {prediction}",
        "give the model a tuple result with one part per component of the target",
    )

    # ---- E1022-E1023: evaluation sets
    DUPLICATE_EVAL_SET = Message(
        E1022, "experiment {name!r} has two evaluation sets named {set!r}", "name each once; the first is at {first}",
    )
    EVAL_SET_TYPES = Message(
        E1023, "evaluation set {set!r} is of {input} -> {output}, and the experiment trains on {train_input} -> "
        "{train_output}",
        "an evaluation set feeds the same model: evaluate on a task of the same types, its sizes free",
    )

    # ---- E1024, E1026: task declarations
    TASK_TARGET = Message(
        E1024, "a task's target names a Python function as `module:function`, and {target!r} does not",
        "write the module and the function: `\"mypkg.data:generate\"`",
    )
    TASK_BINDER_KIND = Message(
        E1026, "task {task!r} takes {name!r} as a `{kind}`, and a task takes only values and index sets",
        "give a task `Nat`, `Int`, `Float` or `Bool` arguments and `set`, `list` or `cyc` index sets",
    )
