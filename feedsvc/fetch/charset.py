"""Turn a page's bytes into text, choosing the charset the way a careful browser would.

Order: forced → BOM → HTTP ``charset`` → ``<meta charset>`` / ``<meta http-equiv>`` /
XML declaration (first 8 KB) → detection (UTF-8, GB18030, then charset-normalizer) →
UTF-8 with replacement characters.

A declared charset whose bytes decode cleanly is never overridden. Real Chinese sites
still break the naive order, in ways present in the corpus:

* Pages re-encoded as UTF-8 that still declare ``gb2312``. Such a lie is only believed when
  the declared reading is detectably wrong, not merely when the bytes are also valid UTF-8:
  short GB text often is ("小时前" in GBK reads as UTF-8 "Сʱǰ"). Wrong means: it fails to
  decode; or, for GB, it is mostly characters Chinese text does not use (outside GB2312,
  kana, Greek, Cyrillic, box drawing: under 1% on real GB pages, 60-80% when UTF-8 is
  read as GB); or the declared charset is single-byte, whose reading of valid multi-byte
  UTF-8 is always mojibake such as "Ã©". UTF-8 then wins and the source is ``"detected"``.
* GB pages with a handful of invalid byte sequences. A declaration that decodes all but a
  few bytes is kept and decoded with ``errors="replace"`` instead of being thrown away.
* Pages that declare nothing. Valid UTF-8 wins unless its reading is mostly two-byte letters
  (Cyrillic, Greek, IPA…, what GB bytes become) while a GB18030 reading is plausible Chinese;
  bytes that are not UTF-8 are GB18030 when that reading is plausible (charset-normalizer
  guesses Korean or Big5 for a few Chinese words), else charset-normalizer decides.
* Double-encoded text (UTF-8 read as GB and written back as UTF-8) is repaired only when
  the text is mojibake-shaped by the same measure and the repair is plausible.

GB2312, GBK, CP936 and x-gbk are decoded as GB18030, their superset (browsers do the same
for GBK), so characters outside GB2312 and user-defined-area pairs never fail. Latin-1 and
ASCII labels become windows-1252, as in the WHATWG Encoding Standard. Unknown charset names
are ignored, never fatal: the next step decides.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes

EncodingSource = Literal["forced", "bom", "http", "meta", "detected", "fallback", "repaired"]

# WHATWG's prescan reads 1 KB; real pages put long inline scripts before their meta tag,
# and the corpus has declarations up to ~7 KB in, so we look further.
META_SCAN_BYTES = 8192

# A declaration is kept with replacement characters when at most this share of its
# non-ASCII bytes fail to decode (the corpus' worst GB page: 12 bad sequences).
MAX_BAD_RATIO = 0.01

# charset-normalizer's "chaos" (share of odd-looking characters) above which a single-byte
# guess is doubted in favour of a GB18030 reading that decodes almost everything.
MAX_DETECTED_CHAOS = 0.05

# Evidence for choosing between two readings of the same bytes (see the module docstring).
MAX_UNUSUAL_GB_SHARE = 0.2  # of a GB reading's non-ASCII characters
MAX_TWO_BYTE_SHARE = 0.5  # of a UTF-8 reading's non-ASCII characters

_MULTIBYTE = frozenset(
    {"gb18030", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949"}
)
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "x-gbk", "euc-cn", "x-euc-cn", "gb18030"})
_LATIN1_LABELS = frozenset({"latin-1", "iso8859-1", "ascii"})
_UTF8 = "utf-8"
_NON_ASCII_BYTES = bytes(range(0x80, 0x100))
_GB = "gb18030"
_NON_ASCII = re.compile("[^\x00-\x7f]")
# One character of GB18030 bytes; the group matches the usual ones in Chinese text: GB2312's
# symbol rows (punctuation, numerals, full-width forms) and its hanzi. Everything else (GBK
# extensions, user-defined areas, four-byte forms, kana, Greek, Cyrillic, pinyin, box
# drawing) is rare in Chinese prose and common when other bytes are read as GB.
_GB_CHAR = re.compile(
    rb"([\xa1-\xa3\xb0-\xf7][\xa1-\xfe])"
    rb"|[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\xfe]|[\x80-\xff]"
)
# What two-byte GB or Big5 characters become when their bytes happen to be valid UTF-8.
_TWO_BYTE_LETTER = re.compile("[\u0100-\u07ff]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_RE = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name that produced ``text``
    source: EncodingSource


def normalize_charset(label: str | None) -> str | None:
    """Map a charset label to the Python codec we decode it with, or None if unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").strip().lower()
    if not cleaned:
        return None
    if cleaned in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(cleaned).name
    except LookupError:
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    if name in _LATIN1_LABELS:
        return "cp1252"
    return name


def find_declared_charset(body: bytes) -> str | None:
    """The first charset label declared in the page's head (meta or XML declaration)."""
    head = body[:META_SCAN_BYTES]
    xml = _XML_DECL_RE.match(head)
    if xml:
        return xml.group(1).decode("ascii")
    meta = _META_RE.search(head)
    if meta:
        return meta.group(1).decode("ascii")
    return None


# Garbage detection: a page is refused rather than stored when it is mostly replacement
# characters, or carries the "锟斤拷" that U+FFFD becomes when UTF-8 is re-read as GBK.
MAX_REPLACEMENT_SHARE = 0.05
MIN_REPLACEMENTS = 20
_DOUBLE_REPLACEMENT = "锟斤拷"


def garbled_reason(text: str) -> str | None:
    """Why decoded text is garbage (a message naming the evidence), or None when it is not."""
    bad = text.count("\ufffd")
    if bad >= MIN_REPLACEMENTS:
        non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
        if bad > non_ascii * MAX_REPLACEMENT_SHARE:
            return f"{bad} of {non_ascii} non-ASCII characters are undecodable (U+FFFD)"
    doubled = text.count(_DOUBLE_REPLACEMENT)
    if doubled >= 3:
        return f"{doubled} '锟斤拷' sequences (undecodable bytes: U+FFFD in UTF-8 read as GBK)"
    return None


def repair_mojibake(text: str) -> str | None:
    """UTF-8 text that was read (or stored) as GBK, restored; None when ``text`` is not that.

    Re-encoding as GB18030 gives back the original bytes, which must decode strictly as
    UTF-8. Short real text passes that test by accident ("小时前" → "Сʱǰ"), so the text must
    also read as mojibake and the repair as plausible text (see the module docstring).
    """
    if text.isascii():
        return None
    try:
        fixed = text.encode(_GB).decode(_UTF8)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if fixed == text or gb_reading_is_plausible(text) or not utf8_reading_is_plausible(fixed):
        return None
    return fixed


def gb_reading_is_plausible(text: str) -> bool:
    """Whether ``text`` (a GB reading) uses the characters Chinese text uses: GB2312's
    hanzi and symbols, rarely anything else (what other bytes read as GB give)."""
    chars = _GB_CHAR.findall("".join(_NON_ASCII.findall(text)).encode(_GB, errors="replace"))
    return chars.count(b"") <= len(chars) * MAX_UNUSUAL_GB_SHARE


def utf8_reading_is_plausible(text: str) -> bool:
    """Whether ``text`` (a UTF-8 reading) is not mostly two-byte letters (U+0100–U+07FF),
    which is what two-byte GB or Big5 characters become when their bytes are valid UTF-8."""
    return len(_TWO_BYTE_LETTER.findall(text)) <= _non_ascii(text) * MAX_TWO_BYTE_SHARE


def _non_ascii(text: str) -> int:
    return len(_NON_ASCII.findall(text))


def decode_html(body: bytes, http_charset: str | None, forced: str | None = None) -> Decoded:
    """Decode an HTML page; see the module docstring for the order of evidence. Text that
    turns out to be UTF-8 read as GBK (double-encoded pages, a wrong forced charset) is
    repaired; check the result with :func:`garbled_reason` before storing it."""
    decoded = _decode(body, http_charset, forced)
    if decoded.source == "forced" and decoded.encoding != _UTF8 and not body.isascii():
        # A legacy charset forced on bytes that are valid multi-byte UTF-8 would store
        # mojibake when its reading is detectably wrong (see the module docstring).
        utf8_text = _strict(body, _UTF8)
        if utf8_text is not None and _reading_is_wrong(
            decoded.encoding, _strict(body, decoded.encoding)
        ):
            return Decoded(utf8_text, _UTF8, "repaired")
    fixed = repair_mojibake(decoded.text)
    return decoded if fixed is None else Decoded(fixed, _UTF8, "repaired")


def _decode(body: bytes, http_charset: str | None, forced: str | None) -> Decoded:
    forced_codec = normalize_charset(forced)
    if forced_codec is not None:
        return Decoded(body.decode(forced_codec, errors="replace"), forced_codec, "forced")

    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(codec, errors="replace"), codec, "bom")

    declared: list[tuple[str, EncodingSource]] = []
    http_codec = _ascii_compatible(normalize_charset(http_charset), body)
    if http_codec is not None:
        declared.append((http_codec, "http"))
    meta_codec = _meta_codec(body)
    if meta_codec is not None and meta_codec != http_codec:
        declared.append((meta_codec, "meta"))

    has_non_ascii = not body.isascii()
    utf8_text = _strict(body, _UTF8) if has_non_ascii else None

    for codec, source in declared:
        if codec == _UTF8 and (utf8_text is not None or not has_non_ascii):
            return Decoded(utf8_text or body.decode("ascii"), _UTF8, source)
        text = _strict(body, codec)
        if utf8_text is not None and _reading_is_wrong(codec, text):
            # The declaration lies, detectably: the valid UTF-8 wins.
            return Decoded(utf8_text, _UTF8, "detected")
        if text is not None:
            return Decoded(text, codec, source)
        lenient = _mostly_decodes(body, codec)
        if lenient is not None:
            return Decoded(lenient, codec, source)

    if not has_non_ascii:
        return Decoded(body.decode("ascii"), _UTF8, "detected")
    if utf8_text is not None and utf8_reading_is_plausible(utf8_text):
        return Decoded(utf8_text, _UTF8, "detected")
    gb_text = _strict(body, _GB)
    if gb_text is not None and gb_reading_is_plausible(gb_text):
        return Decoded(gb_text, _GB, "detected")
    if utf8_text is not None:
        return Decoded(utf8_text, _UTF8, "detected")
    detected = _detect(body)
    if detected is not None:
        return detected
    return Decoded(body.decode(_UTF8, errors="replace"), _UTF8, "fallback")


def _reading_is_wrong(codec: str, text: str | None) -> bool:
    """Whether ``text``, the strict reading in ``codec`` of bytes that are valid multi-byte
    UTF-8, is detectably wrong (None: it failed to decode)."""
    if text is None or codec not in _MULTIBYTE:
        # A single-byte reading of multi-byte UTF-8 is always mojibake ("Ã©").
        return True
    return codec == _GB and not gb_reading_is_plausible(text)


def _meta_codec(body: bytes) -> str | None:
    return _ascii_compatible(normalize_charset(find_declared_charset(body)), body)


def _ascii_compatible(codec: str | None, body: bytes) -> str | None:
    """UTF-16/32 labels on a body without NUL bytes mean UTF-8 (a BOM was already handled).

    A page whose tags read as ASCII is not UTF-16 or UTF-32, whatever its label says
    (WHATWG treats such meta labels as UTF-8 too).
    """
    if codec is not None and codec.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:1024]:
        return _UTF8
    return codec


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


def _mostly_decodes(body: bytes, codec: str) -> str | None:
    """Decode with replacements when only a small share of the non-ASCII bytes is invalid."""
    text = body.decode(codec, errors="replace")
    # Counting U+FFFD over-counts pages that contain it legitimately, which only makes
    # this more conservative.
    bad = text.count("\ufffd")
    non_ascii = len(body) - len(body.translate(None, _NON_ASCII_BYTES))
    return text if bad <= max(1, non_ascii * MAX_BAD_RATIO) else None


def _detect(body: bytes) -> Decoded | None:
    best = from_bytes(body).best()
    codec = None if best is None else normalize_charset(str(best.encoding))
    text = None if codec is None else _strict(body, codec)
    trusted = codec in _MULTIBYTE or (best is not None and best.chaos < MAX_DETECTED_CHAOS)
    if text is not None and codec is not None and trusted:
        return Decoded(text, codec, "detected")
    # charset-normalizer drops every codec that fails strictly, so a GB page with a few
    # invalid bytes comes back as a messy single-byte guess (cp1251, ptcp154, …) or as
    # nothing. A Chinese-first service prefers GB18030 when it decodes all but a few bytes.
    gb_text = _mostly_decodes(body, _GB)
    if gb_text is not None:
        return Decoded(gb_text, _GB, "detected")
    if codec is None:
        return None
    if text is None:
        text = _mostly_decodes(body, codec)
    return None if text is None else Decoded(text, codec, "detected")
