"""Extraction benchmark over the real-page corpus (../shared/corpus), with baselines.

    .venv/bin/python bench/extraction.py [--corpus DIR] [--only DATASET] [--failures FIELD]

Every article page is decoded by feedsvc's own ``decode_html`` (decoding is part of the job)
and the same text is given to feedsvc's ``extract_article``, trafilatura and readability-lxml,
in this process. Scores are reported per dataset and ground-truth quality, never pooled
across human and tool-output truth. See docs/extraction.md for the method.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

from feedsvc.errors import ExtractError
from feedsvc.extract import extract_article, extract_list, guess_page_url
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
SHANGHAI = ZoneInfo("Asia/Shanghai")
FAKE_URL = "http://fakehost/test/page.html"  # what readability's own tests resolve against
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+")
_TRUTH_TIME = re.compile(
    r"^(?P<y>\d{4})(?:[-年/](?P<m>\d{1,2}))?(?:[-月/](?P<d>\d{1,2})日?)?"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?$"
)
_TRUTH_NO_YEAR = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")


@dataclass
class Result:
    """What one system produced for one page."""

    title: str | None = None
    published: datetime | None = None
    published_has_time: bool = False
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    text: str = ""


@dataclass
class Scores:
    pages: int = 0
    seconds: list[float] = field(default_factory=list)
    title: list[bool] = field(default_factory=list)
    published: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    # Second readings, shown apart: our headline where the truth adds a site suffix; our
    # name found whole inside a truth byline that adds a role, an outlet or a date.
    title_headline: list[bool] = field(default_factory=list)
    author_in_byline: list[bool] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # exceptions and empty results
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


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


# --- scoring ------------------------------------------------------------------------------


def _ws(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def title_match(expected: str, got: str | None) -> bool:
    return _ws(expected) == _ws(got)


def _name_key(text: str) -> str:
    text = re.sub(r"^(?:by|作者|记者|来源)\s*[:：]?\s*", "", _ws(text), flags=re.I)
    return re.sub(r"[\s\W_]+", "", text).lower()


def author_match(expected: str, got: Result) -> bool:
    """A hit when the truth names our author, source or editor (all three reach the feed:
    author, author fallback, contributor): equal after normalization, or one contained in
    the other and at least half its length ("By Jane Doe, Staff Writer" / "Jane Doe")."""
    want = _name_key(expected)
    for value in (got.author, got.source, got.editor):
        have = _name_key(value or "")
        if not want or not have:
            continue
        short, long_ = sorted((want, have), key=len)
        if want == have or (short in long_ and len(short) * 2 >= len(long_)):
            return True
    return False


_SUFFIX_SEP = re.compile(r"\s*(?:[-–—|·:»_/]|::|\[)")


def title_headline_match(expected: str, got: str | None) -> bool:
    """The truth is our title, or our title followed by a separator and a suffix (the site
    or author part feedsvc strips on purpose: "How to Build a Terrarium | eHow")."""
    want, have = _ws(expected), _ws(got)
    if not have or want == have:
        return want == have
    rest = want[len(have) :] if want.startswith(have) else ""
    return bool(rest) and _SUFFIX_SEP.match(rest) is not None and len(rest) <= 80


def author_in_byline(expected: str, got: Result) -> bool:
    """``author_match``, or our author's name (two words or two Han characters at least)
    inside the truth's byline on word boundaries: "By Kelli Miller WebMD Health News"."""
    if author_match(expected, got):
        return True
    want = _ws(expected).lower()
    for value in (got.author, got.source, got.editor):
        name = _ws(value).lower()
        if len(name.split()) < 2 and len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
            continue
        if re.search(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", want):
            return True
    return False


def published_match(expected: str, got: Result, tz: tzinfo) -> bool:
    """Same minute when the truth has a time, else the same day (or month/year for partial
    truths), compared in the truth's zone: its own offset, else ``tz`` for Chinese datasets,
    else the offset the page itself gave."""
    if got.published is None:
        return False
    s = expected.strip().replace("+0100", "+01:00")
    m = _TRUTH_NO_YEAR.match(s)
    if m:
        local = got.published.astimezone(tz)
        return (local.month, local.day) == (int(m["m"]), int(m["d"]))
    m = _TRUTH_TIME.match(s)
    if m is None:
        raise ValueError(f"unparsed truth time {expected!r}")
    if m["z"]:
        z = m["z"]
        offset = (
            timedelta(0)
            if z == "Z"
            else (1 if z[0] == "+" else -1) * timedelta(hours=int(z[1:3]), minutes=int(z[-2:]))
        )
        local = got.published.astimezone(timezone(offset))
    elif tz is SHANGHAI:
        local = got.published.astimezone(tz)
    else:
        local = got.published
    parts = [int(m["y"]), m["m"], m["d"]]
    if local.year != parts[0]:
        return False
    if m["m"] is not None and local.month != int(m["m"]):
        return False
    if m["d"] is not None and local.day != int(m["d"]):
        return False
    if m["H"] is not None:
        return got.published_has_time and (local.hour, local.minute) == (int(m["H"]), int(m["M"]))
    return True


def tokens(text: str) -> Counter[str]:
    """CJK characters one by one, other scripts word by word."""
    return Counter(t.lower() for t in _TOKEN.findall(unicodedata.normalize("NFKC", text)))


def token_f1(expected: str, got: str) -> float:
    e, g = tokens(expected), tokens(got)
    common = sum((e & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(e.values())
    return 2 * precision * recall / (precision + recall)


# --- running ------------------------------------------------------------------------------


def score_articles(
    corpus: Path, only: str | None, systems: list[str]
) -> tuple[dict[tuple[str, str], dict[str, Scores]], list[str]]:
    table: dict[tuple[str, str], dict[str, Scores]] = defaultdict(
        lambda: {name: Scores() for name in systems}
    )
    decode_errors: list[str] = []
    for case, raw in iter_cases(corpus, "articles"):
        if only and case["dataset"] != only:
            continue
        key = (case["dataset"], case["ground_truth_quality"])
        name = f"{case['dataset']}/{case['case']}"
        url = case["url"] or FAKE_URL
        tz = zone_for(case)
        html = decode_html(raw, None).text
        if html != _true_text(raw, case["actual_encoding"]):
            decode_errors.append(name)
        for system in systems:
            s = table[key][system]
            s.pages += 1
            before = len(s.problems)
            start = time.perf_counter()
            try:
                got = SYSTEMS[system](html, url, tz, now_for(case))
            except ExtractError as exc:
                s.problems.append(f"{name}: ExtractError: {exc}")
                got = Result()
            except Exception as exc:  # a benchmark reports every crash, it never stops
                s.problems.append(f"{name}: {type(exc).__name__}: {exc}")
                got = Result()
            s.seconds.append(time.perf_counter() - start)
            if not got.text.strip() and len(s.problems) == before:
                s.problems.append(f"{name}: empty content")
            _score(s, case, got, tz, name, PRODUCES[system])
    return table, decode_errors


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


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.2f} ({sum(values)}/{len(values)})" if values else "-"


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def article_table(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = [
        "| dataset | quality | system | pages | title | published | author/source "
        "| content F1 | F1 vs feedsvc | median ms/page | pages/s | problems |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (dataset, quality), by_system in sorted(table.items()):
        ours = _mean(by_system["feedsvc"].f1) if "feedsvc" in by_system else None
        for system, s in by_system.items():
            f1 = _mean(s.f1)
            ratio = f"{ours / f1:.3f}" if ours is not None and f1 else "-"
            median = statistics.median(s.seconds) * 1000 if s.seconds else 0.0
            rate = len(s.seconds) / sum(s.seconds) if s.seconds and sum(s.seconds) else 0.0
            rows.append(
                f"| {dataset} | {quality} | {system} | {s.pages} | {_rate(s.title)} "
                f"| {_rate(s.published)} | {_rate(s.author)} "
                f"| {f'{f1:.3f}' if f1 is not None else '-'} "
                f"| {ratio if system != 'feedsvc' else ''} | {median:.1f} | {rate:.0f} "
                f"| {len(s.problems)} |"
            )
    return rows


def second_readings(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = [
        "| dataset | system | title | title, truth minus a site suffix | author/source "
        "| author/source, our name inside the truth byline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (dataset, _quality), by_system in sorted(table.items()):
        for system, s in by_system.items():
            if s.title or s.author:
                rows.append(
                    f"| {dataset} | {system} | {_rate(s.title)} | {_rate(s.title_headline)} "
                    f"| {_rate(s.author)} | {_rate(s.author_in_byline)} |"
                )
    return rows


def overall_timing(table: dict[tuple[str, str], dict[str, Scores]]) -> list[str]:
    rows = ["| system | pages | median ms/page | pages/s |", "|---|---:|---:|---:|"]
    systems = next(iter(table.values())).keys() if table else []
    for system in systems:
        seconds = [x for by in table.values() for x in by[system].seconds]
        rows.append(
            f"| {system} | {len(seconds)} | {statistics.median(seconds) * 1000:.1f} "
            f"| {len(seconds) / sum(seconds):.0f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", help="one dataset (folder name under articles/)")
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
    table, decode_errors = score_articles(corpus, args.only, systems)
    nows = ", ".join(f"{d} {t.date()}" for d, t in sorted(DATASET_NOW.items()))
    out = [f"### Articles (corpus {corpus.name}, now = {nows}, else {NOW.date()})", ""]
    out += article_table(table)
    out += [
        "",
        "### Second readings of title and author (the strict figures above are the scores)",
        "",
        *second_readings(table),
    ]
    out += ["", "### Time per article page, all datasets", "", *overall_timing(table)]
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
