"""`huiyuan staff ...`: accounts for the console, the password always from standard input."""

from __future__ import annotations

import pytest

from huiyuan.bootstrap import make_context
from huiyuan.services import staff
from huiyuan.settings import Settings

from .cli_kit import KEY


def _login(db: str, login: str, password: str):
    ctx = make_context(Settings(secret_key=KEY), db)
    try:
        return staff.log_in(ctx, login, password)[1]
    finally:
        ctx.engine.dispose()


def test_create_reads_the_password_from_stdin_and_the_account_logs_in(run, db):
    made = run(
        "staff",
        "create",
        "wang",
        "--role",
        "cashier",
        "--name",
        "王",
        "--store",
        "S1",
        "--db",
        db,
        password="long enough 1\n",
    )
    assert made.exit_code == 0, made.output
    session = _login(db, "wang", "long enough 1")
    assert (session.staff.role, session.staff.name, session.staff.store) == ("cashier", "王", "S1")
    listed = run("staff", "list", "--db", db)
    assert listed.output.split("\t")[:2] == ["wang", "cashier"]
    assert "long enough" not in listed.output


def test_a_short_password_is_one_line_and_creates_nothing(run, db):
    r = run("staff", "create", "wang", "--role", "cashier", "--db", db, password="short\n")
    assert r.exit_code != 0
    assert "at least 8" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert run("staff", "list", "--db", db).output == ""


def test_unknown_role_and_taken_login_are_refused(run, db):
    assert run("staff", "create", "a1", "--role", "boss", "--db", db, password="p" * 8).exit_code
    assert (
        run("staff", "create", "a1", "--role", "guide", "--db", db, password="p" * 8).exit_code == 0
    )
    again = run("staff", "create", "a1", "--role", "guide", "--db", db, password="p" * 8)
    assert again.exit_code != 0
    assert "exists" in again.output


def test_disable_and_password(run, db):
    run("staff", "create", "zhao", "--role", "guide", "--db", db, password="first pass\n")
    assert run("staff", "password", "zhao", "--db", db, password="second pass\n").exit_code == 0
    assert _login(db, "zhao", "second pass").staff.login == "zhao"
    assert run("staff", "disable", "zhao", "--db", db).exit_code == 0
    with pytest.raises(Exception, match="wrong login or password"):
        _login(db, "zhao", "second pass")
    assert "disabled" in run("staff", "list", "--db", db).output
    assert run("staff", "disable", "nobody", "--db", db).exit_code != 0
