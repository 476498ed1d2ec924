"""The XSLT stylesheet that makes Atom and RSS feeds readable when a browser opens them.

Both XML renderers serialize through ``xml_document``, which puts the
``<?xml-stylesheet?>`` processing instruction right after the XML declaration when the
feed document names a stylesheet. Feed readers ignore processing instructions, so the
feed they parse is unchanged; browsers with XSLT show the page ``feed.xsl`` builds.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from typing import Final
from xml.sax.saxutils import escape

from lxml import etree

STYLESHEET_PATH: Final = "/feeds/feed.xsl"
# The type browsers recognise in the processing instruction and on the response.
XSLT_MEDIA_TYPE: Final = "text/xsl"


@cache
def stylesheet_bytes() -> bytes:
    """``feed.xsl`` as shipped in the package."""
    return files("feedsvc.feeds").joinpath("feed.xsl").read_bytes()


@cache
def stylesheet_etag() -> str:
    """A strong ETag from the stylesheet's bytes: it moves with every change."""
    return f'"xsl-{hashlib.sha256(stylesheet_bytes()).hexdigest()[:32]}"'


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
