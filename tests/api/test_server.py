"""The till's HTTP path and the server settings `huiyuan serve` shares with the bench baseline."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
from typer.testing import CliRunner

from huiyuan.api import server
from huiyuan.cli import app as cli

from .kit import active_member

AT = "2026-03-28T10:15:00+08:00"


def _purchase(member_id: str, receipt_no: str) -> dict[str, Any]:
    return {
        "receipt_no": receipt_no,
        "member_id": member_id,
        "occurred_at": AT,
        "lines": [
            {"line_no": 1, "sku": "A1", "category": "food", "qty": "2", "list_price": "35.50"}
        ],
    }


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of what goes to the thread pool while the test runs."""
    calls: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(func, "func", func)
        calls.append(getattr(inner, "__name__", repr(inner)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return calls


def test_a_purchase_makes_one_thread_hand_off(make_api, hand_offs):
    api = make_api("supermarket")
    mid = active_member(api)
    assert api.post("/purchases", _purchase(mid, "R-1"), role="cashier").status_code == 201
    hand_offs.clear()  # the token is now cached: no look-up
    r = api.post("/purchases", _purchase(mid, "R-2"), role="cashier")
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json()["points_earned"] == 71
    assert hand_offs == ["commit"]
    hand_offs.clear()
    q = api.post("/purchases/quote", _purchase(mid, "R-3"), role="cashier")
    assert q.status_code == 200, q.text
    assert hand_offs == ["quote"]


def test_a_resend_answers_the_same_and_another_body_is_409(make_api):
    api = make_api("supermarket")
    mid = active_member(api)
    first = api.post("/purchases", _purchase(mid, "R-9"), role="cashier")
    again = api.post("/purchases", _purchase(mid, "R-9"), role="cashier")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = _purchase(mid, "R-9") | {"store": "S02"}
    r = api.post("/purchases", other, role="cashier")
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"


def test_auth_and_roles_on_the_async_dependencies(make_api):
    api = make_api("supermarket")
    mid = active_member(api)
    body = _purchase(mid, "R-5")
    r = api.client.post(api.url("/purchases"), json=body)
    assert (r.status_code, r.json()["code"]) == (401, "missing_token")
    r = api.client.post(api.url("/purchases"), json=body, headers={"Authorization": "Bearer x"})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    token = api.token("cashier")
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    r = api.client.post(
        api.url("/purchases"), json=body, headers={"Authorization": f"Bearer {wrong}"}
    )
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    r = api.post("/purchases", body, role="auditor")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden_role")
    r = api.post("/purchases", {**body, "lines": []}, role="cashier")
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_serve_and_the_baseline_share_the_server_settings():
    opts = server.server_options()
    assert opts["loop"] == "uvloop" and opts["http"] == "httptools"  # pinned dependencies
    assert opts["log_level"] == "info" and opts["access_log"] is True
    out = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200)
    assert "--workers" in out.output


def test_several_workers_need_a_factory():
    with pytest.raises(ValueError):
        server.run(None, "127.0.0.1", 0, workers=2)
