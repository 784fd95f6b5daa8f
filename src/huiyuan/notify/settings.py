"""Notification and scheduler settings from the environment (HUIYUAN_*), and the channels
they configure."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from .channels import (
    Channel,
    ConsoleChannel,
    FileChannel,
    SmsGatewayChannel,
    SmtpChannel,
)


class NotifySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUIYUAN_", extra="ignore")

    # The file channel's JSON-lines file (the `file` channel, and the fallback below).
    notify_file: str = "huiyuan-messages.jsonl"
    # Where messages for a channel that is not configured go (development): file, console, or
    # none (they fail, visible in GET /outbox?status=failed, and can be retried later).
    notify_fallback: Literal["file", "console", "none"] = "none"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "huiyuan@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    sms_url: str | None = None  # the gateway's endpoint (docs/sms-gateway.md)
    sms_token: str | None = None
    sms_sign_name: str | None = None  # 短信签名, e.g. 【某某超市】
    # The scheduler inside `huiyuan serve`: HUIYUAN_SCHEDULER=0 turns it off (tests, or a
    # deployment that runs `huiyuan jobs run` and `huiyuan notify send` from cron instead).
    scheduler: bool = True
    schedule: str | None = None  # replaces the default schedule (jobs/scheduler.py)
    scheduler_interval: float = 30.0  # seconds between looks at the clock
    outbox_batch: int = 200  # messages a sender takes per round


def build_channels(settings: NotifySettings | None = None) -> dict[str, Channel]:
    s = settings or NotifySettings()
    channels: dict[str, Channel] = {
        "file": FileChannel(s.notify_file),
        "console": ConsoleChannel(),
    }
    if s.smtp_host:
        channels["email"] = SmtpChannel(
            s.smtp_host, s.smtp_port, s.smtp_sender, s.smtp_user, s.smtp_password, s.smtp_starttls
        )
    if s.sms_url:
        channels["sms"] = SmsGatewayChannel(s.sms_url, s.sms_token, s.sms_sign_name)
    if s.notify_fallback != "none":
        for name in ("sms", "email"):
            channels.setdefault(name, channels[s.notify_fallback])
    return channels
