"""The zone of a page's naive times when none is configured: evidence, strongest first."""

from __future__ import annotations

import pytest

from feedsvc.extract.zone import AUTO, FALLBACK, choose_zone, country_zone

ZH_TEXT = "潍坊市召开经济工作会议，部署明年重点任务。" * 3
JA_TEXT = "東京都は新しい計画を発表しました。これからの予定についてお知らせします。" * 2
KO_TEXT = "서울시는 새로운 계획을 발표했습니다 앞으로의 일정에 대해 알려드립니다" * 2


@pytest.mark.parametrize(
    ("url", "language", "html", "zone", "evidence"),
    [
        # the host's country-code TLD comes first
        ("http://www.wfcmw.cn/a.html", None, "", "Asia/Shanghai", "host www.wfcmw.cn (.cn)"),
        ("http://www.gov.cn/x", None, "<html lang=en>", "Asia/Shanghai", ".cn"),
        ("https://news.example.com.tw/", None, "", "Asia/Taipei", ".tw"),
        ("https://www.example.de/", None, '<html lang="en-US">', "Europe/Berlin", ".de"),
        ("https://bbc.co.uk/news", None, "", "Europe/London", ".uk"),
        ("https://example.es/", None, "", "Europe/Madrid", ".es"),  # Canaries: 1 h off
        # generic-use ccTLDs say nothing; the page's language does
        ("https://startup.io/", None, '<html lang="ja">', "Asia/Tokyo", "page lang ja"),
        ("https://example.com/", None, '<HTML class=x LANG="zh_CN">', "Asia/Shanghai", "zh-CN"),
        ("https://example.com/", None, "<html lang=en-GB>", "Europe/London", "page lang en-GB"),
        ("https://example.com/", "zh-Hant", "", "Asia/Taipei", "source language zh-Hant"),
        ("https://example.com/", "zh-HK", "<html lang=zh-CN>", "Asia/Hong_Kong", "zh-HK"),
        (
            "https://example.com/",
            None,
            '<meta http-equiv="Content-Language" content="de-AT">',
            "Europe/Vienna",
            "page content-language de-AT",
        ),
        # a region beats a bare language anywhere in the evidence
        ("https://example.com/", "zh", "<html lang=zh-TW>", "Asia/Taipei", "page lang zh-TW"),
        # the writing, when nothing is declared (old GBK portals, 127.0.0.1 in tests)
        ("http://127.0.0.1:8081/a", None, f"<p>{ZH_TEXT}</p>", "Asia/Shanghai", "Chinese"),
        ("http://127.0.0.1:8081/a", None, f"<p>{JA_TEXT}</p>", "Asia/Tokyo", "Japanese"),
        ("http://127.0.0.1:8081/a", None, f"<p>{KO_TEXT}</p>", "Asia/Seoul", "Korean"),
    ],
)
def test_evidence_decides_the_zone(
    url: str, language: str | None, html: str, zone: str, evidence: str
) -> None:
    choice = choose_zone(url, language=language, html=html)
    assert choice.name == zone
    assert evidence in choice.evidence


@pytest.mark.parametrize(
    ("url", "html"),
    [
        ("https://example.com/", "<html lang=en>"),  # English spans continents
        ("https://example.com/", "<html lang=en-US>"),  # the US spans six zones
        ("https://example.com.au/", ""),  # so does Australia
        ("https://example.ru/", ""),
        ("https://example.com/", "<html lang=es>"),
        ("http://127.0.0.1/", "<p>Hello 世界</p>"),  # two Han characters are no evidence
        ("not a url", ""),
    ],
)
def test_no_evidence_is_utc_and_says_so(url: str, html: str) -> None:
    choice = choose_zone(url, html=html)
    assert choice.name == FALLBACK
    assert choice.evidence.startswith("no evidence")


def test_a_configured_zone_always_wins() -> None:
    html = f"<html lang=zh-CN><p>{ZH_TEXT}</p>"
    by_source = choose_zone(
        "http://x.cn/", source_zone="Europe/Paris", setting_zone="UTC", html=html
    )
    assert (by_source.name, by_source.evidence) == ("Europe/Paris", "the source's timezone")
    by_setting = choose_zone("http://x.cn/", setting_zone="UTC", html=html)
    assert (by_setting.name, by_setting.evidence) == ("UTC", "the timezone setting")
    auto = choose_zone("http://x.cn/", setting_zone=AUTO, html=html)
    assert auto.name == "Asia/Shanghai"


def test_country_zones_from_the_tz_database() -> None:
    assert country_zone("CN") == "Asia/Shanghai"  # Urumqi is 2 h off: Beijing time rules
    assert country_zone("jp") == "Asia/Tokyo"
    assert country_zone("US") is None and country_zone("RU") is None
    assert country_zone("ZZ") is None


def test_the_sniff_is_bounded() -> None:
    late = "<!-- " + "x" * 100_000 + " --><html lang=ja>"
    assert choose_zone("https://example.com/", html=late).name == FALLBACK
