"""Diagnostics: spans, the registry of error codes and messages, reporting and rendering."""

from .messages import CODES as CODES
from .messages import Msg as Msg
from .report import Diagnostic as Diagnostic
from .report import DiagnosticSink as DiagnosticSink
from .report import ParaError as ParaError
from .report import Severity as Severity
from .report import render as render
from .span import BUILTIN as BUILTIN
from .span import Span as Span
