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
from typing import Final

__all__ = [
    "course_seal",
    "dossier_entry_seal",
    "event_rows_seal",
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


# The events' seal takes each value of every event row, and the values repeat from row
# to row and dossier to dossier (numbers, days, step and stage codes, branches): each
# one's doubly prefixed form is made once. Kept by exact type, str or int only, so that
# no other value equal to one of them (True and 1, 1.0 and 1) is given its form.
_NESTED: dict[type, dict[object, str]] = {str: {}, int: {}}
_NESTED_CAP: Final = 50_000


def _nested_rows(rows: Iterable[Sequence[object]], start: int) -> list[str]:
    """``_field_of_field`` of each value of each of *rows* from index *start*, in order."""
    known = _NESTED
    fields: list[str] = []
    for row in rows:
        for value in row[start:] if start else row:
            forms = known.get(type(value))
            form = None if forms is None else forms.get(value)
            if form is None:
                form = _field_of_field(value)
                if forms is not None and len(forms) < _NESTED_CAP:
                    forms[value] = form
            fields.append(form)
    return fields


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


def seal_fields(*parts: object, nested: Iterable[object] = (), seal_key: bytes | None) -> str:
    """The seal of *parts*, then of *nested*; keyed (HMAC) when *seal_key* is given."""
    # Length-prefixed fields: no choice of free text makes two contents collide.
    # *nested* values are fields of fields, prefixed twice in one step.
    texts = ["" if part is None else str(part) for part in parts]
    fields = [f"{len(text)}:{text}" for text in texts]
    if nested:
        fields += [_field_of_field(value) for value in nested]
    return _hexdigest("|".join(fields).encode(), seal_key=seal_key)


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


def events_seal(
    dossier_id: str, revision: int, events: Iterable[Sequence[object]], *, seal_key: bytes | None
) -> str:
    """The seal of a dossier's event rows (seq, day, kind, target, organization each)."""
    # ``seal_fields("events", id, revision, nested=<every value of every event>)``.
    return _events_seal(dossier_id, revision, events, 0, seal_key)


def event_rows_seal(
    dossier_id: str, revision: int, rows: Iterable[Sequence[object]], *, seal_key: bytes | None
) -> str:
    """
    `events_seal` of the event rows as the events table takes them, the dossier's id first.

    The same seal: each row's first value (the dossier) is left out, as `events_seal` is
    given none.
    """
    return _events_seal(dossier_id, revision, rows, 1, seal_key)


def _events_seal(
    dossier_id: str,
    revision: int,
    rows: Iterable[Sequence[object]],
    start: int,
    seal_key: bytes | None,
) -> str:
    nested = _nested_rows(rows, start)
    content = "|".join([_field("events"), _field(dossier_id), _field(revision), *nested])
    return _hexdigest(content.encode(), seal_key=seal_key)


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
