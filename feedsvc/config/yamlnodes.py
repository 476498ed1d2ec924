"""Walking the sources file's YAML node tree: every problem becomes ``FILE:LINE: field:
message``; tags other than plain YAML's, oversized numbers and failing scalars are refused."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from feedsvc.config.settingsload import _TYPE_WORDS, _python_type_problem
from feedsvc.config.values import _shorten, _suggest

_MERGE_TAG = "tag:yaml.org,2002:merge"
_YAML_TAG = "tag:yaml.org,2002:"
# The tags the file may use (plain YAML); !!python/*, !!binary, !!set, local !tags are refused.
_PLAIN_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
MAX_NUMBER_CHARS = 100  # longer digit strings are refused before int() is asked (4300 max)
_TAG_WORDS = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


class _Reader:
    """Walks a composed YAML node tree, turning problems into ``FILE:LINE: field: message``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._problems: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self._constructor = yaml.SafeLoader("")
        self._refused: set[yaml.Node] = set()  # reported by screen(); never read

    def screen(self, root: yaml.Node) -> None:
        """Report every node whose value cannot be built safely, before anything is read:
        tags that are not plain YAML and scalars their constructor rejects (``!!int abc``,
        a 5000-digit number). Each node is visited once, so aliases cannot multiply work."""
        seen: set[yaml.Node] = set()
        pending: list[tuple[yaml.Node, str]] = [(root, "")]
        while pending:
            node, where = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            problem = self._node_problem(node)
            if problem:
                self.add(node, where, problem)
                self._refused.add(node)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend((item, f"{where}[{i}]") for i, item in enumerate(node.value))
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                    pending.extend(((key, where), (value, self.join(where, name))))

    def _node_problem(self, node: yaml.Node) -> str | None:
        if node.tag not in _PLAIN_TAGS:
            yaml_tag = node.tag.startswith(_YAML_TAG)
            tag = "!!" + node.tag.removeprefix(_YAML_TAG) if yaml_tag else node.tag
            return (
                f"the YAML tag {_shorten(tag, 60)} is not allowed; "
                "write plain strings, numbers, true/false, lists and mappings"
            )
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TAG_WORDS:
            return None
        text = str(node.value)
        if len(text) > MAX_NUMBER_CHARS and node.tag.endswith(("int", "float")):
            return f"number too long ({len(text)} characters; at most {MAX_NUMBER_CHARS})"
        try:
            self._constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors fail in many ways (IndexError on "!!int")
            word = _TAG_WORDS[node.tag].split(" ", 1)[1]  # "an integer" → "integer"
            return f"not a valid {word}: {_shorten(text)!r}"
        return None

    def add(self, node: yaml.Node | None, where: str, message: str) -> None:
        if node in self._refused:
            return  # screen() said why already
        line = node.start_mark.line + 1 if node is not None else 0
        prefix = f"{self.label}:{line}" if line else self.label
        self.add_text(line, f"{prefix}: {where}: {message}" if where else f"{prefix}: {message}")

    def add_text(self, line: int, text: str) -> None:
        self._problems.append((line, text))

    @property
    def count(self) -> int:
        return len(self._problems)

    @property
    def problems(self) -> list[str]:
        """In file order, so a long report reads top to bottom."""
        return [text for _, text in sorted(self._problems, key=lambda item: item[0])]

    def describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        word = _TAG_WORDS.get(node.tag, f"a {node.tag}")
        if node.tag == "tag:yaml.org,2002:null":
            return word
        value = str(node.value)
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"{word} ({shown!r})" if node.tag.endswith(":str") else f"{word} ({shown})"

    def scalar(self, node: yaml.Node) -> object:
        """The node's value (screened, so safe to build), or ``_MISSING`` when refused."""
        if node in self._refused:
            return _MISSING
        return self._constructor.construct_object(node, deep=True)

    def mapping(
        self, node: yaml.Node, where: str, allowed: Sequence[str]
    ) -> dict[str, yaml.Node] | None:
        """The mapping's keys → value nodes; unknown and repeated keys are reported."""
        if node in self._refused:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.add(node, where, f"expected a mapping, got {self.describe(node)}")
            return None
        explicit: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = str(key_node.value)
            if key in explicit:
                self.add(key_node, self.join(where, key), "repeated key")
            explicit.add(key)
        try:
            self._constructor.flatten_mapping(node)  # resolves `<<: *anchor` merges
        except yaml.MarkedYAMLError as exc:
            self.add(node, where, f"bad merge: {exc.problem}")
            return None
        except RecursionError:
            self.add(node, where, "bad merge: it merges itself")
            return None
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":str")):
                self.add(key_node, where, f"keys must be names, got {self.describe(key_node)}")
                continue
            key = key_node.value
            if key not in allowed:
                self.add(key_node, self.join(where, key), f"unknown key{_suggest(key, allowed)}")
                continue
            result[key] = value_node
        return result

    @staticmethod
    def join(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def string(self, node: yaml.Node, where: str) -> str | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"):
            hint = "; quote it" if isinstance(node, yaml.ScalarNode) and node.value else ""
            self.add(node, where, f"expected a string, got {self.describe(node)}{hint}")
            return None
        text = str(node.value).strip()
        if not text:
            self.add(node, where, "must not be empty")
            return None
        return text

    def boolean(self, node: yaml.Node, where: str) -> bool | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"):
            self.add(node, where, f"expected true or false, got {self.describe(node)}")
            return None
        value = self.scalar(node)
        return value if isinstance(value, bool) else None

    def integer(self, node: yaml.Node, where: str, low: int, high: int) -> int | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int"):
            self.add(node, where, f"expected an integer, got {self.describe(node)}")
            return None
        value = self.scalar(node)
        if not isinstance(value, int):
            return None
        if not low <= value <= high:
            self.add(node, where, f"must be between {low} and {high}, got {value}")
            return None
        return value

    def setting_value(self, node: yaml.Node, where: str, kind: type) -> object:
        """A settings value from YAML, type-checked; ``_MISSING`` when reported as bad."""
        if not isinstance(node, yaml.ScalarNode):
            self.add(node, where, f"expected {_TYPE_WORDS[kind]}, got {self.describe(node)}")
            return _MISSING
        value = self.scalar(node)
        if value is _MISSING:
            return _MISSING
        problem = _python_type_problem(kind, value)
        if problem:
            self.add(node, where, problem)
            return _MISSING
        return float(value) if kind is float else value  # type: ignore[arg-type]


_MISSING = object()
