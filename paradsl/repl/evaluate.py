"""Values at the prompt: reading them, applying a para to them, showing them.

    x = randn[5, 4]            a standard normal f32 array (seeded by the input's number)
    y = [[1, 2], [3, 4]]       a NumPy literal: ints are i32, floats f32
    Linear(4, 2)(x)            a para with its hyperparameters, applied to a value
    relu(x @ W) + 1.0          any other expression, over the values bound (`expression.py`)

A para is built from the session's compiled module with its hyperparameters and the key
`jax.random.key(0)`, and called on the value; axes in front of its domain are mapped over
(as a batch), as NumPy broadcasts. The value may itself be an expression. NumPy is imported
here; jax, equinox and the lowering only when something is evaluated.
"""

from __future__ import annotations

import ast as pyast
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import ir
from ..types import FixedAxis, IndexSetAxis, TensorType, TupleType
from . import expression
from .expression import ExpressionError, Piece
from .input import without_comments
from .session import State, Value, in_scope
from .texts import ReplText

#: The key the REPL builds every para with, so that a result can be reproduced outside it.
PARAM_SEED = 0

_DRAW = re.compile(r"(randn|zeros|ones)\s*\[\s*([0-9\s,]*)\]\s*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_']*\Z")
_NUMPY_DTYPES = {"f32": "float32", "f64": "float64", "f16": "float16", "i32": "int32", "i64": "int64", "i8": "int8",
                 "i16": "int16", "u8": "uint8", "u32": "uint32", "bool": "bool"}
_DTYPES = {"float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16", "int32": "i32",
           "int64": "i64", "int8": "i8", "int16": "i16", "uint8": "u8", "uint32": "u32", "bool": "bool"}


class EvalError(Exception):
    """Why an input cannot be evaluated: a line the REPL prints."""


@dataclass(frozen=True)
class Applied:
    """A para applied to a value: what was built, and what it gave."""

    para: ir.ParaDef
    module: object  # the equinox.Module built, with its weights
    value: Value


def dtype_name(array) -> str:
    return _DTYPES.get(str(array.dtype), str(array.dtype))


def shown_type(array, labels: tuple[str | None, ...] = ()) -> str:
    """`f32[5, o=2]`: the dtype and each axis's size, named where the para's type names it."""
    return type_text(dtype_name(array), tuple(array.shape), labels)


def show(value: Value) -> str:
    """The value's type and its entries, abbreviated as NumPy abbreviates them."""
    import numpy as np

    values = np.array2string(np.asarray(value.array), precision=4, threshold=24, edgeitems=3, suppress_small=True)
    return ReplText.VALUE.format(type=value.type, values=values)


def _code(text: str | Piece) -> Piece:
    """What was typed, without the spaces around it and a comment after it."""
    piece = (text if isinstance(text, Piece) else Piece.whole(text)).stripped()
    return piece.part(0, len(without_comments(piece.text).rstrip()))


def _plain_value(text: str, state: State) -> Value | None:
    """A bound name, a draw or a NumPy literal, or None for anything else."""
    import numpy as np

    if _NAME.match(text) and state.value(text) is not None:
        return state.value(text)
    m = _DRAW.match(text)
    if m:
        shape = tuple(int(s) for s in m.group(2).replace(",", " ").split())
        if m.group(1) == "randn":
            arr = np.random.default_rng(state.inputs).standard_normal(shape).astype(np.float32)
        else:
            arr = (np.zeros if m.group(1) == "zeros" else np.ones)(shape, np.float32)
        return Value(arr, shown_type(arr))
    if text[:1] not in "[-0123456789.(" or _application(text):
        return None
    try:
        lit = pyast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None  # not a literal, so an expression: `-x`, `(x @ W)`, `2.0 * x`
    try:
        arr = np.asarray(lit)
    except (ValueError, TypeError) as e:
        raise EvalError(ReplText.BAD_VALUE.format(text=text, reason=str(e).splitlines()[0])) from None
    arr = _narrowed(arr)
    if arr.dtype == object:
        raise EvalError(ReplText.BAD_VALUE.format(text=text, reason=str(arr.dtype)))
    return Value(arr, shown_type(arr))


def read_value(text: str | Piece, state: State) -> Value:
    """A value written at the prompt: a bound name, a draw, a literal, an application of a
    para in scope, or any other expression over the values bound."""
    piece = _code(text)
    plain = _plain_value(piece.text, state)
    if plain is not None:
        return plain
    if _para_application(piece.text, state):
        return apply(piece, state).value
    values = evaluated(piece, state).values
    if len(values) != 1:
        raise EvalError(ReplText.TUPLE_VALUE.format(text=piece.text, count=len(values)))
    return values[0]


@dataclass(frozen=True)
class Evaluated:
    """An expression computed: its wrapper, the module built from it (with the weights of
    the paras used in it) and the values it gave, one for each tensor of its result."""

    para: ir.ParaDef
    module: object
    values: tuple[Value, ...]


def evaluated(text: str | Piece, state: State) -> Evaluated:
    """An expression's value, or the values of the tuple it gives, computed by its wrapper."""
    import jax
    import numpy as np

    piece = _code(text)
    c = _checked(piece, state)
    arrays = [v.array for v in c.values]
    given = arrays if len(arrays) > 1 else arrays[0] if arrays else np.float32(0.0)
    module, out = _run(c.para, {}, given, 0, c.state, label=piece.text)
    # A constant comes back as a Python number; its type is the one the checker gave.
    results = [np.asarray(a, _NUMPY_DTYPES.get(dtype))
               for a, (dtype, _) in zip(jax.tree_util.tree_leaves(out), expression.result_shapes(c.type))]
    return Evaluated(c.para, module, tuple(Value(a, shown_type(a)) for a in results))


def _checked(piece: Piece, state: State) -> expression.Checked:
    try:
        return expression.check_expression(piece, state)
    except ExpressionError as e:
        raise EvalError(str(e)) from None


def _para_application(text: str, state: State) -> bool:
    """Whether `text` is `NAME(HYPERS)(VALUE)` for a para NAME that no value hides: the
    application the REPL maps over the value's leading axes."""
    parts = _application(text)
    if parts is None:
        return False
    try:
        name = split_head(parts[0])[0]
    except EvalError:
        return False
    return name in in_scope(state) and state.value(name) is None


def _narrowed(arr):
    """NumPy's int64 and float64 as the language's default i32 and f32."""
    import numpy as np

    if arr.dtype.kind == "i":
        return arr.astype(np.int32)
    if arr.dtype.kind == "f":
        return arr.astype(np.float32)
    return arr


def _application(text: str) -> tuple[str, str, int] | None:
    """`HEAD(ARG)` as (HEAD, ARG, where ARG starts), HEAD not empty, the last parenthesis
    group the argument; `text` has no spaces around it."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            head = text[:i].strip()
            return (head, text[i + 1:-1], i + 1) if head else None
    return None


def split_head(head: str) -> tuple[str, list, dict]:
    """`Name(4, d=2)` as the name and its positional and named hyperparameter values."""
    try:
        call = pyast.parse(head, mode="eval").body
    except SyntaxError:
        raise EvalError(ReplText.NOT_EVALUABLE.format(text=head)) from None
    if isinstance(call, pyast.Name):
        return call.id, [], {}
    if not (isinstance(call, pyast.Call) and isinstance(call.func, pyast.Name)):
        raise EvalError(ReplText.NOT_EVALUABLE.format(text=head))
    try:
        args = [pyast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: pyast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        raise EvalError(ReplText.NOT_EVALUABLE.format(text=head)) from None
    return call.func.id, args, kwargs


def find_para(name: str, state: State) -> ir.ParaDef:
    paras = in_scope(state)
    if name in paras:
        return paras[name]
    if state.value(name) is not None:
        raise EvalError(ReplText.NOT_A_PARA.format(name=name))
    from ..check.suggest import closest

    close = closest(name, sorted(paras))
    if close:
        raise EvalError(ReplText.NO_SUCH_NAME_CLOSE.format(name=name, close=close))
    raise EvalError(ReplText.NO_SUCH_NAME.format(name=name))


_KINDS = {"Nat": (int,), "Int": (int,), "Float": (int, float), "Bool": (bool,)}


def hyper_values(para: ir.ParaDef, args: list, kwargs: dict) -> dict[str, object]:
    """The para's hyperparameters by name, from the values given and its defaults."""
    names = [h.name for h in para.hypers]
    given = len(args) + len(kwargs)
    if len(args) > len(names):
        raise EvalError(ReplText.BAD_ARGUMENTS.format(name=para.name, count=len(names), names=names, given=given))
    out = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            raise EvalError(ReplText.UNKNOWN_ARGUMENT.format(name=para.name, hyper=k, names=names))
        out[k] = v
    for h in para.hypers:
        if h.name not in out and h.default is not None:
            out[h.name] = h.default
        if h.name not in out:
            raise EvalError(ReplText.BAD_ARGUMENTS.format(name=para.name, count=len(names), names=names, given=given))
        v = out[h.name]
        ok = isinstance(v, _KINDS[str(h.kind)]) and (str(h.kind) == "Bool" or not isinstance(v, bool))
        if not ok or (str(h.kind) == "Nat" and v < 0):
            raise EvalError(ReplText.BAD_ARGUMENT.format(name=para.name, hyper=h.name, kind=str(h.kind), value=v))
    return out


def substituted(t, env: dict[str, object]) -> str:
    """A type in the language's notation with the sizes known in `env` filled in."""
    if isinstance(t, TupleType):
        return "(" + ", ".join(substituted(i, env) for i in t.items) + ")"
    if not isinstance(t, TensorType):
        return str(t)
    sizes = {k: v for k, v in env.items() if isinstance(v, int) and not isinstance(v, bool)}
    dims = []
    for a in t.axes:
        if isinstance(a, FixedAxis) and a.size.variables() <= set(sizes):
            dims.append(str(a.size.evaluate(sizes)))
        elif isinstance(a, IndexSetAxis) and a.name in sizes:
            dims.append(f"{a.name}={sizes[a.name]}")
        else:
            dims.append(str(a))
    body = "[" + ", ".join(dims) + "]"
    return (t.dtype if not t.axes else body if t.dtype == "f32" else f"{body} {t.dtype}")


def _labels(t: TensorType) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for a in t.axes:
        if isinstance(a, IndexSetAxis):
            out.append(a.name)
        elif isinstance(a, FixedAxis) and len(a.size.variables()) == 1 and str(a.size) in a.size.variables():
            out.append(str(a.size))
        else:
            out.append(None)
    return tuple(out)


def _index_sizes(para: ir.ParaDef, dom: TensorType, shape: tuple[int, ...], env: dict) -> dict[str, int]:
    """The index sets' sizes read off the value's trailing axes; a mismatch is an error."""
    want = substituted(dom, env)
    if len(shape) < dom.rank:
        raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=want, given=list(shape)))
    out: dict[str, int] = {}
    sizes = {k: v for k, v in env.items() if isinstance(v, int)}
    for a, n in zip(dom.axes, shape[len(shape) - dom.rank:]):
        if isinstance(a, IndexSetAxis):
            if out.setdefault(a.name, n) != n:
                raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=want, given=list(shape)))
        elif isinstance(a, FixedAxis) and a.size.variables() <= set(sizes) and a.size.evaluate(sizes) != n:
            raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=want, given=list(shape)))
    return out


@dataclass(frozen=True)
class _Call:
    """An application read, before it runs: the para, its sizes, the values it takes and
    how many axes in front of its domain are a batch."""

    para: ir.ParaDef
    env: dict[str, object]
    values: tuple[Value, ...]
    batch: tuple[int, ...]
    cod: TensorType


def _split_values(arg: Piece) -> list[Piece]:
    """The top-level comma-separated parts of `arg`."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(arg.text):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(arg.part(start, i))
            start = i + 1
    return [*out, arg.part(start, len(arg.text))]


def _read_call(text: str | Piece, state: State, read: Callable[[Piece, State], Value]) -> _Call:
    """The application in `text`, its values read by `read` (computed, or only typed)."""
    piece = _code(text)
    parts = _application(piece.text)
    if parts is None or _instance(piece.text, state) is not None:
        raise EvalError(ReplText.NOT_EVALUABLE.format(text=piece.text))
    head, arg, at = parts
    name, args, kwargs = split_head(head)
    para = find_para(name, state)
    env = hyper_values(para, args, kwargs)
    dom, cod = para.type.dom, para.type.cod
    doms = list(dom.items) if isinstance(dom, TupleType) else [dom]
    whole = piece.part(at, at + len(arg))
    texts = _split_values(whole) if isinstance(dom, TupleType) else [whole]
    if len(texts) != len(doms):
        raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=str(dom), given=arg.strip()))
    values = tuple(read(t, state) for t in texts)
    if not isinstance(cod, TensorType) or not all(isinstance(d, TensorType) for d in doms):
        raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=str(dom), given=values[0].type))
    for d, v in zip(doms, values):
        env.update(_index_sizes(para, d, tuple(v.array.shape), env))
    batch = tuple(values[0].array.shape[:len(values[0].array.shape) - doms[0].rank])
    if len(doms) > 1 and any(len(v.array.shape) != d.rank for d, v in zip(doms, values)):
        given = "(" + ", ".join(v.type for v in values) + ")"  # a tuple is not mapped over
        raise EvalError(ReplText.BAD_SHAPE.format(name=para.name, want=substituted(dom, env), given=given))
    return _Call(para, env, values, batch, cod)


def apply(text: str | Piece, state: State) -> Applied:
    """Evaluate `HEAD(ARG)`: build the para HEAD names and call it on the value ARG (or on
    the values `ARG, ...` of a tuple, for a para whose domain is one)."""
    import numpy as np

    c = _read_call(text, state, read_value)
    arrays = [v.array for v in c.values]
    module, out = _run(c.para, c.env, arrays if len(arrays) > 1 else arrays[0], len(c.batch), state)
    arr = np.asarray(out)
    return Applied(c.para, module, Value(arr, shown_type(arr, _labels(c.cod))))


def build(para: ir.ParaDef, env: dict[str, object], state: State):
    """The para's module, built with the hyperparameters (and index-set sizes) in `env`."""
    import jax

    from .. import api

    program = state.program()
    assert program is not None
    cls = api.para_class(_BUILT.module(program), program, para)
    wanted = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in env.items() if k in wanted}
    return cls(**kwargs, key=jax.random.key(PARAM_SEED))


def _run(para: ir.ParaDef, env: dict[str, object], array, batch: int, state: State, label: str | None = None):
    """The para built and called on `array`, its first `batch` axes mapped over; what it
    raises is reported as raised by `label` (the para's name, or the expression typed)."""
    import jax
    import jax.numpy as jnp

    try:
        module = build(para, env, state)
        takes_key = "key" in inspect.signature(type(module).__call__).parameters

        def call(v):
            return module(v, key=jax.random.key(PARAM_SEED + 1)) if takes_key else module(v)

        f = call
        for _ in range(batch):
            f = jax.vmap(f)
        given = tuple(jnp.asarray(a) for a in array) if isinstance(array, list) else jnp.asarray(array)
        return module, f(given)
    except EvalError:
        raise
    except Exception as e:  # noqa: BLE001 - what the user's program does on this value, reported
        lines = str(e).strip().splitlines()
        raise EvalError(ReplText.EVAL_RAISED.format(name=label or para.name, kind=type(e).__name__,
                                                   error=lines[0] if lines else repr(e))) from None


def _instance(text: str, state: State) -> tuple[ir.ParaDef, dict[str, object]] | None:
    """`Name(4, 2)` as a para and its hyperparameters, when that is what it is."""
    try:
        name, args, kwargs = split_head(text.strip())
    except EvalError:
        return None
    para = in_scope(state).get(name)
    if para is None or state.value(name) is not None or (not para.hypers and (args or kwargs)):
        return None
    return para, hyper_values(para, args, kwargs)


def type_of(text: str | Piece, state: State) -> str:
    """The type of a value, of a para (polymorphic in its hyperparameters and index sets),
    of a para given its hyperparameters, of a para applied to a value, or of an expression;
    nothing is computed but the values written as draws or literals."""
    piece = _code(text)
    text = piece.text
    if _NAME.match(text) and state.value(text) is not None:
        return state.value(text).type  # type: ignore[union-attr]
    if _NAME.match(text) and text in in_scope(state):
        return find_para(text, state).signature()
    inst = _instance(text, state)
    if inst is not None:
        para, env = inst
        return f"{substituted(para.type.dom, env)} -> {substituted(para.type.cod, env)}"
    return ", ".join(v.type for v in _typed(piece, state))


def _typed(piece: Piece, state: State) -> list[Value]:
    """The values `piece` gives, their types known and their entries not computed: each
    array a placeholder of its shape (a broadcast zero, which takes no memory)."""
    plain = _plain_value(piece.text, state)
    if plain is not None:
        return [plain]
    if _para_application(piece.text, state):
        c = _read_call(piece, state, _typed_one)
        sizes = {k: v for k, v in c.env.items() if isinstance(v, int)}
        shape = c.batch + tuple(a.size.evaluate(sizes) if isinstance(a, FixedAxis) else sizes[a.name]
                                for a in c.cod.axes)
        return [Value(_placeholder(c.cod.dtype, shape), type_text(c.cod.dtype, shape, _labels(c.cod)))]
    c = _checked(piece, state)
    return [Value(_placeholder(dtype, shape), type_text(dtype, shape)) for dtype, shape in expression.result_shapes(c.type)]


def _typed_one(piece: Piece, state: State) -> Value:
    values = _typed(piece, state)
    if len(values) != 1:
        raise EvalError(ReplText.TUPLE_VALUE.format(text=piece.text, count=len(values)))
    return values[0]


def _placeholder(dtype: str, shape: tuple[int, ...]):
    import numpy as np

    return np.broadcast_to(np.zeros((), _NUMPY_DTYPES.get(dtype, np.float32)), shape)


def type_text(dtype: str, shape: tuple[int, ...], labels: tuple[str | None, ...] = ()) -> str:
    """`f32[5, o=2]`: a dtype and sizes, each named where the para's type names it."""
    labels = (None,) * (len(shape) - len(labels)) + tuple(labels[-len(shape):] if shape else ())
    dims = ", ".join(str(n) if lab is None or lab == str(n) else f"{lab}={n}" for lab, n in zip(labels, shape))
    return f"{dtype}[{dims}]" if shape else dtype


def describe(text: str | Piece, state: State) -> str:
    """What an expression typed at the prompt shows: a value's entries, a para's type, what
    a para applied to a value gives, or what any other expression gives (a tuple's values
    one after another)."""
    piece = _code(text)
    text = piece.text
    if _NAME.match(text) and state.value(text) is not None:
        return show(state.value(text))  # type: ignore[arg-type]
    if (_NAME.match(text) and text in in_scope(state)) or _instance(text, state) is not None:
        return ReplText.TYPE_OF.format(expr=text, type=type_of(piece, state))
    plain = _plain_value(text, state)
    if plain is not None:
        return show(plain)
    if _para_application(text, state):
        return show(apply(piece, state).value)
    return "\n".join(show(v) for v in evaluated(piece, state).values)


class _Built:
    """The module last built from a session's program: building it again would lower and
    lay out the same source once more."""

    def __init__(self) -> None:
        self.last: list[tuple[ir.Program, object]] = []

    def module(self, program: ir.Program):
        from .. import api

        if not self.last or self.last[0][0] is not program:
            self.last[:] = [(program, api.load_program(program))]
        return self.last[0][1]


_BUILT = _Built()
