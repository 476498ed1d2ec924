"""The sources file: every problem reported as FILE:LINE: field: message, all at once."""

# ruff: noqa: E501  (the bad-file table reads best one case per line)

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from feedsvc.config import AppConfig, load_config, parse_interval, parse_source, source_fields
from feedsvc.errors import ConfigError
from feedsvc.models import Selectors, SourceConfig

WEIFANG = """\
settings:                      # optional; FEEDSVC_* environment variables override
  database_url: sqlite+aiosqlite:///var/feedsvc.db
  listen: 127.0.0.1:8080
  public_url: http://127.0.0.1:8080
  timezone: Asia/Shanghai
  allow_private_networks: false
sources:
  - id: weifang-caijing        # [a-z0-9-]+, stable, used in URLs
    name: 潍坊广电 · 财经
    url: https://example.cn/caijing/          # or urls: [list pages…]
    category: 财经             # optional
    interval: 15m              # 30s … 7d
    timezone: Asia/Shanghai    # optional per source
    full_text: true            # default true
    encoding: gbk              # optional: force a charset
    language: zh_CN            # optional BCP 47
    max_pages: 3               # optional, pagination pages on the first refresh (1..50)
    allow_private_networks: true   # optional per-source override
    selectors:                 # optional
      item: "ul.news-list > li"      # CSS, or xpath:… for XPath
      title: "a"
      link: "a@href"
      date: "span.date"
      content: "div.content"
"""

# One valid source; bad cases are built by appending a line or two to it.
BASE = """\
sources:
  - id: good
    url: https://example.com/news/
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path, env or {})
    # str(error) carries every problem too: callers print it as is.
    for problem in info.value.problems:
        assert problem in str(info.value)
    return info.value.problems


def test_weifang_example_loads(tmp_path: Path) -> None:
    path = write(tmp_path, WEIFANG)
    config = load_config(path, {})
    assert isinstance(config, AppConfig)
    assert config.path == path
    assert config.settings.timezone == "Asia/Shanghai"
    assert config.settings.public_url == "http://127.0.0.1:8080"
    assert config.settings.allow_private_networks is False
    assert config.sources == (
        SourceConfig(
            id="weifang-caijing",
            name="潍坊广电 · 财经",
            urls=("https://example.cn/caijing/",),
            interval_seconds=900,
            category="财经",
            timezone="Asia/Shanghai",
            full_text=True,
            selectors=Selectors(
                item="ul.news-list > li",
                title="a",
                link="a@href",
                date="span.date",
                content="div.content",
            ),
            encoding="gbk",
            language="zh-CN",
            max_pages=3,
            allow_private_networks=True,
        ),
    )
    assert config.warnings == ()


def test_defaults_for_optional_fields(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE), {})
    (source,) = config.sources
    assert source == SourceConfig(
        id="good", name="good", urls=("https://example.com/news/",), interval_seconds=900
    )
    assert config.settings.database_url == "sqlite+aiosqlite:///var/feedsvc.db"


def test_enabled_false_reads_and_writes_back(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE + "    enabled: false\n  - id: running\n    url: https://a.org/\n")
    paused, running = load_config(path).sources
    assert not paused.enabled and running.enabled
    assert source_fields(paused)["enabled"] is False and "enabled" not in source_fields(running)
    assert parse_source(source_fields(paused)) == paused  # the API's reader agrees


def test_urls_list_and_merge(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        sources:
          - &first
            id: en-news
            urls: [https://example.com/a/, "https://example.com/b/?page=1"]
            interval: 1h30m
            full_text: false
            selectors:
              item: "xpath://ul[@class='list']/li"
              link: "a.title@data-href"
              date: "time@datetime"
              next_page: "XPath://a[@rel='next']/@href"
          - <<: *first
            id: en-news-2
            interval: 7200
        """,
    )
    first, second = load_config(path, {}).sources
    assert first.urls == ("https://example.com/a/", "https://example.com/b/?page=1")
    assert first.interval_seconds == 5400
    assert first.full_text is False
    assert first.selectors == Selectors(
        item="xpath://ul[@class='list']/li",
        link="a.title@data-href",
        date="time@datetime",
        next_page="XPath://a[@rel='next']/@href",
    )
    assert second.id == "en-news-2"
    assert second.interval_seconds == 7200
    assert second.urls == first.urls


def test_empty_sources_is_allowed_with_a_warning(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources: []\n"), {})
    assert config.sources == ()
    assert any("sources" in w for w in config.warnings)
    config = load_config(write(tmp_path, "settings:\n  listen: 0.0.0.0:9000\n"), {})
    assert config.sources == ()
    assert config.settings.listen == "0.0.0.0:9000"
    assert config.warnings


# (file text, the exact "LINE: field: message" fragment expected after "FILE:")
BAD_FILES: list[tuple[str, str, str]] = [
    ("syntax", "sources:\n  - id: a\n    url: [unclosed\n", ":3:10: YAML syntax error: the '[' list opened here is not closed"),
    ("tab indent", "sources:\n\t- id: a\n", ":2:1: YAML syntax error"),
    ("top-level list", "- id: a\n", ":1: the top level must be a mapping"),
    ("top-level scalar", "hello\n", ":1: the top level must be a mapping"),
    ("unknown top key", "source:\n  - id: a\n", ":1: source: unknown key; did you mean 'sources'?"),
    ("sources not a list", "sources:\n  id: a\n", ":2: sources: expected a list of sources, got a mapping"),
    ("source not a mapping", "sources:\n  - just-a-string\n", ":2: sources[0]: expected a mapping, got a string"),
    ("unknown source key", BASE + "    intervall: 15m\n", ":4: sources[0].intervall: unknown key; did you mean 'interval'?"),
    ("repeated key", BASE + "    url: https://example.com/other/\n", ":4: sources[0].url: repeated key"),
    ("missing id", "sources:\n  - url: https://example.com/\n", ":2: sources[0]: missing id"),
    ("bad id chars", "sources:\n  - id: Weifang_News\n    url: https://a.com/\n", ":2: sources[0].id: must be 1-64 characters of a-z, 0-9 and '-', got 'Weifang_News'; try 'weifang-news'"),
    ("id too long", f"sources:\n  - id: {'a' * 65}\n    url: https://a.com/\n", ":2: sources[0].id: must be 1-64 characters"),
    ("id is a number", "sources:\n  - id: 42\n    url: https://a.com/\n", ":2: sources[0].id: expected a string, got an integer (42); quote it"),
    ("duplicate id", BASE + "  - id: good\n    url: https://example.com/b/\n", ":4: sources[1].id: repeated source id 'good' (first at line 2)"),
    ("no url", "sources:\n  - id: a\n", ":2: sources[0]: missing url (or urls: a list of list pages)"),
    ("url and urls", BASE + "    urls: [https://example.com/b/]\n", ":4: sources[0].urls: give either url or urls, not both"),
    ("ftp url", "sources:\n  - id: a\n    url: ftp://example.com/\n", ":3: sources[0].url: URL must start with http:// or https://, got 'ftp://example.com/'"),
    ("url without host", "sources:\n  - id: a\n    url: 'http:///path'\n", ":3: sources[0].url: URL has no host"),
    ("relative url", "sources:\n  - id: a\n    url: /news/\n", ":3: sources[0].url: URL must start with http:// or https://"),
    ("bad port", "sources:\n  - id: a\n    url: http://a.com:99999/\n", ":3: sources[0].url: not a valid URL"),
    ("url is a list", "sources:\n  - id: a\n    url: [https://a.com/]\n", ":3: sources[0].url: expected a string, got a list"),
    ("urls item bad", "sources:\n  - id: a\n    urls:\n      - https://a.com/\n      - mailto:x@a.com\n", ":5: sources[0].urls[1]: URL must start with http:// or https://"),
    ("urls empty", "sources:\n  - id: a\n    urls: []\n", ":3: sources[0].urls: expected a list of URLs, got an empty list"),
    ("interval too short", BASE + "    interval: 5s\n", ":4: sources[0].interval: must be between 30s and 7d, got '5s'"),
    ("interval too long", BASE + "    interval: 8d\n", ":4: sources[0].interval: must be between 30s and 7d, got '8d'"),
    ("interval int too short", BASE + "    interval: 10\n", ":4: sources[0].interval: must be between 30s and 7d, got '10'"),
    ("interval nonsense", BASE + "    interval: soon\n", ":4: sources[0].interval: expected a duration like 30s, 15m, 2h, 1d or 1h30m, got 'soon'"),
    ("interval bool", BASE + "    interval: yes\n", ":4: sources[0].interval: expected a duration like 15m, got a boolean (yes)"),
    ("timezone typo", BASE + "    timezone: Asia/Shangai\n", ":4: sources[0].timezone: unknown time zone 'Asia/Shangai'; did you mean 'Asia/Shanghai'?"),
    ("full_text string", BASE + "    full_text: 'yes'\n", ":4: sources[0].full_text: expected true or false, got a string ('yes')"),
    ("enabled string", BASE + "    enabled: 'no'\n", ":4: sources[0].enabled: expected true or false, got a string ('no')"),
    ("allow_private string", BASE + "    allow_private_networks: sometimes\n", ":4: sources[0].allow_private_networks: expected true or false"),
    ("encoding", BASE + "    encoding: gbkk\n", ":4: sources[0].encoding: unknown encoding 'gbkk'"),
    ("language", BASE + "    language: chinese-simplified\n", ":4: sources[0].language: not a BCP 47 language tag"),
    ("max_pages range", BASE + "    max_pages: 51\n", ":4: sources[0].max_pages: must be between 1 and 50, got 51"),
    ("max_pages float", BASE + "    max_pages: 2.5\n", ":4: sources[0].max_pages: expected an integer, got a number (2.5)"),
    ("category list", BASE + "    category: [a, b]\n", ":4: sources[0].category: expected a string, got a list"),
    ("empty name", BASE + "    name: ''\n", ":4: sources[0].name: must not be empty"),
    ("selectors not mapping", BASE + "    selectors: ul li\n", ":4: sources[0].selectors: expected a mapping, got a string"),
    ("unknown selector", BASE + "    selectors:\n      itme: li\n", ":5: sources[0].selectors.itme: unknown key; did you mean 'item'?"),
    ("bad css", BASE + "    selectors:\n      item: 'ul >> li'\n", ":5: sources[0].selectors.item: invalid CSS selector 'ul >> li'"),
    ("bad xpath", BASE + "    selectors:\n      content: 'xpath://div[@id='\n", ":5: sources[0].selectors.content: invalid XPath '//div[@id='"),
    ("attr on item", BASE + "    selectors:\n      item: li@class\n", ":5: sources[0].selectors.item: selects elements, so it cannot end in an @attribute: 'li@class'"),
    ("attr on content", BASE + "    selectors:\n      content: div.c@id\n", ":5: sources[0].selectors.content: selects elements, so it cannot end in an @attribute"),
    ("empty xpath", BASE + "    selectors:\n      title: 'xpath:'\n", ":5: sources[0].selectors.title: empty XPath"),
    ("selector number", BASE + "    selectors:\n      item: 3\n", ":5: sources[0].selectors.item: expected a string, got an integer (3)"),
    ("unknown setting", "settings:\n  feed_max_ag: 60\n" + BASE, ":2: settings.feed_max_ag: unknown key; did you mean 'feed_max_age'?"),
    ("setting type", "settings:\n  feed_max_age: soon\n" + BASE, ":2: settings.feed_max_age: expected an integer, got a string ('soon')"),
    ("setting bool type", "settings:\n  allow_private_networks: 1\n" + BASE, ":2: settings.allow_private_networks: expected true or false, got an integer (1)"),
    ("setting range", "settings:\n  feed_max_age: 30\n" + BASE, ":2: settings.feed_max_age: must be at least 60, got 30"),
    ("setting listen", "settings:\n  listen: localhost\n" + BASE, ":2: settings.listen: must be HOST:PORT"),
    ("setting public_url", "settings:\n  public_url: example.com/feeds\n" + BASE, ":2: settings.public_url: must be an absolute http(s) URL or empty"),
    ("setting timezone", "settings:\n  timezone: Mars/Olympus\n" + BASE, ":2: settings.timezone: unknown time zone 'Mars/Olympus'"),
    ("setting db driver", "settings:\n  database_url: sqlite:///x.db\n" + BASE, ":2: settings.database_url: unsupported driver 'sqlite'"),
    ("setting log level", "settings:\n  log_level: LOUD\n" + BASE, ":2: settings.log_level: must be one of DEBUG, INFO, WARNING, ERROR, got 'LOUD'"),
    ("settings not mapping", "settings: [a]\n" + BASE, ":1: settings: expected a mapping, got a list"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_names_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    wanted = f"{path}{expected}"
    assert any(p.startswith(wanted) for p in problems), (wanted, problems)


def test_all_problems_are_collected_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        settings:
          feed_max_age: 10
        sources:
          - id: a
            url: ftp://x/
            interval: 1s
          - id: b
            url: https://b.example/
            full_text: maybe
        """,
    )
    problems = problems_of(path, {"FEEDSVC_LISTEN": "nowhere"})
    assert problems == [
        f"{path}:2: settings.feed_max_age: must be at least 60, got 10",
        f"{path}:5: sources[0].url: URL must start with http:// or https://, got 'ftp://x/'",
        f"{path}:6: sources[0].interval: must be between 30s and 7d, got '1s'",
        f"{path}:9: sources[1].full_text: expected true or false, got a string ('maybe')",
        "FEEDSVC_LISTEN: must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got 'nowhere'",
    ]


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read the sources file"):
        load_config(missing, {})
    empty = write(tmp_path, "# nothing here\n")
    with pytest.raises(ConfigError, match=r"sources\.yaml: the file is empty"):
        load_config(empty, {})


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("sources:\n  - id: a\n    name: 财经\n".encode("gbk"))
    with pytest.raises(ConfigError, match=r"gbk\.yaml: not UTF-8 text"):
        load_config(path, {})


def test_env_overrides_file_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "settings:\n  feed_max_age: 120\n  listen: 127.0.0.1:1\n" + BASE)
    config = load_config(path, {"FEEDSVC_FEED_MAX_AGE": "300", "FEEDSVC_TEST_ANYTHING": "x"})
    assert config.settings.feed_max_age == 300
    assert config.settings.listen == "127.0.0.1:1"


def test_no_path_gives_env_settings_and_no_sources() -> None:
    config = load_config(None, {"FEEDSVC_JITTER": "0.5"})
    assert config.sources == ()
    assert config.path is None
    assert config.settings.jitter == 0.5


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("15m", 900),
        ("2h", 7200),
        ("1d", 86400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("7d", 604800),
        ("900", 900),
        (60, 60),
        ("2H", 7200),
    ],
)
def test_parse_interval(text: str | int, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29s", "must be between 30s and 7d, got '29s'"),
        ("7d1s", "must be between 30s and 7d, got '7d1s'"),
        ("", "expected a duration"),
        ("15 minutes", "expected a duration"),
        ("m", "expected a duration"),
        ("-5m", "expected a duration"),
        (5, "must be between 30s and 7d, got '5'"),
    ],
)
def test_parse_interval_rejects(text: str | int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_interval(text)


def test_a_sources_file_past_one_mib_loads(tmp_path: Path) -> None:
    """10,000 sources of ~300 bytes (URL, category, interval, selectors) are ~3 MB: a file
    that size is a real deployment (issue 13's target), not an attack."""
    pad = "# " + "x" * 98 + "\n"  # comments: the size without the parsing time
    path = write(tmp_path, BASE + pad * 30_000)  # ~3 MB
    assert path.stat().st_size > 3 * 10**6
    assert [s.id for s in load_config(path, {}).sources] == ["good"]


def test_a_sources_file_past_the_cap_is_refused_unread(tmp_path: Path) -> None:
    from feedsvc.yamlfile import MAX_FILE_BYTES

    path = write(tmp_path, BASE)
    with path.open("a", encoding="utf-8") as file:
        file.write("#" * MAX_FILE_BYTES + "\n")
    assert problems_of(path) == [
        f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB; not a sources file"
    ]
