"""Persistence: dossiers as versioned JSON documents and in an embedded SQLite store."""

from ketnap.storage.base import LayoutUpgrade, Query, Store, StoreProblem
from ketnap.storage.documents import (
    SCHEMA,
    SCHEMA_VERSION,
    DocumentFormat,
    Migration,
    checked_dumps,
    dumps,
    from_document,
    loads,
    redact,
    to_document,
    with_records,
)
from ketnap.storage.sqlite import SQLiteStore

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ketnap.storage.postgres import PostgresStore


def __getattr__(name: str) -> object:
    # PostgresStore needs psycopg (pip install 'ketnap[postgres]'): imported on first use.
    if name == "PostgresStore":
        from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "DocumentFormat",
    "LayoutUpgrade",
    "Migration",
    "PostgresStore",
    "Query",
    "SQLiteStore",
    "Store",
    "StoreProblem",
    "checked_dumps",
    "dumps",
    "from_document",
    "loads",
    "redact",
    "to_document",
    "with_records",
]
