"""FLOPs of elementwise and reduction work, counted as XLA's cost analysis counts them.

XLA's `cost_analysis()['flops']` counts one operation per element of an elementwise
instruction's result (an addition, a comparison, a select) and one per combination of a
reduction (`n - 1` for a sum of `n`); transcendental instructions (`exp`, `log`, `tanh`,
`sqrt`, `rsqrt`, a power) are counted apart, as `transcendentals`, and are no FLOPs. A
builtin the lowering calls is a small computation of such instructions, so it costs a fixed
number of operations per element it reads and per element it gives:

    flops = per_input * elements read + per_output * elements given

The tables hold those two numbers for each builtin, read off XLA's counts of the JAX
function each lowers to (the runtime's masking softmax among them) on the CPU backend;
`tests/test_review_analysis.py` holds every stdlib para's total to XLA's within 10%.
"""

from __future__ import annotations

#: An activation, per element: `gelu` is its tanh form's 8 multiplies and adds, `tanh` and
#: `exp` are transcendentals (no FLOPs), `sigmoid` the logistic's 3.
UNARY = {"relu": 1, "gelu": 8, "tanh": 0, "sigmoid": 3, "exp": 0, "log": 0, "sqrt": 0, "rsqrt": 0, "abs": 1,
         "softplus": 6, "silu": 4, "sin": 0, "cos": 0, "square": 1, "sign": 1, "log1p": 0, "id": 0, "elu": 3,
         "leaky_relu": 3, "erf": 0, "sinh": 10, "cosh": 3, "asinh": 11, "atanh": 6, "expm1": 0,
         "neg": 1, "not": 1}

#: An operator of the IR on its result's elements: arithmetic and comparisons one each, a
#: float `mod` the eight of `jnp.mod`'s remainder and sign fix-up, a power by a non-literal
#: exponent a transcendental.
BINARY = {"add": 1, "sub": 1, "mul": 1, "div": 1, "mod": 8, "pow": 0, "eq": 1, "ne": 1, "lt": 1, "le": 1,
          "gt": 1, "ge": 1, "maximum": 1, "minimum": 1, "and": 1, "or": 1, "where": 1}

#: A reduction or normalisation builtin: (per element read, per element given). A sum of n
#: is n - 1 additions; `mean` divides each result once more; `var` is `jnp.var`'s mean,
#: difference, square, sum and division; `softmax` is the runtime's: a test for a row
#: masked throughout, max, difference, sum, division and two selects, 8 to 9 per element
#: as XLA pads its reductions, counted as 8; `hardmax` an argmax and its one-hot, 10 to
#: 11 per element, counted as 10; `argmax`, `argmin` a comparison and a select per element.
REDUCTION = {"sum": (1, -1), "max": (1, -1), "min": (1, -1), "prod": (1, -1), "mean": (1, 0), "var": (4, 0),
             "logsumexp": (10, 2), "softmax": (8, 0), "log_softmax": (10, 0),
             "hardmax": (10, 0), "sample": (10, 0),
             # a pick: a comparison and a select of the position per element read
             "argmax": (2, 0), "argmin": (2, 0),
             # a prefix scan: XLA's reduce-window adds up to n per element; counted as n - 1 adds
             # per row as a lower bound
             "cumsum": (1, -1), "cumprod": (1, -1), "cummax": (1, -1), "cummin": (1, -1)}


#: A `beta =` of a softmax, sample or logsumexp (`runtime.temper`): a scale, and the tests
#: and selects that keep a masked `-inf` masked, per element.
TEMPER = 5
#: An integer `mod` (index arithmetic, `(i - j) mod c`): `jnp.remainder`'s sign fix-up.
INT_MOD = 6


def integer_power(k: int) -> int:
    """The multiplications of `x ** k` for a literal `k >= 0`, by repeated squaring as
    `lax.integer_pow` lowers it."""
    return max(k.bit_length() - 1, 0) + max(bin(k).count("1") - 1, 0)
