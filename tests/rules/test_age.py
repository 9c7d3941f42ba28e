"""Age rules: A-01 to A-04 (18 to 60 full years, counted in months)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import Actor, AgeCounting, Approval, ApprovalKind, Dossier, Stage, Step, Workflow
from ketnap.testing import add_sponsor, add_vote
from tests.conftest import at_stage, prepared

D = pendulum.Date


class TestMinimumAge:
    """age.minimum: 18 full years by month count at the branch meeting (A-01, A-04)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 2, 29), True, id="day-before-the-birthday-month"),
            pytest.param(D(2024, 3, 1), False, id="first-day-of-the-birthday-month"),
            pytest.param(D(2024, 3, 2), False, id="day-after"),
        ],
    )
    def test_calendar_month_count(
        self, workflow: Workflow, proposal: Callable[..., set[str]], meeting: D, refused: bool
    ) -> None:
        """Born 20 Mar 2006, the candidate is 'đủ 18' from 1 Mar 2024 (day ignored, A-04)."""
        dossier = prepared(workflow, birth_date=D(2006, 3, 20))
        assert ("age.minimum" in proposal(dossier, meeting)) is refused

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 19), True, id="day-before-18th-birthday"),
            pytest.param(D(2024, 3, 20), False, id="18th-birthday"),
            pytest.param(D(2024, 3, 21), False, id="day-after"),
        ],
    )
    def test_completed_month_policy(self, workflow: Workflow, meeting: D, refused: bool) -> None:
        """With COMPLETED_MONTHS a deployment counts from the birthday itself."""
        rules = workflow.law.ruleset_for(meeting).with_policy(
            age_counting=AgeCounting.COMPLETED_MONTHS
        )
        strict = workflow.using(rules)
        dossier = prepared(strict, birth_date=D(2006, 3, 20))
        dossier.votes.clear()
        add_vote(dossier, meeting)
        failed = {
            f.rule_id
            for f in strict.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=meeting, actor=Actor.BRANCH
            )
        }
        assert ("age.minimum" in failed) is refused

    def test_message_gives_the_age_found(self, workflow: Workflow) -> None:
        """The failure reports the age in years and months, in both languages."""
        dossier = prepared(workflow, birth_date=D(2006, 5, 1))
        add_vote(dossier, D(2024, 3, 12))
        (failure,) = [
            f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
            if f.rule_id == "age.minimum"
        ]
        assert failure.values["months"] == 214
        assert "17 tuổi 10 tháng" in failure.message("vi")
        assert "17 years 10 months" in failure.message("en")


class TestMaximumAge:
    """age.maximum: at most 60 full years by month count (A-02), unless A-03 grounds hold."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 31), False, id="last-day-of-the-60th-birthday-month"),
            pytest.param(D(2024, 4, 1), True, id="first-day-after"),
            pytest.param(D(2024, 4, 2), True, id="day-after"),
        ],
    )
    def test_boundary(
        self, workflow: Workflow, proposal: Callable[..., set[str]], meeting: D, refused: bool
    ) -> None:
        """Born 20 Mar 1964, the candidate is within 60 until the end of March 2024."""
        dossier = prepared(workflow, birth_date=D(1964, 3, 20))
        assert ("age.maximum" in proposal(dossier, meeting)) is refused

    def test_over_sixty_grounds_let_the_branch_propose(
        self, workflow: Workflow, proposal: Callable[..., set[str]]
    ) -> None:
        """Where the A-03 grounds hold, the branch may propose; the decision is provincial."""
        dossier = prepared(workflow, birth_date=D(1960, 1, 1), over_sixty_grounds=True)
        assert "age.maximum" not in proposal(dossier, D(2024, 3, 12))


class TestOverSixtyConsent:
    """age.over_sixty_consent: the provincial standing board consents before deciding (A-03)."""

    def _dossier(self, workflow: Workflow) -> Dossier:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.candidate = attrs.evolve(
            dossier.candidate, birth_date=D(1960, 1, 1), over_sixty_grounds=True
        )
        add_sponsor(dossier, meeting=D(2024, 3, 12))  # past youth age: two sponsors (C-01)
        add_vote(dossier, D(2024, 3, 12))
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH)
        return dossier

    @pytest.mark.parametrize(
        ("consent_on", "refused"),
        [
            pytest.param(D(2024, 4, 1), False, id="day-before-the-decision"),
            pytest.param(D(2024, 4, 2), False, id="day-of-the-decision"),
            pytest.param(D(2024, 4, 3), True, id="day-after-the-decision"),
        ],
    )
    def test_consent_date(
        self,
        workflow: Workflow,
        failing: Callable[..., set[str]],
        consent_on: D,
        refused: bool,
    ) -> None:
        """Consent given after the decision date does not count."""
        dossier = self._dossier(workflow)
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.OVER_SIXTY,
                by=Actor.PROVINCIAL_STANDING_BOARD,
                given_on=consent_on,
            )
        )
        failed = failing(
            dossier, Step.DECIDE_ADMISSION, D(2024, 4, 2), Actor.PROVINCIAL_STANDING_BOARD
        )
        assert ("age.over_sixty_consent" in failed) is refused

    def test_the_competent_committee_decides_with_the_provincial_consent(
        self, workflow: Workflow, failing: Callable[..., set[str]]
    ) -> None:
        """
        HD 01-2021 §1.1: "được ban thường vụ cấp ủy trực thuộc Trung ương đồng ý bằng văn
        bản trước khi cấp ủy có thẩm quyền ra quyết định kết nạp" (A-03).
        """
        dossier = self._dossier(workflow)
        decided = D(2024, 4, 2)
        without = failing(dossier, Step.DECIDE_ADMISSION, decided, Actor.COMPETENT_COMMITTEE)
        assert "age.over_sixty_consent" in without
        assert "authority.actor" not in without
        dossier.approvals.append(
            Approval(
                kind=ApprovalKind.OVER_SIXTY, by=Actor.PROVINCIAL_STANDING_BOARD, given_on=decided
            )
        )
        assert failing(dossier, Step.DECIDE_ADMISSION, decided, Actor.COMPETENT_COMMITTEE) == set()

    def test_a_consent_from_another_body_does_not_count(
        self, workflow: Workflow, failing: Callable[..., set[str]]
    ) -> None:
        dossier = self._dossier(workflow)
        decided = D(2024, 4, 2)
        dossier.approvals.append(
            Approval(kind=ApprovalKind.OVER_SIXTY, by=Actor.COMPETENT_COMMITTEE, given_on=decided)
        )
        failed = failing(dossier, Step.DECIDE_ADMISSION, decided, Actor.COMPETENT_COMMITTEE)
        assert "age.over_sixty_consent" in failed

    def test_a_branch_still_cannot_decide(
        self, workflow: Workflow, failing: Callable[..., set[str]]
    ) -> None:
        dossier = self._dossier(workflow)
        assert "authority.actor" in failing(
            dossier, Step.DECIDE_ADMISSION, D(2024, 4, 2), Actor.BRANCH
        )
