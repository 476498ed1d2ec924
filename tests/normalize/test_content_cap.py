"""Stored article HTML is capped at max_content_bytes, cut at a boundary and marked."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from feedsvc.config import Settings
from feedsvc.htmlcap import NOTE_TEXT, cap_html
from feedsvc.models import ExtractedArticle, FetchResult, SourceConfig
from feedsvc.normalize import normalize_article
from feedsvc.safehtml import allowlist

URL = "https://news.example.cn/2024/big.html"
KB = 1024
MB = 1024 * KB
SOURCE = SourceConfig(id="s", name="S", urls=("https://news.example.cn/",), interval_seconds=600)
NOW = datetime(2024, 5, 18, 10, tzinfo=UTC)


def paragraphs(n: int) -> str:
    """Varied article HTML: paragraphs with links and images, lists, a table, nesting."""
    parts = []
    for i in range(n):
        parts.append(
            f"<p>第{i}段：全市地区生产总值同比增长 5.1%，"
            f'<a href="https://news.example.cn/{i}.html">相关报道 {i}</a> &amp; more text.</p>'
        )
        if i % 10 == 0:
            parts.append(
                f'<figure><img src="https://news.example.cn/{i}.jpg" alt="图{i}">'
                f"<figcaption>图 {i}</figcaption></figure>"
                f"<ul><li>要点 {i}<ul><li>细节 <b>{i}</b></li></ul></li></ul>"
                f"<table><tr><td>{i}</td><td>数据</td></tr></table>"
            )
    return "".join(parts)


def huge_page(size: int) -> str:
    one = paragraphs(100)
    return one * (size // len(one.encode()) + 1)


def assert_capped_and_marked(content: str, max_bytes: int, original: str) -> None:
    assert len(content.encode()) <= max_bytes
    assert allowlist(content) == content, "capped content is sanitized and canonical"
    root = lxml_html.fragment_fromstring(content, create_parent="div")
    note = root[-1]
    assert note.tag == "p" and (note.text or "").startswith("…")
    link = note.find("a")
    assert link is not None and link.get("href") == original and link.text == NOTE_TEXT


def test_a_five_megabyte_article_is_stored_capped_and_marked() -> None:
    raw = huge_page(5 * MB)
    assert len(raw.encode()) >= 5 * MB
    extracted = ExtractedArticle(url=URL, title="很长的文章", content_html=raw)
    fetch = FetchResult(url=URL, final_url=URL, status=200, fetched_at=NOW)
    started = time.perf_counter()
    article = normalize_article(
        extracted,
        link_url=URL,
        list_item=None,
        fetch=fetch,
        source=SOURCE,
        now=NOW,
        max_content_bytes=200 * KB,
    )
    elapsed = time.perf_counter() - started
    content = article.content_html
    assert_capped_and_marked(content, 200 * KB, URL)
    assert len(content.encode()) > 190 * KB, "the cap is used, not wasted"
    # The beginning is the article's own beginning, untouched.
    assert content.startswith(allowlist(paragraphs(3)))
    assert elapsed < 30, f"{elapsed:.1f} s"  # about 1.5 s idle; generous on a loaded machine


def test_the_default_cap_is_the_setting() -> None:
    assert Settings().max_content_bytes == 200 * KB
    raw = huge_page(1 * MB)
    extracted = ExtractedArticle(url=URL, title="t", content_html=raw)
    article = normalize_article(
        extracted, link_url=URL, list_item=None, fetch=None, source=SOURCE, now=NOW
    )
    assert_capped_and_marked(article.content_html, Settings().max_content_bytes, URL)


def test_content_under_the_cap_is_untouched() -> None:
    html = allowlist(paragraphs(20))
    assert cap_html(html, len(html.encode()), URL) == html


def test_one_long_paragraph_is_cut_inside_its_text_at_a_space() -> None:
    html = "<p>" + " ".join(f"word{i}" for i in range(20000)) + "</p>"
    capped = cap_html(html, 4 * KB, URL)
    assert_capped_and_marked(capped, 4 * KB, URL)
    first = lxml_html.fragment_fromstring(capped, create_parent="div")[0]
    text = first.text or ""
    assert len(text) > 3 * KB and text.split()[-1].startswith("word")
    assert text.split()[-1] in html.split(), "no word is split"


def test_a_cut_inside_nested_elements_closes_every_one_of_them() -> None:
    html = "<div>" * 30 + "<ul>" + "<li>项目 <b>粗体</b> text</li>" * 2000 + "</ul>" + "</div>" * 30
    capped = cap_html(allowlist(html), 8 * KB, URL)
    assert_capped_and_marked(capped, 8 * KB, URL)
    assert capped.count("<div>") == capped.count("</div>") == 30
    assert capped.count("<li>") == capped.count("</li>") > 100


def test_a_cap_smaller_than_the_note_keeps_nothing() -> None:
    assert cap_html(paragraphs(50), 40, URL) == ""


@settings(max_examples=60, deadline=None, database=None)
@given(
    blocks=st.lists(
        st.sampled_from(
            [
                "<p>段落 &amp; text</p>",
                '<p><a href="https://a.example/x">链接</a> tail &lt;</p>',
                '<img src="https://a.example/i.jpg" alt="i">',
                "<ul><li>一<ul><li>二 <i>三</i></li></ul></li></ul>",
                "<blockquote><p>引用</p></blockquote>",
                "plain text between blocks ",
                "<table><tr><td>1</td><td>2</td></tr></table>",
                "<br>",
            ]
        ),
        min_size=1,
        max_size=80,
    ),
    max_bytes=st.integers(min_value=300, max_value=6000),
)
def test_any_cut_is_within_the_cap_sanitized_and_marked(blocks: list[str], max_bytes: int) -> None:
    html = allowlist("".join(blocks))
    capped = cap_html(html, max_bytes, URL)
    if len(html.encode()) <= max_bytes:
        assert capped == html
    else:
        assert_capped_and_marked(capped, max_bytes, URL)
