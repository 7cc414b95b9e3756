"""A user's task function held to its declaration at run time (E1030-E1039): each mistake a
generator can make is a located diagnostic at the task's call, never a traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paradsl.diagnostics.span import Span
from paradsl.ir.experiment import TaskCall
from paradsl.train import data
from paradsl.types.sizes import Poly
from paradsl.types.types import FixedAxis, IndexSetAxis, Kind, TensorType, TupleType

T = IndexSetAxis("t", Kind.LIST)
SPAN = Span("exp.para", 7, 8, 7, 30)
GOOD = '''
import numpy as np

def pairs(rng, batch, *, n=3):
    x = rng.integers(0, 10, size=(batch, n, 2)).astype(np.int32)
    return x, x.sum(axis=2).astype(np.int32)
'''


def _call(target: str, inp=None, out=None) -> TaskCall:
    return TaskCall("Pairs", target, (("n", 3),), inp or TensorType((T, FixedAxis(Poly.const(2))), "i32"),
                    out or TensorType((T,), "i32"), SPAN)


def _module(tmp_path: Path, body: str) -> str:
    """A module of task functions in `tmp_path`, named after the folder so that each test
    imports its own."""
    name = "usertask_" + tmp_path.name.replace("-", "_").replace("[", "_").replace("]", "_")
    (tmp_path / f"{name}.py").write_text(GOOD + body, encoding="utf-8")
    return name


def _code(tmp_path: Path, fn_name: str, body: str = "", **types) -> str:
    call = _call(f"{_module(tmp_path, body)}:{fn_name}", **types)
    with pytest.raises(data.TaskError) as e:
        data.draw(data.resolve(call, tmp_path), call, 0, 0, 0, 4)
    d = e.value.diagnostic
    assert (d.span.line, d.span.col) == (7, 8)
    assert d.hint
    return d.code


def test_a_fitting_task_is_drawn_deterministically(tmp_path: Path):
    call = _call(f"{_module(tmp_path, '')}:pairs")
    fn = data.resolve(call, tmp_path)
    a, b = data.draw(fn, call, 3, 0, 5, 4), data.draw(fn, call, 3, 0, 5, 4)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert a.inputs.shape == (4, 3, 2) and a.sizes == (("t", 3),)
    c = data.draw(fn, call, 3, 0, 6, 4)
    assert not np.array_equal(a.inputs, c.inputs)
    # The rng is the documented one: numpy's default_rng of (seed, stream, step).
    np.testing.assert_array_equal(a.inputs, fn(np.random.default_rng([3, 0, 5]), 4, n=3)[0])


def test_unimportable_module_is_e1030(tmp_path: Path):
    call = _call("no_such_module_here:pairs")
    with pytest.raises(data.TaskError) as e:
        data.resolve(call, tmp_path)
    assert e.value.diagnostic.code == "E1030"
    assert "no module named" in e.value.diagnostic.message


def test_missing_function_is_e1031(tmp_path: Path):
    with pytest.raises(data.TaskError) as e:
        data.resolve(_call(f"{_module(tmp_path, '')}:nothing"), tmp_path)
    assert e.value.diagnostic.code == "E1031"


CASES = {
    "E1032": ("def f(rng, batch, *, n):\n    raise ValueError('no data today')\n", {}),
    "E1033": ("def f(rng, batch, *, n):\n    return np.zeros((batch, n, 2), np.int32)\n", {}),
    "E1034": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch, n=n)\n    return x, y\n",
              {"inp": TupleType((TensorType((T,), "i32"), TensorType((T,), "i32")))}),
    "E1035": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch, n=n)\n    return x[:, :, 0], y\n", {}),
    "E1036": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch, n=n)\n    return x.astype(np.int64), y\n",
              {}),
    "E1037": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch + 1, n=n)\n    return x, y\n", {}),
    "E1038": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch, n=n)\n    return np.concatenate([x, x], 2), y\n",
              {}),
    "E1039": ("def f(rng, batch, *, n):\n    x, y = pairs(rng, batch, n=n)\n    return x, y[:, :-1]\n", {}),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_mistake_of_a_generator_has_its_code(code: str, tmp_path: Path):
    body, types = CASES[code]
    assert _code(tmp_path, "f", body, **types) == code
