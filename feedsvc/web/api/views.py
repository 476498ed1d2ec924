"""The JSON shapes of the API's resources (the OpenAPI schemas in ``openapi.py`` describe
exactly these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedsvc.adminmodels import AdminSource, ArticleSummary
from feedsvc.config import source_fields
from feedsvc.models import FetchRun, FetchStatus, ListItem
from feedsvc.normalize import html_to_text
from feedsvc.preview import Preview, PreviewArticle

PREFIX = "/api/v1"
CONTENT_TEXT_CHARS = 2000


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def source_url(source_id: str) -> str:
    return f"{PREFIX}/sources/{source_id}"


def source_json(source: AdminSource) -> dict[str, Any]:
    health = source.health
    return {
        **source_fields(source.config),
        "enabled": source.enabled,
        "managed_by": source.managed_by,
        "etag": source.etag,
        "health": {
            "last_success": iso(health.last_success),
            "consecutive_failures": health.consecutive_failures,
            "next_run": iso(health.next_run),
            "last_error": health.last_error,
            "drift": health.drift,
            "last_attempt": iso(health.last_attempt),
            "items": health.items,
            "zone": health.zone,
        },
        "links": {
            "self": source_url(source.config.id),
            "runs": f"{source_url(source.config.id)}/runs",
            "feed": f"/feeds/sources/{source.config.id}.atom",
        },
    }


def run_json(run: FetchRun) -> dict[str, Any]:
    duration = (run.finished_at - run.started_at).total_seconds()
    return {
        "id": run.id,
        "started": iso(run.started_at),
        "finished": iso(run.finished_at),
        "duration_ms": max(0, round(duration * 1000)),
        "status": "failed" if run.status is FetchStatus.FAILED else "ok",
        "not_modified": run.status is FetchStatus.NOT_MODIFIED,
        "found": run.items_seen,
        "new": run.new_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "manual": run.manual,
        "rechecked": run.rechecked_count,
        "dropped": [{"url": d.url, "reason": d.reason} for d in run.dropped],
        "pages": [
            {"url": p.url, "status": p.status, "kind": p.kind, "error": p.error} for p in run.pages
        ],
        "error": run.error,
        "template_note": run.template_note,
    }


def article_json(article: ArticleSummary) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "published": iso(article.published),
        "source": article.source,
        "category": article.category,
        "hidden": article.hidden,
    }


def _item_json(item: ListItem) -> dict[str, Any]:
    return {
        "url": item.url,
        "title": item.title,
        "published": iso(item.published),
        "summary": item.summary,
        "image": item.image,
    }


def _preview_article_json(entry: PreviewArticle) -> dict[str, Any]:
    art, raw = entry.article, entry.extracted
    if art is None or raw is None:
        return {"url": entry.url, "error": entry.error, "provenance": {}}
    return {
        "url": art.canonical_url,
        "title": art.title,
        "published": iso(art.published),
        "published_is_fallback": art.published_is_fallback,
        "author": art.author,
        "editor": art.editor,
        "category": art.category,
        "summary": art.summary,
        "image": art.image,
        "content_text": html_to_text(art.content_html)[:CONTENT_TEXT_CHARS],
        "provenance": dict(raw.provenance),
        "error": None,
    }


def preview_json(preview: Preview) -> dict[str, Any]:
    return {
        "url": preview.url,
        "candidates": [
            {
                "rule": c.rule,
                "score": c.score,
                "selectors": c.selector_suggestion.as_dict(),
                "items": [_item_json(i) for i in c.items],
            }
            for c in preview.found.candidates
        ],
        "next_page_url": preview.found.next_page_url,
        "articles": [_preview_article_json(a) for a in preview.articles],
        "links": [{"url": v.url, "kept": v.kept, "reason": v.reason} for v in preview.links],
    }
