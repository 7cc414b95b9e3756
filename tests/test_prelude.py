"""The prelude is the one table of builtins: the checker accepts exactly the builtins the
lowering has a rule for, every `jax` target names a real function, and each builtin,
written in a small program, checks and compiles to a call of its target."""

from __future__ import annotations

import importlib

import jax
import jax.numpy as jnp
import pytest

from paradsl import prelude
from paradsl.check import builtins
from paradsl.driver import check_source, compile_program
from paradsl.lower.prims import lowered_builtins


def test_the_checker_and_the_lowering_know_the_same_builtins():
    accepted = {n for n in builtins.all_names() if builtins.is_builtin_function(n)}
    assert accepted == set(prelude.BY_NAME)
    assert lowered_builtins() == accepted
    assert set(builtins.all_names()) == accepted | set(builtins.CONSTANTS)


def test_the_checker_sets_partition_the_builtins():
    sets = [builtins.UNARY, builtins.REDUCERS, builtins.CALL_REDUCERS, builtins.NORMALISERS, builtins.SCANS,
            builtins.SELECTIONS, builtins.OTHER]
    assert sum(len(s) for s in sets) == len(prelude.BUILTINS) == len(prelude.BY_NAME)
    assert set().union(*sets) == set(prelude.BY_NAME)
    assert builtins.STOCHASTIC == {"dropout", "sample"}


def _resolve(dotted: str):
    head, *rest = dotted.split(".")
    obj = {"jax": jax, "jnp": jnp}[head]
    for part in rest:
        if not hasattr(obj, part):  # a submodule not imported by `import jax`
            obj = importlib.import_module(f"{obj.__name__}.{part}")
        else:
            obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("target", sorted({b.target for b in prelude.BUILTINS if b.target}
                                          | {i.target for i in prelude.INITIALIZERS}))
def test_every_target_is_a_jax_function(target):
    assert callable(_resolve(target))


#: A use of each builtin, as the body of `para P (t : list) : [t, 3] -> ... = x => BODY`.
USES = {
    "sum": ("f32", "sum(x)"), "max": ("f32", "max(x)"), "min": ("f32", "min(x)"), "mean": ("f32", "mean(x)"),
    "prod": ("f32", "prod(x)"), "var": ("f32", "var(x)"), "logsumexp": ("f32", "logsumexp(x)"),
    "softmax": ("[t, 3]", "softmax(x)"), "log_softmax": ("[t, 3]", "log_softmax(x)"),
    "cumsum": ("[t, 3]", "cumsum(x[s, c], over s)"), "cumprod": ("[t, 3]", "cumprod(x)"),
    "cummax": ("[t, 3]", "cummax(x)"), "cummin": ("[t, 3]", "cummin(x)"),
    "hardmax": ("[t, 3]", "hardmax(x)"), "sample": ("[t, 3]", "sample(x, beta=2.0)"),
    "where": ("[t, 3]", "where(x > 0.0, x, 0.0)"), "dropout": ("[t, 3]", "dropout(x, 0.5)"),
    "einsum": ("[t, t]", 'einsum("ic,jc->ij", x, x)'), "transpose": ("[3, t]", "transpose(x)"),
    "argmax": ("[t] ptr 3", "for s. argmax c. x[s, c]"), "argmin": ("[t] ptr 3", "for s. argmin(x[s, c], over c)"),
    "one_hot": ("[t, 3]", "one_hot(for s. argmax c. x[s, c])"),
}


@pytest.mark.parametrize("b", prelude.BUILTINS, ids=lambda b: b.name)
def test_each_builtin_checks_and_compiles_to_its_target(b):
    cod, body = USES.get(b.name, ("[t, 3]", f"{b.name}(x)"))
    result = check_source(f"para P (t : list) : [t, 3] -> {cod} = x => {body}\n", "builtin.para")
    assert result.ok, [d.message for d in result.diagnostics]
    source = compile_program(next(iter(result.programs.values())))
    if b.target is not None:
        spelled = {"transpose": ".T"}.get(b.name, b.target.rsplit(".", 1)[-1])  # `x.T` is jnp.transpose
        assert spelled in source, source
