"""Normalization: canonical URLs, stable entry ids, safe HTML, fingerprints for updates.

Pure functions, no I/O. URL work uses ``yarl`` (already installed with aiohttp): it
lower-cases scheme and host, IDNA-encodes hosts, drops default ports, resolves dot segments
and normalizes percent-encoding (upper-case hex, unreserved characters decoded) the same way
aiohttp does on the wire, so a URL we store is the URL we fetch. Site comparison uses the
Public Suffix List via ``tld`` so ``a.gov.cn`` and ``b.gov.cn`` are different sites.
HTML is sanitized by ``nh3`` (ammonia) with the allowlist in ``safehtml``; lxml only does
the small rewrites ammonia cannot (lazy images, empty paragraphs).
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from urllib.parse import unquote, urljoin
from zoneinfo import ZoneInfo

from lxml import etree
from tld import get_fld
from yarl import URL

from feedsvc.errors import ExtractError
from feedsvc.htmlcap import DEFAULT_MAX_CONTENT_BYTES, cap_html, precut
from feedsvc.models import (
    ExtractedArticle,
    FetchResult,
    ListItem,
    NormalizedArticle,
    SourceConfig,
)
from feedsvc.safehtml import allowlist, fragment, inner_html, strip_xml_illegal

# --------------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------------

# Query parameters that only track who shared or clicked a link; they never select content.
# Kept deliberately short: removing a parameter a site needs would break the link.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "spm",  # Alibaba/Taobao/Youku click tracking
        "spm_id_from",  # Bilibili
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "from",  # WeChat/Weibo share origin (from=singlemessage, from=timeline)
        "isappinstalled",  # WeChat share
        "share_token",
        "share_source",
        "share_medium",
        "share_plat",
        "share_session_id",
        "wt.mc_id",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)

_SCHEMES = ("http", "https")


def _is_tracking(raw_pair: str) -> bool:
    name = unquote(raw_pair.partition("=")[0]).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _parse_http(url: str) -> URL:
    try:
        parsed = URL(url.strip())
        scheme = parsed.scheme
        host = parsed.raw_host
        _ = parsed.port  # raises on a malformed port
    except (ValueError, TypeError, UnicodeError) as exc:
        raise ValueError(f"not a valid URL: {url!r} ({exc})") from exc
    if scheme not in _SCHEMES:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    return parsed


def normalize_url(url: str) -> str:
    """The comparable form of an http(s) URL; ValueError naming the URL otherwise.

    Lower-case scheme and host, IDNA host, no default port, no fragment, no tracking
    parameters, query order kept, percent-encoding normalized, no empty ``?``, and ``/`` for
    an empty path.
    """
    parsed = _parse_http(url)
    kept = [pair for pair in parsed.raw_query_string.split("&") if pair and not _is_tracking(pair)]
    clean = parsed.with_query(None).with_fragment(None)
    if clean.raw_path == "/":
        # yarl prints "https://host" for an empty path; one spelling for both forms.
        clean = clean.with_path("/")
    text = str(clean)
    return f"{text}?{'&'.join(kept)}" if kept else text


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(url: str) -> tuple[str, int | None] | None:
    """The host and the effective port (None for the scheme's default), or None when
    ``url`` is not an http(s) URL."""
    try:
        parsed = _parse_http(url)
    except ValueError:
        return None
    assert parsed.raw_host is not None  # _parse_http refuses URLs without a host
    port = parsed.port
    return parsed.raw_host, None if port == _DEFAULT_PORTS[parsed.scheme] else port


def _registrable(host: str) -> str | None:
    # get_fld knows gov.cn, com.cn, co.uk, github.io …; IP addresses and bare names give None.
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return fld if isinstance(fld, str) else None


def same_site(a: str, b: str) -> bool:
    """True when both http(s) URLs share a host or a registrable domain (eTLD+1), whatever
    the scheme, and the same effective port: another port is another server. The scheme's
    default port counts as one port, so http://x/ and https://x/ are the same site."""
    found_a, found_b = _host_and_port(a), _host_and_port(b)
    if found_a is None or found_b is None:
        return False
    (host_a, port_a), (host_b, port_b) = found_a, found_b
    if port_a != port_b:
        return False
    if host_a == host_b:
        return True
    site_a = _registrable(host_a)
    return site_a is not None and site_a == _registrable(host_b)


def canonical_url(final_url: str, declared: str | None) -> str:
    """The article's canonical URL: ``declared`` (rel=canonical, og:url) only when it is an
    absolute http(s) URL on the same site as the page we fetched, else the fetched URL.

    A page cannot claim another site's URL: that would let one site overwrite another's
    entries (same canonical URL → same article).
    """
    page = normalize_url(final_url)
    if declared and declared.strip():
        try:
            candidate = normalize_url(declared)
        except ValueError:
            return page
        if same_site(page, candidate):
            return candidate
    return page


def entry_id_for(canonical: str) -> str:
    """A stable Atom id for a canonical URL: ``urn:uuid:`` + UUID5(URL namespace, URL)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, canonical)}"


def absolute_http_url(url: str | None, base: str) -> str | None:
    """``url`` resolved against ``base`` when the result is http(s), else None."""
    if not url or not url.strip():
        return None
    try:
        resolved = urljoin(base, url.strip())
        return str(_parse_http(resolved))
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


# Characters that only steer display: bidi embeddings, overrides and isolates (U+202A-E,
# U+2066-9), which make a title read differently from what it says, and zero-width
# characters (U+200B-D, U+2060, U+FEFF), which hide text from search and dedup. A ZERO
# WIDTH JOINER between two emoji (an emoji's VS16 may sit before it) stays: it is what
# makes 👨‍👩‍👧 one emoji. "Emoji" is approximated by the blocks that hold the Extended_Pictographic
# characters; a joiner next to a rare pictograph outside them is dropped, which only
# splits that emoji into its parts.
_PICTOGRAPH = (
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2"
    "\u25aa-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff]"
)
_INVISIBLE = re.compile(
    "[\u200b\u200c\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
    f"|\u200d(?!{_PICTOGRAPH})|(?<!{_PICTOGRAPH})(?<!{_PICTOGRAPH}\ufe0f)\u200d"
)


def clean_text(text: str | None) -> str | None:
    """One line of display text: XML-safe, no bidi controls or zero-width characters
    (a joiner inside an emoji sequence stays), whitespace collapsed; None when nothing
    is left."""
    if text is None:
        return None
    cleaned = _SPACE.sub(" ", _INVISIBLE.sub("", strip_xml_illegal(text))).strip()
    return cleaned or None


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr",
        "ul",
    }
)  # fmt: skip
_NO_TEXT_TAGS = ("script", "style", "noscript", "template")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, blocks separated by spaces, whitespace collapsed."""
    if not html or not html.strip():
        return ""
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return clean_text(html) or ""
    for element in list(root.iter(*_NO_TEXT_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            # Block boundaries are word boundaries in English ("end</p><p>Start").
            element.tail = " " + (element.tail or "")
            element.text = " " + (element.text or "")
    return _SPACE.sub(" ", root.text_content()).strip()


_SENTENCE_END = re.compile(r"[。！？!?…](?:[”’」』）)\"']*)|\.(?=\s)")
_SOFT_BREAK = re.compile(r"[\s，、；：,;:]")


def summarize(text: str, max_chars: int = 200) -> str:
    """At most ``max_chars`` characters: whole sentences when a sentence end (Chinese or
    English) falls in the second half, else cut at a word/clause boundary with ``…``."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    window = text[: max_chars + 1]  # +1: a sentence may end exactly at the limit
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= max_chars]
    if ends and ends[-1] >= max_chars // 2:
        return text[: ends[-1]].rstrip()
    cut = max_chars - 1  # room for the ellipsis
    breaks = [m.start() for m in _SOFT_BREAK.finditer(text, 0, cut + 1)]
    if breaks and breaks[-1] >= max_chars // 2:
        cut = breaks[-1]
    return text[:cut].rstrip(" ，、；：,;:") + "…"


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

# Lazy-loading attributes holding the real image URL, best first.
LAZY_SRC_ATTRIBUTES: tuple[str, ...] = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-actualsrc",
    "data-url",
)
_PLACEHOLDER_SRC = re.compile(
    r"^(?:data:|about:blank)|(?:blank|spacer|loading|lazy)\.(?:gif|png|svg)", re.I
)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _promote_lazy_images(html: str) -> str:
    """Copy data-src / data-original into src when src is missing or a placeholder."""
    if "data-" not in html:
        return html
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return html
    changed = False
    for img in root.iter("img"):
        real = next((img.get(a) for a in LAZY_SRC_ATTRIBUTES if (img.get(a) or "").strip()), None)
        src = (img.get("src") or "").strip()
        if real and (not src or _PLACEHOLDER_SRC.search(src)):
            img.set("src", real.strip())
            changed = True
    return inner_html(root) if changed else html


def _drop_empty_blocks(html: str) -> str:
    """Remove paragraphs and divs with no text and no image (``<p>&nbsp;</p>``, ``<p><br></p>``)."""
    if "<p" not in html and "<div" not in html:
        return html
    root = fragment(html)
    changed = False
    # Reverse document order so emptied parents are seen after their children.
    for element in reversed(list(root.iterdescendants("p", "div"))):
        if element.text_content().strip() or element.find(".//img") is not None:
            continue
        if element.find(".//hr") is not None or element.find(".//table") is not None:
            continue
        element.drop_tree()
        changed = True
    return inner_html(root) if changed else html


def sanitize_html(html: str, base_url: str) -> str:
    """Allowlisted, XML-safe HTML with every link and image URL absolute against ``base_url``.

    No scripts, styles, frames, forms, event handlers, ``style`` attributes or non-http(s)
    (``javascript:``, ``data:``) URLs survive; links get ``rel="noopener noreferrer"``.
    """
    text = strip_xml_illegal(html or "")
    if not text.strip():
        return ""
    text = _promote_lazy_images(text)

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value
        if tag == "a" and value.startswith("mailto:"):
            return value
        return absolute_http_url(value, base_url)

    cleaned = allowlist(text, absolute)
    return strip_xml_illegal(_drop_empty_blocks(cleaned)).strip()


# --------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------


def _image_identities(html: str) -> Iterable[str]:
    # An image is its host and path: query strings on image URLs are mostly cache busters and
    # signed CDN tokens that rotate on every render.
    try:
        root = fragment(html)
    except (etree.ParserError, ValueError):
        return []
    identities = []
    for img in root.iter("img"):
        src = img.get("src") or ""
        try:
            parsed = URL(src)
            identities.append(f"{parsed.raw_host or ''}{parsed.raw_path}")
        except ValueError:
            identities.append(src)
    return identities


def content_hash(title: str, content_html: str) -> str:
    """sha256 hex of what a reader would notice changing: the title, the text, the images.

    Markup, attribute order, whitespace, Unicode compatibility forms (full-width vs
    half-width) and image query strings do not count; a changed word or picture does.
    """
    parts = [
        unicodedata.normalize("NFKC", _SPACE.sub(" ", title).strip()),
        unicodedata.normalize("NFKC", html_to_text(content_html)),
        *_image_identities(content_html),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------

FUTURE_TOLERANCE = timedelta(minutes=10)
SUMMARY_CHARS = 200


def _aware(value: datetime | None, zone: tzinfo) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)


def _pick_published(
    extracted: ExtractedArticle,
    list_item: ListItem | None,
    zone: tzinfo,
) -> datetime | None:
    """The article page's time, refined by the list's when the page shows only the date."""
    page = _aware(extracted.published, zone)
    listed = _aware(list_item.published, zone) if list_item else None
    listed_has_time = bool(list_item and list_item.published_has_time)
    if page is None:
        return listed
    if extracted.published_has_time or listed is None or not listed_has_time:
        return page
    # Only refine when both name the same calendar day; otherwise the page is the authority.
    page_zone = page.tzinfo or zone
    if listed.astimezone(page_zone).date() == page.date():
        return listed
    return page


def _summary_html(summary: str | None) -> str:
    text = clean_text(summary)
    return f"<p>{htmllib.escape(text, quote=False)}</p>" if text else ""


def _has_content(html: str) -> bool:
    return bool(html_to_text(html)) or "<img" in html


def normalize_article(
    extracted: ExtractedArticle,
    *,
    link_url: str,
    list_item: ListItem | None,
    fetch: FetchResult | None,
    source: SourceConfig,
    now: datetime,
    first_seen: datetime | None = None,
    default_tz: tzinfo | None = None,
    max_content_bytes: int = DEFAULT_MAX_CONTENT_BYTES,
) -> NormalizedArticle:
    """Turn extracted fields into a storable article.

    ``now`` must be aware. ``first_seen`` (when the article is already known) keeps a
    fallback publication time stable across re-checks. ``default_tz`` (else the source's
    zone, else UTC) only applies to naive times, which extraction should not produce.
    Content longer than ``max_content_bytes`` is cut and marked (``htmlcap``).
    Raises ExtractError when neither the page nor the list gives a title.
    """
    page_url = fetch.final_url if fetch is not None else extracted.url
    canonical = canonical_url(page_url, extracted.canonical_url)
    link = normalize_url(link_url)
    title = clean_text(extracted.title) or clean_text(list_item.title if list_item else None)
    if title is None:
        raise ExtractError(page_url, "no title on the article page or in the list")
    zone: tzinfo = default_tz or (ZoneInfo(source.timezone) if source.timezone else ZoneInfo("UTC"))

    published = _pick_published(extracted, list_item, zone)
    is_fallback = published is None
    if published is None:
        published = first_seen or now
    if published > now + FUTURE_TOLERANCE:
        published = now

    content, cut = "", False
    if source.full_text and extracted.content_html:
        raw, cut = precut(extracted.content_html, max_content_bytes)
        # Relative URLs resolve against the document's own address, not its canonical one.
        content = cap_html(sanitize_html(raw, page_url), max_content_bytes, canonical, cut=cut)
    if not _has_content(content):
        content = _summary_html(list_item.summary if list_item else None) or _summary_html(
            extracted.summary
        )
        content = cap_html(content, max_content_bytes, canonical)
    # The article's own text beats the list's teaser, which is often cut mid-sentence.
    summary_source = clean_text(extracted.summary) or html_to_text(content)
    image = absolute_http_url(extracted.image, page_url) or (
        absolute_http_url(list_item.image, page_url) if list_item else None
    )
    # The reporter is the author and the outlet (来源) is carried beside; with no reporter
    # the outlet is the author, named once.
    author, outlet = clean_text(extracted.author), clean_text(extracted.source_name)
    return NormalizedArticle(
        canonical_url=canonical,
        link_url=link,
        entry_id=entry_id_for(canonical),
        title=title,
        published=published,
        published_is_fallback=is_fallback,
        author=author or outlet,
        outlet=outlet if author and outlet != author else None,
        editor=clean_text(extracted.editor),
        category=clean_text(source.category) or clean_text(extracted.category),
        content_html=content,
        summary=summarize(summary_source, SUMMARY_CHARS),
        image=image,
        content_hash=content_hash(title, content),
        language=source.language or clean_text(extracted.language),
        etag=fetch.etag if fetch is not None else None,
        last_modified=fetch.last_modified if fetch is not None else None,
    )
