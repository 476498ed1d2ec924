"""What the admin API needs from the store, and nothing more (``Store`` satisfies it)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Protocol

from feedsvc.adminmodels import AdminSource, ArticleFilter, ArticleSummary, SourceChange
from feedsvc.models import FeedInfo, FeedKey, FetchRun, SourceConfig, StoredArticle
from feedsvc.store.templates import TemplateState

# Runs one refresh of the source now, through the scheduler's code; False when another
# process holds its lease. None on the context: this process has no scheduler.
RefreshNow = Callable[[str], Coroutine[Any, Any, bool]]


class AdminStore(Protocol):
    async def admin_sources(self, source_id: str | None = None) -> list[AdminSource]: ...

    async def create_source(
        self, config: SourceConfig, *, enabled: bool, actor: str, now: datetime
    ) -> None: ...

    async def change_source(self, source_id: str, change: SourceChange) -> None: ...

    async def recent_runs(self, source_id: str, limit: int = 20) -> list[FetchRun]: ...

    async def template_state(self, source_id: str) -> TemplateState | None: ...

    async def list_articles(self, query: ArticleFilter) -> list[ArticleSummary]: ...

    # The console's feed view reads a feed as the public routes do (web.reader.FeedReader).
    async def feed_info(self, key: FeedKey) -> FeedInfo | None: ...

    async def feed_entries(self, key: FeedKey, limit: int) -> list[StoredArticle]: ...

    async def set_article_hidden(
        self, article_id: str, hidden: bool, *, actor: str, now: datetime
    ) -> ArticleSummary: ...
