"""extract stage: pure functions from decoded HTML to dataclasses; see docs/architecture.md.

Nothing here does I/O or keeps mutable state, and every argument pickles, so the worker
can run these in a process pool.
"""

from feedsvc.extract.article import extract_article
from feedsvc.extract.breadcrumbs import find_breadcrumb_category
from feedsvc.extract.chrome import Byline, find_byline
from feedsvc.extract.dateassembly import ParsedTime
from feedsvc.extract.dates import date_from_url, find_datetime_in_text, parse_datetime
from feedsvc.extract.listing import Candidate, ListDetection, detect_list, extract_list
from feedsvc.extract.pagesite import guess_page_url
from feedsvc.extract.selecting import validate_selector

__all__ = [
    "Byline",
    "Candidate",
    "ListDetection",
    "ParsedTime",
    "date_from_url",
    "detect_list",
    "extract_article",
    "extract_list",
    "find_breadcrumb_category",
    "find_byline",
    "find_datetime_in_text",
    "guess_page_url",
    "parse_datetime",
    "validate_selector",
]
