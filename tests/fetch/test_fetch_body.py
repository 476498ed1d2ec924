"""Incremental decompression under a cap (the part of body reading without a server)."""

from __future__ import annotations

import gzip
import zlib

import pytest

from feedsvc.errors import UnsupportedContentError
from feedsvc.fetch.body import Decompressor, content_decoder

TEXT = "潍坊新闻 weifang news ".encode() * 2000


def feed_all(decoder: Decompressor, data: bytes, step: int = 1000, cap: int = 10**9) -> bytes:
    return b"".join(decoder.feed(data[i : i + step], cap) for i in range(0, len(data), step))


def test_gzip_in_small_chunks() -> None:
    assert feed_all(Decompressor("gzip"), gzip.compress(TEXT), step=7) == TEXT


def test_concatenated_gzip_members_are_one_body() -> None:
    data = gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])
    assert feed_all(Decompressor("gzip"), data) == TEXT


def test_zlib_wrapped_and_raw_deflate() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(TEXT) + raw.flush()
    assert feed_all(Decompressor("deflate"), zlib.compress(TEXT), step=1) == TEXT
    assert feed_all(Decompressor("deflate"), raw_deflate, step=1) == TEXT


def test_output_never_exceeds_the_requested_length() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB that inflates to 50 MB
    out = Decompressor("gzip").feed(bomb, 4096)
    assert len(out) == 4096


def test_trailing_garbage_after_the_stream_is_ignored() -> None:
    assert feed_all(Decompressor("gzip"), gzip.compress(TEXT) + b"\0\0\0\0") == TEXT


@pytest.mark.parametrize(
    ("header", "kind"), [("GZIP", "gzip"), ("x-gzip", "gzip"), ("deflate", "deflate")]
)
def test_content_decoder_for_supported_encodings(header: str, kind: str) -> None:
    decoder = content_decoder("http://a.test/", header)
    assert decoder is not None
    assert decoder.encoding == kind


@pytest.mark.parametrize("header", [None, "", "identity"])
def test_no_decoder_for_identity(header: str | None) -> None:
    assert content_decoder("http://a.test/", header) is None


def test_unsupported_encoding_names_url_and_encoding() -> None:
    with pytest.raises(UnsupportedContentError, match=r"http://a.test/x: .*'br'"):
        content_decoder("http://a.test/x", "br")
