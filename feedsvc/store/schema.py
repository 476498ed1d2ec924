"""The database schema: one definition for SQLite and PostgreSQL.

Migrations in ``store/migrations/versions`` must produce exactly this schema; a test
compares the migrated database against ``metadata`` on both engines.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    false,
    text,
    true,
)

from feedsvc.store.types import UTCDateTime

# Explicit names so migrations (and batch mode on SQLite, which recreates tables) can refer
# to constraints by name on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

sources = Table(
    "sources",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    # The whole SourceConfig as JSON, so a SourceState can be rebuilt without the file.
    Column("config_json", Text, nullable=False),
    Column("category", Text),
    Column("interval_seconds", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("next_check_at", UTCDateTime, nullable=False),
    Column("lease_owner", Text),
    Column("lease_until", UTCDateTime),
    Column("lease_heartbeat_at", UTCDateTime),  # migration 0003
    Column("error_count", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("last_success_at", UTCDateTime),
    Column("last_attempt_at", UTCDateTime),
    Column("backfilled", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Migration 0005: 'file' (the sources file) or 'api' (the admin API); a deleted source
    # is disabled and hidden (deleted_at set), its articles kept.
    Column("managed_by", Text, nullable=False, server_default=text("'file'")),
    Column("deleted_at", UTCDateTime),
    # Links its list pages yielded on the last refresh that parsed them (migration 0006);
    # a list that yields none after yielding some has drifted, since drift_since.
    Column("last_items_seen", Integer, nullable=False, server_default=text("0")),
    Column("drift_since", UTCDateTime),
    # migration 0008: "Asia/Shanghai: page text in Chinese (…)", the last refresh's zone.
    Column("zone", Text),
    # migration 0013: a manual refresh asked for and not served yet (SourceState).
    Column("refresh_requested_at", UTCDateTime),
)
# (enabled, next_check_at, id): the claim order, read in order (migration 0014)
Index(None, sources.c.enabled, sources.c.next_check_at, sources.c.id)

page_validators = Table(
    "page_validators",
    metadata,
    Column("source_id", Text, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    PrimaryKeyConstraint("source_id", "url"),
)

categories = Table(
    "categories",
    metadata,
    Column("name", Text, primary_key=True),
    # URL alias for names with ASCII letters/digits; NULL for e.g. purely Chinese names.
    Column("slug", Text, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Text, nullable=False, unique=True),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("link_url", Text, nullable=False, index=True),
    # The first source that found the article; article_sources lists all of them.
    Column("source_id", Text, ForeignKey("sources.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("published", UTCDateTime, nullable=False),
    Column("published_is_fallback", Boolean, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_checked_at", UTCDateTime, nullable=False),
    Column("author", Text),
    Column("category", Text, ForeignKey("categories.name")),
    Column("content_html", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("image", Text),
    Column("content_hash", Text, nullable=False),
    Column("language", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("editor", Text),  # migration 0002
    Column("outlet", Text),  # migration 0009: 来源 beside a named reporter
    # Migration 0005: a tombstone set by an admin; hidden articles leave every feed and
    # stay hidden on later refreshes (the row keeps the URL known).
    Column("hidden", Boolean, nullable=False, server_default=false()),
)
# B-tree indexes scan backwards, so (published, id) serves ORDER BY published DESC, id DESC.
Index(None, articles.c.published, articles.c.id)
Index(None, articles.c.category, articles.c.published, articles.c.id)

article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Text, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    # The category configured on this source when it linked the article (migration 0006);
    # NULL: none. An article is in its own category and in each of its links' categories.
    Column("category", Text, ForeignKey("categories.name")),
    PrimaryKeyConstraint("article_id", "source_id"),
)
Index(None, article_sources.c.source_id, article_sources.c.article_id)
Index(None, article_sources.c.category, article_sources.c.article_id)

# Every list-page URL that led to an article. Sources may link one article through
# different URLs (tracking parameters, mirrors); remembering them all lets
# known_articles() recognise the article without fetching it again.
article_links = Table(
    "article_links",
    metadata,
    Column("link_url", Text, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
)
Index(None, article_links.c.article_id)

feed_versions = Table(
    "feed_versions",
    metadata,
    Column("key", Text, primary_key=True),  # str(FeedKey): 'latest', 'category:财经', 'source:x'
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

fetch_runs = Table(
    "fetch_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Text, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("status", Text, nullable=False),
    Column("new_count", Integer, nullable=False, server_default=text("0")),
    Column("updated_count", Integer, nullable=False, server_default=text("0")),
    Column("items_seen", Integer, nullable=False, server_default=text("0")),
    Column("error", Text),
    Column("dropped_json", Text),  # migration 0005: [{"url", "reason"}] links not stored
    # Migration 0010: found links already stored and unedited; every page fetched.
    Column("unchanged_count", Integer, nullable=False, server_default=text("0")),
    Column("pages_json", Text),  # [{"url", "status", "kind", "error"}]
    # Migration 0012: what the refresh did with the source's template ("learned from 4
    # pages", "2 of 5 pages drifted: generic fallback"); NULL: nothing to say.
    Column("template_note", Text),
    # Migration 0013: a manual refresh (CLI, admin API); known articles re-checked for edits.
    Column("manual", Boolean, nullable=False, server_default=false()),
    Column("rechecked_count", Integer, nullable=False, server_default=text("0")),
)
Index(None, fetch_runs.c.source_id, fetch_runs.c.id)

# Migration 0012: the template learned per source from its article pages (extract/template),
# with its evidence, the observations of pages still to learn from, and drift counters.
# Forgotten when the source's inputs (URL, selectors…) change.
source_templates = Table(
    "source_templates",
    metadata,
    Column("source_id", Text, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("status", Text, nullable=False),  # learning | learned | drifted
    Column("template_json", Text),  # NULL until learned
    Column("observations_json", Text, nullable=False),  # [Observation] still to learn from
    Column("pages_observed", Integer, nullable=False, server_default=text("0")),
    Column("pages_agreed", Integer, nullable=False, server_default=text("0")),
    Column("learned_at", UTCDateTime),
    Column("pinned_pages", Integer, nullable=False, server_default=text("0")),
    Column("drift_pages", Integer, nullable=False, server_default=text("0")),  # in a row
    Column("drift_total", Integer, nullable=False, server_default=text("0")),
    Column("last_drift", Text),  # what failed on the last drifted page
    Column("updated_at", UTCDateTime, nullable=False),
)

# Migration 0005: every write through the admin API, in the write's own transaction.
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),  # the admin token's NAME
    Column("action", Text, nullable=False),  # "source.create", "article.hide", …
    Column("target", Text, nullable=False),  # "source:ID", "article:UUID"
    Column("before_json", Text),
    Column("after_json", Text),
)
Index(None, audit.c.target, audit.c.id)
