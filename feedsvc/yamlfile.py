"""The sources file as YAML: read with a size cap, decoded as UTF-8, composed into a node
tree that keeps every node's line, and refused with ``FILE:LINE:COL: message`` on a
syntax error.

PyYAML's messages name the place where the parser gave up, which for the commonest
mistakes is not where the mistake is: an unclosed quote is reported at the end of the
file. ``syntax_problem`` points at the opening instead and words the usual mistakes (a
tab, a line indented off the lines above, an unclosed quote or bracket) plainly, keeping
PyYAML's own words in parentheses.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from feedsvc.errors import ConfigError

MAX_FILE_BYTES = 8 << 20  # ~25,000 sources of ~300 bytes (10,000 are ~3 MB: issue 13)
MAX_DEPTH = 32  # the file needs 5 levels; a deeper tree is a mistake or an attack


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark, where: str) -> None:
        super().__init__(where)
        self.mark, self.where = mark, where


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing trees deeper than MAX_DEPTH before its recursion runs deep."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[str] = []  # the field path of the node being composed

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        at: object = index  # a list index, a mapping's key node, or None (a key, the root)
        if isinstance(at, int):
            step = f"[{at}]"
        else:
            step = f".{at.value}" if isinstance(at, yaml.ScalarNode) else ""
        if len(self._path) >= MAX_DEPTH:
            where = "".join(self._path[:4]).lstrip(".")
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _TooDeep(mark, where + "…")
        self._path.append(step)
        try:
            return super().compose_node(parent, index)
        finally:
            self._path.pop()


def _read_text(path: Path) -> str:
    """The file's text, at most MAX_FILE_BYTES (``/dev/zero`` is refused, not read forever)."""
    label = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read the sources file: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{label}: larger than {MAX_FILE_BYTES >> 20} MiB; not a sources file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def compose_file(path: Path) -> yaml.Node | None:
    """Parse the file into a node tree (line numbers kept); ConfigError on unreadable/bad YAML."""
    label = str(path)
    text = _read_text(path)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character anywhere in the text
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ConfigError(f"{label}:{line}:{column}: {exc.reason} {exc.character!r}") from None
    try:
        return loader.get_single_node()
    except _TooDeep as exc:
        line = exc.mark.line + 1
        message = f"nested deeper than {MAX_DEPTH} levels"
        raise ConfigError(f"{label}:{line}: {exc.where}: {message}") from None
    except yaml.MarkedYAMLError as exc:
        where, what = syntax_problem(text, exc)
        raise ConfigError(f"{label}{where}: YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: YAML error: {exc}") from exc
    finally:
        loader.dispose()


# What an opening character starts, for "… opened here is not closed".
_OPENINGS = {
    '"': "the quoted string",
    "'": "the quoted string",
    "[": "the '[' list",
    "{": "the '{' mapping",
}
_UNCLOSED = ("found unexpected end of stream", "expected ',' or ")
_TAB = "found character '\\t' that cannot start any token"
_TAB_HINT = "a tab; YAML indents with spaces only (and needs spaces after ':')"
_INDENT = "expected <block end>, but found"
_INDENT_HINT = "this line's indentation does not match the lines above it"
_COLON = "mapping values are not allowed here"
_COLON_HINT = (
    "mapping values are not allowed here: a key indented deeper than the one above,"
    " or a value containing ': ' that needs quotes"
)


def syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> tuple[str, str]:
    """``(":LINE:COL", message)`` for a YAML syntax error in ``text`` (1-based; the
    location is empty when PyYAML gave none)."""
    problem, context = exc.problem or "", exc.context or ""
    raw = " ".join(part for part in (context, problem) if part)
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    if opened is not None and problem.startswith(_UNCLOSED):
        char = text[opened.index] if opened.index < len(text) else ""
        what = _OPENINGS.get(char, "the " + context.removeprefix("while ").split(" ", 1)[-1])
        where = (
            f"{exc.problem_mark.line + 1}:{exc.problem_mark.column + 1}"
            if exc.problem_mark
            else "?"
        )
        return _at(opened), f"{what} opened here is not closed ({problem} at {where})"
    if problem == _TAB:
        return _at(mark), _TAB_HINT
    if problem.startswith(_INDENT):
        return _at(mark), f"{_INDENT_HINT} ({raw})"
    if problem == _COLON:
        return _at(mark), _COLON_HINT
    return _at(mark), raw


def _at(mark: yaml.Mark | None) -> str:
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
