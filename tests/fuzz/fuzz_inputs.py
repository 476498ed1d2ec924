"""Coverage-guided fuzzing (atheris, libFuzzer) of the paths that read untrusted input:
charset decoding, HTML extraction (article, list), the date parser and URL normalization.

Run by tests/fuzz/test_fuzz.py for a bounded time; by hand for longer::

    .venv/bin/python tests/fuzz/fuzz_inputs.py -max_total_time=600 /tmp/corpus tests/fuzz/seeds

The first byte picks the target; the rest is its input. Documented errors (ExtractError
from extraction, ValueError naming the URL from normalize_url) are results; any other
exception is a finding: libFuzzer stops and writes the input as crash-<hash>.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports(include=["feedsvc"]):
    from feedsvc.errors import ExtractError
    from feedsvc.extract import (
        date_from_url,
        detect_list,
        extract_article,
        extract_list,
        find_datetime_in_text,
        parse_datetime,
    )
    from feedsvc.fetch.charset import decode_html, garbled_reason
    from feedsvc.normalize import canonical_url, normalize_url, same_site

# After the instrumented imports: it imports feedsvc too.
from fuzz_support import CHARSETS, NOW, NOWS, PAGE, SH


def _page(data: atheris.FuzzedDataProvider) -> None:
    header = CHARSETS[data.ConsumeIntInRange(0, len(CHARSETS) - 1)]
    body = data.ConsumeBytes(data.remaining_bytes())
    decoded = decode_html(body, header)
    garbled_reason(decoded.text)
    for extract in (_article, _list, _detect):
        with contextlib.suppress(ExtractError):
            extract(decoded.text)


def _article(html: str) -> None:
    extract_article(html, PAGE, selectors=None, tz=SH, now=NOW)


def _list(html: str) -> None:
    extract_list(html, PAGE, selectors=None, tz=SH, now=NOW)


def _detect(html: str) -> None:
    detect_list(html, PAGE, tz=SH, now=NOW)


def _dates(data: atheris.FuzzedDataProvider) -> None:
    now = NOWS[data.ConsumeIntInRange(0, len(NOWS) - 1)]
    text = data.ConsumeUnicodeNoSurrogates(data.remaining_bytes())
    parse_datetime(text, tz=SH, now=now)
    find_datetime_in_text(text, tz=SH, now=now)
    date_from_url(f"http://example.com/{text}", tz=SH, now=now)


def _urls(data: atheris.FuzzedDataProvider) -> None:
    url = data.ConsumeUnicodeNoSurrogates(data.remaining_bytes())
    with contextlib.suppress(ValueError):
        normalize_url(url)
    canonical_url(PAGE, url)
    same_site(PAGE, url)


TARGETS = (_page, _page, _dates, _urls)  # pages get half the time


def test_one_input(raw: bytes) -> None:
    data = atheris.FuzzedDataProvider(raw)
    TARGETS[data.ConsumeIntInRange(0, len(TARGETS) - 1)](data)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
