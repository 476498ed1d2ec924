"""sanitize_html, html_to_text, summarize, strip_xml_illegal and content_hash."""

# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import pytest
from lxml import etree

from feedsvc.normalize import (
    content_hash,
    cut_at_space,
    html_to_text,
    sanitize_html,
    strip_xml_illegal,
    summarize,
)

BASE = "https://example.cn/news/2023/0518/page.html"

# (case id, input HTML, fragments that must appear, fragments that must not)
SANITIZE_CASES: list[tuple[str, str, list[str], list[str]]] = [
    ("script removed with content", "<p>a</p><script>alert(1)</script><p>b</p>", ["<p>a</p>", "<p>b</p>"], ["script", "alert"]),
    ("style removed with content", "<style>p{color:red}</style><p>x</p>", ["<p>x</p>"], ["style", "color"]),
    ("iframe removed", '<p>x</p><iframe src="https://evil.example/">fallback</iframe>', ["<p>x</p>"], ["iframe", "evil", "fallback"]),
    ("object/embed removed", '<object data="x.swf"><embed src="x.swf"></object><p>y</p>', ["<p>y</p>"], ["object", "embed", "swf"]),
    ("event handlers removed", '<p onclick="steal()">x</p><img src="/a.png" onload="steal()" onerror="steal()">', ["<p>x</p>", '<img src="https://example.cn/a.png">'], ["steal", "onload", "onclick"]),
    ("javascript link neutralised", '<a href="javascript:alert(1)">x</a>', ["x</a>"], ["javascript", "alert"]),
    ("javascript with spaces and case", '<a href=" JaVaScRiPt:alert(1)">x</a>', ["x</a>"], ["alert"]),
    ("data: image dropped", '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="a">', ['alt="a"'], ["data:"]),
    ("style attribute dropped", '<p style="position:fixed">x</p>', ["<p>x</p>"], ["position"]),
    ("form unwrapped, widgets dropped", '<form action="/post"><p>正文</p><input name="q"><button>提交</button><textarea>t</textarea></form>', ["<p>正文</p>"], ["form", "input", "提交", "textarea"]),
    ("relative link absolute", '<a href="other.html">o</a>', ['href="https://example.cn/news/2023/0518/other.html"'], []),
    ("dot-dot path absolute", '<a href="../../2022/old.html">o</a><img src="../img/p.jpg">', ['href="https://example.cn/news/2022/old.html"', 'src="https://example.cn/news/2023/img/p.jpg"'], []),
    ("root-relative absolute", '<img src="/uploads/a.jpg">', ['src="https://example.cn/uploads/a.jpg"'], []),
    ("protocol-relative absolute", '<img src="//cdn.example.cn/a.jpg">', ['src="https://cdn.example.cn/a.jpg"'], []),
    ("links get rel", '<a href="https://x.example/">x</a>', ['rel="noopener noreferrer"'], []),
    ("mailto kept", '<a href="mailto:editor@example.cn">mail</a>', ['href="mailto:editor@example.cn"'], []),
    ("lazy data-src promoted", '<img data-src="/real.jpg" src="/images/blank.gif">', ['src="https://example.cn/real.jpg"'], ["blank.gif", "data-src"]),
    ("lazy data-original promoted", '<img data-original="pics/1.jpg">', ['src="https://example.cn/news/2023/0518/pics/1.jpg"'], ["data-original"]),
    ("real src kept over lazy", '<img src="/real.jpg" data-src="/other.jpg">', ['src="https://example.cn/real.jpg"'], ["other.jpg"]),
    ("tables kept", '<table border="1"><tr><th colspan="2">h</th></tr><tr><td rowspan="2" class="c">d</td></tr></table>', ["<table>", '<th colspan="2">h</th>', '<td rowspan="2">d</td>'], ["border", "class"]),
    ("headings and lists kept", "<h1>t</h1><h2>s</h2><ul><li>a</li></ul><blockquote>q</blockquote>", ["<h2>s</h2>", "<ul><li>a</li></ul>", "<blockquote>q</blockquote>"], ["<h1>"]),
    ("empty paragraphs dropped", "<p>a</p><p>&nbsp;</p><p> \u3000 </p><p><br></p><p><img src='/x.png'></p>", ["<p>a</p>", '<p><img src="https://example.cn/x.png"></p>'], ["&nbsp;", "<br>", "\u3000"]),
    ("control characters removed", "<p>a\x00b\x08c\x0bd\x1fe\ufffef\uffff</p>", ["<p>abcdef</p>"], []),
    ("comments removed", "<p>a<!-- secret --></p>", ["<p>a</p>"], ["secret"]),
    ("font unwrapped", '<p><font color="red">红色</font></p>', ["<p>红色</p>"], ["font", "color"]),
    ("img dimensions kept", '<img src="/a.png" width="640" height="480" alt="图">', ['width="640"', 'height="480"', 'alt="图"'], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("html", "present", "absent"),
    [c[1:] for c in SANITIZE_CASES],
    ids=[c[0] for c in SANITIZE_CASES],
)
def test_sanitize_html(html: str, present: list[str], absent: list[str]) -> None:
    out = sanitize_html(html, BASE)
    for fragment in present:
        assert fragment in out, (fragment, out)
    for fragment in absent:
        assert fragment.lower() not in out.lower(), (fragment, out)
    # The output is XML-safe and parses as HTML again.
    assert strip_xml_illegal(out) == out
    assert sanitize_html(out, BASE) == out  # stable: sanitizing twice changes nothing


def test_sanitize_output_is_embeddable_in_xml() -> None:
    out = sanitize_html("<p>Tom &amp; Jerry \x01\x1b <b>5 &lt; 6</b>\ufffe</p>", BASE)
    entry = etree.Element("content")
    entry.text = out  # lxml raises ValueError on XML-illegal characters
    again = etree.fromstring(etree.tostring(entry))
    assert again.text == out
    assert "Tom &amp; Jerry" in out


def test_sanitize_empty_input() -> None:
    assert sanitize_html("", BASE) == ""
    assert sanitize_html("   ", BASE) == ""
    assert sanitize_html("<script>x</script>", BASE) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b", "ab"),
        ("tab\tnl\ncr\r", "tab\tnl\ncr\r"),
        ("\x0b\x0c\x1f", ""),
        ("bad\ud800surrogate", "badsurrogate"),
        ("\ufffe\uffff中文", "中文"),
        ("emoji 😀 ok", "emoji 😀 ok"),
    ],
)
def test_strip_xml_illegal(text: str, expected: str) -> None:
    assert strip_xml_illegal(text) == expected


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>end</p><p>Start</p>", "end Start"),
        ("<p>a<br>b</p>", "a b"),
        ("<div>  lots \n\n of   space </div>", "lots of space"),
        ("<p>正文</p><script>var x</script><style>p{}</style>", "正文"),
        ("<p>&amp; &lt;tag&gt; &nbsp;x</p>", "& <tag> x"),
        ("", ""),
        ("plain text", "plain text"),
        ("<ul><li>one</li><li>two</li></ul>", "one two"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_summarize_short_text_untouched() -> None:
    assert summarize("  short   text ") == "short text"


def test_summarize_cuts_at_chinese_sentence_end() -> None:
    text = "今年以来,我市把新经济新产业作为工作的总抓手。" * 20
    out = summarize(text, 100)
    assert len(out) <= 100
    assert out.endswith("。")
    assert text.startswith(out)


def test_summarize_cuts_at_english_sentence_end() -> None:
    text = "The city signed 300 projects this quarter. " * 10
    out = summarize(text, 120)
    assert out.endswith("quarter.")
    assert len(out) <= 120


def test_summarize_word_boundary_with_ellipsis() -> None:
    text = "word " * 100
    out = summarize(text, 50)
    assert out.endswith("word…")
    assert len(out) <= 50


def test_summarize_hard_cut_without_breaks() -> None:
    text = "字" * 300
    out = summarize(text, 200)
    assert out == "字" * 199 + "…"


def test_cut_at_space_keeps_short_text_and_cuts_long_text_at_a_late_space() -> None:
    assert cut_at_space("short text", 20) == "short text"
    # A space in the final 30% ends the cut; an earlier one does not: a hard cut.
    assert cut_at_space("aaaaaaaaaaaaaaaaa bbbbbb", 20) == "aaaaaaaaaaaaaaaaa…"
    assert cut_at_space("aaaaaaaa bbbbbbbbbbbb", 20) == "aaaaaaaa bbbbbbbbbbb…"
    assert cut_at_space("字" * 30, 20) == "字" * 20 + "…"


def test_summarize_does_not_cut_at_decimal_point() -> None:
    text = "Growth was 3.5 percent " + "and more words " * 30
    out = summarize(text, 60)
    assert out.endswith("…")
    assert "3.5" in out


BASE_HTML = '<p class="a" id="b">潍坊 signed <b>300</b> projects.</p><img src="https://img.example.cn/1.jpg?token=abc" alt="x">'

SAME_HASH = [
    ("whitespace", '<p class="a" id="b">潍坊   signed\n<b>300</b>  projects.</p><img src="https://img.example.cn/1.jpg?token=abc" alt="x">'),
    ("attribute order", '<p id="b" class="a">潍坊 signed <b>300</b> projects.</p><img alt="x" src="https://img.example.cn/1.jpg?token=abc">'),
    ("markup only", '<div><p>潍坊 signed <strong>300</strong> projects.</p></div><img src="https://img.example.cn/1.jpg?token=abc">'),
    ("rotating image token", '<p class="a" id="b">潍坊 signed <b>300</b> projects.</p><img src="https://img.example.cn/1.jpg?token=xyz" alt="x">'),
    ("full-width punctuation", '<p>潍坊 signed <b>３００</b> projects．</p><img src="https://img.example.cn/1.jpg">'),
]  # fmt: skip
DIFFERENT_HASH = [
    ("word changed", '<p>潍坊 signed <b>301</b> projects.</p><img src="https://img.example.cn/1.jpg?token=abc">'),
    ("text added", '<p>潍坊 signed <b>300</b> projects.</p><p>更正</p><img src="https://img.example.cn/1.jpg?token=abc">'),
    ("image replaced", '<p>潍坊 signed <b>300</b> projects.</p><img src="https://img.example.cn/2.jpg?token=abc">'),
    ("image removed", '<p>潍坊 signed <b>300</b> projects.</p>'),
]  # fmt: skip


@pytest.mark.parametrize("html", [c[1] for c in SAME_HASH], ids=[c[0] for c in SAME_HASH])
def test_content_hash_ignores_cosmetic_changes(html: str) -> None:
    assert content_hash("标题", html) == content_hash("标题", BASE_HTML)


@pytest.mark.parametrize("html", [c[1] for c in DIFFERENT_HASH], ids=[c[0] for c in DIFFERENT_HASH])
def test_content_hash_sees_real_edits(html: str) -> None:
    assert content_hash("标题", html) != content_hash("标题", BASE_HTML)


def test_content_hash_includes_title() -> None:
    assert content_hash("标题", BASE_HTML) != content_hash("新标题", BASE_HTML)
    assert content_hash(" 标题  ", BASE_HTML) == content_hash("标题", BASE_HTML)
    assert len(content_hash("t", "")) == 64
