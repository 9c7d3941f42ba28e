"""
Deadlines between steps (DOMAIN.md §8), computed on the working-day calendar.

The timing rules and any deadline report read the same functions here, so a
deadline is computed in one place only.
"""

from __future__ import annotations

import pendulum

from ketnap.dates import WorkingCalendar
from ketnap.model import ApprovalKind, Dossier, Step
from ketnap.policy import Policy

__all__ = ["admission_decision_due", "ceremony_due", "recognition_decision_due"]


def admission_decision_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar, on: pendulum.Date
) -> pendulum.Date | None:
    """
    Return the last day for the admission decision.

    60 working days after the branch resolution, plus 30 when a special-case
    extension was recorded by *on* (QĐ §4.3.1).
    """
    resolution = dossier.last_act(Step.PROPOSE_ADMISSION)
    if resolution is None:
        return None
    days = policy.decision_working_days
    if dossier.approval(ApprovalKind.DECISION_EXTENSION, on) is not None:
        days += policy.decision_extension_working_days
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


def recognition_decision_due(
    dossier: Dossier, policy: Policy, calendar: WorkingCalendar, on: pendulum.Date
) -> pendulum.Date | None:
    """
    Return the last day for the recognition decision.

    30 working days after the branch's recognition resolution, plus 30 when a
    special-case extension was recorded by *on* (QĐ 29 §4.3.1).
    """
    resolution = dossier.last_act(Step.PROPOSE_RECOGNITION)
    if resolution is None:
        return None
    days = policy.recognition_decision_working_days
    if dossier.approval(ApprovalKind.RECOGNITION_EXTENSION, on) is not None:
        days += policy.recognition_extension_working_days
    return calendar.add_working_days(resolution.on, days)
