"""Automatic list detection over the real list pages in ../shared/corpus/lists (skipped when
absent). Recall is asserted where the corpus knows the links (gne-163-1); the gerapy counts
are another tool's output, printed beside ours for comparison only (``pytest -m corpus -s``).
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from feedsvc.extract import detect_list, guess_page_url
from feedsvc.extract.dom import parse_html
from feedsvc.fetch import decode_html

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "lists"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
RECALL_TARGET = 0.9

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}"),
]


def _cases() -> list[tuple[dict[str, Any], str]]:
    out = []
    for json_path in sorted(CORPUS.glob("*.json")):
        case = json.loads(json_path.read_text(encoding="utf-8"))
        text = decode_html(json_path.with_suffix(".html").read_bytes(), None).text
        out.append((case, text))
    return out


def test_list_detection_on_corpus_pages() -> None:
    timings: list[float] = []
    recalls: list[float] = []
    for case, text in _cases():
        # Pages saved without their address: guess it as `feedsvc check FILE` does.
        url = case["url"] or guess_page_url(parse_html(text)) or "http://localhost/"
        t0 = time.perf_counter()
        found = detect_list(text, url, tz=SHANGHAI, now=NOW)
        timings.append(time.perf_counter() - t0)
        items = found.winner.items if found.winner else ()
        line = f"{case['case']:40} ours {len(items):4}"
        if case["expected_count"] is not None:
            line += f"  gerapy {case['expected_count']:4}"
        if case["expected_links"]:
            got = {i.url for i in items}
            recall = sum(u in got for u in case["expected_links"]) / len(case["expected_links"])
            recalls.append(recall)
            line += f"  recall {recall:.3f}"
        print(line + f"  {timings[-1] * 1000:6.1f} ms  {found.winner.rule if found.winner else ''}")
    print(f"median {statistics.median(timings) * 1000:.1f} ms over {len(timings)} pages")
    assert recalls, "the corpus should hold at least one list with known links"
    assert min(recalls) >= RECALL_TARGET
