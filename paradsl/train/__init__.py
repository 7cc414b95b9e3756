"""Training and evaluating the model an `experiment` declares: the tasks that generate its
data (`tasks`), its losses (`losses`) and metrics (`metrics`).

Importing this package imports nothing heavy; each name below is loaded from its module on
first use (the losses and metrics need jax, the tasks numpy).
"""

from __future__ import annotations

import importlib

_LAZY = {
    "batch_rng": "tasks",
    "resolve": "tasks",
    "TaskImportError": "tasks",
    "TaskArgumentError": "tasks",
    "LOSSES": "losses",
    "METRICS": "metrics",
}

__all__ = ["LOSSES", "METRICS", "TaskArgumentError", "TaskImportError", "batch_rng", "resolve"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
