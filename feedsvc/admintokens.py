"""Admin API tokens: the ``admin_tokens`` setting, ``NAME:SCOPE:TOKEN`` items separated by
commas (``ops:write:s3cret,grafana:read:r3ad``).

Problems name the item by its position and NAME and never echo the TOKEN, so a typo in
the setting cannot leak a secret into logs or error output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")


@dataclass(frozen=True)
class AdminToken:
    name: str  # recorded in the audit table as who made a change
    scope: Scope
    secret: str = field(repr=False)

    def allows(self, needed: Scope) -> bool:
        return needed == "read" or self.scope == "write"


def _item_problem(index: int, item: str) -> tuple[str, AdminToken | None]:
    label = f"item {index}"
    parts = item.split(":", 2)
    if len(parts) != 3:
        return f"{label}: expected NAME:SCOPE:TOKEN (value not shown)", None
    name, scope, secret = (p.strip() for p in parts)
    if not _NAME.fullmatch(name):
        return f"{label}: NAME must be 1-64 of A-Z a-z 0-9 _ . @ - (value not shown)", None
    label = f"{label} ({name})"
    if scope not in SCOPES:
        return f"{label}: SCOPE must be read or write, got {scope[:10]!r}", None
    if not secret or any(ch.isspace() for ch in secret):
        return f"{label}: TOKEN must be non-empty without spaces (value not shown)", None
    return "", AdminToken(name, "read" if scope == "read" else "write", secret)


def parse_admin_tokens(text: str) -> tuple[AdminToken, ...]:
    """The tokens of an ``admin_tokens`` value ("" = none: the API is off).

    Raises ValueError listing every bad item (by position and name, never the token).
    """
    if not text.strip():
        return ()
    problems: list[str] = []
    tokens: list[AdminToken] = []
    for index, item in enumerate(text.split(","), 1):
        problem, token = _item_problem(index, item.strip())
        if token is None:
            problems.append(problem)
            continue
        if any(t.name == token.name for t in tokens):
            problems.append(f"item {index} ({token.name}): repeated NAME")
        elif any(t.secret == token.secret for t in tokens):
            problems.append(f"item {index} ({token.name}): the same TOKEN as another item")
        else:
            tokens.append(token)
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(tokens)


def admin_tokens_problem(value: object) -> str | None:
    """The settings check for ``admin_tokens``."""
    try:
        parse_admin_tokens(str(value))
    except ValueError as exc:
        return f"NAME:SCOPE:TOKEN items separated by commas, SCOPE read or write: {exc}"
    return None
