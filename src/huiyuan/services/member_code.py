"""The printable member code: a QR code of the member's active card number, so any till
scanner reads it as if the card were swiped."""

from __future__ import annotations

import io

import segno

from ..errors import NotFound
from .context import Context, require_member, require_program


def member_code_svg(ctx: Context, program_code: str, member_id: str) -> str:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        card_no = uow.members.active_card(stored.program_id, member_id)
    if card_no is None:
        raise NotFound(
            "该会员没有有效会员卡 / the member has no active card", code="no_active_card"
        )
    out = io.BytesIO()
    segno.make(card_no, error="m").save(out, kind="svg", scale=6, border=2, title=card_no)
    return out.getvalue().decode("utf-8")
