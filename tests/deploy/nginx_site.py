"""The shipped deploy/nginx files in a temporary prefix, run by the real nginx.

Only what must differ on a test machine is rewritten: ports and the upstream on 127.0.0.1,
and pid, logs, cache and temp paths under the prefix. Each rewrite must find its text in
the shipped file exactly once, so a changed file fails here instead of being tested half.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from deploy_paths import DEPLOY

START_SECONDS = 15.0
TEMP_MODULES = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _rewrite(text: str, replacements: dict[str, str], name: str) -> str:
    for old, new in replacements.items():
        count = text.count(old)
        assert count == 1, f"deploy/nginx/{name}: expected {old!r} once, found {count}"
        text = text.replace(old, new)
    return text


def _temp_paths(nginx: str, prefix: Path) -> str:
    """``*_temp_path`` under the prefix for every temp path this nginx build has (Debian
    compiles them in as absolute /var/lib/nginx paths, which -p does not move)."""
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=True).stderr
    lines = []
    for module in TEMP_MODULES:
        without = module if module != "client_body" else "none"
        if f"--without-http_{without}_module" not in built:
            lines.append(f"    {module}_temp_path {prefix / 'temp' / module};\n")
    return "".join(lines)


@dataclass(frozen=True)
class Tls:
    port: int
    cert: Path
    key: Path


def write_site(
    nginx: str, prefix: Path, *, port: int, upstream_port: int, tls: Tls | None = None
) -> Path:
    """The shipped files laid out as in /etc/nginx under ``prefix``; the nginx.conf path."""
    (prefix / "conf.d").mkdir(parents=True)
    (prefix / "snippets").mkdir()
    (prefix / "logs").mkdir()
    (prefix / "temp").mkdir()
    system_types = Path("/etc/nginx/mime.types")
    if system_types.exists():
        shutil.copy(system_types, prefix / "mime.types")
    else:
        (prefix / "mime.types").write_text("types { application/atom+xml atom; }\n")
    user = "user root;" if os.geteuid() == 0 else ""  # workers must write the temp prefix
    main = _rewrite(
        (DEPLOY / "nginx/nginx.conf").read_text(),
        {
            "user www-data;": user,
            "pid /run/nginx.pid;": f"pid {prefix / 'nginx.pid'};",
            "error_log /var/log/nginx/error.log warn;": "error_log stderr warn;",
            "access_log /var/log/nginx/access.log combined;": (
                f"access_log {prefix / 'logs/access.log'} combined;"
            ),
            "http {\n": "http {\n" + _temp_paths(nginx, prefix),
        },
        "nginx.conf",
    )
    conf = prefix / "nginx.conf"
    conf.write_text(main)
    site = _rewrite(
        (DEPLOY / "nginx/feedsvc.conf").read_text(),
        {
            "/var/cache/nginx/feedsvc": str(prefix / "cache"),
            "listen 80;": f"listen 127.0.0.1:{port};",
            "listen [::]:80;": "",
        },
        "feedsvc.conf",
    )
    (prefix / "conf.d/feedsvc.conf").write_text(site)
    shutil.copy(DEPLOY / "nginx/feedsvc-proxy.conf", prefix / "snippets/feedsvc-proxy.conf")
    upstream = _rewrite(
        (DEPLOY / "nginx/feedsvc-upstream.conf").read_text(),
        {"server 127.0.0.1:8080 ": f"server 127.0.0.1:{upstream_port} "},
        "feedsvc-upstream.conf",
    )
    (prefix / "snippets/feedsvc-upstream.conf").write_text(upstream)
    if tls is not None:
        secure = _rewrite(
            (DEPLOY / "nginx/feedsvc-tls.conf").read_text(),
            {
                "listen 443 ssl http2;": f"listen 127.0.0.1:{tls.port} ssl http2;",
                "listen [::]:443 ssl http2;": "",
                "/etc/ssl/feedsvc/fullchain.pem": str(tls.cert),
                "/etc/ssl/feedsvc/privkey.pem": str(tls.key),
            },
            "feedsvc-tls.conf",
        )
        (prefix / "conf.d/feedsvc-tls.conf").write_text(secure)
    return conf


def self_signed(openssl: str, folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    return cert, key


def nginx_test(nginx: str, conf: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``conf``: the syntax, every include, and the paths it opens."""
    return subprocess.run(
        [nginx, "-t", "-p", f"{conf.parent}/", "-e", "stderr", "-c", str(conf)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


class Nginx:
    """nginx in the foreground (``daemon off``) on a written site; stopped on exit."""

    def __init__(self, nginx: str, conf: Path, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = conf.parent / "logs/stderr.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        argv = [nginx, "-p", f"{conf.parent}/", "-e", "stderr", "-c", str(conf)]
        self.process = subprocess.Popen(
            [*argv, "-g", "daemon off;"], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + START_SECONDS
        while not _accepts(port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"nginx did not start:\n{self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown, workers included
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
