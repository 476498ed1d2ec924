"""Built Atom entry elements, remembered per thread, so a new feed version rebuilds only
the entries that changed.

Building an entry through feedgen is most of the cost of a cold render (about 40 µs per
entry, 2 ms for a 50-entry feed); copying a remembered element costs a tenth of that.
The key is the whole stored article (a frozen, hashable dataclass) plus the feed's
language (which decides ``xml:lang``): an edited article is a different key, so nothing is
ever stale and the rendered bytes are exactly those of a fresh build.

lxml elements must not be shared between threads, so each thread keeps its own memo; the
web layer renders on one dedicated thread, whose memo is the one that matters.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final

from lxml import etree

from feedsvc.models import StoredArticle

MAX_ENTRIES: Final = 2048  # about 10 MB of elements at news-portal sizes

EntryBuilder = Callable[[StoredArticle, str | None], etree._Element]


class _Memo(threading.local):
    def __init__(self) -> None:
        self.items: OrderedDict[Hashable, etree._Element] = OrderedDict()


_memo = _Memo()


def entry_element(
    article: StoredArticle, feed_language: str | None, build: EntryBuilder
) -> etree._Element:
    """A fresh copy of ``build(article, feed_language)``, built at most once per thread
    while remembered. Errors from ``build`` propagate and nothing is remembered."""
    key: Hashable = (article, feed_language)
    items = _memo.items
    try:
        found = items.get(key)
    except TypeError:  # an unhashable field value: build without remembering
        return build(article, feed_language)
    if found is None:
        found = build(article, feed_language)
        items[key] = found
        if len(items) > MAX_ENTRIES:
            items.popitem(last=False)
    else:
        items.move_to_end(key)
    # The caller appends the element to its own tree, which would move the original.
    return copy.deepcopy(found)


def clear() -> None:
    """Forget this thread's elements (tests; a new rendering revision in a live process)."""
    _memo.items.clear()
