"""Text that is safe to put in an XML 1.0 document."""

from __future__ import annotations

import re

# XML 1.0 §2.2 Char: everything else (C0 controls, lone surrogates, U+FFFE/U+FFFF) makes
# lxml refuse the string, and one bad character must not take a whole feed down.
_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _ILLEGAL.sub("", text)


def xml_safe_or_none(text: str | None) -> str | None:
    """:func:`xml_safe`, mapping ``None`` and text that becomes blank to ``None``."""
    if text is None:
        return None
    cleaned = xml_safe(text).strip()
    return cleaned or None
