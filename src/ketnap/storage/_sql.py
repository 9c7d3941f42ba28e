"""
What the SQL stores share: tables, seals, the save journal, queries and figures.

`ketnap.storage.SQLiteStore` (one file) and `ketnap.storage.PostgresStore` (a server)
are this one store over two databases: the same rows, the same seals and the same
checks, so a dossier saved in one verifies in the other. What differs is a `Dialect` (a
few statements each database writes its own way) and how a connection is held.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import hmac
import json
import logging
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, ClassVar, Concatenate, Final, ParamSpec, Protocol, Self, TypeVar

import attrs
import pendulum

from ketnap.dates import parse_date
from ketnap.errors import (
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    KetnapError,
    StaleDossier,
    StoreError,
)
from ketnap.facts import (
    PROFILE_FACTS,
    TRANSFER_OUT_EVENT,
    Event,
    FactsFunction,
    Figures,
    Profile,
    plain_facts,
)
from ketnap.model import Dossier
from ketnap.organizations import Course, OrganizationTree, Quotas
from ketnap.process import Process
from ketnap.rules import RuleSet
from ketnap.storage.base import _GENESIS, LayoutUpgrade, Query, StoreProblem, check_anchor
from ketnap.storage.documents import DocumentFormat

__all__ = ["Dialect", "SQLStore", "schema_ddl"]

_log = logging.getLogger("ketnap.storage")

_CHUNK: Final = 500
_FIRST_PAGE: Final = 25


# The tables of the current layout, written once for both databases: `schema_ddl` fills
# what each writes its own way (a clustered key, an increasing sequence).
_DOSSIER_TABLES = """
CREATE TABLE ketnap_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dossiers (
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
    events_seal  TEXT NOT NULL DEFAULT '',
    seal         TEXT NOT NULL,
    document     TEXT NOT NULL
);
-- One row per act a report counts, kept in branch order: a committee's report reads
-- its branches' events as a few contiguous runs, the district's reads them all. No other
-- index: an index in date order would cost every save more (its inserts land all over
-- the tree) than it would spare a report. The key's columns come first: SQLite 3.40's
-- integrity check misreads a WITHOUT ROWID table whose key columns are declared later.
CREATE TABLE events (
    organization TEXT NOT NULL,
    dossier_id   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    target       TEXT,
    PRIMARY KEY (organization, dossier_id, seq){events_cover}
){without_rowid};
CREATE TABLE courses (
    code TEXT PRIMARY KEY, unit TEXT NOT NULL, opened_on TEXT NOT NULL,
    closed_on TEXT NOT NULL, trainees INTEGER NOT NULL, seal TEXT NOT NULL DEFAULT ''
);
CREATE TABLE quotas (
    unit TEXT NOT NULL, year INTEGER NOT NULL, admissions INTEGER NOT NULL,
    seal TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit, year)
);
CREATE INDEX dossiers_stage_id ON dossiers (stage, id);
CREATE INDEX dossiers_organization ON dossiers (organization, stage){organization_cover};
CREATE INDEX dossiers_admitted ON dossiers (admitted_on);
CREATE INDEX dossiers_entered ON dossiers (entered_on);
CREATE INDEX dossiers_due ON dossiers (next_due) WHERE next_due IS NOT NULL;
"""

# The save journal and the identities that must be unique (SQLite layout 2 added them).
_JOURNAL_TABLES = """
-- Every write, chained: a deleted, rolled-back or renumbered row no longer matches the
-- latest link for its key (docs/storage.md).
CREATE TABLE journal (
    seq      {sequence},
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    revision INTEGER NOT NULL,
    seal     TEXT NOT NULL,
    link     TEXT NOT NULL
);
-- Citizen IDs of open dossiers and card numbers, as digests: one holder each.
CREATE TABLE identities (
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    PRIMARY KEY (kind, value)
){without_rowid};
CREATE INDEX identities_dossier ON identities (dossier_id);
"""


# What a committee's report reads besides an index's key: the events' act and date, and
# a dossier's dates. Kept in the index itself (PostgreSQL's INCLUDE), a committee's counts
# read its own stretch of the index; from the table they would read pages shared with
# every other branch (PostgreSQL keeps rows in the order they were written, not by key).
EVENTS_COVER: Final = "day, kind, target"
ORGANIZATION_COVER: Final = "entered_on, expected_decision_on, window_closes_on"


def schema_ddl(
    *, without_rowid: str, sequence: str, covering: bool = False, journal_only: bool = False
) -> str:
    """
    The DDL of the store's tables for one database.

    Args:
        without_rowid: what follows a table keyed by its primary key (SQLite's
            ``WITHOUT ROWID``; nothing for PostgreSQL).
        sequence: the journal's increasing key column type.
        covering: index the report's columns too (`EVENTS_COVER`, `ORGANIZATION_COVER`);
            for PostgreSQL, whose tables are not stored in key order as SQLite's
            ``WITHOUT ROWID`` tables are.
        journal_only: only the journal and identities (a migration that adds them).
    """
    parts = (_JOURNAL_TABLES,) if journal_only else (_DOSSIER_TABLES, _JOURNAL_TABLES)
    return "".join(parts).format(
        without_rowid=without_rowid,
        sequence=sequence,
        events_cover=f" INCLUDE ({EVENTS_COVER})" if covering else "",
        organization_cover=f" INCLUDE ({ORGANIZATION_COVER})" if covering else "",
    )


@attrs.frozen(kw_only=True)
class Dialect:
    """
    The statements a database writes its own way.

    Attributes:
        begin_write: starts a writing transaction.
        begin_read: starts a reading transaction that sees one committed state.
        journal_head: reads the save journal's head, locked until the commit.
        due_index: the hint that sends a due-date query through the due index.
        last_acts: each dossier's stage on a day, counted (``{scope}`` filters).
        profile: the admitted of a period grouped by `ketnap.facts.PROFILE_FACTS`.
    """

    begin_write: str
    begin_read: str
    journal_head: str
    due_index: str
    last_acts: str
    profile: str


class Cursor(Protocol):
    """What the store reads from a statement's result."""

    rowcount: int

    def fetchone(self) -> Any: ...  # noqa: ANN401 - a driver's row
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store asks of a database connection (``?`` placeholders)."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Cursor: ...


_DERIVED = (
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
)
_COLUMNS = ("revision", *_DERIVED, "events_seal", "seal", "document")
_READ = f"SELECT id, {', '.join(_COLUMNS)} FROM dossiers"
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
_JOURNAL = "INSERT INTO journal (kind, key, revision, seal, link) VALUES (?, ?, ?, ?, ?)"

_FLAGS: Final = frozenset({"youth_union", "ethnic_minority", "religious"})

# What makes a store tamper-evident, (table, column): the seals, the journal, the
# identities. A store whose layout has them must still have them when it is opened.
SEALED_COLUMNS: Final = frozenset(
    {
        ("dossiers", "seal"),
        ("dossiers", "events_seal"),
        ("quotas", "seal"),
        ("courses", "seal"),
        ("journal", "link"),
        ("identities", "value"),
    }
)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="SQLStore")


def _guarded(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Run a public method in a session: its connection held, any driver error a StoreError."""

    @functools.wraps(method)
    def guarded(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._session():
            return method(self, *args, **kwargs)

    return guarded


def _field(value: object) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text}"


def _field_of_field(value: object) -> str:
    """``_field(_field(value))``, the events' seal's form, made in one step."""
    text = "" if value is None else str(value)
    inner = f"{len(text)}:{text}"
    return f"{len(inner)}:{inner}"


class SQLStore:
    """
    The store over a SQL database; `SQLiteStore` and `PostgresStore` give the connection.

    Subclasses set ``_dialect``, ``_conflicts`` (the driver's unique-violation errors),
    and provide `_session` (a connection held for one operation, driver errors turned
    into `StoreError`), ``_db`` (that connection), `_check_database` and `_close`.
    """

    _dialect: ClassVar[Dialect]
    _conflicts: ClassVar[tuple[type[Exception], ...]]

    def __init__(
        self,
        *,
        process: Process,
        facts: FactsFunction | None,
        regulations: Iterable[RuleSet] | None,
        seal_key: bytes | None,
        document_format: DocumentFormat,
    ) -> None:
        self._process = process
        self._facts: FactsFunction = facts or plain_facts
        self._derives = facts is not None
        self._regulations = None if regulations is None else tuple(regulations)
        self._key = seal_key
        self._format = document_format
        self._exits = frozenset(process.stages_tagged("exit"))
        self.upgrade: LayoutUpgrade | None = None
        """What opening the store changed in its layout; None when nothing changed."""

    @property
    def _db(self) -> Connection:
        raise NotImplementedError

    def _refuse_unsealed(self, columns: Iterable[tuple[str, str]]) -> None:
        """
        Refuse a store whose seals or save journal are gone (`StoreError`), untouched.

        *columns* are the store's (table, column) pairs. Nothing ever drops them, so a
        store of a sealed layout without them was edited outside ketnap: sealing its rows
        again would seal whatever was changed meanwhile.
        """
        missing = sorted(SEALED_COLUMNS - set(columns))
        if (
            not missing
            and not self._db.execute("SELECT 1 FROM ketnap_meta WHERE key = 'journal'").fetchone()
        ):
            missing = [("ketnap_meta", "journal")]
        if missing:
            what = ", ".join(f"{table}.{column}" for table, column in missing)
            verb = "is" if len(missing) == 1 else "are"
            raise StoreError(
                f"the store's layout has seals and a save journal, but {what} {verb} missing:"
                " it was edited outside ketnap and its rows cannot be trusted; restore a"
                " backup and check it with ketnap verify --anchor against your register"
            )

    def _need_facts(self, what: str) -> None:
        """Refuse a query the law's derived facts answer when the store has none."""
        if not self._derives:
            raise StoreError(
                f"{what} needs the facts the law derives, and this store was opened without"
                " a facts function: open it with facts=ketnap.derived.facts_for(law)"
            )

    def _session(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def _check_database(self) -> None:
        """Refuse a damaged database (`StoreError`); called by `verify`."""

    def _close(self) -> None:
        raise NotImplementedError

    # --- context management ----------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (or the pool) to the database."""
        self._close()

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
            InvalidDocument: the dossier would not load back (an illegal history, a
                stage the history does not lead to); nothing is written.
            InvalidInput: another open dossier holds its citizen ID, or another
                dossier its card number.
            InvalidDocument: the store holds an organisation tree and the dossier's branch
                (or a sponsor's) is not a branch of it; nothing is written.
        """
        self.save_all((dossier,))

    @_guarded
    def save_all(self, dossiers: Iterable[Dossier]) -> int:
        """
        Save many dossiers in one transaction: all of them, or none if anything fails.

        *dossiers* is consumed inside the transaction, in chunks, so a long batch does
        not have to be built in memory first. Revisions are incremented only after commit.

        Raises:
            StaleDossier: one of them was saved by another writer since it was loaded.
            InvalidDocument: one of them would not load back, or names a branch (its own
                or a sponsor's) that is not a branch of the stored organisation tree.
            InvalidInput: a dossier given twice, or an identity held by another dossier.
        """
        # Only weak references are kept until the commit: a dossier the caller still holds
        # gets its new revision, one made by a generator for the batch is freed as soon as
        # it is written, so memory stays flat however many are fed.
        saved: weakref.WeakSet[Dossier] = weakref.WeakSet()
        with self._transaction():
            # Read once for the batch, inside its transaction; None: no tree, any branch.
            branches = self._tree_branches()
            count = self._write_all(iter(dossiers), saved, branches)
        for dossier in saved:
            dossier.revision += 1
        _log.debug("saved %d dossiers", count)
        return count

    def _write_all(
        self,
        dossiers: Iterator[Dossier],
        saved: weakref.WeakSet[Dossier],
        branches: frozenset[str] | None = None,
    ) -> int:
        count = 0
        seen: set[str] = set()
        while chunk := list(islice(dossiers, _CHUNK)):
            for dossier in chunk:
                if dossier.id in seen:
                    raise InvalidInput("dossiers", f"{dossier.id!r} is given twice")
                seen.add(dossier.id)
            if not self._write(chunk, branches):
                self._db.execute("ROLLBACK")
                raise self._stale(chunk)
            saved.update(chunk)
            count += len(chunk)
        return count

    def _write(self, chunk: list[Dossier], branches: frozenset[str] | None = None) -> bool:
        """
        Write *chunk*; False if some revision check failed (the caller rolls back).

        *branches*: the stored tree's branch codes, which every dossier's branch and
        sponsors' branches must be among (None: no tree, any branch).
        """
        updates: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        links: list[tuple[str, str, int, str]] = []

        def inserts() -> Iterator[tuple[Any, ...]]:
            # Made while they are sent: a server that takes rows as a stream (COPY)
            # stores one dossier while the next is checked and sealed.
            for dossier in chunk:
                row, dossier_events = self._row(dossier, branches)
                events.extend(dossier_events)
                links.append(("dossier", dossier.id, row[0], self._seal(row[-2], row[-3])))
                if dossier.revision == 0:
                    yield (dossier.id, *row)
                else:
                    updates.append((*row, dossier.id, dossier.revision))

        try:
            self._insert_many(_INSERT, inserts())
        except self._conflicts:
            return False
        if updates:
            # The events are keyed by the branch they were saved under, which the update
            # may change: read it first.
            changed = [u[-2] for u in updates]
            marks = ", ".join("?" * len(changed))
            stored = self._db.execute(
                f"SELECT organization, id FROM dossiers WHERE id IN ({marks})", changed
            ).fetchall()
            if self._db.executemany(_UPDATE, updates).rowcount != len(updates):
                return False
            # A member who transferred has events under the branches they were in too.
            ids = set(changed)
            elsewhere = {(e[5], e[0]) for e in events if e[0] in ids}
            self._db.executemany(
                "DELETE FROM events WHERE organization = ? AND dossier_id = ?",
                sorted(elsewhere.union(map(tuple, stored))),
            )
        self._insert_many(_EVENT, events)
        self._identify(chunk)
        self._journal(links)
        return True

    def _identify(self, chunk: list[Dossier]) -> None:
        """Claim each dossier's citizen ID (while open) and card number, or refuse."""
        # A dossier saved before gives up what it held; a new one (its row just inserted,
        # so its id was free) holds nothing yet.
        ids = [d.id for d in chunk if d.revision]
        if ids:
            self._db.execute(
                f"DELETE FROM identities WHERE dossier_id IN ({', '.join('?' * len(ids))})", ids
            )
        claims: list[tuple[str, str, str, str]] = []  # kind, digest, dossier, field
        for dossier in chunk:
            citizen_id = dossier.candidate.citizen_id
            if citizen_id is not None and dossier.stage not in self._exits:
                claims.append(("citizen_id", self._seal("citizen_id", citizen_id), dossier.id,
                               "candidate.citizen_id"))  # fmt: skip
            if dossier.card_number is not None:
                claims.append(("card_number", self._seal("card_number", dossier.card_number),
                               dossier.id, "card_number"))  # fmt: skip
        if not claims:
            return
        # Claimed all at once; a value someone else holds (or a second claim on it in
        # this chunk) is not inserted, and its holder is named.
        claimed = self._claim([claim[:3] for claim in claims])
        if claimed == len(claims):
            # Every value was free, the usual case: nothing to look up. (Inside one large
            # transaction PostgreSQL's statistics can call the table empty, and the
            # lookup below then reads every identity of a kind: quadratic over a fill.)
            return
        holders: dict[tuple[str, str], str] = {}
        for kind in sorted({claim[0] for claim in claims}):
            # By kind, then value: the key's own order, so each lookup is a key search.
            digests = sorted({claim[1] for claim in claims if claim[0] == kind})
            holders.update(
                ((kind, value), holder)
                for value, holder in self._db.execute(
                    "SELECT value, dossier_id FROM identities"
                    f" WHERE kind = ? AND value IN ({', '.join('?' * len(digests))})",
                    (kind, *digests),
                ).fetchall()
            )
        for kind, digest, dossier_id, field in claims:
            holder = holders.get((kind, digest))
            if holder != dossier_id:
                # The value itself (a citizen ID) stays out of the message.
                raise InvalidInput(
                    field,
                    f"dossier {holder!r} already holds the same value; {dossier_id!r} cannot",
                )

    def _claim(self, rows: list[tuple[str, str, str]]) -> int:
        """Insert the identity rows (kind, digest, dossier) not yet held; return how many."""
        return self._insert_many(
            "INSERT INTO identities (kind, value, dossier_id) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, value) DO NOTHING",
            rows,
        )

    def _insert_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """
        Run one INSERT for many rows (a database may do it in fewer round trips).

        *rows* may be an iterator, consumed while the statement runs. Returns the number
        of rows inserted (fewer than given where a conflict skipped some).
        """
        return int(self._db.executemany(sql, rows).rowcount)

    def _identify_raw(self, dossier_id: str, stage: str, document: str) -> None:
        # The migration reads identities from the stored JSON; a clash among old rows is
        # kept (the first holder wins) and logged, since refusing would lock the store.
        body = json.loads(document)["dossier"]
        pairs = [("card_number", body.get("card_number"))]
        if stage not in self._exits:
            pairs.append(("citizen_id", body.get("candidate", {}).get("citizen_id")))
        for kind, value in pairs:
            if value is None:
                continue
            cursor = self._db.execute(
                "INSERT INTO identities (kind, value, dossier_id) VALUES (?, ?, ?)"
                " ON CONFLICT (kind, value) DO NOTHING",
                (kind, self._seal(kind, value), dossier_id),
            )
            if cursor.rowcount == 0:
                _log.warning("dossier %r shares its %s with another dossier", dossier_id, kind)

    def _journal(self, links: Sequence[tuple[str, str, int, str]]) -> None:
        """Append *links* (kind, key, revision, seal) to the chained journal."""
        if not links:
            return
        # Locked where the database locks rows: two writers must not both extend one head.
        (head,) = self._db.execute(self._dialect.journal_head).fetchone()
        rows = []
        for kind, key, revision, seal in links:
            head = self._link(head, kind, key, revision, seal)
            rows.append((kind, key, revision, seal, head))
        self._insert_many(_JOURNAL, rows)
        self._db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'journal'", (head,))

    def _link(self, previous: str, kind: str, key: str, revision: int, seal: str) -> str:
        return self._seal(previous, kind, key, revision, seal)

    def _stale(self, chunk: list[Dossier]) -> StaleDossier:
        # Called after the rollback, so the store shows what other writers committed.
        for dossier in chunk:
            found = self._revision(dossier.id)
            if found != (dossier.revision or None):
                return StaleDossier(dossier.id, expected=dossier.revision, found=found)
        # Unreachable unless another writer reverted in between; name the first.
        first = chunk[0]
        return StaleDossier(first.id, expected=first.revision, found=self._revision(first.id))

    def _row(
        self, dossier: Dossier, branches: frozenset[str] | None = None
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """The dossier's row (without its id) and its event rows; *branches* as `_write`'s."""
        # The text is checked to load back: a save never accepts what a load refuses.
        document = self._format.checked_dumps(
            dossier, process=self._process, regulations=self._regulations
        )
        revision = dossier.revision + 1
        derived, events = self._derive(dossier)
        if branches is not None:
            _refuse_unknown_branches(dossier, derived[1], branches)
        dossier_id = dossier.id
        events_seal = self._events_seal(dossier_id, revision, [e[1:] for e in events])
        seal = self._row_seal(dossier_id, revision, derived, document)
        return (revision, *derived, events_seal, seal, document), events

    def _seal(self, *parts: object, nested: Iterable[object] = ()) -> str:
        # Length-prefixed fields: no choice of free text makes two contents collide.
        # *nested* values are fields of fields, prefixed twice in one step.
        content = "|".join(
            [*(_field(part) for part in parts), *(_field_of_field(value) for value in nested)]
        ).encode()
        if self._key is None:
            return hashlib.sha256(content).hexdigest()
        return hmac.new(self._key, content, hashlib.sha256).hexdigest()

    def _row_seal(
        self, dossier_id: str, revision: int, derived: Sequence[object], document: str
    ) -> str:
        return self._seal("dossier", dossier_id, revision, *derived, document)

    def _events_seal(
        self, dossier_id: str, revision: int, events: Iterable[Sequence[object]]
    ) -> str:
        return self._seal(
            "events", dossier_id, revision, nested=(e for event in events for e in event)
        )

    def _quota_seal(self, unit: str, year: int, admissions: int) -> str:
        return self._seal("quota", unit, year, admissions)

    # --- reading ---------------------------------------------------------------------------

    @_guarded
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

    def _rebuild(self, row: Sequence[Any]) -> Dossier:
        dossier_id, revision = row[0], row[1]
        try:
            dossier = self._open_row(row)
        except InvalidDocument as exc:
            _log.warning("dossier %r failed verification at %s", dossier_id, exc.path)
            raise type(exc)(exc.path, f"{exc.reason} (stored dossier {dossier_id!r})") from None
        dossier.revision = revision
        return dossier

    def _open_row(self, row: Sequence[Any]) -> Dossier:
        dossier_id, revision, *derived, _events_seal, seal, document = row
        # The document first: a broken history is reported with the path of its entry.
        dossier = self._format.loads(document, process=self._process, regulations=self._regulations)
        if not hmac.compare_digest(seal, self._row_seal(dossier_id, revision, derived, document)):
            raise InvalidDocument("$", "the stored row does not match its seal (edited)")
        if dossier.id != dossier_id or dossier.stage != derived[0]:
            raise InvalidDocument("$", "the row's index columns disagree with its document")
        return dossier

    def _pages(self, query: Query | None) -> Iterator[list[Any]]:
        """Rows in id order, one page per statement, none left open across a yield."""
        if query is not None and query.due_by is not None:
            self._need_facts("a due query")
        after = ""
        size = _FIRST_PAGE  # the first rows soon; then pages of _CHUNK
        while True:
            with self._session():
                ids = self._page_ids(query, after, size)
                rows = self._rows_by_id(ids)
            if not rows:
                return
            yield rows
            after = ids[-1]
            size = min(size * 4, _CHUNK)

    def _page_ids(self, query: Query | None, after: str, limit: int) -> list[str]:
        """
        The next *limit* ids after *after* matching *query*, in id order.

        Each access path reads in id order and stops at *limit*, so the first page of a
        large store costs what a page costs: by stage, through the (stage, id) index, one
        ordered stream per stage merged; by due date, through the partial due index,
        whose few rows are sorted; otherwise by the key.
        """
        where, params = _where(query)
        clause = f"{where} AND id > ?" if where else " WHERE id > ?"
        if query is not None and query.stage is not None and len(query.stage) > 1:
            streams = [
                self._page_ids(attrs.evolve(query, stage=frozenset({stage})), after, limit)
                for stage in sorted(query.stage)
            ]
            return list(islice(heapq.merge(*streams), limit))
        index = self._dialect.due_index if query is not None and query.due_by else ""
        return [
            row[0]
            for row in self._db.execute(
                f"SELECT id FROM dossiers{index}{clause} ORDER BY id LIMIT {limit}",
                (*params, after),
            ).fetchall()
        ]

    def _rows_by_id(self, ids: list[str]) -> list[Any]:
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        found = {row[0]: row for row in self._db.execute(f"{_READ} WHERE id IN ({marks})", ids)}
        return [found[dossier_id] for dossier_id in ids if dossier_id in found]

    def find(self, query: Query | None = None) -> Iterator[Dossier]:
        """
        Yield the dossiers matching *query* (all when None), in id order.

        Rows are read a page at a time and no read stays open between pages, so the
        caller may save while iterating, and other processes may commit meanwhile.
        """
        for rows in self._pages(query):
            for row in rows:
                yield self._rebuild(row)

    @_guarded
    def ids(self, query: Query | None = None) -> list[str]:
        """The ids of the dossiers matching *query*, in order; nothing is loaded."""
        if query is not None and query.due_by is not None:
            self._need_facts("a due query")
        found: list[str] = []
        while page := self._page_ids(query, found[-1] if found else "", _CHUNK * 20):
            found.extend(page)
        return found

    @_guarded
    def count(self, query: Query | None = None) -> int:
        """Return how many dossiers match *query*."""
        if query is not None and query.due_by is not None:
            self._need_facts("a due query")
        where, params = _where(query)
        row = self._db.execute(f"SELECT count(*) FROM dossiers{where}", params).fetchone()
        return int(row[0])

    @_guarded
    def stages(self) -> frozenset[str]:
        """The stage codes some dossier is at: one probe of the stage index per stage."""
        # A loose index scan: each step finds the next stage along (stage, id), so a
        # million dossiers cost as many index probes as there are stages, not a scan.
        rows = self._db.execute(
            "WITH RECURSIVE found (stage) AS ("
            " SELECT min(stage) FROM dossiers"
            " UNION ALL"
            " SELECT (SELECT min(stage) FROM dossiers WHERE stage > found.stage) FROM found"
            " WHERE found.stage IS NOT NULL"
            ") SELECT stage FROM found WHERE stage IS NOT NULL"
        ).fetchall()
        return frozenset(stage for (stage,) in rows)

    @_guarded
    def anchor(self) -> str:
        """
        Return the head of the save journal: record it outside the file (the register).

        `verify(anchor=...)` then detects a whole file put back to an older copy.
        """
        (head,) = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'journal'").fetchone()
        return str(head)

    def verify(
        self, *, anchor: str | None = None, progress: Callable[[int], None] | None = None
    ) -> list[StoreProblem]:
        """
        Check the file and everything in it: what a report counts must be what was saved.

        Each dossier is loaded and verified (seal, history); its derived columns and
        events are derived again from the document and compared; quota, course and tree
        rows are checked against their seals; the save journal's chain is checked and
        every row must be the latest journal entry for its key (so a deleted row, a row
        put back to an older version or a lowered revision is found). With a stored
        organisation tree, a dossier whose branch is not a branch of it (the tree was
        replaced after the dossier was saved) is a problem of that dossier.

        Args:
            anchor: a journal head recorded earlier with `anchor`: the journal must still
                end there or have grown from it.
            progress: called with the number of dossiers just checked, page by page
                (a progress bar's ``update``).

        Returns:
            Every problem found, each naming its kind and key; an empty list when all is well.

        Raises:
            StoreError: the database file itself is damaged.
            InvalidInput: *anchor* is not a journal anchor (mistyped, or not one).
        """
        if anchor is not None:
            check_anchor(anchor)
        with self._session():
            self._check_database()
            latest, problems = self._check_journal(anchor)
            problems.extend(self._check_others(latest))
        # The (branch, dossier) pairs of the events a transferred member left in the
        # branches before their own, as the documents derive them.
        elsewhere: set[tuple[str, str]] = set()
        for rows in self._pages(None):
            with self._session():
                problems.extend(self._check_dossiers(rows, latest, elsewhere))
            if progress is not None:
                progress(len(rows))
        with self._session():
            # Events whose dossier is not stored, or not under that branch.
            orphans = self._db.execute(
                "SELECT DISTINCT organization, dossier_id FROM events"
                " WHERE (organization, dossier_id) NOT IN (SELECT organization, id FROM dossiers)"
            ).fetchall()
            strays = self._stray_dossiers()
        problems.extend(
            StoreProblem(key, StoreError("events of a dossier that is not stored"), kind="events")
            for key in sorted({key for unit, key in orphans if (unit, key) not in elsewhere})
        )
        problems.extend(strays)
        problems.extend(
            StoreProblem(key, StoreError("a saved row is missing (deleted)"), kind=kind)
            for (kind, key) in sorted(latest)
        )
        return problems

    def _stray_dossiers(self) -> list[StoreProblem]:
        """The dossiers whose branch is not in the stored tree (replaced since they were saved)."""
        try:
            branches = self._tree_branches()
        except StoreError as exc:
            return [StoreProblem("tree", exc, kind="tree")]
        if branches is None:
            return []
        # The branches named, from the organisation index; then only the strays' ids.
        missing = sorted(
            code
            for (code,) in self._db.execute("SELECT DISTINCT organization FROM dossiers")
            if code not in branches
        )
        problems: list[StoreProblem] = []
        for start in range(0, len(missing), _CHUNK):
            codes = missing[start : start + _CHUNK]
            problems.extend(
                StoreProblem(
                    dossier_id,
                    InvalidDocument(
                        "$.organization",
                        f"{code!r} is not a branch of the stored organisation tree"
                        " (the dossier was saved before this tree)",
                    ),
                )
                for dossier_id, code in self._db.execute(
                    "SELECT id, organization FROM dossiers"
                    f" WHERE organization IN ({', '.join('?' * len(codes))}) ORDER BY id",
                    codes,
                ).fetchall()
            )
        return sorted(problems, key=lambda problem: problem.key)

    def _check_journal(
        self, anchor: str | None
    ) -> tuple[dict[tuple[str, str], tuple[int, str]], list[StoreProblem]]:
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        problems: list[StoreProblem] = []
        head = _GENESIS
        anchored = anchor is None or anchor == _GENESIS
        broken = False
        for seq, kind, key, revision, seal, link in self._db.execute(
            "SELECT seq, kind, key, revision, seal, link FROM journal ORDER BY seq"
        ).fetchall():
            expected = self._link(head, kind, key, revision, seal)
            if not broken and not hmac.compare_digest(link, expected):
                problems.append(
                    StoreProblem(
                        str(seq),
                        StoreError("the save journal is broken here (a link edited or removed)"),
                        kind="journal",
                    )
                )
                broken = True
            head = link
            anchored = anchored or link == anchor
            latest[kind, key] = (revision, seal)
        (stored_head,) = self._db.execute(
            "SELECT value FROM ketnap_meta WHERE key = 'journal'"
        ).fetchone()
        if stored_head != head:
            problems.append(
                StoreProblem(
                    "head", StoreError("the journal's head is not its last link"), "journal"
                )
            )
        if not anchored:
            problems.append(
                StoreProblem(
                    "anchor",
                    StoreError(
                        "the journal does not pass through the recorded anchor"
                        " (the file was put back to an older copy or rewritten)"
                    ),
                    kind="journal",
                )
            )
        return latest, problems

    def _expect(
        self,
        latest: dict[tuple[str, str], tuple[int, str]],
        kind: str,
        key: str,
        revision: int,
        seal: str,
    ) -> StoreProblem | None:
        saved = latest.pop((kind, key), None)
        if saved is None:
            return StoreProblem(key, StoreError("a row that was never saved (inserted)"), kind)
        if saved != (revision, seal):
            return StoreProblem(
                key,
                StoreError(
                    "the row is not the one last saved (edited, or put back to an older version)"
                ),
                kind,
            )
        return None

    def _check_others(self, latest: dict[tuple[str, str], tuple[int, str]]) -> list[StoreProblem]:
        problems: list[StoreProblem] = []
        for unit, year, admissions, seal in self._db.execute(
            "SELECT unit, year, admissions, seal FROM quotas"
        ).fetchall():
            key = f"{unit}/{year}"
            if seal != self._quota_seal(unit, year, admissions):
                problems.append(
                    StoreProblem(key, StoreError("the quota does not match its seal"), "quota")
                )
                latest.pop(("quota", key), None)
            elif problem := self._expect(latest, "quota", key, 1, seal):
                problems.append(problem)
        for *course, seal in self._db.execute(
            "SELECT code, unit, opened_on, closed_on, trainees, seal FROM courses"
        ).fetchall():
            if seal != self._seal("course", *course):
                problems.append(
                    StoreProblem(
                        course[0], StoreError("the course does not match its seal"), "course"
                    )
                )
                latest.pop(("course", course[0]), None)
            elif problem := self._expect(latest, "course", course[0], 1, seal):
                problems.append(problem)
        tree = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
        if tree is not None:
            problem = self._expect(latest, "tree", "tree", 1, self._seal("tree", tree[0]))
            if problem is not None:
                problems.append(problem)
        return problems

    def _check_dossiers(
        self,
        rows: list[Any],
        latest: dict[tuple[str, str], tuple[int, str]],
        elsewhere: set[tuple[str, str]] | None = None,
    ) -> list[StoreProblem]:
        problems: list[StoreProblem] = []
        stored: dict[str, list[tuple[Any, ...]]] = {row[0]: [] for row in rows}
        by_branch: dict[str, list[str]] = {}
        for row in rows:  # the events are keyed by branch first
            by_branch.setdefault(row[3], []).append(row[0])
        for organization, ids in by_branch.items():
            for dossier_id, *event in self._db.execute(
                "SELECT dossier_id, seq, day, kind, target, organization FROM events"
                f" WHERE organization = ? AND dossier_id IN ({', '.join('?' * len(ids))})"
                " ORDER BY dossier_id, seq",
                (organization, *ids),
            ).fetchall():
                stored[dossier_id].append(tuple(event))
        for row in rows:
            dossier_id, revision, *_derived, events_seal, seal, _document = row
            journal = self._expect(
                latest, "dossier", dossier_id, revision, self._seal(seal, events_seal)
            )
            try:
                self._compare(self._rebuild(row), row, stored[dossier_id], elsewhere)
            except InvalidDocument as exc:
                problems.append(StoreProblem(dossier_id, exc))
                continue
            if journal is not None:
                problems.append(journal)
        return problems

    def _compare(
        self,
        dossier: Dossier,
        row: Sequence[Any],
        stored: list[tuple[Any, ...]],
        elsewhere: set[tuple[str, str]] | None = None,
    ) -> None:
        """
        Derive the row and events again from the verified *dossier* and compare.

        *stored* holds the events under the row's branch; those a transferred member left
        under other branches are read here, and their (branch, id) added to *elsewhere*.
        """
        dossier_id, revision, *derived, events_seal, _seal, _document = row
        again, events = self._derive(dossier)
        others = sorted({e[5] for e in events} - {row[3]})
        if others:
            stored = sorted([*stored, *self._events_under(others, dossier_id)], key=lambda e: e[0])
            if elsewhere is not None:
                elsewhere.update((unit, dossier_id) for unit in others)
        if tuple(derived) != again:
            raise InvalidDocument(
                "$",
                "the row's derived columns disagree with its document (edited, or saved"
                " with another facts function)",
            )
        if stored != [e[1:] for e in events] or events_seal != self._events_seal(
            dossier_id, revision, stored
        ):
            raise InvalidDocument("$", "the events a report counts disagree with the document")

    def _events_under(self, units: list[str], dossier_id: str) -> list[tuple[Any, ...]]:
        """The stored events of *dossier_id* under *units*, as `_check_dossiers` reads them."""
        found: list[tuple[Any, ...]] = []
        for unit in units:
            found += [
                tuple(event)
                for event in self._db.execute(
                    "SELECT seq, day, kind, target, organization FROM events"
                    " WHERE organization = ? AND dossier_id = ? ORDER BY seq",
                    (unit, dossier_id),
                ).fetchall()
            ]
        return found

    def _derive(self, dossier: Dossier) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        found = self._facts(dossier)
        derived = (
            str(dossier.stage),
            found.unit,
            dossier.entered_pool_on.isoformat(),
            _iso(dossier.admission_decision_date),
            _iso(found.next_due),
            int(found.female),
            int(found.ethnic_minority),
            int(found.religious),
            int(found.youth_at_admission),
            int(found.readmission),
            _iso(found.expected_decision_on),
            _iso(found.proposal_window_closes_on),
        )
        # An event is kept under the unit of its act: the dossier's, or for a member who
        # transferred, the branch of that day (`ketnap.facts.Event.unit`).
        # In the order of their numbers, as a verification reads them back.
        events = [
            (dossier.id, event.seq, event.on.isoformat(), event.kind, event.target,
             event.unit or found.unit)
            for event in sorted(found.events, key=_seq)
        ]  # fmt: skip
        return derived, events

    # --- organisations, quotas, courses ------------------------------------------------------

    @_guarded
    def save_tree(self, tree: OrganizationTree) -> None:
        """
        Keep *tree* with the dossiers, replacing any tree saved before.

        Raises:
            InvalidInput: stored dossiers belong to branches the tree does not have (a
                report of the district would count them and no base organisation's
                would); move them first, or keep their branches in the tree.
        """
        value = json.dumps(tree.to_data(), ensure_ascii=False)
        branches = _branch_codes(value)
        with self._transaction():
            missing = sorted(
                code
                for (code,) in self._db.execute("SELECT DISTINCT organization FROM dossiers")
                if code not in branches
            )
            if missing:
                shown = ", ".join(repr(code) for code in missing[:5])
                more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
                raise InvalidInput(
                    "tree",
                    f"stored dossiers belong to branches the tree does not have: {shown}{more}",
                )
            self._db.execute(
                "INSERT INTO ketnap_meta (key, value) VALUES ('tree', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (value,),
            )
            self._journal([("tree", "tree", 1, self._seal("tree", value))])

    @_guarded
    def has_tree(self) -> bool:
        """Whether an organisation tree was saved with `save_tree`."""
        row = self._db.execute("SELECT 1 FROM ketnap_meta WHERE key = 'tree'").fetchone()
        return row is not None

    @_guarded
    def tree(self) -> OrganizationTree:
        """
        The organisation tree saved with `save_tree`.

        Raises:
            StoreError: no tree was saved, or the saved one is invalid.
        """
        row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
        if row is None:
            raise StoreError("this store holds no organisation tree; save one with save_tree")
        return _parse_tree(row[0])

    def _tree_branches(self) -> frozenset[str] | None:
        """
        The codes of the stored tree's branches, the units dossiers belong to; None: no tree.

        Raises:
            StoreError: the stored tree is invalid.
        """
        row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
        return None if row is None else _branch_codes(row[0])

    @_guarded
    def save_quotas(self, quotas: Quotas) -> None:
        """Add or replace the quotas in *quotas*."""
        rows = [
            (unit, year, admissions, self._quota_seal(unit, year, admissions))
            for unit, year, admissions in quotas.items()
        ]
        with self._transaction():
            self._db.executemany(
                "INSERT INTO quotas (unit, year, admissions, seal) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (unit, year)"
                " DO UPDATE SET admissions = excluded.admissions, seal = excluded.seal",
                rows,
            )
            self._journal([("quota", f"{unit}/{year}", 1, seal) for unit, year, _, seal in rows])

    @_guarded
    def quotas(self) -> Quotas:
        """Every stored quota."""
        rows = self._db.execute("SELECT unit, year, admissions FROM quotas").fetchall()
        return Quotas({(unit, year): n for unit, year, n in rows})

    @_guarded
    def save_courses(self, courses: Iterable[Course]) -> None:
        """Add or replace awareness courses (by code)."""
        rows = []
        for c in courses:
            course = (c.code, c.unit, c.opened_on.isoformat(), c.closed_on.isoformat(), c.trainees)
            rows.append((*course, self._seal("course", *course)))
        with self._transaction():
            self._db.executemany(
                "INSERT INTO courses (code, unit, opened_on, closed_on, trainees, seal)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET unit = excluded.unit,"
                " opened_on = excluded.opened_on, closed_on = excluded.closed_on,"
                " trainees = excluded.trainees, seal = excluded.seal",
                rows,
            )
            self._journal([("course", row[0], 1, row[-1]) for row in rows])

    @_guarded
    def courses(self) -> list[Course]:
        """Every stored course, by code."""
        rows = self._db.execute(
            "SELECT code, unit, opened_on, closed_on, trainees FROM courses ORDER BY code"
        ).fetchall()
        try:
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
        except (ValueError, TypeError, KetnapError) as exc:
            raise StoreError(f"a stored course is invalid: {exc}") from None

    # --- report figures ------------------------------------------------------------------------

    @_guarded
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
        self._need_facts("a report (the forecast and the youth count)")
        # One read transaction: every count sees the same committed state.
        with self._snapshot():
            scope, params = _among("organization", branches)
            # A committee's report reads its own branches' events only, along their key.
            acts_of, acts_params = _events_of("organization", branches)
            period = (start.isoformat(), on.isoformat())
            day = on.isoformat()
            # The stage on the report date: the target of each dossier's last act by then
            # (SQLite returns the bare column of the row holding max(seq)).
            last_acts = self._db.execute(
                self._dialect.last_acts.format(scope=acts_of), (day, *acts_params)
            ).fetchall()
            stages: dict[str, int] = dict(last_acts)
            # A member who transferred out of these branches is no longer theirs (I-10).
            stages.pop(TRANSFER_OUT_EVENT, None)
            (entered,) = self._db.execute(
                f"SELECT count(*) FROM dossiers WHERE entered_on <= ?{scope}",
                (day, *params),
            ).fetchone()
            entered += self._transferred_after(day, branches)
            initial = self._process.initial
            stages[initial] = stages.get(initial, 0) + entered - sum(stages.values())
            admissions = sorted(self._process.steps_tagged("admission"))
            marks = ", ".join("?" * len(admissions))
            # The acts of the period by kind and by branch, in one reading of the events.
            acts: dict[str, int] = {}
            by_branch: dict[str, int] = {}
            for kind, branch, number in self._db.execute(
                "SELECT kind, organization, count(*) FROM events"
                f" WHERE day BETWEEN ? AND ?{acts_of} GROUP BY kind, organization",
                (*period, *acts_params),
            ).fetchall():
                acts[kind] = acts.get(kind, 0) + number
                if kind in admissions:
                    by_branch[branch] = by_branch.get(branch, 0) + number
            joined, _ = _events_of("e.organization", branches)
            mix = self._db.execute(
                "SELECT sum(d.youth), sum(d.female), sum(d.ethnic_minority), sum(d.religious),"
                " sum(d.readmission) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
                f" WHERE e.kind IN ({marks}) AND e.day BETWEEN ? AND ?{joined}",
                (*admissions, *period, *acts_params),
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

    def _transferred_after(self, day: str, branches: list[str] | None) -> int:
        """
        How many more dossiers *branches* held on *day* than they hold now, by transfers since.

        A dossier is counted where it is now (`entered`); one that left these branches
        after *day* was still theirs then, one that came in after *day* was not yet (I-10).
        """
        moves = sorted(self._process.steps_tagged("transfer"))
        if not moves or branches is None:
            return 0  # across every branch each transfer leaves one and enters another
        joined, params = _events_of("e.organization", branches)
        kinds = (TRANSFER_OUT_EVENT, *moves)
        counted = dict(
            self._db.execute(
                "SELECT e.kind, count(*) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
                f" WHERE e.kind IN ({', '.join('?' * len(kinds))}) AND e.day > ?"
                f" AND d.entered_on <= ?{joined} GROUP BY e.kind",
                (*kinds, day, day, *params),
            ).fetchall()
        )
        left = counted.pop(TRANSFER_OUT_EVENT, 0)
        return int(left) - sum(int(n) for n in counted.values())

    @_guarded
    def admitted_profile(
        self, *, branches: list[str] | None, start: pendulum.Date, on: pendulum.Date
    ) -> Profile:
        """
        Who was admitted from *start* to *on* in *branches* (None: all), in one query.

        Read from the admission events and the sealed documents (`ketnap.facts.Profile`).
        """
        scope, params = _events_of("e.organization", branches)
        admissions = sorted(self._process.steps_tagged("admission"))
        marks = ", ".join("?" * len(admissions))
        with self._snapshot():
            rows = self._db.execute(
                self._dialect.profile.format(marks=marks, scope=scope),
                (*admissions, start.isoformat(), on.isoformat(), *params),
            ).fetchall()
        counts: dict[str, dict[object, int]] = {fact: {} for fact in PROFILE_FACTS}
        born: dict[tuple[pendulum.Date, pendulum.Date], int] = {}
        total = 0
        for *values, birth, day, number in rows:
            total += number
            for fact, value in zip(PROFILE_FACTS, values, strict=True):
                key = bool(value) if fact in _FLAGS and value is not None else value
                counts[fact][key] = counts[fact].get(key, 0) + number
            pair = (parse_date(birth, field="birth_date"), parse_date(day, field="day"))
            born[pair] = born.get(pair, 0) + number
        return Profile(total=total, counts=counts, born=born)

    # --- internals ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute(self._dialect.begin_write)
        try:
            yield
        except BaseException:
            if self._db.in_transaction:  # _write_all may have rolled back already
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        self._db.execute(self._dialect.begin_read)
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _revision(self, dossier_id: str) -> int | None:
        row = self._db.execute(
            "SELECT revision FROM dossiers WHERE id = ?", (dossier_id,)
        ).fetchone()
        return None if row is None else int(row[0])


def _parse_tree(value: str) -> OrganizationTree:
    try:
        return OrganizationTree.from_data(json.loads(value))
    except (ValueError, RecursionError, KetnapError) as exc:
        raise StoreError(f"the stored organisation tree is invalid: {exc}") from None


@functools.lru_cache(maxsize=4)
def _branch_codes(value: str) -> frozenset[str]:
    """The branch codes of the stored tree *value* (its JSON text), parsed once per text."""
    tree = _parse_tree(value)
    return frozenset(unit.code for unit in tree.branches(tree.root.code))


def _refuse_unknown_branches(dossier: Dossier, unit: str, branches: frozenset[str]) -> None:
    """
    Refuse *dossier* if its branch or a sponsor's is not among *branches*.

    *unit* is its branch as the store keeps it (the code, or the name when it has none).
    Such a dossier would count in the district's report and in no base organisation's.
    """
    field = "code" if dossier.organization.code is not None else "name"
    named = [(f"$.organization.{field}", unit)]
    named.extend(
        (f"$.sponsors[{index}].branch", sponsor.branch)
        for index, sponsor in enumerate(dossier.sponsors)
        if sponsor.branch is not None
    )
    for path, code in named:
        if code not in branches:
            raise InvalidDocument(
                path,
                f"{code!r} is not a branch of the stored organisation tree"
                f" (dossier {dossier.id!r} is not saved)",
            )


def _among(column: str, values: list[str] | None) -> tuple[str, list[object]]:
    if values is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


def _events_of(column: str, branches: list[str] | None) -> tuple[str, list[object]]:
    """A condition keeping the events of *branches* (None: all), along the events' key."""
    return _among(column, branches)


def _seq(event: Event) -> int:
    return event.seq


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
