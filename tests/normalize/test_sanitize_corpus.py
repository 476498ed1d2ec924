"""Safety invariants of sanitize_html over real pages (optional: needs ../shared/corpus).

Whole pages are fed in, the worst case: whatever extraction hands over is a subset.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from feedsvc.normalize import html_to_text, sanitize_html

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "articles"
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present"),
]


def pages() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*/*") if p.name.endswith((".html", ".html.gz")))


def decoded(page: Path) -> str:
    raw = page.read_bytes()
    if page.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    meta = json.loads(page.with_name(page.name.split(".html")[0] + ".json").read_text("utf-8"))
    encoding = meta.get("actual_encoding") or "utf-8"
    text = raw.decode("gb18030" if encoding in ("gbk", "gb2312") else encoding, errors="replace")
    # One dataset wraps pages in <text …>, a name html5ever treats as SVG: not page markup.
    return re.sub(r"^\s*<text\b[^>]*>|</text>\s*$", "", text)


@pytest.mark.parametrize(
    "dataset", ["chinese-web-content-extraction", "gne", "magic-html-benchmark", "readability"]
)
def test_sanitized_real_pages_are_safe(dataset: str) -> None:
    checked = 0
    for page in (p for p in pages() if p.parent.name == dataset):
        out = sanitize_html(decoded(page), f"https://corpus.example/{dataset}/{page.name}")
        assert not re.search(r"<(script|style|iframe|object|embed|form|input)\b", out, re.I), page
        assert not re.search(r"<[a-z][^>]*\son\w+\s*=", out, re.I), page
        root = lxml_html.fragment_fromstring(out or "<p></p>", create_parent="div")
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                assert value is None or value.startswith(ALLOWED_SCHEMES), (page, value)
            assert "style" not in element.attrib, page
        holder = etree.Element("content")
        holder.text = out  # raises on XML-illegal characters
        assert html_to_text(out) or not html_to_text(decoded(page)), page
        checked += 1
    assert checked > 0
