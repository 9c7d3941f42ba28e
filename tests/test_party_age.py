"""Party age on a date (tuổi đảng, J-01, J-02): from the first decision, less time out."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    Dossier,
    LeavingReason,
    PriorMembership,
    Stage,
    Workflow,
)
from ketnap.terms import party_age_months, party_age_text
from ketnap.testing import make_dossier, walk

D = pendulum.Date


def member(workflow: Workflow, meeting: pendulum.Date) -> Dossier:
    dossier = make_dossier(meeting=meeting)
    walk(workflow, dossier, meeting=meeting, until=Stage.FULL_MEMBER)
    return dossier


def decision_on(dossier: Dossier) -> pendulum.Date:
    decided = dossier.admission_decision_date
    assert decided is not None
    return decided


@pytest.mark.parametrize(
    ("offset_days", "months"), [(-1, 11), (0, 12), (1, 12)], ids=["day-before", "day-of", "after"]
)
def test_one_year_after_the_decision(workflow: Workflow, offset_days: int, months: int) -> None:
    dossier = member(workflow, D(2024, 3, 12))
    decided = decision_on(dossier)
    on = decided.add(years=1).add(days=offset_days)
    assert party_age_months(dossier, on) == months


def test_a_decision_on_a_leap_day(workflow: Workflow) -> None:
    # The meeting whose decision, 20 working days later, falls on 29 Feb 2024.
    meeting = next(
        day
        for day in (D(2024, 1, 2).add(days=n) for n in range(58))
        if workflow.law.calendar.add_working_days(day, 20) == D(2024, 2, 29)
    )
    dossier = member(workflow, meeting)
    assert decision_on(dossier) == D(2024, 2, 29)
    assert party_age_months(dossier, D(2025, 2, 27)) == 11
    assert party_age_months(dossier, D(2025, 2, 28)) == 12  # the leap day's month end


def test_none_before_recognition_and_before_the_decision(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=D(2024, 3, 12))
    walk(workflow, dossier, meeting=D(2024, 3, 12), until=Stage.PROBATION)
    assert party_age_months(dossier, D(2025, 6, 1)) is None
    recognised = member(workflow, D(2024, 3, 12))
    assert party_age_months(recognised, decision_on(recognised).subtract(days=1)) is None


def test_a_readmitted_member_counts_from_the_first_decision_less_the_time_out(
    workflow: Workflow,
) -> None:
    prior = PriorMembership(
        first_decision_on=D(2005, 5, 19),
        left_on=D(2020, 5, 19),  # 180 months in the Party
        reason=LeavingReason.TRANSFER_LAPSE,
    )
    dossier = make_dossier(meeting=D(2024, 3, 12))
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=D(1980, 1, 1), prior_membership=prior
    )
    consent = Approval(
        kind=ApprovalKind.READMISSION, by=Actor.PROVINCIAL_STANDING_BOARD, given_on=D(2024, 3, 20)
    )
    dossier.approvals.append(consent)
    walk(workflow, dossier, meeting=D(2024, 3, 12), until=Stage.FULL_MEMBER)
    decided = decision_on(dossier)
    assert party_age_months(dossier, decided) == 180  # the gap does not count
    assert party_age_months(dossier, decided.add(months=13)) == 193
    # During the time out, the age stays where the first membership ended.
    assert party_age_months(dossier, D(2022, 1, 1)) == 180
    assert party_age_months(dossier, D(2005, 5, 18)) is None


def test_party_age_reads_in_years_and_months() -> None:
    assert party_age_text(205).render("vi") == "17 năm 1 tháng"
    assert party_age_text(205).render("en") == "17 years 1 months"
