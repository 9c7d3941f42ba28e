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
from collections.abc import Iterable

import pendulum

from ketnap.dates import (
    WorkingCalendar,
    add_months,
    as_date,
    calendar_months,
    completed_months,
    first_day_with_calendar_months,
)
from ketnap.messages import Message
from ketnap.model import (
    Candidate,
    Dossier,
    LeavingReason,
    PopulationViolation,
    PriorMembership,
)
from ketnap.policy import AgeCounting, Policy
from ketnap.process import Process

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
    "membership_periods",
    "months_text",
    "party_age_months",
    "party_age_text",
    "pool_time_reached_on",
    "population_applicant_term",
    "population_counted",
    "population_readmission_term",
    "population_terms_apply",
    "population_wait_months",
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


def dossier_probation_end(
    dossier: Dossier, policy: Policy, *, process: Process
) -> pendulum.Date | None:
    """
    Return the last day of *dossier*'s probation under *policy*; None before the ceremony.

    The ceremony is the act of *process*'s step tagged ``ceremony``
    (`ketnap.Process.ceremony_date`).
    """
    ceremony = process.ceremony_date(dossier)
    return None if ceremony is None else probation_end(ceremony, policy)


def full_membership_date(
    dossier: Dossier, policy: Policy, *, process: Process
) -> pendulum.Date | None:
    """
    Return the date a recognised member is official from: the end of probation (QĐ §4.2.2).

    It does not move when the branch or the committee decides late; None until recognised
    (by *process*'s step tagged ``recognition``).
    """
    if process.recognition_date(dossier) is None:
        return None
    return dossier_probation_end(dossier, policy, process=process)


def membership_periods(
    start: dt.date, on: dt.date, gaps: Iterable[tuple[dt.date, dt.date | None]]
) -> list[tuple[pendulum.Date, pendulum.Date]]:
    """
    Return the periods of membership from *start* to *on*, the *gaps* taken out.

    A gap ``(out, back)`` runs from the day the member went out to the day party activity
    resumed (``back`` None: still out on *on*); a gap that ends the day it begins takes
    nothing out and splits nothing. Gaps may overlap or touch, and are merged;
    the part of a gap before *start* or after *on* does not matter. Each period is
    ``(from, to)``: from *start* or the day a gap ended, to the day the next gap began or
    *on*. Empty when *on* is before *start*.

    >>> import pendulum
    >>> D = pendulum.date
    >>> membership_periods(D(2000, 1, 1), D(2010, 1, 1), [(D(2005, 3, 1), D(2006, 3, 1))])
    [(Date(2000, 1, 1), Date(2005, 3, 1)), (Date(2006, 3, 1), Date(2010, 1, 1))]
    """
    first, last = as_date(start), as_date(on)
    merged: list[list[pendulum.Date]] = []
    for out, back in sorted((as_date(o), last if b is None else as_date(b)) for o, b in gaps):
        if back <= out or back <= first or out >= last:
            continue  # no time out, or all of it before the first decision or after *on*
        if merged and out <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], back)
        else:
            merged.append([out, back])
    periods: list[tuple[pendulum.Date, pendulum.Date]] = []
    cursor = first
    for out, back in merged:
        if out > cursor:
            periods.append((cursor, out))
        cursor = max(cursor, back)
    if cursor < last:
        periods.append((cursor, last))
    return periods


def party_age_months(dossier: Dossier, on: dt.date, *, process: Process) -> int | None:
    """
    Return a member's party age (tuổi đảng) on *on*, in whole months (J-01, J-02).

    Party age counts from the (first) admission decision (QĐ 24 §4.5.1-4.5.2), less every
    time out of party activity: the gaps the dossier records (`Dossier.membership_gaps`:
    expelled, struck off, out of contact with the party organisation, interrupted by a
    transfer, out of the Party until a re-admission) and, for a re-admitted member, the
    time from leaving (`PriorMembership.left_on`) to the new admission decision. Gaps that
    overlap count once; a gap before the first decision is ignored; an open gap lasts to
    *on*.

    Counting: the time from the first decision to *on* is cut into periods of membership
    by the gaps (`membership_periods`). Each period counts its whole months by the Civil
    Code (Art. 147-148, regulation reference §8): the day of the event that starts it is
    not counted, and a month is complete on the corresponding day of the next month, or
    that month's last day when it has no such day (a period from 31 Jan has its first
    month on 28 Feb). The periods' whole months are added; the days left over in each
    period are not carried into the next, so a gap of even a day may cost a month and
    party age never counts more than the time actually served (J-01a, U: the texts do not
    say how part-months combine).

    None until the member is recognised (party age counts for official members,
    from the decision), after a removal, or before the first decision. The decision,
    the recognition and the removal are the acts of *process*'s steps tagged
    ``admission``, ``recognition`` and ``removal``.

    >>> import pendulum
    >>> from ketnap import ADMISSION, Stage, Workflow
    >>> from ketnap.testing import make_dossier, walk
    >>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
    >>> _ = walk(Workflow(), dossier, meeting=pendulum.date(2024, 3, 12))
    >>> ADMISSION.admission_date(dossier)
    Date(2024, 4, 9)
    >>> [party_age_months(dossier, day, process=ADMISSION)
    ...  for day in (pendulum.date(2026, 4, 8), pendulum.date(2026, 4, 9))]
    [23, 24]
    """
    decided = process.admission_date(dossier)
    if decided is None or process.recognition_date(dossier) is None:
        return None
    if process.removal_date(dossier) is not None:
        return None
    prior = dossier.candidate.prior_membership
    start = decided if prior is None else prior.first_decision_on
    if on < start:
        return None
    gaps: list[tuple[dt.date, dt.date | None]] = [
        (gap.start, gap.end) for gap in dossier.membership_gaps
    ]
    if prior is not None:
        gaps.append((prior.left_on, decided))
    return sum(completed_months(a, b) for a, b in membership_periods(start, on, gaps))


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


# --- population policy (L-03, L-03a, L-03b) --------------------------------------------------


def population_counted(
    violations: Iterable[PopulationViolation], policy: Policy
) -> tuple[PopulationViolation, ...]:
    """
    Return the violations that count: births before ``population_births_counted_before``.

    From 20 Mar 2025 a third or later child is no longer disciplined (HD 15-HD/UBKTTW,
    L-03b); ketnap reads that as: a child born on or after that day is no violation (U).
    """
    cutoff = policy.population_births_counted_before
    return tuple(v for v in violations if cutoff is None or v.child_born_on < cutoff)


def population_wait_months(child_order: int, policy: Policy) -> int | None:
    """
    Return the months a violation with *child_order* waits, or None: never admitted.

    ``population_third_child_months`` for a third child, ``population_fourth_child_months``
    for a fourth (and any later one below ``population_never_child_order``); from
    ``population_never_child_order`` on (a fifth child), never (QĐ 05-QĐi/TW Điều 3-5).

    >>> from ketnap.policy import Policy
    >>> [population_wait_months(n, Policy()) for n in (3, 4, 5)]
    [24, 36, None]
    """
    if child_order >= policy.population_never_child_order:
        return None
    if child_order <= 3:
        return policy.population_third_child_months
    return policy.population_fourth_child_months


def population_terms_apply(policy: Policy, on: dt.date) -> bool:
    """
    Whether the Secretariat's population-policy terms apply to an act on *on* (L-03b).

    Always, unless the policy reads the 2025 change as ending them
    (``population_terms_after_change`` False): then not from
    ``population_births_counted_before`` on.
    """
    end = policy.population_births_counted_before
    return policy.population_terms_after_change or end is None or on < end


def _population_lapse(policy: Policy) -> pendulum.Date | None:
    end = policy.population_births_counted_before
    if policy.population_terms_after_change or end is None:
        return None
    return as_date(end)


def _earlier(ready: pendulum.Date | None, lapse: pendulum.Date | None) -> pendulum.Date | None:
    if ready is None or lapse is None:
        return ready or lapse
    return min(ready, lapse)


def population_readmission_term(
    prior: PriorMembership, candidate: Candidate, policy: Policy
) -> tuple[pendulum.Date | None, Message]:
    """
    Return when a member removed over the population policy may be re-admitted (L-03).

    The first day the branch may consider them, or None for never, with what sets it.
    QĐ 05-QĐi/TW (S): at least ``population_third_child_months`` (a third child) or
    ``population_fourth_child_months`` (a fourth) from leaving the Party to the branch
    meeting (Điều 4); never after a new violation once out of the Party (Điều 3.1), nor for
    a child from ``population_never_child_order`` on (Điều 3.2). The birth that led to the
    removal (`PriorMembership.population_violation`) always counts: the removal stands
    (no retroactivity); births on the candidate after leaving count as
    `population_counted` says. Without the birth recorded the term is unknown: never,
    until it is. When the terms stop applying (`population_terms_apply`), the first day
    is that day at the latest.
    """
    lapse = _population_lapse(policy)
    again = [
        v
        for v in population_counted(candidate.population_violations, policy)
        if v.child_born_on > prior.left_on
    ]
    if again:
        order = max(v.child_order for v in again)
        return lapse, Message(
            vi="Sau khi ra khỏi Đảng lại vi phạm chính sách dân số (sinh con thứ {order}): "
            "không xem xét kết nạp lại",
            en="Violated the population policy again after leaving the Party "
            "(child number {order}): not re-admitted",
        ).bind(order=order)
    violation = prior.population_violation
    if violation is None:
        return lapse, Message(
            vi="Ra khỏi Đảng do vi phạm chính sách dân số: hồ sơ chưa ghi sinh con thứ mấy "
            "và ngày sinh của con",
            en="Left over the population policy: the dossier does not record which child "
            "it was and when the child was born",
        )
    months = population_wait_months(violation.child_order, policy)
    if months is None:
        return lapse, Message(
            vi="Vi phạm chính sách dân số sinh con thứ {order}: không xem xét kết nạp lại",
            en="Population-policy violation with child number {order}: not re-admitted",
        ).bind(order=violation.child_order)
    ready = add_months(prior.left_on, months)
    return _earlier(ready, lapse), Message(
        vi="Chưa đủ {months} tháng kể từ khi ra khỏi Đảng (vi phạm chính sách dân số, "
        "sinh con thứ {order})",
        en="Less than {months} months since leaving the Party (population-policy "
        "violation, child number {order})",
    ).bind(months=months, order=violation.child_order)


def population_applicant_term(
    candidate: Candidate, policy: Policy
) -> tuple[pendulum.Date | None, Message] | None:
    """
    Return when a candidate who violated the population policy may be admitted (L-03a).

    The first day the branch may consider them, or None for never, with what sets it;
    None instead of the pair when no violation counts.
    QĐ 05-QĐi/TW Điều 5 (S): at least ``population_third_child_months`` (a third child) or
    ``population_fourth_child_months`` (a fourth) from the child's birth to the branch
    meeting; never for a child from ``population_never_child_order`` on (Điều 3.2). With
    several violations the latest term governs. When the terms stop applying
    (`population_terms_apply`), the first day is that day at the latest.
    """
    counted = population_counted(candidate.population_violations, policy)
    if not counted:
        return None
    lapse = _population_lapse(policy)
    worst = max(counted, key=lambda v: v.child_order)
    if population_wait_months(worst.child_order, policy) is None:
        return lapse, Message(
            vi="Vi phạm chính sách dân số sinh con thứ {order}: không xem xét kết nạp",
            en="Population-policy violation with child number {order}: not admitted",
        ).bind(order=worst.child_order)
    terms = [
        (add_months(v.child_born_on, population_wait_months(v.child_order, policy) or 0), v)
        for v in counted
    ]
    ready, latest = max(terms, key=lambda term: term[0])
    return _earlier(ready, lapse), Message(
        vi="Chưa đủ {months} tháng kể từ ngày sinh con thứ {order} (vi phạm chính sách dân số)",
        en="Less than {months} months since child number {order} was born "
        "(population-policy violation)",
    ).bind(months=population_wait_months(latest.child_order, policy), order=latest.child_order)


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
@functools.lru_cache(maxsize=256)
def months_text(months: int) -> Message:
    """A term in months: ``12 tháng``, ``12 months``."""
    return Message(vi="{n} tháng", en="{n} months").bind(n=months)


@functools.lru_cache(maxsize=256)
def working_days_text(days: int) -> Message:
    """A term in working days: ``60 ngày làm việc``, ``60 working days``."""
    return Message(vi="{n} ngày làm việc", en="{n} working days").bind(n=days)
