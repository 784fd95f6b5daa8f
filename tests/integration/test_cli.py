"""The `huiyuan` command line (API.md): exit 0 on success; on bad input a one-line reason on
standard error and a non-zero status."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from huiyuan.api.app import create_app
from huiyuan.bootstrap import make_context
from huiyuan.errors import Unauthorized
from huiyuan.services.tokens import authenticate
from huiyuan.settings import Settings
from huiyuan.store.schema import programs

from .cli_kit import KEY


def _program_rows(db: str) -> list[tuple[str, int]]:
    ctx = make_context(Settings(secret_key=KEY), db)
    try:
        with ctx.engine.connect() as conn:
            rows = conn.execute(select(programs.c.code, func.count()).group_by(programs.c.code))
            return sorted((code, int(n)) for code, n in rows)
    finally:
        ctx.engine.dispose()


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_init_twice(run, db, tmp_path):
    first = run("init", "--db", db)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "cli.db").exists()
    second = run("init", "--db", db)
    assert second.exit_code == 0, second.output


def test_the_database_can_come_from_the_environment(run, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("HUIYUAN_DATABASE_URL", url)
    assert run("init").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_load_a_preset_once(run, db):
    assert run("init", "--db", db).exit_code == 0
    first = run("program", "load", "supermarket", "--db", db)
    assert first.exit_code == 0, first.output
    assert "supermarket" in first.stdout
    assert first.stderr == ""

    again = run("program", "load", "supermarket", "--db", db)
    assert again.exit_code != 0
    line = _one_line(again.stderr)
    assert "supermarket" in line and "--replace" in line
    assert again.stdout == ""

    replaced = run("program", "load", "supermarket", "--replace", "--db", db)
    assert replaced.exit_code == 0, replaced.output
    assert "v2" in replaced.stdout

    other = run("program", "load", "supermarket", "--code", "supermarket_east", "--db", db)
    assert other.exit_code == 0, other.output
    assert [code for code, _ in _program_rows(db)] == ["supermarket", "supermarket_east"]


def test_load_needs_a_preset_or_a_file(run, db, tmp_path):
    neither = run("program", "load", "--db", db)
    assert neither.exit_code != 0
    _one_line(neither.stderr)
    path = tmp_path / "p.toml"
    path.write_text("", encoding="utf-8")
    both = run("program", "load", "supermarket", "--file", str(path), "--db", db)
    assert both.exit_code != 0
    _one_line(both.stderr)


def test_unknown_preset(run, db):
    result = run("program", "load", "no_such_scheme", "--db", db)
    assert result.exit_code != 0
    assert "no_such_scheme" in result.stderr


BAD_FILE = """
code = "shop"
name = "小店"
colour = "red"

[[tiers]]
code = "basic"
name = "普通"
name_en = "Basic"

[earning]
rules = [{ kind = "per_amount", per = 1.0 }]
"""


def test_load_a_bad_file_prints_every_error(run, db, tmp_path):
    path = tmp_path / "shop.toml"
    path.write_text(BAD_FILE, encoding="utf-8")
    result = run("program", "load", "--file", str(path), "--db", db)
    assert result.exit_code != 0
    err = result.stderr
    assert "3 error(s)" in err
    for where in ("name_en:", "colour:", "earning.rules[0].per:"):
        assert where in err, err
    assert result.stdout == ""
    check = run("program", "check", str(path))
    assert check.exit_code != 0
    assert "earning.rules[0].per:" in check.stderr


def test_load_a_file_that_is_not_toml(run, db, tmp_path):
    path = tmp_path / "shop.toml"
    path.write_text("code = \n[x", encoding="utf-8")
    result = run("program", "load", "--file", str(path), "--db", db)
    assert result.exit_code != 0
    assert "not valid TOML" in result.stderr


def test_load_a_good_file(run, db, tmp_path):
    path = tmp_path / "shop.toml"
    path.write_text(
        BAD_FILE.replace('colour = "red"', 'name_en = "Shop"').replace("per = 1.0", 'per = "1.00"'),
        encoding="utf-8",
    )
    result = run("program", "load", "--file", str(path), "--code", "shop_two", "--db", db)
    assert result.exit_code == 0, result.output
    assert [code for code, _ in _program_rows(db)] == ["shop_two"]


def test_an_invalid_code_is_refused(run, db):
    result = run("program", "load", "supermarket", "--code", "Bad Code!", "--db", db)
    assert result.exit_code != 0
    assert _program_rows(db) == []


def test_token_create_prints_the_token_last(run, db):
    assert run("init", "--db", db).exit_code == 0
    assert run("program", "load", "supermarket", "--db", db).exit_code == 0
    result = run("token", "create", "--role", "cashier", "--name", "till-1", "--db", db)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert " " not in token

    # The token works against the API on the same database, with its role.
    ctx = make_context(Settings(secret_key=KEY), db)
    try:
        client = TestClient(create_app(ctx), raise_server_exceptions=False)
        headers = {"Authorization": f"Bearer {token}"}
        r = client.get("/api/v1/programs", headers=headers)
        assert r.status_code == 200, r.text
        assert [p["code"] for p in r.json()["items"]] == ["supermarket"]
        r = client.post(
            "/api/v1/programs/supermarket/members/M1/activate", json={}, headers=headers
        )
        assert r.status_code == 403  # a cashier may not activate
        r = client.get("/api/v1/programs", headers={"Authorization": f"Bearer {token}x"})
        assert r.status_code == 401
    finally:
        ctx.engine.dispose()


@pytest.mark.parametrize("role", ["admin", "cashier", "auditor"])
def test_token_roles(run, db, role):
    result = run("token", "create", "--role", role, "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("hy_")


def test_token_with_an_unknown_role(run, db):
    result = run("token", "create", "--role", "emperor", "--db", db)
    assert result.exit_code != 0
    assert "emperor" in _one_line(result.stderr)
    assert result.stdout == ""


def test_an_unusable_database_is_one_line(run, tmp_path):
    result = run("init", "--db", "nosuchdriver://x/y")
    assert result.exit_code != 0
    _one_line(result.stderr)
    result = run("init", "--db", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    assert result.exit_code != 0
    _one_line(result.stderr)


def test_token_list_and_revoke(run, db):
    assert run("init", "--db", db).exit_code == 0
    made = run("token", "create", "--role", "cashier", "--name", "till-9", "--db", db)
    token = made.stdout.strip().splitlines()[-1]
    token_id = token.split("_")[1]
    listed = run("token", "list", "--db", db)
    assert token_id in listed.stdout and "active" in listed.stdout
    assert token.split("_", 2)[2] not in listed.stdout  # never the secret
    assert run("token", "revoke", token_id, "--db", db).exit_code == 0
    assert "revoked" in run("token", "list", "--db", db).stdout
    ctx = make_context(Settings(secret_key=KEY), db)
    try:
        with pytest.raises(Unauthorized):
            authenticate(ctx, token)
    finally:
        ctx.engine.dispose()
    again = run("token", "revoke", token_id, "--db", db)
    assert again.exit_code != 0
