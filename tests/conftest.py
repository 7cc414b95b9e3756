from pathlib import Path

import jax
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STDLIB = ROOT / "stdlib"


def randomise(m, key, scale: float = 1.0):
    """Random values (normal, times `scale`) in every array leaf of a module, so that zero- or
    one-initialised parameters are exercised too."""
    import equinox as eqx

    leaves, treedef = jax.tree_util.tree_flatten(eqx.filter(m, eqx.is_array))
    keys = jax.random.split(key, len(leaves))
    new = [scale * jax.random.normal(k, l.shape, l.dtype) for k, l in zip(keys, leaves)]
    return eqx.combine(jax.tree_util.tree_unflatten(treedef, new), m)


@pytest.fixture
def key():
    return jax.random.key(0)


@pytest.fixture(scope="session")
def nn():
    """The stdlib's nn module, built in-process."""
    import paradsl

    return paradsl.load(STDLIB / "nn.para")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds or trains; takes several seconds (deselect with -m 'not slow')")
