from pathlib import Path

import jax
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STDLIB = ROOT / "stdlib"


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
