"""Channels against local servers the tests start: SMTP e-mail against a socketserver sink, the
SMS gateway adapter against a fake gateway following docs/sms-gateway.md."""

from __future__ import annotations

import pytest

from huiyuan.notify.channels import Outgoing, SendError, SmsGatewayChannel, SmtpChannel
from huiyuan.notify.sender import send_due

from .kit import enroll, rows, write
from .servers import sms_gateway, smtp_sink


def message(to: str, message_id: int = 7) -> Outgoing:
    return Outgoing(
        message_id=message_id,
        program="guide_store",
        member_id="m1",
        kind="birthday",
        to=to,
        subject="生日快乐",
        body="王芳，祝您生日快乐！—— 李娜",
        idempotency_key=f"huiyuan-guide_store-{message_id}",
    )


def test_smtp_channel_delivers_utf8_mail_and_sorts_failures():
    with smtp_sink() as (port, box):
        channel = SmtpChannel("127.0.0.1", port, sender="vip@example.cn")
        ref = channel.send(message("wangfang@example.cn"))
        [(sender, rcpts, mail)] = box.messages
        assert (sender, rcpts) == ("vip@example.cn", ["wangfang@example.cn"])
        assert mail["Subject"] == "生日快乐"
        assert mail.get_content().strip() == "王芳，祝您生日快乐！—— 李娜"
        assert mail["Message-ID"].strip() == ref == "<huiyuan-guide_store-7@example.cn>"
        assert mail["X-Huiyuan-Idempotency-Key"] == "huiyuan-guide_store-7"
        # A refused recipient cannot succeed later; a busy server can.
        box.refuse.add("nobody@example.cn")
        with pytest.raises(SendError) as refused:
            channel.send(message("nobody@example.cn"))
        assert refused.value.retryable is False
        box.busy = True
        with pytest.raises(SendError) as busy:
            channel.send(message("wangfang@example.cn"))
        assert busy.value.retryable is True
        with pytest.raises(SendError) as bad:
            channel.send(message("13800138000"))
        assert bad.value.retryable is False
    # Nobody listening any more: temporary.
    with pytest.raises(SendError) as down:
        channel.send(message("wangfang@example.cn"))
    assert down.value.retryable is True


def test_sms_gateway_channel_follows_the_documented_contract():
    with sms_gateway() as (url, gw):
        channel = SmsGatewayChannel(url, token=gw.token, sign_name="【导购会员】")
        assert channel.send(message("13800138000")) == "sms-1"
        [sent] = gw.received
        assert sent == {
            "to": "13800138000",
            "text": "王芳，祝您生日快乐！—— 李娜",
            "sign_name": "【导购会员】",
            "message_id": "huiyuan-guide_store-7",
            "kind": "birthday",
            "idempotency_key": "huiyuan-guide_store-7",
        }
        # The same message again (a sender that died before marking it): the gateway answers
        # as the first time and sends nothing.
        assert channel.send(message("13800138000")) == "sms-1"
        assert len(gw.received) == 1
        # 5xx, 429: temporary; 4xx: permanent; a wrong token: permanent.
        for status, retryable in ((503, True), (429, True), (400, False)):
            gw.answers.append(status)
            with pytest.raises(SendError) as err:
                channel.send(message("13800138000", 8))
            assert err.value.retryable is retryable, status
        with pytest.raises(SendError) as unauthorized:
            SmsGatewayChannel(url, token="wrong").send(message("13800138000", 9))
        assert unauthorized.value.retryable is False
    with pytest.raises(SendError) as down:
        channel.send(message("13800138000", 10))
    assert down.value.retryable is True


def test_outbox_to_sms_gateway_and_smtp_end_to_end(make_api, ctx, clock):
    from datetime import timedelta

    api = make_api("guide_store")
    by_sms = enroll(api)
    by_mail = enroll(api, phone="13900139000")
    body = {"channel": "email", "email": "wangfang@example.cn"}
    assert api.request("PUT", f"/members/{by_mail}/notifications", json=body).status_code == 200
    write(ctx, "guide_store", by_sms, "birthday:2026-05-17")
    write(ctx, "guide_store", by_mail, "birthday:2026-05-17")
    with sms_gateway() as (url, gw), smtp_sink() as (port, box):
        channels = {
            "sms": SmsGatewayChannel(url, token=gw.token),
            "email": SmtpChannel("127.0.0.1", port),
        }
        gw.answers.append(503)  # the gateway hiccups once
        report = send_due(ctx, channels)
        assert (report.sent, report.failed) == (1, 1)
        clock.now += timedelta(minutes=1)
        assert send_due(ctx, channels).sent == 1
        assert [m["to"] for m in gw.received] == ["13800138000"]
        assert [rcpts for _, rcpts, _ in box.messages] == [["wangfang@example.cn"]]
    assert [(r.channel, r.status, r.attempts) for r in rows(ctx)] == [
        ("sms", "sent", 2),
        ("email", "sent", 1),
    ]
