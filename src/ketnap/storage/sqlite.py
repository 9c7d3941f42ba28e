"""
The embedded store: one SQLite file in WAL mode, from the standard library's `sqlite3`.

Each dossier is one row: its JSON document, the revision for optimistic concurrency, a
seal over the document, and a few columns derived from it for queries (stage, branch,
years, the next open deadline). The derived columns are only an index: what a load
returns always comes from the verified document.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> with SQLiteStore(":memory:", workflow=workflow) as store:
...     store.save(dossier)
...     [found.id for found in store.find(Query(stage=Stage.PROPOSED))]
['HS-001']
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Final, Self

import pendulum

from ketnap.deadlines import deadlines_for
from ketnap.errors import (
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    KetnapError,
    StaleDossier,
    StoreError,
)
from ketnap.model import Dossier
from ketnap.storage.base import Query, StoreProblem
from ketnap.storage.documents import DEFAULT_FORMAT, DocumentFormat
from ketnap.workflow import Workflow

__all__ = ["SQLiteStore"]

_log = logging.getLogger("ketnap.storage")

# The table layout; bumped (with a migration in _open) when the columns change.
_LAYOUT: Final = 1
_CHUNK: Final = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ketnap_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossiers (
    id           TEXT PRIMARY KEY,
    revision     INTEGER NOT NULL CHECK (revision > 0),
    stage        TEXT NOT NULL,
    organization TEXT NOT NULL,
    entered_on   TEXT NOT NULL,
    admitted_on  TEXT,
    next_due     TEXT,
    seal         TEXT NOT NULL,
    document     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dossiers_stage ON dossiers (stage);
CREATE INDEX IF NOT EXISTS dossiers_organization ON dossiers (organization, stage);
CREATE INDEX IF NOT EXISTS dossiers_admitted ON dossiers (admitted_on);
CREATE INDEX IF NOT EXISTS dossiers_entered ON dossiers (entered_on);
CREATE INDEX IF NOT EXISTS dossiers_due ON dossiers (next_due) WHERE next_due IS NOT NULL;
"""

_INSERT = (
    "INSERT INTO dossiers (id, revision, stage, organization, entered_on, admitted_on,"
    " next_due, seal, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE dossiers SET revision = ?, stage = ?, organization = ?, entered_on = ?,"
    " admitted_on = ?, next_due = ?, seal = ?, document = ? WHERE id = ? AND revision = ?"
)


class SQLiteStore:
    """
    Dossiers in one SQLite file (WAL mode), behind the `DossierStore` interface.

    Args:
        path: the database file (created if missing), or ``":memory:"``.
        workflow: gives the calendar and policies for the due-date index; the default
            workflow if None.
        seal_key: a secret kept outside the database. With it, each row is sealed with
            HMAC-SHA-256, so an edit of the file by someone without the key is detected
            even if they also rewrite the history chain. Without it the seal is a plain
            SHA-256 digest, which detects edits made without care to recompute it.
        document_format: the JSON schema and its migrations.
        durable: ``synchronous=FULL`` (each commit survives a power cut); False gives
            ``NORMAL``, which survives a crash of the process but not of the machine.
        timeout: seconds to wait for another writer's lock before `StoreError`.

    Raises:
        StoreError: *path* is not a SQLite database, or holds a newer layout.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        workflow: Workflow | None = None,
        seal_key: bytes | None = None,
        document_format: DocumentFormat = DEFAULT_FORMAT,
        durable: bool = True,
        timeout: float = 5.0,
    ) -> None:
        self._workflow = workflow if workflow is not None else Workflow()
        self._key = seal_key
        self._format = document_format
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=timeout)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {os.fspath(path)!r}: {exc}") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._db.executescript(_SCHEMA)
            self._check_layout()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"cannot open the store at {os.fspath(path)!r}: {exc}") from None
        except StoreError:
            self._db.close()
            raise

    # --- context management ----------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def save(self, dossier: Dossier) -> None:
        """
        Save one dossier and increment its ``revision``.

        Raises:
            StaleDossier: another writer saved first; nothing is written.
        """
        self.save_all((dossier,))

    def save_all(self, dossiers: Iterable[Dossier]) -> int:
        """
        Save many dossiers in one transaction: all of them, or none if anything fails.

        *dossiers* is consumed inside the transaction, in chunks, so a long batch does
        not have to be built in memory first. Revisions are incremented only after commit.

        Raises:
            StaleDossier: one of them was saved by another writer since it was loaded.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE")
            saved = self._write_all(iter(dossiers))
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        for dossier in saved:
            dossier.revision += 1
        _log.debug("saved %d dossiers", len(saved))
        return len(saved)

    def _write_all(self, dossiers: Iterator[Dossier]) -> list[Dossier]:
        saved: list[Dossier] = []
        seen: set[str] = set()
        while chunk := list(islice(dossiers, _CHUNK)):
            for dossier in chunk:
                if dossier.id in seen:
                    raise InvalidInput("dossiers", f"{dossier.id!r} is given twice")
                seen.add(dossier.id)
            if not self._write(chunk):
                self._db.execute("ROLLBACK")
                raise self._stale(chunk)
            saved.extend(chunk)
        return saved

    def _write(self, chunk: list[Dossier]) -> bool:
        """Write *chunk*; False if some revision check failed (the caller rolls back)."""
        inserts = [self._row(d) for d in chunk if d.revision == 0]
        updates = [(*self._row(d)[1:], d.id, d.revision) for d in chunk if d.revision > 0]
        if inserts:
            try:
                self._db.executemany(_INSERT, inserts)
            except sqlite3.IntegrityError:
                return False
        return not updates or self._db.executemany(_UPDATE, updates).rowcount == len(updates)

    def _stale(self, chunk: list[Dossier]) -> StaleDossier:
        # Called after the rollback, so the store shows what other writers committed.
        for dossier in chunk:
            found = self._revision(dossier.id)
            if found != (dossier.revision or None):
                return StaleDossier(dossier.id, expected=dossier.revision, found=found)
        # Unreachable unless another writer reverted in between; name the first.
        first = chunk[0]
        return StaleDossier(first.id, expected=first.revision, found=self._revision(first.id))

    def _row(self, dossier: Dossier) -> tuple[Any, ...]:
        document = self._format.dumps(dossier)
        admitted = dossier.admission_decision_date
        next_due = self._next_due(dossier)
        return (
            dossier.id,
            dossier.revision + 1,
            dossier.stage.value,
            dossier.organization.name,
            dossier.entered_pool_on.isoformat(),
            None if admitted is None else admitted.isoformat(),
            None if next_due is None else next_due.isoformat(),
            self._seal(document),
            document,
        )

    def _next_due(self, dossier: Dossier) -> pendulum.Date | None:
        if dossier.stage.is_final:
            return None
        # Deadlines only change with a new act, and a new act means a new save: their
        # state as of the last act is their state until the next one.
        last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
        try:
            deadlines = deadlines_for(dossier, on=last, workflow=self._workflow)
        except KetnapError:
            return None
        open_dues = [deadline.due for deadline in deadlines if deadline.is_open]
        return min(open_dues, default=None)

    def _seal(self, document: str) -> str:
        if self._key is None:
            return hashlib.sha256(document.encode()).hexdigest()
        return hmac.new(self._key, document.encode(), hashlib.sha256).hexdigest()

    # --- reading ---------------------------------------------------------------------------

    def load(self, dossier_id: str) -> Dossier:
        """
        Load one dossier, validated and verified.

        Raises:
            DossierNotFound: no such id.
            InvalidDocument: the stored document is invalid or was edited outside ketnap.
        """
        row = self._db.execute(
            "SELECT id, revision, stage, seal, document FROM dossiers WHERE id = ?",
            (dossier_id,),
        ).fetchone()
        if row is None:
            raise DossierNotFound(dossier_id)
        return self._rebuild(row)

    def _rebuild(self, row: tuple[Any, ...]) -> Dossier:
        dossier_id, revision, stage, seal, document = row
        try:
            dossier = self._format.loads(document)
            self._check_row(dossier, dossier_id, stage, seal, document)
        except InvalidDocument as exc:
            _log.warning("dossier %r failed verification at %s", dossier_id, exc.path)
            raise type(exc)(exc.path, f"{exc.reason} (stored dossier {dossier_id!r})") from None
        dossier.revision = revision
        return dossier

    def _check_row(
        self, dossier: Dossier, dossier_id: str, stage: str, seal: str, text: str
    ) -> None:
        if not hmac.compare_digest(seal, self._seal(text)):
            raise InvalidDocument("$", "the stored document does not match its seal (edited)")
        if dossier.id != dossier_id or dossier.stage.value != stage:
            raise InvalidDocument("$", "the row's index columns disagree with its document")

    def find(self, query: Query | None = None) -> Iterator[Dossier]:
        """Yield the dossiers matching *query* (all when None), in id order."""
        where, params = _where(query)
        cursor = self._db.execute(
            f"SELECT id, revision, stage, seal, document FROM dossiers{where} ORDER BY id",  # noqa: S608 - only placeholders are interpolated
            params,
        )
        while rows := cursor.fetchmany(_CHUNK):
            for row in rows:
                yield self._rebuild(row)

    def count(self, query: Query | None = None) -> int:
        """Return how many dossiers match *query*."""
        where, params = _where(query)
        row = self._db.execute(f"SELECT count(*) FROM dossiers{where}", params).fetchone()  # noqa: S608 - only placeholders are interpolated
        return int(row[0])

    def verify(self) -> list[StoreProblem]:
        """
        Check the file (``PRAGMA quick_check``) and load and verify every dossier.

        Returns:
            The dossiers that fail, each with its error; an empty list when all is well.

        Raises:
            StoreError: the database file itself is damaged.
        """
        status = self._db.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise StoreError(f"the database file is damaged: {status}")
        problems: list[StoreProblem] = []
        cursor = self._db.execute("SELECT id, revision, stage, seal, document FROM dossiers")
        while rows := cursor.fetchmany(_CHUNK):
            for row in rows:
                try:
                    self._rebuild(row)
                except InvalidDocument as exc:
                    problems.append(StoreProblem(row[0], exc))
        return problems

    # --- internals -------------------------------------------------------------------------

    def _revision(self, dossier_id: str) -> int | None:
        row = self._db.execute(
            "SELECT revision FROM dossiers WHERE id = ?", (dossier_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _check_layout(self) -> None:
        row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'layout'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT OR IGNORE INTO ketnap_meta (key, value) VALUES ('layout', ?)",
                (str(_LAYOUT),),
            )
        elif int(row[0]) > _LAYOUT:
            raise StoreError(f"the store has layout {row[0]}, newer than this ketnap's {_LAYOUT}")


def _year(column: str, year: int, clauses: list[str], params: list[object]) -> None:
    clauses.append(f"{column} >= ? AND {column} < ?")
    params.extend((f"{year:04d}-01-01", f"{year + 1:04d}-01-01"))


def _where(query: Query | None) -> tuple[str, list[object]]:
    if query is None:
        return "", []
    clauses: list[str] = []
    params: list[object] = []
    if query.stage is not None:
        stages = sorted(stage.value for stage in query.stage)
        clauses.append(f"stage IN ({', '.join('?' * len(stages))})")
        params.extend(stages)
    if query.organization is not None:
        clauses.append("organization = ?")
        params.append(query.organization)
    if query.admitted_in is not None:
        _year("admitted_on", query.admitted_in, clauses, params)
    if query.entered_in is not None:
        _year("entered_on", query.entered_in, clauses, params)
    if query.due_by is not None:
        clauses.append("next_due <= ?")
        params.append(query.due_by.isoformat())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
