"""Deadlines of DOMAIN.md §8 per dossier: due dates, statuses, who acts."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    Deadline,
    DeadlineStatus,
    Document,
    Dossier,
    LeavingReason,
    PriorMembership,
    Stage,
    Step,
    Workflow,
    deadlines_for,
)
from ketnap.deadlines import RECOGNITION_RESOLUTION
from tests.conftest import (
    at_stage,
    decision_received_16_aug_2021,
    proposed,
    ready_for_recognition,
)

D = pendulum.Date
MEETING = D(2024, 3, 12)

# The rules whose windows are the deadlines of DOMAIN.md §8.
DECISION = "timing.decision_deadline"
CEREMONY = "timing.ceremony_deadline"
PROBATION_END = "timing.probation_complete"
RECOGNITION_DECISION = "timing.recognition_decision_deadline"
CERTIFICATE_VALIDITY = "certificate.awareness_valid"
DOSSIER_STALENESS = "dossier.fresh"
READMISSION_WAIT = "readmission.waiting_time"


def only(dossier: Dossier, rule_id: str, on: D, workflow: Workflow) -> Deadline:
    found = deadlines_for(dossier, on=on, law=workflow.law)
    (deadline,) = [d for d in found if d.rule_id == rule_id]
    return deadline


def rule_ids(dossier: Dossier, on: D, workflow: Workflow) -> set[str]:
    return {d.rule_id for d in deadlines_for(dossier, on=on, law=workflow.law)}


def test_a_deadline_is_pending_or_missed() -> None:
    # A deadline is one still ahead: once its step is taken it is no longer listed, so
    # there is no "met" status.
    assert set(DeadlineStatus) == {DeadlineStatus.PENDING, DeadlineStatus.MISSED}


class TestAdmissionDecision:
    """60 working days from the branch resolution; the competent committee acts."""

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            (D(2024, 6, 6), DeadlineStatus.PENDING),
            (D(2024, 6, 7), DeadlineStatus.PENDING),
            (D(2024, 6, 8), DeadlineStatus.MISSED),
        ],
        ids=["day-before", "due-day", "day-after"],
    )
    def test_open(self, workflow: Workflow, on: D, status: DeadlineStatus) -> None:
        deadline = only(proposed(workflow), DECISION, on, workflow)
        assert deadline.due == D(2024, 6, 7)
        assert deadline.status is status
        assert deadline.actor is Actor.COMPETENT_COMMITTEE
        assert deadline.step == Step.DECIDE_ADMISSION
        assert not deadline.waiting
        assert deadline.is_open
        assert deadline.clause == "QĐ 294/232/24/29 §4.3.1"

    def test_met(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(
            dossier, Step.DECIDE_ADMISSION, on=D(2024, 6, 7), actor=Actor.COMPETENT_COMMITTEE
        )
        # The decision is behind the dossier now: its deadline is gone, the ceremony's
        # (30 working days from the decision) is the one ahead.
        found = deadlines_for(dossier, on=D(2024, 7, 1), law=workflow.law)
        assert [d.rule_id for d in found] == [CEREMONY]
        assert found[0].status is DeadlineStatus.PENDING

    def test_report_for_an_earlier_date_reads_the_status_then(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(
            dossier, Step.DECIDE_ADMISSION, on=D(2024, 6, 7), actor=Actor.COMPETENT_COMMITTEE
        )
        # Asked on a date before the ceremony's last day, the deadline still ahead of the
        # dossier is pending, not missed; the decision's is not listed again.
        assert DECISION not in rule_ids(dossier, D(2024, 5, 1), workflow)
        ceremony = only(dossier, CEREMONY, D(2024, 5, 1), workflow)
        assert ceremony.status is DeadlineStatus.PENDING
        assert only(dossier, CEREMONY, ceremony.due.add(days=1), workflow).status is (
            DeadlineStatus.MISSED
        )

    def test_refusal_closes_it(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(dossier, Step.REFUSE, on=D(2024, 4, 1), actor=Actor.COMPETENT_COMMITTEE)
        # A final stage has nothing ahead: no deadline is left open (or missed).
        assert deadlines_for(dossier, on=D(2024, 9, 1), law=workflow.law) == []

    def test_extension(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.DECISION_EXTENSION,
                by=Actor.COMPETENT_COMMITTEE,
                given_on=D(2024, 6, 1),
            )
        )
        deadline = only(dossier, DECISION, D(2024, 6, 10), workflow)
        assert deadline.due == workflow.law.calendar.add_working_days(MEETING, 90)
        assert deadline.status is DeadlineStatus.PENDING


class TestCeremony:
    """30 working days from receipt of the decision; the branch acts."""

    def test_national_day_2021(self, workflow: Workflow) -> None:
        dossier = decision_received_16_aug_2021(workflow)
        deadline = only(dossier, CEREMONY, D(2021, 9, 1), workflow)
        assert deadline.due == D(2021, 9, 29)
        assert deadline.actor is Actor.BRANCH
        missed = only(dossier, CEREMONY, D(2021, 9, 30), workflow)
        assert missed.status is DeadlineStatus.MISSED

    def test_consent_waives_it(self, workflow: Workflow) -> None:
        late = D(2021, 10, 15)
        without = decision_received_16_aug_2021(workflow)
        assert only(without, CEREMONY, late, workflow).status is DeadlineStatus.MISSED
        # With the higher committee's consent the ceremony may come later: the rule holds
        # with no last day, so no ceremony deadline is listed, and none is missed.
        dossier = decision_received_16_aug_2021(workflow, delay_consent=True)
        found = deadlines_for(dossier, on=late, law=workflow.law)
        assert CEREMONY not in {d.rule_id for d in found}
        assert all(d.status is DeadlineStatus.PENDING for d in found)


class TestProbation:
    """12 months from the ceremony, then 30 working days for the branch."""

    @pytest.mark.parametrize(
        ("ceremony", "end"),
        [
            (D(2024, 1, 31), D(2025, 1, 31)),
            (D(2024, 2, 29), D(2025, 2, 28)),
            (D(2023, 3, 31), D(2024, 3, 31)),
        ],
        ids=["31-jan", "leap-day", "31-mar"],
    )
    def test_end_of_probation(self, workflow: Workflow, ceremony: D, end: D) -> None:
        dossier = at_stage(workflow, Stage.ADMITTED, meeting=add_days(ceremony, -60))
        dossier.decision_received_on = add_days(ceremony, -3)
        workflow.advance(dossier, Step.HOLD_CEREMONY, on=ceremony, actor=Actor.BRANCH)
        assert workflow.law.probation_end(dossier) == end
        # A waiting date: due is the first day it holds, the day after the last day of
        # probation.
        probation = only(dossier, PROBATION_END, ceremony, workflow)
        assert probation.due == add_days(end, 1)
        assert probation.waiting
        assert not probation.is_open
        assert probation.actor is None
        assert probation.status is DeadlineStatus.PENDING
        assert only(dossier, PROBATION_END, end, workflow).status is DeadlineStatus.PENDING
        # Reached: no longer a date ahead.
        assert PROBATION_END not in rule_ids(dossier, add_days(end, 1), workflow)
        resolution = only(dossier, RECOGNITION_RESOLUTION, end, workflow)
        assert resolution.due == workflow.law.calendar.add_working_days(end, 30)
        assert resolution.actor is Actor.BRANCH

    def test_recognition_decision(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = add_days(end, 3)
        ready_for_recognition(dossier, on)
        workflow.advance(dossier, Step.PROPOSE_RECOGNITION, on=on, actor=Actor.BRANCH)
        # The branch resolution is taken: its term is behind the dossier.
        assert RECOGNITION_RESOLUTION not in rule_ids(dossier, on, workflow)
        decision = only(dossier, RECOGNITION_DECISION, on, workflow)
        assert decision.due == workflow.law.calendar.add_working_days(on, 30)
        assert decision.actor is Actor.COMPETENT_COMMITTEE


class TestBeforeTheProposal:
    """Certificate validity, dossier staleness and the re-admission wait."""

    def test_certificate_and_documents(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.add_documents([Document(form="5-KNĐ", dated=D(2023, 6, 30))])
        found = {d.rule_id: d for d in deadlines_for(dossier, on=MEETING, law=workflow.law)}
        assert found[CERTIFICATE_VALIDITY].due == D(2028, 9, 12)
        assert found[DOSSIER_STALENESS].due == D(2024, 6, 30)
        assert READMISSION_WAIT not in found

    def test_gone_after_the_proposal(self, workflow: Workflow) -> None:
        assert rule_ids(proposed(workflow), MEETING, workflow) == {DECISION}

    @pytest.mark.parametrize(
        ("reason", "cleared", "ready", "asked"),
        [
            (LeavingReason.TRANSFER_LAPSE, None, D(2024, 3, 12), D(2024, 3, 11)),
            (LeavingReason.CONVICTED_LESS_SERIOUS_CRIME, D(2022, 5, 31), D(2027, 5, 31), MEETING),
        ],
    )
    def test_readmission_wait(
        self,
        workflow: Workflow,
        reason: LeavingReason,
        cleared: D | None,
        ready: D,
        asked: D,
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        prior = PriorMembership(
            first_decision_on=D(2005, 5, 19),
            left_on=D(2021, 3, 12),
            reason=reason,
            record_cleared_on=cleared,
        )
        dossier.candidate = attrs.evolve(dossier.candidate, prior_membership=prior)
        wait = only(dossier, READMISSION_WAIT, asked, workflow)
        assert wait.due == ready
        assert wait.waiting
        assert wait.actor is None
        # On the day it is over, the wait is no longer ahead.
        assert READMISSION_WAIT not in rule_ids(dossier, ready, workflow)


def add_days(day: D, days: int) -> D:
    return day.add(days=days)
