"""Equinox modules compiled from stdlib/tasks.para by paradsl 0.1.0.

Edit the .para source and recompile it rather than this file:

    para compile stdlib/tasks.para
"""

__all__ = []
