"""JSON errors: ``{"error": MESSAGE, "problems": [{"field", "message"}…]}`` for every
failure under /api/v1, and the JSON body reader that turns bad input into one."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from feedsvc.config import SourceProblem
from feedsvc.errors import ConflictError, NotFoundError, StaleWriteError

JSON_TYPE = "application/json"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        problems: Iterable[SourceProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)
        self.headers = headers or {}


def json_body(
    data: object, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return web.Response(
        text=text, status=status, content_type=JSON_TYPE, charset="utf-8", headers=headers
    )


def error_response(error: ApiError) -> web.Response:
    problems = [{"field": p.field, "message": p.message} for p in error.problems]
    return json_body(
        {"error": error.message, "problems": problems}, error.status, headers=error.headers
    )


def invalid(problems: list[SourceProblem], what: str = "the source") -> ApiError:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return ApiError(422, f"{what} is not valid ({count})", problems)


STORE_ERRORS: dict[type[Exception], int] = {
    NotFoundError: 404,
    ConflictError: 409,
    StaleWriteError: 412,
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc)
    except (NotFoundError, ConflictError, StaleWriteError) as exc:
        return error_response(ApiError(STORE_ERRORS[type(exc)], str(exc)))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return error_response(ApiError(exc.status, exc.reason, headers=headers))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; 400 for malformed JSON, 422 for another JSON type."""
    raw = await request.read()
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "the body is not UTF-8", [SourceProblem("", str(exc))]) from exc
    except ValueError as exc:
        raise ApiError(400, "the body is not valid JSON", [SourceProblem("", str(exc))]) from exc
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "null"
        problem = SourceProblem("", f"expected a JSON object, got {got}")
        raise ApiError(422, "the body must be a JSON object", [problem])
    return data
