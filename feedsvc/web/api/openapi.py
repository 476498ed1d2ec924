"""The OpenAPI 3.1 document, built from the route table (``routes.ROUTES``) and the JSON
schemas of ``views.py``'s shapes."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from feedsvc import __version__
from feedsvc.models import Selectors
from feedsvc.web.api.routes import ROUTES, Route
from feedsvc.web.api.views import PREFIX

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> Schema:
    return {"type": [kind, "null"], **extra}


_TIME = _nullable("string", format="date-time")
_STR: Schema = {"type": "string"}
_SELECTORS: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": dict.fromkeys([f.name for f in fields(Selectors)], _STR),
}
_SOURCE_FIELDS: Schema = {
    "id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
    "name": _STR,
    "url": _STR,
    "urls": {"type": "array", "items": _STR, "minItems": 1},
    "category": _STR,
    "interval": {"type": ["string", "integer"], "description": "30s … 7d, or seconds"},
    "timezone": _STR,
    "full_text": {"type": "boolean"},
    "encoding": _STR,
    "language": _STR,
    "max_pages": {"type": "integer", "minimum": 1, "maximum": 50},
    "allow_private_networks": {"type": "boolean"},
    "selectors": _ref("Selectors"),
    "enabled": {"type": "boolean"},
}
_ITEM: Schema = {
    "type": "object",
    "required": ["url"],
    "properties": {
        "url": _STR,
        "title": _nullable("string"),
        "published": _TIME,
        "summary": _nullable("string"),
        "image": _nullable("string"),
    },
}
_RUN: Schema = {
    "type": "object",
    "required": [
        "started",
        "duration_ms",
        "status",
        "found",
        "new",
        "updated",
        "unchanged",
        "manual",
        "rechecked",
        "dropped",
        "pages",
    ],
    "properties": {
        "id": _nullable("integer"),
        "started": {"type": "string", "format": "date-time"},
        "finished": {"type": "string", "format": "date-time"},
        "duration_ms": {"type": "integer", "minimum": 0},
        "status": {"enum": ["ok", "failed"]},
        "not_modified": {"type": "boolean"},
        "found": {"type": "integer"},
        "new": {"type": "integer"},
        "updated": {"type": "integer"},
        "unchanged": {"type": "integer"},
        "manual": {"type": "boolean"},
        "rechecked": {"type": "integer", "minimum": 0},
        "pages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url", "status", "kind"],
                "properties": {
                    "url": _STR,
                    "status": _nullable("integer"),
                    "kind": {"enum": ["list", "article"]},
                    "error": _nullable("string"),
                },
            },
        },
        "dropped": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url", "reason"],
                "properties": {"url": _STR, "reason": _STR},
            },
        },
        "error": _nullable("string"),
        "template_note": _nullable("string"),
    },
}
_TEMPLATE: Schema = {
    "type": "object",
    "required": ["source", "status", "learned", "message", "pages_observed", "pages_needed"],
    "properties": {
        "source": _STR,
        "status": {"enum": ["learning", "learned", "drifted"]},
        "learned": {"type": "boolean"},
        "message": _STR,
        "pages_observed": {"type": "integer", "minimum": 0},
        "pages_needed": {"type": "integer", "minimum": 1},
        "pages_agreed": {"type": "integer", "minimum": 0},
        "learned_at": _TIME,
        "pinned_pages": {"type": "integer", "minimum": 0},
        "drift_pages": {"type": "integer", "minimum": 0},
        "drift_total": {"type": "integer", "minimum": 0},
        "last_drift": _nullable("string"),
        "parts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["part", "path", "pages"],
                "properties": {
                    "part": {
                        "enum": ["region", "title", "body", "category", "teaser", "boilerplate"]
                    },
                    "path": _STR,
                    "pages": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}
_HEALTH: Schema = {
    "type": "object",
    "required": ["last_success", "consecutive_failures", "next_run", "last_error", "drift"],
    "properties": {
        "last_success": _TIME,
        "consecutive_failures": {"type": "integer"},
        "next_run": _TIME,
        "last_error": _nullable("string"),
        "drift": {"type": "boolean"},
        "last_attempt": _TIME,
        "items": {"type": "integer"},
        "zone": _nullable("string"),
    },
}
_ARTICLE: Schema = {
    "type": "object",
    "required": ["id", "url", "title", "published", "source", "hidden"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "url": _STR,
        "title": _STR,
        "published": {"type": "string", "format": "date-time"},
        "source": _STR,
        "category": _nullable("string"),
        "hidden": {"type": "boolean"},
    },
}


def _object(required: list[str], properties: Schema, **extra: Any) -> Schema:
    return {"type": "object", "required": required, "properties": properties, **extra}


SCHEMAS: dict[str, Schema] = {
    "Problem": _object(["field", "message"], {"field": _STR, "message": _STR}),
    "Error": _object(
        ["error", "problems"],
        {"error": _STR, "problems": {"type": "array", "items": _ref("Problem")}},
    ),
    "Selectors": _SELECTORS,
    "SourceInput": _object(["id"], _SOURCE_FIELDS, additionalProperties=False),
    "SourcePatch": {
        "type": "object",
        "description": "JSON merge patch (RFC 7396) of a SourceInput: null removes a field",
        "additionalProperties": False,
        "properties": {k: {"anyOf": [v, {"type": "null"}]} for k, v in _SOURCE_FIELDS.items()},
    },
    "Health": _HEALTH,
    "Source": _object(
        ["id", "name", "urls", "interval", "enabled", "managed_by", "etag", "health"],
        {
            **{k: v for k, v in _SOURCE_FIELDS.items() if k != "url"},
            "interval": {"type": "integer", "description": "seconds"},
            "managed_by": {"enum": ["file", "api"]},
            "etag": _STR,
            "health": _ref("Health"),
            "links": {"type": "object", "additionalProperties": _STR},
        },
    ),
    "SourceList": _object(["sources"], {"sources": {"type": "array", "items": _ref("Source")}}),
    "Run": _RUN,
    "SourceTemplate": _TEMPLATE,
    "RunList": _object(["runs"], {"runs": {"type": "array", "items": _ref("Run")}}),
    "RefreshResult": _object(
        ["status"],
        {
            "status": {"enum": ["done", "running", "queued"]},
            "run": {"anyOf": [_ref("Run"), {"type": "null"}]},
            "runs": _STR,
        },
    ),
    "HealthSummary": _object(
        ["status", "failing", "sources"],
        {
            "status": {"enum": ["ok", "degraded"]},
            "failing": {"type": "array", "items": _STR},
            "sources": {
                "type": "array",
                "items": _object(
                    ["id", "name", "enabled", "health"],
                    {
                        "id": _STR,
                        "name": _STR,
                        "enabled": {"type": "boolean"},
                        "health": _ref("Health"),
                    },
                ),
            },
        },
    ),
    "Article": _ARTICLE,
    "ArticleList": _object(
        ["articles", "next"],
        {"articles": {"type": "array", "items": _ref("Article")}, "next": _nullable("string")},
    ),
    "ArticleResult": _object(["article"], {"article": _ref("Article")}),
    "PreviewInput": _object(
        ["url"],
        {k: _SOURCE_FIELDS[k] for k in ("url", "selectors", "timezone", "encoding")}
        | {"allow_private_networks": {"type": "boolean"}},
        additionalProperties=False,
    ),
    "Preview": _object(
        ["candidates", "articles", "links"],
        {
            "url": _STR,
            "candidates": {
                "type": "array",
                "items": _object(
                    ["selectors", "score", "items"],
                    {
                        "rule": _STR,
                        "score": {"type": "number"},
                        "selectors": _SELECTORS,
                        "items": {"type": "array", "items": _ITEM},
                    },
                ),
            },
            "next_page_url": _nullable("string"),
            "articles": {
                "type": "array",
                "items": _object(
                    ["url", "provenance"], {"url": _STR, "provenance": {"type": "object"}}
                ),
            },
            "links": {
                "type": "array",
                "items": _object(
                    ["url", "kept", "reason"],
                    {"url": _STR, "kept": {"type": "boolean"}, "reason": _STR},
                ),
            },
        },
    ),
}

_ERROR_TEXT = {
    202: "accepted: still running (or queued for a worker); see the runs URL",
    400: "the body is not valid JSON",
    401: "no valid admin token",
    403: "the token's scope does not allow this",
    404: "no such resource",
    409: "conflict (the id exists, or another process is refreshing the source)",
    412: "If-Match is stale: the source changed since it was read",
    422: "invalid input: each problem names its field",
    429: "rate-limited: see Retry-After",
}


def _json(schema: Schema) -> Schema:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(route: Route) -> Schema:
    status, schema = route.ok
    ok: Schema = {"description": "OK" if status != 201 else "Created"}
    if schema is not None:
        ok.update(_json(_ref(schema)))
    if route.etag:
        ok["headers"] = {"ETag": {"schema": _STR}}
    responses: Schema = {str(status): ok}
    errors = {*route.errors, 401, *((403,) if route.scope == "write" else ())}
    for code in sorted(errors):
        body = _ref("RefreshResult") if code == 202 else _ref("Error")
        responses[str(code)] = {"description": _ERROR_TEXT[code], **_json(body)}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _STR}
        for name in ("source_id", "article_id")
        if "{" + name + "}" in route.path
    ]
    parameters += [
        {"name": p.name, "in": "query", "description": p.description, "schema": {"type": p.kind}}
        for p in route.query
    ]
    if route.etag and route.method in ("PATCH",):
        parameters.append({"name": "If-Match", "in": "header", "schema": _STR})
    op: Schema = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "x-scope": route.scope,
        "responses": responses,
    }
    if parameters:
        op["parameters"] = parameters
    if route.body is not None:
        op["requestBody"] = {"required": True, **_json(_ref(route.body))}
    return op


def openapi_document(routes: tuple[Route, ...] = ROUTES) -> Schema:
    paths: dict[str, Schema] = {}
    for route in routes:
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = _operation(route)
    paths[f"{PREFIX}/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "x-scope": "read",
            "responses": {
                "200": {"description": "OK", **_json({"type": "object"})},
                "401": {"description": _ERROR_TEXT[401], **_json(_ref("Error"))},
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "feedsvc admin API",
            "version": __version__,
            "description": "Add, preview, change and watch sources. docs/api.md has examples.",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
