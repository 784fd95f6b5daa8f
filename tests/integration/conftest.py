"""The command line's fixtures: a SQLite file of its own and a runner with the secret key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from huiyuan.cli import app

from .cli_kit import KEY


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`huiyuan ARGS...`, with `password` (if any) on standard input."""
    monkeypatch.chdir(tmp_path)  # nothing may land in the working tree
    monkeypatch.delenv("HUIYUAN_DATABASE_URL", raising=False)
    runner = CliRunner(env={"HUIYUAN_SECRET_KEY": KEY, "HUIYUAN_KEY_FILE": None})

    def invoke(*args: str, password: str | None = None):
        return runner.invoke(app, list(args), input=password, catch_exceptions=False)

    return invoke
