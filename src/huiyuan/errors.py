"""Domain errors carry a stable machine code and an HTTP status; the API renders them once."""

from __future__ import annotations

from typing import Any


class HuiyuanError(Exception):
    status = 422
    code = "invalid"
    title = "Unprocessable request"

    def __init__(self, detail: str, code: str | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class Invalid(HuiyuanError):
    status = 422
    title = "Unprocessable request"


class NotFound(HuiyuanError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(HuiyuanError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Unauthorized(HuiyuanError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"


class Forbidden(HuiyuanError):
    status = 403
    code = "forbidden"
    title = "Forbidden"
