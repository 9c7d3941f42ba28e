"""Timing rules: the §8 deadlines that condition an act, and the order of acts."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import Actor, Approval, ApprovalKind, Stage, Step, VotePurpose, Workflow
from ketnap.testing import add_vote
from tests.conftest import at_stage, decision_received_16_aug_2021, proposed

D = pendulum.Date
Failing = Callable[..., set[str]]
MEETING = D(2024, 3, 12)


class TestChronology:
    """timing.chronology: no act is dated before the act that precedes it."""

    @pytest.mark.parametrize(
        ("on", "refused"),
        [(D(2024, 3, 11), True), (MEETING, False), (D(2024, 3, 13), False)],
        ids=["day-before-the-resolution", "same-day", "day-after"],
    )
    def test_after_previous_act(
        self, workflow: Workflow, failing: Failing, on: D, refused: bool
    ) -> None:
        dossier = proposed(workflow)
        assert ("timing.chronology" in failing(dossier, Step.DECIDE_ADMISSION, on)) is refused

    def test_not_before_entering_the_pool(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.SOURCE_POOL)
        before = dossier.entered_pool_on.subtract(days=1)
        assert "timing.chronology" in failing(dossier, Step.COMPLETE_TRAINING, before)


class TestDecisionDeadline:
    """timing.decision_deadline: 60 working days after the resolution, +30 in special cases."""

    @pytest.mark.parametrize(("offset", "refused"), [(-1, False), (0, False), (1, True)])
    def test_sixty_working_days(
        self, workflow: Workflow, failing: Failing, offset: int, refused: bool
    ) -> None:
        """
        12 Mar 2024 + 60 working days = 7 Jun 2024.

        Hùng Kings' day and 29 Apr to 1 May are off; Saturday 4 May was worked.
        """
        dossier = proposed(workflow)
        due = D(2024, 6, 7)
        assert workflow.law.calendar.working_days_between(MEETING, due) == 60
        on = (
            workflow.law.calendar.add_working_days(due, offset)
            if offset >= 0
            else due.subtract(days=1)
        )
        assert ("timing.decision_deadline" in failing(dossier, Step.DECIDE_ADMISSION, on)) is (
            refused
        )

    def test_extension(self, workflow: Workflow, failing: Failing) -> None:
        dossier = proposed(workflow)
        late = workflow.law.calendar.add_working_days(MEETING, 61)
        assert "timing.decision_deadline" in failing(dossier, Step.DECIDE_ADMISSION, late)
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.DECISION_EXTENSION, by=Actor.COMPETENT_COMMITTEE, given_on=late
            )
        )
        assert "timing.decision_deadline" not in failing(dossier, Step.DECIDE_ADMISSION, late)
        too_late = workflow.law.calendar.add_working_days(MEETING, 91)
        assert "timing.decision_deadline" in failing(dossier, Step.DECIDE_ADMISSION, too_late)


class TestCeremonyDeadline:
    """timing.ceremony_deadline: 30 working days after receiving the decision (QĐ §4.1)."""

    @pytest.mark.parametrize(
        ("on", "refused"),
        [
            pytest.param(D(2021, 9, 28), False, id="day-before"),
            pytest.param(D(2021, 9, 29), False, id="30th-working-day"),
            pytest.param(D(2021, 9, 30), True, id="day-after"),
        ],
    )
    def test_national_day_is_skipped(
        self, workflow: Workflow, failing: Failing, on: D, refused: bool
    ) -> None:
        """Received Mon 16 Aug 2021: 2 and 3 Sep are holidays, so the 30th day is 29 Sep."""
        dossier = decision_received_16_aug_2021(workflow)
        assert ("timing.ceremony_deadline" in failing(dossier, Step.HOLD_CEREMONY, on)) is refused

    def test_consent_of_the_higher_committee(self, workflow: Workflow, failing: Failing) -> None:
        dossier = decision_received_16_aug_2021(workflow, delay_consent=True)
        assert "timing.ceremony_deadline" not in failing(
            dossier, Step.HOLD_CEREMONY, D(2021, 10, 15)
        )


class TestLateCeremonyConsent:
    """QĐ §4.1: later only "được cấp ủy cấp trên trực tiếp đồng ý"."""

    LATE = D(2021, 10, 15)

    @pytest.mark.parametrize(
        ("under_base", "by", "refused"),
        [
            (False, Actor.COMPETENT_COMMITTEE, False),
            (False, Actor.BRANCH, True),
            (False, Actor.BASE_COMMITTEE, True),
            (True, Actor.BASE_COMMITTEE, False),
            (True, Actor.COMPETENT_COMMITTEE, True),
            (True, Actor.BRANCH, True),
        ],
    )
    def test_only_the_directly_higher_committee_consents(
        self, workflow: Workflow, failing: Failing, under_base: bool, by: Actor, refused: bool
    ) -> None:
        dossier = decision_received_16_aug_2021(workflow)
        dossier.organization = attrs.evolve(dossier.organization, under_base_committee=under_base)
        dossier.approvals.append(
            Approval(kind=ApprovalKind.CEREMONY_DELAY, by=by, given_on=D(2021, 9, 20))
        )
        failed = failing(dossier, Step.HOLD_CEREMONY, self.LATE)
        assert ("timing.ceremony_deadline" in failed) is refused


class TestProbationComplete:
    """timing.probation_complete: recognition only after 12 months from the ceremony."""

    @pytest.mark.parametrize(("offset", "refused"), [(-1, True), (0, True), (1, False)])
    def test_boundary(
        self, workflow: Workflow, failing: Failing, offset: int, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = end.add(days=offset)
        add_vote(dossier, on, purpose=VotePurpose.RECOGNITION)
        assert ("timing.probation_complete" in failing(dossier, Step.PROPOSE_RECOGNITION, on)) is (
            refused
        )


class TestRecognitionDecisionDeadline:
    """timing.recognition_decision_deadline: 30 working days after the branch, +30."""

    @pytest.mark.parametrize(("days", "refused"), [(29, False), (30, False), (31, True)])
    def test_boundary(self, workflow: Workflow, failing: Failing, days: int, refused: bool) -> None:
        dossier = at_stage(workflow, Stage.RECOGNITION_PROPOSED)
        resolution = dossier.history[-1].on
        on = workflow.law.calendar.add_working_days(resolution, days)
        assert ("timing.recognition_decision_deadline" in failing(dossier, Step.RECOGNIZE, on)) is (
            refused
        )

    def test_extension(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.RECOGNITION_PROPOSED)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 45)
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.RECOGNITION_EXTENSION, by=Actor.COMPETENT_COMMITTEE, given_on=on
            )
        )
        assert "timing.recognition_decision_deadline" not in failing(dossier, Step.RECOGNIZE, on)
