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
from collections.abc import Iterable, Sequence

__all__ = [
    "course_seal",
    "dossier_entry_seal",
    "events_seal",
    "identity_seal",
    "journal_link",
    "quota_seal",
    "row_seal",
    "seal_fields",
    "tree_seal",
]


def _field(value: object) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text}"


def _field_of_field(value: object) -> str:
    """``_field(_field(value))``, the events' seal's form, made in one step."""
    text = "" if value is None else str(value)
    inner = f"{len(text)}:{text}"
    return f"{len(inner)}:{inner}"


def seal_fields(*parts: object, nested: Iterable[object] = (), seal_key: bytes | None) -> str:
    """The seal of *parts*, then of *nested*; keyed (HMAC) when *seal_key* is given."""
    # Length-prefixed fields: no choice of free text makes two contents collide.
    # *nested* values are fields of fields, prefixed twice in one step.
    content = "|".join(
        [*(_field(part) for part in parts), *(_field_of_field(value) for value in nested)]
    ).encode()
    if seal_key is None:
        return hashlib.sha256(content).hexdigest()
    return hmac.new(seal_key, content, hashlib.sha256).hexdigest()


def row_seal(
    dossier_id: str,
    revision: int,
    derived: Sequence[object],
    document: str,
    *,
    seal_key: bytes | None,
) -> str:
    """The seal of a dossier's row: its id, revision, derived columns and document."""
    return seal_fields("dossier", dossier_id, revision, *derived, document, seal_key=seal_key)


def events_seal(
    dossier_id: str, revision: int, events: Iterable[Sequence[object]], *, seal_key: bytes | None
) -> str:
    """The seal of a dossier's event rows (seq, day, kind, target, organization each)."""
    return seal_fields(
        "events",
        dossier_id,
        revision,
        nested=(e for event in events for e in event),
        seal_key=seal_key,
    )


def dossier_entry_seal(row: str, events: str, *, seal_key: bytes | None) -> str:
    """What the journal records of a dossier: its *row* seal and *events* seal, together."""
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
