"""
The embedded store: one SQLite file in WAL mode, from the standard library's `sqlite3`.

Each dossier is one row: its JSON document, the revision for optimistic concurrency, a
seal over the document, and a few columns derived from it for queries (stage, branch,
years, the next open deadline). The derived columns are only an index: what a load
returns always comes from the verified document.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.derived import facts_for
>>> from ketnap.storage import Query
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
...     store.save(dossier)
...     [found.id for found in store.find(Query(stage=Stage.PROPOSED))]
['HS-001']
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, ClassVar, Final

from ketnap.errors import InvalidDocument, StoreError
from ketnap.facts import FactsFunction
from ketnap.process import ADMISSION, Process
from ketnap.rules import RuleSet
from ketnap.storage._seals import (
    course_seal,
    dossier_entry_seal,
    quota_seal,
    row_seal,
    tree_seal,
)
from ketnap.storage._sql import SEALED_COLUMNS, Connection, Dialect, SQLStore, schema_ddl
from ketnap.storage._tables import _DERIVED, _EVENT
from ketnap.storage.base import _GENESIS, LayoutUpgrade
from ketnap.storage.documents import DEFAULT_FORMAT, DocumentFormat

__all__ = ["SQLiteStore"]

# The table layout; bumped (with a migration in _migrate) when the tables change.
_LAYOUT: Final = 5
_CHUNK: Final = 500

# The events inserted several rows to a statement (see `SQLiteStore._insert_many`).
_EVENTS_PER_INSERT: Final = 16
_EVENT_ROW: Final = "(?, ?, ?, ?, ?, ?)"
_GROUPED_EVENTS: Final = _EVENT.replace(
    f"VALUES {_EVENT_ROW}", f"VALUES {', '.join([_EVENT_ROW] * _EVENTS_PER_INSERT)}"
)

# Layout 1 sealed each dossier's document alone and nothing else, and kept no journal.
# A newer store put back to layout 1 by hand (its rows edited, its seals and journal
# dropped) looks exactly like one, so such a file is never migrated on opening.
_UNSEALED_LAYOUT: Final = (
    "the store is at layout 1, which sealed no quota, course or tree and kept no save"
    " journal; ketnap does not seal rows it has not verified, and a newer store put back"
    " to layout 1 by hand looks the same. If this file really was written by a ketnap of"
    " layout 1, check it against your records and migrate it explicitly: ketnap migrate"
    " --trust-unsealed (in Python, SQLiteStore(path, trust_unsealed=True))"
)


def _ddl(*, journal_only: bool = False) -> str:
    # A table keyed by its primary key is clustered on it; the journal's key increases.
    return schema_ddl(
        without_rowid=" WITHOUT ROWID", sequence="INTEGER PRIMARY KEY", journal_only=journal_only
    )


# Layout 3: dossiers by stage in id order, so that find(stage=...) pages without sorting.
_SCHEMA_3 = """
DROP INDEX IF EXISTS dossiers_stage;
CREATE INDEX IF NOT EXISTS dossiers_stage_id ON dossiers (stage, id);
"""

# Layout 4: the events in branch order (a committee's report reads contiguous runs).
_SCHEMA_4 = """
CREATE TABLE events_by_branch (
    organization TEXT NOT NULL,
    dossier_id   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    target       TEXT,
    PRIMARY KEY (organization, dossier_id, seq)
) WITHOUT ROWID;
INSERT INTO events_by_branch (organization, dossier_id, seq, day, kind, target)
    SELECT organization, dossier_id, seq, day, kind, target FROM events;
DROP TABLE events;
ALTER TABLE events_by_branch RENAME TO events;
"""

# Layout 5: a dossier's events get no seal of their own (rows saved now leave
# dossiers.events_seal empty; `verify` compares the events with those the sealed
# document gives). No table changes: the rows saved before keep their events seal, which
# their journal link covers. The number changes so that an older ketnap, which would
# call every new row's events unsealed, refuses the file.
_SCHEMA_5 = ""

# The admitted in a period, grouped by every candidate field the statistics count
# (`ketnap.facts.PROFILE_FIELDS`, filled in as {facts}), read from the sealed document;
# the birth date and the decision's day are returned as they are, for the law to tell
# the age.
_PROFILE = """
WITH admitted AS MATERIALIZED (
    -- the candidate's object, taken out of each admitted document once: a plain subquery
    -- is flattened, and the whole document parsed again for every fact (EXPLAIN)
    SELECT e.day AS day, json_extract(d.document, '$.dossier.candidate') AS c
    FROM events e JOIN dossiers d ON d.id = e.dossier_id
    WHERE e.kind IN ({marks}) AND e.day BETWEEN ? AND ?{scope})
SELECT {facts}, json_extract(c, '$.birth_date'), day, count(*) FROM admitted
GROUP BY {groups}
"""

SQLITE: Final = Dialect(
    # IMMEDIATE: the write lock is taken at once, so a writer waits (up to the timeout)
    # instead of failing when it first writes.
    begin_write="BEGIN IMMEDIATE",
    begin_read="BEGIN",
    journal_head="SELECT value FROM ketnap_meta WHERE key = 'journal'",
    due_index=" INDEXED BY dossiers_due",
    # The stage on a day: the target of each dossier's last act by then (SQLite returns
    # the bare column of the row holding max(seq)). Only steps lead to a stage.
    # Grouped in the events' key order (a dossier's events share its branch): no sort.
    last_acts="SELECT target, count(*) FROM (SELECT target, max(seq) FROM events"
    " WHERE target IS NOT NULL AND day <= ?{scope} GROUP BY organization, dossier_id)"
    " GROUP BY target",
    profile=_PROFILE,
    # JSON true and false come back as 1 and 0.
    candidate_fact="json_extract(c, '$.{name}')",
)


def _store_error(exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(
            "the store is locked by another writer for longer than the timeout; try again"
        )
    if "full" in text:
        return StoreError(f"the store cannot grow (disk or size limit full): {text}")
    return StoreError(f"the store failed: {text}")


class SQLiteStore(SQLStore):
    """
    Dossiers in one SQLite file (WAL mode), behind the `Store` interface.

    Args:
        path: the database file, or ``":memory:"`` (kept for the life of the object).
        process: the process the dossiers follow: a loaded stage it does not know is
            refused, and the figures count its stages.
        facts: derives, on every save, the columns reports and the due index read
            (`ketnap.derived.facts_for(workflow.law)`). Without it only what the dossier itself
            says is kept (`ketnap.facts.plain_facts`) and no planner runs on a save; the
            queries that need the rest (`Query(due_by=...)`, `figures`) are refused with
            `StoreError`. `verify` re-derives them with it, so
            verify with the function the store is saved with.
        regulations: the rule sets the dossiers' histories may name (None: the shipped
            ones); an act under a regulation not in force on its date is refused.
        seal_key: a secret kept outside the database. With it, each row and each link of
            the save journal is sealed with HMAC-SHA-256, so an edit of the file by someone
            without the key is detected even if they also recompute every digest. Without
            it the seals are plain SHA-256 digests, which detect edits made without care
            to recompute them.
        document_format: the JSON schema and its migrations.
        durable: ``synchronous=FULL`` (each commit survives a power cut); False gives
            ``NORMAL``, which survives a crash of the process but not of the machine.
        timeout: seconds to wait for another writer's lock before `StoreError`.
        create: create the store if *path* is missing or empty. With False (read-only
            commands), only an existing ketnap store is opened; anything else is refused
            and left untouched.
        trust_unsealed: migrate a layout-1 file, which is otherwise refused: each
            dossier's layout-1 seal (with *seal_key*, if it had one) and document are
            verified, its index columns and events derived anew, and its quotas, courses
            and tree sealed as they stand, unchecked (`upgrade` counts them). Any dossier
            that fails stops the migration, and nothing is changed.

    One object may be shared by threads: its methods take turns on one connection.
    Processes each open their own object on the same file.

    Raises:
        StoreError: *path* is not a ketnap store (or not a database), holds a newer
            layout, is at layout 1 (without *trust_unsealed*), lacks the seals or the
            save journal its layout has, or cannot be opened.
    """

    _dialect: ClassVar[Dialect] = SQLITE
    _conflicts: ClassVar[tuple[type[Exception], ...]] = (sqlite3.IntegrityError,)

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        process: Process = ADMISSION,
        facts: FactsFunction | None = None,
        regulations: Iterable[RuleSet] | None = None,
        seal_key: bytes | None = None,
        document_format: DocumentFormat = DEFAULT_FORMAT,
        durable: bool = True,
        timeout: float = 5.0,
        create: bool = True,
        trust_unsealed: bool = False,
    ) -> None:
        super().__init__(
            process=process,
            facts=facts,
            regulations=regulations,
            seal_key=seal_key,
            document_format=document_format,
        )
        self._lock = threading.RLock()
        where = os.fspath(path)
        if not create:
            _must_be_a_file(where)
        try:
            self._connection = sqlite3.connect(
                where, isolation_level=None, timeout=timeout, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {where!r}: {exc}") from None
        try:
            self._open(durable=durable, create=create, trust_unsealed=trust_unsealed)
        except sqlite3.Error as exc:
            self._connection.close()
            raise StoreError(f"cannot open the store at {where!r}: {exc}") from None
        except StoreError as exc:
            self._connection.close()
            raise StoreError(f"cannot open the store at {where!r}: {exc}") from None

    def _open(self, *, durable: bool, create: bool, trust_unsealed: bool) -> None:
        layout = self._layout(create=create, trust_unsealed=trust_unsealed)
        self._db.execute("PRAGMA journal_mode=WAL")
        # 64 MB of page cache (SQLite's default is 2 MB) for the indexes of a large store.
        self._db.execute("PRAGMA cache_size=-65536")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        if layout is None:
            with self._transaction():
                # Another process may have created it since the read above.
                if not self._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'ketnap_meta'"
                ).fetchone():
                    self._script(_ddl())
                    self._db.execute(
                        "INSERT INTO ketnap_meta VALUES ('layout', ?)", (str(_LAYOUT),)
                    )
                    self._db.execute("INSERT INTO ketnap_meta VALUES ('journal', ?)", (_GENESIS,))
        elif layout < _LAYOUT:
            self.upgrade = self._migrate(layout)

    def _layout(self, *, create: bool, trust_unsealed: bool) -> int | None:
        """
        The file's layout (None: an empty file to create), or `StoreError` if unusable.

        Everything is read before anything is written: a file this ketnap cannot use (a
        newer layout, another program's database, a store stripped of its seals) is
        refused untouched.
        """
        tables = {
            name
            for (name,) in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall()
        }
        layout = None
        if "ketnap_meta" in tables:
            row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'layout'").fetchone()
            layout = None if row is None else row[0]
        if layout is None:
            if tables:
                raise StoreError("the file is a database of another program, not a ketnap store")
            if not create:
                raise StoreError("no ketnap store there (empty file)")
            return None
        if not layout.isdigit():
            raise StoreError("the store's layout is unreadable")
        if int(layout) > _LAYOUT:
            raise StoreError(f"the store has layout {layout}, newer than this ketnap's {_LAYOUT}")
        columns = {
            (table, column)
            for table in sorted({table for table, _ in SEALED_COLUMNS})
            for (column,) in self._db.execute(
                "SELECT name FROM pragma_table_info(?)", (table,)
            ).fetchall()
        }
        if int(layout) == 1:
            if not trust_unsealed:
                raise StoreError(_UNSEALED_LAYOUT)
            self._refuse_later_layout(columns)
            return 1
        self._refuse_unsealed(columns)
        return int(layout)

    def _refuse_later_layout(self, columns: set[tuple[str, str]]) -> None:
        """Refuse a file marked layout 1 that holds what only a later layout has."""
        # Layout 1 had dossiers.seal already (over the document alone); nothing else.
        after_1 = SEALED_COLUMNS - {("dossiers", "seal")}
        later = sorted(f"{table}.{column}" for table, column in columns & after_1)
        if self._db.execute("SELECT 1 FROM ketnap_meta WHERE key = 'journal'").fetchone():
            later.append("ketnap_meta.journal")
        if later:
            raise StoreError(
                f"the store says layout 1 but holds {', '.join(later)}, which only a later"
                " layout has: its layout was changed outside ketnap; nothing was migrated"
            )

    def _script(self, script: str) -> None:
        # executescript would commit first: each statement goes in the open transaction.
        for statement in script.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def _migrate(self, found: int) -> LayoutUpgrade:
        """Bring an older layout up to this one, a step at a time, each in a transaction."""
        upgrade = LayoutUpgrade(before=found, after=_LAYOUT)
        if found == 1:
            upgrade = self._migrate_1_to_2() or upgrade
        for layout, script in (("2", _SCHEMA_3), ("3", _SCHEMA_4), ("4", _SCHEMA_5)):
            with self._transaction():
                row = self._db.execute(
                    "SELECT value FROM ketnap_meta WHERE key = 'layout'"
                ).fetchone()
                if row[0] != layout:  # another process migrated first, or no need
                    continue
                self._script(script)
                self._db.execute(
                    "UPDATE ketnap_meta SET value = ? WHERE key = 'layout'", (str(int(layout) + 1),)
                )
        return upgrade

    def _migrate_1_to_2(self) -> LayoutUpgrade | None:
        """
        Layout 1 to 2 (asked for with ``trust_unsealed``): verify, derive, seal, journal.

        Each dossier's layout-1 seal (over its document alone) must match and its document
        must load; its index columns and events are then derived from that document, so
        what gets sealed is what was verified. Quotas, courses and the tree had no seal
        in layout 1: they are sealed as they stand, and counted as such.

        Returns None when another process migrated first.

        Raises:
            StoreError: a dossier fails; nothing is changed.
        """
        with self._transaction():
            row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'layout'").fetchone()
            if row[0] != "1":  # another process migrated first, or no need
                return None
            self._db.execute("ALTER TABLE dossiers ADD COLUMN events_seal TEXT NOT NULL DEFAULT ''")
            for table in ("courses", "quotas"):
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN seal TEXT NOT NULL DEFAULT ''")
            self._script(_ddl(journal_only=True))
            self._db.execute("INSERT INTO ketnap_meta VALUES ('journal', ?)", (_GENESIS,))
            links = self._reseal_dossiers()
            verified = len(links)
            trusted: dict[str, int] = {}
            for unit, year, admissions in self._db.execute(
                "SELECT unit, year, admissions FROM quotas"
            ).fetchall():
                seal = quota_seal(unit, year, admissions, seal_key=self._key)
                self._db.execute(
                    "UPDATE quotas SET seal = ? WHERE unit = ? AND year = ?", (seal, unit, year)
                )
                links.append(("quota", f"{unit}/{year}", 1, seal))
                trusted["quota"] = trusted.get("quota", 0) + 1
            for course in self._db.execute(
                "SELECT code, unit, opened_on, closed_on, trainees FROM courses"
            ).fetchall():
                seal = course_seal(*course, seal_key=self._key)
                self._db.execute("UPDATE courses SET seal = ? WHERE code = ?", (seal, course[0]))
                links.append(("course", course[0], 1, seal))
                trusted["course"] = trusted.get("course", 0) + 1
            tree = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
            if tree is not None:
                links.append(("tree", "tree", 1, tree_seal(tree[0], seal_key=self._key)))
                trusted["tree"] = 1
            self._journal(links)
            self._db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'layout'", ("2",))
        return LayoutUpgrade(before=1, after=_LAYOUT, verified=verified, trusted=trusted)

    def _reseal_dossiers(self) -> list[tuple[str, str, int, str]]:
        """Verify and seal every layout-1 dossier, a chunk at a time; return their links."""
        ids = [dossier_id for (dossier_id,) in self._db.execute(
            "SELECT id FROM dossiers ORDER BY id"
        ).fetchall()]  # fmt: skip
        links: list[tuple[str, str, int, str]] = []
        failed: list[str] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = self._db.execute(
                "SELECT id, revision, seal, document FROM dossiers"
                f" WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            ).fetchall()
            for dossier_id, revision, old_seal, document in rows:
                link = self._reseal(dossier_id, revision, old_seal, document)
                if link is None:
                    failed.append(dossier_id)
                else:
                    links.append(link)
        if failed:
            named = ", ".join(repr(dossier_id) for dossier_id in failed[:5])
            more = f" and {len(failed) - 5:,} more" if len(failed) > 5 else ""
            raise StoreError(
                f"{len(failed):,} of {len(ids):,} dossiers do not match their layout-1 seal or"
                f" do not load ({named}{more}): the file was edited after it was written (or"
                " is opened without the seal key it was written with); nothing was migrated"
            )
        return links

    def _reseal(
        self, dossier_id: str, revision: int, old_seal: str, document: str
    ) -> tuple[str, str, int, str] | None:
        """Seal one layout-1 dossier from its verified document; None if it fails."""
        content = document.encode()
        expected = (
            hashlib.sha256(content).hexdigest()
            if self._key is None
            else hmac.new(self._key, content, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(old_seal, expected):
            return None
        try:
            dossier = self._format.loads(
                document, process=self._process, regulations=self._regulations
            )
        except InvalidDocument:
            return None
        if dossier.id != dossier_id:
            return None
        derived, events = self._derive(dossier)
        seal = row_seal(dossier_id, revision, derived, document, seal_key=self._key)
        # The events seal stays empty, as a save leaves it (`SQLWriting._row`).
        self._db.execute(
            f"UPDATE dossiers SET {', '.join(f'{c} = ?' for c in _DERIVED)},"
            " events_seal = '', seal = ? WHERE id = ?",
            (*derived, seal, dossier_id),
        )
        self._db.execute("DELETE FROM events WHERE dossier_id = ?", (dossier_id,))
        self._db.executemany(_EVENT, events)
        self._identify_raw(dossier_id, derived[0], document)
        return ("dossier", dossier_id, revision, dossier_entry_seal(seal, "", seal_key=self._key))

    def _insert_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        # The events (a dozen small rows a dossier) go sixteen to a statement: sqlite3
        # binds and steps each statement on its own, and for rows this small that costs
        # more than their insertion (about a fifth less time for the events, measured).
        # The same rows in the same order. Not the identities, whose ON CONFLICT clause
        # makes a statement of many rows slower than as many statements of one.
        if sql != _EVENT or not isinstance(rows, list) or len(rows) < _EVENTS_PER_INSERT:
            return super()._insert_many(sql, rows)
        full = len(rows) - len(rows) % _EVENTS_PER_INSERT
        count = int(
            self._db.executemany(
                _GROUPED_EVENTS,
                (
                    tuple(chain.from_iterable(rows[start : start + _EVENTS_PER_INSERT]))
                    for start in range(0, full, _EVENTS_PER_INSERT)
                ),
            ).rowcount
        )
        if full < len(rows):
            count += super()._insert_many(sql, rows[full:])
        return count

    @property
    def _db(self) -> Connection:
        return self._connection  # type: ignore[return-value]  # sqlite3's own signatures

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        # One connection, shared by threads in turn; any sqlite3 error is a StoreError.
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise _store_error(exc) from None

    def _check_database(self) -> None:
        status = self._connection.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise StoreError(f"the database file is damaged: {status}")

    def _close(self) -> None:
        with self._session():
            self._connection.close()


def _must_be_a_file(where: str) -> None:
    """Refuse, before SQLite can create it, a path that holds no store yet."""
    if where == ":memory:" or where.startswith("file:"):
        raise StoreError(f"no ketnap store at {where!r}: an in-memory store holds nothing yet")
    path = Path(where)
    if not path.is_file():
        raise StoreError(f"no ketnap store at {where!r}")
    if path.stat().st_size == 0:
        raise StoreError(f"no ketnap store at {where!r} (empty file)")
