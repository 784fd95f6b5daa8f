"""The staff console in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright):
log in, find a member, see the points, log out; the lockout; a phone-sized screen; and no
request to any host but the server.

These tests fail (never skip) when the browser is missing: `.ci/run` installs it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from huiyuan.bootstrap import make_context
from huiyuan.services import members, staff
from huiyuan.services.inputs import MemberIn
from huiyuan.settings import Settings

from ..conftest import TEST_KEY, load_preset_into
from .servers import serving

CHROMIUM = "/usr/bin/chromium"
# Chromium as root in a container, with no background traffic to Google's hosts (this
# machine's network is closed; the test asserts the page itself fetches nothing outside).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse 1"
PHONE = "13800138000"


def _prepare(url: str) -> str:
    """A database with the supermarket program, a cashier account and one member."""
    os.environ.setdefault("HUIYUAN_SECRET_KEY", TEST_KEY)
    ctx = make_context(Settings(), url, migrate=True)
    load_preset_into(ctx, "supermarket")
    staff.create(ctx, "wang", "cashier", PASSWORD, name="王收银")
    joined = members.enroll(
        ctx,
        "supermarket",
        MemberIn(
            name="李四", phone=PHONE, id_number="11010519491231002X", fee_paid=Decimal("5.00")
        ),
    )
    members.activate(ctx, "supermarket", joined["member_id"], None, "manager:test")
    ctx.engine.dispose()
    return str(joined["member_id"])


@dataclass(frozen=True)
class Served:
    base: str  # the server's address
    url: str  # its database


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{folder / 'console.db'}"
    _prepare(url)
    env = {**os.environ, "HUIYUAN_SECRET_KEY": TEST_KEY}
    with serving(folder, ["--db", url], env) as base:
        yield Served(base, url)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.base, locale="zh-CN")
    page = context.new_page()
    page.outside = []  # requests to any other host
    page.on(
        "request",
        lambda r: None if r.url.startswith(server.base) else page.outside.append(r.url),
    )
    yield page
    context.close()


def log_in(page, login: str = "wang", password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("登录名").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_cashier_logs_in_finds_a_member_and_logs_out(page):
    log_in(page)
    assert page.get_by_text("王收银").is_visible()
    page.get_by_label("手机号或卡号").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    member = page.locator("#member")
    member.wait_for()
    assert "李四" in member.inner_text()
    assert page.locator("#points").inner_text().isdigit()
    assert "积分" in member.inner_text()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    page.goto("/")
    assert page.url.endswith("/login")
    assert page.outside == []


def test_five_wrong_passwords_lock_the_account_in_the_page(page, server):
    staff_ctx = make_context(Settings(), server.url)
    staff.create(staff_ctx, "zhao", "guide", PASSWORD)
    staff_ctx.engine.dispose()
    for _ in range(5):
        log_in(page, "zhao", "wrong password")
        assert page.get_by_text("登录名或密码不正确").is_visible()
    log_in(page, "zhao", PASSWORD)
    assert page.get_by_text("已锁定").is_visible()


def test_the_desk_fits_a_phone_without_sideways_scrolling(page):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page)
    page.get_by_label("手机号或卡号").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.locator("#member").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.outside == []


def test_enrolment_shows_the_error_beside_the_field_then_enrols(page):
    log_in(page)
    page.get_by_role("link", name="办理会员").click()
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("手机号").fill("12345")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("入会费").fill("5.00")
    page.get_by_role("button", name="提交").click()
    assert page.locator("#e-phone").is_visible()
    assert page.get_by_label("姓名").input_value() == "赵六"
    page.get_by_label("手机号").fill("13900139000")
    page.get_by_role("button", name="提交").click()
    page.locator("#member").wait_for()
    assert "赵六" in page.locator("#member").inner_text()
    assert page.outside == []


@pytest.mark.parametrize("width", [1100, 390])
def test_the_till_quotes_line_by_line_then_commits(page, width):
    # supermarket: food earns 1 point per 1.00 (2 x 10.50 = 21.00 -> 21); appliance is a large
    # item, 1 point per 50.00 (120.00 -> 2): 23 points on this receipt. On a phone too, and
    # without sideways scrolling.
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page)
    page.get_by_label("手机号或卡号").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="收银").click()
    page.get_by_label("品类").nth(0).fill("food")
    page.get_by_label("数量").nth(0).fill("2")
    page.get_by_label("单价").nth(0).fill("10.50")
    page.get_by_role("button", name="添加商品").click()
    page.get_by_label("品类").nth(1).fill("appliance")
    page.get_by_label("数量").nth(1).fill("1")
    page.get_by_label("单价").nth(1).fill("120.00")
    page.get_by_role("button", name="试算").click()
    page.get_by_text("试算结果").wait_for()
    assert page.locator("#points-earned").inner_text() == "23"
    page.get_by_role("button", name="确认收银").click()
    page.get_by_text("已收银").wait_for()
    assert page.locator("#points-earned").inner_text() == "23"
    assert "本单积分" in page.locator("#outcome").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.outside == []


def test_a_refused_redemption_shows_why(page, server):
    # supermarket redeems only in the last 7 days of Mar, Jun, Sep and Dec, and this member has
    # no 1500 points: either way the till is refused, and the page must say so.
    log_in(page)
    page.get_by_label("手机号或卡号").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="兑换").click()
    page.get_by_role("button", name="兑换 20元折扣券").click()
    alert = page.locator("#redeemed [role=alert]")
    alert.wait_for()
    assert alert.inner_text().strip()
    assert page.outside == []


def test_a_till_error_is_shown(page):
    log_in(page)
    page.get_by_label("手机号或卡号").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="收银").click()
    page.get_by_label("数量").nth(0).fill("2")
    page.get_by_label("单价").nth(0).fill("abc")
    page.get_by_role("button", name="试算").click()
    page.locator("#outcome [role=alert]").wait_for()
    assert "输入有误" in page.locator("#outcome").inner_text()
