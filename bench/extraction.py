"""Extraction benchmark over the real-page corpus (../shared/corpus), with baselines.

    .venv/bin/python bench/extraction.py [--corpus DIR] [--only DATASET] [--failures FIELD]

Every article page is decoded by feedsvc's own ``decode_html`` (decoding is part of the job)
and the same text is given to feedsvc's ``extract_article``, trafilatura and readability-lxml,
in this process. Page times without a zone are read in the zone feedsvc picks with default
settings (``timezone: auto``: extract/zone.py's evidence), as a fresh install would.
Scores are reported per dataset and ground-truth quality, never pooled across human and
tool-output truth, and split into development and held-out pages (extraction_split.py).
The English set (``readability``) is in every report. See docs/extraction.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
from extraction_report import (
    SPLIT_FIELDS,
    Run,
    Scores,
    article_table,
    overall_timing,
    published_table,
    second_readings,
    split_counts,
    split_figures,
)
from extraction_scoring import (
    SHANGHAI,
    Result,
    author_in_byline,
    author_match,
    published_match,
    title_headline_match,
    title_match,
    token_f1,
    truth_has_day,
    truth_has_time,
)
from extraction_split import DEVELOPMENT_FILE, load_development, split_of, split_rows
from extraction_template import REPEAT, Page, measure_sites, site_of, template_rows
from lxml import etree

from feedsvc.config import Settings
from feedsvc.errors import ExtractError
from feedsvc.extract import extract_article, extract_list, guess_page_url
from feedsvc.extract.templatelearn import MIN_PAGES
from feedsvc.extract.zone import choose_zone
from feedsvc.fetch.charset import decode_html
from feedsvc.normalize.text import html_to_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NOW = datetime(2025, 1, 1, tzinfo=UTC)  # after every corpus page, so nothing is "future"
# The moment each dataset's pages were saved is not recorded; relative and year-less dates
# ("昨天", "09月07日") resolve against it, so each dataset gets the day after its newest
# published truth (GNE's pages were saved in September 2019, not in 2025).
DATASET_NOW = {
    "gne": datetime(2019, 9, 10, tzinfo=UTC),
    "chinese-web-content-extraction": datetime(2022, 2, 14, tzinfo=UTC),
}
FAKE_URL = "http://fakehost/test/page.html"  # what readability's own tests resolve against
ENGLISH = "readability"  # the English and European set, in every report
KNOWN_DATASETS = ("chinese-web-content-extraction", "gne", "magic-html-benchmark", ENGLISH)


# --- corpus -------------------------------------------------------------------------------


def _page_bytes(json_path: Path) -> bytes:
    stem = json_path.name[: -len(".json")]
    plain, packed = json_path.with_name(stem + ".html"), json_path.with_name(stem + ".html.gz")
    return plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())


def iter_cases(corpus: Path, kind: str) -> Iterator[tuple[dict[str, Any], bytes]]:
    for json_path in sorted((corpus / kind).rglob("*.json")):
        yield json.loads(json_path.read_text(encoding="utf-8")), _page_bytes(json_path)


def _true_text(raw: bytes, encoding: str | None) -> str:
    """The page as a browser shows it: GB2312/GBK read as GB18030 (the WHATWG mapping, which
    differs from Python's gb2312 codec for a few punctuation marks such as ― and ・), no BOM."""
    codec = "gb18030" if encoding in ("gb2312", "gbk") else encoding or "utf-8"
    return raw.removeprefix(b"\xef\xbb\xbf").decode(codec, errors="replace")


def zone_for(case: dict[str, Any]) -> tzinfo:
    """Chinese datasets write naive China time; the others are scored in their own offset."""
    return SHANGHAI if (case.get("lang") or "").startswith("zh") else UTC


# --- the systems --------------------------------------------------------------------------


def now_for(case: dict[str, Any]) -> datetime:
    return DATASET_NOW.get(case["dataset"], NOW)


def run_feedsvc(html: str, url: str, tz: tzinfo, now: datetime) -> Result:
    got = extract_article(html, url, selectors=None, tz=tz, now=now)
    return Result(
        title=got.title,
        published=got.published,
        published_has_time=got.published_has_time,
        author=got.author,
        source=got.source_name,
        editor=got.editor,
        text=html_to_text(got.content_html) if got.content_html else "",
    )


def run_trafilatura(html: str, url: str, tz: tzinfo, now: datetime) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%d %H:%M:%S",
            "max_date": now.strftime("%Y-%m-%d"),
        },
    )
    if doc is None:
        return Result()
    data = doc if isinstance(doc, dict) else doc.as_dict()
    published, has_time = None, False
    if data.get("date"):
        value = datetime.strptime(data["date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        published, has_time = value, value.time() != datetime.min.time()
    return Result(
        title=data.get("title"),
        published=published,
        published_has_time=has_time,
        author=data.get("author"),
        text=data.get("text") or "",
    )


def run_readability(html: str, url: str, tz: tzinfo, now: datetime) -> Result:
    from readability import Document

    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    text = ""
    if summary.strip():
        try:
            text = lxml.html.fragment_fromstring(summary, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            text = ""
    return Result(title=doc.short_title(), text=text)


SYSTEMS: dict[str, Callable[[str, str, tzinfo, datetime], Result]] = {
    "feedsvc": run_feedsvc,
    "trafilatura": run_trafilatura,
    "readability-lxml": run_readability,
}
# What each system can produce at all ("-" in the table otherwise).
PRODUCES = {
    "feedsvc": {"title", "published", "author", "content"},
    "trafilatura": {"title", "published", "author", "content"},
    "readability-lxml": {"title", "content"},
}


# --- running ------------------------------------------------------------------------------


def extraction_zone(case: dict[str, Any], html: str, setting_zone: str) -> str:
    """The zone feedsvc reads the page's naive times in: the setting's, or (``auto``, the
    default) the page's evidence, as a refresh would choose it (refresh.context.page_zone)."""
    return choose_zone(case["url"] or FAKE_URL, setting_zone=setting_zone, html=html).name


def score_articles(
    corpus: Path,
    only: str | None,
    systems: list[str],
    development: frozenset[str] = frozenset(),
    setting_zone: str = Settings().timezone,
) -> Run:
    """Every article page of ``only`` (and the English set), else of every dataset."""
    table: dict[tuple[str, str], dict[str, Scores]] = defaultdict(
        lambda: {name: Scores() for name in systems}
    )
    run = Run(table, defaultdict(Scores), [], Counter())
    for case, raw in iter_cases(corpus, "articles"):
        if only and case["dataset"] not in (only, ENGLISH):
            continue
        key = (case["dataset"], case["ground_truth_quality"])
        name = f"{case['dataset']}/{case['case']}"
        split = split_of(name, development)
        url = case["url"] or FAKE_URL
        truth_tz = zone_for(case)
        html = decode_html(raw, None).text
        if html != _true_text(raw, case["actual_encoding"]):
            run.decode_errors.append(name)
        zone = extraction_zone(case, html, setting_zone)
        run.zones[(case["dataset"], zone)] += 1
        run.pages[(case["dataset"], split)] += 1
        for system in systems:
            s = table[key][system]
            got = _run_one(system, s, html, url, ZoneInfo(zone), now_for(case), name)
            _score(s, case, got, truth_tz, name, PRODUCES[system])
            _score(
                run.split[(case["dataset"], system, split)],
                case,
                got,
                truth_tz,
                name,
                PRODUCES[system],
            )
    return run


def _run_one(
    system: str, s: Scores, html: str, url: str, tz: tzinfo, now: datetime, name: str
) -> Result:
    s.pages += 1
    before = len(s.problems)
    start = time.perf_counter()
    try:
        got = SYSTEMS[system](html, url, tz, now)
    except ExtractError as exc:
        s.problems.append(f"{name}: ExtractError: {exc}")
        got = Result()
    except Exception as exc:  # a benchmark reports every crash, it never stops
        s.problems.append(f"{name}: {type(exc).__name__}: {exc}")
        got = Result()
    s.seconds.append(time.perf_counter() - start)
    if not got.text.strip() and len(s.problems) == before:
        s.problems.append(f"{name}: empty content")
    return got


def _score(
    s: Scores, case: dict[str, Any], got: Result, tz: tzinfo, name: str, produces: set[str]
) -> None:
    if case["title"] and "title" in produces:
        hit = title_match(case["title"], got.title)
        s.title.append(hit)
        if not hit:
            s.failures["title"].append(f"{name}: want {case['title']!r} got {got.title!r}")
    if case["published"] and "published" in produces:
        hit = published_match(case["published"], got, tz)
        s.published.append(hit)
        if truth_has_day(case["published"]):
            s.published_day.append(published_match(case["published"], got, tz, day_only=True))
        if truth_has_time(case["published"]):
            s.published_minute.append(hit)
        if not hit:
            shown = got.published.isoformat() if got.published else None
            s.failures["published"].append(f"{name}: want {case['published']!r} got {shown}")
    if case["title"] and "title" in produces:
        s.title_headline.append(title_headline_match(case["title"], got.title))
    if case["author"] and "author" in produces:
        s.author_in_byline.append(author_in_byline(case["author"], got))
        hit = author_match(case["author"], got)
        s.author.append(hit)
        if not hit:
            s.failures["author"].append(
                f"{name}: want {case['author']!r} got {got.author!r} / {got.source!r}"
                f" / editor {got.editor!r}"
            )
    if case["content_text"] and "content" in produces:
        f1 = token_f1(case["content_text"], got.text)
        s.f1.append(f1)
        if f1 < 0.9:
            s.failures["content"].append(f"{name}: F1 {f1:.3f}")


def template_pages(corpus: Path, only: str | None, setting_zone: str) -> Iterator[Page]:
    """Pages of sites with several pages in the corpus, decoded, with their zone and now."""
    for case, raw in iter_cases(corpus, "articles"):
        if (only and case["dataset"] not in (only, ENGLISH)) or site_of(case) is None:
            continue
        html = decode_html(raw, None).text
        zone = ZoneInfo(extraction_zone(case, html, setting_zone))
        yield case, html, case["url"] or FAKE_URL, zone, now_for(case)


def score_lists(corpus: Path) -> list[str]:
    rows = ["| list page | quality | links found | expected | precision | recall | ms |"]
    rows.append("|---|---|---:|---:|---:|---:|---:|")
    for case, raw in iter_cases(corpus, "lists"):
        html = decode_html(raw, None).text
        # No recorded URL: guess it as `feedsvc check FILE` does without --base-url, since
        # "same site" decides which links can be articles.
        url = case["url"] or guess_page_url(lxml.html.fromstring(html)) or "http://fakehost/"
        start = time.perf_counter()
        try:
            items = extract_list(html, url, selectors=None, tz=SHANGHAI, now=now_for(case)).items
        except Exception as exc:  # reported, never fatal
            rows.append(f"| {case['case']} | | error: {type(exc).__name__}: {exc} | | | | |")
            continue
        ms = (time.perf_counter() - start) * 1000
        found = {item.url for item in items}
        expected = set(case["expected_links"] or [])
        precision = recall = "-"
        if expected:
            hits = len(found & expected)
            recall = f"{hits / len(expected):.2f}"
            # gne-163-1's truth is one block of the page: precision is not measurable there.
            if case["dataset"] != "gne" and found:
                precision = f"{hits / len(found):.2f}"
        want = len(expected) if expected else case["expected_count"]
        rows.append(
            f"| {case['case']} | {case['ground_truth_quality']} | {len(found)} | "
            f"{want if want is not None else '-'} | {precision} | {recall} | {ms:.1f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--only",
        choices=KNOWN_DATASETS,
        help="one dataset (folder name under articles/) beside the English set",
    )
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated subset of {', '.join(SYSTEMS)}",
    )
    parser.add_argument(
        "--failures",
        choices=["title", "published", "author", "content", "problems"],
        help="also list feedsvc's misses for one field",
    )
    parser.add_argument(
        "--development",
        type=Path,
        default=DEVELOPMENT_FILE,
        help="file of the page ids used while developing rules (dataset/case a line)",
    )
    parser.add_argument(
        "--timezone",
        default=Settings().timezone,
        help="the timezone setting to extract with (default: the setting's default, auto)",
    )
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "articles").is_dir():
        print(f"no corpus at {corpus}: nothing to measure (pass --corpus DIR)")
        return 0
    systems = [s for s in args.systems.split(",") if s]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s) {unknown}; known: {list(SYSTEMS)}")
    if "trafilatura" in systems:
        try:
            import trafilatura  # noqa: F401
        except ImportError:
            print("trafilatura missing (pip install -e .[bench]); skipping that baseline")
            systems.remove("trafilatura")
    development = load_development(args.development)
    run = score_articles(corpus, args.only, systems, development, args.timezone)
    table, decode_errors = run.table, run.decode_errors
    nows = ", ".join(f"{d} {t.date()}" for d, t in sorted(DATASET_NOW.items()))
    out = [f"### Articles (corpus {corpus.name}, now = {nows}, else {NOW.date()})", ""]
    out += article_table(table)
    out += [
        "",
        "### Second readings of title and author (the strict figures above are the scores)",
        "",
        *second_readings(table),
    ]
    out += [
        "",
        f"### Published with the timezone setting {args.timezone!r} (zones as feedsvc chose)",
        "",
        *published_table(run),
    ]
    out += [
        "",
        f"### Development and held-out pages ({args.development.name}; pages per dataset "
        f"development/held-out: {split_counts(run)})",
        "",
        *split_rows(split_figures(run), SPLIT_FIELDS),
    ]
    out += ["", "### Time per article page, all datasets", "", *overall_timing(table)]
    traf = SYSTEMS["trafilatura"] if "trafilatura" in systems else None
    figures = measure_sites(template_pages(corpus, args.only, args.timezone), traf)
    out += [
        "",
        f"### Per-source templates: each page pinned by a template learned from other pages "
        f"of its site ({MIN_PAGES} or more, as a source learns; CPU ms, fastest of {REPEAT} "
        "runs per page, median over the pages pinned)",
        "",
        *template_rows(figures),
    ]
    if not args.only:
        out += ["", "### List pages (feedsvc.extract.extract_list)", "", *score_lists(corpus)]
    out += ["", f"Pages decoded differently from their true encoding: {len(decode_errors)}"]
    out += [f"- {name}" for name in decode_errors]
    problems = [p for by in table.values() for p in by.get("feedsvc", Scores()).problems]
    out += [f"feedsvc exceptions or empty results: {len(problems)}"]
    out += [f"- {p}" for p in problems]
    print("\n".join(out))
    if args.failures and "feedsvc" in systems:
        print(f"\n### feedsvc misses: {args.failures}")
        for by in table.values():
            s = by["feedsvc"]
            for line in s.problems if args.failures == "problems" else s.failures[args.failures]:
                print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
