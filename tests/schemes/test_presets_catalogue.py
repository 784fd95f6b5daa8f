"""The preset catalogue: every scheme of SCHEMES.md ships as a preset that loads, and no Python
code under src/huiyuan singles a scheme out by its code (schemes are data, never branches).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import huiyuan
from huiyuan.presets.loader import load_preset, preset_codes

# The 17 preset codes of SCHEMES.md, in its order.
SCHEME_CODES = (
    "supermarket",
    "alliance",
    "counter",
    "store_basic",
    "online_shop",
    "liquor",
    "guide_store",
    "vip_points",
    "sales_points",
    "wushang",
    "bank_referral",
    "jewelry",
    "haoping",
    "fashion",
    "fashion_club",
    "apparel",
    "private_bank",
)

# SCHEMES.md "Category codes the presets use": `apparel` is both a category (fashion) and a
# preset code, so a literal "apparel" in a list of categories is a category, not a scheme.
CATEGORY_CODES = frozenset(
    {
        "food",
        "fresh",
        "daily",
        "tobacco",
        "alcohol",
        "appliance",
        "clothing",
        "wine",
        "spirits",
        "apparel",
        "leather",
        "mink",
        "diamond",
        "jade",
        "k_gold",
        "gold_inlaid_jade",
        "pure_gold",
        "fine_gold",
        "platinum",
        "palladium",
        "silver",
        "silver_one_price",
    }
)

SRC = Path(huiyuan.__file__).parent


def test_the_catalogue_lists_17_schemes():
    assert len(SCHEME_CODES) == len(set(SCHEME_CODES)) == 17


def test_every_scheme_ships_as_a_preset():
    missing = sorted(set(SCHEME_CODES) - set(preset_codes()))
    assert missing == []


@pytest.mark.parametrize("code", SCHEME_CODES)
def test_preset_loads_and_says_where_it_comes_from(code):
    program = load_preset(code)
    assert program.code == code
    assert program.timezone == "Asia/Shanghai"
    assert program.seed, "a preset names the seed section it follows"
    assert program.tiers[0].code == program.first_tier
    text = (SRC / "presets" / f"{code}.toml").read_text("utf-8")
    assert text.startswith("#"), "a preset opens with a header comment"
    assert "seed" in text.splitlines()[0].lower() or "seed" in text[:400].lower()


def _is_category_list(node: ast.Constant, parents: dict[ast.AST, ast.AST]) -> bool:
    """A literal among other category codes in a tuple, list, set or dict's keys."""
    if node.value not in CATEGORY_CODES:
        return False
    siblings = _siblings(node, parents.get(node))
    strings = [
        s.value for s in siblings if isinstance(s, ast.Constant) and isinstance(s.value, str)
    ]
    return len(strings) > 1 and all(s in CATEGORY_CODES for s in strings)


def _siblings(node: ast.Constant, parent: ast.AST | None) -> list[ast.expr | None]:
    """The elements of the tuple, list or set holding the literal, or the keys of the dict
    it is a key of; none otherwise."""
    if isinstance(parent, ast.Tuple | ast.List | ast.Set):
        return list(parent.elts)
    if isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
        return list(parent.keys)
    return []


def _scheme_literals(source: str) -> list[tuple[int, str]]:
    """(line, code) of every string literal naming a scheme, category lists aside."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in SCHEME_CODES
        and not _is_category_list(node, parents)
    )


def test_no_python_code_names_a_scheme():
    files = sorted(SRC.rglob("*.py"))
    assert files, "the package sources are found"
    offenders = [
        f"{path.relative_to(SRC.parent)}:{line}: {code!r}"
        for path in files
        for line, code in _scheme_literals(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_the_scan_catches_a_branch_on_a_scheme():
    """The scan itself: a branch on a code is caught, a list of categories is not."""
    source = (
        'FAMILY = ("apparel", "leather", "mink")\n'
        'if program.code == "liquor":\n    pass\n'
        'RULES = {"apparel": 1}\n'
    )
    # "liquor" in a comparison is a branch; an "apparel" key without sibling categories is
    # taken as naming the scheme.
    assert _scheme_literals(source) == [(2, "liquor"), (4, "apparel")]
