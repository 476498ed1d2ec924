"""``StoredArticle`` values for feed and web tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from feedsvc.models import StoredArticle

BASE_TIME = datetime(2024, 5, 18, 2, 20, tzinfo=UTC)


def make_article(n: int, **overrides: Any) -> StoredArticle:
    """Article ``n``, published ``n`` hours after BASE_TIME (so higher n is newer)."""
    published = BASE_TIME + timedelta(hours=n)
    values: dict[str, Any] = {
        "entry_id": f"urn:uuid:00000000-0000-5000-8000-{n:012d}",
        "canonical_url": f"https://news.example.cn/caijing/2024/{n}.html",
        "source_id": "weifang-caijing",
        "source_name": "潍坊广电 · 财经",
        "title": f"潍坊市第{n}季度经济运行情况新闻发布会",
        "published": published,
        "updated": published,
        "first_seen": published,
        "author": None,
        "category": "财经",
        "content_html": f"<p>第{n}篇：全市地区生产总值同比增长 5.1%。</p>",
        "summary": f"第{n}篇摘要",
        "image": f"https://news.example.cn/images/{n}.jpg",
        "language": "zh-CN",
    }
    values.update(overrides)
    return StoredArticle(**values)
