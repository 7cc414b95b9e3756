"""`para repl` on a terminal: through prompt_toolkit's pipe input (keys in, outcomes out),
and end to end through a pseudo-terminal with pexpect."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from paradsl.repl import commands, start
from paradsl.repl.complete import candidates
from paradsl.repl.terminal import ParaCompleter, history_path, interact

ROOT = Path(__file__).resolve().parent.parent
ENTER, CTRL_C, CTRL_D, UP = "\r", "\x03", "\x04", "\x1b[A"


@pytest.fixture(scope="module")
def loaded():
    state, text, failed = start([str(ROOT / "examples" / "tying.para")])
    assert not failed, text
    return state


@pytest.fixture(autouse=True)
def history(tmp_path, monkeypatch):
    monkeypatch.setenv("PARA_HISTORY", str(tmp_path / "history"))
    return tmp_path / "history"


def typed(state, keys: str, *later: str) -> list[str]:
    """What a session prints when `keys` are typed, after the banner; each of `later` is
    typed a moment after the one before (once a completion has come)."""
    shown: list[str] = []
    with create_pipe_input() as pipe:
        pipe.send_text(keys)

        def rest() -> None:
            for k in later:
                time.sleep(1.0)
                pipe.send_text(k)

        sender = threading.Thread(target=rest)
        sender.start()
        assert interact(state, show=lambda o: shown.append(o.text), input=pipe, output=DummyOutput()) == 0
        sender.join()
    return [s for s in shown[1:] if s]


def test_commands_through_the_prompt(loaded):
    out = typed(loaded, ":type TiedAutoencoder" + ENTER + ":params TiedAutoencoder d=8 k=3" + ENTER + CTRL_D)
    assert out[0] == "TiedAutoencoder : TiedAutoencoder(d: Nat, k: Nat) : [d] -> [d]"
    assert "|Q| = d*k + d + k = 35  (free, stored in the module)" in out[1]


def test_a_declaration_continues_until_complete_and_ctrl_c_cancels_a_line(loaded):
    keys = ("para Double(d: Nat) : [d] -> [d]" + ENTER + "= relu >> relu" + ENTER
            + ":type Nothing here" + CTRL_C + ":type Double(3)" + ENTER + CTRL_D)
    out = typed(loaded, keys)
    assert out == ["defined Double", "Double(3) : [3] -> [3]"]


def test_a_mistake_at_the_prompt_keeps_the_state(loaded):
    out = typed(loaded, "para Oops : [2] -> [2] = relu >>> tanh" + ENTER + ":type SymmetricPair" + ENTER + ":quit"
                + ENTER)
    assert out[0].startswith("<repl:1>:1:") and "error[E0001]" in out[0]
    assert out[1] == "SymmetricPair : SymmetricPair(d: Nat) : [d] -> [d]"


def test_completion_offers_a_declared_name(loaded):
    state = commands.run(loaded, "para Zebra(d: Nat) : [d] -> [d] = tanh").state
    assert candidates(state, ":type Zeb") == ("Zeb", ["Zebra"])
    assert "Zebra" in [c.text for c in ParaCompleter([state]).get_completions(Document("Ze"), None)]
    assert ":laws" in candidates(state, ":la")[1]
    assert "softmax" in candidates(state, "soft")[1]  # a builtin
    assert "nn" in candidates(state, "import n")[1]  # a stdlib module
    assert typed(state, ":type Zeb", "\t", ENTER + CTRL_D) == ["Zebra : Zebra(d: Nat) : [d] -> [d]"]


def test_history_survives_a_restart(loaded, tmp_path, monkeypatch):
    monkeypatch.delenv("PARA_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == tmp_path / "data" / "paradsl" / "history"
    typed(loaded, ":type LowRankMLP" + ENTER + CTRL_D)
    assert history_path().exists()
    assert typed(loaded, UP + ENTER + CTRL_D) == ["LowRankMLP : LowRankMLP(d: Nat, r: Nat, o: Nat) : [d] -> [o]"]


def test_end_to_end_through_a_pseudo_terminal(tmp_path):
    env = {**os.environ, "PARA_HISTORY": str(tmp_path / "history"), "TERM": "dumb"}
    with warnings.catch_warnings():
        # pexpect forks, and jax (imported by earlier tests) warns at a fork; the child
        # execs at once, so none of the parent's threads matter to it.
        warnings.filterwarnings("ignore", message="os.fork", category=RuntimeWarning)
        child = pexpect.spawn(sys.executable, ["-m", "paradsl", "repl", str(ROOT / "examples" / "tying.para")],
                              env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        child.expect("loaded .*tying.para: 5 paras")
        child.expect("para> ")
        child.send(":type TiedAutoencoder" + ENTER)
        child.expect(r"TiedAutoencoder : TiedAutoencoder\(d: Nat, k: Nat\) : \[d\] -> \[d\]")
        child.send("para Wide(d: Nat) : [d] -> [d] = Linear(d, d + 1)" + ENTER)
        child.expect(r"<repl:2>:1:34: error\[E0209\]")
        child.send("x = randn[2, 3]" + ENTER)
        child.expect(r"x : f32\[2, 3\]")
        child.send("Linear(3, 2)(x)" + ENTER)
        child.expect(r"f32\[2, o=2\]")
        child.expect("para> ")
        child.send(CTRL_D)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_load_completes_file_names(loaded, tmp_path, monkeypatch):
    (tmp_path / "layers.para").write_text("para A(d: Nat) : [d] -> [d] = relu\n")
    (tmp_path / "notes.txt").write_text("")
    monkeypatch.chdir(tmp_path)
    offered = [c.text for c in ParaCompleter([loaded]).get_completions(Document(":load la"), None)]
    assert offered == ["yers.para"]
    assert not list(ParaCompleter([loaded]).get_completions(Document(":load no"), None))
