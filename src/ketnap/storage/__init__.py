"""Persistence: dossiers as versioned JSON documents and in an embedded SQLite store."""

from ketnap.storage.base import DossierStore, Query, StoreProblem
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

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "DocumentFormat",
    "DossierStore",
    "Migration",
    "Query",
    "SQLiteStore",
    "StoreProblem",
    "checked_dumps",
    "dumps",
    "from_document",
    "loads",
    "redact",
    "to_document",
    "with_records",
]
