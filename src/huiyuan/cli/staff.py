"""`huiyuan staff ...`: the accounts people log in to the console with."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import HuiyuanError
from .common import DbOpt, fail, open_context

staff_app = typer.Typer(no_args_is_help=True, help="员工账户 / staff accounts")


def _password() -> str:
    """One line from standard input: never an argument (it would stay in the shell history
    and show in the process list)."""
    line = sys.stdin.readline()
    if not line:
        fail("请从标准输入提供密码 / give the password on standard input")
    return line.rstrip("\r\n")


@staff_app.command("create")
def staff_create(
    login: Annotated[str, typer.Argument(help="登录名 / login")],
    role: Annotated[str, typer.Option("--role", help="admin, manager, cashier, guide, auditor")],
    name: Annotated[str | None, typer.Option("--name", help="姓名 / display name")] = None,
    store: Annotated[str | None, typer.Option("--store", help="只限本门店 / one store")] = None,
    guide: Annotated[str | None, typer.Option("--guide", help="导购编号 / guide id")] = None,
    db: DbOpt = None,
) -> None:
    """新建员工账户，密码从标准输入读取 / create a staff account; password on stdin."""
    from ..services import staff

    password = _password()
    ctx = open_context(db, migrate=True)
    try:
        account = staff.create(ctx, login, role, password, name, store, guide)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"已创建 / created: {account.login} ({account.role})")


@staff_app.command("disable")
def staff_disable(login: Annotated[str, typer.Argument()], db: DbOpt = None) -> None:
    """停用账户并结束其会话 / disable an account and end its sessions."""
    from ..services import staff

    ctx = open_context(db, migrate=True)
    try:
        staff.disable(ctx, login)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"已停用 / disabled: {login}")


@staff_app.command("password")
def staff_password(login: Annotated[str, typer.Argument()], db: DbOpt = None) -> None:
    """设置新密码（标准输入），结束其会话 / set a new password (stdin); ends its sessions."""
    from ..services import staff

    password = _password()
    ctx = open_context(db, migrate=True)
    try:
        staff.set_password(ctx, login, password)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"已更新密码 / password changed: {login}")


@staff_app.command("list")
def staff_list(db: DbOpt = None) -> None:
    """列出员工账户（不含密码）/ list staff accounts (never their passwords)."""
    from ..services import staff

    ctx = open_context(db, migrate=True)
    for a in staff.list_staff(ctx):
        typer.echo(
            f"{a.login}\t{a.role}\t{a.name}\t{a.store or '-'}\t{a.guide_id or '-'}\t{a.status}"
        )
