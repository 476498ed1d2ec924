"""Each kind of field a feed carries, made safe for what its element means.

* Plain text (titles, names, categories, summaries) is XML-safe text (``xmltext``); the
  XML or JSON serializer escapes it once, and the element declares it text: Atom
  ``type="text"`` (the default), JSON Feed ``title``/``summary``/``content_text``.
* Plain text in an element readers render as HTML (RSS ``title`` and ``description``,
  item and channel) is HTML-escaped first (:func:`text_as_html`), so ``<script>`` shown
  as text on the page arrives as text, not as markup.
* HTML (Atom ``content type="html"``, RSS ``content:encoded``, JSON ``content_html``)
  passes the stored-content allowlist again (:func:`article_html`), whatever wrote it.
* URLs a reader follows (links, enclosures, images) must be absolute http(s)
  (:func:`http_url`); anything else (``javascript:``, ``data:``, ``//host``) is left out.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import threading
from collections import OrderedDict
from typing import Final

from feedsvc.feeds.xmltext import xml_safe, xml_safe_or_none
from feedsvc.normalize import absolute_http_url
from feedsvc.safehtml import allowlist

# Digests of article HTML that passed the allowlist unchanged (a few MB at most). HTML
# that did not is cleaned again on every render: it is rare, and remembering cleaned
# copies would hold up to max_content_bytes each.
MAX_CHECKED: Final = 16384

_lock = threading.Lock()
_clean: OrderedDict[bytes, None] = OrderedDict()


def text_as_html(text: str) -> str:
    """Plain text for an element readers render as HTML: ``<``, ``>``, ``&`` escaped."""
    return htmllib.escape(text, quote=False)


def http_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) URL (XML-safe, trimmed), else None."""
    cleaned = xml_safe_or_none(value)
    # Resolved against itself, a URL stays itself only when it is already absolute.
    if cleaned is None or absolute_http_url(cleaned, cleaned) is None:
        return None
    return cleaned


def required_http_url(value: str | None, what: str) -> str:
    url = http_url(value)
    if url is None:
        raise ValueError(f"{what} is not an absolute http(s) URL: {value!r}")
    return url


def required_text(value: str | None, what: str) -> str:
    cleaned = xml_safe_or_none(value)
    if not cleaned:
        raise ValueError(f"{what} is empty")
    return cleaned


def article_html(html: str | None) -> str | None:
    """Stored article HTML through the allowlist again; None when nothing is left.

    Stored HTML is normally clean already, and cleaning costs about 25 µs per KB, so the
    digest of HTML found clean is remembered: a feed rendered for a new version pays for
    its new articles only.
    """
    text = xml_safe_or_none(html)
    if text is None:
        return None
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    with _lock:
        if digest in _clean:
            _clean.move_to_end(digest)
            return text
    cleaned = xml_safe(allowlist(text)).strip()
    if cleaned == text:
        with _lock:
            _clean[digest] = None
            if len(_clean) > MAX_CHECKED:
                _clean.popitem(last=False)
    return cleaned or None
