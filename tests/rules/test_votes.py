"""Vote rules: F-01, F-02, F-05, F-06, F-08, F-09, F-10, I-05."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from ketnap import Actor, Dossier, Organization, Stage, Step, VotePurpose, Workflow
from ketnap.testing import add_vote
from tests.conftest import at_stage

D = pendulum.Date
Failing = Callable[..., set[str]]
MEETING = D(2024, 3, 12)


class TestBranchAdmissionVote:
    """vote.branch_admission: two thirds of all official members, not of those present."""

    @pytest.mark.parametrize(
        ("counted", "favour", "refused"),
        [
            pytest.param(12, 7, True, id="7-of-12-just-under"),
            pytest.param(12, 8, False, id="8-of-12-exactly-two-thirds"),
            pytest.param(10, 6, True, id="6-of-10-under"),
            pytest.param(10, 7, False, id="7-of-10-over"),
            pytest.param(3, 2, False, id="2-of-3"),
        ],
    )
    def test_threshold(
        self, workflow: Workflow, failing: Failing, counted: int, favour: int, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING, counted=counted, favour=favour)
        assert ("vote.branch_admission" in failing(dossier, Step.PROPOSE_ADMISSION, MEETING)) is (
            refused
        )

    def test_no_vote_that_day(self, workflow: Workflow) -> None:
        """A vote from another meeting does not carry the resolution."""
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, D(2024, 3, 5))
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
        )
        (failure,) = [f for f in failures if f.rule_id == "vote.branch_admission"]
        assert failure.message("en").endswith("no vote recorded")

    def test_message_counts_the_vote(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING, counted=12, favour=7)
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
        )
        (failure,) = [f for f in failures if f.rule_id == "vote.branch_admission"]
        assert "7/12" in failure.message("vi")
        assert "2/3" in failure.message("en")


class TestBranchQuorum:
    """vote.branch_quorum: a branch needs three official members (F-10)."""

    @pytest.mark.parametrize(("counted", "refused"), [(2, True), (3, False), (4, False)])
    def test_members(
        self, workflow: Workflow, failing: Failing, counted: int, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING, counted=counted, favour=counted)
        assert ("vote.branch_quorum" in failing(dossier, Step.PROPOSE_ADMISSION, MEETING)) is (
            refused
        )


def _under_base_committee(workflow: Workflow) -> Dossier:
    dossier = at_stage(workflow, Stage.PREPARED)
    dossier.organization = Organization(name="Chi bộ 3", under_base_committee=True)
    add_vote(dossier, MEETING)
    workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
    return dossier


class TestBaseCommitteeVote:
    """vote.base_committee: two thirds of the base committee's members (F-05, F-06)."""

    @pytest.mark.parametrize(
        ("favour", "refused"), [(5, True), (6, False), (7, False)], ids=["5/9", "6/9", "7/9"]
    )
    def test_endorsement(
        self, workflow: Workflow, failing: Failing, favour: int, refused: bool
    ) -> None:
        dossier = _under_base_committee(workflow)
        on = D(2024, 3, 20)
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=favour)
        assert ("vote.base_committee" in failing(dossier, Step.ENDORSE, on)) is refused

    def test_authorised_base_committee_decides_by_vote(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        """F-06: a base committee authorised to admit decides with two thirds of its members."""
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.organization = Organization(
            name="Chi bộ 3", under_base_committee=True, base_committee_may_admit=True
        )
        add_vote(dossier, MEETING)
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        on = D(2024, 3, 25)
        assert failing(dossier, Step.DECIDE_ADMISSION, on, Actor.BASE_COMMITTEE) == {
            "vote.base_committee"
        }
        add_vote(dossier, on, body=Actor.BASE_COMMITTEE, counted=9, favour=6)
        assert failing(dossier, Step.DECIDE_ADMISSION, on, Actor.BASE_COMMITTEE) == set()


def _probation_over(workflow: Workflow) -> tuple[Dossier, D]:
    dossier = at_stage(workflow, Stage.PROBATION)
    end = workflow.law.probation_end(dossier)
    assert end is not None
    return dossier, end.add(days=1)


class TestRecognitionVote:
    """vote.branch_recognition: the same two thirds as admission (F-08)."""

    @pytest.mark.parametrize(("favour", "refused"), [(7, True), (8, False)], ids=["7/12", "8/12"])
    def test_threshold(
        self, workflow: Workflow, failing: Failing, favour: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        add_vote(dossier, on, purpose=VotePurpose.RECOGNITION, counted=12, favour=favour)
        assert ("vote.branch_recognition" in failing(dossier, Step.PROPOSE_RECOGNITION, on)) is (
            refused
        )


class TestReferral:
    """vote.referral: after three votes short of two thirds, the branch refers upward (F-09)."""

    @pytest.mark.parametrize(("failed_votes", "refused"), [(2, True), (3, False), (4, False)])
    def test_three_failed_votes(
        self, workflow: Workflow, failing: Failing, failed_votes: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        for i in range(failed_votes):
            purpose = VotePurpose.RECOGNITION if i % 2 == 0 else VotePurpose.REMOVAL
            add_vote(dossier, on.add(days=i), purpose=purpose, counted=12, favour=6)
        last = on.add(days=failed_votes)
        assert ("vote.referral" in failing(dossier, Step.ESCALATE, last)) is refused

    def test_votes_before_probation_end_do_not_count(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier, on = _probation_over(workflow)
        for i in range(3):
            add_vote(dossier, on.subtract(days=10 + i), purpose=VotePurpose.RECOGNITION, favour=1)
        assert "vote.referral" in failing(dossier, Step.ESCALATE, on)


class TestRemovalVote:
    """vote.branch_removal: removal follows a two-thirds branch resolution (I-05)."""

    @pytest.mark.parametrize(("favour", "refused"), [(7, True), (8, False)], ids=["7/12", "8/12"])
    def test_threshold(
        self, workflow: Workflow, failing: Failing, favour: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        add_vote(dossier, on, purpose=VotePurpose.REMOVAL, counted=12, favour=favour)
        assert ("vote.branch_removal" in failing(dossier, Step.REMOVE, on)) is refused


class TestVotesReadTheirOwnPurpose:
    """Each vote rule reads the vote on its own purpose, not the last vote of the day."""

    def test_a_removal_vote_the_same_day_does_not_make_a_quorum(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING, counted=1, favour=1)
        add_vote(dossier, MEETING, purpose=VotePurpose.REMOVAL, counted=12, favour=12)
        assert "vote.branch_quorum" in failing(dossier, Step.PROPOSE_ADMISSION, MEETING)

    def test_a_small_vote_on_another_matter_does_not_break_the_quorum(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING, counted=12, favour=11)
        add_vote(dossier, MEETING, purpose=VotePurpose.REMOVAL, counted=1, favour=1)
        assert "vote.branch_quorum" not in failing(dossier, Step.PROPOSE_ADMISSION, MEETING)


class TestRemovalVoteAfterAdmission:
    """I-05: only a vote held once the person is a probationary member removes them."""

    @pytest.mark.parametrize(
        ("days", "refused"),
        [(-1, True), (0, False), (1, False)],
        ids=["day-before-the-ceremony", "ceremony-day", "day-after"],
    )
    def test_vote_date(
        self, workflow: Workflow, failing: Failing, days: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        ceremony = dossier.ceremony_date
        assert ceremony is not None
        add_vote(dossier, ceremony.add(days=days), purpose=VotePurpose.REMOVAL, favour=12)
        assert ("vote.branch_removal" in failing(dossier, Step.REMOVE, on)) is refused


class TestReferralCountsTheCommittee:
    """QĐ 29 §4.2c: "hai phần ba số đảng viên chính thức hoặc cấp ủy viên"."""

    @pytest.mark.parametrize(("failed", "refused"), [(2, True), (3, False)])
    def test_committee_votes_short_of_two_thirds(
        self, workflow: Workflow, failing: Failing, failed: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        for i in range(failed):
            add_vote(
                dossier,
                on.add(days=i),
                body=Actor.BASE_COMMITTEE,
                purpose=VotePurpose.RECOGNITION,
                counted=9,
                favour=5,
            )
        last = on.add(days=failed)
        assert ("vote.referral" in failing(dossier, Step.ESCALATE, last)) is refused

    def test_a_committee_vote_at_two_thirds_is_not_a_failure(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier, on = _probation_over(workflow)
        for i in range(3):
            add_vote(
                dossier,
                on.add(days=i),
                body=Actor.BASE_COMMITTEE,
                purpose=VotePurpose.RECOGNITION,
                counted=9,
                favour=6,
            )
        assert "vote.referral" in failing(dossier, Step.ESCALATE, on.add(days=3))
