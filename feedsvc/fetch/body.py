"""Read a response body under two caps: bytes received and bytes after decompression.

aiohttp's transparent decompression hides the compressed size, so the fetcher turns it off
(``auto_decompress=False``) and decompresses here, which makes both caps exact:

* ``max_body_bytes`` bounds the bytes taken off the wire (after chunked transfer-decoding,
  before Content-Encoding is undone). A Content-Length above it is refused before reading.
* ``max_decompressed_bytes`` bounds the bytes after undoing gzip/deflate. zlib is asked for
  at most "what is left under the cap, plus one byte" per input chunk, so a gzip bomb never
  inflates more than the cap plus one byte in memory before it is refused.

Only the encodings the fetcher advertises (gzip, deflate) are undone; any other
Content-Encoding is refused rather than handed on as compressed bytes.
"""

from __future__ import annotations

import zlib

from aiohttp import ClientResponse

from feedsvc.errors import FetchError, TooLargeError, UnsupportedContentError

CHUNK_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"

_GZIP_MAGIC = b"\x1f\x8b"


class Decompressor:
    """Undoes one Content-Encoding incrementally, never producing more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._obj: zlib._Decompress | None = None
        self._pending = b""  # deflate: the first bytes, until the header can be sniffed
        self._done = False

    def feed(self, data: bytes, max_length: int) -> bytes:
        """Decompress ``data``; returns at most ``max_length`` bytes (more input is dropped)."""
        out: list[bytes] = []
        budget = max_length
        data = self._pending + data
        self._pending = b""
        while data and not self._done and budget > 0:
            if self._obj is None:
                if self.encoding == "deflate" and len(data) < 2:
                    self._pending = data
                    break
                self._obj = zlib.decompressobj(self._wbits(data))
            chunk = self._obj.decompress(data, budget)
            out.append(chunk)
            budget -= len(chunk)
            if self._obj.eof:
                data = self._obj.unused_data
                self._obj = None
                # Concatenated gzip members are one body; anything else after the end of
                # the stream is padding some servers add, and is ignored.
                if not (self.encoding == "gzip" and data.startswith(_GZIP_MAGIC)):
                    self._done = True
            else:
                data = self._obj.unconsumed_tail
        return b"".join(out)

    def _wbits(self, head: bytes) -> int:
        if self.encoding == "gzip":
            return 16 + zlib.MAX_WBITS
        # HTTP "deflate" means a zlib stream, but some servers send raw deflate: sniff the
        # two-byte zlib header (method 8, header checksum divisible by 31).
        is_zlib = head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0
        return zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS


def content_decoder(url: str, header: str | None) -> Decompressor | None:
    """The decompressor for a Content-Encoding header value; None for an identity body."""
    encoding = (header or "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return Decompressor("gzip")
    if encoding == "deflate":
        return Decompressor("deflate")
    raise UnsupportedContentError(
        url, f"unsupported Content-Encoding {header!r} (asked for {ACCEPT_ENCODING})"
    )


async def read_capped(
    response: ClientResponse, url: str, *, max_body_bytes: int, max_decompressed_bytes: int
) -> bytes:
    """The whole (decompressed) body, or TooLargeError as soon as a cap is passed."""
    decoder = content_decoder(url, response.headers.get("Content-Encoding"))
    where = "" if str(response.url) == url else f" (from {response.url})"
    length = response.content_length
    if length is not None:
        if length > max_body_bytes:
            raise TooLargeError(
                url, f"Content-Length {length} exceeds max_body_bytes={max_body_bytes}{where}"
            )
        if decoder is None and length > max_decompressed_bytes:
            raise TooLargeError(
                url,
                f"Content-Length {length} exceeds "
                f"max_decompressed_bytes={max_decompressed_bytes}{where}",
            )

    received = 0
    size = 0
    parts: list[bytes] = []
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        received += len(chunk)
        if received > max_body_bytes:
            raise TooLargeError(
                url, f"body exceeds max_body_bytes={max_body_bytes} as received{where}"
            )
        try:
            data = (
                chunk if decoder is None else decoder.feed(chunk, max_decompressed_bytes - size + 1)
            )
        except zlib.error as exc:
            raise FetchError(url, f"corrupt {decoder and decoder.encoding} body: {exc}") from exc
        size += len(data)
        if size > max_decompressed_bytes:
            raise TooLargeError(
                url,
                f"body exceeds max_decompressed_bytes={max_decompressed_bytes} "
                f"after decompression{where}",
            )
        parts.append(data)
    return b"".join(parts)
