"""Channels behind one interface: `send(message) -> provider reference`, raising `SendError`.

- `FileChannel`: one JSON line per message (development, tests, a demo).
- `ConsoleChannel`: prints the message (development).
- `SmtpChannel`: e-mail through an SMTP server (smtplib; STARTTLS and login optional).
- `SmsGatewayChannel`: an HTTP SMS gateway with the contract in docs/sms-gateway.md.

Every message carries an idempotency key (`huiyuan-{program}-{message_id}`): a gateway that
honours it turns the sender's at-least-once delivery (a crash after the gateway accepted a
message but before the outbox row was marked sent) into exactly once.
"""

from __future__ import annotations

import json
import smtplib
import sys
import threading
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, TextIO

import httpx


@dataclass(frozen=True)
class Outgoing:
    message_id: int
    program: str
    member_id: str
    kind: str
    to: str  # a mobile number, an e-mail address, or (file/console) the member's masked phone
    subject: str
    body: str
    idempotency_key: str


class SendError(Exception):
    """A send that did not go through. `retryable` False: trying again cannot help (a refused
    number, a malformed request); the message fails for good at once."""

    def __init__(self, reason: str, retryable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> str | None: ...


class FileChannel:
    name = "file"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> str | None:
        line = json.dumps(asdict(message), ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        return None

    def read(self) -> list[dict[str, object]]:
        """Every message written so far (tests and the demo)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


class ConsoleChannel:
    name = "console"

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, message: Outgoing) -> str | None:
        out = self.stream or sys.stdout
        out.write(f"[{message.program}] → {message.to} ({message.kind}): {message.body}\n")
        out.flush()
        return None


class SmtpChannel:
    name = "email"

    def __init__(
        self,
        host: str,
        port: int = 25,
        sender: str = "huiyuan@localhost",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ):
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, message: Outgoing) -> str | None:
        if "@" not in message.to:
            raise SendError(f"not an e-mail address: {message.to!r}", retryable=False)
        # The same message sent again (a sender that died before marking it) keeps its
        # Message-ID, so mail systems and clients can drop the repeat.
        domain = self.sender.rpartition("@")[2] or "huiyuan"
        msgid = f"<{message.idempotency_key}@{domain}>"
        refused = self._submit(self._mail(message, msgid))
        if refused:
            raise SendError(f"recipient refused: {refused}", retryable=False)
        return msgid

    def _mail(self, message: Outgoing, msgid: str) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Message-ID"] = msgid
        mail["X-Huiyuan-Idempotency-Key"] = message.idempotency_key
        mail.set_content(message.body)  # UTF-8, encoded as the text needs
        return mail

    def _submit(self, mail: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """Hands the mail to the server; answers the recipients it refused. A failure is a
        SendError: permanent for a refused recipient or a 5xx reply, else worth retrying."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                return smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"recipient refused: {exc.recipients}", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            # 5xx is permanent, 4xx temporary (RFC 5321).
            raw = exc.smtp_error
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            raise SendError(f"SMTP {exc.smtp_code} {text}", retryable=exc.smtp_code < 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"SMTP: {exc}") from None


class SmsGatewayChannel:
    """POST {url} with a JSON body and a bearer token; see docs/sms-gateway.md."""

    name = "sms"

    def __init__(
        self,
        url: str,
        token: str | None = None,
        sign_name: str | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ):
        self.url = url
        self.token = token
        self.sign_name = sign_name
        self.timeout = timeout
        self.client = client

    def send(self, message: Outgoing) -> str | None:
        headers = {"Idempotency-Key": message.idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {
            "to": message.to,
            "text": message.body,
            "sign_name": self.sign_name,
            "message_id": message.idempotency_key,
            "kind": message.kind,
        }
        try:
            if self.client is not None:
                response = self.client.post(self.url, json=body, headers=headers)
            else:
                response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SendError(f"SMS gateway unreachable: {exc}") from None
        if response.status_code in (200, 201, 202):
            try:
                data = response.json()
            except ValueError:
                data = {}
            ref = data.get("id") if isinstance(data, dict) else None
            return str(ref) if ref is not None else None
        retryable = response.status_code >= 500 or response.status_code in (408, 425, 429)
        detail = response.text[:200]
        raise SendError(f"SMS gateway {response.status_code}: {detail}", retryable=retryable)
