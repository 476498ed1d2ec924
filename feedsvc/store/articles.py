"""Articles: lookups for the worker and the one-transaction save of a refresh."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from feedsvc.models import (
    FeedKey,
    FeedKind,
    FetchRun,
    KnownArticle,
    NormalizedArticle,
    RefreshOutcome,
    SaveResult,
)
from feedsvc.store.categories import ensure_category, holds
from feedsvc.store.feeds import bump_versions
from feedsvc.store.runs import insert_run
from feedsvc.store.schema import (
    article_links,
    article_sources,
    articles,
    page_validators,
    sources,
)
from feedsvc.store.sources import finish_lease, request_served
from feedsvc.store.sql import chunks, insert
from feedsvc.store.templates import save_template_state

LATEST = FeedKey(FeedKind.LATEST)


def _known(row: Row[tuple[object, ...]]) -> KnownArticle:
    m = row._mapping
    return KnownArticle(
        entry_id=m["entry_id"],
        canonical_url=m["canonical_url"],
        link_url=m["link_url"],
        content_hash=m["content_hash"],
        published=m["published"],
        first_seen=m["first_seen"],
        last_checked_at=m["last_checked_at"],
        etag=m["etag"],
        last_modified=m["last_modified"],
    )


async def _rows_by_url(
    conn: AsyncConnection, urls: Sequence[str]
) -> tuple[dict[str, Row[tuple[object, ...]]], dict[str, Row[tuple[object, ...]]]]:
    """Article rows keyed by canonical URL, and by any link URL that ever led to them."""
    by_canonical: dict[str, Row[tuple[object, ...]]] = {}
    by_link: dict[str, Row[tuple[object, ...]]] = {}
    unique = sorted(set(urls))
    for part in chunks(unique):
        for row in await conn.execute(select(articles).where(articles.c.canonical_url.in_(part))):
            by_canonical[row.canonical_url] = row
        linked = select(articles, article_links.c.link_url.label("via_link")).join(
            article_links, article_links.c.article_id == articles.c.id
        )
        for row in await conn.execute(linked.where(article_links.c.link_url.in_(part))):
            by_link[row.via_link] = row
    return by_canonical, by_link


async def known_articles(conn: AsyncConnection, urls: Sequence[str]) -> dict[str, KnownArticle]:
    by_canonical, by_link = await _rows_by_url(conn, urls)
    found: dict[str, KnownArticle] = {}
    for url in urls:
        row = by_canonical.get(url) or by_link.get(url)
        if row is not None:
            found[url] = _known(row)
    return found


async def articles_to_recheck(
    conn: AsyncConnection, source_id: str, since: datetime, limit: int
) -> list[KnownArticle]:
    rows = await conn.execute(
        select(articles)
        .join(article_sources, article_sources.c.article_id == articles.c.id)
        .where(article_sources.c.source_id == source_id, articles.c.first_seen > since)
        # Fair round-robin, and among equals the newest first: fresh stories get edited most.
        .order_by(articles.c.last_checked_at, articles.c.published.desc(), articles.c.id)
        .limit(limit)
    )
    return [_known(row) for row in rows]


@dataclass
class _Save:
    """Running totals of one save_refresh."""

    category: str | None = None  # configured on the refreshed source
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    edited_links: set[str] = field(default_factory=set)  # link URLs of articles updated
    changed: set[FeedKey] = field(default_factory=set)

    def touch(self, source_ids: set[str], *categories: str | None) -> None:
        self.changed.add(LATEST)
        self.changed.update(FeedKey(FeedKind.SOURCE, s) for s in source_ids)
        self.changed.update(FeedKey(FeedKind.CATEGORY, c) for c in categories if c)


async def save_refresh(conn: AsyncConnection, dialect: str, outcome: RefreshOutcome) -> SaveResult:
    """See Store.save_refresh. Runs inside the caller's write transaction."""
    at = outcome.finished_at
    schedule: dict[str, object] = {
        "next_check_at": outcome.next_check_at,
        "error_count": 0,
        "last_error": None,
        "last_success_at": at,
        "drift_since": None,
    }
    if outcome.items_seen > 0:
        schedule["last_items_seen"] = outcome.items_seen
    if outcome.zone is not None:
        schedule["zone"] = outcome.zone
    if outcome.backfilled:
        schedule["backfilled"] = True
    schedule.update(request_served(outcome.request_served))
    # First, so a lost lease raises before anything is written.
    await finish_lease(conn, source_id=outcome.source_id, owner=outcome.owner, values=schedule)

    totals = _Save(
        category=await conn.scalar(
            select(sources.c.category).where(sources.c.id == outcome.source_id)
        )
    )
    # One row per canonical URL (the last one wins), in a stable order so concurrent
    # saves lock shared article rows in the same order.
    batch = {a.canonical_url: a for a in outcome.articles}
    items = [batch[url] for url in sorted(batch)]
    by_canonical, by_link = await _rows_by_url(
        conn, [a.canonical_url for a in items] + [a.link_url for a in items]
    )
    for article in items:
        row = by_canonical.get(article.canonical_url) or by_link.get(article.link_url)
        article_id = None
        if row is None:
            article_id = await _insert(conn, dialect, outcome, article, totals.category)
        if article_id is not None:
            totals.new += 1
            totals.touch({outcome.source_id}, article.category, totals.category)
            continue
        if row is None:  # lost an insert race to another worker: treat as existing
            row = (
                await conn.execute(
                    select(articles).where(articles.c.canonical_url == article.canonical_url)
                )
            ).one()
        await _merge(conn, dialect, outcome, article, row, totals)

    await _mark_checked(conn, outcome.checked_link_urls, at)
    await _link_listed(conn, dialect, outcome, totals)
    for url, validators in outcome.validators:
        await conn.execute(
            insert(dialect, page_validators)
            .values(
                source_id=outcome.source_id,
                url=url,
                etag=validators.etag,
                last_modified=validators.last_modified,
            )
            .on_conflict_do_update(
                index_elements=[page_validators.c.source_id, page_validators.c.url],
                set_={"etag": validators.etag, "last_modified": validators.last_modified},
            )
        )
    await bump_versions(conn, dialect, totals.changed, at)
    await insert_run(
        conn,
        FetchRun(
            source_id=outcome.source_id,
            started_at=outcome.started_at,
            finished_at=at,
            status=outcome.status,
            new_count=totals.new,
            updated_count=totals.updated,
            items_seen=outcome.items_seen,
            error="\n".join(outcome.errors) or None,
            dropped=outcome.dropped,
            unchanged_count=len(
                set(outcome.listed_link_urls)
                - totals.edited_links
                - {d.url for d in outcome.dropped}
            ),
            pages=outcome.pages,
            template_note=outcome.template_note,
            manual=outcome.manual,
            rechecked_count=outcome.rechecked,
        ),
    )
    if outcome.template_state is not None:
        await save_template_state(conn, dialect, outcome.template_state, at)
    return SaveResult(
        new=totals.new,
        updated=totals.updated,
        unchanged=totals.unchanged,
        feeds_changed=tuple(sorted(totals.changed, key=str)),
    )


def _content_fields(article: NormalizedArticle) -> dict[str, object]:
    """The columns an edit replaces: what the page says, as opposed to identity and timing."""
    return {
        "title": article.title,
        "author": article.author,
        "editor": article.editor,
        "outlet": article.outlet,
        "category": article.category,
        "content_html": article.content_html,
        "summary": article.summary,
        "image": article.image,
        "content_hash": article.content_hash,
        "language": article.language,
    }


async def _insert(
    conn: AsyncConnection,
    dialect: str,
    outcome: RefreshOutcome,
    article: NormalizedArticle,
    filed_under: str | None,
) -> int | None:
    """Insert a new article; None when a concurrent save inserted it first."""
    at = outcome.finished_at
    for category in sorted({c for c in (article.category, filed_under) if c}):
        await ensure_category(conn, dialect, category, at)
    article_id: int | None = await conn.scalar(
        insert(dialect, articles)
        .values(
            entry_id=article.entry_id,
            canonical_url=article.canonical_url,
            link_url=article.link_url,
            source_id=outcome.source_id,
            published=article.published,
            published_is_fallback=article.published_is_fallback,
            updated=article.published,
            first_seen=at,
            last_checked_at=at,
            **_content_fields(article),
            etag=article.etag,
            last_modified=article.last_modified,
        )
        .on_conflict_do_nothing()
        .returning(articles.c.id)
    )
    if article_id is None:
        return None
    await _link(conn, dialect, article_id, outcome.source_id, article.link_url, at, filed_under)
    return article_id


async def _link(
    conn: AsyncConnection,
    dialect: str,
    article_id: int,
    source_id: str,
    link_url: str,
    at: datetime,
    category: str | None,
) -> bool:
    """Record that ``source_id`` lists the article via ``link_url`` and files it under
    ``category`` (its configured one, or None); True if newly listed."""
    await conn.execute(
        insert(dialect, article_links)
        .values(link_url=link_url, article_id=article_id)
        .on_conflict_do_nothing()
    )
    added = await conn.scalar(
        insert(dialect, article_sources)
        .values(article_id=article_id, source_id=source_id, first_seen=at, category=category)
        .on_conflict_do_nothing()
        .returning(article_sources.c.source_id)
    )
    return added is not None


async def _join_source(
    conn: AsyncConnection,
    dialect: str,
    outcome: RefreshOutcome,
    row: Row[tuple[object, ...]],
    link_url: str,
    totals: _Save,
) -> None:
    """Link a stored article to the refreshed source; the source's feed gains it, and so
    does the source's category unless the article is in that category already."""
    m = row._mapping
    category = totals.category
    if category is not None:
        await ensure_category(conn, dialect, category, outcome.finished_at)
    filed_before = category is None or await holds(conn, category, m["id"])
    if await _link(
        conn, dialect, m["id"], outcome.source_id, link_url, outcome.finished_at, category
    ):
        # Already in 'latest'.
        totals.changed.add(FeedKey(FeedKind.SOURCE, outcome.source_id))
        if category is not None and not filed_before:
            totals.changed.add(FeedKey(FeedKind.CATEGORY, category))


async def _link_listed(
    conn: AsyncConnection, dialect: str, outcome: RefreshOutcome, totals: _Save
) -> None:
    """Link the known articles on the source's list pages that it does not list yet."""
    if not outcome.listed_link_urls:
        return
    by_canonical, by_link = await _rows_by_url(conn, outcome.listed_link_urls)
    rows = {url: by_canonical.get(url) or by_link.get(url) for url in outcome.listed_link_urls}
    ids = sorted({row.id for row in rows.values() if row is not None})
    linked: set[int] = set()
    for part in chunks(ids):
        linked.update(
            await conn.scalars(
                select(article_sources.c.article_id).where(
                    article_sources.c.source_id == outcome.source_id,
                    article_sources.c.article_id.in_(part),
                )
            )
        )
    for url in sorted(rows):
        row = rows[url]
        if row is not None and row.id not in linked:
            linked.add(row.id)
            await _join_source(conn, dialect, outcome, row, url, totals)


async def _merge(
    conn: AsyncConnection,
    dialect: str,
    outcome: RefreshOutcome,
    article: NormalizedArticle,
    row: Row[tuple[object, ...]],
    totals: _Save,
) -> None:
    """Apply a re-fetched article to its stored row: edit, late real date, or just checked."""
    at = outcome.finished_at
    old = row._mapping
    article_id: int = old["id"]
    await _join_source(conn, dialect, outcome, row, article.link_url, totals)
    values: dict[str, object] = {
        "last_checked_at": at,
        "etag": article.etag,
        "last_modified": article.last_modified,
    }
    edited = article.content_hash != old["content_hash"]
    real_date_arrived = (
        old["published_is_fallback"]
        and not article.published_is_fallback
        and article.published != old["published"]
    )
    if not edited and not real_date_arrived:
        totals.unchanged += 1
        await conn.execute(update(articles).where(articles.c.id == article_id).values(values))
        return
    totals.edited_links.add(article.link_url)
    if real_date_arrived:
        values.update(published=article.published, published_is_fallback=False)
    if edited:
        if article.category:
            await ensure_category(conn, dialect, article.category, at)
        values.update(_content_fields(article), updated=max(at, article.published))
    await conn.execute(update(articles).where(articles.c.id == article_id).values(values))
    links = (
        await conn.execute(
            select(article_sources.c.source_id, article_sources.c.category).where(
                article_sources.c.article_id == article_id
            )
        )
    ).all()
    totals.updated += 1
    totals.touch(
        {link.source_id for link in links},
        old["category"],
        article.category if edited else None,
        *(link.category for link in links),
    )


async def _mark_checked(conn: AsyncConnection, urls: Sequence[str], at: datetime) -> None:
    if not urls:
        return
    by_canonical, by_link = await _rows_by_url(conn, urls)
    ids = sorted({row.id for row in [*by_canonical.values(), *by_link.values()]})
    for part in chunks(ids):
        await conn.execute(
            update(articles).where(articles.c.id.in_(part)).values(last_checked_at=at)
        )
