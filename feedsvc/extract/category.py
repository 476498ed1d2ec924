"""The category of an article page.

Layers, first hit wins: provider → JSON-LD ``articleSection`` → ``article:section`` →
JSON-LD BreadcrumbList → the breadcrumb (``breadcrumbs``) → ``columnname``/``catalogname`` →
the link to the article's channel page (``channels``).
"""

from __future__ import annotations

from collections.abc import Sequence

from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.breadcrumbs import crumbs_category, find_breadcrumb_category
from feedsvc.extract.channels import channel_link_category
from feedsvc.extract.fields import Candidate, candidate, first, pick

__all__ = ["resolve_category"]


def resolve_category(
    page: ArticlePage, provided: Sequence[Candidate[str]] = ()
) -> Candidate[str] | None:
    ld, meta, title = page.ld, page.meta, page.title
    return pick(
        provided,
        first(
            lambda: candidate(crumbs_category([ld.section or ""], title=None), "json-ld"),
            lambda: candidate(
                crumbs_category([meta.get("article:section") or ""], title=None), "meta"
            ),
            lambda: candidate(
                crumbs_category(ld.breadcrumbs[:-1] or ld.breadcrumbs, title=title), "json-ld"
            ),
            lambda: candidate(find_breadcrumb_category(page.root, title=title), "heuristic"),
            lambda: candidate(
                crumbs_category([meta.get("columnname", "catalogname") or ""], title=title),
                "meta",
            ),
            lambda: candidate(channel_link_category(page.root, page.url, title), "channel-link"),
        ),
    )
