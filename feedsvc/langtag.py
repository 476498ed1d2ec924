"""BCP 47 language tags, one home: how a tag is cased, and the three ways feedsvc reads one.

- ``normalize_language``: a configured ``language`` (strict; ValueError naming the tag).
- ``page_language``: what a page declares (``lang``, Content-Language, ``og:locale``),
  read leniently: the first of a list, cut at the first subtag that cannot be one.
- ``language_tag``: what a feed carries (RFC 4287's atomLanguageTag), else None.

All three case a tag the conventional way (RFC 5646 §2.1.1): ``zh_CN`` → ``zh-CN``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["common_language", "language_tag", "normalize_language", "page_language"]

# RFC 4287's atomLanguageTag, which RSS readers and JSON Feed accept too.
_ATOM_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# language, script, region, variants: the shape a configured tag must have.
_CONFIG_TAG = re.compile(
    r"(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)",
    re.IGNORECASE,
)
_PAGE_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")
_PAGE_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")


def case_subtags(subtags: Sequence[str]) -> str:
    """The subtags joined with ``-`` in their conventional case: the language lower, a
    script title case (``Hans``), a region upper case (``CN``), the rest lower; after a
    singleton (``x-``, ``u-``) everything lower, as extensions keep no case rules."""
    if not subtags:
        return ""
    first, *rest = subtags
    parts = [first.lower()]
    for index, part in enumerate(rest):
        after_singleton = any(len(p) == 1 for p in rest[:index])
        if after_singleton:
            parts.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def language_tag(value: str | None) -> str | None:
    """``value`` as a BCP 47 tag in its conventional case, or None when it is not one.

    Underscores (POSIX locales, ``zh_CN``) become hyphens.
    """
    if not value:
        return None
    text = value.strip().replace("_", "-")
    if not _ATOM_TAG.fullmatch(text):
        return None
    return case_subtags(text.split("-"))


def page_language(value: str | None) -> str | None:
    """A page's declared language (``zh_CN``, ``ZH-cn``, ``en-US,en``) → ``zh-CN``; the
    subtags up to the first malformed one; None for empty or malformed values."""
    if not value:
        return None
    first = value.split(",")[0].strip().replace("_", "-")
    parts = [p for p in first.split("-") if p]
    if not parts or not _PAGE_LANGUAGE.fullmatch(parts[0]):
        return None
    kept = [parts[0]]
    for part in parts[1:]:
        if not _PAGE_SUBTAG.fullmatch(part):
            break
        kept.append(part)
    return case_subtags(kept)


def normalize_language(tag: str) -> str:
    """``zh_CN`` → ``zh-CN``, ``EN-us`` → ``en-US``; ValueError when not a BCP 47 tag."""
    text = tag.strip().replace("_", "-")
    if _CONFIG_TAG.fullmatch(text) is None:
        raise ValueError(f"not a BCP 47 language tag (e.g. zh-CN, en): {tag!r}")
    return case_subtags(text.split("-"))


def common_language(tags: Iterable[str | None]) -> str | None:
    """The one language every tag names (after normalising), or None."""
    found = {language_tag(tag) for tag in tags}
    if len(found) == 1:
        return found.pop()
    return None
