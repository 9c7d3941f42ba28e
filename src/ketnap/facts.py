"""
What a store keeps about each dossier for reports, and the figures it answers with.

A store computes these columns on every save with a function it is given
(`FactsFunction`): `plain_facts` needs nothing but the dossier;
`ketnap.derived.facts_for(workflow.law)` adds the due date and the forecast, which ask the
planner. The store imports this module, never the reports or the planner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple, Protocol

import attrs
import pendulum

from ketnap.model import Candidate, CertificateKind, Dossier, Organization, Sex, Step
from ketnap.model.fields import declared

__all__ = [
    "CERTIFICATE_EVENT",
    "LATE_EVENT",
    "PROFILE_FIELDS",
    "REFUSAL_EVENT",
    "TRANSFER_OUT_EVENT",
    "DossierFacts",
    "Event",
    "FactsFunction",
    "FigureSource",
    "Figures",
    "Profile",
    "facts_with",
    "plain_facts",
]

CERTIFICATE_EVENT = "awareness_certificate"
"""The event kind of an awareness-course certificate, beside the steps' own values."""

REFUSAL_EVENT = "refused:"
"""The prefix of a refusal's events, one per failed rule: ``"refused:age.minimum"``."""

LATE_EVENT = "late_act"
"""The event kind of an act done after its deadline (`ketnap.LateAct`), dated by the act."""

TRANSFER_OUT_EVENT = "transferred_out"
"""
The kind and target of the event a transfer leaves in the sending branch (I-10).

The transfer itself is counted in the receiving branch; in the sending one this event
ends the member's stages there, so a report of that branch no longer counts the member
from the transfer's day. Its target is no stage of any process: a store that counts
stages by each dossier's last event in a branch sets it aside.
"""


class Event(NamedTuple):
    """A dated act of a dossier a report counts: a step, or a certificate issued."""

    seq: int
    on: pendulum.Date
    kind: str
    """A step's value, ``"awareness_certificate"``, ``"late_act"`` or ``"refused:<rule id>"``."""
    target: str | None
    """The value of the stage the step led to; None for a certificate or a late act."""
    unit: str | None = None
    """
    The unit the act belongs to, when it is not the dossier's own: the branch the member
    was in on the act's day, for a member who transferred (I-10). None: the dossier's unit.
    """


@attrs.frozen(kw_only=True)
class DossierFacts:
    """
    What reports count about one dossier, derived from it when it is saved.

    Attributes:
        youth_at_admission: in youth age on the admission decision, as the sponsorship
            rule counts it (`ketnap.terms.is_youth`, C-10).
        readmission: a re-admission (kết nạp lại).
        expected_decision_on: for a dossier still before the decision, the earliest
            date its admission could be decided: the planner's earliest branch meeting
            (time-bound requirements only; records it still lacks are assumed to come),
            plus `decision_lag` working days. None when time will not fix it.
        proposal_window_closes_on: the last day the branch could still propose, as the
            planner sees it from the last act (a certificate or documents going stale);
            a forecast made after it does not count the dossier.
        next_due: the earliest deadline on which someone must still act, as of the last
            act (deadlines change only with a new act, which means a new save); None for a
            final stage.
    """

    unit: str
    female: bool
    ethnic_minority: bool
    religious: bool
    youth_at_admission: bool
    readmission: bool
    expected_decision_on: pendulum.Date | None
    proposal_window_closes_on: pendulum.Date | None
    next_due: pendulum.Date | None
    events: tuple[Event, ...]


FactsFunction = Callable[[Dossier], DossierFacts]
"""**Protocol:** what a store calls on every save to derive the facts reports count."""


def plain_facts(dossier: Dossier) -> DossierFacts:
    """
    The facts a dossier states by itself, with no workflow: no due date, no forecast.

    What a store keeps when it is given no facts function; it never runs the planner.
    """
    return facts_with(dossier)


def facts_with(
    dossier: Dossier,
    *,
    youth_at_admission: bool = False,
    expected_decision_on: pendulum.Date | None = None,
    proposal_window_closes_on: pendulum.Date | None = None,
    next_due: pendulum.Date | None = None,
) -> DossierFacts:
    """`plain_facts` of *dossier*, with what the law tells given (a facts function's)."""
    candidate = dossier.candidate
    return DossierFacts(
        unit=dossier.organization.code or dossier.organization.name,
        female=candidate.sex is Sex.FEMALE,
        ethnic_minority=candidate.ethnic_minority,
        religious=candidate.religious,
        youth_at_admission=youth_at_admission,
        readmission=candidate.prior_membership is not None,
        expected_decision_on=expected_decision_on,
        proposal_window_closes_on=proposal_window_closes_on,
        next_due=next_due,
        events=_events(dossier),
    )


def _events(dossier: Dossier) -> tuple[Event, ...]:
    if dossier.transfers:
        return _events_across_branches(dossier)
    # str() gives the plain code of a shipped member too. A store derives these on every
    # save: each Event is made as a tuple of its type, without the Python-level __new__
    # a named tuple's call goes through, and a kind of record the dossier lacks is not read.
    new = tuple.__new__
    events = [
        new(Event, (seq, entry.on, str(entry.step), str(entry.target), None))
        for seq, entry in enumerate(dossier.history)
    ]
    awareness = [
        c.issued_on for c in dossier.certificates if c.kind is CertificateKind.AWARENESS_COURSE
    ]
    if awareness:
        events.extend(
            Event(len(events) + offset, on, CERTIFICATE_EVENT, None)
            for offset, on in enumerate(awareness)
        )
    if dossier.late_acts:
        events.extend(
            Event(len(events) + offset, late.on, LATE_EVENT, None)
            for offset, late in enumerate(dossier.late_acts)
        )
    if dossier.refusals:
        refused = [
            (refusal.on, REFUSAL_EVENT + rule.rule_id)
            for refusal in dossier.refusals
            for rule in refusal.rules
        ]
        events.extend(
            Event(len(events) + offset, on, kind, None) for offset, (on, kind) in enumerate(refused)
        )
    return _unique_seqs(events)


def _unique_seqs(events: list[Event]) -> tuple[Event, ...]:
    """
    The events with no number twice.

    The numbering above lets two kinds of dated events share a number (two awareness
    certificates, then a late act), and a store refuses such a dossier. Every number that
    is unique stays as it was, so the events stores hold still verify; a repeated one
    moves past the highest.
    """
    seqs = {event.seq for event in events}
    if len(seqs) == len(events):
        return tuple(events)  # the usual case: every number once already
    top = max(seqs, default=-1)
    seen: set[int] = set()
    unique: list[Event] = []
    for event in events:
        if event.seq in seen:
            top += 1
            event = event._replace(seq=top)  # noqa: PLW2901 - the renumbered event is kept
        seen.add(event.seq)
        unique.append(event)
    return tuple(unique)


def _unit_of(organization: Organization) -> str:
    return organization.code or organization.name


def _events_across_branches(dossier: Dossier) -> tuple[Event, ...]:
    """
    The events of a member who transferred, each in the branch of its day (I-10).

    The acts up to each transfer belong to the branch the member left; the transfer and
    what follows, to the branch that received them; after the last transfer, to the
    dossier's own branch. The sending branch also gets a `TRANSFER_OUT_EVENT`.
    """
    transfers = dossier.transfers
    # One record per transfer act (the loader checks it), and perhaps one recorded ahead.
    acted = min(len(transfers), sum(1 for e in dossier.history if e.step == Step.TRANSFER))
    # The branch of each stretch: before the first transfer, between two, after the last.
    stretches = [_unit_of(transfers[0].from_branch)]
    stretches += [_unit_of(t.to_branch) for t in transfers[:acted]]
    pending = transfers[acted] if len(transfers) > acted else None
    stretches[-1] = _unit_of(pending.from_branch if pending else dossier.organization)
    events: list[Event] = []
    left: list[tuple[pendulum.Date, str]] = []
    stretch = 0
    for seq, entry in enumerate(dossier.history):
        if entry.step == Step.TRANSFER and stretch < acted:
            left.append((entry.on, stretches[stretch]))
            stretch += 1
        events.append(Event(seq, entry.on, str(entry.step), str(entry.target), stretches[stretch]))
    events += [
        Event(len(events) + offset, on, TRANSFER_OUT_EVENT, TRANSFER_OUT_EVENT, unit)
        for offset, (on, unit) in enumerate(left)
    ]
    days = [on for on, _ in left]

    def unit_on(day: pendulum.Date) -> str:
        return stretches[sum(1 for moved in days if moved <= day)]

    dated = [
        *(
            (c.issued_on, CERTIFICATE_EVENT)
            for c in dossier.certificates
            if c.kind is CertificateKind.AWARENESS_COURSE
        ),
        *((late.on, LATE_EVENT) for late in dossier.late_acts),
        *(
            (refusal.on, REFUSAL_EVENT + rule.rule_id)
            for refusal in dossier.refusals
            for rule in refusal.rules
        ),
    ]
    # Numbered one after another (a list, not a generator: `len` is read once).
    events += [
        Event(len(events) + offset, on, kind, None, unit_on(on))
        for offset, (on, kind) in enumerate(dated)
    ]
    return tuple(events)


@attrs.frozen(kw_only=True)
class Figures:
    """
    Raw counts for a set of branches and a period, as a store computes them.

    Attributes:
        stages: dossiers in each stage (by code) on the report date.
        acts: acts in the period by kind (a step's value, or ``"awareness_certificate"``).
        admitted_by_branch: admission decisions in the period per branch code.
        composition: among the admitted in the period: ``youth``, ``women``,
            ``ethnic_minority``, ``religious``, ``readmission``.
        expected: dossiers before the decision whose expected decision date is from the
            report date to the year's end (one expected before the report date and not
            decided is overdue: not counted) and whose proposal window is still open on
            the report date.
        courses: courses closed in the period; trainees: their trainees.
    """

    stages: Mapping[str, int]
    acts: Mapping[str, int]
    admitted_by_branch: Mapping[str, int]
    composition: Mapping[str, int]
    expected: int
    courses: int
    trainees: int


PROFILE_FIELDS: tuple[str, ...] = tuple(
    f.name for f, info in declared(Candidate) if info.tally is not None
)
"""
The candidate's fields that `Profile` counts, in the order stores return them: those the
model declares a statistics tally for (`ketnap.model.fields.Tally`).
"""


@attrs.frozen(kw_only=True)
class Profile:
    """
    The members admitted in a period, counted by each fact the statistics of new members ask.

    Attributes:
        total: admission decisions in the period.
        counts: for each fact of `PROFILE_FIELDS`, the number admitted with each value:
            ``counts["sex"] == {"female": 12, "male": 20, None: 3}``; None counts those
            for whom the fact is not recorded; codes are the values of the model's
            enumerations.
        born: the number admitted with each birth date and decision date. A store keeps
            no age: the age (its bands) and youth age are read from these pairs by the
            policy in force on the decision (`ketnap.Law.age_months`,
            `ketnap.Law.is_youth`), as the rules read them.
    """

    total: int
    counts: Mapping[str, Mapping[object, int]]
    born: Mapping[tuple[pendulum.Date, pendulum.Date], int]


class FigureSource(Protocol):
    """What `report` needs from a store."""

    def figures(
        self,
        *,
        branches: list[str] | None,
        units: list[str] | None,
        start: pendulum.Date,
        on: pendulum.Date,
        year_end: pendulum.Date,
    ) -> Figures:
        """Counts for *branches* (None: all) and courses of *units* (None: all)."""
        ...

    def admitted_profile(
        self, *, branches: list[str] | None, start: pendulum.Date, on: pendulum.Date
    ) -> Profile:
        """Who was admitted in *branches* (None: all) from *start* to *on*, by `PROFILE_FIELDS`."""
        ...
