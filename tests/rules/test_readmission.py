"""Re-admission rules: L-02, L-04, L-06, L-07."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    Dossier,
    LeavingReason,
    PriorMembership,
    Step,
    Workflow,
)
from ketnap.rules.readmission import EXCLUDED_REASONS
from ketnap.rules.regulations import QD_24_2021
from ketnap.testing import add_vote
from tests.conftest import prepared

D = pendulum.Date
Proposal = Callable[..., set[str]]
Failing = Callable[..., set[str]]
MEETING = D(2024, 3, 12)


def former(workflow: Workflow, **changes: Any) -> Dossier:
    prior = PriorMembership(
        first_decision_on=D(2005, 5, 19),
        left_on=D(2021, 3, 12),
        reason=LeavingReason.TRANSFER_LAPSE,
    )
    return prepared(
        workflow, birth_date=D(1980, 1, 1), prior_membership=attrs.evolve(prior, **changes)
    )


class TestWaitingTime:
    """readmission.waiting_time: 36 months since leaving; 60 after a cleared record (L-02)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 11), True, id="day-before-36-months"),
            pytest.param(D(2024, 3, 12), False, id="36-months"),
            pytest.param(D(2024, 3, 13), False, id="day-after"),
        ],
    )
    def test_thirty_six_months(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = former(workflow)
        assert ("readmission.waiting_time" in proposal(dossier, meeting)) is refused

    @pytest.mark.parametrize(
        ("cleared", "refused"),
        [(D(2019, 3, 13), True), (D(2019, 3, 12), False), (None, True)],
        ids=["cleared-a-day-too-late", "cleared-60-months-before", "not-cleared"],
    )
    def test_less_serious_offence(
        self, workflow: Workflow, proposal: Proposal, cleared: D | None, refused: bool
    ) -> None:
        dossier = former(
            workflow,
            left_on=D(2015, 1, 1),
            reason=LeavingReason.CONVICTED_LESS_SERIOUS_CRIME,
            record_cleared_on=cleared,
        )
        assert ("readmission.waiting_time" in proposal(dossier, MEETING)) is refused

    def test_not_a_readmission(self, workflow: Workflow, proposal: Proposal) -> None:
        assert "readmission.waiting_time" not in proposal(prepared(workflow), MEETING)


class TestExcluded:
    """readmission.excluded: some reasons bar re-admission, worded per regulation (L-06)."""

    @pytest.mark.parametrize("reason", sorted(LeavingReason))
    def test_reasons(self, workflow: Workflow, proposal: Proposal, reason: LeavingReason) -> None:
        dossier = former(workflow, reason=reason, record_cleared_on=D(2021, 3, 12))
        assert ("readmission.excluded" in proposal(dossier, MEETING)) is (
            reason in EXCLUDED_REASONS
        )

    def test_wording_changes_with_232(self, workflow: Workflow) -> None:
        old = workflow.law.ruleset_for(D(2024, 1, 1))["readmission.excluded"]
        new = workflow.law.ruleset_for(D(2025, 2, 1))["readmission.excluded"]
        assert old.clause != new.clause
        dossier = former(workflow, reason=LeavingReason.CONVICTED_CORRUPTION)
        add_vote(dossier, MEETING)
        (failure,) = [
            f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
            )
            if f.rule_id == "readmission.excluded"
        ]
        assert "bị kết án vì tội tham nhũng" in failure.message("vi")


class TestOnce:
    """readmission.once: only one re-admission (L-07)."""

    def test_second_readmission(self, workflow: Workflow, proposal: Proposal) -> None:
        assert "readmission.once" in proposal(former(workflow, readmitted_before=True), MEETING)
        assert "readmission.once" not in proposal(former(workflow), MEETING)


class TestConsent:
    """readmission.consent: the provincial standing board consents in writing (L-04)."""

    @pytest.mark.parametrize(
        ("given_on", "by", "refused"),
        [
            (D(2024, 4, 1), Actor.PROVINCIAL_STANDING_BOARD, False),
            (D(2024, 4, 2), Actor.PROVINCIAL_STANDING_BOARD, False),
            (D(2024, 4, 3), Actor.PROVINCIAL_STANDING_BOARD, True),
            (D(2024, 4, 1), Actor.COMPETENT_COMMITTEE, True),
        ],
        ids=["day-before", "day-of", "day-after", "wrong-body"],
    )
    def test_consent(
        self, workflow: Workflow, failing: Failing, given_on: D, by: Actor, refused: bool
    ) -> None:
        dossier = former(workflow)
        add_vote(dossier, MEETING)
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        dossier.approvals.append(Approval(kind=ApprovalKind.READMISSION, by=by, given_on=given_on))
        failed = failing(dossier, Step.DECIDE_ADMISSION, D(2024, 4, 2))
        assert ("readmission.consent" in failed) is refused

    def test_party_age_counts_from_the_first_decision(self, workflow: Workflow) -> None:
        """J-02: a re-admitted member's party age counts from the first admission decision."""
        dossier = former(workflow)
        assert dossier.party_age_start == D(2005, 5, 19)


class TestPopulationPolicy:
    """readmission.population_policy: from QĐ 24, the Secretariat's rules (L-03)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2021, 7, 29), False, id="QĐ29-last-day-ordinary-wait"),
            pytest.param(D(2021, 7, 30), True, id="QĐ24-first-day"),
        ],
    )
    def test_refused_from_24(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = former(workflow, left_on=D(2016, 9, 1), reason=LeavingReason.POPULATION_POLICY)
        failed = proposal(dossier, meeting)
        assert ("readmission.population_policy" in failed) is refused

    def test_a_deployment_may_configure_it(self) -> None:
        configured = Workflow(QD_24_2021.with_policy(population_policy_readmission=True))
        dossier = former(configured, reason=LeavingReason.POPULATION_POLICY)
        failed = {
            f.rule_id
            for f in configured.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
            )
        }
        assert "readmission.population_policy" not in failed

    def test_the_message_explains_why(self, workflow: Workflow) -> None:
        dossier = former(workflow, reason=LeavingReason.POPULATION_POLICY)
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
        )
        (failure,) = [f for f in failures if f.rule_id == "readmission.population_policy"]
        assert "Secretariat" in failure.message("en")
        assert "Ban Bí thư" in failure.message("vi")
