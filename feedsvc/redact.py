"""Credentials in URLs never reach a message, a log line or command output.

A source URL may carry ``user:password@`` (sites behind HTTP basic auth), and a database
URL usually does. :func:`redact_credentials` replaces the userinfo of every URL in a text
with ``***`` (``https://***@host/path``), so it applies to a bare URL and to a whole message
or log line alike. yarl can drop userinfo from one parsed URL (``URL.with_user(None)``) but
offers nothing for URLs inside free text, which is what errors and logs carry; hence one
regular expression here.
"""

from __future__ import annotations

import logging
import re

# scheme "://" then userinfo up to the last "@" before the host (a raw "@" may appear in a
# password); stops at "/", "?", "#" or whitespace so "@" in a path or query is left alone.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s@]*(?:@[^/?#\s@]*)*@")
MASK = "***"


def redact_credentials(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    if "@" not in text:
        return text
    return _USERINFO.sub(rf"\1{MASK}@", text)


class RedactingFormatter(logging.Formatter):
    """Formats log records (tracebacks included) with credentials redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_credentials(super().format(record))
