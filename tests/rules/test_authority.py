"""Authority rules: who may fire each step (F-05, F-07, A-03, K-02), and step availability."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import (
    ADMISSION,
    Actor,
    Dossier,
    LeavingReason,
    Organization,
    PriorMembership,
    Stage,
    Step,
    VotePurpose,
    Workflow,
)
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import at_stage, proposed

D = pendulum.Date
Failing = Callable[..., set[str]]
MEETING = D(2024, 3, 12)


class TestActor:
    """authority.actor: each step names who may fire it."""

    @pytest.mark.parametrize(
        ("actor", "refused"),
        [
            (Actor.BRANCH, True),
            (Actor.BASE_COMMITTEE, True),
            (Actor.COMPETENT_COMMITTEE, False),
            (Actor.PROVINCIAL_STANDING_BOARD, True),
        ],
    )
    def test_decision(
        self, workflow: Workflow, failing: Failing, actor: Actor, refused: bool
    ) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        assert (
            "authority.actor" in failing(dossier, Step.DECIDE_ADMISSION, D(2024, 4, 1), actor)
        ) is (refused)

    def test_authorised_base_committee(self, workflow: Workflow, failing: Failing) -> None:
        """F-07a: a base committee authorised to admit decides itself."""
        organization = Organization(
            name="Chi bộ 2", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = proposed(workflow, organization)
        on = D(2024, 4, 1)
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=8)
        assert failing(dossier, Step.DECIDE_ADMISSION, on, Actor.BASE_COMMITTEE) == set()

    def test_message_names_who_may(self, workflow: Workflow) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        (failure,) = workflow.law.check(
            dossier, Step.DECIDE_ADMISSION, on=D(2024, 4, 1), actor=Actor.BRANCH
        )
        assert failure.rule_id == "authority.actor"
        assert "Cấp ủy có thẩm quyền" in failure.message("vi")
        assert "district-level standing board" in failure.message("en")

    def test_competent_body_after_2025(self, workflow: Workflow) -> None:
        """Under QĐ 294 there is no district level; the message says the body is configured."""
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2025, 9, 9))
        add_vote(dossier, D(2025, 9, 9))
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=D(2025, 9, 9), actor=Actor.BRANCH)
        (failure,) = workflow.law.check(
            dossier, Step.DECIDE_ADMISSION, on=D(2025, 9, 30), actor=Actor.BRANCH
        )
        assert "no district level" in failure.message("en")


class TestBaseCommitteeRoute:
    """authority.base_committee_route: branches under a base committee go through it (F-05)."""

    def test_endorsement_required(self, workflow: Workflow, failing: Failing) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ 3", under_base_committee=True))
        failed = failing(dossier, Step.DECIDE_ADMISSION, D(2024, 4, 1))
        assert failed == {"authority.base_committee_route"}

    def test_base_branch_has_no_endorsement(self, workflow: Workflow, failing: Failing) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        on = D(2024, 3, 20)
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=9)
        assert failing(dossier, Step.ENDORSE, on) == {"authority.base_committee_route"}


class TestStepAvailable:
    """workflow.step_available: a step must lead out of the dossier's stage."""

    def test_card_before_admission(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        (failure,) = workflow.law.check(
            dossier, Step.ISSUE_CARD, on=MEETING, actor=Actor.COMPETENT_COMMITTEE
        )
        assert failure.rule_id == "workflow.step_available"
        assert ADMISSION.text(Step.PROPOSE_ADMISSION, "en") in failure.message("en")

    def test_no_probation_extension(self, workflow: Workflow) -> None:
        """I-08: out of probation there is recognition, referral or removal, nothing else.

        A transfer to another branch (I-10) goes on with the same probation.
        """
        rows = workflow.law.steps_from(Stage.PROBATION)
        assert {t.step for t in rows if t.target == Stage.PROBATION} == {Step.TRANSFER}
        assert {t.step for t in rows if t.target != Stage.PROBATION} == {
            Step.PROPOSE_RECOGNITION,
            Step.ESCALATE,
            Step.REMOVE,
        }


class TestDecidingBodies:
    """Who may decide, by the texts: re-admission, endorsement before the decision."""

    def test_an_authorised_base_committee_may_not_decide_a_readmission(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        """QĐ §3.5.1b: re-admission is decided by "huyện ủy và tương đương" (L-04)."""
        organization = Organization(
            name="Chi bộ 2", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = proposed(workflow, organization)
        dossier.candidate = attrs.evolve(
            dossier.candidate,
            prior_membership=PriorMembership(
                first_decision_on=D(2015, 1, 5),
                left_on=D(2019, 1, 5),
                reason=LeavingReason.TRANSFER_LAPSE,
            ),
        )
        on = D(2024, 4, 1)
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=8)
        assert "authority.actor" in failing(
            dossier, Step.DECIDE_ADMISSION, on, Actor.BASE_COMMITTEE
        )

    def test_the_competent_committee_needs_the_endorsement_even_where_the_base_may_admit(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        organization = Organization(
            name="Chi bộ 2", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = proposed(workflow, organization)
        on = D(2024, 4, 1)
        failed = failing(dossier, Step.DECIDE_ADMISSION, on, Actor.COMPETENT_COMMITTEE)
        assert "authority.base_committee_route" in failed
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=8)
        assert failing(dossier, Step.DECIDE_ADMISSION, on, Actor.BASE_COMMITTEE) == set()


class TestProposalConditions:
    """workflow.proposal_conditions: the proposal's guards hold again at the decision."""

    DECIDED = D(2024, 4, 1)

    def test_unchanged_records_pass(self, workflow: Workflow, failing: Failing) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        assert "workflow.proposal_conditions" not in failing(
            dossier, Step.DECIDE_ADMISSION, self.DECIDED
        )

    @pytest.mark.parametrize(
        ("born", "refused"),
        [
            (D(2006, 3, 1), False),  # 18 in March 2024: of age at the meeting
            (D(2006, 4, 1), True),  # 18 only in April: 17 at the meeting, 18 at the decision
        ],
        ids=["18-at-the-meeting", "18-only-by-the-decision"],
    )
    def test_a_birth_date_corrected_after_the_meeting_is_counted_at_the_meeting(
        self, workflow: Workflow, failing: Failing, born: D, refused: bool
    ) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=born)
        failed = failing(dossier, Step.DECIDE_ADMISSION, self.DECIDED)
        assert ("workflow.proposal_conditions" in failed) is refused

    def test_an_excluded_reason_recorded_afterwards_blocks_the_decision(
        self, workflow: Workflow
    ) -> None:
        dossier = proposed(workflow, Organization(name="Chi bộ cơ sở"))
        dossier.candidate = attrs.evolve(
            dossier.candidate,
            prior_membership=PriorMembership(
                first_decision_on=D(2015, 1, 5),
                left_on=D(2019, 1, 5),
                reason=LeavingReason.CONVICTED_CORRUPTION,
            ),
        )
        failures = workflow.law.check(
            dossier, Step.DECIDE_ADMISSION, on=self.DECIDED, actor=Actor.COMPETENT_COMMITTEE
        )
        (failure,) = [f for f in failures if f.rule_id == "workflow.proposal_conditions"]
        assert "readmission.excluded" in failure.values["rules"]  # type: ignore[operator]
        assert "readmission.excluded" in failure.message("en")


class TestRecognitionThroughTheBaseCommittee:
    """Recognition: branch (13-KNĐ), base committee with its own vote (15-KNĐ), decision."""

    def _proposed_recognition(self, workflow: Workflow, organization: Organization) -> Dossier:
        dossier = make_dossier(meeting=MEETING, organization=organization)
        walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
        return dossier

    def test_the_decision_waits_for_the_base_committee(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        organization = Organization(name="Chi bộ 3", under_base_committee=True)
        dossier = self._proposed_recognition(workflow, organization)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        assert "authority.base_committee_route" in failing(dossier, Step.RECOGNIZE, on)

    @pytest.mark.parametrize(("favour", "refused"), [(5, True), (6, False)], ids=["5/9", "6/9"])
    def test_the_base_committee_endorses_by_two_thirds(
        self, workflow: Workflow, failing: Failing, favour: int, refused: bool
    ) -> None:
        organization = Organization(name="Chi bộ 3", under_base_committee=True)
        dossier = self._proposed_recognition(workflow, organization)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        add_vote(
            dossier,
            on,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.RECOGNITION,
            counted=9,
            favour=favour,
        )
        failed = failing(dossier, Step.ENDORSE_RECOGNITION, on, Actor.BASE_COMMITTEE)
        assert ("vote.base_committee" in failed) is refused
        if not refused:
            workflow.advance(dossier, Step.ENDORSE_RECOGNITION, on=on, actor=Actor.BASE_COMMITTEE)
            decided = workflow.law.calendar.add_working_days(on, 5)
            assert failing(dossier, Step.RECOGNIZE, decided) == set()

    def test_an_admission_vote_does_not_endorse_a_recognition(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        organization = Organization(name="Chi bộ 3", under_base_committee=True)
        dossier = self._proposed_recognition(workflow, organization)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=9)
        assert "vote.base_committee" in failing(
            dossier, Step.ENDORSE_RECOGNITION, on, Actor.BASE_COMMITTEE
        )

    def test_a_base_branch_has_no_base_committee_to_endorse(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = self._proposed_recognition(workflow, Organization(name="Chi bộ cơ sở"))
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        assert "authority.base_committee_route" in failing(
            dossier, Step.ENDORSE_RECOGNITION, on, Actor.BASE_COMMITTEE
        )
        assert "authority.base_committee_route" not in failing(dossier, Step.RECOGNIZE, on)


def _recognition_proposed(workflow: Workflow, organization: Organization) -> Dossier:
    dossier = make_dossier(meeting=MEETING, organization=organization)
    walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
    return dossier


class TestRefusingARecognition:
    """
    QĐ 29 §4.3.1: "Việc đồng ý hoặc không đồng ý, phải thông báo kết quả cho chi bộ".

    The refusal is the competent committee's decision, as the approval is, and under a
    base committee it answers the base committee's resolution (15-KNĐ) as the approval does.
    """

    @pytest.mark.parametrize(
        ("actor", "refused"),
        [
            (Actor.BRANCH, True),
            (Actor.BASE_COMMITTEE, True),
            (Actor.COMPETENT_COMMITTEE, False),
            (Actor.PROVINCIAL_STANDING_BOARD, True),
        ],
    )
    def test_only_the_competent_committee_refuses(
        self, workflow: Workflow, failing: Failing, actor: Actor, refused: bool
    ) -> None:
        dossier = _recognition_proposed(workflow, Organization(name="Chi bộ cơ sở"))
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        found = failing(dossier, Step.REFUSE_RECOGNITION, on, actor)
        assert ("authority.actor" in found) is refused

    def test_under_a_base_committee_the_refusal_waits_for_its_endorsement(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = _recognition_proposed(
            workflow, Organization(name="Chi bộ 3", under_base_committee=True)
        )
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        assert failing(dossier, Step.REFUSE_RECOGNITION, on) == {"authority.base_committee_route"}
        add_vote(
            dossier, on, body=Actor.BASE_COMMITTEE, purpose=VotePurpose.RECOGNITION,
            counted=9, favour=7,
        )  # fmt: skip
        workflow.advance(dossier, Step.ENDORSE_RECOGNITION, on=on, actor=Actor.BASE_COMMITTEE)
        assert failing(dossier, Step.REFUSE_RECOGNITION, on.add(days=7)) == set()

    def test_an_authorised_base_committee_refuses_itself(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        """F-07a: where it decides recognitions, it decides the refusal too, by its vote."""
        organization = Organization(
            name="Chi bộ 4", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = _recognition_proposed(workflow, organization)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        add_vote(
            dossier, on, body=Actor.BASE_COMMITTEE, purpose=VotePurpose.REMOVAL,
            counted=9, favour=6,
        )  # fmt: skip
        assert failing(dossier, Step.REFUSE_RECOGNITION, on, Actor.BASE_COMMITTEE) == set()


class TestDecidingAReferral:
    """
    authority.actor after a referral (F-09): QĐ 29 §4.2c has the lower body "báo cáo cấp
    ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định".
    """

    @pytest.mark.parametrize(
        ("referrer", "base_decides"),
        [(Actor.BRANCH, True), (Actor.BASE_COMMITTEE, False)],
        ids=["referred-by-the-branch", "referred-by-the-base-committee"],
    )
    def test_a_base_committee_that_referred_the_case_does_not_decide_it(
        self, workflow: Workflow, failing: Failing, referrer: Actor, base_decides: bool
    ) -> None:
        """An authorised base committee decides a branch's referral, never its own."""
        organization = Organization(
            name="Chi bộ 4", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = make_dossier(meeting=MEETING, organization=organization)
        until = Stage.PROBATION if referrer is Actor.BRANCH else Stage.RECOGNITION_PROPOSED
        walk(workflow, dossier, meeting=MEETING, until=until)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = max(end, dossier.history[-1].on)
        for i in range(3):
            add_vote(
                dossier, on.add(days=1 + i), body=referrer, purpose=VotePurpose.RECOGNITION,
                counted=9, favour=5,
            )  # fmt: skip
        on = on.add(days=5)
        workflow.advance(dossier, Step.ESCALATE, on=on, actor=referrer)
        decided = workflow.law.calendar.add_working_days(on, 5)
        add_vote(
            dossier, decided, body=Actor.BASE_COMMITTEE, purpose=VotePurpose.RECOGNITION,
            counted=9, favour=9,
        )  # fmt: skip
        found = failing(dossier, Step.RECOGNIZE, decided, Actor.BASE_COMMITTEE)
        assert ("authority.actor" not in found) is base_decides
        assert failing(dossier, Step.RECOGNIZE, decided, Actor.COMPETENT_COMMITTEE) == set()
