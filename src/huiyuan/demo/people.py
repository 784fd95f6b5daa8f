"""The people the demo enrolls: names, phones, ID documents and addresses that the engine's own
checks accept, built from a program's membership terms (kinds, required fields, ID types,
join conditions, staff rule)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.identity import normalize_mobile, normalize_resident_id
from ..domain.program import JoinKind, Program
from .catalogue import STORES, Shape, to_money

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
RARE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国峰志文博晨皓轩睿哲"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂英秀兰婷雪琳晶颖慧倩欣悦怡佳梦思雨萱涵琪瑶璐月洁蕾红梅"

# Places whose 行政区划代码 are valid for every birth year (others are tried with a fallback).
PLACES = (
    ("110101", "北京市东城区"),
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("310101", "上海市黄浦区"),
    ("310104", "上海市徐汇区"),
    ("120101", "天津市和平区"),
    ("420106", "湖北省武汉市武昌区"),
    ("440106", "广东省广州市天河区"),
    ("440304", "广东省深圳市福田区"),
    ("330106", "浙江省杭州市西湖区"),
    ("320102", "江苏省南京市玄武区"),
    ("510104", "四川省成都市锦江区"),
    ("430102", "湖南省长沙市芙蓉区"),
    ("610113", "陕西省西安市雁塔区"),
)
ROADS = (
    "中山路",
    "解放大道",
    "人民路",
    "建设路",
    "和平街",
    "长江路",
    "光明路",
    "友谊大街",
    "新华路",
    "文化路",
)
COMPANY_WORDS = ("鑫源", "华盛", "恒通", "瑞丰", "金诚", "宏达", "永信", "天和", "嘉禾", "博远")
COMPANY_KINDS = ("贸易有限公司", "科技有限公司", "餐饮管理有限公司", "建设工程有限公司", "商贸行")
MOBILE_PREFIXES = (
    tuple(f"13{d}" for d in range(10))
    + tuple(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9))
    + tuple(f"18{d}" for d in range(10))
)


class People:
    """Makes the members of one program, each draw from the program's seeded dice."""

    def __init__(
        self,
        program: Program,
        shape: Shape,
        rng: random.Random,
        now: datetime,
        problem: Callable[[str], None],
    ):
        self.program = program
        self.shape = shape
        self.rng = rng
        self.now = now
        self.problem = problem
        self.phones: set[str] = set()
        self.guides: dict[str, str] = {}  # guide id → store, once the guides are made

    def pick_kind(self) -> str:
        kinds = list(self.program.membership.kinds)
        roll = self.rng.random()
        if "unit" in kinds and roll < 0.08:
            return "unit"
        if "group" in kinds and 0.08 <= roll < 0.13:
            return "group"
        if "personal" in kinds:
            return "personal"
        return self.rng.choice(kinds)

    def chinese_name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.02 else rng.choice(SURNAMES)
        given = GIVEN_MALE if male else GIVEN_FEMALE
        return surname + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))

    def person(self, kind: str) -> dict[str, Any]:
        """A member's enrolment data; a unit joins with its name and phone only."""
        data = self.contact(kind)
        if kind == "unit":
            data["name"] = self.company_name()
            return data
        self.personal(data, kind)
        for f in dict.fromkeys(self.program.membership.required_fields):
            if not data.get(f):
                self.problem(f"the demo cannot fill required field {f!r}")
        return data

    def contact(self, kind: str) -> dict[str, Any]:
        """Kind, phone, store, merchant, and the guide who opened the membership (and owns it)."""
        rng = self.rng
        data: dict[str, Any] = {"kind": kind, "phone": self.phone(), "store": rng.choice(STORES)}
        if self.shape.merchants is not None:
            data["merchant"] = rng.choice(self.shape.merchants)
        if self.guides and rng.random() < 0.85:
            data["guide_id"] = rng.choice(sorted(self.guides))
            data["store"] = self.guides[data["guide_id"]]
        return data

    def company_name(self) -> str:
        place = self.rng.choice(PLACES)[1]
        city = place[3:5] if place[2] == "省" else place[:2]
        return city + self.rng.choice(COMPANY_WORDS) + self.rng.choice(COMPANY_KINDS)

    def personal(self, data: dict[str, Any], kind: str) -> None:
        """A person's name, birthday, group level and staff mark, then their papers."""
        rng = self.rng
        terms = self.program.membership
        male = rng.random() < 0.45
        data["name"] = self.chinese_name(male)
        min_age = max(18, terms.min_age or 0)
        born = (self.now - timedelta(days=rng.randint(min_age * 366 + 30, 72 * 365))).date()
        data["birthday"] = born.isoformat()
        if kind == "group":
            data["group_level"] = rng.choice(self.shape.group_levels)
        if terms.staff_may_join and rng.random() < 0.02:
            data["is_staff"] = True
        self.papers(data, born, male)

    def papers(self, data: dict[str, Any], born: date, male: bool) -> None:
        """ID, address and wedding anniversary where the terms ask for them (else by chance),
        and now and then a card password."""
        rng = self.rng
        required = set(self.program.membership.required_fields)
        place_code, place_name = rng.choice(PLACES)
        if "id_number" in required or rng.random() < 0.6:
            data["id_type"] = self.id_type()
            data["id_number"] = self.id_number(data["id_type"], born, male, place_code)
        if "address" in required or rng.random() < 0.4:
            data["address"] = self.address(place_name)
        if "anniversary" in required or rng.random() < 0.15:
            data["anniversary"] = self.wedding(born).isoformat()
        if rng.random() < 0.05:
            data["card_password"] = f"{rng.randint(0, 999999):06d}"

    def id_type(self) -> str:
        """Mostly the resident ID card, where the program takes it."""
        id_types = list(self.program.membership.id_types) or ["resident_id"]
        if "resident_id" in id_types and (len(id_types) == 1 or self.rng.random() < 0.9):
            return "resident_id"
        return self.rng.choice([t for t in id_types if t != "resident_id"] or id_types)

    def address(self, place: str) -> str:
        rng = self.rng
        return (
            f"{place}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2804)}室"
        )

    def wedding(self, born: date) -> date:
        wed = born + timedelta(days=self.rng.randint(22 * 365, 40 * 365))
        if wed >= self.now.date():
            wed = born + timedelta(days=22 * 365)
        return wed

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones and normalize_mobile(number) == number:
                self.phones.add(number)
                return number

    def id_number(self, id_type: str, born: date, male: bool, place: str) -> str:
        rng = self.rng
        if id_type == "resident_id":
            return self.resident_id(born, male, place)
        if id_type == "passport":
            return "E" + f"{rng.randrange(10**8):08d}"
        if id_type == "student":
            return f"{born.year + 18}{rng.randrange(10**8):08d}"
        if id_type == "military":
            return "军字第" + f"{rng.randrange(10**7):07d}" + "号"
        return "H" + f"{rng.randrange(10**8):08d}"

    def resident_id(self, born: date, male: bool, place: str) -> str:
        """A 身份证 number with a valid check digit, born in `place` or a place always valid."""
        from stdnum.cn import ric

        seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
        for code in (place, *[p for p, _ in PLACES[:6]]):  # the first six are always valid
            body = f"{code}{born:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if normalize_resident_id(number) == number:
                return number
        raise AssertionError("no valid 身份证 number")  # pragma: no cover

    def join(self, data: dict[str, Any]) -> Decimal | None:
        """Meets one of the program's join conditions; the amount the first receipt must reach."""
        options = list(self.program.membership.join_any)
        if not options or any(c.kind is JoinKind.ANY for c in options):
            return None
        cond = self.rng.choice(options)
        if cond.kind is JoinKind.FEE:
            data["fee_paid"] = str(cond.amount)
            return None
        if cond.kind in (JoinKind.RECEIPT_AT_LEAST, JoinKind.SAME_DAY_SPEND_AT_LEAST):
            spend = to_money(float(cond.amount) * self.rng.uniform(1.0, 1.8))
            data["qualifying_spend"] = str(spend)
            return spend
        # A join condition this demo does not know: offer both, and say so if refused.
        data["fee_paid"] = str(cond.amount)
        data["qualifying_spend"] = str(cond.amount)
        return cond.amount
