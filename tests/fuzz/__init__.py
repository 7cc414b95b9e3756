"""Generators of `.para` programs for the fuzz tests."""
