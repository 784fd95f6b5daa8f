"""The staff console over HTTP: staff log in with a password, every form carries a CSRF token,
five wrong passwords lock a login, and the member desk finds a member by phone or card."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from huiyuan.services import staff
from huiyuan.services.inputs import MemberIn

PASSWORD = "correct horse 1"


@pytest.fixture
def api(make_api):
    api = make_api("supermarket")
    staff.create(api.ctx, "wang", "cashier", PASSWORD, name="王收银")
    return api


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def log_in(client, login: str = "wang", password: str = PASSWORD):
    form = client.get("/login")
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf": _csrf(form.text)},
        follow_redirects=False,
    )


def test_pages_need_a_login(api):
    r = api.client.get("/", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login"
    htmx = api.client.get("/search?program=supermarket&q=1", headers={"HX-Request": "true"})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login"


def test_login_page_has_the_labels_staff_look_for(api):
    r = api.client.get("/login")
    assert r.status_code == 200
    for text in ("登录名", "密码", "登录"):
        assert text in r.text
    assert "Content-Security-Policy" in r.headers


def test_login_sets_a_strict_httponly_session_and_shows_who(api):
    r = log_in(api.client)
    assert r.status_code == 303
    assert r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "huiyuan_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    home = api.client.get("/")
    assert home.status_code == 200
    assert "王收银" in home.text
    assert "收银员" in home.text  # the role, in Chinese
    assert "退出" in home.text


def test_wrong_password_is_refused_and_says_so(api):
    r = log_in(api.client, password="wrong password")
    assert r.status_code == 401
    assert "登录名或密码不正确" in r.text
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_unknown_login_answers_like_a_wrong_password(api):
    r = log_in(api.client, login="nobody")
    assert r.status_code == 401
    assert "登录名或密码不正确" in r.text


def test_five_wrong_passwords_lock_the_login_for_fifteen_minutes(api, clock):
    for _ in range(5):
        assert log_in(api.client, password="wrong password").status_code == 401
    locked = log_in(api.client)  # the right password, refused while locked
    assert locked.status_code == 401
    assert "已锁定" in locked.text
    clock.now += timedelta(minutes=14, seconds=59)
    assert "已锁定" in log_in(api.client).text
    clock.now += timedelta(seconds=1)
    assert log_in(api.client).status_code == 303


def test_four_wrong_passwords_then_the_right_one_clears_the_count(api):
    for _ in range(4):
        log_in(api.client, password="wrong password")
    assert log_in(api.client).status_code == 303
    for _ in range(4):
        log_in(api.client, password="wrong password")
    assert log_in(api.client).status_code == 303


def test_login_without_its_csrf_token_is_403(api):
    api.client.get("/login")
    r = api.client.post("/login", data={"login": "wang", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_logout_needs_the_csrf_token_and_ends_the_session(api):
    log_in(api.client)
    assert api.client.post("/logout", data={}, follow_redirects=False).status_code == 403
    home = api.client.get("/")
    r = api.client.post("/logout", data={"csrf": _csrf(home.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login"
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_an_idle_session_ends_after_thirty_minutes(api, clock):
    log_in(api.client)
    clock.now += timedelta(minutes=29)
    assert api.client.get("/", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=30, seconds=1)
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_account_is_logged_out(api):
    log_in(api.client)
    staff.disable(api.ctx, "wang")
    assert api.client.get("/", follow_redirects=False).status_code == 303
    assert log_in(api.client).status_code == 401


def test_search_by_phone_shows_the_member_with_points(api):
    from huiyuan.services import members

    joined = members.enroll(
        api.ctx,
        "supermarket",
        MemberIn(
            name="李四",
            phone="13800138000",
            id_number="11010519491231002X",
            fee_paid=Decimal("5.00"),
        ),
    )
    log_in(api.client)
    r = api.client.get("/search", params={"program": "supermarket", "q": "138 0013 8000"})
    assert r.status_code == 200
    assert "李四" in r.text
    assert "积分" in r.text
    assert joined["member_id"] in r.text
    by_card = api.client.get("/search", params={"program": "supermarket", "q": joined["card_no"]})
    assert "李四" in by_card.text


def test_search_that_finds_nobody_says_so(api):
    log_in(api.client)
    r = api.client.get("/search", params={"program": "supermarket", "q": "13900000000"})
    assert r.status_code == 200
    assert "没有找到会员" in r.text


def test_static_files_are_served_locally(api):
    for name, kind in (("console.css", "text/css"), ("htmx.min.js", "text/javascript")):
        r = api.client.get(f"/console/static/{name}")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith(kind)
    assert api.client.get("/console/static/other.js").status_code == 404


def test_pages_fetch_nothing_from_outside(api):
    log_in(api.client)
    for html in (api.client.get("/login").text, api.client.get("/").text):
        assert not re.search(r'(src|href)="(https?:)?//', html)


def test_passwords_are_stored_as_argon2id_hashes(api):
    with api.ctx.uow(write=False) as uow:
        account = uow.staff.get("wang")
    assert account is not None
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash


def _enrol_form(api, **fields):
    form = api.client.get("/members/supermarket/new")
    assert form.status_code == 200
    data = {"csrf": _csrf(form.text), **fields}
    return api.client.post("/members/supermarket/new", data=data, follow_redirects=False)


def test_the_enrolment_form_asks_what_the_program_requires(api):
    log_in(api.client)
    form = api.client.get("/members/supermarket/new")
    assert form.status_code == 200
    for label in ("姓名", "手机号", "身份证号", "入会费", "提交"):
        assert label in form.text
    assert "地址" not in form.text  # the supermarket does not ask for it


def test_enrolment_errors_stand_beside_their_fields_and_change_nothing(api):
    log_in(api.client)
    r = _enrol_form(
        api, name="赵六", phone="12345", id_number="11010519491231002X", fee_paid="5.00"
    )
    assert r.status_code == 422
    assert re.search(r'id="e-phone">[^<]*手机号不是有效的大陆手机号码', r.text)
    assert 'value="赵六"' in r.text  # what was typed stays
    missing = _enrol_form(api, name="赵六", phone="13900139000", fee_paid="5.00")
    assert missing.status_code == 422
    assert re.search(r'id="e-id_number">必填', missing.text)
    from huiyuan.services import members

    assert members.find_members(api.ctx, "supermarket", phone="13900139000") == []


def test_enrolment_opens_the_new_members_page(api):
    log_in(api.client)
    r = _enrol_form(
        api, name="赵六", phone="13900139000", id_number="11010519491231002X", fee_paid="5.00"
    )
    assert r.status_code == 303
    member_page = api.client.get(r.headers["location"])
    assert "赵六" in member_page.text
    assert "积分" in member_page.text


def test_an_auditor_may_not_enrol_in_the_console(api):
    staff.create(api.ctx, "audit", "auditor", PASSWORD)
    log_in(api.client, "audit")
    r = api.client.get("/members/supermarket/new")
    assert r.status_code == 403
    assert "无此权限" in r.text


def _member(api, phone="13800138000"):
    from huiyuan.services import members

    return members.enroll(
        api.ctx,
        "supermarket",
        MemberIn(name="李四", phone=phone, id_number="11010519491231002X", fee_paid=Decimal("5")),
    )


def test_the_till_quotes_then_commits_once(api):
    joined = _member(api)
    log_in(api.client)
    form = api.client.get(f"/members/supermarket/{joined['member_id']}/till")
    assert form.status_code == 200
    for label in ("品类", "数量", "单价", "添加商品", "试算", "确认收银"):
        assert label in form.text
    receipt_no = re.search(r'name="receipt_no" value="([^"]+)"', form.text).group(1)
    data = {
        "csrf": _csrf(form.text),
        "receipt_no": receipt_no,
        "category_1": "grocery",
        "qty_1": "2",
        "price_1": "10.50",
    }
    url = f"/members/supermarket/{joined['member_id']}/till"
    quoted = api.client.post(url + "/quote", data=data)
    assert quoted.status_code == 200
    assert "21.00" in quoted.text
    assert "本单积分" in quoted.text
    first = api.client.post(url, data=data)
    again = api.client.post(url, data=data)  # a double click: the same receipt number
    assert first.status_code == again.status_code == 200
    assert "已收银" in first.text
    with api.ctx.uow(write=False) as uow:
        stored = uow.programs.get("supermarket")
        assert uow.receipts.get(stored.program_id, receipt_no) is not None


def test_the_till_says_what_is_wrong_with_a_line(api):
    joined = _member(api)
    log_in(api.client)
    form = api.client.get(f"/members/supermarket/{joined['member_id']}/till")
    data = {"csrf": _csrf(form.text), "receipt_no": "C1", "qty_1": "2", "price_1": "abc"}
    r = api.client.post(f"/members/supermarket/{joined['member_id']}/till/quote", data=data)
    assert r.status_code == 422
    assert "输入有误" in r.text


def test_add_item_gives_the_next_line(api):
    log_in(api.client)
    r = api.client.get("/till/line?n=2")
    assert 'name="qty_2"' in r.text
    assert "/till/line?n=3" in r.text


def test_a_guide_may_not_ring_up(api):
    joined = _member(api)
    staff.create(api.ctx, "guide1", "guide", PASSWORD)
    log_in(api.client, "guide1")
    assert api.client.get(f"/members/supermarket/{joined['member_id']}/till").status_code == 403


def test_the_rewards_page_lists_the_catalogue_and_refuses_without_points(api):
    joined = _member(api)
    log_in(api.client)
    page = api.client.get(f"/members/supermarket/{joined['member_id']}/rewards")
    assert page.status_code == 200
    assert "20元折扣券" in page.text
    number = re.search(r'name="redemption_no" value="([^"]+)"', page.text).group(1)
    r = api.client.post(
        f"/members/supermarket/{joined['member_id']}/redemptions",
        data={"csrf": _csrf(page.text), "reward": "voucher_20", "redemption_no": number},
    )
    assert r.status_code in (409, 422)
    assert 'role="alert"' in r.text


@pytest.mark.parametrize("role", ["manager", "cashier", "guide", "auditor"])
def test_the_console_refuses_what_the_api_refuses(api, role):
    """One role table: each action is allowed in the console exactly when the API allows it."""
    joined = _member(api)
    member = joined["member_id"]
    staff.create(api.ctx, f"u-{role}", role, PASSWORD)
    log_in(api.client, f"u-{role}")
    token = {"Authorization": f"Bearer {api.token(role)}"}
    base = "/api/v1/programs/supermarket"
    line = {"line_no": 1, "sku": "x", "qty": "1", "list_price": "1.00"}
    api_status = {
        "enroll": api.client.post(f"{base}/members", json={}, headers=token).status_code,
        "purchase": api.client.post(
            f"{base}/purchases/quote",
            json={"receipt_no": "Q1", "member_id": member, "lines": [line]},
            headers=token,
        ).status_code,
        "redeem": api.client.post(f"{base}/redemptions", json={}, headers=token).status_code,
    }
    console_status = {
        "enroll": api.client.get("/members/supermarket/new").status_code,
        "purchase": api.client.get(f"/members/supermarket/{member}/till").status_code,
        "redeem": api.client.get(f"/members/supermarket/{member}/rewards").status_code,
    }
    for action in api_status:
        assert (api_status[action] == 403) == (console_status[action] == 403), action
    assert (console_status["enroll"] == 403) == (role == "auditor")
    assert (console_status["purchase"] == 403) == (role in ("guide", "auditor"))


def test_a_search_by_a_lost_card_says_so(api):
    from huiyuan.services import cards
    from huiyuan.services.inputs import ReportLostIn

    joined = _member(api)
    cards.report_lost(
        api.ctx,
        "supermarket",
        joined["card_no"],
        ReportLostIn.model_validate({"channel": "store", "id_number": "11010519491231002X"}),
        None,
    )
    log_in(api.client)
    r = api.client.get("/search", params={"program": "supermarket", "q": joined["card_no"]})
    assert "李四" in r.text
    assert re.search(r'id="card-notice">[^<]*已挂失', r.text)


def test_page_views_move_the_idle_clock_at_most_once_a_minute(api, clock):
    log_in(api.client)
    start = clock.now

    def last_seen():
        with api.ctx.uow(write=False) as uow:
            secret = api.client.cookies.get("huiyuan_session")
            return uow.staff.session(staff._digest(secret)).last_seen_at

    clock.now = start + timedelta(seconds=59)
    api.client.get("/")
    assert last_seen() == start
    clock.now = start + timedelta(minutes=1)
    api.client.get("/")
    assert last_seen() == start + timedelta(minutes=1)
