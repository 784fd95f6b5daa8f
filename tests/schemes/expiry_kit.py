"""Shared steps of the per-preset expiry tests (tests/schemes/test_expiry_<code>.py).

Every test drives the HTTP API with hand-worked dates and balances, and checks the three views
of expiry against each other: `GET /balance?as_of=` before the job (expiry applied by date),
the `expire_points` job (which writes the entries, dated at its `as_of`), and the same balance
after it; a second run of the job changes nothing, and the ledger reconciles.
"""

from __future__ import annotations

from typing import Any

JOINED = "2026-01-05T10:00:00+08:00"
ID = "11010519491231002X"  # a valid 身份证 number (stdnum.cn.ric)


def enroll(api: Any, body: dict[str, Any], activate: bool = False) -> str:
    r = api.post("/members", {"name": "王芳", "phone": "13800138000", "joined_at": JOINED, **body})
    assert r.status_code == 201, r.text
    mid = str(r.json()["member_id"])
    if activate:
        r = api.post(f"/members/{mid}/activate", {"occurred_at": JOINED})
        assert r.status_code == 200, r.text
    return mid


def line(
    no: int, list_price: str, category: str = "general", price: str | None = None, **kw: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line_no": no,
        "sku": f"X{no:03d}",
        "category": category,
        "qty": "1",
        "list_price": list_price,
    }
    if price is not None:
        out["price"] = price
    return {**out, **kw}


def buy(
    api: Any, mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]], **kw: Any
) -> int:
    """Commits a receipt and returns the points it earned."""
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines, **kw}
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    return int(r.json()["points_earned"])


def balance(api: Any, mid: str, at: str) -> int:
    r = api.get(f"/members/{mid}/balance", params={"as_of": at})
    assert r.status_code == 200, r.text
    return int(r.json()["points"])


def expiring(api: Any, mid: str, at: str) -> list[tuple[str, int]]:
    r = api.get(f"/members/{mid}/balance", params={"as_of": at})
    assert r.status_code == 200, r.text
    return [(e["expires_at"], e["points"]) for e in r.json()["expiring"]]


def projection(api: Any, mid: str) -> int:
    """The member's points after every recorded entry (GET /members/{id})."""
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return int(r.json()["points"])


def run_job(api: Any, job: str, as_of: str) -> dict[str, Any]:
    r = api.post(f"/jobs/{job}", {"as_of": as_of})
    assert r.status_code == 200, r.text
    return dict(r.json())


def expire(api: Any, mid: str, as_of: str, expected: int, check_at: str | None = None) -> None:
    """Runs `expire_points` as of `as_of` and checks it expired `expected` points, that the
    balance as of `check_at` (default `as_of`) is the same before and after, and that a second
    run is a repeat that changes nothing."""
    at = check_at or as_of
    before = balance(api, mid, at)
    first = run_job(api, "expire_points", as_of)
    assert first["repeated"] is False
    assert first["points_expired"] == expected, first
    assert balance(api, mid, at) == before
    again = run_job(api, "expire_points", as_of)
    assert again["repeated"] is True
    assert again["points_expired"] == expected
    assert balance(api, mid, at) == before


def expiry_entries(api: Any, mid: str) -> list[tuple[int, str]]:
    r = api.get(f"/members/{mid}/ledger")
    assert r.status_code == 200, r.text
    return [(e["points"], e["occurred_at"]) for e in r.json()["items"] if e["kind"] == "expire"]


def assert_reconciles(api: Any) -> None:
    from huiyuan.services.verify import verify

    report = verify(api.ctx, api.program)
    assert report.ok, report.problems


def assert_never_expires(api: Any, mid: str, points: int, earned_on: str) -> None:
    """A program whose points never expire: `points` earned on `earned_on` (a date) carry no
    expiry, are all there ten years later, and the job finds nothing to expire."""
    year = int(earned_on[:4])
    soon = f"{earned_on}T23:59:59+08:00"
    later = f"{year + 10}-{earned_on[5:]}T12:00:00+08:00"
    assert balance(api, mid, soon) == points
    assert expiring(api, mid, soon) == []
    assert balance(api, mid, later) == points
    expire(api, mid, later, 0)
    assert expiry_entries(api, mid) == []
    assert projection(api, mid) == points
    assert_reconciles(api)
