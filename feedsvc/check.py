"""``feedsvc check``: what feedsvc would extract from a URL or a saved page. Writes nothing.

For a list page it shows the detected list — the winning rule and its score, the runner-up
candidates, and selectors an admin could pin to freeze the result (and whether they really
reproduce it) — then fetches the first article and shows its fields with their provenance.
``--article`` treats the target as an article page only.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feedsvc.config import Settings
from feedsvc.errors import FeedsvcError
from feedsvc.extract import detect_list, extract_list, guess_page_url
from feedsvc.extract.dom import parse_html
from feedsvc.extract.template import Template
from feedsvc.extract.templated import extract_templated
from feedsvc.extract.zone import ZoneChoice, choose_zone
from feedsvc.fetch import Fetcher, decode_html
from feedsvc.models import (
    ExtractedArticle,
    FetchResult,
    ListItem,
    NormalizedArticle,
    Selectors,
    SourceConfig,
)
from feedsvc.normalize import html_to_text, normalize_article
from feedsvc.refresh.context import allow_private
from feedsvc.runtime import utc_now

__all__ = ["CandidateView", "CheckResult", "dumps", "run_check"]

_RUNNER_UPS_SHOWN = 4
_FALLBACK_BASE = "http://localhost/"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _selectors_dict(selectors: Selectors | None) -> dict[str, str]:
    return {} if selectors is None else selectors.as_dict()


@dataclass
class CandidateView:
    """A runner-up list as ``check`` shows it."""

    rule: str
    score: float
    count: int
    signals: dict[str, float | str]
    sample: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "score": self.score,
            "count": self.count,
            "signals": self.signals,
            "sample_titles": self.sample,
        }


@dataclass
class CheckResult:
    list_url: str | None
    rule: str | None
    items: list[ListItem] = field(default_factory=list)
    score: float | None = None
    signals: dict[str, float | str] = field(default_factory=dict)
    runner_ups: list[CandidateView] = field(default_factory=list)
    suggested: Selectors | None = None
    suggested_reproduces: bool | None = None
    next_page_url: str | None = None
    article_url: str | None = None
    extracted: ExtractedArticle | None = None
    article: NormalizedArticle | None = None
    article_error: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    zone: ZoneChoice | None = None  # the zone of the page's naive times, and why
    # ``check --source``: the source's learned template (TemplateState.summary()), or a
    # note saying why it could not be read.
    template: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        art, raw = self.article, self.extracted
        return {
            "list_url": self.list_url,
            "rule": self.rule,
            "score": self.score,
            "signals": self.signals,
            "items": [
                {
                    "url": i.url,
                    "title": i.title,
                    "published": _iso(i.published),
                    "summary": i.summary,
                    "image": i.image,
                }
                for i in self.items
            ],
            "next_page_url": self.next_page_url,
            "candidates": [c.to_json() for c in self.runner_ups],
            "suggested_selectors": _selectors_dict(self.suggested),
            "suggested_selectors_reproduce": self.suggested_reproduces,
            "article": None
            if art is None
            else {
                "url": art.canonical_url,
                "title": art.title,
                "published": _iso(art.published),
                "published_is_fallback": art.published_is_fallback,
                "author": art.author,
                "source": raw.source_name if raw else None,
                "category": art.category,
                "content_html": art.content_html,
                "content_text": html_to_text(art.content_html),
                "summary": art.summary,
                "image": art.image,
                "id": art.entry_id,
            },
            "article_error": self.article_error,
            "provenance": self.provenance,
            "notes": self.notes,
            "timezone": None
            if self.zone is None
            else {"name": self.zone.name, "evidence": self.zone.evidence},
            "template": self.template,
        }

    def to_text(self) -> str:
        lines = [f"note: {n}" for n in self.notes]
        if self.zone is not None:
            lines.append(
                f"times without a zone are read in {self.zone.name} ({self.zone.evidence})"
            )
        if self.list_url:
            lines += self._list_text()
        lines += self._article_text()
        lines += template_text(self.template)
        return "\n".join(lines)

    def _list_text(self) -> list[str]:
        score = f", score {self.score:g}" if self.score is not None else ""
        lines = [
            f"list page: {self.list_url}",
            f"rule: {self.rule}{score}  ({len(self.items)} items)",
        ]
        if self.signals:
            lines.append("  evidence: " + ", ".join(f"{k}={v}" for k, v in self.signals.items()))
        for n, item in enumerate(self.items, 1):
            when = _iso(item.published) or "-"
            lines.append(f"  {n:3}. {when:25}  {item.title or '(no title)'}")
            lines.append(f"       {item.url}")
        lines.append(f"next page: {self.next_page_url or '-'}")
        if self.runner_ups:
            lines.append("runner-up candidates:")
            for c in self.runner_ups:
                sample = " | ".join(c.sample)
                lines.append(f"  {c.score:8g}  {c.rule}  ({c.count} links)  {sample}")
        if self.suggested is not None:
            verdict = {True: "reproduce", False: "do NOT fully reproduce", None: "untested"}
            lines.append(f"selectors to pin (they {verdict[self.suggested_reproduces]} this list):")
            lines += [f"  {k}: {v!r}" for k, v in _selectors_dict(self.suggested).items()]
        return lines

    def _article_text(self) -> list[str]:
        art, raw = self.article, self.extracted
        if art is None:
            if self.article_error:
                return ["", f"article: could not extract {self.article_url}: {self.article_error}"]
            return []
        prov = self.provenance
        text = html_to_text(art.content_html)

        def row(name: str, value: object, key: str | None = None) -> str:
            origin = prov.get(key or name)
            return f"  {name + ':':11}{value}" + (f"   [{origin}]" if origin else "")

        published = art.published.isoformat() + (
            "  (fallback: none on the page)" if art.published_is_fallback else ""
        )
        return [
            "",
            f"article: {art.canonical_url}",
            f"  id:        {art.entry_id}",
            row("title", art.title),
            row("published", published),
            row("author", art.author),
            row("source", raw.source_name if raw else None, "source_name"),
            row("category", art.category),
            row("image", art.image),
            f"  summary:   {art.summary}",
            row("content", f"{len(text)} characters: {text[:300]}…", "content_html"),
            "  provenance: " + ", ".join(f"{k}={v}" for k, v in sorted(prov.items())),
        ]


def template_text(summary: dict[str, Any] | None) -> list[str]:
    """The learned template as ``check --source`` prints it: state, then each part with
    its path and the pages that agreed."""
    if summary is None:
        return []
    lines = ["", f"template: {summary['status']}: {summary['message']}"]
    if summary.get("last_drift"):
        lines.append(f"  last drift: {summary['last_drift']}")
    lines += [f"  {p['part'] + ':':13}{p['path']}   [{p['pages']} pages]" for p in summary["parts"]]
    return lines


@dataclass
class _Target:
    url: str
    text: str
    fetch: FetchResult | None
    # A saved page whose address nobody gave: its links resolve against a guess, and
    # nothing is fetched from a guessed host (it may be a real site somewhere else).
    guessed: bool = False


async def _load(
    fetcher: Fetcher,
    target: str,
    base_url: str | None,
    notes: list[str],
    allow_private: bool,
    encoding: str | None,
) -> _Target:
    path = Path(target)
    if await asyncio.to_thread(path.is_file):
        raw = await asyncio.to_thread(path.read_bytes)
        decoded = decode_html(raw, None, forced=encoding)
        if base_url is not None:
            return _Target(base_url, decoded.text, None)
        # Links on a saved page resolve against its address; guess it when not given.
        guessed = guess_page_url(parse_html(decoded.text))
        url = guessed or _FALLBACK_BASE + path.name
        notes.append(f"no --base-url: links resolve against {url} (guessed)")
        return _Target(url, decoded.text, None, guessed=True)
    fetch = await fetcher.fetch(target, allow_private=allow_private, encoding=encoding)
    return _Target(fetch.final_url, fetch.text, fetch)


def _compare_pinned(
    text: str, url: str, items: list[ListItem], selectors: Selectors, tz: ZoneInfo, now: datetime
) -> tuple[bool, str | None]:
    """Run the suggested selectors; say whether they give the same links, and how not."""
    try:
        again = extract_list(text, url, selectors=selectors, tz=tz, now=now)
    except FeedsvcError as exc:
        return False, str(exc)
    got, want = [i.url for i in again.items], [i.url for i in items]
    if got == want:
        return True, None
    extra, missing = len(set(got) - set(want)), len(set(want) - set(got))
    return False, f"{extra} extra, {missing} missing links"


async def run_check(
    settings: Settings,
    target: str,
    *,
    selectors: Selectors | None = None,
    article_only: bool = False,
    base_url: str | None = None,
    timezone: str | None = None,
    source: SourceConfig | None = None,
    template: Template | None = None,
) -> CheckResult:
    """Fetch (or read) ``target`` and extract it like a refresh would, without storing.

    ``source``: a configured source, checked with everything a refresh of it uses — its
    selectors, encoding, zone, language, category and private-network opt-in;
    ``selectors`` and ``timezone`` given here override its own. ``timezone`` is the zone a
    source would configure; without one (and the setting at ``auto``) the zone comes from
    the page's evidence (extract/zone.py), as in a refresh. ``template``: the source's
    learned template, pinned on its article page as a refresh would.

    Raises FetchError when the target cannot be fetched and ExtractError when the page is
    not HTML at all; a failure on the first article is reported in the result instead.
    """
    now = utc_now()
    base = source or SourceConfig(id="check", name="check", urls=(target,), interval_seconds=3600)
    source = replace(
        base,
        selectors=selectors or base.selectors,
        timezone=timezone or base.timezone,
    )
    selectors = source.selectors
    private = allow_private(source, settings)
    notes: list[str] = []
    async with Fetcher(settings) as fetcher:
        page = await _load(fetcher, target, base_url, notes, private, source.encoding)
        zone = choose_zone(
            page.url,
            source_zone=source.timezone,
            setting_zone=settings.timezone,
            language=source.language,
            html=page.text,
        )
        tz = zone.zone()
        if article_only:
            result = CheckResult(list_url=None, rule=None, notes=notes, zone=zone)
            _fill_article(result, page, source, tz, now, None, settings, template)
            return result
        result = await asyncio.to_thread(_list_result, page, selectors, tz, now)
        result.notes = notes + result.notes
        result.zone = zone
        if result.items and page.guessed:
            result.article_url = result.items[0].url
            result.article_error = (
                "not fetched: the saved page's address is a guess; give --base-url to fetch"
                " its first article"
            )
        elif result.items:
            first = result.items[0]
            result.article_url = first.url
            try:
                art_page = _Target(first.url, "", None)
                fetched = await fetcher.fetch(
                    first.url, allow_private=private, encoding=source.encoding
                )
                art_page = _Target(fetched.final_url, fetched.text, fetched)
            except FeedsvcError as exc:
                result.article_error = str(exc)
                return result
            _fill_article(result, art_page, source, tz, now, first, settings, template)
        return result


def _list_result(
    page: _Target, selectors: Selectors | None, tz: ZoneInfo, now: datetime
) -> CheckResult:
    uses_selectors = selectors is not None and any(
        (selectors.item, selectors.link, selectors.title)
    )
    if uses_selectors:
        listed = extract_list(page.text, page.url, selectors=selectors, tz=tz, now=now)
        return CheckResult(
            list_url=page.url,
            rule=listed.rule,
            items=list(listed.items),
            next_page_url=listed.next_page_url,
        )
    found = detect_list(page.text, page.url, tz=tz, now=now)
    winner = found.winner
    result = CheckResult(
        list_url=page.url,
        rule=winner.rule if winner else "auto:none",
        next_page_url=found.next_page_url,
    )
    result.runner_ups = [
        CandidateView(
            c.rule, c.score, len(c.items), dict(c.signals), [i.title or "" for i in c.items[:3]]
        )
        for c in found.candidates[1 : 1 + _RUNNER_UPS_SHOWN]
    ]
    if winner is not None:
        result.items = list(winner.items)
        result.score = winner.score
        result.signals = dict(winner.signals)
        result.suggested = winner.selector_suggestion
        result.suggested_reproduces, why = _compare_pinned(
            page.text, page.url, result.items, winner.selector_suggestion, tz, now
        )
        if why:
            result.notes.append(f"the suggested selectors differ from the detected list: {why}")
    return result


def _fill_article(
    result: CheckResult,
    page: _Target,
    source: SourceConfig,
    tz: ZoneInfo,
    now: datetime,
    item: ListItem | None,
    settings: Settings,
    template: Template | None,
) -> None:
    result.article_url = page.url
    try:
        found = extract_templated(
            page.text, page.url, selectors=source.selectors, tz=tz, now=now, template=template
        )
        extracted = found.article
        if found.drift:
            result.notes.append(f"the learned template does not match this page: {found.drift}")
        result.extracted = extracted
        result.provenance = dict(extracted.provenance)
        result.article = normalize_article(
            extracted,
            link_url=page.url,
            list_item=item,
            fetch=page.fetch,
            source=source,
            now=now,
            max_content_bytes=settings.max_content_bytes,
        )
    except (FeedsvcError, ValueError) as exc:
        result.article_error = str(exc)


def dumps(result: CheckResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2)
