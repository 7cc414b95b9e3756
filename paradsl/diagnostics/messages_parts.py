"""Pieces of source a message shows, built from values: a binder, a typed leaf, a case.

A hint that lists binders or cases takes a sequence of these, each formatted from the
names and types it is about, and joins them itself (`{binders:comma}`).
"""

from __future__ import annotations

from .template import Text


class Part:
    HYPER_BINDER = Text("{name}: {kind}")
    INDEX_SET_BINDER = Text("({name} : {kind})")
    TYPED_LEAF = Text("{path} : {type}")
    CASE = Text("| {ctor}({fields:comma}) => ...")
    CASE_WITHOUT_FIELDS = Text("| {ctor} => ...")
