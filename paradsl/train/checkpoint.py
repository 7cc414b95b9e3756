"""Checkpoints: model, optimiser state and step in one file, written atomically, refused
whole when damaged.

The file is `equinox.tree_serialise_leaves` of the model, then of (optimiser state, step),
then a trailer: a magic word, the length of what precedes it and its SHA-256. Because the
model comes first, `equinox.tree_deserialise_leaves(path, model_like)` reads a trained
model straight from a checkpoint. The data position is the step (a batch is a function of
seed, stream and step), so nothing else is needed to resume bit for bit.

A write goes to a temporary file in the same folder, is fsynced and renamed over the name,
so a crash leaves the previous checkpoint and never half of a new one.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import equinox as eqx
import jax.numpy as jnp

from .rundir import write_bytes

MAGIC = b"PARACKPT"
_TRAILER = struct.Struct(f"<{len(MAGIC)}sQ32s")
_NAME = re.compile(r"^step-(\d+)\.eqx$")


class CheckpointError(Exception):
    """A checkpoint that is missing, truncated or corrupted; the message says which."""


@dataclass(frozen=True)
class Restored:
    model: Any
    opt_state: Any
    step: int


def name_of(step: int) -> str:
    return f"step-{step:08d}.eqx"


def save(folder: Path, step: int, model: Any, opt_state: Any) -> Path:
    """Write the checkpoint of `step` into `folder` atomically; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    eqx.tree_serialise_leaves(buf, model)
    eqx.tree_serialise_leaves(buf, (opt_state, jnp.asarray(step, _step_dtype())))
    body = buf.getvalue()
    data = body + _TRAILER.pack(MAGIC, len(body), hashlib.sha256(body).digest())
    path = folder / name_of(step)
    write_bytes(path, data)
    return path


def _x64() -> bool:
    import jax

    return bool(jax.config.read("jax_enable_x64"))


def verify(path: Path) -> bytes:
    """The serialised body of the checkpoint at `path`, its length and checksum checked."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CheckpointError(f"cannot read checkpoint {path}: {e.strerror or e}") from None
    if len(data) < _TRAILER.size:
        raise CheckpointError(f"checkpoint {path} is truncated ({len(data)} bytes)")
    magic, length, digest = _TRAILER.unpack(data[-_TRAILER.size:])
    body = data[: -_TRAILER.size]
    if magic != MAGIC or length != len(body):
        raise CheckpointError(f"checkpoint {path} is truncated or not a checkpoint of para run")
    if hashlib.sha256(body).digest() != digest:
        raise CheckpointError(f"checkpoint {path} is corrupted: its checksum does not match")
    return body


def load(path: Path, model_like: Any, opt_state_like: Any) -> Restored:
    """The checkpoint at `path` read into the structures of `model_like` and `opt_state_like`."""
    f = io.BytesIO(verify(path))
    try:
        model = eqx.tree_deserialise_leaves(f, model_like)
        opt_state, step = eqx.tree_deserialise_leaves(f, (opt_state_like, jnp.asarray(0, _step_dtype())))
    except Exception as e:  # noqa: BLE001 - a well-formed file of another model
        raise CheckpointError(f"checkpoint {path} does not hold this experiment's model: {e}") from None
    return Restored(model, opt_state, int(step))


def _step_dtype():
    return jnp.int64 if _x64() else jnp.int32


def load_model(path: Path, model_like: Any) -> Any:
    """Only the model of the checkpoint at `path` (for `para eval`), checked whole first."""
    f = io.BytesIO(verify(path))
    try:
        return eqx.tree_deserialise_leaves(f, model_like)
    except Exception as e:  # noqa: BLE001
        raise CheckpointError(f"checkpoint {path} does not hold this experiment's model: {e}") from None


def listed(folder: Path) -> list[tuple[int, Path]]:
    """The checkpoints in `folder`, by step, oldest first."""
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    return sorted(found)


def latest(folder: Path) -> Path | None:
    found = listed(folder)
    return found[-1][1] if found else None
