"""`send_care_messages` (guide_store, alliance, apparel): birthdays on the day (Feb 29 → Feb 28
in common years; lunar birthdays), festivals from the lunar calendar, season changes, "we miss
you" after 90 days without a visit; greetings only, signed with the guide's name and store;
once per member and occasion; quiet hours hold them until morning."""

from __future__ import annotations

from datetime import date
from typing import Any

from lunardate import LunarDate

from huiyuan.domain.calendar import MonthDay
from huiyuan.domain.care import festivals_on, is_birthday, is_lunar_birthday, season_term_on
from tests.schemes.expiry_kit import buy, enroll, line

from .test_reminders import messages, run

GUIDE = "guide_store"


def care(api: Any, clock: Any, day: str, at: str = "09:30") -> dict[str, int]:
    return dict(run(api, clock, "send_care_messages", f"{day}T{at}:00+08:00")["queued"])


def test_calendar_rules():
    # Feb 29 birthdays fall on Feb 28 in common years, on Feb 29 in leap years.
    leap = MonthDay.parse("--02-29")
    assert is_birthday(leap, date(2027, 2, 28)) and not is_birthday(leap, date(2027, 3, 1))
    assert is_birthday(leap, date(2028, 2, 29)) and not is_birthday(leap, date(2028, 2, 28))
    # Lunar 3/12 is 2026-04-28; lunar 2/30 falls on 2/29 (2026-04-16: the 2nd month has 29 days).
    assert LunarDate(2026, 3, 12).to_solar_date() == date(2026, 4, 28)
    assert is_lunar_birthday(MonthDay(3, 12), date(2026, 4, 28))
    assert not is_lunar_birthday(MonthDay(3, 12), date(2026, 3, 12))
    assert is_lunar_birthday(MonthDay(2, 30), date(2026, 4, 16))
    assert is_birthday(MonthDay(2, 30), date(2026, 4, 16), lunar=True)
    # 2025 has a leap 6th month: a lunar 6/10 birthday is in the regular month only.
    regular = LunarDate(2025, 6, 10).to_solar_date()
    leap_month = LunarDate(2025, 6, 10, True).to_solar_date()
    assert is_lunar_birthday(MonthDay(6, 10), regular)
    assert not is_lunar_birthday(MonthDay(6, 10), leap_month)
    # 春节 2027-02-06, 端午 2026-06-19, 中秋 2026-09-25 (lunar 1/1, 5/5, 8/15); 国庆 Oct 1.
    codes = ("spring_festival", "dragon_boat", "mid_autumn", "national_day")
    assert festivals_on(date(2027, 2, 6), codes) == ["spring_festival"]
    assert festivals_on(date(2026, 6, 19), codes) == ["dragon_boat"]
    assert festivals_on(date(2026, 9, 25), codes) == ["mid_autumn"]
    assert festivals_on(date(2026, 10, 1), codes) == ["national_day"]
    assert festivals_on(date(2026, 9, 24), codes) == []
    # The four 立 solar terms of 2026.
    terms = {d: season_term_on(d) for d in (date(2026, 2, 4), date(2026, 5, 5), date(2026, 8, 7))}
    assert terms == {date(2026, 2, 4): "立春", date(2026, 5, 5): "立夏", date(2026, 8, 7): "立秋"}
    assert season_term_on(date(2026, 11, 7)) == "立冬"
    assert season_term_on(date(2026, 4, 5)) is None  # 清明 is not a season change


def guide_store(api: Any) -> dict[str, str]:
    r = api.post("/guides", {"guide_id": "G01", "name": "李娜", "store": "S01", "active": True})
    assert r.status_code in (200, 201), r.text
    joined = "2026-01-05T10:00:00+08:00"
    return {
        "wang": enroll(api, {"birthday": "1990-05-17", "guide_id": "G01", "store": "S01"}),
        "leap": enroll(
            api, {"name": "赵敏", "phone": "13900139000", "birthday": "1992-02-29", "store": "S02"}
        ),
        "lunar": enroll(
            api,
            {"name": "孙丽", "phone": "13700137000", "birthday": "--03-12", "joined_at": joined},
        ),
    }


def test_guide_store_birthdays_signed_by_the_guide(make_api, clock):
    api = make_api(GUIDE)
    m = guide_store(api)
    r = api.patch(f"/members/{m['lunar']}", {"attributes": {"lunar_birthday": True}})
    assert r.status_code == 200, r.text
    for mid in m.values():  # keep everyone visiting so "we miss you" stays out of the way
        buy(api, mid, f"B{mid}", "2026-04-20T10:00:00+08:00", [line(1, "10.00")])
    assert care(api, clock, "2026-05-16") == {}
    assert care(api, clock, "2026-05-17") == {"birthday": 1}
    [wish] = messages(api, "birthday")
    assert wish["member_id"] == m["wang"]
    assert wish["body"] == (
        "王芳，祝您生日快乐！愿您新的一岁身体健康、平安喜乐。—— 您的专属导购 李娜（S01）"
    )
    assert wish["due_at"] == "2026-05-17T09:30:00+08:00"
    # The same day again (another moment): not twice.
    assert care(api, clock, "2026-05-17", "15:00") == {}
    # The lunar birthday (3/12) is on 2026-04-28, not on Mar 12; no guide: signed by the store
    # … or, without a store either, by the program.
    assert care(api, clock, "2026-03-12") == {}
    assert care(api, clock, "2026-04-28") == {"birthday": 1}
    lunar = [x for x in messages(api, "birthday") if x["member_id"] == m["lunar"]]
    assert lunar[0]["body"].endswith("—— 导购会员")
    # Feb 29 in the common year 2027: on Feb 28, signed by the member's store.
    assert care(api, clock, "2027-02-28") == {"birthday": 1, "miss_you": 3}
    leap = [x for x in messages(api, "birthday") if x["member_id"] == m["leap"]]
    assert leap[0]["body"].endswith("—— 导购会员 S02 全体同事")


def test_guide_store_festivals_seasons_and_we_miss_you(make_api, clock):
    api = make_api(GUIDE)
    m = guide_store(api)
    for mid in m.values():
        buy(api, mid, f"B{mid}", "2026-06-01T10:00:00+08:00", [line(1, "10.00")])
    # 端午 2026-06-19 (lunar 5/5): every member, once.
    assert care(api, clock, "2026-06-19") == {"festival": 3}
    assert care(api, clock, "2026-06-19", "18:00") == {}
    fest = {x["member_id"]: x["body"] for x in messages(api, "festival")}
    assert fest[m["wang"]] == (
        "王芳，端午节到了，祝您和家人端午节快乐，安康顺遂！—— 您的专属导购 李娜（S01）"
    )
    # 立秋 2026-08-07: a season-change reminder, no sales talk.
    assert care(api, clock, "2026-08-07") == {"season": 3}
    season = {x["member_id"]: x["body"] for x in messages(api, "season")}
    assert (
        season[m["wang"]] == "王芳，今日立秋，早晚转凉，注意适时添衣。—— 您的专属导购 李娜（S01）"
    )
    # Last visit 2026-06-01: 89 days later (Aug 30) nothing; 90 days (Aug 30 + 1) "we miss you".
    assert care(api, clock, "2026-08-29") == {}
    assert care(api, clock, "2026-08-30") == {"miss_you": 3}
    # Once per absence: not again the next day …
    assert care(api, clock, "2026-08-31") == {}
    # … but again after the next visit and another 90 days away.
    buy(api, m["wang"], "B2", "2026-09-01T10:00:00+08:00", [line(1, "10.00")])
    assert care(api, clock, "2026-11-30") == {"miss_you": 1}
    # 中秋 2026-09-25 and 国庆 2026-10-01.
    assert care(api, clock, "2026-09-25") == {"festival": 3}
    assert care(api, clock, "2026-10-01") == {"festival": 3}
    # The English version for a member who chose it.
    body = {"locale": "en"}
    assert api.request("PUT", f"/members/{m['wang']}/notifications", json=body).status_code == 200
    assert care(api, clock, "2027-02-06") == {"festival": 3}  # 春节 (lunar 1/1)
    [en] = [x for x in messages(api, "festival") if "Spring" in x["body"]]
    assert en["body"] == (
        "Dear 王芳, happy Spring Festival to you and your family. May the new year bring you "
        "joy and good health. — 李娜, your guide at S01"
    )


def test_care_run_in_the_evening_waits_for_the_morning(make_api, clock):
    api = make_api(GUIDE)
    m = guide_store(api)
    # (Joined 2026-01-05 without a purchase since: "we miss you" is due too.)
    assert care(api, clock, "2026-05-17", "22:15") == {"birthday": 1, "miss_you": 3}
    [wish] = messages(api, "birthday")
    assert (wish["member_id"], wish["due_at"]) == (m["wang"], "2026-05-18T08:00:00+08:00")


def set_class(api: Any, member_id: str, code: str) -> None:
    with api.ctx.uow() as uow:
        stored = uow.programs.get(api.program)
        uow.members.update(stored.program_id, member_id, customer_class=code)
        uow.commit()


def test_alliance_care_follows_the_service_plan_classes(make_api, clock):
    api = make_api("alliance")
    ids = {}
    for cls, phone in (("A", "13800138001"), ("C", "13800138003"), ("D", "13800138004")):
        ids[cls] = enroll(
            api,
            {
                "phone": phone,
                "birthday": "1988-09-25",
                "id_number": "11010519491231002X",
                "qualifying_spend": "200.00",
                "merchant": "M01",
            },
        )
        set_class(api, ids[cls], cls)
    # 2026-09-25 is 中秋 and their birthday: holiday SMS for A, B, C; birthday greetings for A, B.
    assert care(api, clock, "2026-09-25") == {"festival": 2, "birthday": 1}
    got = sorted((x["member_id"], x["kind"]) for x in messages(api))
    assert got == sorted([(ids["A"], "festival"), (ids["C"], "festival"), (ids["A"], "birthday")])
    # No "we miss you" in this scheme, however long the absence.
    assert care(api, clock, "2027-06-01") == {}
    # A program without [care] has nothing to do.
    other = api.post("/jobs/send_care_messages", {"as_of": "2026-09-25T09:30:00+08:00"})
    assert other.status_code == 200
