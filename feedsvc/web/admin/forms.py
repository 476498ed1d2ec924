"""Add and edit a source, with live preview: paste a URL → the API's preview (candidates,
the first articles, every link kept or dropped and why); pick a candidate → its selectors
fill the form and are previewed pinned; save → the API's create (or merge patch), so the
selectors are pinned and the file's validation rules apply."""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiMapping
from yarl import URL

from feedsvc.config import source_fields
from feedsvc.web.admin.context import BASE, admin, session
from feedsvc.web.admin.labels import request_language, translator
from feedsvc.web.admin.pages import page
from feedsvc.web.api import preview, sources
from feedsvc.web.api.errors import ApiError
from feedsvc.web.api.views import preview_json

TEXT_FIELDS = ("id", "name", "url", "category", "interval", "timezone", "language")
SELECTOR_FIELDS = ("item", "title", "link", "date", "content")
Form = dict[str, str]


def _read(data: MultiMapping[Any]) -> Form:
    form = {k: str(data.get(k, "")).strip() for k in TEXT_FIELDS}
    form |= {f"sel_{k}": str(data.get(f"sel_{k}", "")).strip() for k in SELECTOR_FIELDS}
    form["urls"] = str(data.get("urls", "")).strip()
    form["allow_private_networks"] = "on" if data.get("allow_private_networks") else ""
    form["etag"] = str(data.get("etag", ""))
    return form


def _selectors(form: Form) -> dict[str, str | None]:
    return {k: form[f"sel_{k}"] or None for k in SELECTOR_FIELDS}


def _value(key: str, text: str) -> object:
    return int(text) if key == "interval" and text.isdigit() else text


def _body(form: Form) -> dict[str, Any]:
    """A new source's fields (empty ones left out)."""
    body: dict[str, Any] = {k: _value(k, form[k]) for k in TEXT_FIELDS if form[k]}
    selectors = {k: v for k, v in _selectors(form).items() if v}
    if selectors:
        body["selectors"] = selectors
    if form["allow_private_networks"]:
        body["allow_private_networks"] = True
    return body


def _patch(form: Form) -> dict[str, Any]:
    """A merge patch of what the edit form shows: an emptied field is removed."""
    patch: dict[str, Any] = {
        k: _value(k, form[k]) or None for k in TEXT_FIELDS if k not in ("id", "url")
    }
    patch["urls"] = [u.strip() for u in form["urls"].splitlines() if u.strip()] or None
    patch["selectors"] = _selectors(form)
    patch["allow_private_networks"] = True if form["allow_private_networks"] else None
    return patch


def _from_source(fields: dict[str, Any], etag: str) -> Form:
    form = {k: str(fields.get(k) or "") for k in TEXT_FIELDS}
    selectors = fields.get("selectors") or {}
    form |= {f"sel_{k}": selectors.get(k, "") for k in SELECTOR_FIELDS}
    form["urls"] = "\n".join(fields.get("urls", []))
    form["allow_private_networks"] = "on" if fields.get("allow_private_networks") else ""
    form["etag"] = etag
    return form


def _render(
    request: web.Request, form: Form, *, editing: bool, status: int = 200, **extra: Any
) -> web.Response:
    values = page(
        request,
        form=form,
        editing=editing,
        allow_private=admin(request).api.settings.allow_private_networks,
        **extra,
    )
    return aiohttp_jinja2.render_template("form.html", request, values, status=status)


def _problems(error: ApiError) -> dict[str, Any]:
    return {"error": error.message, "problems": [(p.field, p.message) for p in error.problems]}


async def _preview(request: web.Request, form: Form, editing: bool) -> web.Response:
    url = form["url"] or (form["urls"].splitlines() or [""])[0]
    body: dict[str, Any] = {"url": url}
    selectors = {k: v for k, v in _selectors(form).items() if v}
    if selectors:
        body["selectors"] = selectors
    if form["timezone"]:
        body["timezone"] = form["timezone"]
    if form["allow_private_networks"]:
        body["allow_private_networks"] = True
    try:
        result = await preview.preview_for(admin(request).api, body, session(request).token.name)
    except ApiError as exc:
        return _render(request, form, editing=editing, status=exc.status, **_problems(exc))
    return _render(request, form, editing=editing, preview=preview_json(result))


def _pick(form: Form, choice: str) -> Form:
    """Fill the selector fields from a candidate's (the button carries them as JSON)."""
    try:
        chosen = json.loads(choice)
    except ValueError:
        chosen = {}
    if not isinstance(chosen, dict):
        chosen = {}
    picked = {f"sel_{k}": str(chosen.get(k) or "") for k in SELECTOR_FIELDS}
    return {**form, **picked}


async def new_page(request: web.Request) -> web.Response:
    return _render(request, _read(request.query), editing=False)


async def new_submit(request: web.Request) -> web.Response:
    data = await request.post()
    form = _read(data)
    if "use" in data:
        return await _preview(request, _pick(form, str(data["use"])), False)
    if data.get("action") != "save":
        return await _preview(request, form, False)
    try:
        created = await sources.create_from(
            admin(request).api, _body(form), session(request).token.name
        )
    except ApiError as exc:
        return _render(request, form, editing=False, status=exc.status, **_problems(exc))
    raise web.HTTPSeeOther(f"{BASE}/sources/{created.config.id}")


async def edit_page(request: web.Request) -> web.Response:
    current = await sources.find_source(admin(request).api, request.match_info["source_id"])
    return _render(request, _from_source(source_fields(current.config), current.etag), editing=True)


async def edit_submit(request: web.Request) -> web.Response:
    ctx = admin(request).api
    current = await sources.find_source(ctx, request.match_info["source_id"])
    data = await request.post()
    form = {**_read(data), "id": current.config.id}
    if "use" in data:
        return await _preview(request, _pick(form, str(data["use"])), True)
    if data.get("action") != "save":
        return await _preview(request, form, True)
    try:
        await sources.update_from(
            ctx, current, _patch(form), form["etag"] or None, session(request).token.name
        )
    except ApiError as exc:
        return _render(request, form, editing=True, status=exc.status, **_problems(exc))
    saved = translator(request_language(request))("Saved.")
    raise web.HTTPSeeOther(
        URL(f"{BASE}/sources/{current.config.id}").with_query(notice=saved).human_repr()
    )
