"""The law in force and the engine that acts by it: `Law` beside `Workflow`."""

from __future__ import annotations

import pytest

from ketnap import (
    ADMISSION,
    Actor,
    InvalidWorkflow,
    Law,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
)
from ketnap.dates import WorkingCalendar
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING


def test_a_law_brings_its_own_process_and_calendar() -> None:
    with pytest.raises(InvalidWorkflow, match="own process"):
        Workflow(Law(), process=ADMISSION)
    with pytest.raises(InvalidWorkflow, match="own process"):
        Workflow(Law(), calendar=WorkingCalendar())
    law = Law()
    assert Workflow(law).law is law


@pytest.mark.parametrize("keep", [False, True])
def test_a_refused_act_is_kept_only_when_asked(workflow: Workflow, *, keep: bool) -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    dossier.votes.clear()  # the branch has not voted: the proposal is refused
    with pytest.raises(TransitionRefused) as caught:
        workflow.advance(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH, keep_refusal=keep
        )
    assert dossier.stage == Stage.PREPARED
    if not keep:
        assert dossier.refusals == []
        return
    (refusal,) = dossier.refusals
    assert refusal.step == Step.PROPOSE_ADMISSION
    assert refusal.on == MEETING
    assert [rule.rule_id for rule in refusal.rules] == [
        failure.rule_id for failure in caught.value.failures
    ]
