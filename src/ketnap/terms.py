"""
Terms (thời hạn, độ tuổi): every policy-aware date computation of the admission path.

`ketnap.dates` knows calendars (months, working days); this module knows what the
regulations count with them, reading each number from the `Policy` in force. The rules
check with these functions and declare their windows with them, and the deadlines, the
planner and the reports ask the rules or these functions, so each term is computed in
one place. Each ``*_label`` function states a term in words, from the same policy value.

>>> import pendulum
>>> from ketnap.policy import Policy
>>> probation_end(pendulum.date(2024, 2, 29), Policy())
Date(2025, 2, 28)
>>> probation_end(pendulum.date(2024, 2, 29), Policy(probation_months=18))
Date(2025, 8, 29)
"""

from __future__ import annotations

import datetime as dt
import functools

import pendulum

from ketnap.dates import (
    WorkingCalendar,
    add_months,
    calendar_months,
    completed_months,
    first_day_with_calendar_months,
)
from ketnap.messages import Message
from ketnap.model import Dossier, LeavingReason, PriorMembership, Step
from ketnap.policy import AgeCounting, Policy

__all__ = [
    "admission_decision_days",
    "admission_decision_due",
    "age_months",
    "age_reached_on",
    "age_text",
    "ceremony_due",
    "certificate_expiry",
    "document_expiry",
    "dossier_probation_end",
    "full_membership_date",
    "is_youth",
    "months_text",
    "party_age_months",
    "party_age_text",
    "pool_time_reached_on",
    "probation_end",
    "readmission_ready_on",
    "recognition_decision_days",
    "recognition_decision_due",
    "recognition_resolution_due",
    "sponsor_ready_on",
    "working_days_text",
    "youth_ends_on",
]


# --- ages (A-01 to A-04, C-10) -------------------------------------------------------------


def age_months(birth: dt.date, on: dt.date, policy: Policy) -> int:
    """Return the age in months on *on*, counted as the policy says (A-04)."""
    if policy.age_counting is AgeCounting.CALENDAR_MONTHS:
        return calendar_months(birth, on)
    return completed_months(birth, on)


def age_reached_on(birth: dt.date, months: int, policy: Policy) -> pendulum.Date:
    """
    Return the first day on which `age_months` reaches *months*.

    >>> import pendulum
    >>> age_reached_on(pendulum.date(2004, 10, 15), 216, Policy())
    Date(2022, 10, 1)
    """
    if policy.age_counting is AgeCounting.CALENDAR_MONTHS:
        return first_day_with_calendar_months(birth, months)
    return add_months(birth, months)


def is_youth(birth: dt.date, on: dt.date, policy: Policy) -> bool:
    """
    Whether a person is in youth age (độ tuổi thanh niên) on *on* (C-10).

    Youth age runs to the end of the ``youth_age_max_years``-th year of age, counted in
    months as ages are (A-04): the sponsorship rule and the reports both ask here.
    """
    return age_months(birth, on, policy) < (policy.youth_age_max_years + 1) * 12


def youth_ends_on(birth: dt.date, policy: Policy) -> pendulum.Date:
    """Return the first day a person born on *birth* is no longer in youth age."""
    return age_reached_on(birth, (policy.youth_age_max_years + 1) * 12, policy)


def age_text(months: int) -> Message:
    """An age in years and months: ``25 tuổi 3 tháng``."""
    years, rest = divmod(months, 12)
    return Message(vi="{y} tuổi {m} tháng", en="{y} years {m} months").bind(y=years, m=rest)


# --- month terms ---------------------------------------------------------------------------


def sponsor_ready_on(alongside_since: dt.date, policy: Policy) -> pendulum.Date:
    """Return the day a sponsor has been alongside the candidate long enough (C-05)."""
    return add_months(alongside_since, policy.sponsor_months)


def pool_time_reached_on(entered_pool_on: dt.date, policy: Policy) -> pendulum.Date:
    """Return the day a candidate has been on the sympathiser list long enough (B-06)."""
    return add_months(entered_pool_on, policy.min_pool_months)


def certificate_expiry(issued_on: dt.date, policy: Policy) -> pendulum.Date:
    """Return the last day an awareness certificate is valid, inclusive (B-04)."""
    return add_months(issued_on, policy.certificate_validity_months)


def document_expiry(dated: dt.date, policy: Policy) -> pendulum.Date:
    """Return the last day a document that goes stale may be used (D-01)."""
    return add_months(dated, policy.dossier_validity_months)


def probation_end(ceremony: dt.date, policy: Policy) -> pendulum.Date:
    """
    Return the last day of probation (Charter Art. 5.1): ``probation_months`` from the ceremony.

    Civil-code month arithmetic: a ceremony on 29 Feb 2024 ends a 12-month probation on
    28 Feb 2025.
    """
    return add_months(ceremony, policy.probation_months)


def dossier_probation_end(dossier: Dossier, policy: Policy) -> pendulum.Date | None:
    """Return the last day of *dossier*'s probation under *policy*; None before the ceremony."""
    ceremony = dossier.ceremony_date
    return None if ceremony is None else probation_end(ceremony, policy)


def full_membership_date(dossier: Dossier, policy: Policy) -> pendulum.Date | None:
    """
    Return the date a recognised member is official from: the end of probation (QĐ §4.2.2).

    It does not move when the branch or the committee decides late; None until recognised.
    """
    if dossier.last_act(Step.RECOGNIZE) is None:
        return None
    return dossier_probation_end(dossier, policy)


def party_age_months(dossier: Dossier, on: dt.date) -> int | None:
    """
    Return a member's party age (tuổi đảng) on *on*, in whole months (J-01, J-02).

    Party age counts from the (first) admission decision, less the time out of the
    Party: for a re-admitted member, the time between leaving and the new admission
    decision. Each period of membership counts its completed months (the event day not
    counted, month ends as in `ketnap.dates.completed_months`), and the periods are
    added. None until the member is recognised (party age counts for official members,
    from the decision), after a removal, or before the decision.

    >>> import pendulum
    >>> from ketnap import Stage, Workflow
    >>> from ketnap.testing import make_dossier, walk
    >>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
    >>> _ = walk(Workflow(), dossier, meeting=pendulum.date(2024, 3, 12))
    >>> dossier.admission_decision_date
    Date(2024, 4, 9)
    >>> party_age_months(dossier, pendulum.date(2026, 4, 8)), party_age_months(
    ...     dossier, pendulum.date(2026, 4, 9))
    (23, 24)
    """
    decided = dossier.admission_decision_date
    if decided is None or dossier.last_act(Step.RECOGNIZE) is None:
        return None
    if dossier.last_act(Step.REMOVE) is not None:
        return None
    periods: list[tuple[dt.date, dt.date]] = []
    prior = dossier.candidate.prior_membership
    if prior is not None:
        periods.append((prior.first_decision_on, min(prior.left_on, on)))
    if on >= decided:
        periods.append((decided, on))
    if not periods or on < periods[0][0]:
        return None
    return sum(max(completed_months(start, end), 0) for start, end in periods)


def party_age_text(months: int) -> Message:
    """A party age in years and months: ``17 năm 2 tháng``, ``17 years 2 months``."""
    years, rest = divmod(months, 12)
    return Message(vi="{y} năm {m} tháng", en="{y} years {m} months").bind(y=years, m=rest)


def readmission_ready_on(prior: PriorMembership, policy: Policy) -> pendulum.Date | None:
    """
    Return the first day a former member may be considered again (L-02).

    ``readmission_wait_months`` after leaving; ``readmission_wait_after_record_months``
    after the record is cleared for a less serious offence (None while it is not).
    """
    if prior.reason is LeavingReason.CONVICTED_LESS_SERIOUS_CRIME:
        if prior.record_cleared_on is None:
            return None
        return add_months(prior.record_cleared_on, policy.readmission_wait_after_record_months)
    return add_months(prior.left_on, policy.readmission_wait_months)


# --- working-day terms (§8) ----------------------------------------------------------------


def admission_decision_days(policy: Policy, *, extended: bool) -> int:
    """The working days the committee has for the admission decision (§4.3.1)."""
    extra = policy.decision_extension_working_days if extended else 0
    return policy.decision_working_days + extra


def admission_decision_due(
    resolution_on: dt.date, policy: Policy, calendar: WorkingCalendar, *, extended: bool
) -> pendulum.Date:
    """Return the last day for the admission decision after the branch resolution (§4.3.1)."""
    days = admission_decision_days(policy, extended=extended)
    return calendar.add_working_days(resolution_on, days)


def ceremony_due(received_on: dt.date, policy: Policy, calendar: WorkingCalendar) -> pendulum.Date:
    """Return the last day for the ceremony after the branch received the decision (§4.1)."""
    return calendar.add_working_days(received_on, policy.ceremony_working_days)


def recognition_resolution_due(
    end: dt.date, policy: Policy, calendar: WorkingCalendar
) -> pendulum.Date:
    """Return the last day for the branch's recognition resolution after probation ends."""
    return calendar.add_working_days(end, policy.recognition_resolution_working_days)


def recognition_decision_days(policy: Policy, *, extended: bool) -> int:
    """The working days the committee has for the recognition decision (QĐ 29 §4.3.1)."""
    extra = policy.recognition_extension_working_days if extended else 0
    return policy.recognition_decision_working_days + extra


def recognition_decision_due(
    resolution_on: dt.date, policy: Policy, calendar: WorkingCalendar, *, extended: bool
) -> pendulum.Date:
    """Return the last day for the recognition decision after the branch resolution."""
    days = recognition_decision_days(policy, extended=extended)
    return calendar.add_working_days(resolution_on, days)


# --- terms in words --------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def months_text(months: int) -> Message:
    """A term in months: ``12 tháng``, ``12 months``."""
    return Message(vi="{n} tháng", en="{n} months").bind(n=months)


@functools.lru_cache(maxsize=256)
def working_days_text(days: int) -> Message:
    """A term in working days: ``60 ngày làm việc``, ``60 working days``."""
    return Message(vi="{n} ngày làm việc", en="{n} working days").bind(n=days)
