"""BCP 47 language tags as feeds must carry them (``zh-CN``, never ``zh_CN``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# RFC 4287's atomLanguageTag, which RSS readers and JSON Feed accept too.
_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def language_tag(value: str | None) -> str | None:
    """``value`` as a BCP 47 tag in its conventional case, or None when it is not one.

    Underscores (POSIX locales, ``zh_CN``) become hyphens; the language is lower case, a
    script title case (``Hans``) and a region upper case (``CN``), per RFC 5646 §2.1.1.
    """
    if not value:
        return None
    text = value.strip().replace("_", "-")
    if not _TAG.fullmatch(text):
        return None
    first, *rest = text.split("-")
    parts = [first.lower()]
    for index, part in enumerate(rest):
        after_singleton = any(len(p) == 1 for p in rest[:index])
        if after_singleton:
            parts.append(part.lower())  # extensions and private use keep no case rules
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def common_language(tags: Iterable[str | None]) -> str | None:
    """The one language every tag names (after normalising), or None."""
    found = {language_tag(tag) for tag in tags}
    if len(found) == 1:
        return found.pop()
    return None
