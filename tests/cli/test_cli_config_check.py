"""``feedsvc config check FILE`` and ``python -m feedsvc.config --check FILE``, run as real
commands: exit 0 on a valid file, 2 on an invalid one, YAML syntax errors at FILE:LINE:COL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_run import PYTHON, TIMEOUT, run_feedsvc

GOOD = "sources:\n  - id: a\n    name: A\n    url: https://example.cn/news/\n"

# (name, file text, the "LINE:COL: message" expected after "FILE:")
SYNTAX = [
    (
        "unclosed double quote",
        'sources:\n  - id: a\n    name: "unclosed\n    url: https://example.cn/\n',
        ":3:11: YAML syntax error: the quoted string opened here is not closed",
    ),
    (
        "unclosed single quote",
        "sources:\n  - id: a\n    name: 'it s\n",
        ":3:11: YAML syntax error: the quoted string opened here is not closed",
    ),
    (
        "unclosed flow list",
        "sources:\n  - id: a\n    urls: [https://example.cn/\n",
        ":3:11: YAML syntax error: the '[' list opened here is not closed",
    ),
    (
        "indent too shallow",
        "sources:\n  - id: a\n    url: https://example.cn/\n   name: bad\n",
        ":4:4: YAML syntax error: this line's indentation does not match the lines above it",
    ),
    (
        "indent too deep",
        "sources:\n  - id: a\n    name: x\n      url: https://example.cn/\n",
        ":4:10: YAML syntax error: mapping values are not allowed here",
    ),
    (
        "tab indent",
        "sources:\n  - id: a\n\turl: https://example.cn/\n",
        ":3:1: YAML syntax error: a tab; YAML indents with spaces only",
    ),
    (
        "tab after spaces",
        "sources:\n  - id: a\n  \t url: https://example.cn/\n",
        ":3:3: YAML syntax error: a tab; YAML indents with spaces only",
    ),
]


def _write(folder: Path, text: str) -> Path:
    path = folder / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _old_entry(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "feedsvc.config", "--check", str(path)],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_config_check_accepts_a_valid_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    for done in (run_feedsvc("config", "check", str(path), cwd=tmp_path), _old_entry(path)):
        assert done.returncode == 0, done.stderr
        assert f"{path}: OK, 1 sources" in done.stdout
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml"]  # nothing made


def test_config_check_refuses_an_invalid_file_with_status_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources:\n  - id: a\n    url: ftp://example.cn/\n")
    for done in (run_feedsvc("config", "check", str(path), cwd=tmp_path), _old_entry(path)):
        assert done.returncode == 2, (done.stdout, done.stderr)
        assert f"{path}:3: sources[0].url: URL must start with http" in done.stderr
        assert "Traceback" not in done.stderr


def test_config_check_of_a_missing_file_is_status_2(tmp_path: Path) -> None:
    done = run_feedsvc("config", "check", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert done.returncode == 2
    assert "nope.yaml: cannot read the sources file" in done.stderr


@pytest.mark.parametrize(("name", "text", "expected"), SYNTAX, ids=[c[0] for c in SYNTAX])
def test_yaml_syntax_errors_name_line_and_column(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = _write(tmp_path, text)
    done = run_feedsvc("config", "check", str(path), cwd=tmp_path)
    assert done.returncode == 2, (name, done.stdout)
    assert f"{path}{expected}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_config_without_check_is_a_usage_error(tmp_path: Path) -> None:
    done = run_feedsvc("config", cwd=tmp_path)
    assert done.returncode == 2
    assert "check" in done.stderr
