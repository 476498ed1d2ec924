"""Field resolvers over typed candidates: strengths, laziness, providers, provenance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from feedsvc.extract import extract_article
from feedsvc.extract.articlepage import ArticlePage
from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.fields import (
    Candidate,
    CandidateProvider,
    Fields,
    Strength,
    candidate,
    first,
    pick,
)
from feedsvc.models import Selectors

NOW = datetime(2024, 3, 1, tzinfo=UTC)
URL = "https://blog.example.org/posts/harbour.html"
PARAS = "".join(
    f"<p>Paragraph {i} of the harbour story, long enough to be read as the body of a post, "
    "with several clauses, commas, and a full stop at its end.</p>"
    for i in range(6)
)
PAGE = (
    "<html><head><title>Harbour reopens - Example Blog</title>"
    '<meta property="article:published_time" content="2024-02-10T08:00:00Z">'
    '<meta name="author" content="Meta Writer"></head><body>'
    "<h1>Harbour reopens</h1><p>By Jane Doe</p>"
    f"<article>{PARAS}</article></body></html>"
)


def test_candidate_drops_empty_values() -> None:
    assert candidate(None, "meta") is None
    assert candidate("", "meta") is None
    assert candidate("x", "meta") == Candidate("x", "meta", Strength.GENERIC)


def test_pick_prefers_stronger_then_first_and_generic_is_lazy() -> None:
    calls: list[str] = []

    def generic(name: str) -> Candidate[str] | None:
        calls.append(name)
        return candidate(name, name)

    # A provider stronger than the generic layers wins without computing them.
    strong = [
        Candidate("s", "template", Strength.TEMPLATE),
        Candidate("t", "selector", Strength.SELECTOR),
    ]
    got = pick(strong, first(lambda: generic("a")))
    assert got is not None and got.rule == "selector"
    assert calls == []
    # Without providers the first generic hit wins, and later layers are never computed.
    got = pick([], first(lambda: None, lambda: generic("b"), lambda: generic("c")))
    assert got is not None and got.value == "b"
    assert calls == ["b"]
    # A fallback-strength guess only fills in when no generic layer has a value.
    weak = [Candidate("guess", "first-sentence", Strength.FALLBACK)]
    assert pick(weak, first(lambda: generic("d"))) == Candidate("d", "d")
    assert pick(weak, first(lambda: None)) == weak[0]


def test_fields_provenance_lists_only_fields_with_values() -> None:
    f = Fields(title=Candidate("T", "json-ld"), author=Candidate("A", "meta"))
    assert f.provenance() == {"title": "json-ld", "author": "meta"}


class _Template(CandidateProvider):
    """A stand-in for a per-source template: pinned title and author, nothing else."""

    def title(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return [Candidate("Pinned headline", "template", Strength.TEMPLATE)]

    def author(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return [Candidate("Template Writer", "template", Strength.TEMPLATE)]

    def published(self, page: ArticlePage) -> Sequence[Candidate[ParsedTime]]:
        return []


def test_a_provider_is_one_more_candidate_source_with_provenance() -> None:
    plain = extract_article(PAGE, URL, selectors=None, tz=UTC, now=NOW)
    assert plain.title == "Harbour reopens" and plain.author == "Jane Doe"
    assert plain.provenance["author"] == "text-pattern"

    got = extract_article(PAGE, URL, selectors=None, tz=UTC, now=NOW, providers=[_Template()])
    assert (got.title, got.author) == ("Pinned headline", "Template Writer")
    assert got.provenance["title"] == got.provenance["author"] == "template"
    # Fields the provider does not speak for keep the generic layers and their provenance.
    assert got.published == datetime(2024, 2, 10, 8, 0, tzinfo=UTC)
    assert got.provenance["published"] == "meta"


def test_selectors_outrank_a_template_provider() -> None:
    sel = Selectors(author="xpath://h1/following-sibling::p[1]")
    got = extract_article(PAGE, URL, selectors=sel, tz=UTC, now=NOW, providers=[_Template()])
    assert got.author == "By Jane Doe"
    assert got.provenance["author"] == "selector"
    assert got.title == "Pinned headline"


def test_a_pinned_structured_time_is_not_replaced_by_the_dateline() -> None:
    class Pinned(CandidateProvider):
        def published(self, page: ArticlePage) -> Sequence[Candidate[ParsedTime]]:
            when = datetime(2024, 2, 10, 6, 0, tzinfo=UTC)
            return [Candidate(ParsedTime(when, has_time=False), "template", Strength.TEMPLATE)]

    # A date-only meta time: the dateline under the title adds the time of day.
    html = PAGE.replace("2024-02-10T08:00:00Z", "2024-02-10").replace(
        "<p>By Jane", "<p>February 10, 2024 09:30 UTC</p><p>By Jane"
    )
    plain = extract_article(html, URL, selectors=None, tz=UTC, now=NOW)
    assert plain.published == datetime(2024, 2, 10, 9, 30, tzinfo=UTC)
    got = extract_article(html, URL, selectors=None, tz=UTC, now=NOW, providers=[Pinned()])
    assert got.published == datetime(2024, 2, 10, 6, 0, tzinfo=UTC)
    assert got.provenance["published"] == "template"


@pytest.mark.parametrize("field", ["author", "source_name", "editor"])
def test_no_provenance_for_a_credit_cleaned_to_nothing(field: str) -> None:
    html = PAGE.replace("<p>By Jane Doe</p>", "<p>作者：佚名 来源：未知 编辑：佚名</p>").replace(
        '<meta name="author" content="Meta Writer">', ""
    )
    got = extract_article(html, URL, selectors=None, tz=UTC, now=NOW)
    assert getattr(got, field) is None
    assert field not in got.provenance
