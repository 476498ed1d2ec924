"""The extraction benchmark's scoring rules, strict and second readings, can fail."""

from __future__ import annotations

import pytest
from bench_modules import load_bench

bench = load_bench("extraction")


@pytest.mark.parametrize(
    ("truth", "ours", "strict", "headline"),
    [
        ("How to Build a Terrarium | eHow", "How to Build a Terrarium", False, True),
        (
            "宇航员在太空中喝酒会怎么样？后果很严重 _探索者 _光明网",
            "宇航员在太空中喝酒会怎么样？后果很严重",
            False,
            True,
        ),
        ("Mozilla - Wikipedia", "Mozilla", False, True),
        ("Exact  title", "Exact title", True, True),
        # a prefix that is not followed by a separator is another title
        ("Firefox Nightly News", "Firefox", False, False),
        ("Google - Site Reliability Engineering", "Site Reliability Engineering", False, False),
        ("Yahoo News - Latest News & Headlines", "Russia: Space ship breaks up", False, False),
        ("Some title", None, False, False),
    ],
)
def test_title_readings(truth: str, ours: str | None, strict: bool, headline: bool) -> None:
    assert bench.title_match(truth, ours) is strict
    assert bench.title_headline_match(truth, ours) is headline


@pytest.mark.parametrize(
    ("truth", "ours", "strict", "in_byline"),
    [
        ("By Kelli Miller WebMD Health News", "Kelli Miller", False, True),
        ("By GILLIAN MOHNEY March 11, 2015 3:46 PM", "GILLIAN MOHNEY", False, True),
        ("by Lucas Nolan22 Dec 2016651", "Lucas Nolan", False, True),
        ("Jane Doe", "Jane Doe", True, True),
        # one word, a name inside another word, a different person
        ("By Ann Other and Bo Tester", "Ann", False, False),
        ("Joanna Rothkopf", "Joan", False, False),
        ("Par Sébastien Farcis", "AFP", False, False),
        ("April 28, 2019 at 6:01 am Updated April 29, 2019", "Benjamin Romano", False, False),
    ],
)
def test_author_readings(truth: str, ours: str, strict: bool, in_byline: bool) -> None:
    got = bench.Result(author=ours)
    assert bench.author_match(truth, got) is strict
    assert bench.author_in_byline(truth, got) is in_byline
