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
    DeadlineKind,
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
from tests.conftest import (
    at_stage,
    decision_received_16_aug_2021,
    proposed,
    ready_for_recognition,
)

D = pendulum.Date
MEETING = D(2024, 3, 12)


def only(dossier: Dossier, kind: DeadlineKind, on: D, workflow: Workflow) -> Deadline:
    (found,) = [d for d in deadlines_for(dossier, on=on, workflow=workflow) if d.kind is kind]
    return found


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
        deadline = only(proposed(workflow), DeadlineKind.ADMISSION_DECISION, on, workflow)
        assert deadline.due == D(2024, 6, 7)
        assert deadline.status is status
        assert deadline.actor is Actor.COMPETENT_COMMITTEE
        assert deadline.is_open

    def test_met(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(
            dossier, Step.DECIDE_ADMISSION, on=D(2024, 6, 7), actor=Actor.COMPETENT_COMMITTEE
        )
        deadline = only(dossier, DeadlineKind.ADMISSION_DECISION, D(2024, 7, 1), workflow)
        assert deadline.status is DeadlineStatus.MET
        assert deadline.done_on == D(2024, 6, 7)
        assert not deadline.is_open

    def test_report_for_an_earlier_date_ignores_later_acts(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(
            dossier, Step.DECIDE_ADMISSION, on=D(2024, 6, 7), actor=Actor.COMPETENT_COMMITTEE
        )
        deadline = only(dossier, DeadlineKind.ADMISSION_DECISION, D(2024, 5, 1), workflow)
        assert deadline.status is DeadlineStatus.PENDING
        assert deadline.done_on is None

    def test_refusal_closes_it(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        workflow.advance(dossier, Step.REFUSE, on=D(2024, 4, 1), actor=Actor.COMPETENT_COMMITTEE)
        deadline = only(dossier, DeadlineKind.ADMISSION_DECISION, D(2024, 9, 1), workflow)
        assert deadline.status is DeadlineStatus.MET

    def test_extension(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.DECISION_EXTENSION,
                by=Actor.COMPETENT_COMMITTEE,
                given_on=D(2024, 6, 1),
            )
        )
        deadline = only(dossier, DeadlineKind.ADMISSION_DECISION, D(2024, 6, 10), workflow)
        assert deadline.due == workflow.calendar.add_working_days(MEETING, 90)
        assert deadline.status is DeadlineStatus.PENDING


class TestCeremony:
    """30 working days from receipt of the decision; the branch acts."""

    def test_national_day_2021(self, workflow: Workflow) -> None:
        dossier = decision_received_16_aug_2021(workflow)
        deadline = only(dossier, DeadlineKind.CEREMONY, D(2021, 9, 1), workflow)
        assert deadline.due == D(2021, 9, 29)
        assert deadline.actor is Actor.BRANCH
        missed = only(dossier, DeadlineKind.CEREMONY, D(2021, 9, 30), workflow)
        assert missed.status is DeadlineStatus.MISSED

    def test_consent_waives_it(self, workflow: Workflow) -> None:
        dossier = decision_received_16_aug_2021(workflow, delay_consent=True)
        deadline = only(dossier, DeadlineKind.CEREMONY, D(2021, 10, 15), workflow)
        assert deadline.waived
        assert deadline.status is DeadlineStatus.PENDING


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
        probation = only(dossier, DeadlineKind.PROBATION_END, ceremony, workflow)
        assert probation.due == end
        assert probation.actor is None
        assert probation.status is DeadlineStatus.PENDING
        assert only(dossier, DeadlineKind.PROBATION_END, end, workflow).status is (
            DeadlineStatus.MET
        )
        resolution = only(dossier, DeadlineKind.RECOGNITION_RESOLUTION, end, workflow)
        assert resolution.due == workflow.calendar.add_working_days(end, 30)
        assert resolution.actor is Actor.BRANCH

    def test_recognition_decision(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = dossier.probation_end
        assert end is not None
        on = add_days(end, 3)
        ready_for_recognition(dossier, on)
        workflow.advance(dossier, Step.PROPOSE_RECOGNITION, on=on, actor=Actor.BRANCH)
        resolution = only(dossier, DeadlineKind.RECOGNITION_RESOLUTION, on, workflow)
        assert resolution.status is DeadlineStatus.MET
        decision = only(dossier, DeadlineKind.RECOGNITION_DECISION, on, workflow)
        assert decision.due == workflow.calendar.add_working_days(on, 30)
        assert decision.actor is Actor.COMPETENT_COMMITTEE


class TestBeforeTheProposal:
    """Certificate validity, dossier staleness and the re-admission wait."""

    def test_certificate_and_documents(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.add_documents([Document(form="5-KNĐ", dated=D(2023, 6, 30))])
        found = {d.kind: d for d in deadlines_for(dossier, on=MEETING, workflow=workflow)}
        assert found[DeadlineKind.CERTIFICATE_VALIDITY].due == D(2028, 9, 12)
        assert found[DeadlineKind.DOSSIER_STALENESS].due == D(2024, 6, 30)
        assert DeadlineKind.READMISSION_WAIT not in found

    def test_gone_after_the_proposal(self, workflow: Workflow) -> None:
        kinds = {d.kind for d in deadlines_for(proposed(workflow), on=MEETING, workflow=workflow)}
        assert kinds == {DeadlineKind.ADMISSION_DECISION}

    @pytest.mark.parametrize(
        ("reason", "cleared", "ready"),
        [
            (LeavingReason.TRANSFER_LAPSE, None, D(2024, 3, 12)),
            (LeavingReason.CONVICTED_LESS_SERIOUS_CRIME, D(2022, 5, 31), D(2027, 5, 31)),
        ],
    )
    def test_readmission_wait(
        self, workflow: Workflow, reason: LeavingReason, cleared: D | None, ready: D
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        prior = PriorMembership(
            first_decision_on=D(2005, 5, 19),
            left_on=D(2021, 3, 12),
            reason=reason,
            record_cleared_on=cleared,
        )
        dossier.candidate = attrs.evolve(dossier.candidate, prior_membership=prior)
        wait = only(dossier, DeadlineKind.READMISSION_WAIT, MEETING, workflow)
        assert wait.due == ready
        assert wait.actor is None


def add_days(day: D, days: int) -> D:
    return day.add(days=days)
