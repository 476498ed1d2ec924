"""The console's guards: no tokens → 404; sign-in; cookie flags; CSP; CSRF; read scope."""

from __future__ import annotations

from typing import Any

from admin_support import csrf_of, sign_in
from aiohttp.test_utils import TestClient
from api.api_support import READ, WRITE, ApiHarness, HarnessMaker

from feedsvc.web.admin.session import COOKIE


async def test_console_is_404_without_tokens(make_harness: HarnessMaker) -> None:
    h = await make_harness(admin_tokens="")
    for path in ("/admin", "/admin/", "/admin/signin", "/admin/static/admin.css"):
        response = await h.client.get(path, allow_redirects=False)
        assert response.status == 404, path


async def test_unsigned_visitor_is_sent_to_sign_in(harness: ApiHarness) -> None:
    response = await harness.client.get("/admin/", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/admin/signin"


async def test_wrong_token_is_refused(harness: ApiHarness) -> None:
    client = harness.client
    page = await client.get("/admin/signin")
    response = await client.post(
        "/admin/signin", data={"csrf": csrf_of(await page.text()), "token": "nope"}
    )
    assert response.status == 401
    assert "not valid" in await response.text()
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_session_cookie_flags_and_no_token_in_it(harness: ApiHarness) -> None:
    client = harness.client
    page = await client.get("/admin/signin")
    response = await client.post(
        "/admin/signin",
        data={"csrf": csrf_of(await page.text()), "token": WRITE},
        allow_redirects=False,
    )
    assert response.status == 303
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/admin"
    assert not cookie["secure"]  # plain http here
    assert WRITE not in cookie.value


async def test_cookie_is_secure_behind_https(harness: ApiHarness) -> None:
    client = harness.client
    page = await client.get("/admin/signin", headers={"X-Forwarded-Proto": "https"})
    pre = page.cookies["feedsvc_admin_pre"]
    assert pre["secure"]
    # a Secure cookie is not sent back over this test's plain http: send it by hand
    response = await client.post(
        "/admin/signin",
        data={"csrf": csrf_of(await page.text()), "token": WRITE},
        headers={"X-Forwarded-Proto": "https", "Cookie": f"feedsvc_admin_pre={pre.value}"},
        allow_redirects=False,
    )
    assert response.cookies[COOKIE]["secure"]


async def test_every_page_has_a_strict_csp(harness: ApiHarness) -> None:
    client = harness.client
    for path in ("/admin/signin", "/admin/static/admin.css", "/admin/nope"):
        response = await client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert "script-src" not in csp  # no script at all
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    await sign_in(client, WRITE)
    response = await client.get("/admin/")
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in await response.text()


async def _paused(h: ApiHarness) -> bool:
    response = await h.client.get(
        "/api/v1/sources/caijing", headers={"Authorization": f"Bearer {WRITE}"}
    )
    body: dict[str, Any] = await response.json()
    return not body["enabled"]


async def test_forged_csrf_is_403_and_changes_nothing(harness: ApiHarness) -> None:
    await harness.create()
    client: TestClient[Any, Any] = harness.client
    csrf = await sign_in(client, WRITE)
    for forged in ("", "0" * len(csrf), csrf[:-1] + ("0" if csrf[-1] != "0" else "1")):
        data = {"csrf": forged} if forged else {}
        response = await client.post("/admin/sources/caijing/pause", data=data)
        assert response.status == 403, forged
        assert "security token" in await response.text()
    assert not await _paused(harness)
    response = await client.post("/admin/sources/caijing/pause", data={"csrf": csrf})
    assert response.status == 200
    assert await _paused(harness)


async def test_read_token_can_view_but_not_write(harness: ApiHarness) -> None:
    await harness.create()
    client = harness.client
    csrf = await sign_in(client, READ)
    page = await client.get("/admin/sources/caijing")
    assert page.status == 200
    assert "财经" in await page.text()
    writes = (
        "/admin/sources/caijing/pause",
        "/admin/sources/caijing/refresh",
        "/admin/sources/caijing/edit",
        "/admin/sources/new",
    )
    for path in writes:
        response = await client.post(path, data={"csrf": csrf, "action": "save", "id": "x"})
        assert response.status == 403, path
        assert "read-only" in await response.text()
    assert not await _paused(harness)
    assert len(await harness.store.admin_sources()) == 1
    # signing out is allowed
    response = await client.post("/admin/signout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303


async def test_sign_out_ends_the_session(harness: ApiHarness) -> None:
    client = harness.client
    csrf = await sign_in(client, WRITE)
    stolen = client.session.cookie_jar.filter_cookies(client.make_url("/admin/"))[COOKIE].value
    response = await client.post("/admin/signout", data={"csrf": csrf})
    assert str(response.url).endswith("/admin/signin")
    assert (await client.get("/admin/", allow_redirects=False)).status == 303
    # the old cookie, replayed, no longer works either
    replay = await client.get(
        "/admin/", headers={"Cookie": f"{COOKIE}={stolen}"}, allow_redirects=False
    )
    assert replay.status == 303
