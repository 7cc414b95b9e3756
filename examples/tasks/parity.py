"""Parity, a user task: is the number of ones in a bit string odd?

Declared in a .para file in this folder as

    task Parity(min_len: Nat = 1, max_len: Nat = 8) (t : list) : [t] i32 -> i32
      = "parity:generate"
"""

import numpy as np


def generate(rng: np.random.Generator, batch: int, *, min_len: int, max_len: int):
    """One length per batch, uniform in [min_len, max_len]; bits uniform in {0, 1}; the target
    is 1 where the number of ones is odd."""
    length = int(rng.integers(min_len, max_len + 1))
    bits = rng.integers(0, 2, size=(batch, length), dtype=np.int32)
    return bits, bits.sum(axis=1, dtype=np.int32) % 2
