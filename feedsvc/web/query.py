"""The query string of a feed request: ``?limit=``, ``?q=``, ``?since=``, ``?before=``.

Parsed into a ``FeedQuery`` plus a canonical query string. The canonical form (fixed
order, defaults left out, unknown parameters such as cache busters ignored) is what goes
into the ETag, the cache key and the self link, so two spellings of one request share
one representation and one validator.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from multidict import MultiMapping

from feedsvc.config import Settings
from feedsvc.feeds.xmltext import xml_safe
from feedsvc.models import EntryCursor, FeedQuery

MAX_QUERY_CHARS = 100
MAX_CURSOR_CHARS = 600

# A '+' typed into a URL arrives as a space (form encoding): "…00:00:00 08:00". A space
# before a bare HH:MM offset can only have been a '+' (a '-' stays a '-').
_PLUS_AS_SPACE = re.compile(r"^(.*\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) (\d{2}:\d{2})$", re.ASCII)
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)


class QueryError(ValueError):
    """A bad query parameter; the message names it and says what is accepted."""


@dataclass(frozen=True)
class ParsedQuery:
    query: FeedQuery
    canonical: str  # e.g. "limit=10&q=%E7%BB%8F%E6%B5%8E"; "" for the plain feed
    filters: str  # the canonical query without the cursor: what rel="first" keeps

    @property
    def is_plain(self) -> bool:
        """The feed as subscribed: no filter, no cursor, the default limit."""
        return not self.canonical


def parse_feed_query(params: MultiMapping[str], settings: Settings) -> ParsedQuery:
    default_limit = min(settings.feed_default_limit, settings.feed_max_limit)
    limit = parse_limit(params.getall("limit", []), settings)
    text = _parse_text(params.getall("q", []))
    since = _parse_since(params.getall("since", []))
    before = _parse_cursor(params.getall("before", []))
    pairs: list[tuple[str, str]] = []
    if limit != default_limit:
        pairs.append(("limit", str(limit)))
    if text is not None:
        pairs.append(("q", text))
    if since is not None:
        pairs.append(("since", since.isoformat()))
    filters = urlencode(pairs)
    if before is not None:
        pairs.append(("before", encode_cursor(before)))
    return ParsedQuery(
        query=FeedQuery(limit=limit, before=before, text=text, since=since),
        canonical=urlencode(pairs),
        filters=filters,
    )


def parse_limit(values: Sequence[str], settings: Settings) -> int:
    """``?limit=`` as an int in 1..feed_max_limit; the default when absent."""
    bounds = f"an integer from 1 to {settings.feed_max_limit}"
    if not values:
        return min(settings.feed_default_limit, settings.feed_max_limit)
    text = _single("limit", values).strip()
    if not text.isascii() or not text.isdigit():
        raise QueryError(f"query parameter 'limit' must be {bounds}, got {values[0]!r}")
    limit = int(text)
    if not 1 <= limit <= settings.feed_max_limit:
        raise QueryError(f"query parameter 'limit' must be {bounds}, got {limit}")
    return limit


def encode_cursor(cursor: EntryCursor) -> str:
    """An opaque, URL-safe token for a position in a feed."""
    raw = f"{cursor.published.astimezone(UTC).isoformat()} {cursor.entry_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> EntryCursor:
    problem = "query parameter 'before' is not a cursor from this feed's rel=\"next\" link"
    if len(token) > MAX_CURSOR_CHARS:
        raise QueryError(f"{problem} (too long)")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        published_text, _, entry_id = raw.partition(" ")
        published = datetime.fromisoformat(published_text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise QueryError(problem) from None
    if published.tzinfo is None or not entry_id or xml_safe(entry_id) != entry_id:
        raise QueryError(problem)
    return EntryCursor(_in_utc(published, f"{problem} (its time is out of range)"), entry_id)


def _parse_text(values: Sequence[str]) -> str | None:
    if not values:
        return None
    text = " ".join(xml_safe(_single("q", values)).split())
    if not text:
        raise QueryError("query parameter 'q' must be a keyword, got nothing")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query parameter 'q' must be at most {MAX_QUERY_CHARS} characters, got {len(text)}"
        )
    return text


def _parse_since(values: Sequence[str]) -> datetime | None:
    if not values:
        return None
    text = _PLUS_AS_SPACE.sub(r"\1+\2", _single("since", values).strip())
    example = "e.g. 2024-05-18T10:20:00%2B08:00 (a '+' in a URL must be sent as %2B) or Z"
    if not _RFC3339.fullmatch(text):
        raise QueryError(
            f"query parameter 'since' must be an RFC 3339 time with an offset ({example}), "
            f"got {text!r}"
        )
    try:
        value = datetime.fromisoformat(text.upper().replace(" ", "T"))
    except ValueError as exc:
        raise QueryError(f"query parameter 'since' is not a real time: {text!r} ({exc})") from None
    return _in_utc(value, f"query parameter 'since' is out of range: {text!r} {_UTC_RANGE}")


_UTC_RANGE = "is not between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"


def _in_utc(value: datetime, problem: str) -> datetime:
    """``value`` in UTC; a QueryError saying ``problem`` when UTC cannot hold it (a time
    on the first or last day of the calendar with an offset that crosses its edge)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise QueryError(problem) from None


def _parse_cursor(values: Sequence[str]) -> EntryCursor | None:
    if not values:
        return None
    return decode_cursor(_single("before", values).strip())


def _single(name: str, values: Sequence[str]) -> str:
    if len(values) > 1:
        raise QueryError(f"query parameter {name!r} given {len(values)} times; give it once")
    return values[0]
