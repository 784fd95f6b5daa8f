"""The staff console: one page and two local static files, and the API calls the page makes."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def api(make_api):
    return make_api("supermarket")


def test_index_is_html_in_chinese_first(api):
    r = api.client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "会员" in r.text
    assert '<html lang="zh-CN">' in r.text
    assert "会员查询" in r.text and "Find member" in r.text
    assert r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("console.js", "text/javascript"), ("console.css", "text/css")],
)
def test_static_files_are_served_locally(api, name, media_type):
    r = api.client.get(f"/console/static/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media_type)
    assert r.text.strip()


def test_unknown_static_file_is_a_problem_404(api):
    r = api.client.get("/console/static/../pages.py")
    assert r.status_code == 404
    r = api.client.get("/console/static/secret.txt")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_no_third_party_code_and_no_token_in_urls(api):
    page = api.client.get("/").text
    script = api.client.get("/console/static/console.js").text
    style = api.client.get("/console/static/console.css").text
    for text in (page, script, style):
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), "no CDN or remote assets"
        assert "@import" not in text
    # The token goes only in the Authorization header: never in a query string or a log.
    assert "Authorization" in script
    assert "sessionStorage" in script
    assert not re.search(r"[?&](token|access_token)=", script)
    assert "console.log" not in script


def test_the_calls_the_console_makes(api):
    """The fields the page reads are there: programs, search by phone and card, balance, ledger."""
    member = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "fee_paid": "5.00",
            "joined_at": "2026-05-01T10:00:00+08:00",
        },
    ).json()
    mid = member["member_id"]
    r = api.post(f"/members/{mid}/activate", {"occurred_at": "2026-05-01T10:05:00+08:00"})
    assert r.status_code == 200, r.text
    r = api.post(
        "/purchases",
        {
            "receipt_no": "R-1",
            "member_id": mid,
            "occurred_at": "2026-05-02T10:00:00+08:00",
            "lines": [
                {"line_no": 1, "sku": "A1", "category": "food", "qty": "2", "list_price": "35.50"}
            ],
        },
    )
    assert r.status_code == 201, r.text

    programs = api.get("/api/v1/programs").json()["items"]
    assert {"code", "name", "name_en"} <= set(programs[0])

    by_phone = api.get("/members", params={"phone": "13800138000"}).json()["items"]
    by_card = api.get("/members", params={"card_no": member["card_no"]}).json()["items"]
    assert [m["member_id"] for m in by_phone] == [mid] == [m["member_id"] for m in by_card]
    shown = by_phone[0]
    for key in (
        "name",
        "tier",
        "tier_name",
        "status",
        "phone",
        "points",
        "stored_value",
        "valid_until",
        "card_no",
        "kind",
        "joined_at",
        "customer_class",
        "guide_id",
    ):
        assert key in shown, key
    assert shown["phone"] == "138****8000"
    assert shown["points"] == 71

    balance = api.get(f"/members/{mid}/balance").json()
    assert balance["points"] == 71
    assert {"as_of", "expiring", "stored_value"} <= set(balance)
    assert all({"expires_at", "points"} <= set(e) for e in balance["expiring"])

    ledger = api.get(f"/members/{mid}/ledger", params={"limit": 20}).json()
    assert "next_before" in ledger
    entry = ledger["items"][0]
    assert {"entry_id", "kind", "points", "occurred_at", "ref", "reason"} <= set(entry)
    assert entry["points"] == 71 and entry["ref"] == "R-1"


def test_console_errors_come_as_problem_details(api):
    """The page shows `detail` from problem+json: a bad token and an unknown member have one."""
    r = api.client.get("/api/v1/programs", headers={"Authorization": "Bearer hy_nope_nope"})
    assert r.status_code == 401
    assert r.json()["detail"]
    r = api.get("/members", params={"phone": "12345"})
    assert r.status_code == 422
    assert r.json()["detail"]
