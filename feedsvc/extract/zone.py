"""Which time zone a page's naive times are in, when nobody configured one.

Chinese portals write ``2026-12-04 09:30`` and mean Beijing time; read as UTC every time
is 8 hours off. With no zone configured (the source's ``timezone``, or the setting
``timezone`` left at ``auto``), the zone follows the best evidence, strongest first:

1. the host's country-code TLD (``.cn`` → CN; generic-use ones such as ``.io``, ``.tv``
   and ``.co`` say nothing), since a site's country outweighs its audience's language;
2. a language tag with a region (``zh-TW`` → TW, ``en-GB`` → GB) from the source's
   ``language``, the page's ``<html lang>`` or its ``Content-Language`` meta;
3. a bare language spoken mostly in one country (``zh`` → CN, ``ja`` → JP, ``de`` → DE;
   not ``en``, ``es``, ``pt``, ``ar``, ``ru``, which span continents);
4. the page's writing: Han characters without kana or hangul are Chinese (every Chinese
   region keeps UTC+8, so CN), kana Japanese, hangul Korean — old portals often declare
   no language, and GBK pages rarely do.

A country maps to a zone through the tz database's ``zone.tab``: its only zone, or its
first-listed (principal) zone when all its zones lie within two hours of each other
(CN → Asia/Shanghai, ES → Europe/Madrid, ID → Asia/Jakarta). Countries spread wider
(US, RU, AU, BR, CA, MX) are no evidence: guessing New York for a Los Angeles paper
would be wrong by three hours. No evidence means UTC, and says so.

Pure and cheap: the page is sniffed in its first 16 KB with two bounded patterns, like
the HTML spec's charset prescan, so the zone is known before the page is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from yarl import URL

from feedsvc.langtag import page_language

AUTO = "auto"  # the setting's value meaning "decide per page from evidence"
FALLBACK = "UTC"
_SNIFF_CHARS = 16_384
_MAX_SPREAD_SECONDS = 2 * 3600

_TAG_VALUE = r"([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3})"
_HTML_LANG = re.compile(r"<html\b[^>]{0,2000}?\blang\s*=\s*[\"']?" + _TAG_VALUE, re.I)
_META_LANG = re.compile(
    r"<meta\b[^>]{0,500}?http-equiv\s*=\s*[\"']?content-language[\"']?[^>]{0,500}?"
    r"content\s*=\s*[\"']?" + _TAG_VALUE,
    re.I,
)

_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_MIN_SCRIPT_CHARS = 20
_SCRIPT_CHARS = 65_536  # a <head> full of scripts can hide the text past 16 KB

# ccTLDs sold for their letters, not their country.
_GENERIC_CCTLDS = frozenset((
    "ac", "ad", "ai", "am", "as", "bz", "cc", "cd", "cm", "co", "cx", "dj", "fm", "gg", "gl",
    "io", "la", "je", "ly", "md", "me", "ms", "mu", "nu", "sh", "so", "st", "sx", "tk", "to",
    "tv", "vc", "vg", "ws",
))  # fmt: skip
_TLD_COUNTRY = {"uk": "GB"}

# Languages written mostly in one country (or in countries sharing one offset).
_LANGUAGE_COUNTRY = {
    "zh": "CN", "ja": "JP", "ko": "KR", "de": "DE", "fr": "FR", "it": "IT", "nl": "NL",
    "pl": "PL", "cs": "CZ", "sk": "SK", "hu": "HU", "ro": "RO", "bg": "BG", "el": "GR",
    "tr": "TR", "uk": "UA", "he": "IL", "fa": "IR", "th": "TH", "vi": "VN", "id": "ID",
    "ms": "MY", "sv": "SE", "da": "DK", "fi": "FI", "nb": "NO", "nn": "NO", "no": "NO",
    "et": "EE", "lv": "LV", "lt": "LT", "sl": "SI", "hr": "HR", "sr": "RS", "ka": "GE",
    "hy": "AM", "is": "IS", "mn": "MN", "km": "KH", "lo": "LA", "my": "MM", "ne": "NP",
}  # fmt: skip
# Scripts that pick a country for Chinese: Hant without a region is Taiwan's usage.
_SCRIPT_COUNTRY = {("zh", "Hant"): "TW", ("zh", "Hans"): "CN"}


@dataclass(frozen=True)
class ZoneChoice:
    """The zone for a page's naive times and the evidence that decided it."""

    name: str
    evidence: str

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    def describe(self) -> str:
        """``Asia/Shanghai: host www.wfcmw.cn (.cn)``, as stored in the source's state."""
        return f"{self.name}: {self.evidence}"


def choose_zone(
    page_url: str,
    *,
    source_zone: str | None = None,
    setting_zone: str = AUTO,
    language: str | None = None,
    html: str = "",
) -> ZoneChoice:
    """The zone for ``page_url``: a configured zone (the source's ``timezone``, else the
    setting unless it is ``auto``) always wins; else the evidence above."""
    if source_zone:
        return ZoneChoice(source_zone, "the source's timezone")
    if setting_zone != AUTO:
        return ZoneChoice(setting_zone, "the timezone setting")
    host = URL(page_url).host or ""
    tld = host.rstrip(".").rpartition(".")[2].lower()
    if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC_CCTLDS:
        by_host = country_zone(_TLD_COUNTRY.get(tld, tld.upper()))
        if by_host is not None:
            return ZoneChoice(by_host, f"host {host} (.{tld})")
    tags = [("source language", language), *_sniff_languages(html)]
    for label, value in tags:  # regions first: zh-TW says more than zh
        tag = page_language(value)
        region = _region(tag) if tag else None
        by_region = country_zone(region) if region else None
        if by_region is not None:
            return ZoneChoice(by_region, f"{label} {tag}")
    for label, value in tags:
        tag = page_language(value)
        spoken_in = _LANGUAGE_COUNTRY.get(tag.split("-")[0]) if tag else None
        by_language = country_zone(spoken_in) if spoken_in else None
        if by_language is not None:
            return ZoneChoice(by_language, f"{label} {tag}")
    script = _script_country(html)
    if script is not None:
        country, evidence = script
        by_script = country_zone(country)
        if by_script is not None:
            return ZoneChoice(by_script, evidence)
    return ZoneChoice(FALLBACK, "no evidence (no zone configured, no country TLD or language)")


def _sniff_languages(html: str) -> list[tuple[str, str | None]]:
    head = html[:_SNIFF_CHARS]
    found: list[tuple[str, str | None]] = []
    for label, pattern in (("page lang", _HTML_LANG), ("page content-language", _META_LANG)):
        match = pattern.search(head)
        if match:
            found.append((label, match.group(1)))
    return found


def _script_country(html: str) -> tuple[str, str] | None:
    """The country the page's writing points to, when it is unmistakable: Chinese (Han
    without kana or hangul: any zh region is UTC+8, so CN), Japanese (kana), Korean
    (hangul). Many Chinese portals declare no language at all; their text does."""
    head = html[:_SCRIPT_CHARS]
    han = len(_HAN.findall(head))
    kana = len(_KANA.findall(head))
    hangul = len(_HANGUL.findall(head))
    if kana >= _MIN_SCRIPT_CHARS and kana * 4 >= han:
        return "JP", f"page text in Japanese ({kana} kana)"
    if hangul >= _MIN_SCRIPT_CHARS and hangul > han:
        return "KR", f"page text in Korean ({hangul} hangul)"
    if han >= _MIN_SCRIPT_CHARS and kana * 20 < han and hangul * 20 < han:
        return "CN", f"page text in Chinese ({han} Han characters)"
    return None


def _region(tag: str) -> str | None:
    parts = tag.split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    if len(parts) > 1:
        return _SCRIPT_COUNTRY.get((parts[0], parts[1]))
    return None


def country_zone(country: str) -> str | None:
    """The zone of ISO 3166 ``country``, or None when it has none or spans too wide."""
    zones = _country_zones().get(country.upper())
    if not zones:
        return None
    if len(zones) == 1 or _spread(zones) <= _MAX_SPREAD_SECONDS:
        return zones[0]
    return None


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, name, *_ = line.split("\t")
        zones.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in zones.items()}


def _spread(zones: tuple[str, ...]) -> float:
    """The widest gap between the zones' UTC offsets, in winter or summer."""
    widest = 0.0
    year = datetime.now(UTC).year
    for month in (1, 7):
        instant = datetime(year, month, 15, 12, tzinfo=UTC)
        offsets = []
        for name in zones:
            offset = instant.astimezone(ZoneInfo(name)).utcoffset()
            if offset is not None:
                offsets.append(offset.total_seconds())
        widest = max(widest, max(offsets) - min(offsets))
    return widest
