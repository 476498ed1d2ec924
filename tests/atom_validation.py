"""Atom validity for tests: feedparser (bozo == 0) AND RFC 4287's RELAX NG schema AND the
schema's two Schematron rules (which RELAX NG validators skip), checked with XPath.

Usage: ``root = assert_valid_atom(body)``; the parsed lxml root comes back for further
assertions. The schema is tests/schemas/atom.rng (RFC 4287 Appendix B, XML syntax).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import feedparser
from lxml import etree

SCHEMA_PATH = Path(__file__).parent / "schemas" / "atom.rng"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_PATH)))


def assert_valid_atom(body: bytes) -> etree._Element:
    """Fail with every problem found when ``body`` is not a valid Atom document."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert parsed.version == "atom10", f"feedparser sees {parsed.version!r}, not atom10"

    root = etree.fromstring(body, _PARSER)
    schema = atom_schema()
    if not schema.validate(root):
        problems = "\n".join(f"  line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"not valid against RFC 4287's RELAX NG schema:\n{problems}")

    # The RFC's Schematron rules (Appendix B annotations).
    if root.tag == f"{{{ATOM}}}feed":
        entries = root.findall("atom:entry", NS)
        if root.find("atom:author", NS) is None:
            orphans = [e for e in entries if e.find("atom:author", NS) is None]
            assert not orphans, (
                f"{len(orphans)} entries lack atom:author and the feed has none "
                f"(first: {orphans[0].findtext('atom:id', namespaces=NS)!r})"
            )
    else:
        entries = [root]
    for entry in entries:
        has_alternate = entry.xpath(
            "atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content", namespaces=NS
        )
        assert has_alternate, (
            f"entry {entry.findtext('atom:id', namespaces=NS)!r} has neither an alternate "
            "link nor content"
        )
    return root
