"""
The store both SQL databases share, composed of its parts.

`ketnap.storage.SQLiteStore` (one file) and `ketnap.storage.PostgresStore` (a server)
are this one store over two databases: the same rows, the same seals and the same
checks, so a dossier saved in one verifies in the other. What differs is a `Dialect` (a
few statements each database writes its own way) and how a connection is held.

Each concern has its module, and `SQLStore` joins them:

- `ketnap.storage._tables`: the tables (`schema_ddl`) and the row statements;
- `ketnap.storage._seals`: the seals and the journal's links, as pure functions;
- `ketnap.storage._core`: the connection, transactions, derived facts, the journal;
- `ketnap.storage._writing`: `save` and `save_all`, identities;
- `ketnap.storage._reading`: `load`, `find`, `ids`, `count`, `stages`;
- `ketnap.storage._verify`: `verify` and `anchor`;
- `ketnap.storage._figures`: `figures` and `admitted_profile`;
- `ketnap.storage._organizations`: the tree, quotas and courses.
"""

from __future__ import annotations

from ketnap.storage._core import Connection, Cursor, Dialect
from ketnap.storage._figures import SQLFigures
from ketnap.storage._organizations import SQLOrganizations
from ketnap.storage._tables import EVENTS_COVER, ORGANIZATION_COVER, SEALED_COLUMNS, schema_ddl
from ketnap.storage._verify import SQLVerifying
from ketnap.storage._writing import SQLWriting

__all__ = [
    "EVENTS_COVER",
    "ORGANIZATION_COVER",
    "SEALED_COLUMNS",
    "Connection",
    "Cursor",
    "Dialect",
    "SQLStore",
    "schema_ddl",
]


class SQLStore(SQLWriting, SQLVerifying, SQLFigures, SQLOrganizations):
    """
    The store over a SQL database; `SQLiteStore` and `PostgresStore` give the connection.

    Subclasses set ``_dialect``, ``_conflicts`` (the driver's unique-violation errors),
    and provide `_session` (a connection held for one operation, driver errors turned
    into `StoreError`), ``_db`` (that connection), `_check_database` and `_close`.
    """
