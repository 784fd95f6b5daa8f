"""Bad input gets a 4xx problem with a stable code, and nothing is stored; never a 5xx.

Bounds (API.md): money ≥ 0.00, at most 2 decimals and 100000000.00 a line; qty positive, at most
3 decimals and 100000; points non-negative integers below 2^31; at least one line. Money travels
as a decimal string: a JSON float is refused (services/inputs.py), a JSON integer is exact and
accepted.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiyuan.store.schema import ledger_entries, members, receipt_lines, receipts, requests

from .kit import ID
from .kit import active_member as _member
from .kit import row_count as _count

AT = "2026-03-28T10:15:00+08:00"
PROBLEM = "application/problem+json"


def _nothing_stored(api: Any, members_before: int = 1) -> None:
    for table in (receipts, receipt_lines, ledger_entries, requests):
        assert _count(api, table) == 0, table.name
    assert _count(api, members) == members_before


def _purchase(member_id: str) -> dict[str, Any]:
    return {
        "receipt_no": "R-0001",
        "member_id": member_id,
        "occurred_at": AT,
        "lines": [
            {"line_no": 1, "sku": "A100", "category": "food", "qty": "2", "list_price": "35.50"}
        ],
    }


def _problem(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body = r.json()
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"]
    assert body["type"] and body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


def _line(**change: Any) -> Callable[[dict[str, Any]], None]:
    def apply(body: dict[str, Any]) -> None:
        body["lines"][0].update(change)

    return apply


def _top(**change: Any) -> Callable[[dict[str, Any]], None]:
    def apply(body: dict[str, Any]) -> None:
        body.update(change)

    return apply


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def apply(body: dict[str, Any]) -> None:
        del body[key]

    return apply


LINE = {"line_no": 2, "sku": "B", "category": "food", "qty": "1", "list_price": "1.00"}

# (case, change to a valid purchase, status, code or None for "any code")
BAD_PURCHASES: list[tuple[str, Callable[[dict[str, Any]], None], int, str | None]] = [
    ("qty float", _line(qty=1.5), 422, "validation_error"),
    ("price float", _line(list_price=35.5), 422, "validation_error"),
    ("qty bool", _line(qty=True), 422, "validation_error"),
    ("qty words", _line(qty="two"), 422, "validation_error"),
    ("qty NaN", _line(qty="NaN"), 422, "validation_error"),
    ("price Infinity", _line(list_price="Infinity"), 422, "validation_error"),
    ("price negative", _line(list_price="-1.00"), 422, "validation_error"),
    ("price 3 decimals", _line(list_price="35.505"), 422, "validation_error"),
    ("price tiny exponent", _line(list_price="1e-5"), 422, "validation_error"),
    ("price huge exponent", _line(list_price="1E+400"), 422, "validation_error"),
    ("selling price negative", _line(price="-0.01"), 422, "validation_error"),
    ("member price 3 decimals", _line(member_price="1.001"), 422, "validation_error"),
    ("qty zero", _line(qty="0"), 422, "validation_error"),
    ("qty negative", _line(qty="-1"), 422, "validation_error"),
    ("qty 4 decimals", _line(qty="1.0001"), 422, "validation_error"),
    ("qty over 100000", _line(qty="100000.001", list_price="0.00"), 422, "validation_error"),
    ("price over the bound", _line(qty="1", list_price="100000000.01"), 422, "validation_error"),
    ("line money over the bound", _line(qty="2", list_price="60000000.00"), 422, None),
    ("selling price line over the bound", _line(qty="2", price="60000000.00"), 422, None),
    ("grams negative", _line(weight_grams="-1"), 422, "validation_error"),
    ("line_no zero", _line(line_no=0), 422, "validation_error"),
    ("line_no string", _line(line_no="1"), 422, "validation_error"),
    ("line_no huge", _line(line_no=10**30), 422, "validation_error"),
    ("sku missing", lambda b: b["lines"][0].pop("sku"), 422, "validation_error"),
    ("sku huge", _line(sku="S" * 100_000), 422, "validation_error"),
    ("sku with NUL", _line(sku="A\x00B"), 422, "validation_error"),
    ("flags not a list", _line(flags="promotion"), 422, "validation_error"),
    ("too many flags", _line(flags=["x"] * 21), 422, "validation_error"),
    ("unknown line field", _line(discount="1.00"), 422, "validation_error"),
    ("empty lines", _top(lines=[]), 422, "validation_error"),
    ("lines not a list", _top(lines={"line_no": 1}), 422, "validation_error"),
    (
        "501 lines",
        lambda b: b.update(lines=[dict(LINE, line_no=i) for i in range(1, 502)]),
        422,
        "validation_error",
    ),
    (
        "duplicate line_no",
        lambda b: b["lines"].append(dict(LINE, line_no=1)),
        422,
        "validation_error",
    ),
    ("points_to_redeem negative", _top(points_to_redeem=-1), 422, "validation_error"),
    ("points_to_redeem 2^31", _top(points_to_redeem=2**31), 422, "validation_error"),
    ("points_to_redeem float", _top(points_to_redeem=1.0), 422, "validation_error"),
    ("points_to_redeem string", _top(points_to_redeem="10"), 422, "validation_error"),
    ("receipt_no missing", _drop("receipt_no"), 422, "validation_error"),
    ("receipt_no empty", _top(receipt_no=""), 422, "validation_error"),
    ("receipt_no 65 chars", _top(receipt_no="R" * 65), 422, "validation_error"),
    ("receipt_no with spaces", _top(receipt_no="R 1"), 422, "validation_error"),
    ("receipt_no not a string", _top(receipt_no=1), 422, "validation_error"),
    ("no member named", _drop("member_id"), 422, "validation_error"),
    ("member_id huge", _top(member_id="M" * 10_000), 422, "validation_error"),
    ("store with NUL", _top(store="S\x0001"), 422, "validation_error"),
    ("naive occurred_at", _top(occurred_at="2026-03-28T10:15:00"), 422, "validation_error"),
    ("date only occurred_at", _top(occurred_at="2026-03-28"), 422, "validation_error"),
    (
        "impossible occurred_at",
        _top(occurred_at="2026-02-30T10:00:00+08:00"),
        422,
        "validation_error",
    ),
    (
        "occurred_at year 9999",
        _top(occurred_at="9999-12-31T23:59:59-12:00"),
        422,
        "validation_error",
    ),
    ("occurred_at year 1", _top(occurred_at="0001-01-01T00:00:00+08:00"), 422, "validation_error"),
    ("unknown top-level field", _top(discount="10.00"), 422, "validation_error"),
    ("card_presented object", _top(card_presented={}), 422, "validation_error"),
    ("vouchers not a list", _top(vouchers="V1"), 422, "validation_error"),
    ("before joining", _top(occurred_at="2026-01-05T09:59:59+08:00"), 422, "not_yet_member"),
    ("unknown member", _top(member_id="M0000000000000000"), 404, "member_not_found"),
    (
        "card with a bad check digit",
        lambda b: b.update(member_id=None, card_no="8000000000000001"),
        422,
        "invalid_card",
    ),
    (
        "unknown card",
        lambda b: b.update(member_id=None, card_no="8000000000000003"),
        404,
        "card_not_found",
    ),
    (
        "points_to_redeem at the bound but not available",
        _top(points_to_redeem=2**31 - 1),
        422,
        None,
    ),
]


@pytest.mark.parametrize("endpoint", ["/purchases", "/purchases/quote"])
def test_bad_purchases_are_refused_with_a_code_and_store_nothing(make_api, endpoint):
    api = make_api("supermarket")
    mid = _member(api)
    for case, change, status, code in BAD_PURCHASES:
        body = _purchase(mid)
        change(body)
        r = api.post(endpoint, body)
        try:
            _problem(r, status, code)
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from None
    _nothing_stored(api)


def test_malformed_json_is_400(make_api):
    api = make_api("supermarket")
    _member(api)
    for raw in (
        b"{not json",
        b'{"receipt_no": "R-1",',
        b"\xff\xfe",
        b"{" * 5000 + b"}" * 5000,
        b'{"a": NaN',
    ):
        r = api.post(
            "/purchases",
            content=raw,
            headers={
                "Authorization": f"Bearer {api.token('admin')}",
                "content-type": "application/json",
            },
        )
        _problem(r, 400, "malformed_json")
    _nothing_stored(api)


def test_json_that_is_not_an_object_is_422(make_api):
    api = make_api("supermarket")
    _member(api)
    headers = {"Authorization": f"Bearer {api.token('admin')}", "content-type": "application/json"}
    for raw in (b"[]", b'"R-1"', b"null", b"42", b"", b"[" * 3000 + b"]" * 3000):
        r = api.post("/purchases", content=raw, headers=headers)
        assert 400 <= r.status_code < 500, (raw[:20], r.text)
        _problem(r, r.status_code)
    form = {
        "Authorization": f"Bearer {api.token('admin')}",
        "content-type": "application/x-www-form-urlencoded",
    }
    r = api.post("/purchases", content=b"receipt_no=R-1", headers=form)
    _problem(r, 422)
    _nothing_stored(api)


def test_amounts_at_the_bounds_are_accepted(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    body = _purchase(mid)
    body["lines"] = [
        # 1 × 100000000.00 = the largest line → 100000000 points (1 per 1.00).
        {"line_no": 1, "sku": "BIG", "qty": "1", "list_price": "100000000.00"},
        # 100000 × 0.01 = 1000.00 → 1000 points; qty at its bound.
        {"line_no": 2, "sku": "MANY", "qty": "100000", "list_price": "0.01"},
        # 0.001 × 1000.00 = 1.00 → 1 point; qty with 3 decimals.
        {"line_no": 3, "sku": "GRAM", "qty": "0.001", "list_price": "1000.00"},
        # Integers are exact: qty 2 × 3 = 6.00 → 6 points.
        {"line_no": 4, "sku": "INT", "qty": 2, "list_price": 3},
        # A free line: 0.00 earns 0.
        {"line_no": 5, "sku": "FREE", "qty": "1", "list_price": "0.00"},
    ]
    # A refusal lists every field at fault.
    wrong = copy.deepcopy(body)
    wrong["lines"][0]["qty"] = "0"
    wrong["points_to_redeem"] = -1
    problem = _problem(api.post("/purchases", wrong), 422, "validation_error")
    assert {"lines.0.qty", "points_to_redeem"} <= {e["field"] for e in problem["errors"]}
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["totals"]["paid"] == "100001007.00"
    assert [li["points"] for li in answer["lines"]] == [100000000, 1000, 1, 6, 0]
    assert answer["points_earned"] == 100001007


def test_unknown_program_is_404(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    other = type(api)(api.client, api.ctx, "no_such_program")
    other.tokens = api.tokens
    _problem(other.post("/purchases", _purchase(mid)), 404, "program_not_found")
    _problem(other.get(f"/members/{mid}"), 404, "program_not_found")
    _problem(other.post("/members", {"name": "x"}), 404, "program_not_found")
    _problem(
        other.post(
            "/purchases/R-0001/returns",
            {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "1"}]},
        ),
        404,
        "program_not_found",
    )
    weird = type(api)(api.client, api.ctx, "%00bad")
    weird.tokens = api.tokens
    # A code with a NUL names no program, on every router (a 500 on PostgreSQL before).
    for path in (f"/members/{mid}", "/cards/8000000000000003", "/guides/g1/members", ""):
        _problem(weird.get(path), 404, "program_not_found")
    _nothing_stored(api)


def test_unknown_member_is_404(make_api):
    api = make_api("supermarket")
    _member(api)
    for path in (
        "/members/M0000000000000000",
        "/members/M0000000000000000/balance",
        "/members/M0000000000000000/ledger",
    ):
        _problem(api.get(path), 404, "member_not_found")
    _problem(api.post("/members/M0000000000000000/activate", {}), 404, "member_not_found")
    # A member id that cannot be one (NUL, too long) is refused before any query.
    _problem(api.get("/members/%00"), 422)
    _problem(api.get("/members/" + "M" * 65), 422)
    _problem(api.get("/members", params={"card_no": "8\x00"}), 422)
    _problem(
        api.get(
            "/members/M0000000000000000/balance", params={"as_of": "9999-12-31T23:59:59-12:00"}
        ),
        422,
    )
    _problem(
        api.get("/members/M0000000000000000/balance", params={"as_of": "2026-03-28T10:15:00"}), 422
    )
    # Moments are checked wherever they are asked for (a 500 on /entitlements before).
    for path in ("/balance", "/entitlements"):
        for as_of in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+08:00"):
            r = api.get(f"/members/M0000000000000000{path}", params={"as_of": as_of})
            _problem(r, 422)
    # Unknown routes and methods are problems too.
    _problem(api.get("/no-such-thing"), 404, "not_found")
    _problem(api.request("DELETE", "/purchases"), 405, "method_not_allowed")
    _nothing_stored(api)


BAD_MEMBERS: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("unknown field", {"nickname": "芳芳"}, 422, "validation_error"),
    ("name huge", {"name": "王" * 1_000_000}, 422, "validation_error"),
    ("name with NUL", {"name": "王\x00芳"}, 422, "validation_error"),
    ("name not a string", {"name": 42}, 422, "validation_error"),
    ("phone 21 chars", {"phone": "1" * 21}, 422, "validation_error"),
    ("phone not a mobile", {"phone": "02012345678"}, 422, "invalid_phone"),
    ("id checksum", {"id_number": "110105194912310021"}, 422, "invalid_id_number"),
    ("id_type unknown", {"id_type": "driving_licence"}, 422, "validation_error"),
    (
        "id_type not accepted here",
        {"id_type": "passport", "id_number": "E12345678"},
        422,
        "id_type_not_accepted",
    ),
    ("kind unknown", {"kind": "vip"}, 422, "validation_error"),
    ("birthday impossible", {"birthday": "1990-02-30"}, 422, "validation_error"),
    ("birthday month 13", {"birthday": "--13-01"}, 422, "validation_error"),
    ("birthday words", {"birthday": "May 17"}, 422, "validation_error"),
    ("fee float", {"fee_paid": 5.0}, 422, "validation_error"),
    ("fee negative", {"fee_paid": "-5.00"}, 422, "validation_error"),
    ("spend 3 decimals", {"fee_paid": None, "qualifying_spend": "50.001"}, 422, "validation_error"),
    ("joined_at naive", {"joined_at": "2026-01-05T10:00:00"}, 422, "validation_error"),
    ("joined_at year 1", {"joined_at": "0001-01-01T00:00:00+08:00"}, 422, "validation_error"),
    ("joined_at year 9999", {"joined_at": "9999-12-31T23:59:59-12:00"}, 422, "validation_error"),
    ("is_staff object", {"is_staff": {}}, 422, "validation_error"),
    ("card_password short", {"card_password": "12"}, 422, "validation_error"),
    ("referrer unknown", {"referrer_id": "M0000000000000000"}, 422, "unknown_referrer"),
    ("staff", {"is_staff": True}, 422, "staff_not_allowed"),
    ("no fee, no spend", {"fee_paid": None}, 422, "join_condition_not_met"),
    ("name missing", {"name": None}, 422, "missing_fields"),
]


def test_bad_members_are_refused_with_a_code_and_store_nothing(make_api):
    api = make_api("supermarket")
    for case, change, status, code in BAD_MEMBERS:
        body = {"name": "王芳", "phone": "13800138000", "id_number": ID, "fee_paid": "5.00"}
        body.update(change)
        body = {k: v for k, v in body.items() if v is not None}
        try:
            _problem(api.post("/members", body), status, code)
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from None
    assert _count(api, members) == 0


# ------------------------------------------------------------------ random bodies never 5xx

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.5",
            "35.50",
            "35.505",
            "1e400",
            "NaN",
            "2026-03-28T10:15:00+08:00",
            "2026-03-28T10:15:00",
            "9999-12-31T23:59:59-12:00",
            "--02-29",
            "13800138000",
            ID,
            "\x00",
            "８",
            "M0000000000000000",
        ]
    ),
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)

PURCHASE_KEYS = [
    "receipt_no",
    "member_id",
    "card_no",
    "card_presented",
    "occurred_at",
    "store",
    "merchant",
    "points_to_redeem",
    "vouchers",
    "pay_with_stored_value",
    "lines",
]
LINE_KEYS = [
    "line_no",
    "sku",
    "category",
    "qty",
    "list_price",
    "price",
    "member_price",
    "flags",
    "weight_grams",
]
MEMBER_KEYS = [
    "name",
    "phone",
    "birthday",
    "id_number",
    "address",
    "anniversary",
    "id_type",
    "kind",
    "group_level",
    "is_staff",
    "referrer_id",
    "guide_id",
    "store",
    "merchant",
    "qualifying_spend",
    "fee_paid",
    "card_password",
    "joined_at",
]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _mutated(base: dict[str, Any], keys: list[str], nested: tuple[str, list[str]] | None) -> Any:
    """A valid body with some fields replaced by random JSON, removed, or added."""
    edits = st.lists(st.tuples(st.sampled_from([*keys, "extra"]), _json), max_size=3)
    line_edits = st.lists(
        st.tuples(st.sampled_from(nested[1] if nested else ["x"]), _json), max_size=3
    )

    def build(args: tuple[list[tuple[str, Any]], list[tuple[str, Any]], list[str]]) -> Any:
        top, inner, drops = args
        body = copy.deepcopy(base)
        for key, value in top:
            body[key] = value
        if nested and isinstance(body.get(nested[0]), list) and body[nested[0]]:
            item = body[nested[0]][0]
            if isinstance(item, dict):
                for key, value in inner:
                    item[key] = value
        for key in drops:
            body.pop(key, None)
        return body

    drops = st.lists(st.sampled_from(keys), max_size=2)
    return st.tuples(edits, line_edits, drops).map(build)


@pytest.fixture
def fuzz_api(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    return api, mid


def test_random_purchases_never_5xx(fuzz_api):
    api, mid = fuzz_api
    base = _purchase(mid)
    numbers = itertools.count(1)

    @FUZZ
    @given(st.one_of(_json, _mutated(base, PURCHASE_KEYS, ("lines", LINE_KEYS))))
    def check(body: Any) -> None:
        if isinstance(body, dict) and body.get("receipt_no") == "R-0001":
            body["receipt_no"] = f"F-{next(numbers)}"  # each example a new receipt
        for endpoint in ("/purchases/quote", "/purchases"):
            r = api.post(
                endpoint,
                content=json.dumps(body).encode(),
                headers={
                    "Authorization": f"Bearer {api.token('admin')}",
                    "content-type": "application/json",
                },
            )
            assert r.status_code < 500, (body, r.text)
            if r.status_code >= 400:
                _problem(r, r.status_code)

    check()


def test_random_members_never_5xx(fuzz_api):
    api, _ = fuzz_api
    base = {"name": "王芳", "phone": "13900139000", "id_number": ID, "fee_paid": "5.00"}

    @FUZZ
    @given(st.one_of(_json, _mutated(base, MEMBER_KEYS, None)))
    def check(body: Any) -> None:
        r = api.post(
            "/members",
            content=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {api.token('admin')}",
                "content-type": "application/json",
            },
        )
        assert r.status_code < 500, (body, r.text)
        if r.status_code >= 400:
            _problem(r, r.status_code)

    check()


def test_random_returns_never_5xx(fuzz_api):
    api, mid = fuzz_api
    assert api.post("/purchases", _purchase(mid)).status_code == 201
    base = {"return_no": "RT-1", "occurred_at": AT, "lines": [{"line_no": 1, "qty": "1"}]}

    @FUZZ
    @given(
        st.one_of(
            _json,
            _mutated(base, ["return_no", "occurred_at", "lines"], ("lines", ["line_no", "qty"])),
        )
    )
    def check(body: Any) -> None:
        r = api.post(
            "/purchases/R-0001/returns",
            content=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {api.token('admin')}",
                "content-type": "application/json",
            },
        )
        assert r.status_code < 500, (body, r.text)
        if r.status_code >= 400:
            _problem(r, r.status_code)

    check()
