"""Joining rules no shipped preset uses yet, on program files of our own: a minimum age (age ≥
18, checked on the day of joining; a Feb 29 birthday has its birthday on Feb 28 in common years)
and joining by a first purchase of any amount."""

from __future__ import annotations

from typing import Any

from huiyuan.presets.loader import load_preset, parse_program
from huiyuan.services import programs
from tests.conftest import Api


def custom(make_api: Any, code: str, membership: dict[str, Any]) -> Api:
    api = make_api("store_basic")
    data = load_preset("store_basic").model_dump(mode="json")
    data.update(code=code, membership={**data["membership"], **membership})
    programs.load(api.ctx, parse_program(data), None, "test", replace=False)
    return Api(api.client, api.ctx, code)


def join(api: Api, phone: str, **body: Any) -> Any:
    return api.post("/members", {"name": "李雷", "phone": phone, **body})


def test_minimum_age_18(make_api):
    api = custom(make_api, "adults", {"min_age": 18})
    at = "2026-03-01T10:00:00+08:00"
    # Born 2008-03-02: 17 on 2026-03-01, 18 the next day.
    r = join(api, "13800000001", birthday="2008-03-02", joined_at=at)
    assert r.status_code == 422 and r.json()["code"] == "too_young"
    assert join(api, "13800000001", birthday="2008-03-01", joined_at=at).status_code == 201
    # Born 2008-02-29: 18 on 2026-02-28 (no Feb 29 in 2026).
    r = join(api, "13800000002", birthday="2008-02-29", joined_at="2026-02-27T10:00:00+08:00")
    assert r.json()["code"] == "too_young"
    r = join(api, "13800000002", birthday="2008-02-29", joined_at="2026-02-28T10:00:00+08:00")
    assert r.status_code == 201
    # The age needs a birthday with its year.
    for birthday in (None, "--05-17"):
        r = join(api, "13800000003", birthday=birthday, joined_at=at)
        assert r.status_code == 422 and r.json()["code"] == "birthday_required"


def test_first_purchase_joins(make_api):
    api = custom(make_api, "first_buy", {"join_any": [{"kind": "first_purchase"}]})
    r = join(api, "13800000004", qualifying_spend="0.00")
    assert r.status_code == 422 and r.json()["code"] == "join_condition_not_met"
    assert join(api, "13800000004").status_code == 422
    assert join(api, "13800000004", qualifying_spend="0.01").status_code == 201
