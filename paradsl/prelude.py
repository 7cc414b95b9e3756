"""The prelude: every builtin function, constant, initialiser and semiring, as data.

One row per builtin says what it is (its kind), how many positional arguments it takes,
the dtype of its result, whether it draws random numbers, and the `jax` function it
becomes. The checker (`paradsl.check.builtins`) and the lowering (`paradsl.lower.prims`)
both derive their tables from here, so the two cannot disagree about what exists.
Nothing here imports jax, the checker or the lowering.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a builtin is used and lowered."""

    UNARY = "unary"  # elementwise on a tensor; also a map, point-free: `Linear(4, 8) >> relu`
    REDUCER = "reducer"  # `sum j. e`, or called on a whole tensor or `over` labels
    CALL_REDUCER = "call reducer"  # a reduction that is only called: `var(x)`, `logsumexp(x, over j)`
    NORMALISER = "normaliser"  # along one axis, keeping the shape: the last, or `over` a label
    SCAN = "scan"  # along one axis in its order, so on a `list` only
    SELECTION = "selection"  # a one-hot along one axis: not smooth
    OTHER = "other"  # a form of its own (where, dropout, einsum, transpose)


class Dtype(Enum):
    """The dtype of a builtin's result, given its (first) argument's: the dtype its `jax`
    target gives (x64 disabled), so that what the checker infers is what runs."""

    SAME = "same"  # the argument's
    NUMBER = "number"  # the argument's; a bool is refused
    FLOAT = "float"  # the argument's if floating, else f32 (a mean of integers is not an integer)
    NEEDS_FLOAT = "needs float"  # the argument's, which must be floating
    BOOL_AS_INT = "bool as int"  # the argument's, a bool counted as i32
    ACCUMULATE = "accumulate"  # as `jnp.sum` accumulates: bool, i8 and i16 give i32, u8 gives u32
    JOIN = "join"  # the join of the value arguments' dtypes (where: of the two branches)
    POINTER = "pointer"  # a pointer to the element picked (`argmax`); a pointer is refused


_FLOATS = frozenset({"bf16", "f16", "f32", "f64"})
_WIDENED = {"bool": "i32", "i8": "i32", "i16": "i32", "u8": "u32"}


def result_dtype(rule: Dtype, dtype: str) -> str | None:
    """The dtype of a builtin's result on an argument of `dtype`, or None if the builtin
    refuses that dtype (`jax` would fail, or compute in a dtype the program did not name)."""
    floating = dtype in _FLOATS
    if rule is Dtype.JOIN:
        return dtype
    if rule is Dtype.POINTER:
        return None if dtype == "ptr" else "ptr"
    if dtype == "ptr":
        return None  # a pointer is an element of its index set, not a number
    if rule is Dtype.SAME:
        return dtype
    if rule is Dtype.NUMBER:
        return None if dtype == "bool" else dtype
    if rule is Dtype.FLOAT:
        return dtype if floating else "f32"
    if rule is Dtype.NEEDS_FLOAT:
        return dtype if floating else None
    if rule is Dtype.BOOL_AS_INT:
        return "i32" if dtype == "bool" else dtype
    return _WIDENED.get(dtype, dtype)  # ACCUMULATE


@dataclass(frozen=True)
class Builtin:
    """One builtin function. `arity` is (least, most) positional arguments, `most` None when
    there is no bound; `target` is the dotted `jax` function it becomes, or None for `id`,
    which becomes nothing."""

    name: str
    kind: Kind
    arity: tuple[int, int | None]
    dtype: Dtype
    target: str | None
    stochastic: bool = False


def _unary(name: str, target: str | None, dtype: Dtype = Dtype.FLOAT) -> Builtin:
    return Builtin(name, Kind.UNARY, (1, 1), dtype, target)


BUILTINS: tuple[Builtin, ...] = (
    _unary("relu", "jax.nn.relu", Dtype.BOOL_AS_INT),
    _unary("gelu", "jax.nn.gelu"),
    _unary("tanh", "jnp.tanh"),
    _unary("sigmoid", "jax.nn.sigmoid", Dtype.NEEDS_FLOAT),
    _unary("exp", "jnp.exp"),
    _unary("log", "jnp.log"),
    _unary("sqrt", "jnp.sqrt"),
    _unary("rsqrt", "jax.lax.rsqrt", Dtype.NEEDS_FLOAT),
    _unary("abs", "jnp.abs", Dtype.SAME),
    _unary("softplus", "jax.nn.softplus"),
    _unary("silu", "jax.nn.silu", Dtype.NEEDS_FLOAT),
    _unary("sin", "jnp.sin"),
    _unary("cos", "jnp.cos"),
    _unary("square", "jnp.square", Dtype.BOOL_AS_INT),
    _unary("sign", "jnp.sign", Dtype.NUMBER),
    _unary("log1p", "jnp.log1p"),
    _unary("id", None, Dtype.SAME),
    _unary("elu", "jax.nn.elu"),
    _unary("leaky_relu", "jax.nn.leaky_relu"),
    _unary("erf", "jax.scipy.special.erf"),
    _unary("sinh", "jnp.sinh"),
    _unary("cosh", "jnp.cosh"),
    _unary("asinh", "jnp.arcsinh"),
    _unary("atanh", "jnp.arctanh"),
    _unary("expm1", "jnp.expm1"),
    # `max(a, b)` and `min(a, b)` with two arguments are elementwise: jnp.maximum, jnp.minimum.
    Builtin("sum", Kind.REDUCER, (1, 1), Dtype.ACCUMULATE, "jnp.sum"),
    Builtin("max", Kind.REDUCER, (1, 2), Dtype.SAME, "jnp.max"),
    Builtin("min", Kind.REDUCER, (1, 2), Dtype.SAME, "jnp.min"),
    Builtin("mean", Kind.REDUCER, (1, 1), Dtype.FLOAT, "jnp.mean"),
    Builtin("prod", Kind.REDUCER, (1, 1), Dtype.ACCUMULATE, "jnp.prod"),
    # argmax, argmin: a pointer to the first (lowest-positioned) greatest or least element.
    Builtin("argmax", Kind.REDUCER, (1, 1), Dtype.POINTER, "jnp.argmax"),
    Builtin("argmin", Kind.REDUCER, (1, 1), Dtype.POINTER, "jnp.argmin"),
    Builtin("var", Kind.CALL_REDUCER, (1, 1), Dtype.FLOAT, "jnp.var"),
    Builtin("logsumexp", Kind.CALL_REDUCER, (1, 1), Dtype.FLOAT, "jax.nn.logsumexp"),
    Builtin("softmax", Kind.NORMALISER, (1, 1), Dtype.NEEDS_FLOAT, "jax.nn.softmax"),
    Builtin("log_softmax", Kind.NORMALISER, (1, 1), Dtype.NEEDS_FLOAT, "jax.nn.log_softmax"),
    Builtin("cumsum", Kind.SCAN, (1, 1), Dtype.BOOL_AS_INT, "jnp.cumsum"),
    Builtin("cumprod", Kind.SCAN, (1, 1), Dtype.BOOL_AS_INT, "jnp.cumprod"),
    Builtin("cummax", Kind.SCAN, (1, 1), Dtype.NUMBER, "jax.lax.cummax"),
    Builtin("cummin", Kind.SCAN, (1, 1), Dtype.NUMBER, "jax.lax.cummin"),
    # hardmax: the one-hot of the first maximum, ties broken by the lowest index, as classical
    # algorithms break them; sample: the one-hot of a draw from the softmax given a key, the
    # hardmax without one.
    Builtin("hardmax", Kind.SELECTION, (1, 1), Dtype.SAME, "jnp.argmax"),
    Builtin("sample", Kind.SELECTION, (1, 1), Dtype.SAME, "jax.random.categorical", stochastic=True),
    Builtin("where", Kind.OTHER, (3, 3), Dtype.JOIN, "jnp.where"),
    Builtin("dropout", Kind.OTHER, (2, 2), Dtype.SAME, "jax.random.bernoulli", stochastic=True),
    Builtin("einsum", Kind.OTHER, (1, None), Dtype.JOIN, "jnp.einsum"),
    Builtin("transpose", Kind.OTHER, (1, 1), Dtype.SAME, "jnp.transpose"),
    # one_hot(p): the f32 indicator of a pointer's element, a new last axis its index set.
    Builtin("one_hot", Kind.OTHER, (1, 1), Dtype.FLOAT, "jax.nn.one_hot"),
)

BY_NAME: dict[str, Builtin] = {b.name: b for b in BUILTINS}


def dtype_of(name: str, dtype: str) -> str | None:
    """The dtype of builtin `name` applied to an argument of `dtype`; None where it refuses it."""
    return result_dtype(BY_NAME[name].dtype, dtype)


def of_kind(*kinds: Kind) -> tuple[Builtin, ...]:
    """The builtins of the given kinds, in the table's order."""
    return tuple(b for b in BUILTINS if b.kind in kinds)


def names(*kinds: Kind) -> frozenset[str]:
    return frozenset(b.name for b in of_kind(*kinds))


CONSTANTS: dict[str, float] = {"inf": float("inf"), "pi": 3.141592653589793}


@dataclass(frozen=True)
class Initializer:
    """An initialiser of a parameter: `arity` is (least, most) arguments; `target` is the
    `jax` function that draws (or fills) the array; `random` whether it takes a key."""

    name: str
    arity: tuple[int, int]
    target: str
    random: bool = True


INITIALIZERS: tuple[Initializer, ...] = (
    Initializer("glorot", (0, 0), "jax.nn.initializers.glorot_uniform"),
    Initializer("glorot_normal", (0, 0), "jax.nn.initializers.glorot_normal"),
    Initializer("he", (0, 0), "jax.nn.initializers.he_normal"),
    Initializer("lecun", (0, 0), "jax.nn.initializers.lecun_normal"),
    Initializer("normal", (0, 1), "jax.random.normal"),  # the argument: the standard deviation
    Initializer("uniform", (0, 1), "jax.random.uniform"),  # the argument: the half-width
    Initializer("zeros", (0, 0), "jnp.zeros", random=False),
    Initializer("ones", (0, 0), "jnp.ones", random=False),
    Initializer("const", (1, 1), "jnp.full", random=False),
)

INITIALIZER_BY_NAME: dict[str, Initializer] = {i.name: i for i in INITIALIZERS}

#: The semirings every file knows: name -> (addition, multiplication, zero, one, parameter).
#: `sum[S] i. a * b` adds with S's addition and multiplies with S's multiplication.
SEMIRINGS = {
    "Real": ("sum", "mul", 0.0, 1.0, None),
    "MinPlus": ("min", "add", float("inf"), 0.0, None),
    "MaxPlus": ("max", "add", float("-inf"), 0.0, None),
    "Log": ("logsumexp", "add", float("-inf"), 0.0, "beta"),
    "Bool": ("or", "and", False, True, None),
}
