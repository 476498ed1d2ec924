"""bench/extraction.py splits its scores into development and held-out pages, always reports
the English set, and extracts with default settings (no timezone configured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench_modules import load_bench

bench = load_bench("extraction")
split = load_bench("extraction_split")
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

_ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p class="meta">{dateline}</p>
<p>{body}</p><p>{body}</p><p>{body}</p></article></body></html>"""


def _page(
    root: Path, dataset: str, case: str, *, title: str, truth_title: str | None, **extra: Any
) -> None:
    folder = root / "articles" / dataset
    folder.mkdir(parents=True, exist_ok=True)
    html = _ARTICLE.format(
        title=title,
        dateline=extra.pop("dateline", ""),
        body=extra.pop("body", "A paragraph long enough to be the body of this page, surely."),
    )
    (folder / f"{case}.html").write_text(html, encoding="utf-8")
    truth = {
        "dataset": dataset,
        "case": case,
        "url": None,
        "lang": extra.pop("lang", "en"),
        "declared_charset": None,
        "actual_encoding": "utf-8",
        "title": truth_title,
        "author": None,
        "published": extra.pop("published", None),
        "content_text": None,
        "ground_truth_quality": "human",
    }
    (folder / f"{case}.json").write_text(json.dumps(truth), encoding="utf-8")


def _figures(run: Any) -> dict[tuple[str, str, str], dict[str, list[float]]]:
    figures: dict[tuple[str, str, str], dict[str, list[float]]] = bench.split_figures(run)
    return figures


def test_development_and_held_out_pages_are_scored_apart(tmp_path: Path) -> None:
    _page(tmp_path, "readability", "seen", title="Harbour Opens", truth_title="Harbour Opens")
    _page(tmp_path, "readability", "unseen", title="Bridge Closes", truth_title="Other Title")
    run = bench.score_articles(tmp_path, None, ["feedsvc"], frozenset({"readability/seen"}))
    figures = _figures(run)
    assert figures[("readability", "feedsvc", "development")]["title"] == [1.0]
    assert figures[("readability", "feedsvc", "held-out")]["title"] == [0.0]
    rows = split.split_rows(figures, [("title", True)])
    assert "| readability | feedsvc | title | 1.00 (1/1) | 0.00 (0/1) | +1.000 |" in rows
    assert bench.split_counts(run) == "readability 1/1"


def test_english_set_is_in_every_report(tmp_path: Path) -> None:
    _page(tmp_path, "readability", "a", title="Harbour Opens", truth_title="Harbour Opens")
    _page(tmp_path, "gne", "b", title="港口开放", truth_title="港口开放", lang="zh")
    _page(tmp_path, "other", "c", title="Elsewhere", truth_title="Elsewhere")
    run = bench.score_articles(tmp_path, "gne", ["feedsvc"])
    assert sorted(dataset for dataset, _quality in run.table) == ["gne", "readability"]


def test_chinese_naive_times_are_read_in_shanghai_with_default_settings(tmp_path: Path) -> None:
    _page(
        tmp_path,
        "gne",
        "dated",
        title="港口今日正式开放运营",
        truth_title=None,
        lang="zh",
        dateline="发布时间：2019-03-05 09:30 来源：本报",
        body="港口今日正式开放运营，首批货轮顺利靠泊，市民纷纷前来参观，场面十分热闹。" * 2,
        published="2019-03-05 09:30",
    )
    default = bench.score_articles(tmp_path, None, ["feedsvc"])
    assert default.zones == {("gne", "Asia/Shanghai"): 1}
    scores = default.table[("gne", "human")]["feedsvc"]
    assert (scores.published_day, scores.published_minute) == ([True], [True])
    # The same page read as UTC is 8 hours off: same day here, never the same minute.
    utc = bench.score_articles(tmp_path, None, ["feedsvc"], setting_zone="UTC")
    assert utc.table[("gne", "human")]["feedsvc"].published_minute == [False]


def test_development_file_lists_page_ids(tmp_path: Path) -> None:
    listed = tmp_path / "dev.txt"
    listed.write_text("# header\n\nreadability/a  # named in docs\ngne/b\n", encoding="utf-8")
    assert split.load_development(listed) == {"readability/a", "gne/b"}
    listed.write_text("readability/a\njust-a-case\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dev\.txt:2: expected 'dataset/case'"):
        split.load_development(listed)


def test_committed_development_file_names_corpus_pages() -> None:
    ids = split.load_development()
    assert ids and all(i.split("/")[0] in bench.KNOWN_DATASETS for i in ids)
    if CORPUS.is_dir():
        missing = [i for i in ids if not (CORPUS / "articles" / f"{i}.json").is_file()]
        assert missing == []


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
@pytest.mark.timeout(300)
def test_split_report_runs_on_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--systems", "feedsvc", "--only", "magic-html-benchmark"]) == 0
    out = capsys.readouterr().out
    assert "### Development and held-out pages" in out
    assert "| readability | feedsvc | title |" in out  # the English set, always
    assert "| magic-html-benchmark | feedsvc | content F1 | - |" in out  # none named
    assert "timezone setting 'auto'" in out
