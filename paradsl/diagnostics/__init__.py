"""Diagnostics: spans, error codes and message templates, reporting and rendering."""

from .codes import CODES as CODES
from .messages import MESSAGES as MESSAGES
from .messages import Msg as Msg
from .messages import messages_of as messages_of
from .messages_parts import Part as Part
from .report import Diagnostic as Diagnostic
from .report import DiagnosticSink as DiagnosticSink
from .report import ParaError as ParaError
from .report import Severity as Severity
from .report import render as render
from .span import BUILTIN as BUILTIN
from .span import Span as Span
from .template import ErrorCode as ErrorCode
from .template import Message as Message
