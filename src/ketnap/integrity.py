"""
A tamper-evident history: each entry is chained to the one before by a SHA-256 digest.

Every `ketnap.HistoryEntry` carries ``previous`` (the digest of the entry before it,
or the dossier's chain start) and ``digest`` (SHA-256 over ``previous`` and the entry's
own canonical content). `verify` recomputes the chain, so editing, removing, inserting
or reordering any entry, or changing a dossier's stage without an entry, is detected.

The limit: somebody who rewrites the whole chain from the edited entry onwards
produces a chain that verifies. Keep the `anchor` (the last digest) somewhere the
records cannot reach, e.g. beside the decision's number in the organisation's
register, and pass it to `verify`; a rewritten chain then no longer matches it.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> kept = anchor(dossier)
>>> verify(dossier, anchor=kept)
>>> dossier.stage = Stage.PROBATION
>>> verify(dossier)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ketnap.errors.TamperedHistory: $.stage: stage 'probation' is not where the history leads ...
"""

from __future__ import annotations

from collections.abc import Iterable

import pendulum

from ketnap.errors import InvalidDocument, TamperedHistory
from ketnap.model import Dossier, HistoryEntry
from ketnap.model.chain import chain_start, entry_digest
from ketnap.process import ADMISSION, Process
from ketnap.rules import Period, RuleSet
from ketnap.rules.regulations import REGULATIONS

__all__ = ["anchor", "chain_start", "entry_digest", "verify"]


def anchor(dossier: Dossier) -> str:
    """
    Return the digest that seals *dossier*'s whole history: its last entry's digest.

    With no history yet, it is the chain start. Record it outside the dossier (the
    register of decisions) to detect a history rewritten from end to end.
    """
    if dossier.history:
        return dossier.history[-1].digest
    return chain_start(dossier.id)


def verify(
    dossier: Dossier,
    *,
    anchor: str | None = None,
    process: Process = ADMISSION,
    regulations: Iterable[RuleSet] | None = None,
) -> None:
    """
    Check that *dossier*'s history is intact and legal, and that its stage is where it leads.

    Intact: the chain verifies, and ends in *anchor* if one is given. Legal: replayed
    against *process*, each entry is a step of its table from the stage before, fired by
    an actor the table allows, dated no earlier than the entry before it nor before the
    candidate entered the source pool, under a regulation in force on its date; and the
    facts later steps rely on are there (a card number once a card is issued; a decision
    received only after the admission decision).

    Args:
        dossier: the dossier to check.
        anchor: a digest recorded earlier with `ketnap.integrity.anchor`; if given, the
            chain must end in it.
        process: the process the dossier follows.
        regulations: the rule sets an entry may name (None: the shipped ones).

    Raises:
        TamperedHistory: the chain or the stage does not verify.
        InvalidDocument: an intact history that could not have happened; the path names
            the entry and field, e.g. ``$.history[0].actor``.
    """
    periods = _periods(regulations)
    previous = chain_start(dossier.id)
    stage = process.initial
    last_on = dossier.entered_pool_on
    adoption: list[pendulum.Date] = []  # the adoption day, while entries are adopted ones
    opening = True
    for index, entry in enumerate(dossier.history):
        path = f"$.history[{index}]"
        if entry.previous != previous:
            raise TamperedHistory(
                f"{path}.previous", "does not chain to the entry before it (removed or reordered)"
            )
        if entry.source != stage:
            raise TamperedHistory(f"{path}.source", f"starts from {entry.source!r}, not {stage!r}")
        if entry.digest != entry.expected_digest():
            raise TamperedHistory(f"{path}.digest", "does not match the entry's content (edited)")
        _check_entry(entry, path, process, periods, last_on)
        opening = _check_adoption(entry, path, adoption, opening=opening)
        previous = entry.digest
        stage = entry.target
        last_on = entry.on
    if dossier.stage != stage:
        raise TamperedHistory(
            "$.stage", f"stage {str(dossier.stage)!r} is not where the history leads ({stage!r})"
        )
    if anchor is not None and previous != anchor:
        raise TamperedHistory(
            "$.history", "does not end in the recorded anchor (rewritten or truncated)"
        )
    _check_facts(dossier, process)


def _periods(regulations: Iterable[RuleSet] | None) -> dict[str, Period]:
    chosen = REGULATIONS.values() if regulations is None else regulations
    return {ruleset.code: ruleset.effective for ruleset in chosen}


def _check_entry(
    entry: HistoryEntry,
    path: str,
    process: Process,
    periods: dict[str, Period],
    last_on: pendulum.Date,
) -> None:
    row = process.row(entry.source, entry.step)
    if row is None or row.target != entry.target:
        raise TamperedHistory(
            f"{path}.step",
            f"the process has no step {entry.step!r} from {entry.source!r} to {entry.target!r}",
        )
    if entry.actor not in row.actors:
        raise InvalidDocument(
            f"{path}.actor", f"the process does not let {str(entry.actor)!r} take {entry.step!r}"
        )
    if entry.on < last_on:
        what = "the entry before it" if path != "$.history[0]" else "entering the source pool"
        raise InvalidDocument(f"{path}.on", f"dated before {what}")
    period = periods.get(entry.regulation)
    if period is None:
        raise InvalidDocument(
            f"{path}.regulation",
            "names none of the regulations given (pass your own rule sets as regulations=)",
        )
    if not period.contains(entry.on):
        raise InvalidDocument(
            f"{path}.regulation", "names a regulation not in force on the entry's date"
        )


def _check_adoption(
    entry: HistoryEntry, path: str, adoption: list[pendulum.Date], *, opening: bool
) -> bool:
    # Adopted entries open a history (Workflow.adopt): all of them first, all entered the
    # same day, none entered before the act it records.
    if entry.adopted_on is None:
        if entry.attested:
            raise InvalidDocument(f"{path}.attested", "only an adopted act is attested")
        return False
    if not opening:
        raise InvalidDocument(
            f"{path}.adopted_on", "an adopted act after an act recorded as it happened"
        )
    if adoption and entry.adopted_on != adoption[0]:
        raise InvalidDocument(f"{path}.adopted_on", "adopted on another day than the first")
    if entry.adopted_on < entry.on:
        raise InvalidDocument(f"{path}.adopted_on", "adopted before the act it records")
    adoption.append(entry.adopted_on)
    return True


def _check_facts(dossier: Dossier, process: Process) -> None:
    acts = {(entry.step, entry.on, entry.actor) for entry in dossier.history}
    for index, late in enumerate(dossier.late_acts):
        # A late act records one history entry's delay: it cannot stand on its own.
        if (late.step, late.on, late.answerable) not in acts:
            raise InvalidDocument(
                f"$.late_acts[{index}]", "records no act of the history (step, date and body)"
            )
    steps = {entry.step for entry in dossier.history}
    if steps & process.steps_tagged("card") and dossier.card_number is None:
        raise InvalidDocument("$.card_number", "a card was issued but no card number is recorded")
    received = dossier.decision_received_on
    if received is None:
        return
    decisions = [
        entry.on for entry in dossier.history if entry.step in process.steps_tagged("admission")
    ]
    if not decisions:
        raise InvalidDocument(
            "$.decision_received_on", "recorded, but the history holds no admission decision"
        )
    if received < decisions[-1]:
        raise InvalidDocument("$.decision_received_on", "before the admission decision itself")
