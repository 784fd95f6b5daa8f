"""Program files (TOML): every error is reported at once, each with its field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiyuan.domain.program import Program
from huiyuan.presets.loader import (
    ProgramFileInvalid,
    load_preset,
    load_program_file,
    parse_program_text,
    preset_codes,
)

GOOD = """
code = "shop"
name = "小店会员"
name_en = "Shop members"

[[tiers]]
code = "basic"
name = "普通"
name_en = "Basic"

[[tiers]]
code = "gold"
name = "金卡"
name_en = "Gold"

[benefits]
rules = [{ kind = "percent_off", rates = { gold = "0.05" } }]

[earning]
rules = [{ kind = "per_amount", per = "1.00" }]

[expiry]
kind = "clearing"
month = 1
day = 1
"""


def _errors(text: str) -> dict[str, str]:
    with pytest.raises(ProgramFileInvalid) as info:
        parse_program_text(text, "shop.toml")
    assert info.value.source == "shop.toml"
    return {e.path: e.message for e in info.value.errors}


def test_the_good_file_parses():
    program = parse_program_text(GOOD)
    assert isinstance(program, Program)
    assert program.code == "shop"
    assert program.first_tier == "basic"


def test_several_field_errors_are_reported_together_with_their_paths():
    text = (
        GOOD.replace('name_en = "Shop members"\n', "")  # a required field missing
        .replace('per = "1.00"', "per = 1.0")  # a float amount
        .replace('rates = { gold = "0.05" }', "rates = { gold = 0.05 }")  # a float rate
        .replace('code = "shop"', 'code = "shop"\ncolour = "red"')  # an unknown key
        .replace("day = 1\n", 'day = 1\nmonths = "twelve"\n')
    )
    errors = _errors(text)
    assert set(errors) == {
        "name_en",
        "colour",
        "earning.rules[0].per",
        "benefits.rules[0].rates.gold",
        "expiry.months",
    }, errors
    assert "required" in errors["name_en"].lower()
    assert "string" in errors["earning.rules[0].per"]  # says to write "1.00"
    assert "string" in errors["benefits.rules[0].rates.gold"]
    assert "not permitted" in errors["colour"]


def test_the_message_lists_every_error_on_its_own_line():
    text = GOOD.replace('per = "1.00"', "per = 1.0").replace('code = "shop"', 'code = "Shop!"')
    with pytest.raises(ProgramFileInvalid) as info:
        parse_program_text(text, "shop.toml")
    message = str(info.value)
    assert message.splitlines()[0] == "shop.toml: 2 error(s)"
    assert "  code: " in message
    assert "  earning.rules[0].per: " in message


def test_an_unknown_tier_is_an_error():
    errors = _errors(GOOD.replace("rates = { gold", "rates = { platinum"))
    assert len(errors) == 1
    (message,) = errors.values()
    assert "platinum" in message


def test_an_unknown_tier_names_where_it_is():
    errors = _errors(GOOD.replace("rates = { gold", "rates = { platinum"))
    assert "benefits.rules[0].rates" in errors


def test_an_unknown_tier_is_reported_beside_field_errors():
    text = (
        GOOD.replace('name_en = "Shop members"\n', "")
        .replace('per = "1.00"', "per = 1.0")
        .replace("rates = { gold", "rates = { platinum")
        .replace('code = "shop"', 'code = "shop"\ncolour = "red"')
    )
    errors = _errors(text)
    assert {"name_en", "colour", "earning.rules[0].per"} <= set(errors)
    assert any("platinum" in m for m in errors.values()), errors


@pytest.mark.parametrize(
    "text",
    [
        'code = "shop"\nname = ',  # no value
        "[tiers\n",  # unclosed table
        'code = "a"\ncode = "b"\n',  # a key twice
        "\x00",
    ],
)
def test_bad_toml_gives_one_clear_error(text):
    with pytest.raises(ProgramFileInvalid) as info:
        parse_program_text(text, "shop.toml")
    assert len(info.value.errors) == 1
    error = info.value.errors[0]
    assert error.path == ""
    assert error.message.startswith("not valid TOML")
    assert str(info.value).startswith("shop.toml: 1 error(s)")


def test_bad_toml_says_where():
    with pytest.raises(ProgramFileInvalid) as info:
        parse_program_text('code = "shop"\nname = \n', "shop.toml")
    assert "line 2" in info.value.errors[0].message


def test_a_missing_file_is_one_error(tmp_path: Path):
    with pytest.raises(ProgramFileInvalid) as info:
        load_program_file(tmp_path / "nope.toml")
    assert len(info.value.errors) == 1
    assert info.value.source.endswith("nope.toml")


def test_a_file_loads(tmp_path: Path):
    path = tmp_path / "shop.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_program_file(path).code == "shop"


def test_an_unknown_preset_is_an_error():
    with pytest.raises(ProgramFileInvalid) as info:
        load_preset("no_such_preset")
    assert "no_such_preset" in str(info.value)


def test_the_shipped_presets_include_the_supermarket():
    assert "supermarket" in preset_codes()


@pytest.mark.parametrize("code", preset_codes())
def test_every_preset_loads(code):
    program = load_preset(code)
    assert program.code == code  # the file name is the preset's code
    assert program.tiers
    assert program.timezone == "Asia/Shanghai"


def test_supermarket_preset_says_what_schemes_md_says():
    program = load_preset("supermarket")
    membership = program.membership
    assert set(membership.required_fields) == {"name", "phone", "id_number"}
    assert membership.staff_may_join is False
    assert membership.activation.value == "pending"
    assert membership.auto_activate_days == 7
    assert program.expiry.kind.value == "clearing"
    assert (program.expiry.month, program.expiry.day) == (1, 1)


def test_the_model_itself_names_where_an_unknown_tier_is():
    """Built in code, not read from a file: the same check, the same path."""
    from pydantic import ValidationError

    data = load_preset("supermarket").model_dump(mode="json")
    data["earning"]["exclusions"] = [
        {"tiers": ["nosuch"], "reason": {"zh": "不积分", "en": "no points"}}
    ]
    with pytest.raises(ValidationError) as info:
        Program.model_validate(data)
    (error,) = info.value.errors()
    assert error["loc"] == ("earning", "exclusions", 0, "tiers")
    assert "nosuch" in error["msg"]
