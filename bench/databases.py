"""The seeded sites `make bench` measures: one per size and database, seeded once
and copied fresh for every run.

A seed is only ever found complete: SQLite seeds into `<size>.seeding.sqlite`
and PostgreSQL into `dw_bench_<size>_seeding`, each renamed to its final name
as the last step, so an interrupted seed (100k posts / 1M comments takes
minutes) is dropped and redone by the next run rather than measured.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = {"1k": (1_000, 10_000), "100k": (100_000, 1_000_000)}
DATABASES = ("sqlite", "postgresql")


def flask(env: dict, *args: str, show: bool = False) -> None:
    """A flask command with `env` over os.environ; its output only if `show` or
    if it fails."""
    env = {**os.environ, **env}
    shown = {"stdout": sys.stderr} if show else {"capture_output": True}
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                          text=True, **shown)
    if done.returncode:  # alembic's INFO lines only when they explain a failure
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr}")


def seed(uri: str, size: str) -> None:
    posts, comments = SIZES[size]
    print(f"seeding {size} ({uri}): {posts} posts, {comments} comments ...", file=sys.stderr,
          flush=True)
    env = {"FLASK_SQLALCHEMY_DATABASE_URI": uri}
    flask(env, "init-db")
    flask(env, "seed-bench", "--posts", str(posts), "--comments", str(comments), show=True)


class SQLite:
    name = "sqlite"

    def __init__(self, directory: Path):
        self.directory = directory

    def base(self, size: str) -> Path:
        """The size's seeded database, made once."""
        base = self.directory / f"{size}.sqlite"
        if not base.exists():
            work = self.directory / f"{size}.seeding.sqlite"
            for stale in self.directory.glob(f"{size}.seeding.sqlite*"):
                stale.unlink()
            seed(f"sqlite:///{work}", size)
            with sqlite3.connect(work) as connection:  # one file: fold the WAL in
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            work.rename(base)
            for stale in self.directory.glob(f"{size}.seeding.sqlite*"):
                stale.unlink()  # the -shm and -wal left by the checkpoint
        return base

    def fresh_copy(self, size: str) -> str:
        base = self.base(size)
        copy = self.directory / f"{size}.run.sqlite"
        self.drop_copy(size)
        shutil.copyfile(base, copy)
        return f"sqlite:///{copy}"

    def drop_copy(self, size: str) -> None:
        for old in self.directory.glob(f"{size}.run.sqlite*"):
            old.unlink()


class PostgreSQL:
    """The local server (as CI's); databases dw_bench_<size> and their run copies."""

    name = "postgresql"

    def __init__(self, server: str):
        self.server = server.rstrip("/")

    def _admin(self, *statements: str) -> list:
        import psycopg

        # CREATE/DROP DATABASE cannot run in a transaction.
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            results = [connection.execute(statement) for statement in statements]
            return [r.fetchall() if r.description else None for r in results]

    def _exists(self, name: str) -> bool:
        # Names are built here from SIZES, never from input.
        rows = self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
        return bool(rows[0])

    def check(self) -> None:
        try:
            self._admin("SELECT 1")
        except Exception as error:  # noqa: BLE001 - any reason: say where and how to skip
            raise SystemExit(f"PostgreSQL is not reachable at {self.server} ({error}); "
                             "start it, set --postgres, or run with --databases sqlite") from None

    def base(self, size: str) -> str:
        name, work = f"dw_bench_{size}", f"dw_bench_{size}_seeding"
        if not self._exists(name):
            self._admin(f"DROP DATABASE IF EXISTS {work} WITH (FORCE)", f"CREATE DATABASE {work}")
            seed(f"{self.server}/{work}", size)
            import psycopg

            with psycopg.connect(f"{self.server}/{work}", autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")  # as autovacuum would, before anyone reads
            self._admin(f"ALTER DATABASE {work} RENAME TO {name}")
        return name

    def fresh_copy(self, size: str) -> str:
        base = self.base(size)
        self.drop_copy(size)
        self._admin(f"CREATE DATABASE {base}_run TEMPLATE {base}")
        return f"{self.server}/{base}_run"

    def drop_copy(self, size: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS dw_bench_{size}_run WITH (FORCE)")


def backends(names: list[str], directory: Path, postgres: str) -> list:
    made = []
    for name in names:
        if name == "sqlite":
            made.append(SQLite(directory))
        elif name == "postgresql":
            made.append(PostgreSQL(postgres))
            made[-1].check()
        else:
            raise SystemExit(f"unknown database {name!r}: choose from {', '.join(DATABASES)}")
    return made
