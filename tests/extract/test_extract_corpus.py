"""extract_article over the real-page corpus in ../shared/corpus (skipped when absent).

Asserts only that nothing but ExtractError escapes; prints match rates per dataset so
changes to the extractors can be compared (``pytest -m corpus -s``).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from feedsvc.errors import ExtractError
from feedsvc.extract import extract_article, parse_datetime
from feedsvc.models import ExtractedArticle
from feedsvc.normalize.text import html_to_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.U)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}"),
]


def _cases() -> Iterator[tuple[dict[str, Any], bytes]]:
    for json_path in sorted((CORPUS / "articles").rglob("*.json")):
        stem = json_path.name[: -len(".json")]
        plain = json_path.with_name(stem + ".html")
        packed = json_path.with_name(stem + ".html.gz")
        raw = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
        yield json.loads(json_path.read_text(encoding="utf-8")), raw


def _norm(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


def _tokens(text: str) -> Counter[str]:
    """CJK characters one by one, other scripts by word: a character-F1 for Chinese that
    does not flatter English."""
    return Counter(t.lower() for t in _TOKEN.findall(text))


def char_f1(expected: str, got: str) -> float:
    e, g = _tokens(expected), _tokens(got)
    common = sum((e & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)


def _same_day(expected: str, got: ExtractedArticle, tz: tzinfo) -> bool:
    if got.published is None:
        return False
    truth = parse_datetime(expected, tz=tz, now=NOW)
    if truth is None:
        # Partial truths ("2018", "1998-3"): compare what they give.
        m = re.match(r"(\d{4})(?:\D(\d{1,2}))?", expected)
        if not m:
            return False
        same_year = got.published.year == int(m[1])
        return same_year and (m[2] is None or got.published.month == int(m[2]))
    value = got.published
    if expected.rstrip().endswith(("Z", "z")) or re.search(r"[+-]\d{2}:?\d{2}$", expected):
        value = value.astimezone(truth.value.tzinfo)
    return value.date() == truth.value.date()


def _author_match(expected: str, got: str | None) -> bool:
    if not got:
        return False
    e, g = _norm(expected), _norm(re.sub(r"^(?:by|作者|记者)\s*", "", got, flags=re.I))
    return bool(e) and (e == g or (len(g) >= 2 and (g in e or e in g)))


def run_corpus() -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(list))
    for case, raw in _cases():
        dataset = f"{case['dataset']}/{case['ground_truth_quality']}"
        html = raw.decode(case["actual_encoding"] or "utf-8", errors="replace")
        url = case["url"] or "http://fakehost/test/page.html"
        tz = SHANGHAI if case["lang"] and case["lang"].startswith("zh") else UTC
        s = stats[dataset]
        start = time.perf_counter()
        try:
            got = extract_article(html, url, selectors=None, tz=tz, now=NOW)
        except ExtractError:
            s["errors"].append(case["case"])
            continue
        finally:
            s["seconds"].append(time.perf_counter() - start)
        if case["title"]:
            s["title"].append(_norm(case["title"]) == _norm(got.title or ""))
        if case["published"]:
            s["published"].append(_same_day(case["published"], got, tz))
        if case["author"]:
            s["author"].append(_author_match(case["author"], got.author))
        if case["content_text"]:
            s["f1"].append(char_f1(case["content_text"], html_to_text(got.content_html or "")))
    return stats


def _rate(values: list[bool]) -> str:
    return f"{sum(values)}/{len(values)} ({sum(values) / len(values):.0%})" if values else "-"


def report(stats: dict[str, dict[str, Any]]) -> str:
    lines = []
    all_seconds: list[float] = []
    for dataset, s in sorted(stats.items()):
        all_seconds += s["seconds"]
        f1 = f"{statistics.mean(s['f1']):.3f}" if s["f1"] else "-"
        med = statistics.median(s["seconds"]) * 1000 if s["seconds"] else 0.0
        lines.append(
            f"{dataset:45} pages={len(s['seconds']):3} title={_rate(s['title'])} "
            f"published-day={_rate(s['published'])} author={_rate(s['author'])} "
            f"content-F1={f1} median={med:.1f}ms errors={len(s['errors'])}"
        )
    if all_seconds:
        lines.append(f"median time per page: {statistics.median(all_seconds) * 1000:.1f} ms")
    return "\n".join(lines)


def test_corpus_articles_extract_without_crashing() -> None:
    stats = run_corpus()
    print("\n" + report(stats))
    assert sum(len(s["seconds"]) for s in stats.values()) > 0


if __name__ == "__main__":
    print(report(run_corpus()))
