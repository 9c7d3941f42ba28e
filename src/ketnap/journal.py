"""
A journal of what an office did (nhật ký): records and acts, one JSON object per line.

An office that keeps its work outside Python writes what happened, in order, as JSON
Lines, and `apply_journal` plays it onto a store: ``ketnap apply --store ... FILE``.
Each line names a stored dossier and gives records, an act, or both::

    {"dossier": "HS-001", "records": {"votes": [{"body": "branch", ...}]}}
    {"dossier": "HS-001", "step": "propose_admission", "on": "2024-03-12",
     "actor": "branch", "reference": "05-NQ/CB"}

``records`` is part of a dossier document added as `ketnap.storage.with_records` adds
it (lists appended to, documents merged by form, other fields replaced); an act is
checked by the rules in force on its date, as `Workflow.advance` checks it. A line
with both records and an act records first, as an office writes down the vote before
the resolution it carries.

By default a journal is all or nothing: any bad line or refused act and nothing is
saved. With ``keep_refusals`` a refused act is kept on its dossier
(`Workflow.record_refusal`) and that dossier's later lines are skipped, since they
follow from an act that did not happen; the rest is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs

from ketnap.dates import parse_date
from ketnap.errors import (
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    KetnapError,
)
from ketnap.inputs import LIMITS
from ketnap.model import Dossier
from ketnap.rules.refused import TransitionRefused
from ketnap.storage import Store, with_records
from ketnap.storage.documents import parse_json
from ketnap.workflow import KnownAct, Workflow

__all__ = ["JournalLine", "JournalRefused", "JournalResult", "apply_journal", "read_journal"]

_ACT_KEYS: Final = frozenset({"step", "on", "actor", "reference"})
_KEYS: Final = frozenset({"dossier", "records"}) | _ACT_KEYS


@attrs.frozen
class JournalLine:
    """One line of a journal: the dossier, the records to add, the act to record."""

    number: int
    dossier: str
    records: Mapping[str, object] | None = None
    act: KnownAct | None = None


class JournalRefused(KetnapError):
    """
    A journal line could not be read or applied; nothing was saved.

    Attributes:
        line: the line's number, from 1.
        reason: what is wrong, naming the field; for a refused act, every failed rule.
        refused: the refusal, when the line's act was refused by the rules.
    """

    def __init__(self, line: int, reason: str, refused: TransitionRefused | None = None) -> None:
        self.line = line
        self.reason = reason
        self.refused = refused
        super().__init__(f"line {line}: {reason}")


@attrs.frozen
class JournalResult:
    """
    What applying a journal did.

    Attributes:
        acts: acts recorded.
        records: lines whose records were added.
        refused: ``(line, dossier id, refusal)`` for each act refused and kept.
        skipped: numbers of the lines skipped because an earlier act of theirs was refused.
        saved: dossiers saved.
    """

    acts: int
    records: int
    refused: tuple[tuple[int, str, TransitionRefused], ...]
    skipped: tuple[int, ...]
    saved: int


def read_journal(lines: Iterable[str | bytes]) -> Iterator[JournalLine]:
    """
    Parse journal lines; blank lines are skipped.

    Raises:
        JournalRefused: a line that is not a JSON object of the journal's fields, or
            whose act has a bad date, step or actor; the reason names the field.
    """
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield _line(number, text)
        except (InvalidDocument, InvalidInput) as exc:
            raise JournalRefused(number, str(exc)) from None


def _line(number: int, text: str | bytes) -> JournalLine:
    if len(text) > LIMITS.document_bytes:
        raise InvalidInput("line", f"longer than {LIMITS.document_bytes:,} bytes")
    data = parse_json(text)
    if not isinstance(data, dict):
        raise InvalidInput("line", "expected a JSON object")
    unknown = set(data) - _KEYS
    if unknown:
        raise InvalidInput("line", f"unknown fields: {', '.join(sorted(map(repr, unknown)))}")
    dossier_id = data.get("dossier")
    if not isinstance(dossier_id, str) or not dossier_id:
        raise InvalidInput("dossier", "expected the dossier's id")
    records = data.get("records")
    if records is not None and not isinstance(records, dict):
        raise InvalidInput("records", "expected an object of records")
    act = None
    if _ACT_KEYS & set(data):
        for key in ("step", "on", "actor"):
            if not isinstance(data.get(key), str):
                raise InvalidInput(key, "required for an act, as text")
        act = KnownAct(
            step=data["step"],
            on=parse_date(data["on"], field="on"),
            actor=data["actor"],
            reference=data.get("reference"),
        )
    elif records is None:
        raise InvalidInput("line", "gives neither records nor an act")
    return JournalLine(number=number, dossier=dossier_id, records=records, act=act)


def apply_journal(
    store: Store,
    lines: Iterable[JournalLine],
    *,
    workflow: Workflow,
    keep_refusals: bool = False,
) -> JournalResult:
    """
    Play *lines* onto the dossiers of *store*, then save them in one transaction.

    Args:
        store: where the dossiers are; every one named must be stored already.
        lines: from `read_journal`.
        workflow: checks the acts.
        keep_refusals: keep a refused act on its dossier and skip that dossier's later
            lines, instead of refusing the whole journal.

    Raises:
        JournalRefused: a line names an unknown dossier, its records are invalid, or its
            act is refused (without *keep_refusals*); nothing is saved.
        StaleDossier: another writer saved one of the dossiers meanwhile; nothing is saved.
    """
    dossiers: dict[str, Dossier] = {}
    stopped: set[str] = set()
    acts = records = 0
    refused: list[tuple[int, str, TransitionRefused]] = []
    skipped: list[int] = []
    for line in lines:
        if line.dossier in stopped:
            skipped.append(line.number)
            continue
        dossier = _with_records(line, store, dossiers, workflow)
        records += line.records is not None
        if line.act is None:
            continue
        act = line.act
        try:
            workflow.advance(
                dossier, act.step, on=act.on, actor=act.actor, reference=act.reference,
                keep_refusal=keep_refusals,
            )  # fmt: skip
        except TransitionRefused as exc:
            if not keep_refusals:
                raise JournalRefused(line.number, exc.text("en"), exc) from None
            refused.append((line.number, line.dossier, exc))
            stopped.add(line.dossier)
            continue
        except InvalidInput as exc:
            raise JournalRefused(line.number, str(exc)) from None
        acts += 1
    saved = store.save_all(dossiers.values())
    return JournalResult(
        acts=acts, records=records, refused=tuple(refused), skipped=tuple(skipped), saved=saved
    )


def _with_records(
    line: JournalLine, store: Store, dossiers: dict[str, Dossier], workflow: Workflow
) -> Dossier:
    """The line's dossier (loaded once), with the line's records added."""
    dossier = dossiers.get(line.dossier)
    if dossier is None:
        try:
            dossier = dossiers[line.dossier] = store.load(line.dossier)
        except DossierNotFound:
            raise JournalRefused(line.number, "no dossier with this id is stored") from None
    if line.records is None:
        return dossier
    try:
        dossier = dossiers[line.dossier] = with_records(
            dossier, line.records, process=workflow.law.process
        )
    except InvalidDocument as exc:
        raise JournalRefused(line.number, str(exc)) from None
    return dossier
