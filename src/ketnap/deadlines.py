"""
Deadlines ahead of a dossier (thời hạn), regulation reference §8, read from the rules in force.

A dossier's deadlines are the windows of the time-bound rules that guard the steps
still ahead of it in its process (`ketnap.rules.Window`): a window that closes is a date
to act by (the admission decision, the ceremony, the certificate's validity), one that
opens later is a date to wait for (the end of probation, the re-admission wait, a
sponsor's 12 months). A rule added or replaced in the rule set brings its own window,
so the deadlines never keep a copy of a rule.

One term is a duty rather than a condition of a step: the branch's recognition
resolution within 30 working days of the end of probation (QĐ §4.2.1). A late
resolution is still valid (the member is recognised from the end of probation, §4.2.2),
so no rule refuses it; it comes from `ketnap.terms` directly.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> found = deadlines_for(dossier, on=pendulum.date(2024, 4, 1), law=workflow.law)
>>> [(d.rule_id, d.due, d.status.value) for d in found if not d.waiting]
[('timing.decision_deadline', Date(2024, 6, 7), 'pending')]
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs
import pendulum

from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier
from ketnap.rules import Context, Rule, RuleSet, Window
from ketnap.terms import dossier_probation_end, recognition_resolution_due, working_days_text

__all__ = ["RECOGNITION_RESOLUTION", "Deadline", "DeadlineStatus", "deadlines_for"]

RECOGNITION_RESOLUTION = "term.recognition_resolution"
"""The id of the branch's recognition-resolution term, which no rule enforces."""


class DeadlineStatus(enum.StrEnum):
    """Where a deadline stands on a given date."""

    PENDING = "pending"
    """Not yet due (or, for a waiting time, not yet reached)."""
    MISSED = "missed"
    """Past the last day, and the step not taken."""

    @property
    def message(self) -> Message:
        """The status in words."""
        return _STATUS[self]


_STATUS = {
    DeadlineStatus.PENDING: Message(vi="chưa đến hạn", en="pending"),
    DeadlineStatus.MISSED: Message(vi="quá hạn", en="missed"),
}


@attrs.frozen(kw_only=True)
class Deadline:
    """
    One deadline of one dossier, as it stands on a date.

    Attributes:
        dossier_id: the dossier's id.
        organization: the branch's name.
        organization_code: the branch's code (`ketnap.Organization.code`), if it has one;
            names repeat across communes ("Thôn 1"), codes do not.
        rule_id: the rule whose window it is (or `RECOGNITION_RESOLUTION`).
        label: what must happen, in words formatted from the policy in force.
        clause: the clause it comes from.
        step: the code of the step it concerns.
        due: the last day to act, or, for a waiting time, the first day it is over.
        waiting: a date that simply arrives (nobody acts by it).
        status: pending or missed on the date asked.
        actor: who must act, or None for a waiting time.
    """

    dossier_id: str
    organization: str
    organization_code: str | None = None
    rule_id: str
    label: Message
    clause: str
    step: str
    due: pendulum.Date
    waiting: bool
    status: DeadlineStatus
    actor: Actor | None

    @property
    def is_open(self) -> bool:
        """Whether someone still has to act by it (not a waiting time)."""
        return not self.waiting

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The deadline as JSON-compatible data; *lang* for its words."""
        return {
            "dossier": self.dossier_id,
            "organization": self.organization,
            "organization_code": self.organization_code,
            "rule": self.rule_id,
            "label": self.label.render(lang),
            "clause": self.clause,
            "step": str(self.step),
            "due": self.due.isoformat(),
            "waiting": self.waiting,
            "status": self.status.value,
            "actor": None if self.actor is None else self.actor.value,
        }

    def text(self, lang: Lang = "vi") -> str:
        """One line for a reminder feed."""
        return _LINE.render(
            lang,
            {
                "id": self.dossier_id,
                "what": self.label,
                "due": self.due,
                "status": self.status.message,
                "who": self.actor or "—",
                "clause": self.clause,
            },
        )


_LINE = Message(
    vi="{id} · {what} · hạn {due} · {status} · {who} [{clause}]",
    en="{id} · {what} · due {due} · {status} · {who} [{clause}]",
)


def deadlines_for(dossier: Dossier, *, on: pendulum.Date, law: Law) -> list[Deadline]:
    """
    Return the deadlines ahead of *dossier* on *on*, from the rules in force on *on*.

    The deadlines are those of the dossier as it stands (its stage and records), judged
    on *on* under the rules in force then: *on* is normally the day asked, on or after
    the last act. A final stage has none.
    """
    return sorted(_deadlines(dossier, on, law), key=lambda d: (d.due, d.rule_id))


def _deadlines(dossier: Dossier, on: pendulum.Date, law: Law) -> Iterator[Deadline]:
    process = law.process
    if process.is_final(dossier.stage):
        return
    ruleset = law.ruleset_for(on)
    rows = process.steps_ahead(dossier.stage)
    contexts: dict[int, tuple[Context, Actor]] = {}
    # Each time-bound rule is read once, for the nearest step ahead that it guards.
    # Rules know a renamed step by the code it is guarded as.
    for rule, index in ruleset.timed_among(process.rule_codes_ahead(dossier.stage)):
        windows = rule.window
        if windows is None or not rule.effective.contains(on):
            continue
        found = contexts.get(index)
        if found is None:
            row = rows[index]
            actor = min(row.actors)
            context = law.context(dossier, row.step, on=on, actor=actor, ruleset=ruleset)
            found = contexts[index] = (context, actor)
        context, actor = found
        for window in windows(context):
            deadline = _deadline(dossier, rule, rows[index].step, actor, window, on=on)
            if deadline is not None:
                yield deadline
    yield from _recognition_resolution(dossier, on, law, ruleset)


def _deadline(
    dossier: Dossier, rule: Rule, step: str, actor: Actor, window: Window, *, on: pendulum.Date
) -> Deadline | None:
    if window.never:
        return None
    if window.holds_until is not None:
        due, waiting = window.holds_until, False
    elif window.holds_from is not None and window.holds_from > on:
        due, waiting = window.holds_from, True
    else:
        return None
    return Deadline(
        dossier_id=dossier.id,
        organization=dossier.organization.name,
        organization_code=dossier.organization.code,
        rule_id=rule.id,
        label=window.label,
        clause=rule.clause,
        step=step,
        due=due,
        waiting=waiting,
        status=DeadlineStatus.PENDING if waiting or on <= due else DeadlineStatus.MISSED,
        actor=None if waiting else actor,
    )


def _recognition_resolution(
    dossier: Dossier, on: pendulum.Date, law: Law, ruleset: RuleSet
) -> Iterator[Deadline]:
    process = law.process
    proposals = process.steps_tagged("recognition_proposal")
    row = next((row for row in process.steps_from(dossier.stage) if row.step in proposals), None)
    if row is None:
        return
    policy = ruleset.policy_on(on)
    end = dossier_probation_end(dossier, policy, process=process)
    if end is None:
        return
    due = recognition_resolution_due(end, policy, law.calendar)
    yield Deadline(
        dossier_id=dossier.id,
        organization=dossier.organization.name,
        organization_code=dossier.organization.code,
        rule_id=RECOGNITION_RESOLUTION,
        label=_RECOGNITION_RESOLUTION.bind(
            term=working_days_text(policy.recognition_resolution_working_days)
        ),
        clause="QĐ 24/29 §4.2.1",
        step=row.step,
        due=due,
        waiting=False,
        status=DeadlineStatus.PENDING if on <= due else DeadlineStatus.MISSED,
        actor=min(row.actors),
    )


_RECOGNITION_RESOLUTION = Message(
    vi="Chi bộ xét công nhận đảng viên chính thức trong {term} từ khi hết dự bị",
    en="Branch recognition resolution within {term} of the end of probation",
)
