"""Refusals kept (issue 13, item 5): recorded without changing the stage, counted by rule."""

from __future__ import annotations

import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    InvalidInput,
    Refusal,
    RefusedRule,
    SQLiteStore,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
    report,
)
from ketnap.derived import facts_for
from ketnap.organizations import Quotas
from ketnap.storage import dumps, loads
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_reports import TREE


def refused_once(workflow: Workflow, on: pendulum.Date = MEETING) -> tuple[Dossier, Refusal]:
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    dossier.votes.clear()  # the branch has not voted: the proposal is refused
    with pytest.raises(TransitionRefused) as caught:
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
    return dossier, workflow.record_refusal(dossier, caught.value)


def test_a_recorded_refusal_keeps_the_stage_and_names_the_rules(workflow: Workflow) -> None:
    dossier, refusal = refused_once(workflow)
    assert dossier.stage == Stage.PREPARED
    assert dossier.refusals == [refusal]
    assert (refusal.on, refusal.step, refusal.actor) == (
        MEETING,
        Step.PROPOSE_ADMISSION,
        Actor.BRANCH,
    )
    assert [rule.rule_id for rule in refusal.rules] == ["vote.branch_admission"]
    assert refusal.rules[0].values["result"] == "không có kết quả biểu quyết"


def test_refusals_survive_a_document(workflow: Workflow) -> None:
    dossier, _ = refused_once(workflow)
    assert loads(dumps(dossier)).refusals == dossier.refusals


def test_a_refusal_names_at_least_one_rule() -> None:
    with pytest.raises(InvalidInput, match="rules"):
        Refusal(on=MEETING, step=Step.PROPOSE_ADMISSION, actor=Actor.BRANCH, rules=[])
    rule = RefusedRule(rule_id="age.minimum", values={"months": 211})
    assert rule.values == {"months": "211"}


@pytest.mark.parametrize(
    ("on", "counted"),
    [
        (pendulum.Date(2024, 12, 31), 1),
        (pendulum.Date(2024, 3, 11), 0),  # the report ends the day before the refusal
    ],
)
def test_the_store_counts_refusals_by_rule_in_the_period(
    workflow: Workflow, on: pendulum.Date, counted: int
) -> None:
    dossier, _ = refused_once(workflow)
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        found = report(store, TREE, Quotas({("C", 2024): 1}), unit="H", year=2024, on=on)
        assert found.refusals_by_rule.get("vote.branch_admission", 0) == counted
        assert store.verify() == []
    if counted:
        assert "vote.branch_admission" in found.to_table("en")
        assert found.to_data()["refusals_by_rule"] == {"vote.branch_admission": 1}
