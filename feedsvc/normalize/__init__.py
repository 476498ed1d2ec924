"""Normalization: canonical URLs, stable entry ids, safe HTML, fingerprints for updates.

Pure functions, no I/O, one module a job: ``urls`` (comparable and canonical URLs, entry
ids), ``text`` (display text, HTML to text, summaries), ``sanitize`` (allowlisted HTML with
absolute URLs), ``fingerprint`` (the content hash) and ``article`` (``normalize_article``).
"""

from __future__ import annotations

from feedsvc.normalize.article import FUTURE_TOLERANCE, normalize_article
from feedsvc.normalize.fingerprint import content_hash
from feedsvc.normalize.sanitize import LAZY_SRC_ATTRIBUTES, sanitize_html
from feedsvc.normalize.text import SUMMARY_CHARS, clean_text, cut_at_space, html_to_text, summarize
from feedsvc.normalize.urls import (
    TRACKING_PARAMS,
    TRACKING_PREFIXES,
    absolute_http_url,
    canonical_url,
    entry_id_for,
    normalize_url,
    same_site,
)
from feedsvc.safehtml import strip_xml_illegal

__all__ = [
    "FUTURE_TOLERANCE",
    "LAZY_SRC_ATTRIBUTES",
    "SUMMARY_CHARS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "absolute_http_url",
    "canonical_url",
    "clean_text",
    "content_hash",
    "cut_at_space",
    "entry_id_for",
    "html_to_text",
    "normalize_article",
    "normalize_url",
    "same_site",
    "sanitize_html",
    "strip_xml_illegal",
    "summarize",
]
