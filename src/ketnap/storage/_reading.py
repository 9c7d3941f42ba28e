"""
Reading dossiers from a SQL store: load, find, ids, count and stages.

Every dossier returned is rebuilt from its sealed document and checked against its
seal; the derived columns only choose which rows to read. Pages are read in id order,
each through an index that stops at the page's end, so the first page of a large store
costs what any page costs.
"""

from __future__ import annotations

import heapq
import hmac
import logging
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any, Final

import attrs

from ketnap.errors import DossierNotFound, InvalidDocument
from ketnap.model import Dossier
from ketnap.storage._core import _CHUNK, SQLCore, _guarded
from ketnap.storage._seals import row_seal
from ketnap.storage._tables import _READ
from ketnap.storage.base import Query

__all__ = ["SQLReading"]

_log = logging.getLogger("ketnap.storage")

_FIRST_PAGE: Final = 25


class SQLReading(SQLCore):
    """The loading and finding of dossiers of `SQLStore`."""

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
        expected = row_seal(dossier_id, revision, derived, document, seal_key=self._key)
        if not hmac.compare_digest(seal, expected):
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
