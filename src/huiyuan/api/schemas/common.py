"""What every area's answers share: the wire types (from services.results) and problems."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from ...services.results import Day, Moment, Money, answer

__all__ = ["Day", "Moment", "Money", "Problem", "answer", "problems"]


class FieldError(TypedDict):
    field: str
    message: str


class Problem(TypedDict):
    """RFC 9457 problem details, with the stable machine `code`."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: NotRequired[list[FieldError]]


PROBLEM_MEDIA = "application/problem+json"

_WHY = {
    400: "Malformed request (not JSON, bad encoding)",
    401: "No token, or a token that is unknown or revoked",
    403: "The caller's role may not do this",
    404: "No such program, member, receipt, card, ...",
    409: "Conflicts with the current state, or a number reused with another body",
    422: "Invalid input: the problem lists each field",
    429: "Too many wrong attempts: locked for a while (the problem says until when)",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries for the problems an operation can answer with."""
    return {
        status: {
            "description": _WHY[status],
            "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
