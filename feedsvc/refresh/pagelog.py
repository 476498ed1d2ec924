"""``PageLog``: every page one refresh fetches, with the HTTP status it answered, for the
run's history (``FetchRun.pages``, the admin API's RUN ``pages``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from feedsvc.errors import FetchError, HTTPStatusError
from feedsvc.fetch import Fetcher
from feedsvc.models import FetchResult, PageFetch, PageValidators

PageKind = Literal["list", "article"]


@dataclass
class PageLog:
    fetcher: Fetcher
    pages: list[PageFetch] = field(default_factory=list)

    async def fetch(
        self,
        kind: PageKind,
        url: str,
        *,
        validators: PageValidators | None,
        allow_private: bool,
        encoding: str | None,
    ) -> FetchResult:
        """``Fetcher.fetch``, recording the page's status (or why no status came)."""
        try:
            result = await self.fetcher.fetch(
                url, validators=validators, allow_private=allow_private, encoding=encoding
            )
        except HTTPStatusError as exc:
            self.pages.append(PageFetch(url, exc.status, kind, exc.reason))
            raise
        except FetchError as exc:
            self.pages.append(PageFetch(url, None, kind, f"{type(exc).__name__}: {exc.reason}"))
            raise
        self.pages.append(PageFetch(url, result.status, kind))
        return result
