"""Stable element paths: where an element sits in a page of a source's template.

A path is the chain of steps from ``<body>`` down to the element, each step the tag with
its id and classes (``div#main/div.article.text/h1``). There are no sibling indices, so a
path survives an extra banner or one more paragraph before the element; ids and classes
that change per page (``post-1234``, hashes) are left out, so one path names the same
element on every page of the template. A path may match several elements (the ``p`` of a
body): :func:`find` returns them all, in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html

__all__ = ["element_path", "find", "find_one", "paths", "step"]

SEP = "/"
_DYNAMIC = re.compile(r"\d{3,}|[0-9a-f]{8,}", re.I)  # post-1234, css-1a2b3c4d
_MAX_FEATURE = 40


def _stable(feature: str) -> bool:
    return bool(feature) and len(feature) <= _MAX_FEATURE and not _DYNAMIC.search(feature)


def step(el: lxml.html.HtmlElement) -> str:
    """One step: ``tag#id.class1.class2`` (classes sorted, unstable features dropped)."""
    out = str(el.tag).lower()
    ident = (el.get("id") or "").strip()
    if _stable(ident) and SEP not in ident:
        out += "#" + ident
    classes = sorted({c for c in (el.get("class") or "").split() if _stable(c) and SEP not in c})
    if classes:
        out += "." + ".".join(classes)
    return out


def _body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = root if root.tag == "body" else root.find("body")
    return body if body is not None else root


def element_path(el: lxml.html.HtmlElement) -> str:
    """The element's path from ``<body>`` ("" for the body itself)."""
    steps: list[str] = []
    node: lxml.html.HtmlElement | None = el
    while node is not None and node.tag not in ("body", "html"):
        steps.append(step(node))
        node = node.getparent()
    return SEP.join(reversed(steps))


def paths(root: lxml.html.HtmlElement) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    """Every element under ``<body>`` with its path, in document order (one walk)."""
    body = _body(root)
    stack = [(c, step(c)) for c in reversed(body) if isinstance(c.tag, str)]
    while stack:
        el, path = stack.pop()
        yield el, path
        stack.extend((c, path + SEP + step(c)) for c in reversed(el) if isinstance(c.tag, str))


def find(root: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """The elements at ``path`` (see :func:`step`), in document order."""
    level = [_body(root)]
    if not path:
        return level
    for want in path.split(SEP):
        level = [c for el in level for c in el if isinstance(c.tag, str) and step(c) == want]
        if not level:
            return []
    return level


def find_one(root: lxml.html.HtmlElement, path: str) -> lxml.html.HtmlElement | None:
    """The element at ``path`` when exactly one matches, else None."""
    found = find(root, path)
    return found[0] if len(found) == 1 else None
