"""A PostgreSQL server for the benchmarks: the one given, or a throwaway one (tests/pg.py)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

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
