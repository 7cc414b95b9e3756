"""Which `jax`/`jnp` function or Python operator each primitive of the IR becomes; the
builtins' targets come from the prelude."""

from __future__ import annotations

from .. import prelude
from ..prelude import Kind

#: Builtin name -> the dotted `jax` function it becomes, by kind (`id` becomes nothing).
UNARY_FN = {b.name: b.target for b in prelude.of_kind(Kind.UNARY) if b.target is not None}
#: Builtins lowered to a function of `paradsl.runtime` rather than their prelude target:
#: `logsumexp`, `softmax` and `log_softmax` of a row that is all `-inf` (all masked) have a
#: zero gradient there, not NaN, and `softmax` zero weights.
_RUNTIME = {"logsumexp": "logsumexp", "softmax": "softmax", "log_softmax": "log_softmax"}
RUNTIME_FN = frozenset(_RUNTIME.values())
REDUCE_FN = {b.name: _RUNTIME.get(b.name, b.target) for b in prelude.of_kind(Kind.REDUCER, Kind.CALL_REDUCER)}
NORMALISE_FN = {b.name: _RUNTIME.get(b.name, b.target) for b in prelude.of_kind(Kind.NORMALISER)}
SCAN_FN = {b.name: b.target for b in prelude.of_kind(Kind.SCAN)}
SELECTIONS = prelude.names(Kind.SELECTION)
#: The reductions JAX gives no identity, and the unit of their monoid (the Python source,
#: by dtype: floating, integer, bool), so that one over an empty index set gives the unit.
REDUCE_UNIT = {"max": ("-jnp.inf", "jnp.iinfo({dtype}).min", "False"),
               "min": ("jnp.inf", "jnp.iinfo({dtype}).max", "True")}
#: The builtins of a form of their own, each lowered by its own rule: `where` as a primitive,
#: `einsum` as the IR's einsum, `dropout`, `transpose` and `one_hot` as calls.
SPECIAL = frozenset({"where", "einsum", "dropout", "transpose", "one_hot"})

#: Initialisers that draw no random numbers, so need no key.
DETERMINISTIC_INIT = frozenset(i.name for i in prelude.INITIALIZERS if not i.random)

#: Operators of the IR (not builtins by name): infix, and those that are calls.
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "pow": "**",
         "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
PRIM_FN = {"maximum": "jnp.maximum", "minimum": "jnp.minimum", "where": "jnp.where",
           "and": "jnp.logical_and", "or": "jnp.logical_or", "not": "jnp.logical_not"}
JAXTYPING = {"bool": "Bool"}
DTYPE = {"f32": "jnp.float32", "f64": "jnp.float64", "f16": "jnp.float16", "bf16": "jnp.bfloat16",
         "i32": "jnp.int32", "i64": "jnp.int64", "i8": "jnp.int8", "i16": "jnp.int16", "u8": "jnp.uint8",
         "u32": "jnp.uint32", "bool": "jnp.bool_", "ptr": "jnp.int32"}


def lowered_builtins() -> frozenset[str]:
    """The builtin functions the lowering has a rule for."""
    return frozenset(UNARY_FN) | {"id"} | frozenset(REDUCE_FN) | frozenset(NORMALISE_FN) | frozenset(SCAN_FN) \
        | SELECTIONS | SPECIAL


def reduce_unit(op: str, dtype: str) -> str | None:
    """The source of the unit `op` starts from on `dtype` (`initial=` of `jnp.max`), if it needs one."""
    if op not in REDUCE_UNIT:
        return None
    floating, integer, boolean = REDUCE_UNIT[op]
    if dtype == "bool":
        return boolean
    return floating if dtype in ("bf16", "f16", "f32", "f64") else integer.format(dtype=DTYPE[dtype])
