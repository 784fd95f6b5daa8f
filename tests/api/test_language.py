"""Notes come in Chinese and English; Accept-Language picks one."""

from __future__ import annotations

MEMBER = {
    "name": "王芳",
    "phone": "13800138000",
    "id_number": "11010519491231002X",
    "fee_paid": "5.00",
    "joined_at": "2026-01-05T10:00:00+08:00",
}
TOBACCO = {
    "receipt_no": "R1",
    "occurred_at": "2026-03-28T10:15:00+08:00",
    "lines": [
        {"line_no": 1, "sku": "T1", "category": "tobacco", "qty": "1", "list_price": "20.00"}
    ],
}


def test_notes_in_both_languages_or_the_preferred_one(make_api):
    api = make_api("supermarket")
    member = api.post("/members", MEMBER).json()["member_id"]
    api.post(f"/members/{member}/activate", {})
    body = {**TOBACCO, "member_id": member}
    both = api.post("/purchases/quote", body).json()["lines"][0]["notes"]
    assert both == ["烟草不积分 / tobacco earns no points"]
    zh = api.post("/purchases/quote", body, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.json()["lines"][0]["notes"] == ["烟草不积分"]
    en = api.post("/purchases", body, headers={"Accept-Language": "en-US,en;q=0.8,zh;q=0.5"})
    assert en.status_code == 201
    assert en.json()["lines"][0]["notes"] == ["tobacco earns no points"]
    # The stored answer keeps both; a resend in Chinese gets Chinese.
    again = api.post("/purchases", body, headers={"Accept-Language": "zh"})
    assert again.json()["lines"][0]["notes"] == ["烟草不积分"]
