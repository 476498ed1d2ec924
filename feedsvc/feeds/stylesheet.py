"""The XSLT stylesheet that makes Atom and RSS feeds readable when a browser opens them.

Both XML renderers serialize through ``xml_document``, which puts the
``<?xml-stylesheet?>`` processing instruction right after the XML declaration when the
feed document names a stylesheet. Feed readers ignore processing instructions, so the
feed they parse is unchanged; browsers with XSLT show the page ``feed.xsl`` builds.

Entry times are shown in the feed's display zone. The feed names
``feed.xsl?zone=Asia%2FShanghai`` (plain ``feed.xsl`` for UTC), and ``zone_stylesheet``
makes that variant: ``feed.xsl`` with ``$zone`` set and its ``zone-offset`` template
filled with the zone's offset changes (feeds/offsets.py), so each entry gets the offset
in force at its own time, daylight saving time included. The feeds' bytes only change
in that one URL, and only when a feed's zone does.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
import zoneinfo
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Final
from urllib.parse import quote
from xml.sax.saxutils import escape

from lxml import etree

from feedsvc.feeds.offsets import offset_table

STYLESHEET_PATH: Final = "/feeds/feed.xsl"
# The type browsers recognise in the processing instruction and on the response.
XSLT_MEDIA_TYPE: Final = "text/xsl"
# The query parameter naming the zone; absent means the shipped file's zone.
ZONE_PARAMETER: Final = "zone"
SHIPPED_ZONE: Final = "UTC"
# IANA names (Asia/Shanghai, Etc/GMT-8, America/Argentina/Buenos_Aires): also what keeps
# a name safe as an XPath string literal.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")
_XSL = "http://www.w3.org/1999/XSL/Transform"
_NS = {"xsl": _XSL}


@dataclass(frozen=True)
class Stylesheet:
    body: bytes
    etag: str  # strong, from the bytes: it moves with every change


@cache
def stylesheet_bytes() -> bytes:
    """``feed.xsl`` as shipped in the package: the UTC variant."""
    return files("feedsvc.feeds").joinpath("feed.xsl").read_bytes()


@cache
def stylesheet_etag() -> str:
    """A strong ETag from the stylesheet's bytes: it moves with every change."""
    return _etag(stylesheet_bytes())


def _etag(body: bytes) -> str:
    return f'"xsl-{hashlib.sha256(body).hexdigest()[:32]}"'


def stylesheet_path(zone: str) -> str:
    """The path (and query) of the stylesheet that shows times in ``zone``."""
    if zone == SHIPPED_ZONE:
        return STYLESHEET_PATH
    return f"{STYLESHEET_PATH}?{ZONE_PARAMETER}={quote(zone, safe='')}"


def is_zone_name(zone: str) -> bool:
    """Whether ``zone`` is shaped like an IANA name: no I/O (``zone_problem`` reads tzdata)."""
    return len(zone) <= 64 and _ZONE_NAME.fullmatch(zone) is not None


def zone_problem(zone: str) -> str | None:
    """Why ``zone`` is not a time zone the stylesheet can use, or None. Reads tzdata."""
    if not is_zone_name(zone):
        return f"{ZONE_PARAMETER}: {zone[:64]!r} is not an IANA time zone name (e.g. Asia/Shanghai)"
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{ZONE_PARAMETER}: unknown time zone {zone!r} (e.g. Asia/Shanghai, Europe/Berlin)"
    return None


def cached_zone_stylesheet(zone: str) -> Stylesheet | None:
    """``zone_stylesheet(zone)`` if already built, else None (building takes ~50 ms)."""
    if zone == SHIPPED_ZONE:
        return Stylesheet(stylesheet_bytes(), stylesheet_etag())
    with _built_lock:
        return _built.get(zone)


# Built variants, oldest first; built in threads off the event loop, hence the lock.
_built: dict[str, Stylesheet] = {}
_built_lock = threading.Lock()
_BUILT_MAX: Final = 64


def zone_stylesheet(zone: str) -> Stylesheet:
    """The stylesheet showing entry times in ``zone`` (checked by ``zone_problem``).
    Deterministic for a given tzdata; the newest 64 zones are kept."""
    found = cached_zone_stylesheet(zone)
    if found is not None:
        return found
    built = _build(zone)
    with _built_lock:
        if len(_built) >= _BUILT_MAX:
            _built.pop(next(iter(_built)))
        _built[zone] = built
    return built


@lru_cache(maxsize=1)
def _shipped_tree() -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(stylesheet_bytes()))


def _build(zone: str) -> Stylesheet:
    table = offset_table(zoneinfo.ZoneInfo(zone))
    root = copy.deepcopy(_shipped_tree().getroot())
    _child(root, "xsl:variable[@name='zone']").set("select", f"'{zone}'")
    template = _child(root, "xsl:template[@name='zone-offset']")
    template.remove(_child(template, "xsl:value-of"))
    # Newest change first: an entry's time usually matches within the first few tests.
    choose = etree.SubElement(template, f"{{{_XSL}}}choose")
    for start, offset in reversed(table.changes):
        when = etree.SubElement(choose, f"{{{_XSL}}}when", test=f"$t >= {start}")
        when.text = str(offset)
    otherwise = etree.SubElement(choose, f"{{{_XSL}}}otherwise")
    otherwise.text = str(table.initial)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return Stylesheet(body, _etag(body))


def _child(parent: etree._Element, path: str) -> etree._Element:
    found = parent.find(path, _NS)
    if found is None:
        raise LookupError(f"feed.xsl has no {path}: the zone variant cannot be built")
    return found


def xml_document(root: etree._Element, stylesheet_url: str | None) -> bytes:
    """``root`` as UTF-8 XML with a declaration, preceded by the stylesheet processing
    instruction when ``stylesheet_url`` is given. Deterministic."""
    if stylesheet_url:
        # Pseudo-attribute values follow attribute syntax; escaping ``>`` also keeps a
        # "?>" in the URL from ending the instruction.
        href = escape(stylesheet_url, {'"': "&quot;"})
        root.addprevious(
            etree.ProcessingInstruction("xml-stylesheet", f'type="{XSLT_MEDIA_TYPE}" href="{href}"')
        )
    return etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
