"""Due lists across dossiers: due soon, overdue, grouped by branch and by who acts."""

from __future__ import annotations

import pendulum

from ketnap import (
    Actor,
    Certificate,
    CertificateKind,
    Dossier,
    DueProblem,
    Organization,
    Stage,
    Step,
    Workflow,
    due_list,
)
from ketnap.reminders import Branch
from ketnap.testing import add_vote
from tests.conftest import at_stage

DECISION = "timing.decision_deadline"
CEREMONY = "timing.ceremony_deadline"

D = pendulum.Date
REPORT = D(2024, 6, 3)


def branch(workflow: Workflow) -> list[Dossier]:
    """
    Three dossiers on 3 Jun 2024.

    - resolution 9 Jan: 60 working days (Tết 8-14 Feb off) ended 9 Apr, 36 days ago;
    - resolution 12 Mar: decision due 7 Jun, 4 working days left;
    - decided 10 May: ceremony due 21 Jun, 14 working days left.
    """
    late = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 1, 9))
    late.organization = Organization(name="Chi bộ A")
    add_vote(late, D(2024, 1, 9))
    workflow.advance(late, Step.PROPOSE_ADMISSION, on=D(2024, 1, 9), actor=Actor.BRANCH)
    soon = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 3, 12))
    soon.organization = Organization(name="Chi bộ B")
    add_vote(soon, D(2024, 3, 12))
    workflow.advance(soon, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH)
    ceremony = at_stage(workflow, Stage.ADMITTED, meeting=D(2024, 4, 9))
    ceremony.organization = Organization(name="Chi bộ A")
    return [late, soon, ceremony]


def test_due_and_overdue(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    assert [(i.deadline.rule_id, i.working_days_left) for i in feed.due] == [
        (DECISION, 4),
        (CEREMONY, 14),
    ]
    (overdue,) = feed.overdue
    assert overdue.deadline.rule_id == DECISION
    assert overdue.deadline.due == D(2024, 4, 9)
    assert overdue.working_days_left == -36
    assert len(feed) == 3


def test_horizon(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=5, law=workflow.law)
    assert [i.deadline.rule_id for i in feed.due] == [DECISION]


def test_grouping(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    by_branch = feed.by_organization()
    assert list(by_branch) == [Branch("Chi bộ A", None), Branch("Chi bộ B", None)]
    assert len(by_branch[Branch("Chi bộ A", None)]) == 2
    by_actor = feed.by_actor()
    assert set(by_actor) == {Actor.BRANCH, Actor.COMPETENT_COMMITTEE}
    assert len(by_actor[Actor.COMPETENT_COMMITTEE]) == 2


def test_feed_lines(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    vi = feed.overdue[0].text("vi")
    en = feed.overdue[0].text("en")
    assert "quá hạn" in vi
    assert "09/04/2024" in vi
    assert "quá 36 ngày làm việc" in vi
    assert "working days late" in en
    assert "Competent committee" in en


def test_two_branches_with_the_same_name_in_two_communes_are_two_groups(
    workflow: Workflow,
) -> None:
    late, soon, ceremony = branch(workflow)
    late.organization = Organization(name="Thôn 1", code="XA-01.T1")
    soon.organization = Organization(name="Thôn 1", code="XA-02.T1")
    ceremony.organization = Organization(name="Thôn 1", code="XA-01.T1")
    grouped = due_list([late, soon, ceremony], on=REPORT, within=15, law=workflow.law)
    by_branch = grouped.by_organization()
    assert list(by_branch) == [Branch("Thôn 1", "XA-01.T1"), Branch("Thôn 1", "XA-02.T1")]
    assert [len(part) for part in by_branch.values()] == [2, 1]
    assert str(Branch("Thôn 1", "XA-01.T1")) == "Thôn 1 (XA-01.T1)"


def test_a_dossier_outside_the_calendar_is_a_problem_and_the_others_are_listed(
    workflow: Workflow,
) -> None:
    broken = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 3, 12))
    broken.id = "HS-OLD"
    broken.certificates[:] = [
        Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=D(1984, 1, 1))
    ]
    feed = due_list([broken, *branch(workflow)], on=REPORT, within=15, law=workflow.law)
    assert len(feed) == 3  # the three good dossiers, as without the broken one
    (problem,) = feed.problems
    assert isinstance(problem, DueProblem)
    assert problem.dossier_id == "HS-OLD"
    assert "HS-OLD" in problem.text("en")
    assert "calendar" in problem.text("en")
    assert [p.dossier_id for part in feed.by_organization().values() for p in part.problems] == [
        "HS-OLD"
    ]
