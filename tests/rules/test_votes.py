"""Vote rules: F-01, F-02, F-05, F-06, F-08, F-09, F-10, I-05."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from ketnap import Actor, Dossier, Organization, Stage, Step, VotePurpose, Workflow
from ketnap.testing import add_vote, make_dossier, walk
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


def _committee_short(dossier: Dossier, workflow: Workflow, failed: int, favour: int = 5) -> D:
    """Record *failed* base committee votes on recognition (of 9); return the day after."""
    on = dossier.history[-1].on
    for _ in range(failed):
        on = workflow.law.calendar.add_working_days(on, 2)
        add_vote(
            dossier,
            on,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.RECOGNITION,
            counted=9,
            favour=favour,
        )
    return workflow.law.calendar.add_working_days(on, 1)


def _recognition_under_base_committee(workflow: Workflow, **organization: bool) -> Dossier:
    dossier = make_dossier(
        meeting=MEETING,
        organization=Organization(name="Chi bộ 3", under_base_committee=True, **organization),
    )
    walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
    return dossier


class TestReferralByTheBaseCommittee:
    """
    vote.referral: the base committee that fails three times refers the case upward (F-09).

    QĐ 29 §4.2c: "đã qua 3 lần biểu quyết nhưng không đủ hai phần ba số đảng viên chính
    thức hoặc cấp ủy viên tán thành ... thì báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có
    thẩm quyền xem xét, quyết định".
    """

    @pytest.mark.parametrize(
        ("failed", "refused"),
        [(2, True), (3, False)],
        ids=["2-failed-committee-votes", "3-failed-committee-votes"],
    )
    def test_committee_votes_short_of_two_thirds(
        self, workflow: Workflow, failing: Failing, failed: int, refused: bool
    ) -> None:
        dossier = _recognition_under_base_committee(workflow)
        on = _committee_short(dossier, workflow, failed)
        found = failing(dossier, Step.ESCALATE, on, Actor.BASE_COMMITTEE)
        assert ("vote.referral" in found) is refused
        assert found <= {"vote.referral"}

    def test_the_message_counts_the_committee_against_its_own_threshold(
        self, workflow: Workflow
    ) -> None:
        dossier = _recognition_under_base_committee(workflow)
        on = _committee_short(dossier, workflow, 2)
        failures = workflow.law.check(dossier, Step.ESCALATE, on=on, actor=Actor.BASE_COMMITTEE)
        (failure,) = failures
        assert failure.message("vi").startswith("Đảng ủy cơ sở: mới 2 lần biểu quyết")
        assert "QĐ 29 §4.2c" in failure.clause
        assert "hoặc cấp ủy viên" in failure.clause

    def test_a_committee_vote_at_two_thirds_is_not_a_failure(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = _recognition_under_base_committee(workflow)
        on = _committee_short(dossier, workflow, 3, favour=6)
        assert "vote.referral" in failing(dossier, Step.ESCALATE, on, Actor.BASE_COMMITTEE)

    def test_the_branch_failures_are_not_the_committee_s(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        """Each lower body refers on its own votes: the branch's three do not let the committee."""
        dossier = _recognition_under_base_committee(workflow)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        for i in range(3):
            add_vote(dossier, end.add(days=1 + i), purpose=VotePurpose.RECOGNITION, favour=6)
        on = _committee_short(dossier, workflow, 1)
        assert "vote.referral" in failing(dossier, Step.ESCALATE, on, Actor.BASE_COMMITTEE)

    def test_the_committee_failures_are_not_the_branch_s(
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
                favour=5,
            )
        assert "vote.referral" in failing(dossier, Step.ESCALATE, on.add(days=3))

    def test_a_base_branch_has_no_base_committee_to_refer(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier = at_stage(workflow, Stage.RECOGNITION_PROPOSED)
        on = _committee_short(dossier, workflow, 3)
        assert failing(dossier, Step.ESCALATE, on, Actor.BASE_COMMITTEE) == {
            "authority.base_committee_route"
        }


class TestRemovalQuorum:
    """
    vote.branch_quorum on a removal: a branch too small to vote cannot propose one (F-10).

    Charter Art. 24.1: "Mỗi chi bộ ít nhất phải có ba đảng viên chính thức"; a removal voted
    2 of 2 reaches two thirds but not a branch.
    """

    @pytest.mark.parametrize(
        ("members", "refused"),
        [(2, True), (3, False)],
        ids=["2-of-2-members", "3-of-3-members"],
    )
    def test_members(
        self, workflow: Workflow, failing: Failing, members: int, refused: bool
    ) -> None:
        dossier, on = _probation_over(workflow)
        add_vote(dossier, on, purpose=VotePurpose.REMOVAL, counted=members, favour=members)
        found = failing(dossier, Step.REMOVE, on)
        assert ("vote.branch_quorum" in found) is refused
        assert "vote.branch_removal" not in found

    def test_the_refusal_names_the_quorum_and_its_clause(self, workflow: Workflow) -> None:
        dossier, on = _probation_over(workflow)
        add_vote(dossier, on, purpose=VotePurpose.REMOVAL, counted=2, favour=2)
        (failure,) = workflow.law.check(
            dossier, Step.REMOVE, on=on, actor=Actor.COMPETENT_COMMITTEE
        )
        assert failure.rule_id == "vote.branch_quorum"
        assert failure.message("vi") == "Chi bộ chỉ có 2 đảng viên chính thức, cần ít nhất 3"
        assert "Điều 24.1" in failure.clause

    def test_the_committee_reads_the_branch_vote_of_an_earlier_meeting(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        """The committee decides later than the branch voted: that vote is the one counted."""
        dossier, on = _probation_over(workflow)
        add_vote(dossier, on, purpose=VotePurpose.REMOVAL, counted=2, favour=2)
        assert "vote.branch_quorum" in failing(dossier, Step.REMOVE, on.add(days=10))

    def test_a_referred_case_needs_no_branch_vote(
        self, workflow: Workflow, failing: Failing
    ) -> None:
        dossier, on = _probation_over(workflow)
        for i in range(3):
            add_vote(dossier, on.add(days=i), purpose=VotePurpose.REMOVAL, counted=2, favour=1)
        workflow.advance(dossier, Step.ESCALATE, on=on.add(days=3), actor=Actor.BRANCH)
        assert failing(dossier, Step.REMOVE, on.add(days=10)) == set()


class TestCommitteeRefusingRecognition:
    """vote.base_committee: a base committee authorised to admit refuses by two thirds (F-06)."""

    @pytest.mark.parametrize(("favour", "refused"), [(5, True), (6, False)], ids=["5/9", "6/9"])
    def test_removal_vote(
        self, workflow: Workflow, failing: Failing, favour: int, refused: bool
    ) -> None:
        dossier = _recognition_under_base_committee(workflow, base_committee_may_admit=True)
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 5)
        add_vote(
            dossier,
            on,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.REMOVAL,
            counted=9,
            favour=favour,
        )
        found = failing(dossier, Step.REFUSE_RECOGNITION, on, Actor.BASE_COMMITTEE)
        assert found == ({"vote.base_committee"} if refused else set())
