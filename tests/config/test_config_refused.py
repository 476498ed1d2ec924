"""Hostile or nonsensical sources files: one line ``FILE:LINE: field: message``, exit 2.

Every case runs through ``python -m feedsvc.config --check`` (in-process, the same code
as the command) and a few through a real ``feedsvc serve --config FILE``: no traceback,
nothing written (no database file created).
"""

# ruff: noqa: E501  (the table reads best one case per line)

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from cli_run import free_port, run_feedsvc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedsvc.config.__main__ import main as config_main

BIG = "9" * 5000


@dataclass(frozen=True)
class Case:
    """A sources file (``{dir}`` is the test's folder) and the start of the error it gives."""

    name: str
    text: str  # file contents; "@/dev/zero" names an existing path instead
    expected: str  # "{path}" stands for the file; the rest must follow it verbatim
    env: dict[str, str] = field(default_factory=dict)


def with_db(settings: str = "", source: str = "", url: str = "http://example.org/news/") -> str:
    return (
        f"settings:\n  database_url: sqlite+aiosqlite:///{{dir}}/feeds.db\n{settings}"
        f"sources:\n  - id: a\n    url: {url}\n{source}"
    )


CASES = [
    Case(
        "python/object",
        with_db(source="    name: !!python/object:os.system {}\n"),
        "{path}:6: sources[0].name: the YAML tag !!python/object:os.system",
    ),
    Case(
        "python/name",
        with_db("  user_agent: !!python/name:os.system\n"),
        "{path}:3: settings.user_agent: the YAML tag !!python/name:os.system",
    ),
    Case(
        "python/object/apply",
        with_db(source="    interval: !!python/object/apply:os.system ['true']\n"),
        "{path}:6: sources[0].interval: the YAML tag !!python/object/apply:os.system",
    ),
    Case(
        "python/tuple",
        with_db(source="    category: !!python/tuple [a]\n"),
        "{path}:6: sources[0].category: the YAML tag !!python/tuple",
    ),
    Case(
        "python tag at the top",
        "!!python/object:os.system {}\n",
        "{path}:1: the YAML tag !!python/object:os.system",
    ),
    Case(
        "local tag",
        with_db(source="    name: !secret x\n"),
        "{path}:6: sources[0].name: the YAML tag !secret",
    ),
    Case(
        "!!int abc",
        with_db("  max_redirects: !!int abc\n"),
        "{path}:3: settings.max_redirects: not a valid integer: 'abc'",
    ),
    Case(
        "!!float abc",
        with_db("  jitter: !!float abc\n"),
        "{path}:3: settings.jitter: not a valid number: 'abc'",
    ),
    Case(
        "!!bool maybe",
        with_db(source="    full_text: !!bool maybe\n"),
        "{path}:6: sources[0].full_text: not a valid boolean: 'maybe'",
    ),
    Case(
        "!!int in max_pages",
        with_db(source="    max_pages: !!int zz\n"),
        "{path}:6: sources[0].max_pages: not a valid integer: 'zz'",
    ),
    Case(
        "bad date",
        with_db("  listen: !!timestamp 2020-99-99\n"),
        "{path}:3: settings.listen: not a valid date: '2020-99-99'",
    ),
    Case(
        "!!binary garbage",
        with_db("  user_agent: !!binary '###'\n"),
        "{path}:3: settings.user_agent: the YAML tag !!binary",
    ),
    Case(
        "5000-digit setting",
        with_db(f"  max_redirects: {BIG}\n"),
        "{path}:3: settings.max_redirects: number too long (5000 characters",
    ),
    Case(
        "5000-digit max_pages",
        with_db(source=f"    max_pages: {BIG}\n"),
        "{path}:6: sources[0].max_pages: number too long (5000 characters",
    ),
    Case(
        "5000-digit interval",
        with_db(source=f"    interval: {BIG}\n"),
        "{path}:6: sources[0].interval: number too long (5000 characters",
    ),
    Case(
        "100k [", "sources: " + "[" * 100_000 + "\n", "{path}:1: sources[0][0]…: nested deeper than"
    ),
    Case(
        "20k {a:",
        "sources: " + "{a: " * 20_000 + "\n",
        "{path}:1: sources.a.a…: nested deeper than",
    ),
    Case(
        "20k-part CSS selector",
        with_db(source='    selectors:\n      item: "' + " > ".join(["div"] * 20_000) + '"\n'),
        "{path}:7: sources[0].selectors.item: selector too long (119997 characters",
    ),
    Case(
        "deep :not()",
        with_db(source='    selectors:\n      title: "' + ":not(" * 150 + "a" + ")" * 150 + '"\n'),
        "{path}:7: sources[0].selectors.title: ",
    ),
    Case(
        "PNG as database",
        "settings:\n  database_url: sqlite+aiosqlite:///{dir}/picture.png\n",
        "{path}:2: settings.database_url: {dir}/picture.png is not a SQLite database",
    ),
    Case(
        "text file as database",
        "settings:\n  database_url: sqlite+aiosqlite:///{dir}/notes.txt\n",
        "{path}:2: settings.database_url: {dir}/notes.txt is not a SQLite database",
    ),
    Case(
        "folder as database",
        "settings:\n  database_url: sqlite+aiosqlite:///{dir}\n",
        "{path}:2: settings.database_url: {dir} is a folder",
    ),
    Case("/dev/zero", "@/dev/zero", "/dev/zero: larger than 8 MiB"),
    Case(
        "encoding rot13",
        with_db(source="    encoding: rot13\n"),
        "{path}:6: sources[0].encoding: 'rot13' is not a text encoding",
    ),
    Case(
        "encoding base64",
        with_db(source="    encoding: base64\n"),
        "{path}:6: sources[0].encoding: 'base64' is not a text encoding",
    ),
    Case(
        "encoding zlib_codec",
        with_db(source="    encoding: zlib_codec\n"),
        "{path}:6: sources[0].encoding: 'zlib_codec' is not a text encoding",
    ),
    Case(
        "encoding hex",
        with_db(source="    encoding: hex\n"),
        "{path}:6: sources[0].encoding: 'hex' is not a text encoding",
    ),
    Case(
        "timeout inf (env)",
        with_db(),
        "FEEDSVC_CONNECT_TIMEOUT: must be a finite number, got inf",
        {"FEEDSVC_CONNECT_TIMEOUT": "inf"},
    ),
    Case(
        "timeout nan (env)",
        with_db(),
        "FEEDSVC_CONNECT_TIMEOUT: must be a finite number, got nan",
        {"FEEDSVC_CONNECT_TIMEOUT": "nan"},
    ),
    Case(
        "timeout negative (env)",
        with_db(),
        "FEEDSVC_CONNECT_TIMEOUT: must be greater than 0, got -1.0",
        {"FEEDSVC_CONNECT_TIMEOUT": "-1"},
    ),
    Case(
        "timeout a year (env)",
        with_db(),
        "FEEDSVC_CONNECT_TIMEOUT: must be at most 3600, got 31536000.0",
        {"FEEDSVC_CONNECT_TIMEOUT": "31536000"},
    ),
    Case(
        "timeout .inf",
        with_db("  read_timeout: .inf\n"),
        "{path}:3: settings.read_timeout: must be a finite number, got inf",
    ),
    Case(
        "lease overflow",
        with_db("  lease_seconds: 1000000000000000000000\n"),
        "{path}:3: settings.lease_seconds: must be at most",
    ),
    Case("IDNA xn--", with_db(url="http://xn--/"), "{path}:5: sources[0].url: invalid host 'xn--'"),
    Case(
        "IDNA empty label",
        with_db(url="http://a..b/"),
        "{path}:5: sources[0].url: invalid host 'a..b'",
    ),
    Case(
        "IDNA label > 63",
        with_db(url=f"http://{'a' * 64}.com/"),
        f"{{path}}:5: sources[0].url: invalid host '{'a' * 64}.com'",
    ),
    Case(
        "IDNA bad unicode",
        with_db(url="http://a\u200db.com/"),
        "{path}:5: sources[0].url: invalid host",
    ),
    Case(
        "extract_workers unbounded",
        with_db("  extract_workers: 100000\n"),
        "{path}:3: settings.extract_workers: must be at most 64, got 100000",
    ),
]


def materialize(case: Case, folder: Path) -> Path:
    """Write the case's file (and the non-database files it points at) into ``folder``."""
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    (folder / "notes.txt").write_text("a shopping list\n" * 50, encoding="utf-8")
    if case.text.startswith("@"):
        return Path(case.text[1:])
    path = folder / "sources.yaml"
    path.write_text(case.text.replace("{dir}", str(folder)), encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


def expected(case: Case, path: Path, folder: Path) -> str:
    return case.expected.replace("{path}", str(path)).replace("{dir}", str(folder))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_refuses_with_file_line_field(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in [v for v in os.environ if v.startswith("FEEDSVC_")]:
        monkeypatch.delenv(var)
    for var, value in case.env.items():
        monkeypatch.setenv(var, value)
    path = materialize(case, tmp_path)
    before = listing(tmp_path)
    code = config_main(["--check", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert expected(case, path, tmp_path) in err, err
    assert "Traceback" not in err
    assert listing(tmp_path) == before


SERVED = [
    "python/name",
    "5000-digit setting",
    "100k [",
    "PNG as database",
    "/dev/zero",
    "encoding rot13",
    "timeout inf (env)",
    "IDNA xn--",
]


@pytest.mark.parametrize("case", [c for c in CASES if c.name in SERVED], ids=SERVED)
def test_serve_refuses_with_file_line_field(case: Case, tmp_path: Path) -> None:
    path = materialize(case, tmp_path)
    before = listing(tmp_path)
    listen = {"FEEDSVC_LISTEN": f"127.0.0.1:{free_port()}"}  # never bound: refused before
    done = run_feedsvc("serve", "--config", str(path), cwd=tmp_path, env={**listen, **case.env})
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert expected(case, path, tmp_path) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert listing(tmp_path) == before


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+asyncpg://feedsvc@127.0.0.1:1/feeds", "{path}:2: settings.database_url: cannot open the database postgresql+asyncpg://***@127.0.0.1:1/feeds:"),
        ("postgresql+asyncpg://feedsvc:s3cret@127.0.0.1:1/feeds", "{path}:2: settings.database_url: cannot open the database postgresql+asyncpg://***@127.0.0.1:1/feeds:"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["serve", "sources", "migrate"])
def test_unreachable_database_is_one_line_naming_the_setting(
    tmp_path: Path, url: str, expected: str, command: str
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(f"settings:\n  database_url: {url}\nsources: []\n", encoding="utf-8")
    listen = {"FEEDSVC_LISTEN": f"127.0.0.1:{free_port()}"}  # serve binds before the database
    done = run_feedsvc(command, "--config", str(path), cwd=tmp_path, env=listen)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "database" in line]
    assert len(lines) == 1, done.stderr
    assert expected.replace("{path}", str(path)) in lines[0]


# Any text: the check answers 0 or 2, never a traceback.
YAML_BITS = st.sampled_from(
    [
        "sources:", "settings:", "\n", "  ", "- ", "id: a", "url: http://e.org/", ": ", "[", "]",
        "{", "}", ",", "&a ", "*a", "<<: ", "!!python/object:os.system ", "!!int ", "!!binary ",
        "!!float ", "!!bool ", "!!timestamp ", "!!set ", "!!omap ", "!x ", "'", '"', "#", "|",
        ">", "9" * 40, "1e999", ".inf", "2020-13-45", "max_pages: ", "interval: ", "encoding: ",
        "selectors:", "item: ", "xpath:", "null", "~", "\t", "%YAML 1.1\n", "---\n", "...\n",
    ]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(YAML_BITS, st.text(max_size=5)), max_size=40).map("".join),
)


@settings(
    max_examples=int(os.environ.get("FEEDSVC_TEST_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=TEXTS)
def test_any_yaml_text_gives_0_or_2_and_never_a_traceback(
    text: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in [v for v in os.environ if v.startswith("FEEDSVC_")]:
        monkeypatch.delenv(var)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sources.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code = config_main(["--check", str(path)])
        assert sorted(p.name for p in Path(folder).iterdir()) == ["sources.yaml"]
    _out, err = capsys.readouterr()
    assert code in (0, 2), err
    if code == 2:
        assert str(path) in err


@settings(max_examples=60, deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_yaml_document_gives_0_or_2(value: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sources.yaml"
        document = {"sources": value} if not isinstance(value, dict) else value
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        assert config_main(["--check", str(path)]) in (0, 2)
