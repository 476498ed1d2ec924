"""deploy/systemd: the units pass ``systemd-analyze verify``, are hardened, order the
migration first, run the venv's feedsvc (never ./dev) and set only real settings."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from deploy_paths import DEPLOY
from deploy_settings import check_feedsvc_command, check_feedsvc_env

UNITS = DEPLOY / "systemd"
NAMES = ("feedsvc-migrate.service", "feedsvc-web.service", "feedsvc-worker.service")
VENV_FEEDSVC = "/opt/feedsvc/venv/bin/feedsvc"
HARDENING = {
    "DynamicUser": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "NoNewPrivileges": "yes",
    "StateDirectory": "feedsvc",
    "EnvironmentFile": "-/etc/feedsvc/env",
}


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


def test_the_three_units_and_only_them_are_shipped() -> None:
    assert sorted(p.name for p in UNITS.glob("*.service")) == sorted(NAMES)
    assert not (DEPLOY / "feedsvc.service").exists()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            assert "./dev" not in path.read_text(), f"{path} installs development tools"


@pytest.mark.parametrize("name", NAMES)
def test_unit_is_hardened_and_runs_a_feedsvc_command(name: str) -> None:
    service = _unit(name)["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == value, f"{name}: {key}"
    program, _, args = service["ExecStart"].partition(" ")
    assert program == VENV_FEEDSVC
    check_feedsvc_command(args, name)
    assignments = [item.split("=", 1) for item in shlex.split(service["Environment"])]
    env = dict(assignments)
    check_feedsvc_env(env, name)
    # Each unit has its own /tmp: the processes share metrics through the state directory.
    assert env["FEEDSVC_METRICS_DIR"].startswith("/var/lib/feedsvc/"), name


def test_web_and_worker_start_after_the_migration() -> None:
    migrate = _unit("feedsvc-migrate.service")["Service"]
    assert (migrate["Type"], migrate["ExecStart"].split()[1]) == ("oneshot", "migrate")
    for name, role in (("feedsvc-web.service", "web"), ("feedsvc-worker.service", "worker")):
        unit = _unit(name)
        assert "feedsvc-migrate.service" in unit["Unit"]["Requires"].split()
        assert "feedsvc-migrate.service" in unit["Unit"]["After"].split()
        assert f"--role {role}" in unit["Service"]["ExecStart"]


def test_env_example_sets_only_real_settings() -> None:
    lines = (UNITS / "env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    assert pairs
    check_feedsvc_env(dict(pairs), "deploy/systemd/env.example")
    commented = [line[2:].split("=", 1) for line in lines if line.startswith("# FEEDSVC_")]
    check_feedsvc_env(dict(commented), "deploy/systemd/env.example (commented)")


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    # verify checks that ExecStart exists: point it at this venv's feedsvc.
    feedsvc = Path(sys.executable).parent / "feedsvc"
    assert feedsvc.exists(), feedsvc
    for name in NAMES:
        text = (UNITS / name).read_text()
        assert text.count(VENV_FEEDSVC) == 1, name
        (tmp_path / name).write_text(text.replace(VENV_FEEDSVC, str(feedsvc)))
    done = subprocess.run(
        [analyze, "verify", "--man=no", *NAMES],
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    # verify reports unknown keys and bad values as warnings with status 0: none allowed.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
