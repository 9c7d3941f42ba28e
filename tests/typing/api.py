"""
The public API used as an application would use it; it must type-check (mypy --strict).

Nothing here runs at import: mypy reads it, pytest only imports it.
"""

from __future__ import annotations

import pendulum

import ketnap
from ketnap import (
    QD_294_2025,
    Actor,
    DeadlineStatus,
    Dossier,
    Failure,
    HistoryEntry,
    Plan,
    RuleSet,
    Step,
    TransitionRefused,
    Workflow,
)


def admit(workflow: Workflow, dossier: Dossier, on: pendulum.Date) -> HistoryEntry | None:
    failures: tuple[Failure, ...] = workflow.law.check(
        dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH
    )
    for failure in failures:
        line: str = failure.text("vi")
        clause: str = failure.clause
        assert line
        assert clause
    try:
        return workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
    except TransitionRefused as refused:
        reasons: tuple[Failure, ...] = refused.failures
        assert reasons
        return None


def local_rules() -> RuleSet:
    return QD_294_2025.with_policy(min_pool_months=12).without("dossier.fresh").renamed("local")


def overdue(workflow: Workflow, dossiers: list[Dossier], on: pendulum.Date) -> list[str]:
    feed = ketnap.due_list(dossiers, on=on, within=10, law=workflow.law)
    late = [item.text("en") for item in feed.overdue]
    statuses = {
        d.status
        for dossier in dossiers
        for d in ketnap.deadlines_for(dossier, on=on, law=workflow.law)
    }
    assert DeadlineStatus.MISSED in statuses or not late
    return late


def earliest(workflow: Workflow, dossier: Dossier, on: pendulum.Date) -> pendulum.Date | None:
    result: Plan = ketnap.plan(workflow.law, dossier, on=on)
    return result.earliest
