"""deploy/container: the entrypoint run directly (the real feedsvc on SQLite, and a fake
one behind a database that is not up yet), and compose.yaml and the Containerfile read and
checked: real settings only, and every file they use exists. No image is built here."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY, ROOT
from deploy_settings import check_feedsvc_command, check_feedsvc_env
from live import free_port

CONTAINER = DEPLOY / "container"
ENTRYPOINT = CONTAINER / "entrypoint.sh"
VENV_BIN = str(Path(sys.executable).parent)
STARTUP_SECONDS = 60.0
# ${NAME:-default} and ${NAME}: compose fills them from the shell; the default is checked.
_INTERPOLATION = re.compile(r"\$\{[A-Z_]+(?::-([^}]*))?\}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


def _entrypoint(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ENTRYPOINT), *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _healthcheck_argv() -> list[str]:
    """The Containerfile's HEALTHCHECK command (exec form)."""
    text = (CONTAINER / "Containerfile").read_text().replace("\\\n", " ")
    found = re.search(r"^HEALTHCHECK .*? CMD (\[.*\])\s*$", text, re.MULTILINE)
    assert found, "Containerfile has no HEALTHCHECK … CMD [...]"
    argv: list[str] = json.loads(found[1])
    return argv


def test_entrypoint_migrates_then_serves_and_passes_the_healthcheck(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "feedsvc.db"
    env = _env(
        FEEDSVC_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        FEEDSVC_LISTEN=f"127.0.0.1:{port}",
        FEEDSVC_CONFIG=str(CONTAINER / "sources.yaml"),
    )
    migrated = _entrypoint("migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert database.exists()

    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen(
        ["bash", str(ENTRYPOINT), "web"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_healthz(port, web, tmp_path / "web.log")
        # exec: the container's main process is feedsvc itself, so it gets the signals.
        cmdline = Path(f"/proc/{web.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[-6:-3] == [b"serve", b"--role", b"web"], cmdline
        health = subprocess.run(
            _healthcheck_argv(), env=env, capture_output=True, text=True, timeout=30, check=False
        )
        assert health.returncode == 0, health.stderr
        for path in ("/healthz", "/readyz", "/feeds/latest.atom"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                assert r.status == 200, path
        web.send_signal(signal.SIGTERM)
        assert web.wait(15) == 0
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()
        log.close()
    # The same healthcheck fails when nothing answers.
    health = subprocess.run(_healthcheck_argv(), env=env, capture_output=True, timeout=30)
    assert health.returncode != 0


def _wait_healthz(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)


@pytest.fixture
def fake_feedsvc(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``feedsvc`` only writes its arguments to ``record``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "feedsvc"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD"\n')
    fake.chmod(0o755)
    env = _env(RECORD=str(tmp_path / "record"), FEEDSVC_CONFIG="/etc/feedsvc/sources.yaml")
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    return env


def _postgres_url(port: int) -> str:
    return f"postgresql+asyncpg://feedsvc:s3cret@127.0.0.1:{port}/feedsvc"


def test_entrypoint_gives_up_on_an_absent_database(
    fake_feedsvc: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    env = {**fake_feedsvc, "FEEDSVC_DATABASE_URL": _postgres_url(port), "DB_WAIT_SECONDS": "2"}
    started = time.monotonic()
    done = _entrypoint("worker", env=env)
    assert time.monotonic() - started < 15
    assert done.returncode == 69
    assert done.stderr == f"entrypoint: database 127.0.0.1:{port} not reachable after 2s\n"
    assert not (tmp_path / "record").exists()  # feedsvc never ran


def test_entrypoint_waits_for_the_database_then_runs_the_role(
    fake_feedsvc: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = {**fake_feedsvc, "FEEDSVC_DATABASE_URL": _postgres_url(port), "DB_WAIT_SECONDS": "30"}
    listener = socket.socket()

    def open_late() -> None:
        time.sleep(1.5)
        listener.bind(("127.0.0.1", port))
        listener.listen()

    opener = threading.Thread(target=open_late)
    opener.start()
    try:
        started = time.monotonic()
        done = _entrypoint("worker", "--prune", env=env)
        waited = time.monotonic() - started
    finally:
        opener.join()
        listener.close()
    assert done.returncode == 0, done.stderr
    assert waited >= 1.5
    recorded = (tmp_path / "record").read_text().split()
    assert recorded == [
        "serve",
        "--role",
        "worker",
        "--config",
        "/etc/feedsvc/sources.yaml",
        "--prune",
    ]
    check_feedsvc_command(recorded, "entrypoint.sh worker")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["migrate"], ["migrate", "--config", "/etc/feedsvc/sources.yaml"]),
        ([], ["serve", "--role", "web", "--config", "/etc/feedsvc/sources.yaml"]),
        (["sources", "--config", "x.yaml"], ["sources", "--config", "x.yaml"]),
    ],
)
def test_entrypoint_roles(
    fake_feedsvc: dict[str, str], tmp_path: Path, args: list[str], expected: list[str]
) -> None:
    env = {**fake_feedsvc, "FEEDSVC_DATABASE_URL": "sqlite+aiosqlite:////tmp/x.db"}
    done = _entrypoint(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "record").read_text().split() == expected


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CONTAINER / "compose.yaml").read_text())
    return data


def _defaults(value: str) -> str:
    return _INTERPOLATION.sub(lambda m: m[1] or "", value)


def test_compose_runs_the_cluster_with_real_settings() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "nginx"}
    assert services["web"]["deploy"]["replicas"] == 2
    for name in ("migrate", "web", "worker"):
        service = services[name]
        env = {k: _defaults(str(v)) for k, v in service["environment"].items()}
        check_feedsvc_env(env, f"compose.yaml: {name}")
        assert env["FEEDSVC_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["FEEDSVC_DATABASE_URL"].partition("@")[2].startswith("db:5432/")
        mounts = dict(v.split(":")[1::-1] for v in service["volumes"])
        assert env["FEEDSVC_CONFIG"] in mounts  # the sources file is mounted there
        assert service["build"]["dockerfile"] == "deploy/container/Containerfile"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]


def test_compose_and_containerfile_use_only_files_that_exist() -> None:
    compose = _compose()
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = (CONTAINER / build["context"]).resolve()
            assert context == ROOT, name
            assert (context / build["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (CONTAINER / source).is_file(), f"{name}: {source}"
            else:
                assert source in compose["volumes"], f"{name}: {source}"
    text = (CONTAINER / "Containerfile").read_text()
    allowed = (ROOT / ".dockerignore").read_text().splitlines()
    copies = re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE)
    assert copies
    for sources in copies:
        for source in sources.split():
            assert (ROOT / source).exists(), source
            assert f"!{source.rstrip('/')}" in [a.rstrip("/") for a in allowed], source


def test_compose_nginx_has_every_file_the_shipped_config_includes() -> None:
    nginx = _compose()["services"]["nginx"]
    targets = {v.split(":")[1]: v.split(":")[0] for v in nginx["volumes"]}
    assert targets["/etc/nginx/nginx.conf"] == "../nginx/nginx.conf"
    assert "/etc/nginx/conf.d/default.conf" in targets  # the image's own site is replaced
    included = {
        name
        for source in targets.values()
        if source.endswith(".conf")
        for name in re.findall(
            r"^\s*include (snippets/\S+);", (CONTAINER / source).read_text(), re.MULTILINE
        )
    }
    assert included == {"snippets/feedsvc-proxy.conf", "snippets/feedsvc-upstream.conf"}
    for name in included:
        assert f"/etc/nginx/{name}" in targets, name
    upstream = (CONTAINER / targets["/etc/nginx/snippets/feedsvc-upstream.conf"]).read_text()
    assert re.search(r"^server web:8080\b", upstream, re.MULTILINE)
