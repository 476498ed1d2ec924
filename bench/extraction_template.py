"""Per-source templates in the extraction benchmark: generic vs pinned, beside trafilatura.

The corpus holds several pages of a few sites (GNE's ``tests-<site>-<n>``; magic-html's
pages by host). For every page of a site with at least ``MIN_PAGES + 1`` pages, a template
is learned from the *other* pages of that site, as a source learns from its first pages
(``MIN_PAGES`` of them, one more at a time until they agree, at most ``MAX_OBSERVATIONS``),
and the page is then extracted three ways in the same run: feedsvc generic, feedsvc pinned
by the template, trafilatura. Each time is the CPU time of this process (not wall time: the
machine is shared, and other processes' load would count), the fastest of ``REPEAT`` runs;
the table gives the median over pages, over the pages the template pinned (a page it did not
match is extracted generically: no time to compare). Fields are scored with and without the
template on every page that got one, where the page has a truth.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from extraction_scoring import Result, author_match, title_match, token_f1

from feedsvc.extract import extract_article
from feedsvc.extract.template import Template
from feedsvc.extract.templated import extract_templated
from feedsvc.extract.templatelearn import MIN_PAGES, Observation, learn
from feedsvc.models import ExtractedArticle
from feedsvc.normalize.text import html_to_text
from feedsvc.refresh.templating import MAX_OBSERVATIONS

REPEAT = 3
Page = tuple[dict[str, Any], str, str, tzinfo, datetime]  # case, html, url, zone, now
System = Callable[[str, str, tzinfo, datetime], Result]


def site_of(case: dict[str, Any]) -> str | None:
    """The site a page belongs to, when the corpus says (None: a page on its own)."""
    if case["dataset"] == "gne":
        m = re.fullmatch(r"tests-(.+)-\d+", case["case"])
        return f"gne/{m.group(1)}" if m else None
    host = urlsplit(case["url"]).hostname if case.get("url") else None
    return f"{case['dataset']}/{host}" if host else None


def _number(case: dict[str, Any]) -> int:
    m = re.search(r"(\d+)$", case["case"])
    return int(m.group(1)) if m else 0


@dataclass
class SiteFigures:
    pages: int = 0
    pinned: int = 0
    generic_ms: list[float] = field(default_factory=list)
    pinned_ms: list[float] = field(default_factory=list)
    trafilatura_ms: list[float] = field(default_factory=list)
    f1: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    title: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    author: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))


def _fastest(run: Callable[[], object]) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(REPEAT):
        start = time.process_time()
        try:
            out = run()
        except Exception:  # a benchmark reports, never stops
            out = None
        best = min(best, time.process_time() - start)
    return best * 1000, out


def _result(got: ExtractedArticle | None) -> Result:
    if got is None:
        return Result()
    text = html_to_text(got.content_html) if got.content_html else ""
    return Result(
        title=got.title, author=got.author, source=got.source_name, editor=got.editor, text=text
    )


def _observe(page: Page) -> Observation | None:
    _, html, url, tz, now = page
    try:
        found = extract_templated(html, url, selectors=None, tz=tz, now=now, template=None)
    except Exception:
        return None
    return found.observation


def _score(fig: SiteFigures, case: dict[str, Any], how: str, got: Result) -> None:
    if case.get("content_text"):
        fig.f1[how].append(token_f1(case["content_text"], got.text))
    if case.get("title"):
        fig.title[how].append(title_match(case["title"], got.title))
    if case.get("author"):
        fig.author[how].append(author_match(case["author"], got))


def _measure(fig: SiteFigures, page: Page, template: Template, traf: System | None) -> None:
    case, html, url, tz, now = page
    fig.pages += 1
    generic_ms, generic = _fastest(
        lambda: extract_article(html, url, selectors=None, tz=tz, now=now)
    )
    ms, found = _fastest(
        lambda: extract_templated(html, url, selectors=None, tz=tz, now=now, template=template)
    )
    pinned = getattr(found, "pinned", False)
    if pinned:  # times are compared on the same pages: those the template pinned
        fig.pinned += 1
        fig.pinned_ms.append(ms)
        fig.generic_ms.append(generic_ms)
    _score(
        fig, case, "generic", _result(generic if isinstance(generic, ExtractedArticle) else None)
    )
    _score(fig, case, "template", _result(getattr(found, "article", None)))
    if traf is not None and pinned:
        ms, _ = _fastest(lambda: traf(html, url, tz, now))
        fig.trafilatura_ms.append(ms)


def measure_sites(pages: Iterable[Page], traf: System | None) -> dict[str, SiteFigures]:
    by_site: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        site = site_of(page[0])
        if site:
            by_site[site].append(page)
    figures: dict[str, SiteFigures] = {}
    for site, members in sorted(by_site.items()):
        if len(members) <= MIN_PAGES:
            continue
        members.sort(key=lambda p: _number(p[0]))
        seen = [_observe(p) for p in members]
        fig = figures[site] = SiteFigures()
        for i, page in enumerate(members):
            others = [o for j, o in enumerate(seen) if j != i and o is not None]
            template = _learned(others)
            if template is None:
                fig.pages += 1  # counted, not pinned: the other pages did not agree
                continue
            _measure(fig, page, template, traf)
    return figures


def _learned(others: list[Observation]) -> Template | None:
    """As a source learns: from its first pages, one more at a time until they agree."""
    for k in range(MIN_PAGES, min(len(others), MAX_OBSERVATIONS) + 1):
        template = learn(others[:k])
        if template is not None:
            return template
    return None


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


def _mean(values: list[float] | list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "-"


def template_rows(figures: dict[str, SiteFigures]) -> list[str]:
    rows = [
        "| site | pages | pinned | generic ms | pinned ms | trafilatura ms "
        "| content F1 generic → template | title | author |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    total = SiteFigures()
    for site, fig in figures.items():
        rows.append(_row(site, fig))
        total.pages += fig.pages
        total.pinned += fig.pinned
        total.generic_ms += fig.generic_ms
        total.pinned_ms += fig.pinned_ms
        total.trafilatura_ms += fig.trafilatura_ms
        for how in ("generic", "template"):
            total.f1[how] += fig.f1[how]
            total.title[how] += fig.title[how]
            total.author[how] += fig.author[how]
    rows.append(_row("**all**", total))
    return rows


def _row(site: str, fig: SiteFigures) -> str:
    def pair(values: dict[str, Any]) -> str:
        return (
            f"{_mean(values['generic'])} → {_mean(values['template'])} (n={len(values['generic'])})"
        )

    return (
        f"| {site} | {fig.pages} | {fig.pinned} | {_median(fig.generic_ms)} | "
        f"{_median(fig.pinned_ms)} | {_median(fig.trafilatura_ms)} | {pair(fig.f1)} | "
        f"{pair(fig.title)} | {pair(fig.author)} |"
    )
