"""Sources from the file, and one source from JSON (the admin API), by the same rules: one
schema for the file, the CLI and the API."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

import yaml

from feedsvc.config.settingsload import _setting_types, _Value
from feedsvc.config.values import (
    _SELECTOR_KEYS,
    _SOURCE_ID,
    _SOURCE_KEYS,
    DEFAULT_INTERVAL,
    MAX_PAGES,
    _encoding_problem,
    _timezone_problem,
    _url_problem,
    parse_interval,
    selector_problem,
)
from feedsvc.config.yamlnodes import _MISSING, _Reader
from feedsvc.langtag import normalize_language
from feedsvc.models import Selectors, SourceConfig
from feedsvc.redact import redact_credentials


def _read_settings(reader: _Reader, node: yaml.Node) -> dict[str, _Value]:
    kinds = _setting_types()
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return {}
    entries = reader.mapping(node, "settings", list(kinds))
    values: dict[str, _Value] = {}
    for name, value_node in (entries or {}).items():
        where = f"settings.{name}"
        value = reader.setting_value(value_node, where, kinds[name])
        if value is not _MISSING:
            origin = f"{reader.label}:{value_node.start_mark.line + 1}: {where}"
            values[name] = _Value(value, origin, value_node.start_mark.line + 1)
    return values


def _read_selectors(reader: _Reader, node: yaml.Node, where: str) -> Selectors | None:
    entries = reader.mapping(node, where, _SELECTOR_KEYS)
    if entries is None:
        return None
    values: dict[str, str] = {}
    for key, value_node in entries.items():
        field_where = f"{where}.{key}"
        text = reader.string(value_node, field_where)
        if text is None:
            continue
        problem = selector_problem(text, key=key)
        if problem:
            reader.add(value_node, field_where, problem)
            continue
        values[key] = text
    return Selectors(**values) if values else None


def _read_urls(
    reader: _Reader, entries: dict[str, yaml.Node], node: yaml.Node, where: str
) -> list[str]:
    if "url" in entries and "urls" in entries:
        reader.add(entries["urls"], f"{where}.urls", "give either url or urls, not both")
        return []
    if "url" not in entries and "urls" not in entries:
        reader.add(node, where, "missing url (or urls: a list of list pages)")
        return []
    if "url" in entries:
        items = [(entries["url"], f"{where}.url")]
    else:
        list_node = entries["urls"]
        if not isinstance(list_node, yaml.SequenceNode) or not list_node.value:
            got = (
                reader.describe(list_node)
                if not isinstance(list_node, yaml.SequenceNode)
                else "an empty list"
            )
            reader.add(list_node, f"{where}.urls", f"expected a list of URLs, got {got}")
            return []
        items = [(n, f"{where}.urls[{i}]") for i, n in enumerate(list_node.value)]
    urls: list[str] = []
    for url_node, url_where in items:
        url = reader.string(url_node, url_where)
        if url is None:
            continue
        problem = _url_problem(url)
        if problem:
            reader.add(url_node, url_where, problem)
        elif url in urls:
            reader.add(url_node, url_where, f"repeated URL {redact_credentials(url)!r}")
        else:
            urls.append(url)
    return urls


def _read_source(
    reader: _Reader, node: yaml.Node, where: str
) -> tuple[SourceConfig | None, str | None]:
    """The source (None when it has problems) and its id when readable, for duplicate checks."""
    before = reader.count
    entries = reader.mapping(node, where, _SOURCE_KEYS)
    if entries is None:
        return None, None
    source_id: str | None = None
    if "id" not in entries:
        reader.add(node, where, "missing id (letters a-z, digits and '-', used in feed URLs)")
    else:
        source_id = reader.string(entries["id"], f"{where}.id")
        if source_id is not None and not _SOURCE_ID.fullmatch(source_id):
            fixed = re.sub(r"[^a-z0-9]+", "-", source_id.lower()).strip("-")[:64]
            hint = f"; try {fixed!r}" if fixed else ""
            reader.add(
                entries["id"],
                f"{where}.id",
                f"must be 1-64 characters of a-z, 0-9 and '-', got {source_id!r}{hint}",
            )
    urls = _read_urls(reader, entries, node, where)
    text: dict[str, str | None] = {}
    for key in ("name", "category", "timezone", "encoding", "language"):
        text[key] = reader.string(entries[key], f"{where}.{key}") if key in entries else None

    def check(key: str, problem: Callable[[str], str | None]) -> None:
        value = text[key]
        message = problem(value) if value is not None else None
        if message:
            reader.add(entries[key], f"{where}.{key}", message)

    check("timezone", _timezone_problem)
    check("encoding", _encoding_problem)
    language = text["language"]
    if language is not None:
        try:
            language = normalize_language(language)
        except ValueError as exc:
            reader.add(entries["language"], f"{where}.language", str(exc))
    interval = DEFAULT_INTERVAL
    if "interval" in entries:
        interval_node = entries["interval"]
        value = reader.scalar(interval_node) if isinstance(interval_node, yaml.ScalarNode) else None
        if not isinstance(value, str | int) or isinstance(value, bool):
            reader.add(
                interval_node,
                f"{where}.interval",
                f"expected a duration like 15m, got {reader.describe(interval_node)}",
            )
        else:
            try:
                interval = parse_interval(value)
            except ValueError as exc:
                reader.add(interval_node, f"{where}.interval", str(exc))
    full_text = True
    if "full_text" in entries:
        full_text = bool(reader.boolean(entries["full_text"], f"{where}.full_text"))
    allow_private: bool | None = None
    if "allow_private_networks" in entries:
        allow_private = reader.boolean(
            entries["allow_private_networks"], f"{where}.allow_private_networks"
        )
    enabled = True
    if "enabled" in entries:
        enabled = reader.boolean(entries["enabled"], f"{where}.enabled") is not False
    max_pages = 1
    if "max_pages" in entries:
        max_pages = reader.integer(entries["max_pages"], f"{where}.max_pages", 1, MAX_PAGES) or 1
    selectors = None
    if "selectors" in entries:
        selectors = _read_selectors(reader, entries["selectors"], f"{where}.selectors")
    if reader.count > before or source_id is None:
        return None, source_id
    encoding = text["encoding"]
    return SourceConfig(
        id=source_id,
        name=text["name"] or source_id,
        urls=tuple(urls),
        interval_seconds=interval,
        category=text["category"],
        timezone=text["timezone"],
        full_text=full_text,
        selectors=selectors,
        encoding=codecs.lookup(encoding).name if encoding else None,
        language=language,
        max_pages=max_pages,
        allow_private_networks=allow_private,
        enabled=enabled,
    ), source_id


def _read_sources(reader: _Reader, node: yaml.Node) -> list[SourceConfig]:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        reader.warnings.append(f"{reader.label}:{node.start_mark.line + 1}: sources: empty")
        return []
    if not isinstance(node, yaml.SequenceNode):
        reader.add(node, "sources", f"expected a list of sources, got {reader.describe(node)}")
        return []
    sources: list[SourceConfig] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(node.value):
        where = f"sources[{index}]"
        source, source_id = _read_source(reader, item, where)
        if source_id is None:
            continue
        if source_id in first_line:
            reader.add(
                item,
                f"{where}.id",
                f"repeated source id {source_id!r} (first at line {first_line[source_id]})",
            )
            continue
        first_line[source_id] = item.start_mark.line + 1
        if source is not None:
            sources.append(source)
    if not node.value:
        reader.warnings.append(f"{reader.label}:{node.start_mark.line + 1}: sources: empty")
    return sources


# --- One source from JSON (the admin API): the same rules as the file ---------------------


class SourceProblem(NamedTuple):
    field: str  # a path inside the source: "interval", "selectors.item", "urls[1]"
    message: str


class _FieldReader(_Reader):
    """Collects ``(field, message)`` pairs instead of ``FILE:LINE`` lines."""

    def __init__(self) -> None:
        super().__init__("")
        self.fields: list[SourceProblem] = []

    def add(self, node: yaml.Node | None, where: str, message: str) -> None:
        if node in self._refused:
            return  # screen() said why already
        # "; quote it" is advice for YAML, where JSON has no such thing.
        self.fields.append(SourceProblem(where.lstrip("."), message.removesuffix("; quote it")))
        self.add_text(0, message)


def _yaml_node(value: object) -> yaml.Node:
    """A JSON value as the YAML node the file's reader walks (so both share every rule)."""
    mark = yaml.Mark("json", 0, -1, -1, None, 0)
    if isinstance(value, Mapping):
        pairs = [(_yaml_node(str(k)), _yaml_node(v)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, mark, mark)
    if isinstance(value, list | tuple):
        return yaml.SequenceNode(
            "tag:yaml.org,2002:seq", [_yaml_node(v) for v in value], mark, mark
        )
    if value is None:
        tag, text = "null", "null"
    elif isinstance(value, bool):
        tag, text = "bool", str(value).lower()
    elif isinstance(value, int):
        tag, text = "int", str(value)
    elif isinstance(value, float):
        tag, text = "float", repr(value)
    else:
        tag, text = "str", str(value)
    return yaml.ScalarNode(f"tag:yaml.org,2002:{tag}", text, mark, mark)


def parse_source(data: object) -> SourceConfig | list[SourceProblem]:
    """Validate one source given as JSON data with exactly the sources file's rules.

    Returns the SourceConfig, or every problem as ``(field, message)``.
    """
    reader = _FieldReader()
    node = _yaml_node(data)
    reader.screen(node)
    source, _ = _read_source(reader, node, "")
    if reader.fields or source is None:
        return reader.fields or [SourceProblem("", "not a valid source")]
    return source


def source_fields(config: SourceConfig) -> dict[str, object]:
    """A SourceConfig as the file's keys (what :func:`parse_source` reads back unchanged)."""
    data: dict[str, object] = {
        "id": config.id,
        "name": config.name,
        "urls": list(config.urls),
        "interval": config.interval_seconds,
        "category": config.category,
        "timezone": config.timezone,
        "full_text": config.full_text,
        "encoding": config.encoding,
        "language": config.language,
        "max_pages": config.max_pages,
        "allow_private_networks": config.allow_private_networks,
    }
    if config.selectors is not None:
        data["selectors"] = config.selectors.as_dict()
    if not config.enabled:
        data["enabled"] = False  # the default (true) is left out
    return {k: v for k, v in data.items() if v is not None}
