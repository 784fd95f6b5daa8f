"""The real server for end-to-end tests: `huiyuan serve` on a free port, waited for, stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def huiyuan_command() -> str:
    script = Path(sys.executable).with_name("huiyuan")
    if not script.exists():
        pytest.skip("the huiyuan command is not installed beside this Python")
    return str(script)


@contextmanager
def serving(
    folder: Path, args: Sequence[str], env: Mapping[str, str], seconds: float = 60
) -> Iterator[str]:
    """Runs `huiyuan serve ARGS --port <a free one>` in `folder` (its output in
    folder/serve.log) and yields its base URL once /healthz answers; stops it on leaving.
    Fails the test if the server exits first or does not answer within `seconds`."""
    port = free_port()
    log_path = folder / "serve.log"
    command = [huiyuan_command(), "serve", *args, "--port", str(port)]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            command, cwd=folder, env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(proc, base, seconds, log_path)
            yield base
        finally:
            _stop(proc)


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"no /healthz in {seconds:g} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
