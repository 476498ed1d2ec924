"""Small deterministic PNG pictures for demo articles (no imaging library needed)."""

from __future__ import annotations

import hashlib
import struct
import zlib

WIDTH = 160
HEIGHT = 90


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def demo_png(key: str) -> bytes:
    """A 160×90 RGB picture whose colours derive from ``key``: same key, same bytes."""
    digest = hashlib.sha256(key.encode()).digest()
    top, bottom = digest[0:3], digest[3:6]
    rows = bytearray()
    for y in range(HEIGHT):
        # A vertical gradient with a horizon band reads as "a photo" at thumbnail size.
        mix = y / (HEIGHT - 1)
        colour = bytes(round(a * (1 - mix) + b * mix) for a, b in zip(top, bottom, strict=True))
        band = bytes(255 - c for c in colour) if HEIGHT // 2 <= y < HEIGHT // 2 + 6 else colour
        rows += b"\x00" + band * WIDTH
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
