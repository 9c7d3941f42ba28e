"""The benchmarks' stores: a SQLite file, or a PostgreSQL schema on a given or throwaway server."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import psycopg
from psycopg import sql

from ketnap.facts import FactsFunction
from ketnap.storage import SQLiteStore
from ketnap.storage.postgres import PostgresStore

ENV = "KETNAP_BENCH_POSTGRES_URL"


@contextlib.contextmanager
def postgres_url(given: str | None = None) -> Iterator[str]:
    """Yield *given*, or $KETNAP_BENCH_POSTGRES_URL, or a throwaway server's address."""
    url = given or os.environ.get(ENV)
    if url:
        yield url
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pg import server  # noqa: PLC0415 - the tests' throwaway server

    with server() as started:
        if started is None:
            raise SystemExit(f"no PostgreSQL server: install Debian's postgresql or set {ENV}")
        yield started


@attrs.frozen
class Stores:
    """How a benchmark opens its store and a plain connection to the same database."""

    kind: str
    open: Callable[..., Any]
    connect: Callable[[], Any]

    def settle(self) -> None:
        """
        After a fill, what autovacuum does within a minute or two of a large commit.

        On PostgreSQL: fresh statistics, and the visibility map that lets a query read an
        index alone (autovacuum vacuums a table after many inserts since version 13). On
        SQLite nothing: no background process refreshes anything there.
        """
        if self.kind != "postgresql":
            return
        with self.connect() as db:
            db.autocommit = True
            # The throwaway server commits without waiting for the WAL to be flushed;
            # until it is, VACUUM may not mark a page all-visible (it cannot set the
            # hint bits), and a committee's counts would read the heap after all. A
            # commit that waits flushes everything before it.
            with db.transaction():
                db.execute("SET LOCAL synchronous_commit = on")
                db.execute("SELECT pg_current_xact_id()")
            db.execute("VACUUM ANALYZE")


@contextlib.contextmanager
def stores(kind: str, url: str | None, facts: FactsFunction, name: str) -> Iterator[Stores]:
    """A fresh store of *kind* (a SQLite file, or a schema on a server), removed afterwards."""
    if kind == "postgresql":
        with postgres_url(url) as found:
            schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
            yield Stores(
                kind,
                lambda **options: PostgresStore(found, schema=schema, facts=facts, **options),
                lambda: psycopg.connect(found, options=f"-c search_path={schema}"),
            )
            with psycopg.connect(found, autocommit=True) as db:
                db.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, f"{name}.db")
        yield Stores(
            kind,
            lambda **options: SQLiteStore(path, facts=facts, **options),
            lambda: sqlite3.connect(path),
        )


def arguments(
    description: str,
    *,
    default_n: int,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """The options every store benchmark takes: --n, --store, --url; and *extra*'s."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--n", type=int, default=default_n, help=f"dossiers (default {default_n:,})"
    )
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="a PostgreSQL server (default: a throwaway one)")
    if extra is not None:
        extra(parser)
    return parser.parse_args()
