"""Shared fixtures: one workflow per session and dossiers positioned at a stage."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pendulum
import pytest
from hypothesis import settings

from ketnap import Actor, Dossier, Organization, Stage, Step, VotePurpose, Workflow
from ketnap.testing import add_vote, make_dossier, walk

# Locally hypothesis explores new examples on every run; CI replays a fixed sequence, so
# that a submission's result does not depend on luck (a local find is added as a test).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

MEETING = pendulum.Date(2024, 3, 12)
"""A Tuesday under QĐ 24-QĐ/TW: the branch meeting of the reference dossier."""

ACTOR_FOR: dict[Step, Actor] = {
    Step.COMPLETE_TRAINING: Actor.BRANCH,
    Step.ASSIGN_SPONSORS: Actor.BRANCH,
    Step.PROPOSE_ADMISSION: Actor.BRANCH,
    Step.ENDORSE: Actor.BASE_COMMITTEE,
    Step.DECIDE_ADMISSION: Actor.COMPETENT_COMMITTEE,
    Step.HOLD_CEREMONY: Actor.BRANCH,
    Step.PROPOSE_RECOGNITION: Actor.BRANCH,
    Step.ENDORSE_RECOGNITION: Actor.BASE_COMMITTEE,
    Step.ESCALATE: Actor.BRANCH,
    Step.RECOGNIZE: Actor.COMPETENT_COMMITTEE,
    Step.ISSUE_CARD: Actor.COMPETENT_COMMITTEE,
    Step.REFUSE: Actor.BRANCH,
    Step.WITHDRAW: Actor.BRANCH,
    Step.REMOVE: Actor.COMPETENT_COMMITTEE,
    Step.REFUSE_RECOGNITION: Actor.COMPETENT_COMMITTEE,
}


@pytest.fixture(scope="session")
def workflow() -> Workflow:
    return Workflow()


def at_stage(workflow: Workflow, stage: Stage, *, meeting: pendulum.Date = MEETING) -> Dossier:
    """A reference dossier walked along the standard lifecycle until *stage*."""
    dossier = make_dossier(meeting=meeting)
    walk(workflow, dossier, meeting=meeting, until=stage)
    assert dossier.stage == stage
    return dossier


Failing = Callable[..., set[str]]


@pytest.fixture
def failing(workflow: Workflow) -> Failing:
    """
    Return the ids of the rules a step fails: ``failing(dossier, step, on, actor=...)``.

    Deadlines the texts let an act miss (``Rule.late``) count as failed too: they are
    recorded, not refused, and tests/test_late_acts.py checks that difference.
    """

    def run(
        dossier: Dossier, step: Step, on: pendulum.Date, actor: Actor | None = None
    ) -> set[str]:
        who = actor or ACTOR_FOR[step]
        refused = workflow.law.check(dossier, step, on=on, actor=who)
        late = workflow.law.lateness(dossier, step, on=on, actor=who)
        return {f.rule_id for f in (*refused, *late)}

    return run


@pytest.fixture
def proposal(workflow: Workflow) -> Callable[..., set[str]]:
    """
    Return the rules the branch's admission proposal fails on a date, with a passing vote
    recorded that day: ``proposal(dossier, on)``.
    """

    def run(dossier: Dossier, on: pendulum.Date) -> set[str]:
        if not any(v.held_on == on and v.body is Actor.BRANCH for v in dossier.votes):
            add_vote(dossier, on)
        failures = workflow.law.check(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
        return {f.rule_id for f in failures}

    return run


def prepared(workflow: Workflow, **changes: Any) -> Dossier:
    """A dossier at PREPARED whose candidate has *changes* applied."""
    import attrs  # noqa: PLC0415

    dossier = at_stage(workflow, Stage.PREPARED)
    if changes:
        dossier.candidate = attrs.evolve(dossier.candidate, **changes)
    return dossier


def ready_for_recognition(dossier: Dossier, on: pendulum.Date, *, favour: int = 11) -> None:
    """Record what the branch's recognition meeting on *on* needs (I-03, I-04, F-08)."""
    from ketnap import Certificate, CertificateKind, Document  # noqa: PLC0415

    dossier.certificates.append(Certificate(kind=CertificateKind.NEW_MEMBER_COURSE, issued_on=on))
    dossier.add_documents(Document(form=f, dated=on) for f in ("10-KNĐ", "11-KNĐ", "12-KNĐ"))
    add_vote(dossier, on, purpose=VotePurpose.RECOGNITION, favour=favour)


def proposed(workflow: Workflow, organization: Organization | None = None) -> Dossier:
    """A reference dossier whose branch proposed admission on MEETING."""
    dossier = at_stage(workflow, Stage.PREPARED)
    if organization is not None:
        dossier.organization = organization
    add_vote(dossier, MEETING)
    workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
    return dossier


def decision_received_16_aug_2021(workflow: Workflow, *, delay_consent: bool = False) -> Dossier:
    """
    An admitted dossier whose branch received the decision on Monday 16 Aug 2021.

    Its ceremony is due on 29 Sep 2021 (2 and 3 Sep are holidays); with *delay_consent*
    the higher committee agreed on 20 Sep 2021 to a later ceremony (QĐ §4.1).
    """
    from ketnap import Approval, ApprovalKind  # noqa: PLC0415

    dossier = at_stage(workflow, Stage.ADMITTED, meeting=pendulum.Date(2021, 7, 13))
    dossier.decision_received_on = pendulum.Date(2021, 8, 16)
    if delay_consent:
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.CEREMONY_DELAY,
                by=Actor.COMPETENT_COMMITTEE,
                given_on=pendulum.Date(2021, 9, 20),
            )
        )
    return dossier


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the store's contract tests (tests/pg.py), for the session."""
    from tests.pg import ENV, server  # noqa: PLC0415

    with server() as url:
        if url is None:
            message = (
                "!!! POSTGRESQL TESTS SKIPPED: no server binaries (run tools/ensure_postgres.sh"
                f" as root) and no {ENV} !!!"
            )
            if os.environ.get("CI"):
                pytest.fail(message)
            warnings.warn(message, stacklevel=1)
            pytest.skip(message)
        yield url
