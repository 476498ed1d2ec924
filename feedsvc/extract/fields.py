"""Typed candidates for an article's fields, the record they resolve into, and providers.

Each field of an article page (title, published, author/source/editor, category, content…)
has its own resolver (``titles``, ``published``, ``bylines``, ``category``, ``body``) that
walks the generic layers in order — JSON-LD, meta, ``<time>``, text patterns, heuristics,
readability — and yields :class:`Candidate` values. A :class:`CandidateProvider` (the
source's selectors today; a template learned per source later) adds candidates of its own
strength in front of them: :func:`pick` takes the strongest, the first among equals, so the
generic order decides whenever no provider speaks. ``Candidate.rule`` is the provenance
shown by ``feedsvc check`` and the admin preview.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from feedsvc.extract.articlepage import ArticlePage
    from feedsvc.extract.dateassembly import ParsedTime

T = TypeVar("T")


class Strength(IntEnum):
    """How much a candidate is trusted, whatever its layer. The generic layers share one
    strength (their order decides); providers rank above (operator selectors) or below."""

    FALLBACK = 10  # a flagged guess: the first sentence as a title
    GENERIC = 50  # the generic layers, in their documented order
    TEMPLATE = 80  # learned from the source's own pages
    SELECTOR = 100  # configured by the operator


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """One value for one field: what it is, which rule found it, how strong that rule is."""

    value: T
    rule: str
    strength: Strength = Strength.GENERIC


def candidate(
    value: T | None, rule: str, strength: Strength = Strength.GENERIC
) -> Candidate[T] | None:
    """A candidate, or None for an empty value (None or "")."""
    if value is None or value == "":
        return None
    return Candidate(value, rule, strength)


def pick(
    provided: Iterable[Candidate[T] | None], generic: Iterable[Candidate[T] | None] = ()
) -> Candidate[T] | None:
    """The strongest candidate; among equals the first. ``generic`` is consumed lazily and
    only as far as needed: a provided candidate stronger than the generic layers wins
    without computing them."""
    offered = [c for c in provided if c is not None]
    best = max(offered, key=lambda c: c.strength, default=None)  # max keeps the first
    if best is not None and best.strength > Strength.GENERIC:
        return best
    for found in generic:
        if found is not None:
            if best is not None and best.strength == Strength.GENERIC:
                return best  # a provider's generic-strength candidate comes first
            return found
    return best


def first(*makers: Callable[[], Candidate[T] | None]) -> Iterable[Candidate[T] | None]:
    """Candidates computed one at a time, in order (for :func:`pick`'s lazy ``generic``)."""
    return (make() for make in makers)


class CandidateProvider:
    """Extra candidates for an article page's fields. The base offers nothing; a provider
    overrides the fields it knows. ``title`` is the resolved headline where it matters (a
    content selector drops a repeated headline)."""

    def prepare(self, page: ArticlePage) -> None:
        """Called once on the parsed page before any field is resolved (a learned template
        pins its paths and drops the boilerplate it knows here)."""
        return None

    def title(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return ()

    def published(self, page: ArticlePage) -> Sequence[Candidate[ParsedTime]]:
        return ()

    def author(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return ()

    def category(self, page: ArticlePage) -> Sequence[Candidate[str]]:
        return ()

    def content(self, page: ArticlePage, title: str | None) -> Sequence[Candidate[str]]:
        return ()


@dataclass
class Fields:
    """The resolved fields of one article page, each with the rule that produced it."""

    title: Candidate[str] | None = None
    published: Candidate[ParsedTime] | None = None
    modified: Candidate[ParsedTime] | None = None
    author: Candidate[str] | None = None
    source_name: Candidate[str] | None = None
    editor: Candidate[str] | None = None
    category: Candidate[str] | None = None
    content_html: Candidate[str] | None = None
    summary: Candidate[str] | None = None
    image: Candidate[str] | None = None
    canonical_url: Candidate[str] | None = None

    def provenance(self) -> dict[str, str]:
        """Field name → rule, for the fields that have a value."""
        out: dict[str, str] = {}
        for f in fields(self):
            found = getattr(self, f.name)
            if isinstance(found, Candidate):
                out[f.name] = found.rule
        return out


def value(found: Candidate[T] | None) -> T | None:
    return found.value if found is not None else None
