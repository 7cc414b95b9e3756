"""Which `jax`/`jnp` function or Python operator each primitive of the IR becomes."""

from __future__ import annotations

UNARY_FN = {
    "relu": "jax.nn.relu", "gelu": "jax.nn.gelu", "tanh": "jnp.tanh", "sigmoid": "jax.nn.sigmoid",
    "exp": "jnp.exp", "log": "jnp.log", "sqrt": "jnp.sqrt", "rsqrt": "jax.lax.rsqrt", "abs": "jnp.abs",
    "softplus": "jax.nn.softplus", "silu": "jax.nn.silu", "sin": "jnp.sin", "cos": "jnp.cos",
    "square": "jnp.square", "sign": "jnp.sign", "log1p": "jnp.log1p", "elu": "jax.nn.elu",
    "leaky_relu": "jax.nn.leaky_relu", "erf": "jax.scipy.special.erf", "sinh": "jnp.sinh", "cosh": "jnp.cosh",
    "asinh": "jnp.arcsinh", "atanh": "jnp.arctanh", "expm1": "jnp.expm1",
}
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "pow": "**",
         "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
PRIM_FN = {"maximum": "jnp.maximum", "minimum": "jnp.minimum", "where": "jnp.where",
           "and": "jnp.logical_and", "or": "jnp.logical_or", "not": "jnp.logical_not"}
REDUCE_FN = {"sum": "jnp.sum", "max": "jnp.max", "min": "jnp.min", "mean": "jnp.mean", "prod": "jnp.prod",
             "var": "jnp.var", "logsumexp": "jax.nn.logsumexp"}
SCAN_FN = {"cumsum": "jnp.cumsum", "cumprod": "jnp.cumprod", "cummax": "jax.lax.cummax", "cummin": "jax.lax.cummin"}
JAXTYPING = {"bool": "Bool"}
DTYPE = {"f32": "jnp.float32", "f64": "jnp.float64", "f16": "jnp.float16", "bf16": "jnp.bfloat16",
         "i32": "jnp.int32", "i64": "jnp.int64", "i8": "jnp.int8", "i16": "jnp.int16", "u8": "jnp.uint8",
         "u32": "jnp.uint32", "bool": "jnp.bool_"}
