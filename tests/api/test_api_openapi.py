"""The OpenAPI document matches the code: schemathesis generates requests from it against
a live server on 127.0.0.1 (bounded examples), and every answer is no 5xx and conforms."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from aiohttp import web
from api_support import READ, WRITE, api_settings, auth
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from feedsvc.admintokens import parse_admin_tokens
from feedsvc.config import parse_source
from feedsvc.store import Store
from feedsvc.web import create_app
from feedsvc.web.api import ApiContext
from feedsvc.web.api.openapi import openapi_document
from feedsvc.web.api.routes import ROUTES

# Preview fetches whatever URL it is given: that is tested against the local portal.
SKIPPED = {"preview"}


class LiveServer:
    """The feed server with the API, on its own event loop in a thread (schemathesis'
    calls are synchronous)."""

    def __init__(self, database: Path) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._url = f"sqlite+aiosqlite:///{database}"
        self.base_url = self._run(self._start())

    def _run(self, coro: object) -> str:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)  # type: ignore[arg-type]
        result: str = future.result(60)
        return result

    async def seed(self) -> str:
        """The source docs/api.md's examples name (again, if a generated DELETE took it)."""
        if not await self.store.admin_sources("seeded"):
            source = parse_source({"id": "seeded", "url": "https://news.example.com/list/"})
            assert not isinstance(source, list)
            await self.store.create_source(
                source, enabled=True, actor="test", now=datetime.now(UTC)
            )
        return ""

    async def _start(self) -> str:
        self.store = await Store.open(self._url, migrate=True)
        await self.seed()
        settings = api_settings(allow_private_networks=False)
        api = ApiContext(settings, self.store, parse_admin_tokens(settings.admin_tokens))
        self.runner = web.AppRunner(create_app(settings, reader=self.store, api=api))
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def _stop(self) -> str:
        await self.runner.cleanup()
        await self.store.close()
        return ""

    def close(self) -> None:
        self._run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("openapi") / "api.db")
    yield server
    server.close()


SCHEMA = schemathesis.openapi.from_dict(openapi_document())
OPERATIONS = [
    result.ok()
    for result in SCHEMA.get_all_operations()
    if result.ok().definition.raw.get("operationId") not in SKIPPED
]
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


def test_every_route_is_in_the_document() -> None:
    paths = openapi_document()["paths"]
    for route in ROUTES:
        assert route.method.lower() in paths[f"/api/v1{route.path}"], route.path
    assert len(OPERATIONS) == len(ROUTES) + 1 - len(SKIPPED)  # + openapi.json


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_generated_requests_conform(live: LiveServer, operation: schemathesis.APIOperation) -> None:
    token = WRITE if operation.definition.raw.get("x-scope") == "write" else READ

    @hypothesis.settings(
        max_examples=8,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=live.base_url, headers=auth(token), timeout=10)
        case.validate_response(response, checks=CHECKS)

    run()


def test_the_document_is_served(live: LiveServer) -> None:
    import urllib.request

    request = urllib.request.Request(f"{live.base_url}/api/v1/openapi.json", headers=auth(READ))
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert b'"openapi":"3.1.0"' in response.read()


def _get_examples() -> list[str]:
    """docs/api.md's curl commands that only read (no -X, no -d)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text("utf-8")
    commands = []
    for block in text.split("```sh")[1:]:
        for line in block.split("```")[0].splitlines():
            if line.startswith("curl ") and " -X " not in line and not line.endswith("\\"):
                commands.append(line)
    return commands


def test_the_docs_get_examples_run(live: LiveServer) -> None:
    import subprocess

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    live._run(live.seed())
    examples = _get_examples()
    assert len(examples) >= 6
    for command in examples:
        env = {"FEEDSVC": live.base_url, "TOKEN": WRITE, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            ["sh", "-c", command.replace("curl -s", "curl -s -f", 1)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.startswith("{"), (command, done.stdout[:200])
