"""
The seals of a store's rows and the links of its save journal, as pure functions.

A seal is SHA-256 over length-prefixed fields, or HMAC-SHA-256 with the store's seal key.
Nothing here reads a database: a store of any kind that seals these fields the same way
writes rows that verify wherever they are read. Changing a single byte here breaks every
existing store's seals and journal (`SQLStore.verify` would call every row edited).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

__all__ = [
    "course_seal",
    "dossier_entry_seal",
    "identity_seal",
    "journal_link",
    "quota_seal",
    "row_seal",
    "seal_fields",
    "tree_seal",
]


def _hexdigest(content: bytes, more: bytes = b"", *, seal_key: bytes | None) -> str:
    """SHA-256 (or HMAC-SHA-256 with *seal_key*) of *content* followed by *more*."""
    if seal_key is None:
        digest = hashlib.sha256(content)
        if more:
            digest.update(more)
        return digest.hexdigest()
    keyed = hmac.new(seal_key, content, hashlib.sha256)
    if more:
        keyed.update(more)
    return keyed.hexdigest()


def seal_fields(*parts: object, seal_key: bytes | None) -> str:
    """The seal of *parts*; keyed (HMAC) when *seal_key* is given."""
    # Length-prefixed fields: no choice of free text makes two contents collide.
    texts = ["" if part is None else str(part) for part in parts]
    return _hexdigest(
        "|".join([f"{len(text)}:{text}" for text in texts]).encode(), seal_key=seal_key
    )


def row_seal(
    dossier_id: str,
    revision: int,
    derived: Sequence[object],
    document: str,
    *,
    seal_key: bytes | None,
    encoded: bytes | None = None,
) -> str:
    """
    The seal of a dossier's row: its id, revision, derived columns and document.

    *encoded*: the document's UTF-8 bytes, when the caller has them already.
    """
    # ``seal_fields("dossier", id, revision, *derived, document)``, hashed in two parts:
    # the short fields with the document's length prefix, then the document's own bytes,
    # so that the long text is neither copied into the joined content nor encoded again.
    texts = [
        "" if value is None else str(value) for value in ("dossier", dossier_id, revision, *derived)
    ]
    head = "|".join([*[f"{len(text)}:{text}" for text in texts], f"{len(document)}:"])
    body = document.encode() if encoded is None else encoded
    return _hexdigest(head.encode(), body, seal_key=seal_key)


def dossier_entry_seal(row: str, events: str, *, seal_key: bytes | None) -> str:
    """
    What the journal records of a dossier: its *row* seal.

    A row saved before SQLite layout 5 or PostgreSQL layout 4 has *events*, its events'
    own seal, and the journal recorded both together: that row is checked against them
    as it was written. A seal given to a row saved without one, or taken from a row saved
    with one, makes the row disagree with its journal link.
    """
    if not events:
        return row
    return seal_fields(row, events, seal_key=seal_key)


def quota_seal(unit: str, year: int, admissions: int, *, seal_key: bytes | None) -> str:
    """The seal of one quota row."""
    return seal_fields("quota", unit, year, admissions, seal_key=seal_key)


def course_seal(
    code: str, unit: str, opened_on: str, closed_on: str, trainees: int, *, seal_key: bytes | None
) -> str:
    """The seal of one course row, its dates as ISO text."""
    return seal_fields("course", code, unit, opened_on, closed_on, trainees, seal_key=seal_key)


def tree_seal(value: str, *, seal_key: bytes | None) -> str:
    """The seal of the organisation tree as stored (its JSON text)."""
    return seal_fields("tree", value, seal_key=seal_key)


def identity_seal(kind: str, value: str, *, seal_key: bytes | None) -> str:
    """
    The digest an identity (a citizen ID, a card number) is claimed under.

    The identities table holds this digest, never the value, next to the dossier holding it.
    """
    return seal_fields(kind, value, seal_key=seal_key)


def journal_link(
    previous: str, kind: str, key: str, revision: int, seal: str, *, seal_key: bytes | None
) -> str:
    """The journal link after *previous* recording that *key* of *kind* was saved with *seal*."""
    return seal_fields(previous, kind, key, revision, seal, seal_key=seal_key)
