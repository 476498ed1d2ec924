"""Plain data passed between the pipeline stages.

Every stage takes these in and gives these out, so each stage can be tested alone with
fixture data. They are frozen dataclasses of primitive fields, so they pickle (extraction
runs in worker processes) and compare by value (tests).

Times are always timezone-aware ``datetime`` objects; naive times never leave a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from feedsvc.store.templates import TemplateState


@dataclass(frozen=True)
class Selectors:
    """Per-source overrides for extraction. Each is CSS, or XPath when prefixed ``xpath:``.

    ``link`` may end in ``@attr`` to read an attribute (``a@href``); the default attribute
    for links is ``href``. ``item`` scopes the other list selectors; ``content`` applies to
    article pages.
    """

    item: str | None = None
    title: str | None = None
    link: str | None = None
    date: str | None = None
    content: str | None = None
    article_title: str | None = None
    article_date: str | None = None
    author: str | None = None
    next_page: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The selectors that are set, by name (as the sources file writes them)."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name))}


@dataclass(frozen=True)
class SourceConfig:
    """One configured source, as validated from the sources file."""

    id: str
    name: str
    urls: tuple[str, ...]
    interval_seconds: int
    category: str | None = None
    timezone: str | None = None  # IANA name; None = the service default
    full_text: bool = True
    selectors: Selectors | None = None
    encoding: str | None = None  # force a charset, overriding HTTP/meta/detection
    language: str | None = None  # BCP 47, e.g. "zh-CN"; None = detect/unknown
    max_pages: int = 1  # list pages followed via pagination on the first refresh
    allow_private_networks: bool | None = None  # None = the global setting
    # Read from the store: the runtime state (sources.enabled). In config_json: the state
    # the file or API last asked for, so a sync touches only entries that changed.
    enabled: bool = True


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one HTTP GET that produced a usable response (2xx or 304)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    fetched_at: datetime
    body: bytes = b""
    text: str = ""  # decoded body ("" for 304)
    encoding: str | None = None  # the codec that decoded ``text``
    encoding_source: str | None = None  # "forced" | "http" | "bom" | "meta" | "detected"
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None  # the raw header value, echoed back verbatim

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class ListItem:
    """One article link found on a list page."""

    url: str  # absolute
    title: str | None = None
    published: datetime | None = None
    published_has_time: bool = False  # False when the list shows a date only
    summary: str | None = None
    image: str | None = None
    # The channel the list page marks as shown in its navigation (``active``/``current``):
    # the category of an article page that names none.
    category: str | None = None


@dataclass(frozen=True)
class ListPage:
    """What extraction found on one list page."""

    items: tuple[ListItem, ...]
    next_page_url: str | None = None
    rule: str = ""  # which rule found the items ("selectors", "auto:…")


# The provenance of a title guessed from the body's first sentence (a page that shows no
# title): flagged so that the list's link text, when there is one, wins over it.
GUESSED_TITLE_RULE = "first-sentence"


@dataclass(frozen=True)
class ExtractedArticle:
    """Fields found on one article page, before normalization.

    ``provenance`` maps a field name to the rule that produced it ("selector", "json-ld",
    "meta", "time-element", "text-pattern", "heuristic", "readability", …).
    """

    url: str  # the page's final URL
    title: str | None = None
    published: datetime | None = None
    published_has_time: bool = False
    modified: datetime | None = None
    author: str | None = None
    source_name: str | None = None  # 来源: the originating outlet, when different from author
    category: str | None = None
    content_html: str | None = None  # main content, NOT yet sanitized
    summary: str | None = None
    image: str | None = None
    canonical_url: str | None = None  # <link rel=canonical> / og:url, absolute
    language: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    editor: str | None = None  # 责任编辑/编辑: credited, but not the author


@dataclass(frozen=True)
class NormalizedArticle:
    """An article ready to store: canonical URL, stable id, safe HTML, aware times."""

    canonical_url: str
    link_url: str  # the URL the list linked (normalized), used to recognise known links
    entry_id: str
    title: str
    published: datetime  # clamped to fetch time; first-seen when the page has none
    published_is_fallback: bool
    author: str | None
    category: str | None
    content_html: str  # sanitized, absolute URLs, XML-safe
    summary: str
    image: str | None
    content_hash: str
    language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    editor: str | None = None  # rendered as an Atom <contributor>, never as the author
    # 来源: the outlet (新华社, Reuters) beside a named reporter; None when the outlet is
    # the author already (no reporter named). Rendered as a contributor too.
    outlet: str | None = None


class FetchStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceState:
    """A source as the scheduler sees it: config plus schedule state from the database."""

    config: SourceConfig
    next_check_at: datetime
    error_count: int = 0
    last_error: str | None = None
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    backfilled: bool = False  # True once the first full (multi-page) refresh succeeded
    lease_owner: str | None = None
    lease_until: datetime | None = None
    lease_heartbeat_at: datetime | None = None  # last sign of life of the lease's refresh
    last_items_seen: int = 0  # links found the last time its list pages were parsed
    drift_since: datetime | None = None  # its list pages stopped yielding links then
    zone: str | None = None  # "ZONE: evidence" its page times were last read in
    # A manual refresh asked for (the admin API, `sources refresh`) and not served yet: the
    # next refresh of the source, by whichever process claims it, is a manual one.
    refresh_requested_at: datetime | None = None


@dataclass(frozen=True)
class PageValidators:
    """Conditional-GET validators stored per fetched URL."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class KnownArticle:
    """What the store already knows about an article, for new/update decisions."""

    entry_id: str
    canonical_url: str
    link_url: str
    content_hash: str
    published: datetime
    first_seen: datetime
    last_checked_at: datetime
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class StoredArticle:
    """An article as read back from the store for feeds."""

    entry_id: str
    canonical_url: str
    source_id: str
    source_name: str
    title: str
    published: datetime
    updated: datetime  # last significant change (first store, or a content edit)
    first_seen: datetime
    author: str | None
    category: str | None
    content_html: str
    summary: str
    image: str | None
    language: str | None = None
    editor: str | None = None
    outlet: str | None = None  # 来源 beside the reporter (``source_name`` is the feed source's)


class FeedKind(StrEnum):
    LATEST = "latest"
    CATEGORY = "category"
    SOURCE = "source"


@dataclass(frozen=True)
class FeedKey:
    """Identifies one feed. ``value`` is the category name or source id ('' for latest)."""

    kind: FeedKind
    value: str = ""

    def __str__(self) -> str:
        if self.kind is FeedKind.LATEST:
            return self.kind.value
        return f"{self.kind.value}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> FeedKey:
        kind, _, value = text.partition(":")
        return cls(FeedKind(kind), value)


@dataclass(frozen=True)
class FeedVersion:
    """Bumped in the same transaction as any change to a feed's entries.

    ``updated_at`` is when the feed's content last changed: it moves even when the change
    is an article with an older publication time, so Last-Modified and Atom ``updated``
    always move forward.
    """

    key: FeedKey
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class EntryCursor:
    """A position in a feed's order (published, then entry id, both descending): a page
    that starts after it holds only entries strictly older in that order."""

    published: datetime
    entry_id: str


@dataclass(frozen=True)
class FeedQuery:
    """Which of a feed's entries to read: at most ``limit``, newest first, after
    ``before``, containing ``text`` in title or summary, published or updated at or after
    ``since``."""

    limit: int
    before: EntryCursor | None = None
    text: str | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class FeedInfo:
    """A feed as listed on the index page and in OPML."""

    key: FeedKey
    title: str
    slug: str | None  # URL alias for categories with an ASCII name; None otherwise
    article_count: int
    updated_at: datetime | None
    interval_seconds: int  # the shortest refresh interval among the feed's sources
    language: str | None = None
    # The IANA zone of a source, or the one all of a shared feed's sources name; None: none.
    timezone: str | None = None
    # The zone its page times were last read in (configured, else detected by a refresh),
    # or the one all of a shared feed's sources were read in; None: unknown or mixed.
    page_zone: str | None = None
    site_url: str | None = None  # a source's first list page; None for latest and categories


@dataclass(frozen=True)
class RefreshOutcome:
    """Everything one successful refresh of a source wants to write, saved in ONE transaction.

    ``articles`` are new or re-fetched articles; the store decides new / edited / unchanged
    by canonical URL and content hash. ``checked_link_urls`` are known articles that were
    re-checked and found unchanged (e.g. 304): only their last_checked_at moves.
    ``listed_link_urls`` are the known articles on the source's list pages: each one not
    yet linked to this source is linked (it joins the source's feed and category).
    """

    source_id: str
    owner: str  # lease owner: the save is refused (LeaseLostError) if the lease moved on
    started_at: datetime
    finished_at: datetime
    next_check_at: datetime
    status: FetchStatus
    articles: tuple[NormalizedArticle, ...] = ()
    checked_link_urls: tuple[str, ...] = ()
    listed_link_urls: tuple[str, ...] = ()
    validators: tuple[tuple[str, PageValidators], ...] = ()  # list-page URL → validators
    backfilled: bool = False
    items_seen: int = 0
    errors: tuple[str, ...] = ()  # per-article problems that did not fail the source
    zone: str | None = None  # "ZONE: evidence" of the list page's naive times (None: kept)
    dropped: tuple[DroppedLink, ...] = ()  # links found but not stored this time, and why
    pages: tuple[PageFetch, ...] = ()  # every page fetched, with its HTTP status
    # The source's template after this refresh (None: unchanged) and the run's note on it.
    template_state: TemplateState | None = None
    template_note: str | None = None
    manual: bool = False  # asked for (CLI, admin API), not scheduled
    rechecked: int = 0  # known articles re-fetched for edits (conditional GET) that answered
    # The stored refresh request this run served (SourceState.refresh_requested_at as
    # claimed): cleared by the save unless a newer request arrived meanwhile.
    request_served: datetime | None = None


@dataclass(frozen=True)
class SaveResult:
    new: int
    updated: int
    unchanged: int
    feeds_changed: tuple[FeedKey, ...]


@dataclass(frozen=True)
class FetchRun:
    """One refresh attempt, kept as history for admins."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    status: FetchStatus
    new_count: int = 0
    updated_count: int = 0
    items_seen: int = 0
    error: str | None = None
    dropped: tuple[DroppedLink, ...] = ()
    id: int | None = None  # the stored run's number (None before it is stored)
    # Links found that were already stored and not edited: found = new + updated +
    # unchanged + the dropped among them.
    unchanged_count: int = 0
    pages: tuple[PageFetch, ...] = ()
    template_note: str | None = None  # what the run did with the source's template
    manual: bool = False  # migration 0013: a manual refresh (CLI, admin API)
    rechecked_count: int = 0  # known articles re-fetched for edits (conditional GET)


@dataclass(frozen=True)
class PageFetch:
    """One page a refresh fetched: a list page or an article page, and the HTTP status it
    answered (304 for "not modified"; None when no response came: timeout, refused
    address, …, with ``error`` saying why)."""

    url: str
    status: int | None
    kind: str  # "list" | "article"
    error: str | None = None


@dataclass(frozen=True)
class DroppedLink:
    """A link a refresh saw but did not store, with the reason (shown to admins)."""

    url: str
    reason: str
