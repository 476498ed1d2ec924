"""Credentials in URLs are redacted in errors, logs and command output."""

from __future__ import annotations

import logging
import socket
from io import StringIO
from pathlib import Path

import pytest

from feedsvc.cli import main
from feedsvc.config import Settings
from feedsvc.errors import ExtractError, FetchError
from feedsvc.fetch import Fetcher
from feedsvc.redact import RedactingFormatter, redact_credentials


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://user:secret@host/a", "https://***@host/a"),
        ("http://token@host:8080/", "http://***@host:8080/"),
        ("http://us%40er:p@ss@host/x?y=1", "http://***@host/x?y=1"),
        ("postgresql+asyncpg://feeds:pw@db/feeds", "postgresql+asyncpg://***@db/feeds"),
        (
            "a → http://u:p@one/ → HTTPS://v:q@two/x",
            "a → http://***@one/ → HTTPS://***@two/x",
        ),
        ("'http://u:p@h/'", "'http://***@h/'"),
        # Nothing to hide: an "@" in a path, a query or a mail address is left alone.
        ("http://host/@user/page?to=a@b.c", "http://host/@user/page?to=a@b.c"),
        ("http://host?q=a@b", "http://host?q=a@b"),
        ("write to ops@example.org", "write to ops@example.org"),
        ("", ""),
    ],
)
def test_redact_credentials(text: str, expected: str) -> None:
    assert redact_credentials(text) == expected


def test_errors_never_carry_credentials() -> None:
    url = "https://reader:hunter2@news.example/list"
    error = FetchError(url, "HTTP 500 from https://reader:hunter2@news.example/moved")
    assert "hunter2" not in str(error) and "hunter2" not in error.reason
    assert str(error).startswith("https://***@news.example/list: ")
    assert error.url == url  # kept whole for the code that fetches it again
    assert "hunter2" not in str(ExtractError(url, "no links"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_a_failed_fetch_does_not_show_the_password() -> None:
    url = f"http://reader:hunter2@127.0.0.1:{_closed_port()}/list"
    settings = Settings(allow_private_networks=True, obey_robots_txt=False, connect_timeout=2)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(url)
    assert "hunter2" not in str(caught.value)
    assert "***@127.0.0.1" in str(caught.value)


def test_log_lines_and_tracebacks_are_redacted() -> None:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s"))
    logger = logging.getLogger("feedsvc.test_redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("bad http://a:hunter2@h/")
        except ValueError:
            logger.exception("fetching %s", "http://a:hunter2@h/x")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    out = stream.getvalue()
    assert "hunter2" not in out
    assert "fetching http://***@h/x" in out and "bad http://***@h/" in out


def test_cli_refresh_and_sources_output_is_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        "settings:\n"
        f"  database_url: sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}\n"
        "  connect_timeout: 2\n"
        "  obey_robots_txt: false\n"
        "sources:\n"
        "  - id: locked\n"
        "    name: locked\n"
        f"    url: http://reader:hunter2@127.0.0.1:{_closed_port()}/list\n"
        "    allow_private_networks: true\n",
        encoding="utf-8",
    )
    assert main(["refresh", "--config", str(config)]) != 0
    assert main(["sources", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "locked" in out and "last error: http://***@127.0.0.1" in out, out
    assert "hunter2" not in out + err
