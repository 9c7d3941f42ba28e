"""
Transfer rules: the transfer is recorded, and the receiving branch recognises (I-10).

HD 01-HD/TW 2021 §5 (read in secondary sources): the receiving branch considers the
recognition, by its own vote, with the sending branch's written comments. The feature as
a whole (the step, deadlines, reports, the store) is in tests/test_transfer.py.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import Actor, Dossier, Step, Transfer, VotePurpose, Workflow
from ketnap.testing import add_vote
from tests.test_transfer import (
    MOVED,
    RECEIVING,
    RECOGNITION,
    SENDING,
    TREE,
    on_probation,
    recognition_ready,
    transferred,
)

D = pendulum.Date


class TestTransferRecorded:
    """workflow.transfer_recorded: the act's own record, the dossier with the receiving branch."""

    @pytest.mark.parametrize(
        ("recorded", "refused"),
        [(MOVED.subtract(days=1), True), (MOVED, False), (MOVED.add(days=1), True)],
        ids=["recorded-the-day-before", "recorded-for-the-day", "recorded-the-day-after"],
    )
    def test_the_record_is_dated_by_the_act(
        self, workflow: Workflow, recorded: D, refused: bool
    ) -> None:
        dossier = on_probation(workflow)
        dossier.transfers.append(Transfer(on=recorded, from_branch=SENDING, to_branch=RECEIVING))
        dossier.organization = RECEIVING
        failures = workflow.law.check(dossier, Step.TRANSFER, on=MOVED, actor=Actor.BRANCH)
        assert ("workflow.transfer_recorded" in {f.rule_id for f in failures}) is refused

    def test_a_transfer_act_needs_its_record(self, workflow: Workflow) -> None:
        dossier = on_probation(workflow)
        failures = workflow.law.check(dossier, Step.TRANSFER, on=MOVED, actor=Actor.BRANCH)
        assert {f.rule_id for f in failures} == {"workflow.transfer_recorded"}
        assert "no sending and receiving branch" in failures[0].message("en")

    def test_the_dossier_must_be_with_the_receiving_branch(self, workflow: Workflow) -> None:
        dossier = on_probation(workflow)
        dossier.transfers.append(Transfer(on=MOVED, from_branch=SENDING, to_branch=RECEIVING))
        failures = workflow.law.check(dossier, Step.TRANSFER, on=MOVED, actor=Actor.BRANCH)
        assert "not with the receiving branch" in failures[0].message("en")

    def test_a_second_transfer_leaves_the_branch_the_first_went_to(
        self, workflow: Workflow
    ) -> None:
        dossier = transferred(workflow)
        other = TREE.organization("X.2")
        dossier.transfers.append(Transfer(on=D(2024, 10, 1), from_branch=SENDING, to_branch=other))
        dossier.organization = other
        failures = workflow.law.check(
            dossier, Step.TRANSFER, on=D(2024, 10, 1), actor=Actor.COMPETENT_COMMITTEE
        )
        assert "not the one the previous transfer went to" in failures[0].message("en")
        dossier.transfers[-1] = attrs.evolve(dossier.transfers[-1], from_branch=RECEIVING)
        assert (
            workflow.law.check(
                dossier, Step.TRANSFER, on=D(2024, 10, 1), actor=Actor.COMPETENT_COMMITTEE
            )
            == ()
        )


class TestReceivingBranchRecognises:
    """The receiving branch votes, with the sending branch's comments (I-10, I-03)."""

    def _ready(self, workflow: Workflow, comments_on: D | None) -> Dossier:
        dossier = on_probation(workflow)
        workflow.transfer(dossier, RECEIVING, on=MOVED, actor=Actor.BRANCH, comments_on=comments_on)
        assert recognition_ready(workflow, dossier) == RECOGNITION
        return dossier

    def _failed(self, workflow: Workflow, dossier: Dossier) -> set[str]:
        failures = workflow.law.check(
            dossier, Step.PROPOSE_RECOGNITION, on=RECOGNITION, actor=Actor.BRANCH
        )
        return {f.rule_id for f in failures}

    @pytest.mark.parametrize(
        ("comments_on", "refused"),
        [
            (RECOGNITION.subtract(days=1), False),
            (RECOGNITION, False),
            (RECOGNITION.add(days=1), True),
            (None, True),
        ],
        ids=["comments-the-day-before", "on-the-day", "the-day-after", "no-comments"],
    )
    def test_the_sending_branch_comments_by_the_meeting(
        self, workflow: Workflow, comments_on: D | None, refused: bool
    ) -> None:
        dossier = self._ready(workflow, comments_on)
        assert ("dossier.transfer_comments" in self._failed(workflow, dossier)) is refused

    @pytest.mark.parametrize(
        ("held_on", "refused"),
        [(MOVED.subtract(days=1), True), (MOVED, False), (MOVED.add(days=1), False)],
        ids=["voted-the-day-before-the-transfer", "on-its-day", "after-it"],
    )
    def test_the_recognition_vote_is_the_receiving_branch_s(
        self, workflow: Workflow, held_on: D, refused: bool
    ) -> None:
        dossier = self._ready(workflow, MOVED)
        dossier.votes = [v for v in dossier.votes if v.purpose is not VotePurpose.RECOGNITION]
        add_vote(dossier, held_on, purpose=VotePurpose.RECOGNITION, counted=13, favour=12)
        assert ("vote.receiving_branch" in self._failed(workflow, dossier)) is refused

    def test_a_member_who_never_moved_needs_neither(self, workflow: Workflow) -> None:
        dossier = on_probation(workflow)
        assert recognition_ready(workflow, dossier) == RECOGNITION
        failed = self._failed(workflow, dossier)
        assert not failed & {"dossier.transfer_comments", "vote.receiving_branch"}
