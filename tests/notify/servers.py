"""Local stand-ins started by the tests: a tiny SMTP sink (socketserver) and a fake SMS gateway
(http.server) that follows docs/sms-gateway.md. Both listen on 127.0.0.1 on a free port."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    busy: bool = False  # answer MAIL FROM with 451 (a temporary failure)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    server: Any

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox
        sender, rcpts = "", []
        self.reply("220 localhost sink ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                if box.busy:
                    self.reply("451 try again later")
                    continue
                sender, rcpts = line.split(":", 1)[1].strip().split()[0].strip("<>"), []
                self.reply("250 ok")
            elif verb == "RCPT":
                to = line.split(":", 1)[1].strip().split()[0].strip("<>")
                if to in box.refuse:
                    self.reply("550 no such user")
                else:
                    rcpts.append(to)
                    self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                parsed = message_from_bytes(b"".join(chunks), policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                box.messages.append((sender, rcpts, parsed))
                self.reply("250 queued")
            elif verb == "RSET":
                sender, rcpts = "", []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    server = _Threaded(("127.0.0.1", 0), _SmtpHandler)
    server.mailbox = box  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], box
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Gateway:
    token: str = "gw-secret"
    received: list[dict[str, Any]] = field(default_factory=list)  # each message sent once
    requests: int = 0
    answers: list[int] = field(default_factory=list)  # statuses to answer next (then 200)
    by_key: dict[str, str] = field(default_factory=dict)


class _SmsHandler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        gw: Gateway = self.server.gateway
        gw.requests += 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != f"Bearer {gw.token}":
            self.answer(401, {"error": "unauthorized"})
            return
        if gw.answers:
            status = gw.answers.pop(0)
            self.answer(status, {"error": f"status {status}"})
            return
        if not str(body.get("to", "")).isdigit() or not body.get("text"):
            self.answer(400, {"error": "bad request"})
            return
        key = self.headers.get("Idempotency-Key", "")
        if key in gw.by_key:  # a repeat: the first answer, nothing sent again
            self.answer(200, {"id": gw.by_key[key], "repeat": True})
            return
        sms_id = f"sms-{len(gw.received) + 1}"
        gw.by_key[key] = sms_id
        gw.received.append({**body, "idempotency_key": key})
        self.answer(202, {"id": sms_id})


@contextmanager
def sms_gateway() -> Iterator[tuple[str, Gateway]]:
    gw = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SmsHandler)
    server.gateway = gw  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/sms", gw
    finally:
        server.shutdown()
        server.server_close()
