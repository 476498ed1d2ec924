"""``feedsvc check --source ID`` shows the template the source learned (state, paths,
evidence) and pins it on the article page as a refresh would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sites import gov_gbk
from test_check_cli import _sources_file, check_env, run_check, serve_in_thread

from feedsvc.cli import EXIT_OK, main

__all__ = ["check_env"]  # autouse: private networks allowed, a database in tmp_path


def test_check_source_prints_the_learned_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = gov_gbk.build()
    with serve_in_thread(site) as base:
        config = _sources_file(tmp_path, base, site, "    allow_private_networks: true\n")
        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov")
        assert code == EXIT_OK, err
        assert "template: unknown: not read:" in out  # no database yet: said, not fatal

        assert main(["migrate", "--config", str(config)]) == 0
        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov")
        assert "template: learning: not learned yet: 0 of 3 pages observed" in out, out

        assert main(["refresh", "--config", str(config)]) == 0
        capsys.readouterr()
        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov")
        assert code == EXIT_OK, err
        assert "template: learned: learned from" in out, out
        body_line = next(line for line in out.splitlines() if line.startswith("  body:"))
        assert "pages]" in body_line
        assert "content_html=template" in out  # pinned on the article page

        code, out, err = run_check(capsys, "--config", str(config), "--source", "gov", "--json")
    summary = json.loads(out)["template"]
    assert summary["learned"] is True and summary["pages_agreed"] >= 3
    assert {p["part"] for p in summary["parts"]} >= {"body", "title"}
