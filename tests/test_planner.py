"""The earliest-date planner: when each time-bound requirement holds, and stops holding."""

from __future__ import annotations

import attrs
import pendulum

from ketnap import (
    Actor,
    Certificate,
    CertificateKind,
    Dossier,
    EducationLevel,
    LeavingReason,
    PriorMembership,
    Stage,
    Step,
    Workflow,
    plan,
)
from ketnap.testing import add_vote, assert_allowed
from tests.conftest import at_stage

D = pendulum.Date


def young_candidate(workflow: Workflow) -> Dossier:
    """Born 15 Oct 2004, one sponsor alongside since 1 Mar 2022, prepared on 1 Jul 2022."""
    dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2022, 9, 1))
    dossier.candidate = attrs.evolve(dossier.candidate, birth_date=D(2004, 10, 15))
    dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], alongside_since=D(2022, 3, 1))
    return dossier


class TestEarliestBranchMeeting:
    def test_age_and_sponsor(self, workflow: Workflow) -> None:
        """18 by month count from 1 Oct 2022; the sponsor's 12 months end on 1 Mar 2023."""
        dossier = young_candidate(workflow)
        result = plan(workflow.law, dossier, on=D(2022, 7, 1))
        windows = {r.rule_id: r for r in result.requirements}
        assert windows["age.minimum"].holds_from == D(2022, 10, 1)
        assert windows["sponsor.duration"].holds_from == D(2023, 3, 1)
        assert result.earliest == D(2023, 3, 1)
        assert result.limiting is windows["sponsor.duration"]
        assert result.regulation == "24-QĐ/TW"
        assert result.blocking == ()

    def test_the_plan_is_right(self, workflow: Workflow) -> None:
        """The day before the earliest date is refused, the earliest date passes."""
        dossier = young_candidate(workflow)
        earliest = plan(workflow.law, dossier, on=D(2022, 7, 1)).earliest
        assert earliest == D(2023, 3, 1)
        for day in (D(2023, 2, 28), earliest):
            add_vote(dossier, day)
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=D(2023, 2, 28), actor=Actor.BRANCH
        )
        assert {f.rule_id for f in failures} == {"sponsor.duration"}
        assert_allowed(workflow, dossier, Step.PROPOSE_ADMISSION, on=earliest, actor=Actor.BRANCH)

    def test_window_closes_when_the_dossier_goes_stale(self, workflow: Workflow) -> None:
        dossier = young_candidate(workflow)
        result = plan(workflow.law, dossier, on=D(2022, 7, 1))
        assert result.latest == D(2023, 7, 1)
        assert result.closing is not None
        assert result.closing.rule_id == "dossier.fresh"

    def test_certificate_expires_before_the_candidate_is_old_enough(
        self, workflow: Workflow
    ) -> None:
        dossier = young_candidate(workflow)
        dossier.certificates[:] = [
            Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=D(2017, 9, 1))
        ]
        result = plan(workflow.law, dossier, on=D(2022, 7, 1))
        assert result.earliest is None
        assert result.closing is not None
        assert result.closing.rule_id == "certificate.awareness_valid"
        assert [r.rule_id for r in result.blocking] == [
            "sponsor.duration",
            "certificate.awareness_valid",
        ]
        assert "No date" in result.text("en")

    def test_turning_sixty(self, workflow: Workflow) -> None:
        """Born 20 May 1964: within 60 (by month) until 31 May 2024."""
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=D(1964, 5, 20))
        result = plan(workflow.law, dossier, on=D(2024, 3, 12))
        assert result.earliest == D(2024, 3, 12)
        windows = {r.rule_id: r for r in result.requirements}
        assert windows["age.maximum"].holds_until == D(2024, 5, 31)

    def test_rules_not_planned_are_named(self, workflow: Workflow) -> None:
        dossier = young_candidate(workflow)
        # The branch's vote is taken at the meeting itself: time alone will not bring it.
        before = plan(workflow.law, dossier, on=D(2022, 7, 1))
        assert [f.rule_id for f in before.not_planned] == ["vote.branch_admission"]
        dossier.candidate = attrs.evolve(dossier.candidate, education=EducationLevel.PRIMARY)
        result = plan(workflow.law, dossier, on=D(2022, 7, 1))
        assert result.earliest == D(2023, 3, 1)
        assert result.blocking == ()
        assert sorted(f.rule_id for f in result.not_planned) == [
            "education.minimum",
            "vote.branch_admission",
        ]
        assert "education.minimum" in result.text("en")

    def test_new_regulation_in_between(self, workflow: Workflow) -> None:
        """Planned under QĐ 29, the earliest date falls under QĐ 24: the plan says so."""
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 6, 1))
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], alongside_since=D(2020, 8, 15))
        result = plan(workflow.law, dossier, on=D(2021, 6, 1))
        assert result.earliest == D(2021, 8, 15)
        assert result.regulation == "24-QĐ/TW"


class TestOtherSteps:
    def test_recognition_after_probation(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        result = plan(workflow.law, dossier, Step.PROPOSE_RECOGNITION, on=dossier.history[-1].on)
        assert result.earliest == end.add(days=1)

    def test_decision_window(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, D(2024, 3, 12))
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH)
        result = plan(workflow.law, dossier, Step.DECIDE_ADMISSION, on=D(2024, 3, 20))
        assert result.earliest == D(2024, 3, 20)
        assert result.latest == D(2024, 6, 7)

    def test_readmission_record_not_cleared(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        prior = PriorMembership(
            first_decision_on=D(2005, 1, 1),
            left_on=D(2019, 1, 1),
            reason=LeavingReason.CONVICTED_LESS_SERIOUS_CRIME,
        )
        dossier.candidate = attrs.evolve(
            dossier.candidate, birth_date=D(1980, 1, 1), prior_membership=prior
        )
        result = plan(workflow.law, dossier, on=D(2024, 3, 12))
        assert result.earliest is None
        assert any(r.never for r in result.requirements)
        assert [r.rule_id for r in result.blocking] == ["readmission.waiting_time"]
