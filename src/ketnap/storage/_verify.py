"""
Verifying a SQL store: everything a report counts must be what was saved.

Each dossier is rebuilt from its sealed document, its derived columns and events are
derived again and compared, the quota, course and tree rows are checked against their
seals, and the save journal's chain is walked: every row must be the latest link for its
key, so a deleted row, a row put back to an older version or a lowered revision shows.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ketnap.errors import InvalidDocument, StoreError
from ketnap.model import Dossier
from ketnap.storage._core import _CHUNK, _guarded
from ketnap.storage._organizations import stored_branches
from ketnap.storage._reading import SQLReading
from ketnap.storage._seals import (
    course_seal,
    dossier_entry_seal,
    journal_link,
    quota_seal,
    tree_seal,
)
from ketnap.storage.base import _GENESIS, StoreProblem, check_anchor

__all__ = ["SQLVerifying"]


class SQLVerifying(SQLReading):
    """The verification of `SQLStore`, and the journal anchor it checks against."""

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
        # A dossier that failed its own check cannot say where its earlier branches' events
        # belong: it is reported once, as itself, not again for those events.
        failed = {problem.dossier_id for problem in problems if problem.kind == "dossier"}
        problems.extend(
            StoreProblem(key, StoreError("events of a dossier that is not stored"), kind="events")
            for key in sorted(
                {key for unit, key in orphans if (unit, key) not in elsewhere} - failed
            )
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
            branches = stored_branches(self._db)
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
            expected = journal_link(head, kind, key, revision, seal, seal_key=self._key)
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
            if seal != quota_seal(unit, year, admissions, seal_key=self._key):
                problems.append(
                    StoreProblem(key, StoreError("the quota does not match its seal"), "quota")
                )
                latest.pop(("quota", key), None)
            elif problem := self._expect(latest, "quota", key, 1, seal):
                problems.append(problem)
        for *course, seal in self._db.execute(
            "SELECT code, unit, opened_on, closed_on, trainees, seal FROM courses"
        ).fetchall():
            if seal != course_seal(*course, seal_key=self._key):
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
            problem = self._expect(
                latest, "tree", "tree", 1, tree_seal(tree[0], seal_key=self._key)
            )
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
            dossier_id, revision, *_derived, sealed_events, seal, _document = row
            entry = dossier_entry_seal(seal, sealed_events, seal_key=self._key)
            journal = self._expect(latest, "dossier", dossier_id, revision, entry)
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
        dossier_id, _revision, *derived, _events_seal, _seal, _document = row
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
        # Compared with what the sealed document gives, value and type (1.0 is not the
        # seq 1): an events seal (kept by rows saved before SQLite layout 5 and
        # PostgreSQL layout 4) is covered by the row's journal link instead.
        if _typed(stored) != _typed(e[1:] for e in events):
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


def _typed(rows: Iterable[Sequence[Any]]) -> list[tuple[tuple[type, Any], ...]]:
    """
    *rows* with each value beside its kind, so that a number kept as a real differs.

    A text is a text whatever its class (a facts function may give a step's enum member,
    which the database keeps as its text), and an integer an integer.
    """
    return [tuple((_kind(value), value) for value in row) for row in rows]


def _kind(value: object) -> type:
    if isinstance(value, str):
        return str
    if isinstance(value, int):
        return int
    return type(value)
