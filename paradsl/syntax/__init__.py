"""Parsing: source text to the surface AST."""

from . import ast as ast
from .parser import parse as parse
