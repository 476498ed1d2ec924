"""CSS selectors an admin could pin to freeze an automatically detected list.

Built from the detected rows: ``item`` reaches the rows from their nearest ancestor with an
id (or a few class-named ancestors), ``link``/``title``/``date`` are paths inside a row.
"""

from __future__ import annotations

import re
from collections import Counter

import lxml.html

from feedsvc.extract.selecting import compile_selector, css_to_xpath
from feedsvc.models import Selectors

__all__ = ["suggest_selectors"]

_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_MAX_UP = 3  # ancestors added above the rows' block when no id anchors the path


def _classes(el: lxml.html.HtmlElement) -> list[str]:
    return [c for c in (el.get("class") or "").split() if _IDENT.match(c)]


def _step(el: lxml.html.HtmlElement, *, with_id: bool = True) -> str:
    ident = el.get("id") or ""
    if with_id and _IDENT.match(ident) and not re.search(r"\d{3,}", ident):
        return f"{el.tag}#{ident}"
    cls = _classes(el)
    return f"{el.tag}.{cls[0]}" if cls else str(el.tag)


def _shared_step(elements: list[lxml.html.HtmlElement]) -> str:
    """A step that matches every element: tag plus a class they all have, if any."""
    tag = str(elements[0].tag)
    common = set(_classes(elements[0]))
    for el in elements[1:]:
        common &= set(_classes(el))
    first = next((c for c in _classes(elements[0]) if c in common), None)
    return f"{tag}.{first}" if first else tag


def common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement | None:
    """The nearest element that contains every one of ``elements``."""
    chain = [elements[0], *elements[0].iterancestors()]
    common = set(chain)
    for el in elements[1:]:
        common &= {el, *el.iterancestors()}
    return next((c for c in chain if c in common), None)


def _path_between(
    top: lxml.html.HtmlElement, bottom: lxml.html.HtmlElement
) -> list[lxml.html.HtmlElement]:
    """Elements from below ``top`` down to ``bottom`` (inclusive)."""
    path = [bottom]
    for parent in bottom.iterancestors():
        if parent is top:
            return list(reversed(path))
        path.append(parent)
    return list(reversed(path))


def _item_selector(rows: list[lxml.html.HtmlElement]) -> str:
    block = common_ancestor(rows)
    if block is None or block in rows:
        return _shared_step(rows)
    # Steps between the block and the rows, shared by all rows (depth taken from the first).
    inner = [_shared_step([r]) for r in _path_between(block, rows[0])[:-1]]
    steps = [*inner, _shared_step(rows)]
    prefix = [_step(block)]
    current = block
    for _ in range(_MAX_UP):
        if "#" in prefix[0]:
            break
        parent = current.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        prefix.insert(0, _step(parent))
        current = parent
    return " > ".join([*prefix, *steps])


def _selects_exactly(selector: str, rows: list[lxml.html.HtmlElement]) -> bool:
    root = rows[0].getroottree().getroot()
    try:
        found = compile_selector(selector).elements(root)
    except ValueError:
        return False
    return len(found) == len(rows) and set(found) == set(rows)


def _exact_item(rows: list[lxml.html.HtmlElement], anchors: list[lxml.html.HtmlElement]) -> str:
    """The CSS item selector when it picks exactly the rows; otherwise the same path in
    XPath, narrowed to rows that hold the link where the list's rows hold it."""
    css = _item_selector(rows)
    if _selects_exactly(css, rows):
        return css
    inner = _most_common([_inner_path(r, a) for r, a in zip(rows, anchors, strict=True)])
    if not inner or rows[0] is anchors[0]:
        return _exact_rows(css, rows)
    try:
        narrowed = f"xpath:{css_to_xpath(css)}[{css_to_xpath(inner, prefix='')}]"
    except ValueError:
        return _exact_rows(css, rows)
    return narrowed if _selects_exactly(narrowed, rows) else _exact_rows(css, rows)


def _exact_rows(css: str, rows: list[lxml.html.HtmlElement]) -> str:
    """The last resort when no structural selector picks exactly the rows (detection kept a
    run of a longer block, or dropped some of its links): the run's positions within
    ``css``'s matches, else each row's absolute path. Exact on this page; the preview
    shows it, so an admin can judge how well it will age."""
    root = rows[0].getroottree().getroot()
    try:
        found = compile_selector(css).elements(root)
        xpath = css_to_xpath(css)
    except ValueError:
        found, xpath = [], ""
    at = {id(el): n for n, el in enumerate(found, 1)}
    spots = [at.get(id(r)) for r in rows]
    if xpath and None not in spots:
        first, last = spots[0] or 0, spots[-1] or 0
        if spots == list(range(first, last + 1)):
            ranged = f"xpath:({xpath})[position() >= {first} and position() <= {last}]"
            if _selects_exactly(ranged, rows):
                return ranged
    tree = root.getroottree()
    parent, tag = rows[0].getparent(), rows[0].tag
    if parent is not None and all(r.getparent() is parent and r.tag == tag for r in rows):
        # Siblings: their numbers among the parent's children of that tag, compactly.
        numbers = " ".join(str(len(list(r.itersiblings(tag, preceding=True))) + 1) for r in rows)
        picked = f"concat(' ', count(preceding-sibling::{tag}) + 1, ' ')"
        exact = f"xpath:{tree.getpath(parent)}/{tag}[contains(' {numbers} ', {picked})]"
    else:
        exact = "xpath:" + " | ".join(tree.getpath(r) for r in rows)
    return exact if _selects_exactly(exact, rows) else css


def _inner_path(row: lxml.html.HtmlElement, el: lxml.html.HtmlElement) -> str:
    if el is row:
        return str(el.tag)
    return " > ".join(_step(e, with_id=False) for e in _path_between(row, el))


def _most_common(paths: list[str]) -> str | None:
    return Counter(paths).most_common(1)[0][0] if paths else None


def _inner_selector(
    rows: list[lxml.html.HtmlElement], targets: list[lxml.html.HtmlElement | None]
) -> str | None:
    """The shortest selector that finds each row's target first: its own step when that is
    enough (``span.time``), else the most common path from the row."""
    pairs = [(r, t) for r, t in zip(rows, targets, strict=True) if t is not None]
    if not pairs:
        return None
    step = _most_common([_step(t, with_id=False) for _, t in pairs])
    if step is not None:
        compiled = compile_selector(step)
        hits = 0
        for row, target in pairs:
            found = compiled.elements(row)
            hits += bool(found) and found[0] is target
        if hits == len(pairs):
            return step
    return _most_common([_inner_path(r, t) for r, t in pairs])


def suggest_selectors(
    rows: list[lxml.html.HtmlElement],
    anchors: list[lxml.html.HtmlElement],
    titles: list[lxml.html.HtmlElement],
    date_elements: list[lxml.html.HtmlElement | None],
) -> Selectors:
    """Selectors that reproduce the detected rows (check them by running them)."""
    link_path = _inner_selector(rows, list(anchors))
    # A headline printed by the link itself, the row's first link: left to the pinned
    # path's own reading of it (its text, or a longer title= the list truncated).
    plain = all(
        t is a and (r is a or r.find(".//a[@href]") is a)
        for r, a, t in zip(rows, anchors, titles, strict=True)
    )
    title_path = None if plain else _inner_selector(rows, list(titles))
    return Selectors(
        item=_exact_item(rows, anchors),
        title=title_path,
        link=f"{link_path}@href" if link_path else None,
        date=_inner_selector(rows, date_elements),
    )
