"""Every reviewed program kept under `tests/review/` is a regression case of some test: its
file name (or, for a family, its stem) appears in a `tests/test_*.py`, so none is a copy
that nothing runs."""

from __future__ import annotations

from conftest import ROOT

REVIEW = ROOT / "tests" / "review"


def test_every_review_copy_is_used_by_a_test():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")
                        if p.name != "test_review.py")
    unused = [p.name for p in sorted(REVIEW.iterdir()) if p.is_file() and p.name not in sources and p.stem not in sources]
    assert REVIEW.is_dir() and any(REVIEW.iterdir())
    assert unused == []
