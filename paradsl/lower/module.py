"""The lowering's entry point: a checked program to the classes of one Python module."""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass

from .. import ir
from . import pybuild as py
from .context import ProgramFacts
from .para import ParaLowering


@dataclass(frozen=True)
class LoweredModule:
    """What the emitter turns into source: helper functions, then classes in dependency order."""

    source_file: str
    classes: tuple[pyast.stmt, ...]
    class_names: tuple[str, ...]


def lower(program: ir.Program) -> LoweredModule:
    facts = ProgramFacts.of(program)
    classes = tuple(ParaLowering(p, facts).class_def() for p in program.paras)
    classes = tuple(_helper_defs(facts.runtime)) + classes
    return LoweredModule(program.file, classes, tuple(py.ident(p.name) for p in program.paras))


#: Module-level functions an emitted module includes when one of its folds needs them.
HELPERS = {
    "_fold_balanced": '''
def _fold_balanced(combine, unit, ms):
    """Reduce the elements stacked along axis 0 of `ms` pairwise: a balanced tree of depth
    ceil(log2 n). Odd levels are padded with the monoid's unit."""
    n = jax.tree.leaves(ms)[0].shape[0]
    if n == 0:
        return unit
    while n > 1:
        if n % 2:
            ms = jax.tree.map(lambda m, u: jnp.concatenate([m, u[None]]), ms, unit)
            n += 1
        ms = jax.vmap(combine)(jax.tree.map(lambda m: m[0::2], ms), jax.tree.map(lambda m: m[1::2], ms))
        n //= 2
    return jax.tree.map(lambda m: m[0], ms)
''',
    "_fold_tree": '''
def _fold_tree(branches, base, tags, data, children):
    """Fold a term stored as arrays in topological order: node i is built by constructor
    tags[i] from data[i] and the values of its children children[i] (earlier nodes); the
    root is the last node. One `lax.scan` over the nodes, no Python recursion."""
    n = tags.shape[0]
    proto = jax.eval_shape(branches[base], data[0], [])
    values = jax.tree.map(lambda s: jnp.zeros((n,) + s.shape, s.dtype), proto)

    def step(values, i):
        kids = [jax.tree.map(lambda v: v[children[i, j]], values) for j in range(children.shape[1])]
        value = jax.lax.switch(tags[i], branches, data[i], kids)
        return jax.tree.map(lambda v, x: v.at[i].set(x), values, value), None

    values, _ = jax.lax.scan(step, values, jnp.arange(n))
    return jax.tree.map(lambda v: v[-1], values)
''',
}


HELPERS["_semiring_contract"] = '''
def _semiring_contract(add, mul, zero, spec, *operands, beta=1.0, block=64):
    """An einsum in a semiring: `spec` names the operands' axes ("ij,jk->ik"); the factors
    are combined with `mul` (add | mul | and) and the letters not in the output reduced with
    `add` (min | max | sum | or | logsumexp at inverse temperature beta). The first reduced
    letter is taken `block` at a time, each block broadcast and reduced in one fused loop and
    folded into the result: memory is the operands', the output's and one block's, never
    the whole broadcast product."""
    import functools

    ins, out = spec.split("->")
    specs = ins.split(",")
    reduced = [c for c in dict.fromkeys("".join(specs)) if c not in out]
    # Reduced letters sit between the output's leading letters and its last one, so the
    # innermost loop runs along an output axis.
    order = list(out[:-1]) + reduced + list(out[-1:])
    sizes = {c: n for s, x in zip(specs, operands) for c, n in zip(s, jnp.shape(x))}

    def aligned(x, s):
        x = jnp.transpose(x, sorted(range(len(s)), key=lambda i: order.index(s[i])))
        have = sorted(s, key=order.index)
        return jnp.reshape(x, [sizes[c] if c in have else 1 for c in order])

    xs = [aligned(jnp.asarray(x), s) for x, s in zip(operands, specs)]
    combine = {"add": jnp.add, "mul": jnp.multiply, "and": jnp.logical_and}[mul]
    merge = {"min": jnp.minimum, "max": jnp.maximum, "sum": jnp.add, "or": jnp.logical_or,
             "logsumexp": lambda a, b: jnp.logaddexp(beta * a, beta * b) / beta}[add]
    axes = tuple(order.index(c) for c in reduced)

    def reduce(ys):
        y = functools.reduce(combine, ys)
        if not axes:
            return y
        if add == "logsumexp":
            return jax.nn.logsumexp(beta * y, axis=axes) / beta
        return {"min": jnp.min, "max": jnp.max, "sum": jnp.sum, "or": jnp.any}[add](y, axis=axes)

    if any(sizes[c] == 0 for c in reduced):  # an empty sum is the semiring's zero
        return jnp.full([sizes[c] for c in out], zero, jnp.result_type(*xs))
    if not reduced or sizes[reduced[0]] <= block:
        return reduce(xs)
    r = order.index(reduced[0])
    n = sizes[reduced[0]]

    def part(start, length):
        return [jax.lax.dynamic_slice_in_dim(x, start, length, r) if x.shape[r] > 1 else x for x in xs]

    # The first block starts the result, so no zero is folded in (it need not be one for
    # every value of beta); the tail that does not fill a block is merged at the end.
    def step(acc, k):
        return merge(acc, reduce(part(k * block, block))), None

    full = n // block
    acc = jax.lax.scan(step, reduce(part(0, block)), jnp.arange(1, full))[0]
    if n % block:
        acc = merge(acc, reduce(part(full * block, n % block)))
    return acc
'''


def _helper_defs(names: set[str]) -> list[pyast.stmt]:
    out: list[pyast.stmt] = []
    for name in sorted(names):
        out.extend(pyast.parse(HELPERS[name]).body)
    return out
