"""Invisible format characters in single-line text: bidi controls and zero-width marks.

A title with U+202E (RIGHT-TO-LEFT OVERRIDE) shows reversed text in every reader
("Trojan Source" style spoofing); zero-width characters hide words from search and
dedup. ``clean_text`` (normalize's one text cleaner) removes them; a ZERO WIDTH JOINER
between two emoji stays, since it is what makes 👨‍👩‍👧 one family emoji.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.models import ExtractedArticle, SourceConfig
from feedsvc.normalize import clean_text, normalize_article

BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", BIDI + ZERO_WIDTH, ids=lambda c: f"U+{ord(c):04X}")
def test_clean_text_removes_invisible_format_characters(char: str) -> None:
    assert clean_text(f"{char}潍坊{char}经济 news{char}") == "潍坊经济 news"


def test_override_spoofing_is_undone() -> None:
    # Rendered, "\u202egpj.exe" reads as "exe.jpg".
    assert clean_text("invoice\u202egpj.exe") == "invoiceg" + "pj.exe"


def test_a_title_of_only_invisible_characters_is_no_title() -> None:
    assert clean_text("\u200b\u202e\ufeff ") is None


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag (VS16 before the joiner)
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # technologist, skin tone before the joiner
        "\u2764\ufe0f\u200d\U0001f525",  # heart on fire
    ],
)
def test_zero_width_joiner_inside_an_emoji_sequence_stays(emoji: str) -> None:
    assert clean_text(f"家庭 {emoji} 日") == f"家庭 {emoji} 日"


def test_zero_width_joiner_outside_emoji_goes() -> None:
    assert (
        clean_text("a\u200db \U0001f468\u200d 日\u200d\U0001f469") == "ab \U0001f468 日\U0001f469"
    )


def test_normalize_article_strips_them_from_every_single_line_field() -> None:
    source = SourceConfig(
        id="s",
        name="S",
        urls=("https://news.example.cn/",),
        interval_seconds=600,
    )
    now = datetime(2024, 5, 18, tzinfo=UTC)
    extracted = ExtractedArticle(
        url="https://news.example.cn/a.html",
        title="\u202e标题\u200b",
        author="\u2066记者\u2069",
        editor="\ufeff编辑",
        category="\u202d财经\u2060",
        summary="摘要\u200b",
        content_html="<p>正文</p>",
    )
    article = normalize_article(
        extracted,
        link_url=extracted.url,
        list_item=None,
        fetch=None,
        source=source,
        now=now,
    )
    assert (article.title, article.author, article.editor, article.category) == (
        "标题",
        "记者",
        "编辑",
        "财经",
    )
    assert article.summary == "摘要"
