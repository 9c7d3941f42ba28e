"""
Party age on a date (tuổi đảng, J-01, J-02): from the first decision, less every time out.

QĐ 24 §4.5.1: "trừ thời gian không tham gia sinh hoạt đảng … thời gian bị khai trừ …,
thời gian bị xoá tên, thời gian mất liên lạc với tổ chức đảng và thời gian gián đoạn do
chuyển sinh hoạt đảng". Each period of membership counts its whole months by the Civil
Code (Art. 147-148): the event day not counted, a month complete on the corresponding day
or the month's last day.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    ADMISSION,
    Actor,
    Approval,
    ApprovalKind,
    Dossier,
    GapKind,
    InvalidInput,
    LeavingReason,
    MembershipGap,
    PriorMembership,
    Stage,
    Workflow,
)
from ketnap.storage import dumps, loads, redact, to_document
from ketnap.terms import membership_periods, party_age_months, party_age_text
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
    assert party_age_months(dossier, on, process=ADMISSION) == months


def test_a_decision_on_a_leap_day(workflow: Workflow) -> None:
    # The meeting whose decision, 20 working days later, falls on 29 Feb 2024.
    meeting = next(
        day
        for day in (D(2024, 1, 2).add(days=n) for n in range(58))
        if workflow.law.calendar.add_working_days(day, 20) == D(2024, 2, 29)
    )
    dossier = member(workflow, meeting)
    assert decision_on(dossier) == D(2024, 2, 29)
    assert party_age_months(dossier, D(2025, 2, 27), process=ADMISSION) == 11
    assert (
        party_age_months(dossier, D(2025, 2, 28), process=ADMISSION) == 12
    )  # the leap day's month end


def test_none_before_recognition_and_before_the_decision(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=D(2024, 3, 12))
    walk(workflow, dossier, meeting=D(2024, 3, 12), until=Stage.PROBATION)
    assert party_age_months(dossier, D(2025, 6, 1), process=ADMISSION) is None
    recognised = member(workflow, D(2024, 3, 12))
    assert (
        party_age_months(recognised, decision_on(recognised).subtract(days=1), process=ADMISSION)
        is None
    )


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
    # Past youth age, two sponsors introduce the candidate (C-01).
    dossier.sponsors.append(attrs.evolve(dossier.sponsors[0], name="Phạm Thị Hoa"))
    consent = Approval(
        kind=ApprovalKind.READMISSION, by=Actor.PROVINCIAL_STANDING_BOARD, given_on=D(2024, 3, 20)
    )
    dossier.approvals.append(consent)
    walk(workflow, dossier, meeting=D(2024, 3, 12), until=Stage.FULL_MEMBER)
    decided = decision_on(dossier)
    assert party_age_months(dossier, decided, process=ADMISSION) == 180  # the gap does not count
    assert party_age_months(dossier, decided.add(months=13), process=ADMISSION) == 193
    # During the time out, the age stays where the first membership ended.
    assert party_age_months(dossier, D(2022, 1, 1), process=ADMISSION) == 180
    assert party_age_months(dossier, D(2005, 5, 18), process=ADMISSION) is None


def test_party_age_reads_in_years_and_months() -> None:
    assert party_age_text(205).render("vi") == "17 năm 1 tháng"
    assert party_age_text(205).render("en") == "17 years 1 months"


# --- every kind of gap (QĐ 24 §4.5.1) ---------------------------------------------------------

MEETING = D(2024, 3, 12)
DECIDED = D(2024, 4, 9)  # the reference dossier's admission decision


def with_gaps(workflow: Workflow, *gaps: MembershipGap) -> Dossier:
    dossier = member(workflow, MEETING)
    assert decision_on(dossier) == DECIDED
    dossier.membership_gaps.extend(gaps)
    return dossier


def gap(kind: GapKind, start: pendulum.Date, end: pendulum.Date | None) -> MembershipGap:
    return MembershipGap(kind=kind, start=start, end=end)


class TestGaps:
    """Every recorded time out is taken out of party age, counted in whole months."""

    @pytest.mark.parametrize("kind", list(GapKind))
    def test_every_kind_is_taken_out(self, workflow: Workflow, kind: GapKind) -> None:
        dossier = with_gaps(workflow, gap(kind, D(2025, 1, 9), D(2025, 7, 9)))
        # 9 months to the gap, 6 out, then 12 more to 9 Jul 2026: 21 of 27.
        assert party_age_months(dossier, D(2026, 7, 9), process=ADMISSION) == 21

    @pytest.mark.parametrize(
        ("on", "months"),
        [
            pytest.param(D(2026, 4, 24), 23, id="day-before"),
            pytest.param(D(2026, 4, 25), 24, id="day-of"),
            pytest.param(D(2026, 4, 26), 24, id="day-after"),
        ],
    )
    def test_a_gap_of_less_than_a_month(
        self, workflow: Workflow, on: pendulum.Date, months: int
    ) -> None:
        """
        A 15-day transfer gap: 9 whole months before it (9 Apr to 10 Jan), then the second
        period's 15th month ends on 25 Apr 2026. Without the gap, 24 months on 9 Apr 2026.
        """
        dossier = with_gaps(
            workflow, gap(GapKind.TRANSFER_INTERRUPTED, D(2025, 1, 10), D(2025, 1, 25))
        )
        assert party_age_months(dossier, D(2026, 4, 9), process=ADMISSION) == 23
        assert party_age_months(dossier, on, process=ADMISSION) == months

    @pytest.mark.parametrize(
        ("on", "months"),
        [
            pytest.param(D(2025, 2, 27), 9, id="day-before-the-month-end"),
            pytest.param(D(2025, 2, 28), 10, id="the-month-end"),
            pytest.param(D(2025, 3, 1), 10, id="day-after"),
            pytest.param(D(2025, 3, 31), 11, id="next-month-end"),
        ],
    )
    def test_a_gap_ending_on_the_last_day_of_a_month(
        self, workflow: Workflow, on: pendulum.Date, months: int
    ) -> None:
        """Back on 31 Jan: a month is complete on 28 Feb (no 31st), the next on 31 Mar."""
        dossier = with_gaps(workflow, gap(GapKind.LOST_CONTACT, D(2025, 1, 10), D(2025, 1, 31)))
        assert party_age_months(dossier, on, process=ADMISSION) == months

    @pytest.mark.parametrize(
        ("on", "months"),
        [
            pytest.param(D(2026, 4, 9), 20, id="day-before"),
            pytest.param(D(2026, 4, 10), 21, id="day-of"),
            pytest.param(D(2026, 4, 11), 21, id="day-after"),
        ],
    )
    def test_overlapping_gaps_count_once(
        self, workflow: Workflow, on: pendulum.Date, months: int
    ) -> None:
        """Out of contact 10 Jan-10 Mar and moving 10 Feb-10 Apr 2025: out 10 Jan-10 Apr."""
        overlapping = with_gaps(
            workflow,
            gap(GapKind.LOST_CONTACT, D(2025, 1, 10), D(2025, 3, 10)),
            gap(GapKind.TRANSFER_INTERRUPTED, D(2025, 2, 10), D(2025, 4, 10)),
        )
        single = with_gaps(workflow, gap(GapKind.LOST_CONTACT, D(2025, 1, 10), D(2025, 4, 10)))
        assert (
            party_age_months(overlapping, on, process=ADMISSION)
            == party_age_months(single, on, process=ADMISSION)
            == months
        )

    def test_a_gap_inside_another_counts_once(self, workflow: Workflow) -> None:
        outer = gap(GapKind.EXPELLED, D(2025, 1, 10), D(2025, 6, 10))
        inner = gap(GapKind.LOST_CONTACT, D(2025, 2, 1), D(2025, 3, 1))
        both = with_gaps(workflow, outer, inner)
        alone = with_gaps(workflow, outer)
        assert party_age_months(both, D(2026, 6, 10), process=ADMISSION) == party_age_months(
            alone, D(2026, 6, 10), process=ADMISSION
        )

    def test_gaps_before_the_first_decision_are_ignored(self, workflow: Workflow) -> None:
        before = with_gaps(workflow, gap(GapKind.LOST_CONTACT, D(2020, 1, 1), D(2021, 1, 1)))
        plain = member(workflow, MEETING)
        for on in (DECIDED, D(2025, 4, 9), D(2026, 4, 9)):
            assert party_age_months(before, on, process=ADMISSION) == party_age_months(
                plain, on, process=ADMISSION
            )

    def test_only_the_part_after_the_decision_counts(self, workflow: Workflow) -> None:
        """A gap recorded from before the decision to 9 May 2024 costs the month after it."""
        dossier = with_gaps(workflow, gap(GapKind.LOST_CONTACT, D(2024, 1, 1), D(2024, 5, 9)))
        assert party_age_months(dossier, D(2025, 4, 9), process=ADMISSION) == 11
        assert party_age_months(dossier, D(2025, 5, 9), process=ADMISSION) == 12

    def test_an_open_gap_stops_the_count(self, workflow: Workflow) -> None:
        """Out of contact since 9 Jan 2025 and not back: party age stays at 9 months."""
        dossier = with_gaps(workflow, gap(GapKind.LOST_CONTACT, D(2025, 1, 9), None))
        assert party_age_months(dossier, D(2025, 1, 9), process=ADMISSION) == 9
        assert party_age_months(dossier, D(2030, 1, 1), process=ADMISSION) == 9

    def test_a_gap_after_the_date_asked_does_not_count_yet(self, workflow: Workflow) -> None:
        dossier = with_gaps(workflow, gap(GapKind.STRUCK_OFF, D(2027, 1, 1), D(2028, 1, 1)))
        assert party_age_months(dossier, D(2026, 4, 9), process=ADMISSION) == 24

    def test_a_recorded_readmission_gap_is_not_taken_out_twice(self, workflow: Workflow) -> None:
        """The time from leaving to the new decision counts once, recorded or not."""
        prior = PriorMembership(
            first_decision_on=D(2005, 5, 19),
            left_on=D(2020, 5, 19),
            reason=LeavingReason.REMOVED,
        )
        dossier = readmitted(workflow, prior)
        decided = decision_on(dossier)
        before = party_age_months(dossier, decided.add(months=13), process=ADMISSION)
        dossier.membership_gaps.append(gap(GapKind.READMISSION, D(2020, 5, 19), decided))
        assert party_age_months(dossier, decided.add(months=13), process=ADMISSION) == before == 193

    def test_a_gap_during_the_first_membership(self, workflow: Workflow) -> None:
        """A year out of contact in 2010-2011 comes off a re-admitted member's age too."""
        prior = PriorMembership(
            first_decision_on=D(2005, 5, 19),
            left_on=D(2020, 5, 19),
            reason=LeavingReason.TRANSFER_LAPSE,
        )
        dossier = readmitted(workflow, prior)
        decided = decision_on(dossier)
        dossier.membership_gaps.append(gap(GapKind.LOST_CONTACT, D(2010, 5, 19), D(2011, 5, 19)))
        assert party_age_months(dossier, decided, process=ADMISSION) == 168


def readmitted(workflow: Workflow, prior: PriorMembership) -> Dossier:
    dossier = make_dossier(meeting=MEETING)
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=D(1980, 1, 1), prior_membership=prior
    )
    dossier.sponsors.append(attrs.evolve(dossier.sponsors[0], name="Phạm Thị Hoa"))
    dossier.approvals.append(
        Approval(
            kind=ApprovalKind.READMISSION,
            by=Actor.PROVINCIAL_STANDING_BOARD,
            given_on=D(2024, 3, 20),
        )
    )
    walk(workflow, dossier, meeting=MEETING, until=Stage.FULL_MEMBER)
    return dossier


class TestMembershipPeriods:
    """terms.membership_periods: the periods between the gaps, from the decision to a date."""

    def test_no_gap(self) -> None:
        assert membership_periods(D(2000, 1, 1), D(2001, 1, 1), []) == [
            (D(2000, 1, 1), D(2001, 1, 1))
        ]

    def test_touching_gaps_merge(self) -> None:
        gaps = [(D(2000, 3, 1), D(2000, 4, 1)), (D(2000, 4, 1), D(2000, 5, 1))]
        assert membership_periods(D(2000, 1, 1), D(2001, 1, 1), gaps) == [
            (D(2000, 1, 1), D(2000, 3, 1)),
            (D(2000, 5, 1), D(2001, 1, 1)),
        ]

    def test_before_the_start(self) -> None:
        assert membership_periods(D(2000, 1, 1), D(1999, 1, 1), []) == []

    def test_a_gap_of_no_time_splits_nothing(self) -> None:
        """A transfer received the day it left takes no month off."""
        gaps = [(D(2000, 3, 15), D(2000, 3, 15))]
        assert membership_periods(D(2000, 1, 1), D(2001, 1, 1), gaps) == [
            (D(2000, 1, 1), D(2001, 1, 1))
        ]


class TestGapRecords:
    """MembershipGap: structure, labels, storage."""

    def test_labels(self) -> None:
        assert GapKind.STRUCK_OFF.text("vi") == "Thời gian bị xóa tên"
        assert GapKind.LOST_CONTACT.text("en") == "Time out of contact with the party organisation"
        assert GapKind.TRANSFER_INTERRUPTED.label == "Thời gian gián đoạn do chuyển sinh hoạt đảng"

    def test_a_gap_ends_after_it_starts(self) -> None:
        with pytest.raises(InvalidInput, match="start"):
            gap(GapKind.EXPELLED, D(2025, 1, 2), D(2025, 1, 1))

    def test_the_dates_stay_out_of_the_repr(self) -> None:
        assert "2025" not in repr(gap(GapKind.EXPELLED, D(2025, 1, 1), D(2025, 2, 1)))

    def test_gaps_round_trip_and_old_documents_still_load(self, workflow: Workflow) -> None:
        dossier = with_gaps(
            workflow,
            gap(GapKind.LOST_CONTACT, D(2025, 1, 10), D(2025, 1, 31)),
            gap(GapKind.EXPELLED, D(2026, 1, 1), None),
        )
        loaded = loads(dumps(dossier))
        assert loaded.membership_gaps == dossier.membership_gaps
        assert party_age_months(loaded, D(2027, 1, 1), process=ADMISSION) == party_age_months(
            dossier, D(2027, 1, 1), process=ADMISSION
        )
        plain = member(workflow, MEETING)
        assert "membership_gaps" not in to_document(plain)["dossier"]
        assert loads(dumps(plain)).membership_gaps == []

    def test_gaps_are_not_shared(self, workflow: Workflow) -> None:
        dossier = with_gaps(workflow, gap(GapKind.EXPELLED, D(2025, 1, 1), None))
        assert "membership_gaps" not in redact(dossier, salt=b"x")["dossier"]
