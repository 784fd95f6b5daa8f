"""What every area's answers share: money and moments as the wire writes them, problems."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypeVar

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

T = TypeVar("T")

# Money is a string of yuan with two decimals on the wire (never a JSON number: a float would
# round it); points are integers.
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["128.50"])]
Moment = Annotated[
    str, Field(description="ISO 8601 with offset", examples=["2026-06-01T12:00:00+08:00"])
]
Day = Annotated[str, Field(description="YYYY-MM-DD", examples=["2026-06-01"])]


def answer(cls: type[T]) -> type[T]:
    """Closes an answer's schema: fields not declared are a programming error."""
    return with_config(ConfigDict(extra="forbid"))(cls)  # type: ignore[no-any-return]


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
