"""`huiyuan serve --demo`: the demo database, built in-process and served by the real command."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from huiyuan.demo import build_demo
from huiyuan.domain.identity import normalize_resident_id
from huiyuan.presets.loader import preset_codes
from huiyuan.services import programs
from huiyuan.services.context import Context
from huiyuan.services.tokens import authenticate
from huiyuan.services.verify import verify
from huiyuan.store.schema import members, receipts

from ..conftest import TEST_KEY
from .servers import serving


def small_demo(url: str, members: int = 60, receipts: int = 300) -> tuple[Context, str]:
    """The demo at a reduced size; `strict`: anything the demo could not build fails the test."""
    return build_demo(url, members=members, receipts=receipts, strict=True, echo=False)


def _counts(ctx: Context) -> dict[str, tuple[int, int]]:
    """Program code → (members, receipts)."""
    from huiyuan.store.schema import programs as programs_table

    out: dict[str, tuple[int, int]] = {}
    with ctx.engine.connect() as conn:
        for code, program_id in conn.execute(
            select(programs_table.c.code, programs_table.c.program_id)
        ):
            n_members = conn.execute(
                select(func.count()).select_from(members).where(members.c.program_id == program_id)
            ).scalar_one()
            n_receipts = conn.execute(
                select(func.count())
                .select_from(receipts)
                .where(receipts.c.program_id == program_id)
            ).scalar_one()
            out[code] = (n_members, n_receipts)
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, str]]:
    ctx, token = small_demo(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    yield ctx, token
    ctx.engine.dispose()


def test_demo_loads_every_preset_with_members_and_receipts(demo: tuple[Context, str]):
    ctx, token = demo

    codes = sorted(p["code"] for p in programs.list_programs(ctx))
    assert codes == preset_codes()
    counts = _counts(ctx)
    for code in codes:
        n_members, n_receipts = counts[code]
        assert n_members >= 3, code
        assert n_receipts >= 1, code
    assert sum(r for _, r in counts.values()) >= 100

    caller = authenticate(ctx, token)
    assert caller.role == "admin"
    report = verify(ctx)
    assert report.ok, report.problems[:5]

    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(members.c.program_id, members.c.phone_hash, members.c.joined_at)
        ).all()
    assert len({(r.program_id, r.phone_hash) for r in rows}) == len(rows), "phones repeat"


def test_demo_people_look_real(demo: tuple[Context, str]):
    """Valid mobiles and 身份证 numbers, Chinese names; enrolment went through the services."""
    ctx, _ = demo
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(members.c.name, members.c.phone_enc, members.c.id_number_enc, members.c.id_type)
        ).all()
    assert rows
    ids = 0
    for row in rows:
        assert row.name and re.search(r"[\u4e00-\u9fff]", row.name)
        phone = ctx.sealer.open(row.phone_enc)
        assert phone and re.fullmatch(r"1[358]\d{9}", phone)
        if row.id_type == "resident_id":
            number = ctx.sealer.open(row.id_number_enc)
            assert number and normalize_resident_id(number) == number
            ids += 1
    assert ids > 0


def test_demo_is_reproducible_and_starts_fresh(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"

    def people(ctx: Context) -> list[tuple[str, str]]:
        with ctx.engine.connect() as conn:
            rows = conn.execute(select(members.c.name, members.c.phone_masked)).all()
        return sorted((r.name, r.phone_masked) for r in rows)

    first, _ = small_demo(url, members=20, receipts=40)
    before = people(first)
    first.engine.dispose()
    again, _ = small_demo(url, members=20, receipts=40)  # the file is recreated
    assert people(again) == before


def test_serve_demo_runs_the_real_server(tmp_path: Path):
    env = {
        **os.environ,
        "HUIYUAN_SECRET_KEY": TEST_KEY,
        "HUIYUAN_DEMO_SCALE": "0.25",  # the real command, at a quarter of the size
    }
    env.pop("HUIYUAN_DATABASE_URL", None)
    args = ["--demo", "--db", f"sqlite:///{tmp_path / 'demo.db'}"]
    with serving(tmp_path, args, env, seconds=90) as base:
        page = httpx.get(f"{base}/login", timeout=5)
        assert page.status_code == 200
        assert "会员" in page.text

        log = (tmp_path / "serve.log").read_text()
        assert f"{base}/" in log  # base is http://127.0.0.1:<port>
        tokens = re.findall(r"^(hy_\S+)$", log, flags=re.MULTILINE)
        assert tokens, log
        listed = httpx.get(
            f"{base}/api/v1/programs",
            headers={"Authorization": f"Bearer {tokens[-1]}"},
            timeout=5,
        )
        assert listed.status_code == 200
        assert sorted(p["code"] for p in listed.json()["items"]) == preset_codes()
        assert tokens[-1] not in httpx.get(f"{base}/login", timeout=5).text
        _log_in_to_the_console(base, log)


def _log_in_to_the_console(base: str, log: str) -> None:
    """The demo prints a staff login for each role and their password: the manager logs in."""
    found = re.search(r"logins: (.+); 密码 / password: (\S+)$", log, flags=re.MULTILINE)
    assert found, log
    assert found.group(1).split(", ") == ["admin", "manager", "cashier", "guide", "auditor"]
    with httpx.Client(base_url=base, timeout=5) as browser:
        form = browser.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf
        data = {"login": "manager", "password": found.group(2), "csrf": csrf.group(1)}
        assert browser.post("/login", data=data).status_code == 303
        home = browser.get("/")
        assert home.status_code == 200
        assert "王店长" in home.text
