"""Running a scheduled job by hand."""

from __future__ import annotations

from pydantic import AwareDatetime

from .common import Strict


class JobIn(Strict):
    as_of: AwareDatetime | None = None
