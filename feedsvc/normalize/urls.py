"""URLs: the comparable form, the canonical URL, same-site checks and stable entry ids.

``yarl`` (already installed with aiohttp) lower-cases scheme and host, IDNA-encodes hosts,
drops default ports, resolves dot segments and normalizes percent-encoding (upper-case hex,
unreserved characters decoded) the same way aiohttp does on the wire, so a URL we store is
the URL we fetch. Site comparison uses the Public Suffix List via ``tld`` so ``a.gov.cn``
and ``b.gov.cn`` are different sites.
"""

from __future__ import annotations

import uuid
from urllib.parse import unquote, urljoin

from tld import get_fld
from yarl import URL

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
