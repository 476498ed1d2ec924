"""Conversions between dataclasses and column values."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from feedsvc.errors import StoreError
from feedsvc.models import Selectors, SourceConfig

_SOURCE_FIELDS = {f.name for f in dataclasses.fields(SourceConfig)}
_SELECTOR_FIELDS = {f.name for f in dataclasses.fields(Selectors)}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def source_config_to_json(config: SourceConfig) -> str:
    # sort_keys: equal configs give equal text, so "did the config change?" is a string test.
    return json.dumps(dataclasses.asdict(config), ensure_ascii=False, sort_keys=True)


def source_config_from_json(
    text: str, *, source_id: str, enabled: bool | None = None
) -> SourceConfig:
    """Rebuild a SourceConfig; keys this version does not know are ignored. ``enabled``:
    the row's runtime state (the sources.enabled column), over the stored intent."""
    try:
        data: dict[str, Any] = json.loads(text)
        values = {k: v for k, v in data.items() if k in _SOURCE_FIELDS}
        values["urls"] = tuple(values.get("urls") or ())
        raw_selectors = values.get("selectors")
        if raw_selectors is not None:
            values["selectors"] = Selectors(
                **{k: v for k, v in raw_selectors.items() if k in _SELECTOR_FIELDS}
            )
        if enabled is not None:
            values["enabled"] = enabled
        return SourceConfig(**values)
    except (ValueError, TypeError, AttributeError) as exc:
        raise StoreError(
            f"sources.config_json of source {source_id!r} is unreadable: {exc}"
        ) from exc


def category_slug(name: str) -> str | None:
    """Lower-case ASCII slug of a category name, or None when it has no ASCII letters/digits.

    ``"Tech News"`` → ``"tech-news"``; ``"财经"`` → None (served by its percent-encoded name).
    """
    slug = _SLUG_JUNK.sub("-", name.lower()).strip("-")
    return slug or None
