"""Chinese first, English second: notes carry both ("中文 / English"); a caller that prefers
one language by Accept-Language gets only that one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

SEPARATOR = " / "


def preferred(request: Request) -> str | None:
    """'zh', 'en', or None for both (no clear preference)."""
    header = request.headers.get("accept-language", "")
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        lang = "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang and (best is None or quality > best[0]):
            best = (quality, lang)
    return best[1] if best else None


def pick(text: str, lang: str | None) -> str:
    if lang is None or SEPARATOR not in text:
        return text
    zh, _, en = text.partition(SEPARATOR)
    return zh if lang == "zh" else en


def localize_receipt(answer: Mapping[str, Any], request: Request) -> Mapping[str, Any]:
    lang = preferred(request)
    if lang is None:
        return answer
    out = dict(answer)
    out["lines"] = [
        {**line, "notes": [pick(n, lang) for n in line.get("notes", [])]}
        for line in answer.get("lines", [])
    ]
    return out
