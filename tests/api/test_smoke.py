from __future__ import annotations


def test_health_and_enroll(make_api):
    api = make_api("supermarket")
    assert api.client.get("/healthz").json() == {"status": "ok"}
    r = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "fee_paid": "5.00",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending"
