"""Chinese names (with English beside them) for the codes the engine stores."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # roles
    "admin": ("管理员", "Admin"),
    "manager": ("店长", "Manager"),
    "cashier": ("收银员", "Cashier"),
    "guide": ("导购", "Guide"),
    "auditor": ("审计", "Auditor"),
    # member and card states
    "active": ("正常", "Active"),
    "pending": ("待激活", "Pending"),
    "cancelled": ("已注销", "Cancelled"),
    "lost": ("已挂失", "Reported lost"),
    "replaced": ("已换卡", "Replaced"),
    # ledger entry kinds (domain.ledger.EntryKind)
    "earn": ("消费积分", "Earned"),
    "bonus": ("奖励积分", "Bonus"),
    "transfer_in": ("转入", "Transfer in"),
    "adjust_in": ("人工增加", "Added by hand"),
    "redeem": ("兑换", "Redeemed"),
    "offset": ("积分抵现", "Paid with points"),
    "expire": ("过期", "Expired"),
    "transfer_out": ("转出", "Transfer out"),
    "clawback": ("退货扣回", "Clawed back"),
    "adjust_out": ("人工扣减", "Deducted by hand"),
}


def label(code: str | None, lang: str = "zh") -> str:
    """The name staff read for a code; an unknown code is shown as it is."""
    if code is None:
        return ""
    names = LABELS.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


# Member fields a program can require, as the enrolment form labels them.
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "Name"),
    "phone": ("手机号", "Mobile"),
    "id_number": ("身份证号", "ID number"),
    "birthday": ("生日", "Birthday"),
    "address": ("地址", "Address"),
    "anniversary": ("纪念日", "Anniversary"),
}
KINDS: dict[str, tuple[str, str]] = {
    "personal": ("个人会员", "Personal"),
    "unit": ("单位会员", "Company"),
    "group": ("团购会员", "Group"),
}
