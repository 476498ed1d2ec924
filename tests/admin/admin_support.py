"""Signing in to the console with the aiohttp test client, and reading a form's CSRF."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


async def sign_in(client: TestClient[Any, Any], token: str) -> str:
    """Sign in; the session's CSRF token (from the sources page)."""
    page = await client.get("/admin/signin")
    assert page.status == 200
    response = await client.post(
        "/admin/signin", data={"csrf": csrf_of(await page.text()), "token": token}
    )
    assert response.status == 200, await response.text()
    assert str(response.url).endswith("/admin/")
    return csrf_of(await response.text())
