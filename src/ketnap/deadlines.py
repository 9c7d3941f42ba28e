"""
Deadlines between steps (thời hạn), DOMAIN.md §8, on the working-day calendar.

The timing rules and the deadline reports read the same functions here, so each
deadline is computed in one place.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> found = deadlines_for(dossier, on=pendulum.date(2024, 4, 1), workflow=workflow)
>>> [(d.kind.value, d.due, d.status.value) for d in found]
[('admission_decision', Date(2024, 6, 7), 'pending')]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

import attrs
import pendulum

from ketnap.dates import WorkingCalendar, add_months
from ketnap.messages import Lang, Message, format_date
from ketnap.model import (
    Actor,
    ApprovalKind,
    CertificateKind,
    Dossier,
    LeavingReason,
    Stage,
    Step,
)
from ketnap.policy import Policy

if TYPE_CHECKING:
    from ketnap.workflow import Workflow

__all__ = [
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "admission_decision_due",
    "ceremony_due",
    "certificate_expiry",
    "deadlines_for",
    "document_expiry",
    "readmission_ready_on",
    "recognition_decision_due",
    "recognition_resolution_due",
]


# --- the computations the timing rules share ------------------------------------------------


def admission_decision_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar, on: pendulum.Date
) -> pendulum.Date | None:
    """
    Return the last day for the admission decision.

    60 working days after the branch resolution, plus 30 when a special-case
    extension was recorded by *on* (QĐ §4.3.1).
    """
    return _committee_due(
        dossier,
        resolution_step=Step.PROPOSE_ADMISSION,
        days=policy.decision_working_days,
        extension=ApprovalKind.DECISION_EXTENSION,
        extra_days=policy.decision_extension_working_days,
        calendar=calendar,
        on=on,
    )


def _committee_due(
    dossier: Dossier,
    *,
    resolution_step: Step,
    days: int,
    extension: ApprovalKind,
    extra_days: int,
    calendar: WorkingCalendar,
    on: pendulum.Date,
) -> pendulum.Date | None:
    """A committee's term from the branch's resolution, extended in special cases."""
    resolution = dossier.last_act(resolution_step)
    if resolution is None:
        return None
    if dossier.approval(extension, on) is not None:
        days += extra_days
    return calendar.add_working_days(resolution.on, days)


def ceremony_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar
) -> pendulum.Date | None:
    """
    Return the last day for the admission ceremony.

    30 working days after the branch received the decision (QĐ §4.1); the
    decision date stands in for receipt until receipt is recorded.
    """
    received = dossier.decision_received_on or dossier.admission_decision_date
    if received is None:
        return None
    return calendar.add_working_days(received, policy.ceremony_working_days)


def recognition_resolution_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar
) -> pendulum.Date | None:
    """
    Return the last day for the branch's recognition (or removal) resolution.

    30 working days after the day the 12 months of probation end (QĐ §4.2.1).
    """
    end = dossier.probation_end
    if end is None:
        return None
    return calendar.add_working_days(end, policy.recognition_resolution_working_days)


def recognition_decision_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar, on: pendulum.Date
) -> pendulum.Date | None:
    """
    Return the last day for the recognition decision.

    30 working days after the branch's recognition resolution, plus 30 when a
    special-case extension was recorded by *on* (QĐ 29 §4.3.1).
    """
    return _committee_due(
        dossier,
        resolution_step=Step.PROPOSE_RECOGNITION,
        days=policy.recognition_decision_working_days,
        extension=ApprovalKind.RECOGNITION_EXTENSION,
        extra_days=policy.recognition_extension_working_days,
        calendar=calendar,
        on=on,
    )


def certificate_expiry(issued_on: pendulum.Date, policy: Policy) -> pendulum.Date:
    """Return the last day an awareness certificate is valid: 60 months, inclusive (B-04)."""
    return add_months(issued_on, policy.certificate_validity_months)


def document_expiry(dated: pendulum.Date, policy: Policy) -> pendulum.Date:
    """Return the last day a document that goes stale may be used: 12 months (D-01)."""
    return add_months(dated, policy.dossier_validity_months)


def readmission_ready_on(dossier: Dossier, policy: Policy) -> pendulum.Date | None:
    """
    Return the first day a former member may be considered again (L-02), if re-admitting.

    36 months after leaving; 60 months after the record is cleared for a less serious
    offence (None while it is not cleared).
    """
    prior = dossier.candidate.prior_membership
    if prior is None:
        return None
    if prior.reason is LeavingReason.CONVICTED_LESS_SERIOUS_CRIME:
        if prior.record_cleared_on is None:
            return None
        return add_months(prior.record_cleared_on, policy.readmission_wait_after_record_months)
    return add_months(prior.left_on, policy.readmission_wait_months)


# --- deadlines as reportable objects --------------------------------------------------------


class DeadlineStatus(enum.StrEnum):
    """Where a deadline stands on a given date."""

    PENDING = "pending"
    """Not yet due (or, for a waiting time, not yet reached)."""
    MET = "met"
    """Acted on by the due date (or, for a waiting time, reached)."""
    MISSED = "missed"
    """Past the due date without the act, or acted on late."""


class DeadlineKind(enum.StrEnum):
    """The deadlines of DOMAIN.md §8."""

    ADMISSION_DECISION = "admission_decision"
    CEREMONY = "ceremony"
    PROBATION_END = "probation_end"
    RECOGNITION_RESOLUTION = "recognition_resolution"
    RECOGNITION_DECISION = "recognition_decision"
    CERTIFICATE_VALIDITY = "certificate_validity"
    DOSSIER_STALENESS = "dossier_staleness"
    READMISSION_WAIT = "readmission_wait"

    @property
    def message(self) -> Message:
        """What the deadline is, in both languages."""
        return _KIND_INFO[self][0]

    @property
    def clause(self) -> str:
        """The clause the deadline comes from."""
        return _KIND_INFO[self][1]

    @property
    def is_waiting_time(self) -> bool:
        """Whether this is a date to wait for (not before) rather than to act by."""
        return self in {DeadlineKind.PROBATION_END, DeadlineKind.READMISSION_WAIT}


_KIND_INFO: dict[DeadlineKind, tuple[Message, str]] = {
    DeadlineKind.ADMISSION_DECISION: (
        Message(
            vi="Ra quyết định kết nạp (60 ngày làm việc từ nghị quyết chi bộ)",
            en="Admission decision (60 working days from the branch resolution)",
        ),
        "QĐ 294/232/24/29 §4.3.1",
    ),
    DeadlineKind.CEREMONY: (
        Message(
            vi="Tổ chức lễ kết nạp (30 ngày làm việc từ khi nhận quyết định)",
            en="Admission ceremony (30 working days from receipt of the decision)",
        ),
        "QĐ 294/232/24 §4.1",
    ),
    DeadlineKind.PROBATION_END: (
        Message(vi="Hết 12 tháng dự bị", en="End of the 12-month probation"),
        "Điều lệ Đảng Điều 5.1",
    ),
    DeadlineKind.RECOGNITION_RESOLUTION: (
        Message(
            vi="Chi bộ xét công nhận đảng viên chính thức (30 ngày làm việc từ khi hết dự bị)",
            en="Branch recognition resolution (30 working days after probation ends)",
        ),
        "QĐ 24/29 §4.2.1",
    ),
    DeadlineKind.RECOGNITION_DECISION: (
        Message(
            vi="Quyết định công nhận đảng viên chính thức (30 ngày làm việc từ nghị quyết chi bộ)",
            en="Recognition decision (30 working days from the branch resolution)",
        ),
        "QĐ 29 §4.3.1",
    ),
    DeadlineKind.CERTIFICATE_VALIDITY: (
        Message(
            vi="Giấy chứng nhận bồi dưỡng nhận thức về Đảng hết hạn (60 tháng)",
            en="Awareness-course certificate expires (60 months)",
        ),
        "HD 01-HD/TW 2021 §3; HD 06-HD/TW 2025 §5.4",
    ),
    DeadlineKind.DOSSIER_STALENESS: (
        Message(
            vi="Hồ sơ quá 12 tháng phải làm lại",
            en="Dossier documents older than 12 months must be redone",
        ),
        "HD 01-HD/TW (D-01)",
    ),
    DeadlineKind.READMISSION_WAIT: (
        Message(
            vi="Đủ thời gian để xét kết nạp lại (36 hoặc 60 tháng)",
            en="Re-admission waiting time over (36 or 60 months)",
        ),
        "QĐ 294/232/24 §3.5.1b",
    ),
}


@attrs.frozen(kw_only=True)
class Deadline:
    """
    One deadline of one dossier, as it stands on a date.

    Attributes:
        dossier_id: the dossier's id.
        organization: the branch's name.
        kind: which deadline.
        due: the last day to act (or, for a waiting time, the first day it is over).
        status: pending, met or missed on the date asked.
        actor: who must act, or None for a date that simply arrives.
        done_on: the date of the act that met it, if any.
        waived: a consent allows acting later (ceremony delay, QĐ §4.1).
    """

    dossier_id: str
    organization: str
    kind: DeadlineKind
    due: pendulum.Date
    status: DeadlineStatus
    actor: Actor | None
    done_on: pendulum.Date | None = None
    waived: bool = False

    @property
    def is_open(self) -> bool:
        """Whether someone still has to act: not done, and not a date that simply arrives."""
        return self.done_on is None and not self.kind.is_waiting_time

    def text(self, lang: Lang = "vi") -> str:
        """One line for a reminder feed."""
        who = self.actor.text(lang) if self.actor else "—"
        due = format_date(self.due, lang)
        state = _STATUS_TEXT[self.status].render(lang)
        what = self.kind.message.render(lang)
        label = "hạn" if lang == "vi" else "due"
        return f"{self.dossier_id} · {what} · {label} {due} · {state} · {who} [{self.kind.clause}]"


_STATUS_TEXT = {
    DeadlineStatus.PENDING: Message(vi="chưa đến hạn", en="pending"),
    DeadlineStatus.MET: Message(vi="đã đáp ứng", en="met"),
    DeadlineStatus.MISSED: Message(vi="quá hạn", en="missed"),
}

_PRE_PROPOSAL = frozenset({Stage.SOURCE_POOL, Stage.TRAINED, Stage.PREPARED})


def _first_act(
    dossier: Dossier, steps: Iterable[Step], after: pendulum.Date
) -> pendulum.Date | None:
    wanted = set(steps)
    for entry in dossier.history:
        if entry.step in wanted and entry.on >= after:
            return entry.on
    return None


def _status(
    due: pendulum.Date, done_on: pendulum.Date | None, on: pendulum.Date, *, waiting: bool
) -> DeadlineStatus:
    if waiting:
        return DeadlineStatus.MET if on >= due else DeadlineStatus.PENDING
    if done_on is not None and done_on <= on:
        return DeadlineStatus.MET if done_on <= due else DeadlineStatus.MISSED
    return DeadlineStatus.PENDING if on <= due else DeadlineStatus.MISSED


def deadlines_for(dossier: Dossier, *, on: pendulum.Date, workflow: Workflow) -> list[Deadline]:
    """
    Return every deadline that applies to *dossier*, with its status on *on*.

    Deadlines are computed with the policy of the rule set in force on *on* and the
    workflow's calendar; acts recorded after *on* are ignored, so a report for a past
    date reads as it would have then.
    """
    return list(_deadlines(dossier, on, workflow.ruleset_for(on).policy, workflow.calendar))


def _deadlines(
    dossier: Dossier, on: pendulum.Date, policy: Policy, calendar: WorkingCalendar
) -> Iterator[Deadline]:
    def make(
        kind: DeadlineKind,
        due: pendulum.Date,
        actor: Actor | None,
        done_on: pendulum.Date | None,
        *,
        waived: bool = False,
    ) -> Deadline:
        if done_on is not None and done_on > on:
            done_on = None
        status = _status(due, done_on, on, waiting=kind.is_waiting_time)
        if waived and status is DeadlineStatus.MISSED and done_on is None:
            status = DeadlineStatus.PENDING
        return Deadline(
            dossier_id=dossier.id,
            organization=dossier.organization.name,
            kind=kind,
            due=due,
            status=status,
            actor=actor,
            done_on=done_on,
            waived=waived,
        )

    stage_before_proposal = dossier.last_act(Step.PROPOSE_ADMISSION) is None
    exited = dossier.stage in {Stage.WITHDRAWN, Stage.REFUSED}
    if stage_before_proposal and not exited and dossier.stage in _PRE_PROPOSAL:
        yield from _pre_proposal(dossier, on, policy, make)

    resolution = dossier.last_act(Step.PROPOSE_ADMISSION)
    due = admission_decision_due(dossier, policy, calendar, on)
    if resolution is not None and due is not None:
        closing = (Step.DECIDE_ADMISSION, Step.REFUSE, Step.WITHDRAW)
        done = _first_act(dossier, closing, resolution.on)
        yield make(DeadlineKind.ADMISSION_DECISION, due, Actor.COMPETENT_COMMITTEE, done)

    decision = dossier.admission_decision_date
    due = ceremony_due(dossier, policy, calendar)
    if decision is not None and due is not None:
        done = _first_act(dossier, (Step.HOLD_CEREMONY,), decision)
        waived = dossier.approval(ApprovalKind.CEREMONY_DELAY, on) is not None
        yield make(DeadlineKind.CEREMONY, due, Actor.BRANCH, done, waived=waived)

    end = dossier.probation_end
    if end is not None:
        yield make(DeadlineKind.PROBATION_END, end, None, None)
        due = recognition_resolution_due(dossier, policy, calendar)
        if due is not None:
            closing = (Step.PROPOSE_RECOGNITION, Step.ESCALATE, Step.REMOVE)
            done = _first_act(dossier, closing, dossier.ceremony_date or end)
            yield make(DeadlineKind.RECOGNITION_RESOLUTION, due, Actor.BRANCH, done)

    proposal = dossier.last_act(Step.PROPOSE_RECOGNITION)
    due = recognition_decision_due(dossier, policy, calendar, on)
    if proposal is not None and due is not None:
        done = _first_act(dossier, (Step.RECOGNIZE, Step.REMOVE), proposal.on)
        yield make(DeadlineKind.RECOGNITION_DECISION, due, Actor.COMPETENT_COMMITTEE, done)


def _pre_proposal(
    dossier: Dossier, on: pendulum.Date, policy: Policy, make: _Make
) -> Iterator[Deadline]:
    certificate = dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, on)
    if certificate is not None:
        expires = certificate_expiry(certificate.issued_on, policy)
        yield make(DeadlineKind.CERTIFICATE_VALIDITY, expires, Actor.BRANCH, None)
    dated = [
        dossier.documents[form].dated
        for form in policy.refresh_forms
        if form in dossier.documents and dossier.documents[form].dated <= on
    ]
    if dated:
        stale = document_expiry(min(dated), policy)
        yield make(DeadlineKind.DOSSIER_STALENESS, stale, Actor.BRANCH, None)
    ready = readmission_ready_on(dossier, policy)
    if ready is not None:
        yield make(DeadlineKind.READMISSION_WAIT, ready, None, None)


class _Make(Protocol):
    """**Protocol:** the deadline factory `_deadlines` hands to its helpers."""

    def __call__(
        self,
        kind: DeadlineKind,
        due: pendulum.Date,
        actor: Actor | None,
        done_on: pendulum.Date | None,
        *,
        waived: bool = False,
    ) -> Deadline: ...
