"""
The embedded store: one SQLite file in WAL mode, from the standard library's `sqlite3`.

Each dossier is one row: its JSON document, the revision for optimistic concurrency, a
seal over the document, and a few columns derived from it for queries (stage, branch,
years, the next open deadline). The derived columns are only an index: what a load
returns always comes from the verified document.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.reports import facts_for
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> with SQLiteStore(":memory:", facts=facts_for(workflow)) as store:
...     store.save(dossier)
...     [found.id for found in store.find(Query(stage=Stage.PROPOSED))]
['HS-001']
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Final, Self

import pendulum

from ketnap.errors import (
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    KetnapError,
    StaleDossier,
    StoreError,
)
from ketnap.facts import CERTIFICATE_EVENT, FactsFunction, Figures, plain_facts
from ketnap.model import Dossier
from ketnap.organizations import Course, OrganizationTree, Quotas
from ketnap.process import ADMISSION, Process
from ketnap.storage.base import Query, StoreProblem
from ketnap.storage.documents import DEFAULT_FORMAT, DocumentFormat

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
    female       INTEGER NOT NULL,
    ethnic_minority INTEGER NOT NULL,
    religious    INTEGER NOT NULL,
    youth        INTEGER NOT NULL,
    readmission  INTEGER NOT NULL,
    expected_decision_on TEXT,
    window_closes_on TEXT,
    seal         TEXT NOT NULL,
    document     TEXT NOT NULL
);
-- One row per act a report counts. No index beyond the key: a report reads them all
-- once per query anyway, and an index in date order would cost every save more (its
-- inserts land all over the tree) than it would spare a report.
CREATE TABLE IF NOT EXISTS events (
    dossier_id   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    target       TEXT,
    organization TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS courses (
    code TEXT PRIMARY KEY, unit TEXT NOT NULL, opened_on TEXT NOT NULL,
    closed_on TEXT NOT NULL, trainees INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quotas (
    unit TEXT NOT NULL, year INTEGER NOT NULL, admissions INTEGER NOT NULL,
    PRIMARY KEY (unit, year)
);
CREATE INDEX IF NOT EXISTS dossiers_stage ON dossiers (stage);
CREATE INDEX IF NOT EXISTS dossiers_organization ON dossiers (organization, stage);
CREATE INDEX IF NOT EXISTS dossiers_admitted ON dossiers (admitted_on);
CREATE INDEX IF NOT EXISTS dossiers_entered ON dossiers (entered_on);
CREATE INDEX IF NOT EXISTS dossiers_due ON dossiers (next_due) WHERE next_due IS NOT NULL;
"""

_COLUMNS = (
    "revision",
    "stage",
    "organization",
    "entered_on",
    "admitted_on",
    "next_due",
    "female",
    "ethnic_minority",
    "religious",
    "youth",
    "readmission",
    "expected_decision_on",
    "window_closes_on",
    "seal",
    "document",
)
_READ = "SELECT id, revision, stage, seal, document FROM dossiers"
_INSERT = (
    f"INSERT INTO dossiers (id, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' * len(_COLUMNS))})"
)
_UPDATE = (
    f"UPDATE dossiers SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ? AND revision = ?"
)
_EVENT = (
    "INSERT INTO events (dossier_id, seq, day, kind, target, organization)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


class SQLiteStore:
    """
    Dossiers in one SQLite file (WAL mode), behind the `DossierStore` interface.

    Args:
        path: the database file (created if missing), or ``":memory:"``.
        process: the process the dossiers follow: a loaded stage it does not know is
            refused, and the figures count its stages.
        facts: derives, on every save, the columns reports and the due index read
            (`ketnap.reports.facts_for(workflow)`). Without it only what the dossier itself
            says is kept (`ketnap.facts.plain_facts`): no due dates, forecast or youth
            count, and no planner runs on a save.
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
        process: Process = ADMISSION,
        facts: FactsFunction | None = None,
        seal_key: bytes | None = None,
        document_format: DocumentFormat = DEFAULT_FORMAT,
        durable: bool = True,
        timeout: float = 5.0,
    ) -> None:
        self._process = process
        self._facts: FactsFunction = facts or plain_facts
        self._key = seal_key
        self._format = document_format
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=timeout)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {os.fspath(path)!r}: {exc}") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # 64 MB of page cache (SQLite's default is 2 MB) for the indexes of a large store.
            self._db.execute("PRAGMA cache_size=-65536")
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
        with self._transaction():
            saved = self._write_all(iter(dossiers))
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
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        for dossier in chunk:
            row, dossier_events = self._row(dossier)
            events.extend(dossier_events)
            if dossier.revision == 0:
                inserts.append((dossier.id, *row))
            else:
                updates.append((*row, dossier.id, dossier.revision))
        if inserts:
            try:
                self._db.executemany(_INSERT, inserts)
            except sqlite3.IntegrityError:
                return False
        if updates:
            if self._db.executemany(_UPDATE, updates).rowcount != len(updates):
                return False
            self._db.executemany(
                "DELETE FROM events WHERE dossier_id = ?", [(u[-2],) for u in updates]
            )
        self._db.executemany(_EVENT, events)
        return True

    def _stale(self, chunk: list[Dossier]) -> StaleDossier:
        # Called after the rollback, so the store shows what other writers committed.
        for dossier in chunk:
            found = self._revision(dossier.id)
            if found != (dossier.revision or None):
                return StaleDossier(dossier.id, expected=dossier.revision, found=found)
        # Unreachable unless another writer reverted in between; name the first.
        first = chunk[0]
        return StaleDossier(first.id, expected=first.revision, found=self._revision(first.id))

    def _row(self, dossier: Dossier) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """The dossier's row (without its id) and its event rows."""
        document = self._format.dumps(dossier)
        found = self._facts(dossier)
        row = (
            dossier.revision + 1,
            str(dossier.stage),
            found.unit,
            dossier.entered_pool_on.isoformat(),
            _iso(dossier.admission_decision_date),
            _iso(found.next_due),
            found.female,
            found.ethnic_minority,
            found.religious,
            found.youth_at_admission,
            found.readmission,
            _iso(found.expected_decision_on),
            _iso(found.proposal_window_closes_on),
            self._seal(document),
            document,
        )
        dossier_id, unit = dossier.id, found.unit
        events = [
            (dossier_id, seq, on.isoformat(), kind, target, unit)
            for seq, on, kind, target in found.events
        ]
        return row, events

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
        row = self._db.execute(f"{_READ} WHERE id = ?", (dossier_id,)).fetchone()
        if row is None:
            raise DossierNotFound(dossier_id)
        return self._rebuild(row)

    def _rebuild(self, row: tuple[Any, ...]) -> Dossier:
        dossier_id, revision, stage, seal, document = row
        try:
            dossier = self._format.loads(document, process=self._process)
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
        if dossier.id != dossier_id or dossier.stage != stage:
            raise InvalidDocument("$", "the row's index columns disagree with its document")

    def find(self, query: Query | None = None) -> Iterator[Dossier]:
        """Yield the dossiers matching *query* (all when None), in id order."""
        where, params = _where(query)
        cursor = self._db.execute(f"{_READ}{where} ORDER BY id", params)
        while rows := cursor.fetchmany(_CHUNK):
            for row in rows:
                yield self._rebuild(row)

    def ids(self, query: Query | None = None) -> list[str]:
        """The ids of the dossiers matching *query*, in order; nothing is loaded."""
        where, params = _where(query)
        return [
            row[0]
            for row in self._db.execute(f"SELECT id FROM dossiers{where} ORDER BY id", params)
        ]

    def count(self, query: Query | None = None) -> int:
        """Return how many dossiers match *query*."""
        where, params = _where(query)
        row = self._db.execute(f"SELECT count(*) FROM dossiers{where}", params).fetchone()
        return int(row[0])

    def verify(self, *, progress: Callable[[int], None] | None = None) -> list[StoreProblem]:
        """
        Check the file (``PRAGMA quick_check``) and load and verify every dossier.

        Args:
            progress: called with the number of dossiers just checked, chunk by chunk
                (a progress bar's ``update``).

        Returns:
            The dossiers that fail, each with its error; an empty list when all is well.

        Raises:
            StoreError: the database file itself is damaged.
        """
        status = self._db.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise StoreError(f"the database file is damaged: {status}")
        problems: list[StoreProblem] = []
        cursor = self._db.execute(_READ)
        while rows := cursor.fetchmany(_CHUNK):
            for row in rows:
                try:
                    self._rebuild(row)
                except InvalidDocument as exc:
                    problems.append(StoreProblem(row[0], exc))
            if progress is not None:
                progress(len(rows))
        return problems

    # --- organisations, quotas, courses ------------------------------------------------------

    def save_tree(self, tree: OrganizationTree) -> None:
        """Keep *tree* with the dossiers, replacing any tree saved before."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO ketnap_meta (key, value) VALUES ('tree', ?)",
                (json.dumps(tree.to_data(), ensure_ascii=False),),
            )

    def tree(self) -> OrganizationTree:
        """
        The organisation tree saved with `save_tree`.

        Raises:
            StoreError: no tree was saved, or the saved one is invalid.
        """
        row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
        if row is None:
            raise StoreError("this store holds no organisation tree; save one with save_tree")
        try:
            return OrganizationTree.from_data(json.loads(row[0]))
        except (ValueError, KetnapError) as exc:
            raise StoreError(f"the stored organisation tree is invalid: {exc}") from None

    def save_quotas(self, quotas: Quotas) -> None:
        """Add or replace the quotas in *quotas*."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO quotas (unit, year, admissions) VALUES (?, ?, ?)",
                quotas.items(),
            )

    def quotas(self) -> Quotas:
        """Every stored quota."""
        rows = self._db.execute("SELECT unit, year, admissions FROM quotas").fetchall()
        return Quotas({(unit, year): n for unit, year, n in rows})

    def save_courses(self, courses: Iterable[Course]) -> None:
        """Add or replace awareness courses (by code)."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO courses (code, unit, opened_on, closed_on, trainees)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (c.code, c.unit, c.opened_on.isoformat(), c.closed_on.isoformat(), c.trainees)
                    for c in courses
                ],
            )

    def courses(self) -> list[Course]:
        """Every stored course, by code."""
        rows = self._db.execute(
            "SELECT code, unit, opened_on, closed_on, trainees FROM courses ORDER BY code"
        ).fetchall()
        return [
            Course(
                code=code,
                unit=unit,
                opened_on=pendulum.Date.fromisoformat(opened),
                closed_on=pendulum.Date.fromisoformat(closed),
                trainees=trainees,
            )
            for code, unit, opened, closed, trainees in rows
        ]

    # --- report figures ------------------------------------------------------------------------

    def figures(
        self,
        *,
        branches: list[str] | None,
        units: list[str] | None,
        start: pendulum.Date,
        on: pendulum.Date,
        year_end: pendulum.Date,
    ) -> Figures:
        """
        The counts a `ketnap.reports.Report` is made of, in a few indexed queries.

        Args:
            branches: the branch codes counted (None: every dossier).
            units: the units whose courses count (None: every course).
            start: first day of the period.
            on: the report date, last day of the period.
            year_end: the horizon of the forecast.
        """
        scope, params = _among("organization", branches)
        period = (start.isoformat(), on.isoformat())
        day = on.isoformat()
        # The stage on the report date: the target of each dossier's last act by then
        # (SQLite returns the bare column of the row holding max(seq)).
        last_acts = self._db.execute(
            "SELECT target, count(*) FROM (SELECT target, max(seq) FROM events"
            f" WHERE kind != ? AND day <= ?{scope} GROUP BY dossier_id) GROUP BY target",
            (CERTIFICATE_EVENT, day, *params),
        ).fetchall()
        stages: dict[str, int] = dict(last_acts)
        (entered,) = self._db.execute(
            f"SELECT count(*) FROM dossiers WHERE entered_on <= ?{scope}",
            (day, *params),
        ).fetchone()
        initial = self._process.initial
        stages[initial] = stages.get(initial, 0) + entered - sum(stages.values())
        admissions = sorted(self._process.steps_tagged("admission"))
        marks = ", ".join("?" * len(admissions))
        acts = dict(
            self._db.execute(
                f"SELECT kind, count(*) FROM events WHERE day BETWEEN ? AND ?{scope} GROUP BY kind",
                (*period, *params),
            ).fetchall()
        )
        by_branch = dict(
            self._db.execute(
                f"SELECT organization, count(*) FROM events WHERE kind IN ({marks})"
                f" AND day BETWEEN ? AND ?{scope} GROUP BY organization",
                (*admissions, *period, *params),
            ).fetchall()
        )
        joined = scope.replace("organization", "e.organization")
        mix = self._db.execute(
            "SELECT sum(d.youth), sum(d.female), sum(d.ethnic_minority), sum(d.religious),"
            " sum(d.readmission) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
            f" WHERE e.kind IN ({marks}) AND e.day BETWEEN ? AND ?{joined}",
            (*admissions, *period, *params),
        ).fetchone()
        keys = ("youth", "women", "ethnic_minority", "religious", "readmission")
        pipeline = sorted(self._process.stages_tagged("pipeline"))
        (expected,) = self._db.execute(
            f"SELECT count(*) FROM dossiers WHERE stage IN ({', '.join('?' * len(pipeline))})"
            " AND expected_decision_on <= ?"
            f" AND (window_closes_on IS NULL OR window_closes_on >= ?){scope}",
            (*pipeline, year_end.isoformat(), day, *params),
        ).fetchone()
        unit_scope, unit_params = _among("unit", units)
        courses, trainees = self._db.execute(
            "SELECT count(*), coalesce(sum(trainees), 0) FROM courses"
            f" WHERE closed_on BETWEEN ? AND ?{unit_scope}",
            (*period, *unit_params),
        ).fetchone()
        return Figures(
            stages=stages,
            acts=acts,
            admitted_by_branch=by_branch,
            composition={key: int(value or 0) for key, value in zip(keys, mix, strict=True)},
            expected=expected,
            courses=courses,
            trainees=trainees,
        )

    # --- internals -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:  # _write_all may have rolled back already
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

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


def _among(column: str, values: list[str] | None) -> tuple[str, list[object]]:
    if values is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


def _iso(day: pendulum.Date | None) -> str | None:
    return None if day is None else day.isoformat()


def _year(column: str, year: int, clauses: list[str], params: list[object]) -> None:
    clauses.append(f"{column} >= ? AND {column} < ?")
    params.extend((f"{year:04d}-01-01", f"{year + 1:04d}-01-01"))


def _where(query: Query | None) -> tuple[str, list[object]]:
    if query is None:
        return "", []
    clauses: list[str] = []
    params: list[object] = []
    if query.stage is not None:
        stages = sorted(query.stage)
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
