"""Check, compile and train a .para model: the shortest path from a source file to a
trained network. Data is generated here; nothing is downloaded.

    python examples/quickstart.py
"""

from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

import paradsl

HERE = Path(__file__).resolve().parent


def main(steps: int = 300) -> float:
    mod = paradsl.load(HERE / "mlp.para")
    print(mod.Classifier.__doc__)

    # Two interleaved spirals: a task a linear model cannot solve.
    key = jax.random.key(0)
    t = jnp.linspace(0.5, 3.0, 256)
    a = jnp.stack([t * jnp.cos(2 * t), t * jnp.sin(2 * t)], axis=1)
    xs = jnp.concatenate([a, -a]) / 3.0
    ys = jnp.concatenate([jnp.zeros(256, jnp.int32), jnp.ones(256, jnp.int32)])

    model = mod.Classifier(d_in=2, d_hidden=64, n_classes=2, key=key)
    opt = optax.adam(1e-2)
    state = opt.init(eqx.filter(model, eqx.is_array))

    def loss_fn(m):
        p = jax.vmap(m)(xs)
        return -jnp.mean(jnp.log(p[jnp.arange(len(ys)), ys] + 1e-9))

    @jax.jit
    def step(m, s):
        loss, g = jax.value_and_grad(loss_fn)(m)
        updates, s = opt.update(g, s, m)
        return optax.apply_updates(m, updates), s, loss

    for i in range(steps):
        model, state, loss = step(model, state)
        if i % 100 == 0 or i == steps - 1:
            print(f"step {i:4d}  loss {float(loss):.4f}")
    acc = float(jnp.mean(jnp.argmax(jax.vmap(model)(xs), axis=1) == ys))
    print(f"training accuracy {acc:.3f}")
    return acc


if __name__ == "__main__":
    main()
