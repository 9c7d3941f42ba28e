"""Re-admission rules (L-02 to L-07) and the population-policy terms (L-03, L-03a, L-03b)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    Dossier,
    Failure,
    InvalidInput,
    LeavingReason,
    Organization,
    PopulationViolation,
    PriorMembership,
    Stage,
    Step,
    Workflow,
    plan,
)
from ketnap.rules.readmission import EXCLUDED_REASONS
from ketnap.rules.regulations import QD_29_2016, REGULATIONS
from ketnap.storage import dumps, loads, to_document
from ketnap.testing import add_vote
from tests.conftest import at_stage, prepared, proposed

D = pendulum.Date
Proposal = Callable[..., set[str]]
Failing = Callable[..., set[str]]
MEETING = D(2024, 3, 12)


def former(workflow: Workflow, **changes: Any) -> Dossier:
    prior = PriorMembership(
        first_decision_on=D(2005, 5, 19),
        left_on=D(2021, 3, 12),
        reason=LeavingReason.TRANSFER_LAPSE,
    )
    # Past youth age, the candidate is introduced by two sponsors (C-01).
    return second_sponsor(
        prepared(
            workflow, birth_date=D(1980, 1, 1), prior_membership=attrs.evolve(prior, **changes)
        )
    )


class TestWaitingTime:
    """readmission.waiting_time: 36 months since leaving; 60 after a cleared record (L-02)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 11), True, id="day-before-36-months"),
            pytest.param(D(2024, 3, 12), False, id="36-months"),
            pytest.param(D(2024, 3, 13), False, id="day-after"),
        ],
    )
    def test_thirty_six_months(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = former(workflow)
        assert ("readmission.waiting_time" in proposal(dossier, meeting)) is refused

    @pytest.mark.parametrize(
        ("cleared", "refused"),
        [(D(2019, 3, 13), True), (D(2019, 3, 12), False), (None, True)],
        ids=["cleared-a-day-too-late", "cleared-60-months-before", "not-cleared"],
    )
    def test_less_serious_offence(
        self, workflow: Workflow, proposal: Proposal, cleared: D | None, refused: bool
    ) -> None:
        dossier = former(
            workflow,
            left_on=D(2015, 1, 1),
            reason=LeavingReason.CONVICTED_LESS_SERIOUS_CRIME,
            record_cleared_on=cleared,
        )
        assert ("readmission.waiting_time" in proposal(dossier, MEETING)) is refused

    def test_not_a_readmission(self, workflow: Workflow, proposal: Proposal) -> None:
        assert "readmission.waiting_time" not in proposal(prepared(workflow), MEETING)


class TestExcluded:
    """readmission.excluded: some reasons bar re-admission, worded per regulation (L-06)."""

    @pytest.mark.parametrize("reason", sorted(LeavingReason))
    def test_reasons(self, workflow: Workflow, proposal: Proposal, reason: LeavingReason) -> None:
        dossier = former(workflow, reason=reason, record_cleared_on=D(2021, 3, 12))
        assert ("readmission.excluded" in proposal(dossier, MEETING)) is (
            reason in EXCLUDED_REASONS
        )

    def test_wording_changes_with_232(self, workflow: Workflow) -> None:
        old = workflow.law.ruleset_for(D(2024, 1, 1))["readmission.excluded"]
        new = workflow.law.ruleset_for(D(2025, 2, 1))["readmission.excluded"]
        assert old.clause != new.clause
        dossier = former(workflow, reason=LeavingReason.CONVICTED_CORRUPTION)
        add_vote(dossier, MEETING)
        (failure,) = [
            f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
            )
            if f.rule_id == "readmission.excluded"
        ]
        assert "bị kết án vì tội tham nhũng" in failure.message("vi")


class TestOnce:
    """readmission.once: only one re-admission (L-07)."""

    def test_second_readmission(self, workflow: Workflow, proposal: Proposal) -> None:
        assert "readmission.once" in proposal(former(workflow, readmitted_before=True), MEETING)
        assert "readmission.once" not in proposal(former(workflow), MEETING)


class TestConsent:
    """readmission.consent: the provincial standing board consents in writing (L-04)."""

    @pytest.mark.parametrize(
        ("given_on", "by", "refused"),
        [
            (D(2024, 4, 1), Actor.PROVINCIAL_STANDING_BOARD, False),
            (D(2024, 4, 2), Actor.PROVINCIAL_STANDING_BOARD, False),
            (D(2024, 4, 3), Actor.PROVINCIAL_STANDING_BOARD, True),
            (D(2024, 4, 1), Actor.COMPETENT_COMMITTEE, True),
        ],
        ids=["day-before", "day-of", "day-after", "wrong-body"],
    )
    def test_consent(
        self, workflow: Workflow, failing: Failing, given_on: D, by: Actor, refused: bool
    ) -> None:
        dossier = former(workflow)
        add_vote(dossier, MEETING)
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        dossier.approvals.append(Approval(kind=ApprovalKind.READMISSION, by=by, given_on=given_on))
        failed = failing(dossier, Step.DECIDE_ADMISSION, D(2024, 4, 2))
        assert ("readmission.consent" in failed) is refused

    def test_party_age_counts_from_the_first_decision(self, workflow: Workflow) -> None:
        """J-02: a re-admitted member's party age counts from the first admission decision."""
        dossier = former(workflow)
        assert dossier.party_age_start == D(2005, 5, 19)


def configured(**changes: Any) -> Workflow:
    """The shipped rule sets, each with the policy *changes* a deployment makes."""
    return Workflow([ruleset.with_policy(**changes) for ruleset in REGULATIONS.values()])


def second_sponsor(dossier: Dossier) -> Dossier:
    """Give *dossier* a second official sponsor, as a candidate past youth age needs (C-01)."""
    first = dossier.sponsors[0]
    dossier.sponsors.append(attrs.evolve(first, name="Phạm Thị Hoa"))
    return dossier


def former_at(meeting: D, **prior: Any) -> Dossier:
    """
    A former member's dossier prepared for a branch meeting on *meeting*.

    Walked with its own workflow so that the history fits the meeting's regulation.
    """
    workflow = Workflow()
    dossier = second_sponsor(at_stage(workflow, Stage.PREPARED, meeting=meeting))
    membership = PriorMembership(
        first_decision_on=D(2005, 5, 19),
        left_on=prior.pop("left_on"),
        reason=prior.pop("reason", LeavingReason.POPULATION_POLICY),
        **prior,
    )
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=D(1980, 1, 1), prior_membership=membership
    )
    return dossier


def third(born: D) -> PopulationViolation:
    """A third child born on *born*."""
    return PopulationViolation(child_order=3, child_born_on=born)


def nth(order: int, born: D) -> PopulationViolation:
    """A child of *order* born on *born*."""
    return PopulationViolation(child_order=order, child_born_on=born)


def failures(workflow: Workflow, dossier: Dossier, on: D) -> dict[str, Failure]:
    """The branch proposal's failures on *on*, by rule id, with a passing vote that day."""
    if not any(v.held_on == on and v.body is Actor.BRANCH for v in dossier.votes):
        add_vote(dossier, on)
    found = workflow.law.check(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
    return {f.rule_id: f for f in found}


LEFT = D(2021, 3, 12)
"""The day the former member was struck off, under QĐ 29; 24 months later is under QĐ 24."""


class TestPopulationReadmission:
    """
    readmission.population_policy: the Secretariat's terms for a member removed over the
    population policy (L-03): QĐ 05-QĐi/TW Điều 3-4, QĐ 173-QĐ/TW before 28 Aug 2018.
    """

    @pytest.mark.parametrize(
        ("order", "meeting", "refused"),
        [
            pytest.param(3, D(2023, 3, 11), True, id="third-child-24-months-minus-a-day"),
            pytest.param(3, D(2023, 3, 12), False, id="third-child-24-months"),
            pytest.param(3, D(2023, 3, 13), False, id="third-child-24-months-plus-a-day"),
            pytest.param(4, D(2024, 3, 11), True, id="fourth-child-36-months-minus-a-day"),
            pytest.param(4, D(2024, 3, 12), False, id="fourth-child-36-months"),
            pytest.param(4, D(2024, 3, 13), False, id="fourth-child-36-months-plus-a-day"),
        ],
    )
    def test_the_wait_by_child_order(self, order: int, meeting: D, refused: bool) -> None:
        """24 months after leaving for a third child, 36 for a fourth, to the meeting."""
        workflow = Workflow()
        dossier = former_at(meeting, left_on=LEFT, population_violation=nth(order, D(2020, 5, 1)))
        failed = failures(workflow, dossier, meeting)
        assert ("readmission.population_policy" in failed) is refused
        # The Secretariat's term replaces the ordinary 36 months (L-02).
        assert "readmission.waiting_time" not in failed

    def test_the_message_names_the_term_and_the_child(self) -> None:
        workflow = Workflow()
        meeting = D(2023, 3, 11)
        dossier = former_at(meeting, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        failure = failures(workflow, dossier, meeting)["readmission.population_policy"]
        assert failure.message("vi") == (
            "Chưa đủ 24 tháng kể từ khi ra khỏi Đảng (vi phạm chính sách dân số, sinh con thứ 3)"
        )
        assert failure.message("en") == (
            "Less than 24 months since leaving the Party (population-policy violation, "
            "child number 3)"
        )
        assert "QĐ 05-QĐi/TW" in failure.text("vi")
        assert "ít nhất là 24 tháng" in failure.clause

    @pytest.mark.parametrize("order", [5, 6], ids=["fifth-child", "sixth-child"])
    def test_a_fifth_child_is_never_readmitted(self, order: int) -> None:
        workflow = Workflow()
        meeting = D(2024, 12, 10)
        dossier = former_at(meeting, left_on=LEFT, population_violation=nth(order, D(2020, 5, 1)))
        failure = failures(workflow, dossier, meeting)["readmission.population_policy"]
        assert f"sinh con thứ {order}: không xem xét kết nạp lại" in failure.message("vi")

    def test_never_after_a_new_violation(self) -> None:
        """QĐ 05-QĐi/TW Điều 3.1: violating again once out of the Party bars re-admission."""
        workflow = Workflow()
        meeting = D(2024, 12, 10)
        dossier = former_at(meeting, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        dossier.candidate = attrs.evolve(
            dossier.candidate, population_violations=(nth(4, D(2022, 8, 1)),)
        )
        failure = failures(workflow, dossier, meeting)["readmission.population_policy"]
        assert "lại vi phạm chính sách dân số" in failure.message("vi")
        assert "again" in failure.message("en")

    def test_a_birth_before_leaving_is_no_new_violation(self) -> None:
        workflow = Workflow()
        meeting = D(2023, 3, 12)
        dossier = former_at(meeting, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        dossier.candidate = attrs.evolve(
            dossier.candidate, population_violations=(third(D(2020, 5, 1)),)
        )
        assert "readmission.population_policy" not in failures(workflow, dossier, meeting)

    def test_the_child_must_be_recorded(self) -> None:
        """Without the child's order the term is unknown: refused, saying what to record."""
        workflow = Workflow()
        meeting = D(2024, 12, 10)
        dossier = former_at(meeting, left_on=LEFT)
        failure = failures(workflow, dossier, meeting)["readmission.population_policy"]
        assert "chưa ghi sinh con thứ mấy" in failure.message("vi")

    def test_other_reasons_keep_the_ordinary_wait(self) -> None:
        workflow = Workflow()
        meeting = D(2023, 3, 12)
        dossier = former_at(meeting, left_on=LEFT, reason=LeavingReason.TRANSFER_LAPSE)
        failed = failures(workflow, dossier, meeting)
        assert "readmission.population_policy" not in failed
        assert "readmission.waiting_time" in failed

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2018, 8, 27), True, id="QĐ173-last-day-60-months"),
            pytest.param(D(2018, 8, 28), False, id="QĐ05-first-day-24-months"),
            pytest.param(D(2018, 8, 29), False, id="QĐ05-day-after"),
        ],
    )
    def test_the_secretariat_rules_have_their_own_dates(self, meeting: D, refused: bool) -> None:
        """Under QĐ 29, QĐ 173 asked 60 months until 27 Aug 2018; QĐ 05 then asks 24."""
        workflow = Workflow()
        left = D(2015, 6, 1)  # 24 months passed on 1 Jun 2017, 60 months on 1 Jun 2020
        dossier = former_at(meeting, left_on=left, population_violation=third(D(2014, 9, 1)))
        assert workflow.law.ruleset_for(meeting) is QD_29_2016
        failed = failures(workflow, dossier, meeting)
        assert ("readmission.population_policy" in failed) is refused
        assert "readmission.waiting_time" not in failed

    def test_the_window_is_the_term(self) -> None:
        """The planner reads the same term as the check (24 months for a third child)."""
        workflow = Workflow()
        meeting = D(2022, 11, 8)
        dossier = former_at(meeting, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        found = plan(workflow.law, dossier, on=meeting)
        (requirement,) = [
            r for r in found.requirements if r.rule_id == "readmission.population_policy"
        ]
        assert requirement.holds_from == D(2023, 3, 12)
        assert not any(r.rule_id == "readmission.waiting_time" for r in found.requirements)

    def test_never_is_planned_as_never(self) -> None:
        workflow = Workflow()
        meeting = D(2022, 11, 8)
        dossier = former_at(meeting, left_on=LEFT, population_violation=nth(5, D(2020, 5, 1)))
        found = plan(workflow.law, dossier, on=meeting)
        assert found.earliest is None
        assert [r.rule_id for r in found.blocking] == ["readmission.population_policy"]

    def test_a_deployment_may_set_other_terms(self) -> None:
        longer = configured(population_third_child_months=30)
        meeting = D(2023, 3, 12)
        dossier = former_at(meeting, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        assert "readmission.population_policy" in failures(longer, dossier, meeting)
        assert "readmission.population_policy" not in failures(longer, dossier, D(2023, 9, 12))


# The 2025 change: from 20 Mar 2025 a third child is no longer disciplined (HD 15-HD/UBKTTW).
CHANGE = D(2025, 3, 20)
AFTER = D(2025, 9, 16)  # a branch meeting under QĐ 294


class TestPopulation2025Change:
    """
    L-03b: a child born on or after 20 Mar 2025 is no violation (configurable reading);
    whether QĐ 05-QĐi/TW's terms survive the change is open (they do by default).
    """

    @pytest.mark.parametrize(
        ("born", "refused"),
        [
            pytest.param(D(2025, 3, 19), True, id="born-the-day-before-counted"),
            pytest.param(D(2025, 3, 20), False, id="born-on-20-March-2025-not-counted"),
            pytest.param(D(2025, 3, 21), False, id="born-the-day-after-not-counted"),
        ],
    )
    def test_a_new_birth_after_leaving(self, born: D, refused: bool) -> None:
        workflow = Workflow()
        dossier = former_at(AFTER, left_on=D(2022, 6, 1), population_violation=third(D(2022, 1, 5)))
        dossier.candidate = attrs.evolve(dossier.candidate, population_violations=(nth(4, born),))
        assert ("readmission.population_policy" in failures(workflow, dossier, AFTER)) is refused

    @pytest.mark.parametrize(
        ("born", "refused"),
        [
            pytest.param(D(2025, 3, 19), True, id="born-the-day-before-counted"),
            pytest.param(D(2025, 3, 20), False, id="born-on-20-March-2025-not-counted"),
            pytest.param(D(2025, 3, 21), False, id="born-the-day-after-not-counted"),
        ],
    )
    def test_a_first_time_applicant(self, born: D, refused: bool) -> None:
        workflow = Workflow()
        dossier = applicant(AFTER, third(born))
        assert ("population.violation" in failures(workflow, dossier, AFTER)) is refused

    def test_counting_every_birth_is_a_policy_value(self) -> None:
        strict = configured(population_births_counted_before=None)
        dossier = applicant(AFTER, third(D(2025, 3, 20)))
        assert "population.violation" in failures(strict, dossier, AFTER)

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2025, 3, 19), True, id="the-day-before-the-change"),
            pytest.param(D(2025, 3, 20), False, id="the-day-of-the-change"),
            pytest.param(D(2025, 3, 21), False, id="the-day-after"),
        ],
    )
    def test_reading_the_terms_as_ended(self, meeting: D, refused: bool) -> None:
        """population_terms_after_change=False: from the change, violations no longer count."""
        ended = configured(population_terms_after_change=False)
        dossier = applicant(meeting, third(D(2024, 6, 1)))
        assert ("population.violation" in failures(ended, dossier, meeting)) is refused

    def test_by_default_the_terms_survive_the_change(self) -> None:
        workflow = Workflow()
        dossier = applicant(AFTER, third(D(2024, 6, 1)))
        assert "population.violation" in failures(workflow, dossier, AFTER)

    def test_a_removed_member_then_waits_the_ordinary_time(self) -> None:
        """With the terms read as ended, the ordinary 36 months (L-02) apply again."""
        ended = configured(population_terms_after_change=False)
        dossier = former_at(AFTER, left_on=D(2023, 6, 1), population_violation=third(D(2023, 1, 5)))
        failed = failures(ended, dossier, AFTER)
        assert "readmission.population_policy" not in failed
        assert "readmission.waiting_time" in failed


def applicant(meeting: D, *violations: PopulationViolation, **prior: Any) -> Dossier:
    """A first-time applicant's dossier for *meeting*, with population-policy *violations*."""
    workflow = Workflow()
    dossier = second_sponsor(at_stage(workflow, Stage.PREPARED, meeting=meeting))
    membership = None
    if prior:
        membership = PriorMembership(first_decision_on=D(2005, 5, 19), **prior)
    dossier.candidate = attrs.evolve(
        dossier.candidate,
        birth_date=D(1985, 1, 1),
        population_violations=violations,
        prior_membership=membership,
    )
    return dossier


BORN = D(2021, 3, 12)
"""A child's birth under QĐ 29; 24 months later is under QĐ 24."""


class TestPopulationApplicant:
    """
    population.violation: a first-time applicant who violated the population policy waits
    24 months (a third child) or 36 (a fourth) from the birth to the meeting; never for a
    fifth (L-03a, QĐ 05-QĐi/TW Điều 3.2, 5).
    """

    @pytest.mark.parametrize(
        ("order", "meeting", "refused"),
        [
            pytest.param(3, D(2023, 3, 11), True, id="third-child-24-months-minus-a-day"),
            pytest.param(3, D(2023, 3, 12), False, id="third-child-24-months"),
            pytest.param(3, D(2023, 3, 13), False, id="third-child-24-months-plus-a-day"),
            pytest.param(4, D(2024, 3, 11), True, id="fourth-child-36-months-minus-a-day"),
            pytest.param(4, D(2024, 3, 12), False, id="fourth-child-36-months"),
            pytest.param(4, D(2024, 3, 13), False, id="fourth-child-36-months-plus-a-day"),
        ],
    )
    def test_the_wait_from_the_birth(self, order: int, meeting: D, refused: bool) -> None:
        workflow = Workflow()
        dossier = applicant(meeting, nth(order, BORN))
        assert ("population.violation" in failures(workflow, dossier, meeting)) is refused

    def test_the_message(self) -> None:
        workflow = Workflow()
        meeting = D(2024, 3, 11)
        failure = failures(workflow, applicant(meeting, nth(4, BORN)), meeting)[
            "population.violation"
        ]
        assert failure.message("vi") == (
            "Chưa đủ 36 tháng kể từ ngày sinh con thứ 4 (vi phạm chính sách dân số)"
        )
        assert failure.message("en") == (
            "Less than 36 months since child number 4 was born (population-policy violation)"
        )
        assert "kể từ ngày sinh con" in failure.clause

    @pytest.mark.parametrize("meeting", [D(2024, 3, 12), D(2030, 3, 12)], ids=["soon", "later"])
    def test_a_fifth_child_is_never_admitted(self, meeting: D) -> None:
        workflow = Workflow()
        dossier = applicant(meeting, nth(4, D(2012, 1, 1)), nth(5, D(2014, 1, 1)))
        failure = failures(workflow, dossier, meeting)["population.violation"]
        assert "sinh con thứ 5: không xem xét kết nạp" in failure.message("vi")

    def test_the_latest_birth_sets_the_term(self) -> None:
        """A fourth child born after the third: 36 months from the fourth's birth."""
        workflow = Workflow()
        meeting = D(2024, 3, 11)
        dossier = applicant(meeting, third(D(2019, 1, 1)), nth(4, D(2021, 3, 12)))
        assert "population.violation" in failures(workflow, dossier, meeting)
        assert "population.violation" not in failures(workflow, dossier, D(2024, 3, 12))

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2018, 8, 27), True, id="QĐ173-last-day-60-months"),
            pytest.param(D(2018, 8, 28), False, id="QĐ05-first-day-24-months"),
        ],
    )
    def test_qd_173_asked_60_months(self, meeting: D, refused: bool) -> None:
        workflow = Workflow()
        dossier = applicant(meeting, third(D(2015, 6, 1)))
        assert ("population.violation" in failures(workflow, dossier, meeting)) is refused

    def test_a_former_member_who_left_for_another_reason(self) -> None:
        """The applicant's terms apply beside the ordinary wait."""
        workflow = Workflow()
        meeting = D(2024, 3, 11)
        dossier = applicant(
            meeting,
            nth(4, BORN),
            left_on=D(2019, 1, 5),
            reason=LeavingReason.TRANSFER_LAPSE,
        )
        failed = failures(workflow, dossier, meeting)
        assert "population.violation" in failed
        assert "readmission.waiting_time" not in failed

    def test_no_violation_no_term(self) -> None:
        workflow = Workflow()
        assert "population.violation" not in failures(workflow, applicant(MEETING), MEETING)

    def test_the_window_opens_with_the_term(self) -> None:
        workflow = Workflow()
        meeting = D(2022, 11, 8)
        found = plan(workflow.law, applicant(meeting, third(BORN)), on=meeting)
        (requirement,) = [r for r in found.requirements if r.rule_id == "population.violation"]
        assert requirement.holds_from == D(2023, 3, 12)


class TestPopulationRecords:
    """The records that say which child a violation concerned (structure only)."""

    @pytest.mark.parametrize("order", [0, 1, 2, 100, True])
    def test_a_violation_is_a_third_child_or_later(self, order: int) -> None:
        with pytest.raises(InvalidInput, match="child_order"):
            PopulationViolation(child_order=order, child_born_on=D(2020, 1, 1))

    def test_the_birth_that_led_to_the_removal_comes_before_it(self) -> None:
        with pytest.raises(InvalidInput, match="population_violation"):
            PriorMembership(
                first_decision_on=D(2005, 5, 19),
                left_on=D(2020, 1, 1),
                reason=LeavingReason.POPULATION_POLICY,
                population_violation=third(D(2020, 1, 2)),
            )

    def test_a_child_is_born_after_the_parent(self) -> None:
        dossier = applicant(MEETING)
        with pytest.raises(InvalidInput, match="population_violations"):
            attrs.evolve(dossier.candidate, population_violations=(third(D(1984, 1, 1)),))

    def test_the_records_round_trip_and_old_documents_still_load(self) -> None:
        dossier = former_at(MEETING, left_on=LEFT, population_violation=third(D(2020, 5, 1)))
        dossier.candidate = attrs.evolve(
            dossier.candidate, population_violations=(nth(4, D(2025, 4, 1)),)
        )
        loaded = loads(dumps(dossier))
        assert loaded.candidate == dossier.candidate
        # A document without the new fields (every earlier one) loads, and a dossier that
        # does not use them writes none of them.
        plain = at_stage(Workflow(), Stage.PREPARED)
        body = to_document(plain)["dossier"]
        assert "population_violations" not in body["candidate"]
        assert loads(dumps(plain)).candidate.population_violations == ()
        assert repr(third(D(2020, 5, 1))).count("<redacted>") == 1


class TestWhoDecidesAReadmission:
    """L-04: whether a base committee authorised to admit decides a re-admission (U)."""

    def _readmission(self) -> Dossier:
        organization = Organization(
            name="Chi bộ 2", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = proposed(Workflow(), organization)
        dossier.candidate = attrs.evolve(
            dossier.candidate,
            prior_membership=PriorMembership(
                first_decision_on=D(2015, 1, 5),
                left_on=D(2019, 1, 5),
                reason=LeavingReason.TRANSFER_LAPSE,
            ),
        )
        add_vote(dossier, D(2024, 4, 1), body=Actor.BASE_COMMITTEE, counted=9, favour=8)
        return dossier

    @pytest.mark.parametrize(
        ("decides", "refused"), [(False, True), (True, False)], ids=["default", "configured"]
    )
    def test_the_reading_is_a_policy_value(self, decides: bool, refused: bool) -> None:
        workflow = configured(readmission_base_committee_decides=decides)
        dossier = self._readmission()
        failed = {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.DECIDE_ADMISSION, on=D(2025, 8, 1), actor=Actor.BASE_COMMITTEE
            )
        }
        assert ("authority.actor" in failed) is refused
