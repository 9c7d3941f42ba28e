"""
Dossiers as JSON documents: versioned, strict, verified on load.

A document is plain JSON-compatible data::

    {"schema": "ketnap/dossier", "version": 1, "dossier": {...every field...}}

Loading checks every field's type (no ``"5"`` taken for ``5``, no ``"false"`` for
``True``), refuses unknown fields, rebuilds the domain objects with their own
validation and verifies the history chain (`ketnap.integrity`). Any problem raises one
`ketnap.InvalidDocument` naming the path of the offending field; nothing half-built
is returned. Older schema versions are brought forward by the format's migrations.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> text = dumps(dossier)
>>> loads(text).stage
'proposed'
>>> loads(text.replace('"held_on": "2024-03-12"', '"held_on": "12/03/2024"'))
Traceback (most recent call last):
...
ketnap.errors.InvalidDocument: $.dossier.votes[0].held_on: expected a date as YYYY-MM-DD
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs
import orjson

from ketnap import integrity
from ketnap.errors import InvalidDocument
from ketnap.inputs import LIMITS
from ketnap.model import (
    Dossier,
)
from ketnap.process import ADMISSION, Process
from ketnap.rules import RuleSet
from ketnap.storage._bounds import _check_bounds, _check_in_memory, parse_json
from ketnap.storage._converter import _CONVERTER, _explain

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "DocumentFormat",
    "Migration",
    "checked_dumps",
    "dumps",
    "from_document",
    "loads",
    "parse_json",
    "redact",
    "to_document",
    "with_records",
]

SCHEMA: Final = "ketnap/dossier"
"""The ``schema`` value of every dossier document."""

SCHEMA_VERSION: Final = 1
"""The schema version this release writes."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the ``dossier`` object of version *n* into that of version *n + 1*."""


# --- the format ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DocumentFormat:
    """
    The document schema: the version written and the migrations that read older ones.

    Args:
        version: the schema version written; documents of a newer version are refused.
        migrations: ``{n: migration}`` turning a version-*n* ``dossier`` object into
            version *n + 1*; a document of version *k* < ``version`` needs every step
            from *k* up.

    >>> def rename(dossier):
    ...     dossier["entered_pool_on"] = dossier.pop("pool_entry")
    ...     return dossier
    >>> next_format = DocumentFormat(version=2, migrations={1: rename})
    """

    version: int = SCHEMA_VERSION
    migrations: Mapping[int, Migration] = attrs.field(factory=dict)

    def to_document(self, dossier: Dossier) -> dict[str, Any]:
        """Return *dossier* as JSON-compatible data (every field, history included)."""
        body: dict[str, Any] = _CONVERTER.unstructure(dossier, Dossier)
        return {"schema": SCHEMA, "version": self.version, "dossier": body}

    def from_document(
        self,
        document: object,
        *,
        verify: bool = True,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Rebuild a dossier from *document*, migrating it from an older version if needed.

        Args:
            document: data as produced by `to_document` (or `json.loads` of `dumps`).
            verify: check that the history is intact and legal and leads to the stage
                (`ketnap.integrity.verify`).
            process: the process the dossier follows; a stage it does not know is refused.
            regulations: the rule sets a history entry may name (None: the shipped ones).

        Raises:
            InvalidDocument: anything wrong, with the path of the offending field.
        """
        _check_bounds(document)
        body = self._current_body(document)
        try:
            dossier = _CONVERTER.structure(body, Dossier)
        except Exception:  # noqa: BLE001 - every failure becomes one InvalidDocument
            raise _explain(body) from None
        _check_dossier(dossier, process, regulations, verify=verify)
        return dossier

    def dumps(self, dossier: Dossier, *, indent: int | None = None) -> str:
        """Return *dossier* as a JSON text (UTF-8 safe, Vietnamese kept readable)."""
        return json.dumps(self.to_document(dossier), ensure_ascii=False, indent=indent)

    def checked_dumps(
        self,
        dossier: Dossier,
        *,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> str:
        """
        Return *dossier* as a JSON text that is known to load back.

        A store writes this text, so that a save never accepts what a load refuses (a
        stage set by hand, a removed history entry, a record edited in place into an
        invalid state).

        Raises:
            InvalidDocument: the text would not load, with the path of the field.
        """
        return self._checked_text(dossier, process=process, regulations=regulations)[0]

    def _checked_text(
        self,
        dossier: Dossier,
        *,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> tuple[str, bytes]:
        """`checked_dumps`'s text and its UTF-8 bytes, which a store's seal hashes."""
        # What a load checks, without parsing the text back: the records are frozen and
        # were validated (text, integers and collections bounded) when built, so what
        # remains is the dossier's own mutable fields, the history and the size.
        _check_in_memory(dossier)
        _check_dossier(dossier, process, regulations, verify=True)
        try:
            # orjson writes the stored text about five times faster than json (a tenth
            # of a save); compact, UTF-8, and refusing what JSON cannot hold (a lone
            # surrogate, an integer over 64 bits) where json would write it.
            encoded = orjson.dumps(self.to_document(dossier))
        except (ValueError, TypeError) as exc:  # orjson.JSONEncodeError is a TypeError
            raise InvalidDocument("$", f"cannot be written ({type(exc).__name__})") from None
        if len(encoded) > LIMITS.document_bytes:
            raise InvalidDocument("$", f"larger than {LIMITS.document_bytes:,} bytes")
        return encoded.decode(), encoded

    def loads(
        self,
        text: str | bytes,
        *,
        verify: bool = True,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Parse a JSON text and rebuild the dossier; see `from_document`.

        The text is bounded (`ketnap.inputs.LIMITS`): its size is checked before parsing,
        its nesting, lists, integers and strings while and after parsing. Duplicate keys
        in an object are refused rather than resolved silently.

        Raises:
            InvalidDocument: the text is not JSON (truncated, not UTF-8), exceeds a limit,
                or the document is invalid.
        """
        return self.from_document(
            parse_json(text), verify=verify, process=process, regulations=regulations
        )

    def with_records(
        self,
        dossier: Dossier,
        records: Mapping[str, object],
        *,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Return a copy of *dossier* with *records* added, as a document would give them.

        *records* is part of a document's ``dossier`` object (`to_document`): the records
        an office writes down as it goes (a vote, a certificate, a received decision).
        Lists that accumulate (``votes``, ``certificates``, ``approvals``, ``sponsors``,
        ``transfers``) are appended to; ``documents`` are merged by form; any other field
        is replaced (``null`` clears an optional one). What acts write (``stage``, ``history``,
        ``late_acts``, ``refusals``) and ``id``, ``revision`` cannot be given. The
        result is checked as a loaded document is, so nothing invalid gets in.

        Raises:
            InvalidDocument: a field cannot be recorded or its value is invalid; the path
                names the place in *records* (``$.records.votes[0].held_on``).
        """
        if not isinstance(records, Mapping):
            raise InvalidDocument("$.records", "expected an object")
        body = self.to_document(dossier)["dossier"]
        offsets: dict[str, int] = {}
        for name, value in records.items():
            path = f"$.records.{name}"
            if name not in attrs.fields_dict(Dossier):
                raise InvalidDocument(path, "not a field of a dossier")
            if name in _WRITTEN_BY_ACTS:
                raise InvalidDocument(path, "written by acts and by the store, not recorded")
            if name in _ACCUMULATING:
                if not isinstance(value, list):
                    raise InvalidDocument(path, "expected a list of items to add")
                offsets[name] = len(body.get(name, ()))
                body[name] = [*body.get(name, ()), *value]
            elif name == "documents":
                if not isinstance(value, dict):
                    raise InvalidDocument(path, "expected an object of documents by form")
                body[name] = {**body.get(name, {}), **value}
            else:
                body[name] = value
        try:
            updated = self.from_document(
                {"schema": SCHEMA, "version": self.version, "dossier": body},
                process=process,
                regulations=regulations,
            )
        except InvalidDocument as exc:
            raise type(exc)(_records_path(exc.path, records, offsets), exc.reason) from None
        updated.revision = dossier.revision  # the stored copy it replaces, for the store
        return updated

    def _current_body(self, document: object) -> dict[str, Any]:
        if not isinstance(document, dict):
            raise InvalidDocument("$", "expected an object")
        if document.get("schema") != SCHEMA:
            raise InvalidDocument("$.schema", f"expected {SCHEMA!r}")
        version = document.get("version")
        if type(version) is not int:
            raise InvalidDocument("$.version", "expected an integer")
        if version > self.version:
            raise InvalidDocument(
                "$.version", f"version {version} is newer than this ketnap reads ({self.version})"
            )
        extra = set(document) - {"schema", "version", "dossier"}
        if extra:
            raise InvalidDocument("$", f"unknown fields: {', '.join(sorted(map(repr, extra)))}")
        body = document.get("dossier")
        if not isinstance(body, dict):
            raise InvalidDocument("$.dossier", "expected an object")
        for step in range(version, self.version):
            migration = self.migrations.get(step)
            if migration is None:
                raise InvalidDocument(
                    "$.version", f"no migration from version {step} to {step + 1}"
                )
            try:
                body = migration(dict(body))
            except Exception as exc:  # noqa: BLE001 - a migration's failure is the document's
                raise InvalidDocument(
                    "$.dossier", f"migration from version {step} failed: {type(exc).__name__}"
                ) from None
        return body


# What `with_records` appends to, and what it refuses: acts and the store write these.
_ACCUMULATING: Final = frozenset({"votes", "certificates", "approvals", "sponsors", "transfers"})
_WRITTEN_BY_ACTS: Final = frozenset({"id", "stage", "history", "late_acts", "refusals", "revision"})


def _records_path(path: str, given: Mapping[str, object], offsets: Mapping[str, int]) -> str:
    """Turn ``$.dossier.votes[3]...`` into the place in the records: ``$.records.votes[1]``."""
    found = re.match(r"\$\.dossier\.(\w+)(?:\[(\d+)\])?", path)
    if found is None or found.group(1) not in given:
        return path
    name, index = found.group(1), found.group(2)
    if name not in offsets:
        return path.replace("$.dossier.", "$.records.", 1)
    if index is not None and int(index) >= offsets[name]:
        return f"$.records.{name}[{int(index) - offsets[name]}]" + path[found.end() :]
    return path


def _check_dossier(
    dossier: Dossier,
    process: Process,
    regulations: Iterable[RuleSet] | None,
    *,
    verify: bool,
) -> None:
    """The checks of a built dossier shared by loading and checked saving."""
    if not process.knows_stage(dossier.stage):
        raise InvalidDocument(
            "$.dossier.stage", f"unknown stage {dossier.stage!r} for this process"
        )
    if verify:
        try:
            integrity.verify(dossier, process=process, regulations=regulations)
        except InvalidDocument as exc:
            raise type(exc)(exc.path.replace("$", "$.dossier", 1), exc.reason) from None


DEFAULT_FORMAT: Final = DocumentFormat()

to_document = DEFAULT_FORMAT.to_document
from_document = DEFAULT_FORMAT.from_document
dumps = DEFAULT_FORMAT.dumps
checked_dumps = DEFAULT_FORMAT.checked_dumps
loads = DEFAULT_FORMAT.loads
with_records = DEFAULT_FORMAT.with_records


# --- redacted export -------------------------------------------------------------------------


def redact(dossier: Dossier, *, salt: bytes) -> dict[str, Any]:
    """
    Return *dossier* without personal identifiers, for sharing statistics.

    Removed: names (candidate, helpers, sponsors, relatives, verified persons), the values
    of refused rules, the citizen
    ID, document numbers, the card number, population-policy violations and the times
    out of party activity (`Dossier.membership_gaps`). The birth date becomes the birth year,
    relatives a count per kinship, the id a keyed pseudonym (HMAC-SHA-256 with *salt*:
    stable across exports with the same salt, not reversible without it). Dates of
    acts, stages, votes and the organisation stay, since they are what statistics count.

    >>> import pendulum
    >>> from ketnap.testing import make_dossier
    >>> shared = redact(make_dossier(meeting=pendulum.date(2024, 3, 12)), salt=b"district")
    >>> candidate = shared["dossier"]["candidate"]
    >>> candidate["birth_year"], "name" in candidate, "relatives" in candidate
    (1999, False, True)
    """
    body = to_document(dossier)["dossier"]
    candidate = body["candidate"]
    relatives: dict[str, int] = {}
    for relative in candidate["relatives"]:
        relatives[relative["kinship"]] = relatives.get(relative["kinship"], 0) + 1
    prior = candidate["prior_membership"]
    body["candidate"] = {
        "birth_year": dossier.candidate.birth_date.year,
        "education": candidate["education"],
        "area": candidate["area"],
        "local_role": candidate["local_role"],
        "youth_union_member": candidate["youth_union_member"],
        "trade_union_member": candidate["trade_union_member"],
        "relatives": relatives,
        "readmission": prior is not None,
    }
    body["id"] = hmac.new(salt, dossier.id.encode(), hashlib.sha256).hexdigest()[:24]
    for helper in ("helper", "probation_helper"):
        if body.get(helper) is not None:
            body[helper].pop("name")
    for refusal in body.get("refusals", []):
        # The values explaining a failure may quote a name or an age: only the ids stay.
        refusal["rules"] = [{"rule_id": rule["rule_id"]} for rule in refusal["rules"]]
    for sponsor in body["sponsors"]:
        sponsor.pop("name")
        sponsor.pop("replaces")
        sponsor.pop("branch", None)
    if body["verification"] is not None:
        body["verification"]["verified"] = len(body["verification"]["verified"])
    body["card_number"] = None if dossier.card_number is None else "<redacted>"
    for entry in body["history"]:
        entry.pop("reference")
        entry.pop("previous")
        entry.pop("digest")
    for transfer in body.get("transfers", []):
        transfer.pop("reference", None)
    if body.get("remade") is not None:
        body["remade"].pop("reference", None)
    # An expulsion or a lost contact is a person's record, not an act statistics count.
    body.pop("membership_gaps", None)
    return {"schema": f"{SCHEMA}-redacted", "version": SCHEMA_VERSION, "dossier": body}
