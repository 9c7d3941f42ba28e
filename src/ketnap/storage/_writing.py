"""
Saving dossiers in a SQL store: the rows, their events and seals, identities, the journal.

A save is all or nothing: each dossier's revision is checked against the stored one (a
writer that loaded an older revision is refused with `StaleDossier`), its document is
checked to load back, its citizen ID and card number are claimed, and every row written
is sealed and linked into the save journal in the same transaction.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from ketnap.errors import InvalidDocument, InvalidInput, StaleDossier
from ketnap.model import Dossier
from ketnap.storage._core import _CHUNK, SQLCore, _guarded
from ketnap.storage._organizations import stored_branches
from ketnap.storage._seals import dossier_entry_seal, identity_seal, row_seal
from ketnap.storage._tables import _EVENT, _INSERT, _UPDATE

__all__ = ["SQLWriting"]

_log = logging.getLogger("ketnap.storage")


class SQLWriting(SQLCore):
    """The saving of dossiers of `SQLStore`."""

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
            branches = stored_branches(self._db)
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
                entry = dossier_entry_seal(row[-2], row[-3], seal_key=self._key)
                links.append(("dossier", dossier.id, row[0], entry))
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
                digest = identity_seal("citizen_id", citizen_id, seal_key=self._key)
                claims.append(("citizen_id", digest, dossier.id, "candidate.citizen_id"))
            if dossier.card_number is not None:
                digest = identity_seal("card_number", dossier.card_number, seal_key=self._key)
                claims.append(("card_number", digest, dossier.id, "card_number"))
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
                (kind, identity_seal(kind, value, seal_key=self._key), dossier_id),
            )
            if cursor.rowcount == 0:
                _log.warning("dossier %r shares its %s with another dossier", dossier_id, kind)

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
        document, encoded = self._format._checked_text(  # noqa: SLF001 - the store's own format
            dossier, process=self._process, regulations=self._regulations
        )
        revision = dossier.revision + 1
        derived, events = self._derive(dossier)
        if branches is not None:
            _refuse_unknown_branches(dossier, derived[1], branches)
        seal = row_seal(
            dossier.id, revision, derived, document, seal_key=self._key, encoded=encoded
        )
        # The events get no seal of their own (the column stays empty): they are derived
        # from the sealed document, and `verify` derives them again and compares.
        return (revision, *derived, "", seal, document), events

    def _revision(self, dossier_id: str) -> int | None:
        row = self._db.execute(
            "SELECT revision FROM dossiers WHERE id = ?", (dossier_id,)
        ).fetchone()
        return None if row is None else int(row[0])


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
