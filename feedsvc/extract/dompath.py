"""Stable element paths: where an element sits in a page of a source's template.

A path is the chain of steps from ``<body>`` down to the element, each step the tag with
its id and classes (``div#main/div.article.text/h1``). There are no sibling indices, so a
path survives an extra banner or one more paragraph before the element; ids and classes
that change per page (``post-1234``, hashes) are left out, so one path names the same
element on every page of the template. A path may match several elements (the ``p`` of a
body): :func:`find` returns them all, in document order.

Sites name one slot with different ids on different pages (``div#article.article`` on one
page, ``div#artibody.article`` on the next): a step whose element has classes matches by
tag and classes, whatever the id (:func:`loose` is that key of a whole path; learning
agrees on it). A step with an id and no class needs that id. A page that wraps the article
in one more (or one less) container still has the path's last steps: :func:`find_by_tail`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import lxml.html

__all__ = [
    "element_path",
    "find",
    "find_by_tail",
    "find_many",
    "find_one",
    "loose",
    "paths",
    "rebase",
    "step",
]

SEP = "/"
TAIL_STEPS = 3  # steps of a path that still name its element under another wrapper
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


def _loose_step(want: str) -> str:
    """The step without its id when it has classes (``div#x.a.b`` → ``div.a.b``)."""
    if "#" not in want:
        return want
    head, _, rest = want.partition("#")
    _, dot, classes = rest.partition(".")
    return f"{head}.{classes}" if dot else want


def loose(path: str) -> str:
    """The path with ids dropped from steps that have classes (see the module doc)."""
    return SEP.join(_loose_step(s) for s in path.split(SEP)) if path else path


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
    """The elements at ``path`` (see :func:`step`), in document order: those spelled exactly
    so when there are any, else those of its :func:`loose` key."""
    if not path:
        return [_body(root)]
    return find_many(root, [path])[path]


def find_one(root: lxml.html.HtmlElement, path: str) -> lxml.html.HtmlElement | None:
    """The element at ``path`` when exactly one matches, else None."""
    found = find(root, path)
    return found[0] if len(found) == 1 else None


def find_many(
    root: lxml.html.HtmlElement, wanted: Iterable[str]
) -> dict[str, list[lxml.html.HtmlElement]]:
    """:func:`find` for several paths in one walk that enters only the branches some path
    goes down (a page's thousands of other elements are never looked at)."""
    keys = {path: loose(path) for path in wanted if path}
    full = set(keys.values())
    # Each prefix of a wanted key → the tags its next step may have (a cheap first test).
    tags: dict[str, set[str]] = {}
    for key in keys.values():
        steps = key.split(SEP)
        for n, want in enumerate(steps):
            tags.setdefault(SEP.join(steps[:n]), set()).add(
                want.partition(".")[0].partition("#")[0]
            )
    by_key: dict[str, list[tuple[lxml.html.HtmlElement, str]]] = {}
    level: list[tuple[lxml.html.HtmlElement, str, str]] = [(_body(root), "", "")]
    while level:
        below: list[tuple[lxml.html.HtmlElement, str, str]] = []
        for el, prefix, exact in level:
            allowed = tags.get(prefix)
            if not allowed:
                continue
            for child in el:
                if not isinstance(child.tag, str) or child.tag.lower() not in allowed:
                    continue
                got = step(child)
                key = (prefix + SEP if prefix else "") + _loose_step(got)
                spelled = (exact + SEP if exact else "") + got
                if key in tags or key in full:
                    by_key.setdefault(key, []).append((child, spelled))
                    below.append((child, key, spelled))
        level = below
    found: dict[str, list[lxml.html.HtmlElement]] = {}
    for path, key in keys.items():
        hits = by_key.get(key, [])
        exact_hits = [el for el, spelled in hits if spelled == path]
        found[path] = exact_hits or [el for el, _ in hits]
    return found


def find_by_tail(
    root: lxml.html.HtmlElement, path: str, steps: int = TAIL_STEPS
) -> list[lxml.html.HtmlElement]:
    """The elements whose path ends with the last ``steps`` steps of ``path`` (loosely):
    found again under a wrapper the page added or lost above them."""
    tail = [_loose_step(s) for s in path.split(SEP)[-steps:]]
    if len(tail) < steps:
        return []
    found = []
    head, _, classes = tail[-1].partition(".")
    tag, _, ident = head.partition("#")
    need = set(classes.split(".")) if classes else set()
    for el in root.iter(tag):
        # Cheap tests first: a page has thousands of divs.
        if need and not need <= set((el.get("class") or "").split()):
            continue
        if ident and not need and el.get("id") != ident:
            continue
        node: lxml.html.HtmlElement | None = el
        for want in reversed(tail):
            if node is None or not isinstance(node.tag, str) or _loose_step(step(node)) != want:
                break
            node = node.getparent()
        else:
            found.append(el)
    return found


def rebase(path: str, learned: str, actual: str) -> str:
    """``path`` moved as ``learned`` moved to ``actual`` (same last steps, another wrapper
    above them): the paths of a template's other parts follow its body."""
    old, new = learned.split(SEP), actual.split(SEP)
    same = 0
    while same < min(len(old), len(new)) and _loose_step(old[-1 - same]) == _loose_step(
        new[-1 - same]
    ):
        same += 1
    old_head, new_head = old[: len(old) - same], new[: len(new) - same]
    steps = path.split(SEP)
    if [_loose_step(s) for s in steps[: len(old_head)]] != [_loose_step(s) for s in old_head]:
        return path
    return SEP.join(new_head + steps[len(old_head) :])
