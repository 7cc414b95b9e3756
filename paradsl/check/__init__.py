"""The type checker: surface AST to the typed core IR."""

from .checker import Checker as Checker
