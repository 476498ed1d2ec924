"""Extraction with a source's template: pinned when it matches, observed when it does not.

:func:`extract_templated` is what the refresh runs per article page (in the extraction
processes: its arguments and result are plain, picklable records). With a template it
pins it (``pinned.TemplateProvider``); when there is none, or the page drifted from it,
the generic layers extract the page and it leaves an ``Observation`` for learning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from feedsvc.extract.article import extract_article
from feedsvc.extract.pinned import TemplateProvider
from feedsvc.extract.template import Template
from feedsvc.extract.templatelearn import Observation, observe
from feedsvc.models import ExtractedArticle, Selectors

__all__ = ["TemplatedExtraction", "extract_templated"]


@dataclass(frozen=True)
class TemplatedExtraction:
    article: ExtractedArticle
    pinned: bool = False
    drift: str | None = None  # why the template did not match this page
    observation: Observation | None = None


def extract_templated(
    html: str,
    page_url: str,
    *,
    selectors: Selectors | None,
    tz: tzinfo,
    now: datetime,
    template: Template | None,
) -> TemplatedExtraction:
    """The article, pinned by ``template`` when it matches; else generic, observed."""
    provider = TemplateProvider(template) if template is not None else None
    article = extract_article(
        html,
        page_url,
        selectors=selectors,
        tz=tz,
        now=now,
        providers=(provider,) if provider else (),
    )
    if provider is not None and provider.pinned:
        return TemplatedExtraction(article, pinned=True)
    seen = observe(html, page_url, article.title, article.content_html, article.category)
    return TemplatedExtraction(
        article, drift=provider.drift if provider else None, observation=seen
    )
