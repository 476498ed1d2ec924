"""Rules for single values of the sources file: intervals, URLs and hosts, language tags,
time zones, encodings and selectors; each returns a problem message or None."""

from __future__ import annotations

import codecs
import contextlib
import difflib
import functools
import ipaddress
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import fields
from urllib.parse import urlsplit

import idna

from feedsvc.models import Selectors
from feedsvc.redact import redact_credentials

MIN_INTERVAL = 30
MAX_INTERVAL = 7 * 24 * 3600
DEFAULT_INTERVAL = 15 * 60
MAX_PAGES = 50
_SOURCE_ID = re.compile(r"[a-z0-9-]{1,64}")
_INTERVAL = re.compile(
    r"(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m)?\s*(?:(?P<s>\d+)\s*s)?",
    re.IGNORECASE,
)
# BCP 47, the common subset: language[-Script][-REGION][-variant…]
_TOP_KEYS = ("settings", "sources")
_SOURCE_KEYS = (
    "id",
    "name",
    "url",
    "urls",
    "category",
    "interval",
    "timezone",
    "full_text",
    "encoding",
    "language",
    "max_pages",
    "allow_private_networks",
    "selectors",
    "enabled",
)
_SELECTOR_KEYS = tuple(f.name for f in fields(Selectors))


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_value(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def parse_interval(text: str | int) -> int:
    """``30s``, ``15m``, ``2h``, ``1d``, ``1h30m`` or a number of seconds → seconds (30 s … 7 d).

    Raises ValueError with a message fit to follow ``FILE:LINE: field:``.
    """
    if isinstance(text, bool):
        raise ValueError(f"expected a duration like 15m, got {_describe_value(text)}")
    if isinstance(text, int):
        seconds = text
        shown = f"{text}"
    else:
        shown = text.strip()
        match = _INTERVAL.fullmatch(shown) if 0 < len(shown) <= 40 else None
        if shown.isdigit() and len(shown) <= 40:
            seconds = int(shown)
        elif match and any(match.groupdict().values()):
            parts = {k: int(v or 0) for k, v in match.groupdict().items()}
            seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
        else:
            raise ValueError(
                f"expected a duration like 30s, 15m, 2h, 1d or 1h30m, got {_shorten(text)!r}"
            )
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"must be between 30s and 7d, got {shown!r}")
    return seconds


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _count(problems: list[str]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def _url_problem(url: str) -> str | None:
    shown = redact_credentials(url)  # a password in the URL stays out of the message
    try:
        parsed = urlsplit(url)
        parsed.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL: {shown!r} ({exc})"
    if parsed.scheme.lower() not in ("http", "https"):
        return f"URL must start with http:// or https://, got {shown!r}"
    if not parsed.hostname:
        return f"URL has no host: {shown!r}"
    if any(ch.isspace() for ch in url.strip()):
        return f"URL contains whitespace: {shown!r}"
    return _host_problem(parsed.hostname)


def _host_problem(host: str) -> str | None:
    """A host that DNS can be asked about: an IP address or labels of 1-63 characters, with
    ``xn--`` and non-ASCII labels valid IDNA (``idna``); ASCII labels keep their ``_``."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return None
    name = host.removesuffix(".")
    if len(name) > 253:
        return f"invalid host {_shorten(host)!r}: longer than 253 characters"
    for label in name.split("."):
        try:
            if not label:
                raise idna.IDNAError("empty label")
            if not label.isascii():
                idna.encode(label, uts46=True)
            elif len(label) > 63:
                raise idna.IDNAError(f"label longer than 63 characters ({len(label)})")
            elif label.lower().startswith("xn--"):
                idna.decode(label)
        except (idna.IDNAError, UnicodeError) as exc:
            return f"invalid host {_shorten(host, 80)!r}: {exc}"
    return None


@functools.cache
def _timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone_problem(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r}{_suggest(name, _timezone_names())}"
    return None


def _encoding_problem(name: str) -> str | None:
    """A page charset: a known codec that turns bytes into text (not rot13, base64, zlib…)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"unknown encoding {name!r} (e.g. utf-8, gbk, gb18030, big5)"
    if not getattr(info, "_is_text_encoding", True):
        return f"{name!r} is not a text encoding; use a charset such as utf-8, gbk or big5"
    try:
        b"<html>".decode(info.name)
    except (UnicodeError, ValueError, LookupError) as exc:
        return f"{name!r} cannot decode a web page ({exc}); use a charset such as utf-8"
    return None


# These select elements to work inside; reading an attribute of them means nothing.
_ELEMENT_SELECTORS = frozenset({"item", "content"})


def selector_problem(selector: str, *, key: str = "") -> str | None:
    """Why a CSS / ``xpath:`` selector does not compile, or None.

    Compiles with the extract stage's own compiler, so the file accepts exactly what
    extraction runs. ``a@href`` reads an attribute, except on ``item`` and ``content``.
    """
    from feedsvc.extract.selecting import compile_selector  # ~90 ms; only when selectors exist

    try:
        compiled = compile_selector(selector.strip())
    except ValueError as exc:
        return str(exc)
    if key in _ELEMENT_SELECTORS and compiled.attr is not None:
        return f"selects elements, so it cannot end in an @attribute: {selector!r}"
    return None
