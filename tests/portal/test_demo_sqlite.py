"""`make demo` runs on a SQLite file: its migrations and its seed, which write through the
same actions as the platform API (set-based writes included), must work there too."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_migrates_and_seeds_on_sqlite_and_a_second_seed_changes_nothing(tmp_path):
    database = tmp_path / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{database}")
    env.pop("CACHE_URL", None)

    def manage(*args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    def counts() -> tuple[int, int, int]:
        with sqlite3.connect(database) as db:
            return (
                db.execute("SELECT count(*) FROM messages_app_message").fetchone()[0],
                db.execute("SELECT count(*) FROM messages_app_messageevent").fetchone()[0],
                db.execute("SELECT count(*) FROM calllog_call").fetchone()[0],
            )

    manage("migrate", "--noinput")
    manage("seed_demo")
    first = counts()
    assert all(count > 0 for count in first), first
    manage("seed_demo")
    assert counts() == first
