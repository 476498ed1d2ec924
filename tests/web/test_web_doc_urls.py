"""Every feed URL example in README.md and docs/*.md works when pasted, as a person would:
into curl or a browser, where a '+' in a query arrives as a space.

Query examples (``?since=…``, ``?q=…``, ``?limit=…`` with a concrete value) run against
``/feeds/latest.atom``; absolute demo URLs (``http://127.0.0.1:8080/…``) run against the
test server. A line that documents an error (it says 400 or "out of range") must give 400
with a message that shows a working form. The admin API's examples run in tests/api.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from web_support import ClientMaker

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A concrete value: no placeholder such as N, WORD, TIME or CURSOR.
QUERY = re.compile(r"[?&](since|q|limit)=([^\s`'\")&<>]+)")
DEMO_URL = re.compile(r"http://127\.0\.0\.1:8080(/[^\s`'\")<>]*)")
PLACEHOLDER = re.compile(r"^[A-Z]+$|…")


def _examples() -> list[tuple[str, str, bool]]:
    found: dict[tuple[str, bool], str] = {}
    for doc in DOCS:
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{doc.name}:{number}"
            error = "400" in line or "out of range" in line
            for name, value in QUERY.findall(line):
                if not PLACEHOLDER.search(value):
                    found.setdefault((f"/feeds/latest.atom?{name}={value}", error), where)
            for path in DEMO_URL.findall(line):
                if not path.startswith("/api/"):
                    found.setdefault((path, error), where)
    return [(path, where, error) for (path, error), where in found.items()]


EXAMPLES = _examples()


def test_the_docs_have_examples_to_check() -> None:
    paths = {path for path, _, _ in EXAMPLES}
    assert any("since=" in p and "+08:00" in p for p in paths), paths  # the README's
    assert "/feeds/categories/财经.atom" in paths


@pytest.mark.parametrize(("path", "where", "error"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
async def test_a_pasted_example_works(
    make_client: ClientMaker, path: str, where: str, error: bool
) -> None:
    client = await make_client()
    # Sent raw: the test client (like curl and browsers) leaves '+' as it is, and the
    # server reads it as a space, exactly as it does for a pasted URL.
    parts = urlsplit(path)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    response = await client.get(target)
    text = await response.text()
    if error:
        assert response.status == 400, f"{where}: {path} → {response.status}"
        assert "%2B" in text or "Z" in text, text
    else:
        assert response.status == 200, f"{where}: {path} → {response.status}: {text[:200]}"


@pytest.mark.parametrize(
    "since",
    ["2026-01-01T00:00:00+08:00", "2026-01-01T00:00:00 08:00", "2026-01-01 00:00:00 08:00"],
)
async def test_plus_sent_as_a_space_is_the_offset_it_was(
    make_client: ClientMaker, since: str
) -> None:
    client = await make_client()
    raw = await client.get(f"/feeds/latest.atom?since={since}")
    encoded = await client.get("/feeds/latest.atom", params={"since": "2026-01-01T00:00:00+08:00"})
    assert raw.status == 200, await raw.text()
    assert await raw.read() == await encoded.read()


async def test_a_bad_since_shows_a_form_that_works_in_a_url(make_client: ClientMaker) -> None:
    client = await make_client()
    response = await client.get("/feeds/latest.atom?since=yesterday")
    assert response.status == 400
    assert "%2B08:00" in await response.text()
