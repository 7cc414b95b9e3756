"""The prelude: builtin functions, constants and initialisers, as data.

The checker reads these tables to type calls; the lowering has its own table saying
which `jax`/`jnp` function each one becomes. Nothing here imports jax.
"""

from __future__ import annotations

#: Elementwise maps on floating tensors. Each is also usable point-free: `Linear(4, 8) >> relu`.
UNARY = frozenset({
    "relu", "gelu", "tanh", "sigmoid", "exp", "log", "sqrt", "rsqrt", "abs", "softplus",
    "silu", "sin", "cos", "square", "sign", "log1p", "id", "elu", "leaky_relu", "erf",
    "sinh", "cosh", "asinh", "atanh", "expm1",
})

#: Reductions, written `sum j. e` or called as `sum(x)` (all axes) or `sum(e, over j)`.
REDUCERS = frozenset({"sum", "max", "min", "mean", "prod"})

#: Called-only reductions over a whole tensor or `over` labels.
CALL_REDUCERS = frozenset({"var", "logsumexp"})

#: Normalisations along one axis: the last axis of a whole tensor, or `over` a label.
NORMALISERS = frozenset({"softmax", "log_softmax"})

#: Scans along one axis (the last, or `over` a label): they use the axis's order, so the
#: symmetry checker accepts them on a `list` only.
SCANS = frozenset({"cumsum", "cumprod", "cummax", "cummin"})

#: Selections along one axis that are not smooth: `hardmax` (one-hot of the first maximum,
#: ties broken by the lowest index, as classical algorithms break them) and `sample` (one-hot
#: of a draw from the softmax, given a key; the hardmax without one).
SELECTIONS = frozenset({"hardmax", "sample"})

#: Along one axis, keeping the shape: normalisations, selections and scans.
ALONG_AXIS = NORMALISERS | SCANS | SELECTIONS

OTHER = frozenset({"where", "dropout", "einsum", "transpose"})

#: Builtin functions that are stochastic: they take a key when training.
STOCHASTIC = frozenset({"dropout", "sample"})

CONSTANTS = {"inf": float("inf"), "pi": 3.141592653589793}

#: name -> (min number of arguments, max number of arguments)
INITIALIZERS = {
    "glorot": (0, 0),
    "glorot_normal": (0, 0),
    "he": (0, 0),
    "lecun": (0, 0),
    "normal": (0, 1),
    "uniform": (0, 1),
    "zeros": (0, 0),
    "ones": (0, 0),
    "const": (1, 1),
}

HYPER_KINDS = ("Nat", "Int", "Float", "Bool")
INDEX_KINDS = ("set", "list", "cyc")


def is_builtin_function(name: str) -> bool:
    return name in UNARY or name in REDUCERS or name in CALL_REDUCERS or name in ALONG_AXIS or name in OTHER


def all_names() -> list[str]:
    return sorted(UNARY | REDUCERS | CALL_REDUCERS | ALONG_AXIS | OTHER | set(CONSTANTS))


#: The semirings every file knows: name -> (addition, multiplication, zero, one, parameter).
#: `sum[S] i. a * b` adds with S's addition and multiplies with S's multiplication.
SEMIRINGS = {
    "Real": ("sum", "mul", 0.0, 1.0, None),
    "MinPlus": ("min", "add", float("inf"), 0.0, None),
    "MaxPlus": ("max", "add", float("-inf"), 0.0, None),
    "Log": ("logsumexp", "add", float("-inf"), 0.0, "beta"),
    "Bool": ("or", "and", False, True, None),
}

#: Written operation -> (its name in the IR, its unit).
SEMIRING_ADD = {"min": ("min", float("inf")), "max": ("max", float("-inf")), "+": ("sum", 0.0),
                "or": ("or", False), "logsumexp": ("logsumexp", float("-inf"))}
SEMIRING_MUL = {"+": ("add", 0.0), "*": ("mul", 1.0), "and": ("and", True)}

#: (addition, multiplication) pairs where the multiplication distributes over the addition.
SEMIRING_PAIRS = {("min", "add"), ("max", "add"), ("logsumexp", "add"), ("sum", "mul"), ("or", "and"), ("max", "mul")}
