"""Development only, before the first release: rewrite migration 0001 from the table
definitions. After a release, schema changes get a new Alembic revision instead."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from huiyuan.store.db import alembic_config, make_engine

VERSIONS = Path(__file__).resolve().parents[1] / "src/huiyuan/store/migrations/versions"


def main() -> None:
    target = VERSIONS / "0001_initial_schema.py"
    target.unlink(missing_ok=True)
    # Later hand-written revisions (triggers and the like) build on 0001: set them aside while
    # 0001 is generated, then put them back.
    later = [p for p in VERSIONS.glob("*.py") if p != target]
    with tempfile.TemporaryDirectory() as tmp:
        for path in later:
            path.rename(Path(tmp) / path.name)
        try:
            engine = make_engine(f"sqlite:///{tmp}/empty.db")
            cfg = alembic_config(engine)
            cfg.set_main_option("script_location", str(VERSIONS.parent))
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
        finally:
            for path in later:
                (Path(tmp) / path.name).rename(path)
    text = target.read_text()
    lines = [("Create Date: 2026-11-25" if ln.startswith("Create Date:") else ln) for ln in text.splitlines()]
    target.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
