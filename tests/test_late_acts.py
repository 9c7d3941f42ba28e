"""
Late acts stand and are recorded (issue 12, item 1).

QĐ §4.3.1: past the term without good reason the committee "phải kiểm điểm trách nhiệm
trước cấp ủy cấp trên"; QĐ §4.2b: even approved late, a member "vẫn được công nhận đảng
viên chính thức đúng thời điểm hết 12 tháng dự bị". A decision after its term passes, is
recorded as a `LateAct` (who answers for it), shows in due lists and reports, and keeps
the member's dates.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    InvalidDocument,
    LateAct,
    SQLiteStore,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
    due_list,
    report,
)
from ketnap.derived import facts_for
from ketnap.facts import plain_facts
from ketnap.organizations import Quotas
from ketnap.storage import dumps, loads
from ketnap.terms import dossier_probation_end, full_membership_date
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_reports import TREE

DUE = pendulum.Date(2024, 6, 7)  # 12 Mar 2024 + 60 working days (see test_timing)


def proposed(workflow: Workflow) -> Dossier:
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    return dossier


@pytest.mark.parametrize(
    ("working_days_after", "late"),
    [(-1, False), (0, False), (1, True)],
    ids=["before", "due", "after"],
)
def test_an_admission_decision_after_its_term_stands_and_is_recorded(
    workflow: Workflow, working_days_after: int, late: bool
) -> None:
    dossier = proposed(workflow)
    on = (
        workflow.law.calendar.add_working_days(DUE, working_days_after)
        if working_days_after >= 0
        else DUE.subtract(days=1)
    )
    assert (
        workflow.law.check(dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE)
        == ()
    )
    workflow.advance(dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE)
    assert dossier.stage == Stage.ADMITTED
    if late:
        assert dossier.late_acts == [
            LateAct(
                step=Step.DECIDE_ADMISSION,
                on=on,
                due=DUE,
                answerable=Actor.COMPETENT_COMMITTEE,
                rule_id="timing.decision_deadline",
            )
        ]
    else:
        assert dossier.late_acts == []


def test_a_refused_step_records_no_late_act(workflow: Workflow) -> None:
    dossier = proposed(workflow)
    late = workflow.law.calendar.add_working_days(DUE, 5)
    with pytest.raises(TransitionRefused):
        workflow.advance(dossier, Step.DECIDE_ADMISSION, on=late, actor=Actor.BRANCH)
    assert dossier.late_acts == []
    assert [
        f.rule_id
        for f in workflow.law.lateness(
            dossier, Step.DECIDE_ADMISSION, on=late, actor=Actor.COMPETENT_COMMITTEE
        )
    ] == ["timing.decision_deadline"]


def test_a_late_recognition_keeps_the_full_membership_date(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
    resolution = dossier.history[-1].on
    late = workflow.law.calendar.add_working_days(resolution, 31)
    workflow.advance(dossier, Step.RECOGNIZE, on=late, actor=Actor.COMPETENT_COMMITTEE)
    assert dossier.stage == Stage.FULL_MEMBER
    (act,) = dossier.late_acts
    assert act.rule_id == "timing.recognition_decision_deadline"
    policy, process = workflow.law.policy_for(late), workflow.law.process
    assert full_membership_date(dossier, policy, process=process) == dossier_probation_end(
        dossier, policy, process=process
    )


def test_a_late_act_survives_a_document_and_a_forged_one_is_refused(workflow: Workflow) -> None:
    dossier = proposed(workflow)
    on = workflow.law.calendar.add_working_days(DUE, 3)
    workflow.advance(dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE)
    assert loads(dumps(dossier)).late_acts == dossier.late_acts
    forged = attrs.evolve(dossier.late_acts[0], answerable=Actor.BASE_COMMITTEE)
    dossier.late_acts = [forged]
    with pytest.raises(InvalidDocument, match=r"late_acts\[0\]"):
        loads(dumps(dossier))


def test_a_late_act_must_be_after_its_due_day() -> None:
    with pytest.raises(ValueError, match="after its due day"):
        LateAct(step="decide_admission", on=DUE, due=DUE, answerable=Actor.BRANCH, rule_id="x")


def test_reports_and_due_lists_show_the_late_decision_and_who_answers(workflow: Workflow) -> None:
    dossier = proposed(workflow)
    on = workflow.law.calendar.add_working_days(DUE, 2)
    workflow.advance(dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE)
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        year_end = pendulum.Date(2024, 12, 31)
        found = report(store, TREE, Quotas({("C", 2024): 1}), unit="H", year=2024, on=year_end)
        assert found.late_acts == 1
        assert found.admitted == 1
        assert store.verify() == []
    feed = due_list([dossier], on=on.add(days=1), within=15, law=workflow.law)
    (item,) = feed.late
    assert item.working_days_late == 2
    assert "competent committee answers for it" in item.text("en").lower()
    assert "kiểm điểm trách nhiệm" in item.text("vi")
    grouped = feed.by_organization()
    assert [len(part.late) for part in grouped.values()] == [1]
    assert due_list([dossier], on=on.add(days=60), within=15, law=workflow.law).late == ()


@pytest.mark.parametrize("certificates", [1, 2, 3], ids=["one-course", "two", "three"])
def test_a_late_decision_after_courses_taken_again_is_saved_and_verifies(
    workflow: Workflow, certificates: int
) -> None:
    """
    Each event a store counts has a number of its own, in the order verification reads them.

    Two awareness certificates and a late decision once shared an event's number, and
    the store refused the dossier; with three, verification read them in another order.
    """
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    issued = dossier.certificates[0].issued_on
    dossier.certificates += [
        attrs.evolve(dossier.certificates[0], issued_on=issued.subtract(months=n))
        for n in range(1, certificates)
    ]
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    late = workflow.law.calendar.add_working_days(DUE, 1)
    workflow.advance(dossier, Step.DECIDE_ADMISSION, on=late, actor=Actor.COMPETENT_COMMITTEE)
    seqs = [event.seq for event in plain_facts(dossier).events]
    assert len(seqs) == len(set(seqs))
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        assert store.verify() == []
        year_end = pendulum.Date(2024, 12, 31)
        found = report(store, TREE, Quotas({("C", 2024): 1}), unit="H", year=2024, on=year_end)
    assert (found.late_acts, found.admitted) == (1, 1)
