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

import datetime as dt
from collections.abc import Iterable
from typing import Final

import pendulum

from ketnap.errors import InvalidDocument, TamperedHistory
from ketnap.messages import Message
from ketnap.model import Dossier, HistoryEntry, RemakeReason
from ketnap.model.chain import chain_start, entry_digest
from ketnap.model.records import same_branch
from ketnap.process import ADMISSION, Process
from ketnap.rules import Period, RuleSet
from ketnap.rules.regulations import REGULATIONS

__all__ = ["anchor", "chain_start", "entry_digest", "notes", "verify"]


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
    received only after the admission decision; a transfer recorded for each transfer
    act, from the branch the previous one went to; a lost admission decision only once
    the history holds the decision that stands for it).

    A dossier re-made after its papers were lost (``Dossier.remade``) is not refused for
    that: `notes` says so.

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
    bounds = _SHIPPED_BOUNDS if periods is _SHIPPED_PERIODS else _bounds(periods)
    previous = chain_start(dossier.id)
    stage = process.initial
    last_on = dossier.entered_pool_on
    adoption: list[pendulum.Date] = []  # the adoption day, while entries are adopted ones
    opening = True
    for index, entry in enumerate(dossier.history):
        if entry.previous != previous:
            raise TamperedHistory(
                f"{_entry(index)}.previous",
                "does not chain to the entry before it (removed or reordered)",
            )
        if entry.source != stage:
            raise TamperedHistory(
                f"{_entry(index)}.source", f"starts from {entry.source!r}, not {stage!r}"
            )
        if not entry.digest_matches():
            raise TamperedHistory(
                f"{_entry(index)}.digest", "does not match the entry's content (edited)"
            )
        _check_entry(entry, index, process, periods, bounds, last_on=last_on)
        # Past the adopted entries that open a history, a plain entry has nothing to check.
        if opening or entry.adopted_on is not None or entry.attested:
            opening = _check_adoption(entry, _entry(index), adoption, opening=opening)
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
    _check_records(dossier, process)


def _entry(index: int) -> str:
    """The path of the history's entry *index*, made only for a message."""
    return f"$.history[{index}]"


def _periods(regulations: Iterable[RuleSet] | None) -> dict[str, Period]:
    if regulations is None:
        return _SHIPPED_PERIODS
    return {ruleset.code: ruleset.effective for ruleset in regulations}


_SHIPPED_PERIODS: Final = {code: ruleset.effective for code, ruleset in REGULATIONS.items()}


def _bounds(periods: dict[str, Period]) -> dict[str, tuple[dt.date, dt.date]]:
    """
    Each period's first and last day, an open end as the calendar's.

    A period of a class of its own gets no day: its ``contains`` decides (`_check_entry`).
    Outside its bounds, a plain period's ``contains`` is asked too, which says the same.
    """
    return {
        code: (
            (period.start or dt.date.min, period.end or dt.date.max)
            if type(period) is Period
            else _NOWHERE
        )
        for code, period in periods.items()
    }


# No day is in it: the bounds of a regulation not given.
_NOWHERE: Final = (dt.date.max, dt.date.min)
_SHIPPED_BOUNDS: Final = _bounds(_SHIPPED_PERIODS)


def _check_entry(
    entry: HistoryEntry,
    index: int,
    process: Process,
    periods: dict[str, Period],
    bounds: dict[str, tuple[dt.date, dt.date]],
    *,
    last_on: pendulum.Date,
) -> None:
    row = process.row(entry.source, entry.step)
    if row is None or row.target != entry.target:
        raise TamperedHistory(
            f"{_entry(index)}.step",
            f"the process has no step {entry.step!r} from {entry.source!r} to {entry.target!r}",
        )
    if entry.actor not in row.actors:
        raise InvalidDocument(
            f"{_entry(index)}.actor",
            f"the process does not let {str(entry.actor)!r} take {entry.step!r}",
        )
    on = entry.on
    if on < last_on:
        what = "the entry before it" if index else "entering the source pool"
        raise InvalidDocument(f"{_entry(index)}.on", f"dated before {what}")
    # The regulation's days, as bounds made once (a store verifies every history it
    # saves); a period they do not settle is asked itself.
    start, end = bounds.get(entry.regulation, _NOWHERE)
    if start <= on <= end:
        return
    period = periods.get(entry.regulation)
    if period is None:
        raise InvalidDocument(
            f"{_entry(index)}.regulation",
            "names none of the regulations given (pass your own rule sets as regulations=)",
        )
    if not period.contains(on):
        raise InvalidDocument(
            f"{_entry(index)}.regulation", "names a regulation not in force on the entry's date"
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
    if dossier.late_acts:
        acts = {(entry.step, entry.on, entry.actor) for entry in dossier.history}
        for index, late in enumerate(dossier.late_acts):
            # A late act records one history entry's delay: it cannot stand on its own.
            if (late.step, late.on, late.answerable) not in acts:
                raise InvalidDocument(
                    f"$.late_acts[{index}]", "records no act of the history (step, date and body)"
                )
    if dossier.card_number is None:
        cards = process.steps_tagged("card")
        if any(entry.step in cards for entry in dossier.history):
            raise InvalidDocument(
                "$.card_number", "a card was issued but no card number is recorded"
            )
    received = dossier.decision_received_on
    if received is None:
        return
    admissions = process.steps_tagged("admission")
    decisions = [entry.on for entry in dossier.history if entry.step in admissions]
    if not decisions:
        raise InvalidDocument(
            "$.decision_received_on", "recorded, but the history holds no admission decision"
        )
    if received < decisions[-1]:
        raise InvalidDocument("$.decision_received_on", "before the admission decision itself")


def _check_records(dossier: Dossier, process: Process) -> None:
    _check_transfers(dossier, process)
    _check_remade(dossier, process)


def _check_transfers(dossier: Dossier, process: Process) -> None:
    # One transfer record per transfer act, dated by it; one more may be recorded for the
    # act about to be taken (the records come first). Each leaves the branch the one
    # before it went to (I-10).
    moves = process.steps_tagged("transfer")
    acts = [e.on for e in dossier.history if e.step in moves]
    transfers = dossier.transfers
    if len(transfers) < len(acts):
        raise InvalidDocument("$.transfers", "a transfer act of the history has no record")
    if len(transfers) > len(acts) + 1:
        raise InvalidDocument(
            f"$.transfers[{len(acts) + 1}]", "recorded, but no transfer act takes it"
        )
    for index, transfer in enumerate(transfers):
        path = f"$.transfers[{index}]"
        if index < len(acts) and transfer.on != acts[index]:
            raise InvalidDocument(f"{path}.on", "not the date of its transfer act")
        if index and not same_branch(transfer.from_branch, transfers[index - 1].to_branch):
            raise InvalidDocument(
                f"{path}.from_branch", "not the branch the transfer before it went to"
            )


def _check_remade(dossier: Dossier, process: Process) -> None:
    remade = dossier.remade
    if remade is None:
        return
    if remade.on < dossier.entered_pool_on:
        raise InvalidDocument("$.remade.on", "before the candidate entered the source pool")
    if remade.reason is RemakeReason.LOST_DECISION:
        decisions = process.acts(dossier, "admission")
        if not decisions:
            raise InvalidDocument(
                "$.remade.reason", "a lost admission decision, but the history holds none"
            )
        if remade.on < decisions[-1].on:
            raise InvalidDocument("$.remade.on", "before the admission decision it stands for")


def notes(dossier: Dossier, *, process: Process = ADMISSION) -> tuple[Message, ...]:
    """
    What verification reports of *dossier* without refusing it: how its records came to be.

    A dossier re-made after its papers were lost (J-03, M-08), the acts adopted from paper
    and the conditions taken on the office's word (`ketnap.Workflow.adopt`), the transfers
    to another branch (I-10). Empty for a dossier kept in ketnap from the start.

    >>> import pendulum
    >>> from ketnap.testing import make_dossier
    >>> notes(make_dossier(meeting=pendulum.date(2024, 3, 12)))
    ()
    """
    found: list[Message] = []
    remade = dossier.remade
    if remade is not None:
        found.append(
            _REMADE.bind(
                on=remade.on,
                reason=remade.reason,
                by=remade.confirmed_by,
                reference=remade.reference or "—",
            )
        )
    adopted = [entry for entry in dossier.history if entry.adopted_on is not None]
    if adopted:
        attested = sorted({rule for entry in adopted for rule in entry.attested})
        found.append(
            _ADOPTED.bind(
                n=len(adopted),
                on=adopted[0].adopted_on,
                attested=", ".join(attested) or "—",
            )
        )
    found.extend(
        _TRANSFERRED.bind(
            on=transfer.on,
            sending=transfer.from_branch.name,
            receiving=transfer.to_branch.name,
            label=process.label("transfer"),
        )
        for transfer in dossier.transfers
    )
    return tuple(found)


_REMADE = Message(
    vi="Hồ sơ được lập lại ngày {on} — {reason}; {by} xác nhận, số {reference}",
    en="Dossier re-made on {on} — {reason}; confirmed by {by}, no. {reference}",
)
_ADOPTED = Message(
    vi="{n} bước được tiếp nhận từ hồ sơ giấy ngày {on}; điều kiện xác nhận trên giấy: {attested}",
    en="{n} acts adopted from paper on {on}; conditions taken on the office's word: {attested}",
)
_TRANSFERRED = Message(
    vi="{label} ngày {on}: từ {sending} đến {receiving}",
    en="{label} on {on}: from {sending} to {receiving}",
)
