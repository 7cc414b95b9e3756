"""Shared helpers and fixtures. Collection stays cheap: jax is imported where a helper or
fixture first needs it, so collecting (or running) a test file that needs no jax imports none."""

import contextlib
import io
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STDLIB = ROOT / "stdlib"


def randomise(m, key, scale: float = 1.0):
    """Random values (normal, times `scale`) in every array leaf of a module, so that zero- or
    one-initialised parameters are exercised too."""
    import equinox as eqx
    import jax

    leaves, treedef = jax.tree_util.tree_flatten(eqx.filter(m, eqx.is_array))
    keys = jax.random.split(key, len(leaves))
    new = [scale * jax.random.normal(k, l.shape, l.dtype) for k, l in zip(keys, leaves)]
    return eqx.combine(jax.tree_util.tree_unflatten(treedef, new), m)


def assert_located(result) -> None:
    """Every diagnostic of a `driver.CheckResult` names a registered code and a place inside
    its file, and has a message with no template hole left in it."""
    from paradsl.diagnostics import CODES

    for d in result.diagnostics:
        assert d.code in CODES, d
        source = result.sources.get(d.span.file)
        assert source is not None, d
        lines = source.splitlines() or [""]
        assert 1 <= d.span.line <= len(lines), d
        assert 1 <= d.span.col <= len(lines[d.span.line - 1]) + 1, d
        assert (d.span.end_line, d.span.end_col) >= (d.span.line, d.span.col), d
        assert d.message and "{" not in d.message, d


@dataclass(frozen=True)
class Ran:
    """What a run of `para` gave: its exit status and what it wrote, as `subprocess.run` has them."""

    returncode: int
    stdout: str
    stderr: str


#: Python's own warning filters, which a `para` process starts with (the suite's turn warnings
#: into errors).
_PROCESS_WARNINGS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, None),
    ("ignore", PendingDeprecationWarning, None),
    ("ignore", ImportWarning, None),
    ("ignore", ResourceWarning, None),
)


def para_cli(*args: str, cwd: str | Path | None = None) -> Ran:
    """`para ARGS` run in this process, as the console script runs it: the exit status is what
    `main` returns or exits with, and an exception escaping it is a traceback on stderr and
    status 1, as in a process of its own. For the tests of what the commands report; starting
    an interpreter (and importing jax) for each would be most of their time. The tests of the
    process itself (the installed script, a stack overflow) still start one."""
    from paradsl.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(warnings.catch_warnings())
        warnings.resetwarnings()
        for action, category, module in reversed(_PROCESS_WARNINGS):
            warnings.filterwarnings(action, category=category, module=module or "")
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        try:
            status = main(list(args))
        except SystemExit as e:
            status = e.code
        except Exception:  # noqa: BLE001 - what the interpreter would print, exiting 1
            traceback.print_exc(file=sys.stderr)
            status = 1
    if status is None:
        status = 0
    elif not isinstance(status, int):  # `sys.exit("message")`
        print(status, file=err)
        status = 1
    return Ran(status, out.getvalue(), err.getvalue())


@pytest.fixture
def key():
    import jax

    return jax.random.key(0)


@pytest.fixture(scope="session")
def nn():
    """The stdlib's nn module, built in-process."""
    import paradsl

    return paradsl.load(STDLIB / "nn.para")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds or trains; takes several seconds (deselect with -m 'not slow')")
    _rewrite_only_the_tests(config)


def _rewrite_only_the_tests(config) -> None:
    """Leave the installed plugins' packages (hypothesis above all, some 70 modules) out of
    assertion rewriting, which pytest applies to every package that ships a plugin.

    Rewriting changes only the messages of failing `assert`s; these packages' own asserts
    are not what the tests assert. Where bytecode is not written (PYTHONDONTWRITEBYTECODE)
    the rewritten modules are not cached, and rewriting hypothesis took as long as
    rewriting every test file, at each run. The tests themselves are still rewritten. The
    set is pytest's own, read defensively: another pytest only loses the saving.
    """
    hook = getattr(config.pluginmanager, "rewrite_hook", None)
    marked = getattr(hook, "_must_rewrite", None)
    if isinstance(marked, set):
        marked.clear()


# ---------------------------------------------------------------------- snapshots


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite the stored snapshots under tests/snapshots/ with the current output",
    )


class Snapshots:
    """Compares text with the stored snapshot files; rewrites them under `--update-snapshots`.

    A missing or different snapshot fails the test (a unified diff shows what changed); it is
    written only when asked, so an intended change is reviewed as a diff in the commit.
    """

    def __init__(self, root: Path, update: bool):
        self.root = root
        self.update = update

    def check(self, name: str, actual: str) -> None:
        import difflib

        path = self.root / name
        shown = path.relative_to(ROOT)
        if self.update:
            if not path.exists() or path.read_text(encoding="utf-8") != actual:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(
                f"no snapshot {shown}; run `python -m pytest --update-snapshots tests/test_snapshots.py` "
                "and review the new file before committing it",
                pytrace=False,
            )
        stored = path.read_text(encoding="utf-8")
        if stored != actual:
            diff = difflib.unified_diff(
                stored.splitlines(), actual.splitlines(), f"{shown} (stored)", f"{shown} (now)", lineterm=""
            )
            pytest.fail(
                "\n".join(diff)
                + "\n\nif the change is intended, run `python -m pytest --update-snapshots tests/test_snapshots.py`"
                " and commit the snapshot with it",
                pytrace=False,
            )


@pytest.fixture(scope="session")
def snapshots(request) -> Snapshots:
    return Snapshots(ROOT / "tests" / "snapshots", request.config.getoption("--update-snapshots"))
