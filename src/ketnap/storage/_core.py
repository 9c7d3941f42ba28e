"""
What every part of `SQLStore` stands on: the connection, transactions and the journal.

`SQLCore` holds the store's settings and the few primitives the writing, reading,
verifying, report and organisation parts all use (`ketnap.storage._sql` composes them):
a session and a transaction on the database, the facts derived from a dossier, and the
appending of links to the save journal. `Dialect`, `Cursor` and `Connection` are what a
database gives the store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, ClassVar, Concatenate, Final, ParamSpec, Protocol, Self, TypeVar

import attrs
import pendulum

from ketnap.errors import StoreError
from ketnap.facts import FactsFunction, plain_facts
from ketnap.model import Dossier
from ketnap.process import Process
from ketnap.rules import RuleSet
from ketnap.storage._seals import journal_link
from ketnap.storage._tables import _JOURNAL, SEALED_COLUMNS
from ketnap.storage.base import LayoutUpgrade
from ketnap.storage.documents import DocumentFormat

__all__ = ["Connection", "Cursor", "Dialect", "SQLCore"]

_CHUNK: Final = 500


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
        profile: the admitted of a period grouped by `ketnap.facts.PROFILE_FIELDS`
            (``{facts}``, each written as ``candidate_fact``; ``{groups}`` their numbers).
        candidate_fact: a field of the candidate's object ``c`` (``{name}``).
    """

    begin_write: str
    begin_read: str
    journal_head: str
    due_index: str
    last_acts: str
    profile: str
    candidate_fact: str


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


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="SQLCore")


def _guarded(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Run a public method in a session: its connection held, any driver error a StoreError."""

    @functools.wraps(method)
    def guarded(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._session():
            return method(self, *args, **kwargs)

    return guarded


class SQLCore:
    """
    The settings of a SQL store and what all its parts use; `SQLStore` is made of them.

    The concrete store sets ``_dialect`` and ``_conflicts`` and provides ``_db``,
    `_session`, `_check_database` and `_close` (see `SQLStore`).
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

    def _insert_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """
        Run one INSERT for many rows (a database may do it in fewer round trips).

        *rows* may be an iterator, consumed while the statement runs. Returns the number
        of rows inserted (fewer than given where a conflict skipped some).
        """
        return int(self._db.executemany(sql, rows).rowcount)

    def _journal(self, links: Sequence[tuple[str, str, int, str]]) -> None:
        """Append *links* (kind, key, revision, seal) to the chained journal."""
        if not links:
            return
        # Locked where the database locks rows: two writers must not both extend one head.
        (head,) = self._db.execute(self._dialect.journal_head).fetchone()
        rows = []
        for kind, key, revision, seal in links:
            head = journal_link(head, kind, key, revision, seal, seal_key=self._key)
            rows.append((kind, key, revision, seal, head))
        self._insert_many(_JOURNAL, rows)
        self._db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'journal'", (head,))

    def _derive(self, dossier: Dossier) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """
        The dossier's index columns (in `_DERIVED` order) and its event rows.

        An event row is (dossier, seq, day, kind, target, organization), as `_EVENT` inserts it.
        """
        found = self._facts(dossier)
        unit = found.unit
        derived = (
            str(dossier.stage),
            unit,
            _iso(dossier.entered_pool_on),
            _iso(self._process.admission_date(dossier)),
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
        dossier_id = dossier.id
        events = [
            (dossier_id, seq, _iso(on), kind, target, event_unit or unit)
            for seq, on, kind, target, event_unit in sorted(found.events, key=_SEQ)
        ]
        return derived, events


_SEQ: Final = itemgetter(0)
"""An `Event`'s number (its first field)."""


class _IsoDays(dict[dt.date, str]):
    """
    Each day's ISO text, made once: the days of a store's acts repeat from dossier to dossier.

    ``date.isoformat`` costs about 0.2 µs and a save writes a dozen days into its columns
    and events; a lookup costs a seventh of that. Bounded: past `_ISO_DAYS_CAP` days,
    a day not yet seen is formatted and not kept. Only plain days (`_PLAIN_DAYS`) are
    looked up: keys match by equality, and a datetime, or a date of a class of its own,
    may equal a day and be written otherwise.
    """

    def __missing__(self, day: dt.date) -> str:
        text = day.isoformat()
        if len(self) < _ISO_DAYS_CAP:
            self[day] = text
        return text


_ISO_DAYS_CAP: Final = 100_000
_ISO_DAYS: Final = _IsoDays()


_PLAIN_DAYS: Final = frozenset({pendulum.Date, dt.date})


def _iso(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return _ISO_DAYS[day] if type(day) in _PLAIN_DAYS else day.isoformat()
