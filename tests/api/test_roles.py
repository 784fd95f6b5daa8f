"""Each role against each endpoint it must not use: 403 forbidden_role, and the refusal audited.

admin: everything. manager: everything but the audit log. cashier: the till (purchases,
returns, redemptions, cards, deposits) and enrolment; not point adjustments, personal data in
clear, cancellations, jobs or approvals. guide: enrolment and reading. auditor: reading only,
the audit log included — every endpoint that changes anything is refused, whoever wrote it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .kit import JOINED

M = "/members/M0"
C = "/cards/8000000000000008"

MANAGER_ONLY = [
    ("POST", M + "/adjustments"),
    ("GET", M + "/personal-data"),
    ("POST", C + "/cancel"),
    ("POST", M + "/activate"),
    ("POST", M + "/cancel"),
    ("POST", "/jobs/expire_points"),
    ("POST", "/tier-applications/T1/approve"),
]
AUDIT = [("GET", "/audit"), ("GET", "/api/v1/audit")]
TILL = [
    ("POST", "/purchases/quote"),
    ("POST", "/purchases"),
    ("POST", "/purchases/R1/returns"),
    ("POST", "/purchases/R1/reviews"),
    ("POST", M + "/check-ins"),
    ("POST", "/redemptions"),
    ("POST", "/transfers"),
    ("POST", C + "/report-lost"),
    ("POST", C + "/reissue"),
    ("POST", C + "/exchange"),
    ("POST", C + "/password"),
    ("POST", M + "/deposits"),
    ("POST", M + "/withdrawals"),
    ("POST", M + "/renew"),
]
DENIED = {
    "manager": AUDIT,
    "cashier": MANAGER_ONLY + AUDIT,
    "guide": MANAGER_ONLY + AUDIT + TILL,
}
# Read-only computations sent as POST, open to every role.
READS_BY_POST = {"POST /api/v1/programs/{program}/delivery-quotes"}


def _refused(api: Any, role: str, method: str, path: str) -> None:
    r = api.request(method, path, role=role, json={})
    assert r.status_code == 403, f"{role} {method} {path}: {r.status_code} {r.text}"
    assert r.json()["code"] == "forbidden_role", f"{role} {method} {path}: {r.text}"


@pytest.mark.parametrize("role", sorted(DENIED))
def test_staff_roles_are_refused_what_is_not_theirs(make_api, role):
    api = make_api("liquor")
    for method, path in DENIED[role]:
        _refused(api, role, method, path)
    denied = api.get(
        "/api/v1/audit", params={"action": "access.denied", "role": role, "limit": 500}
    ).json()["items"]
    assert len(denied) == len(DENIED[role])
    assert all(a["outcome"] == "refused" and a["token_id"] for a in denied)


def test_the_auditor_only_reads(make_api):
    api = make_api("liquor")
    paths = api.client.app.openapi()["paths"]
    changing = [
        (method.upper(), path)
        for path, ops in paths.items()
        for method in ops
        if method in ("post", "put", "patch", "delete") and path.startswith("/api/v1")
    ]
    assert len(changing) > 30
    fill = {
        "program": "liquor",
        "member_id": "M0",
        "card_no": "8000000000000008",
        "job": "expire_points",
    }
    for method, path in changing:
        if f"{method} {path}" in READS_BY_POST:
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: fill.get(m.group(1), "X1"), path)
        _refused(api, "auditor", method, concrete)
    _refused(api, "auditor", "GET", M + "/personal-data")
    # Reading is allowed, the audit log included.
    assert api.get("/rewards", role="auditor").status_code == 200
    assert api.get("/api/v1/audit", role="auditor").status_code == 200


def test_a_cashier_sees_masked_data_only_and_cannot_adjust(make_api):
    api = make_api("counter")
    r = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "address": "北京市朝阳区建国路1号",
        },
        role="cashier",
    )
    assert r.status_code == 201, r.text
    mid = r.json()["member_id"]
    shown = api.get(f"/members/{mid}", role="cashier").json()
    assert shown["phone"] == "138****8000"
    assert "13800138000" not in str(shown) and "11010519491231002X" not in str(shown)
    found = api.get("/members", role="cashier", params={"phone": "13800138000"}).json()
    assert found["items"][0]["phone"] == "138****8000"
    _refused(api, "cashier", "GET", f"/members/{mid}/personal-data")
    _refused(api, "cashier", "POST", f"/members/{mid}/adjustments")
    # A manager sees it in clear, and that view is audited.
    clear = api.get(f"/members/{mid}/personal-data", role="manager").json()
    assert (clear["phone"], clear["id_number"]) == ("13800138000", "11010519491231002X")
    views = api.get("/audit", role="auditor", params={"action": "member.personal_data_viewed"})
    assert [v["actor"] for v in views.json()["items"]] == ["manager:test-manager"]


def test_the_audit_log_reads_page_by_page(make_api):
    api = make_api("liquor")
    refused = ["/purchases/quote", "/purchases", "/redemptions", "/transfers"]
    for path in refused:
        _refused(api, "guide", "POST", path)
    query: dict[str, Any] = {"action": "access.", "role": "guide", "limit": 2}
    pages = []
    while True:
        page = api.get("/audit", role="auditor", params=query).json()
        pages.append([a["ref"] for a in page["items"]])
        if page["next_before"] is None:
            break
        assert page["next_before"] == page["items"][-1]["audit_id"]
        query["before"] = page["next_before"]
    # Newest first, two to a page; a full page always names the next one, which may be empty.
    refs = [f"POST /api/v1/programs/{{program}}{p}" for p in reversed(refused)]
    assert pages == [refs[0:2], refs[2:4], []]
    assert api.get("/audit", role="auditor", params={"outcome": "done"}).json()["items"] == []
    r = api.get("/audit", role="auditor", params={"since": JOINED, "until": JOINED})
    assert (r.status_code, r.json()["code"]) == (422, "bad_range")
