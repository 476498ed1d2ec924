"""Template learning per source: a generated portal whose pages each mislead the generic
extractor alone; the template learned from a few of them fixes every page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from templateportal import BIO, article_page

from feedsvc.extract import extract_article
from feedsvc.extract.template import Template, TemplateError
from feedsvc.extract.templated import extract_templated
from feedsvc.extract.templatelearn import MIN_PAGES, Observation, learn

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _observe(n: int, layout: str = "v1") -> Observation:
    page = article_page(n, layout=layout)
    found = extract_templated(page.html, page.url, selectors=None, tz=TZ, now=NOW, template=None)
    assert found.observation is not None and not found.pinned
    return found.observation


def _learned(pages: range = range(1, 5), layout: str = "v1") -> Template:
    template = learn([_observe(n, layout) for n in pages])
    assert template is not None
    return template


def test_each_page_alone_misleads_the_generic_extractor() -> None:
    page = article_page(5)
    article = extract_article(page.html, page.url, selectors=None, tz=TZ, now=NOW)
    assert article.content_html is not None and BIO[:10] in article.content_html
    assert article.category is None


def test_the_learned_template_fixes_every_page() -> None:
    template = _learned()
    for n in range(5, 9):
        page = article_page(n)
        found = extract_templated(
            page.html, page.url, selectors=None, tz=TZ, now=NOW, template=template
        )
        art = found.article
        assert found.pinned and found.drift is None and found.observation is None
        assert art.title == page.title
        assert art.content_html is not None
        assert page.first_line in art.content_html and page.last_line in art.content_html
        assert BIO[:10] not in art.content_html  # the bio box repeats: boilerplate
        assert "另一篇新闻" not in art.content_html and "张建国" not in art.content_html
        assert art.category == page.category
        assert art.editor == page.editor and art.author in (None, page.editor)
        assert "张建国" not in (art.author or "") and "李红梅" not in (art.author or "")
        assert art.provenance["content_html"] == "template"
        assert art.provenance["category"] == "template"


def test_the_template_keeps_its_evidence() -> None:
    template = _learned(range(1, 6))
    assert template.pages == 5
    assert template.evidence["body"] == 5 and template.evidence["title"] == 5
    assert template.body.endswith("div.txt") and template.title and template.title.endswith("h1")
    assert template.category is not None and template.category.endswith("span.lm")
    assert any(path.endswith("div.box-x") for path in template.teasers)
    assert template.boilerplate  # the bio box, the footer


def test_fewer_pages_than_needed_learn_nothing() -> None:
    assert learn([_observe(n) for n in range(1, MIN_PAGES)]) is None


def test_pages_that_disagree_on_the_body_learn_nothing() -> None:
    mixed = [_observe(1), _observe(2), _observe(3, "v2"), _observe(4, "v2")]
    assert learn(mixed) is None


def test_a_redesign_drifts_to_the_generic_extractor_and_relearns() -> None:
    template = _learned()
    page = article_page(9, layout="v2")
    found = extract_templated(
        page.html, page.url, selectors=None, tz=TZ, now=NOW, template=template
    )
    assert not found.pinned and found.drift is not None and "matches nothing" in found.drift
    assert found.article.title == page.title  # generic fallback still extracts the page
    assert found.observation is not None
    relearned = learn([found.observation, _observe(10, "v2"), _observe(11, "v2")])
    assert relearned is not None and relearned.body.startswith("div.wrap/section.story")
    again = article_page(12, layout="v2")
    pinned = extract_templated(
        again.html, again.url, selectors=None, tz=TZ, now=NOW, template=relearned
    )
    assert pinned.pinned and pinned.article.title == again.title


def test_one_more_wrapper_above_the_article_still_pins() -> None:
    template = _learned()
    page = article_page(7, layout="wrapped")
    found = extract_templated(
        page.html, page.url, selectors=None, tz=TZ, now=NOW, template=template
    )
    assert found.pinned and found.drift is None
    assert found.article.content_html is not None
    assert BIO[:10] not in found.article.content_html
    assert page.last_line in found.article.content_html


def test_json_round_trip_and_bad_records() -> None:
    template = _learned()
    assert Template.from_json(json.loads(json.dumps(template.to_json()))) == template
    with pytest.raises(TemplateError, match="version"):
        Template.from_json({**template.to_json(), "version": 99})
    with pytest.raises(TemplateError, match="'body'"):
        Template.from_json({**template.to_json(), "body": ""})
    with pytest.raises(TemplateError, match=r"evidence\.body"):
        Template.from_json({**template.to_json(), "evidence": {"body": -1}})
    obs = _observe(1)
    assert Observation.from_json(json.loads(json.dumps(obs.to_json()))) == obs


def test_an_operator_selector_outranks_the_template() -> None:
    from feedsvc.models import Selectors

    template = _learned()
    page = article_page(6)
    found = extract_templated(
        page.html,
        page.url,
        selectors=Selectors(article_title="div.info"),
        tz=TZ,
        now=NOW,
        template=template,
    )
    assert found.article.provenance["title"] == "selector"
