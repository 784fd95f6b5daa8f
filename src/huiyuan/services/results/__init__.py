"""Typed answers of the services: the wire format of each use case, as TypedDicts.

One module per area; `api/schemas/` re-exports them as the HTTP API's response models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import ConfigDict, Field, with_config

T = TypeVar("T")

# Money is a string of yuan with two decimals on the wire (never a JSON number: a float would
# round it); points are integers.
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["128.50"])]
Moment = Annotated[
    str, Field(description="ISO 8601 with offset", examples=["2026-06-01T12:00:00+08:00"])
]
Day = Annotated[str, Field(description="YYYY-MM-DD", examples=["2026-06-01"])]


def answer(example: dict[str, Any]) -> Callable[[type[T]], type[T]]:
    """Closes an answer's schema (a field not declared is a programming error, caught by the
    tests) and gives it the example the OpenAPI document shows."""

    def close(cls: type[T]) -> type[T]:
        config = ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})
        return with_config(config)(cls)

    return close
