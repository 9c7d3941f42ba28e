"""
The server store: PostgreSQL through psycopg 3 and a connection pool.

The same tables, seals, save journal and checks as `SQLiteStore` (`ketnap.storage._sql`),
for a province or a national register where many offices write at once. Where SQLite
locks the file, PostgreSQL locks rows: a save waits only for a writer of the same
dossier (and, at the commit, for the journal's head); a report or a ``find`` loop reads
one committed state page by page, holding a pooled connection only for a page, and never
blocks a writer.

    store = PostgresStore("postgresql://ketnap@db.example/ketnap", facts=facts_for(workflow.law))

The layout is versioned as in SQLite: migrations run in order, and a database holding a
newer layout is refused before anything is changed.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, Final

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool, PoolTimeout

from ketnap.errors import StoreError
from ketnap.facts import FactsFunction
from ketnap.process import ADMISSION, Process
from ketnap.rules import RuleSet
from ketnap.storage._sql import (
    EVENTS_COVER,
    ORGANIZATION_COVER,
    Connection,
    Cursor,
    Dialect,
    SQLStore,
    schema_ddl,
)
from ketnap.storage.base import _GENESIS, LayoutUpgrade
from ketnap.storage.documents import DEFAULT_FORMAT, DocumentFormat

__all__ = ["PostgresStore"]

# The PostgreSQL layout, numbered on its own; bumped with an entry in _MIGRATIONS.
_LAYOUT: Final = 4
_MIGRATIONS: Final[dict[int, str]] = {
    # The events in branch order (a committee's report reads contiguous runs).
    1: "ALTER TABLE events DROP CONSTRAINT events_pkey;"
    " ALTER TABLE events ADD PRIMARY KEY (organization, dossier_id, seq)",
    # A committee's counts read from the indexes alone (see `EVENTS_COVER`).
    2: "ALTER TABLE events DROP CONSTRAINT events_pkey;"
    f" ALTER TABLE events ADD PRIMARY KEY (organization, dossier_id, seq) INCLUDE ({EVENTS_COVER});"
    " DROP INDEX dossiers_organization;"
    " CREATE INDEX dossiers_organization ON dossiers (organization, stage)"
    f" INCLUDE ({ORGANIZATION_COVER})",
    # A dossier's events get no seal of their own (SQLite's layout 5 says why); no table
    # changes, and an older ketnap refuses the schema.
    3: "",
}
"""``{n: script}`` bringing layout *n* to *n + 1*."""

_SCHEMA: Final = schema_ddl(
    without_rowid="", sequence="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", covering=True
)

POSTGRES: Final = Dialect(
    # A write looks rows up by their keys only. Within one large transaction the
    # planner's statistics still describe the tables as they were before it (empty, for
    # a first fill) and it would scan instead; no scan is ever the right plan here.
    begin_write="BEGIN; SET LOCAL enable_seqscan = off",
    # One committed state for every count of a report, and no lock taken.
    begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    # Writers queue on the journal's head at the commit; everything before runs at once.
    journal_head="SELECT value FROM ketnap_meta WHERE key = 'journal' FOR UPDATE",
    due_index="",
    # Each dossier's last act, in the events' key order read backwards: no sort.
    last_acts="SELECT target, count(*) FROM (SELECT DISTINCT ON (organization, dossier_id)"
    " target FROM events WHERE target IS NOT NULL AND day <= ?{scope}"
    " ORDER BY organization DESC, dossier_id DESC, seq DESC) AS last GROUP BY target",
    # The candidate taken out of each admitted document once (MATERIALIZED: a plain
    # subquery is inlined, and the document cast to jsonb again for every fact).
    profile="""
WITH admitted AS MATERIALIZED (
    SELECT e.day AS day, (d.document::jsonb)->'dossier'->'candidate' AS c
    FROM events e JOIN dossiers d ON d.id = e.dossier_id
    WHERE e.kind IN ({marks}) AND e.day BETWEEN ? AND ?{scope})
SELECT {facts}, c->>'birth_date', day, count(*) FROM admitted
GROUP BY {groups}
""",
    # As jsonb, which the driver returns as Python values (true, "female", null).
    candidate_fact="c->'{name}'",
)

_PLAIN_INSERT = re.compile(r"INSERT INTO (\w+) \(([\w, ]+)\) VALUES \([?, ]+\)")

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    """A psycopg connection as the store speaks to it."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    @property
    def in_transaction(self) -> bool:
        return bool(self._connection.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        cursor = self._connection.cursor()
        cursor.execute(_placeholders(sql), params)
        return cursor  # type: ignore[return-value]  # psycopg's cursor has what we read

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Cursor:
        cursor = self._connection.cursor()
        cursor.executemany(_placeholders(sql), list(rows))
        return cursor  # type: ignore[return-value]

    def execute_binary(self, sql: str, params: Sequence[Any]) -> Cursor:
        """`execute`, its parameters sent in binary (arrays of text need no quoting)."""
        cursor = self._connection.cursor()
        cursor.execute(sql.replace("%", "%%").replace("?", "%b"), params)
        return cursor  # type: ignore[return-value]

    def copy(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> int:
        """
        Send *rows* with COPY: one stream, where an INSERT per row is a round trip each.

        *rows* may be an iterator: the server stores what was sent while the next rows
        are made. Returns the number of rows sent.
        """
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.Identifier(c.strip()) for c in columns.split(",")),
        )
        count = 0
        try:
            with self._connection.cursor() as cursor, cursor.copy(statement) as copy:
                try:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                except Exception as exc:  # noqa: BLE001 - raised again below
                    # psycopg ends a failed COPY with the exception's text, which the
                    # server writes to its log: send a bare marker instead.
                    raise _RowsFailed(exc) from None
        except _RowsFailed as failed:
            raise failed.cause from None
        return count


class _RowsFailed(Exception):
    """The rows of a COPY could not be made; *cause* is raised once the COPY is ended."""

    def __init__(self, cause: Exception) -> None:
        super().__init__("rows not made")
        self.cause = cause


class PostgresStore(SQLStore):
    """
    Dossiers in a PostgreSQL database, behind the `Store` interface.

    Args:
        url: the server, as ``postgresql://user@host:port/database`` (a password is
            better given by the environment, ``PGPASSWORD``, or ``~/.pgpass``; written in
            the address, its ``/ @ # ? %`` must be percent-encoded). No message quotes it.
        schema: the PostgreSQL schema holding the tables (created when missing), so that
            several stores can share a database.
        pool_size: at most this many connections at once (at least 1 kept open).
        process, facts, regulations, seal_key, document_format: as for `SQLiteStore`.
        create: create the tables when the schema holds none; with False only an
            existing store is opened.
        timeout: seconds to wait for the server's first answer, and for a pooled
            connection, before `StoreError`.

    One object may be shared by threads: each operation takes a pooled connection for
    its own time. Processes each open their own object.

    Raises:
        StoreError: the server cannot be reached (the reason named: refused, unknown
            host, wrong password, unknown user or database, no answer in time, a
            malformed address), the schema holds a newer layout, tables that are not a
            ketnap store, or a store whose seals or save journal were dropped.
    """

    _dialect: ClassVar[Dialect] = POSTGRES
    _conflicts: ClassVar[tuple[type[Exception], ...]] = (psycopg.errors.UniqueViolation,)

    def __init__(
        self,
        url: str,
        *,
        schema: str = "ketnap",
        pool_size: int = 4,
        process: Process = ADMISSION,
        facts: FactsFunction | None = None,
        regulations: Iterable[RuleSet] | None = None,
        seal_key: bytes | None = None,
        document_format: DocumentFormat = DEFAULT_FORMAT,
        create: bool = True,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(
            process=process,
            facts=facts,
            regulations=regulations,
            seal_key=seal_key,
            document_format=document_format,
        )
        if not isinstance(schema, str) or not _SCHEMA_NAME.fullmatch(schema):
            # Not quoted: a schema cut from a mistyped address may hold part of a password.
            raise StoreError(
                "the schema given is not a schema name ketnap uses (a-z, 0-9 and _, at most"
                " 63 characters, not starting with a digit)"
            )
        if pool_size < 1:
            raise StoreError("pool_size must be at least 1")
        self._schema = schema
        self._timeout = timeout
        self._local = threading.local()
        _probe(url, timeout)
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                kwargs={"autocommit": True, "options": f"-c search_path={schema}"},
                timeout=timeout,
                open=False,
            )
            self._pool.open(wait=True, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - the driver's and the pool's, as one error
            raise StoreError(
                f"cannot reach the store's server: {_connection_reason(exc, timeout)}"
            ) from None
        try:
            with self._session():
                self._open(create=create)
        except StoreError:
            self._pool.close()
            raise

    @property
    def _db(self) -> Connection:
        connection: Connection | None = getattr(self._local, "db", None)
        if connection is None:
            raise StoreError("no connection held: a store method was called from outside it")
        return connection

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        if getattr(self._local, "db", None) is not None:
            yield  # nested in an operation that already holds a connection
            return
        try:
            with self._pool.connection(timeout=self._timeout) as connection:
                self._local.db = _Connection(connection)
                try:
                    yield
                finally:
                    self._local.db = None
        except PoolTimeout:
            raise StoreError("no connection to the store's server within the timeout") from None
        except psycopg.Error as exc:
            raise _store_error(exc) from None

    def _open(self, *, create: bool) -> None:
        found = self._db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
            (self._schema,),
        ).fetchall()
        tables = {row[0] for row in found}
        layout = None
        if "ketnap_meta" in tables:
            row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'layout'").fetchone()
            layout = None if row is None else row[0]
        if layout is None:
            if tables:
                raise StoreError(f"the schema {self._schema!r} holds tables of another program")
            if not create:
                raise StoreError(f"no ketnap store in the schema {self._schema!r}")
        elif not layout.isdigit():
            raise StoreError("the store's layout is unreadable")
        elif int(layout) > _LAYOUT:
            raise StoreError(f"the store has layout {layout}, newer than this ketnap's {_LAYOUT}")
        else:
            # Every PostgreSQL layout has its seals and journal: one without them was
            # edited outside ketnap, and no migration here seals anything.
            self._refuse_unsealed(
                self._db.execute(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = ?",
                    (self._schema,),
                ).fetchall()
            )
        if layout is None:
            self._create()
        elif int(layout) < _LAYOUT:
            self._migrate()
            self.upgrade = LayoutUpgrade(before=int(layout), after=_LAYOUT)

    def _create(self) -> None:
        with self._transaction():
            # Two processes opening an empty schema at once: one creates, the other waits.
            self._db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (self._schema,))
            self._db.execute(f"CREATE SCHEMA IF NOT EXISTS {self._schema}")
            exists = self._db.execute(
                "SELECT 1 FROM information_schema.tables"
                " WHERE table_schema = ? AND table_name = 'ketnap_meta'",
                (self._schema,),
            ).fetchone()
            if exists:
                return
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute("INSERT INTO ketnap_meta VALUES ('layout', ?)", (str(_LAYOUT),))
            self._db.execute("INSERT INTO ketnap_meta VALUES ('journal', ?)", (_GENESIS,))

    def _migrate(self) -> None:
        with self._transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (self._schema,))
            (layout,) = self._db.execute(
                "SELECT value FROM ketnap_meta WHERE key = 'layout'"
            ).fetchone()
            for step in range(int(layout), _LAYOUT):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(
                "UPDATE ketnap_meta SET value = ? WHERE key = 'layout'", (str(_LAYOUT),)
            )

    def _claim(self, rows: list[tuple[str, str, str]]) -> int:
        # One statement over arrays, where executemany runs one per claim; DO NOTHING
        # also skips a second claim on one value within the statement. The arrays go in
        # binary: the same texts, without quoting each one into an array literal.
        kinds, values, holders = (list(column) for column in zip(*rows, strict=True))
        connection = self._db
        assert isinstance(connection, _Connection)  # noqa: S101 - held by _session
        return int(
            connection.execute_binary(
                "INSERT INTO identities (kind, value, dossier_id)"
                " SELECT * FROM unnest(?::text[], ?::text[], ?::text[])"
                " ON CONFLICT (kind, value) DO NOTHING",
                (kinds, values, holders),
            ).rowcount
        )

    def _insert_many(self, statement: str, rows: Iterable[Sequence[Any]]) -> int:
        # A plain insert goes as COPY; one that resolves conflicts row by row does not.
        found = _PLAIN_INSERT.fullmatch(statement)
        if isinstance(rows, Sequence) and not rows:
            return 0  # nothing to send: no empty COPY
        if found is None:
            return super()._insert_many(statement, rows)
        connection = self._db
        assert isinstance(connection, _Connection)  # noqa: S101 - held by _session
        return connection.copy(found.group(1), found.group(2), rows)

    def _close(self) -> None:
        self._pool.close()


def _probe(url: str, timeout: float) -> None:
    """
    Open and close one connection, to name why the server cannot be reached.

    The pool would retry in the background and, after the whole timeout, say only that
    it is incomplete; a direct connection fails at once with the server's reason.
    """
    try:
        # libpq counts whole seconds and takes 2 as its least.
        connection = psycopg.connect(url, connect_timeout=max(2, math.ceil(timeout)))
    except Exception as exc:  # noqa: BLE001 - the driver's, of any kind, as one error
        raise StoreError(
            f"cannot reach the store's server: {_connection_reason(exc, timeout)}"
        ) from None
    connection.close()


_MALFORMED: Final = (
    "the address is malformed (a '/', '@', '#', '?' or '%' in its password must be"
    " percent-encoded; better, give the password in PGPASSWORD or ~/.pgpass)"
)
_UNKNOWN_HOST: Final = f"the host is unknown, or {_MALFORMED}"
_AUTH_REFUSED: Final = "the server refused the password (a wrong password for this user)"
_AUTH_MISSING: Final = (
    "the server asks for a password and none was given (PGPASSWORD, ~/.pgpass, or the address)"
)
_DATABASE: Final = "the database named in the address does not exist on the server"
_ROLE: Final = "the user named in the address does not exist on the server"
_HBA: Final = (
    "the server does not accept this user and database from this machine (no pg_hba.conf entry)"
)
_FULL: Final = "the server has no connection free (too many clients)"
_NOT_READY: Final = "the server is starting up, shutting down or recovering; try again"
_REFUSED: Final = "the server refused the connection: nothing listens at that host and port"
_SILENT: Final = "no answer from the server within {timeout}"
_UNREACHABLE: Final = "the host cannot be reached over the network"
_CLOSED: Final = "the server closed the connection"
_TLS: Final = "the TLS (SSL) negotiation with the server failed"
# What the driver says (lower case), or its SQLSTATE, and what it means; first match wins.
# The driver's own words are never shown: libpq quotes the address, password included,
# when it cannot parse it, and names as a host whatever a stray '@' leaves before it.
_CONNECTION_REASONS: Final = (
    ("28p01", _AUTH_REFUSED),
    ("password authentication failed", _AUTH_REFUSED),
    ("no password supplied", _AUTH_MISSING),
    ("3d000", _DATABASE),
    ('database "', _DATABASE),
    ('role "', _ROLE),
    ("no pg_hba.conf entry", _HBA),
    ("53300", _FULL),
    ("too many", _FULL),
    ("57p03", _NOT_READY),
    ("the database system is", _NOT_READY),
    ("connection refused", _REFUSED),
    ("timeout expired", _SILENT),
    ("timed out", _SILENT),
    ("network is unreachable", _UNREACHABLE),
    ("no route to host", _UNREACHABLE),
    ("resolve host", _UNKNOWN_HOST),
    ("translate host name", _UNKNOWN_HOST),
    ("ssl negotiation", _TLS),
    ("ssl error", _TLS),
    ("ssl syscall", _TLS),
    ("certificate", _TLS),
    ("invalid", _MALFORMED),
    ('missing "="', _MALFORMED),
    ("end of string", _MALFORMED),
    ("server closed the connection", _CLOSED),
    ("terminating connection", _CLOSED),
)


def _connection_reason(exc: BaseException, timeout: float | None = None) -> str:
    """Why a connection failed, in ketnap's words: never the driver's, which may quote it."""
    if isinstance(exc, PoolTimeout):
        return f"no connection within {timeout:g} s" if timeout else "no connection in time"
    state = (getattr(exc, "sqlstate", None) or "").lower()
    text = f"{state} {exc}".lower()
    for clue, reason in _CONNECTION_REASONS:
        if clue in (state if clue[:1].isdigit() else text):
            return reason.format(timeout=f"{timeout:g} s" if timeout else "the timeout")
    if isinstance(exc, psycopg.ProgrammingError | ValueError | TypeError | UnicodeError):
        return _MALFORMED
    # Nothing recognised: the kind of error only, since the words may quote the address.
    return f"the connection failed ({type(exc).__name__})"


def _reason(exc: BaseException) -> str:
    # The server's first line, for an error in a statement (a connection's own errors
    # go through _connection_reason, which never quotes the driver).
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _store_error(exc: BaseException) -> StoreError:
    name = type(exc).__name__
    if name in {"SerializationFailure", "DeadlockDetected", "LockNotAvailable"}:
        return StoreError("the store is busy with another writer; try again")
    if name in {"DiskFull", "OutOfMemory"}:
        return StoreError(f"the store cannot grow: {_reason(exc)}")
    if name in {"OperationalError", "InterfaceError"}:
        return StoreError(f"the store's server failed or went away: {_connection_reason(exc)}")
    return StoreError(f"the store failed: {_reason(exc)}")
