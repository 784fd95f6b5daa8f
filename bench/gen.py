"""Receipt files for the import bench: CSV (a row per line item) and JSON lines, 5 lines each,
with the categories, flags, member prices and weights the supermarket and jewelry presets price
and earn on."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .common import member_id

CST = timezone(timedelta(hours=8))
START = datetime(2026, 1, 2, 9, 0, tzinfo=CST)
SPAN = timedelta(days=290)  # to Oct 19: before the jewelry clearing (Nov 1) and "now"
LINES = 5

# (category, weight, price range in yuan, sold by weight)
SUPERMARKET = [
    ("grocery", 30, (2, 60), False),
    ("produce", 15, (3, 40), True),
    ("dairy", 10, (4, 30), False),
    ("snacks", 12, (2, 25), False),
    ("beverage", 10, (2, 20), False),
    ("household", 8, (5, 80), False),
    ("personal_care", 6, (8, 120), False),
    ("tobacco", 3, (15, 100), False),
    ("alcohol", 3, (20, 500), False),
    ("appliance", 1, (100, 3000), False),
    ("clothing", 2, (40, 400), False),
]
JEWELRY = [
    ("pure_gold", 25, (400, 600)),  # price per gram
    ("fine_gold", 10, (450, 650)),
    ("platinum", 8, (250, 400)),
    ("palladium", 4, (200, 350)),
    ("silver", 10, (5, 12)),
    ("diamond", 12, (3000, 30000)),
    ("jade", 8, (800, 20000)),
    ("k_gold", 8, (500, 5000)),
    ("gold_inlaid_jade", 5, (1000, 8000)),
    ("silver_one_price", 10, (100, 900)),
]
BY_WEIGHT = {"pure_gold", "fine_gold", "platinum", "palladium", "silver"}


def _money(x: float) -> str:
    return f"{x:.2f}"


def _supermarket_lines(rng: random.Random) -> list[dict[str, Any]]:
    cats = [c for c in SUPERMARKET]
    weights = [c[1] for c in SUPERMARKET]
    out = []
    for n, (cat, _, (lo, hi), by_weight) in enumerate(rng.choices(cats, weights, k=LINES), 1):
        price = round(rng.uniform(lo, hi), 1)
        line: dict[str, Any] = {
            "line_no": n,
            "sku": f"{cat[:3].upper()}{rng.randrange(1, 5000):05d}",
            "category": cat,
            "qty": f"{rng.uniform(0.2, 2.5):.3f}"
            if by_weight
            else str(rng.choice((1, 1, 1, 2, 3))),
            "list_price": _money(price),
        }
        roll = rng.random()
        if roll < 0.2:
            line["member_price"] = _money(round(price * 0.9, 1))
        elif roll < 0.25:
            line["flags"] = ["promotion"]
        elif roll < 0.28:
            line["flags"] = ["special_price"]
            line["price"] = _money(round(price * 0.8, 1))
        out.append(line)
    return out


def _jewelry_lines(rng: random.Random) -> list[dict[str, Any]]:
    cats = [c for c in JEWELRY]
    weights = [c[1] for c in JEWELRY]
    out = []
    for n, (cat, _, (lo, hi)) in enumerate(rng.choices(cats, weights, k=LINES), 1):
        line: dict[str, Any] = {"line_no": n, "sku": f"J{cat[:2].upper()}{rng.randrange(1, 900)}"}
        line["category"] = cat
        line["qty"] = "1"
        if cat in BY_WEIGHT:
            grams = round(rng.uniform(1.5, 30.0), 2)
            line["weight_grams"] = f"{grams:.3f}"
            line["list_price"] = _money(grams * round(rng.uniform(lo, hi)))
        else:
            line["list_price"] = _money(round(rng.uniform(lo, hi)))
        roll = rng.random()
        if roll < 0.08:
            line["flags"] = ["bonus_1_5"]
        elif roll < 0.13:
            line["flags"] = ["special_price"]
        out.append(line)
    return out


def receipts(preset: str, n: int, members: int, seed: int = 9) -> Iterator[dict[str, Any]]:
    """n receipts in time order over most of 2026, each of a random member among `members`."""
    rng = random.Random(f"{preset}:{seed}")
    lines = _supermarket_lines if preset == "supermarket" else _jewelry_lines
    step = SPAN / max(n, 1)
    prefix = preset[:2].upper()
    for i in range(n):
        yield {
            "receipt_no": f"{prefix}{i:010d}",
            "member_id": member_id(rng.randrange(members)),
            "occurred_at": (START + step * i).replace(microsecond=0).isoformat(),
            "store": f"S{rng.randrange(50):02d}",
            "card_presented": preset != "supermarket" or rng.random() > 0.05,
            "lines": lines(rng),
        }


CSV_FIELDS = [
    "receipt_no",
    "member_id",
    "occurred_at",
    "store",
    "card_presented",
    "line_no",
    "sku",
    "category",
    "qty",
    "list_price",
    "price",
    "member_price",
    "flags",
    "weight_grams",
]


def write(path: Path, preset: str, n: int, members: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(CSV_FIELDS)
            for r in receipts(preset, n, members):
                head = [r["receipt_no"], r["member_id"], r["occurred_at"], r["store"]]
                head.append("true" if r["card_presented"] else "false")
                for li in r["lines"]:
                    w.writerow(
                        [
                            *head,
                            li["line_no"],
                            li["sku"],
                            li["category"],
                            li["qty"],
                            li["list_price"],
                            li.get("price", ""),
                            li.get("member_price", ""),
                            ";".join(li.get("flags", [])),
                            li.get("weight_grams", ""),
                        ]
                    )
    else:
        with path.open("w", encoding="utf-8") as fh:
            for r in receipts(preset, n, members):
                fh.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path
