"""Party card rules: K-01, K-05, K-07."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from ketnap import Actor, Stage, Step, Workflow
from ketnap.rules import Context
from tests.conftest import at_stage

D = pendulum.Date
Failing = Callable[..., set[str]]


class TestCardNumber:
    """card.number_format: NN.NNNNNN under HD 12-2022; 12 digits also accepted under QĐ 294."""

    @pytest.mark.parametrize(
        ("number", "refused"),
        [
            ("01.000001", False),
            ("01000001", True),
            ("1.000001", True),
            ("012345678901", True),
            ("", True),
        ],
    )
    def test_before_2025(
        self, workflow: Workflow, failing: Failing, number: str, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.FULL_MEMBER, meeting=D(2022, 3, 8))
        dossier.card_number = number
        on = dossier.history[-1].on.add(days=7)
        assert ("card.number_format" in failing(dossier, Step.ISSUE_CARD, on)) is refused

    @pytest.mark.parametrize(("number", "refused"), [("012345678901", False), ("0123", True)])
    def test_under_294(
        self, workflow: Workflow, failing: Failing, number: str, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.FULL_MEMBER, meeting=D(2025, 9, 9))
        dossier.card_number = number
        on = dossier.history[-1].on.add(days=7)
        assert workflow.law.ruleset_for(on).code == "294-QĐ/TW"
        assert ("card.number_format" in failing(dossier, Step.ISSUE_CARD, on)) is refused


class TestOfficialOnly:
    """card.official_only: cards go to official members only (K-01)."""

    def test_recognised_member(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.FULL_MEMBER)
        on = dossier.history[-1].on
        assert "card.official_only" not in failing(dossier, Step.ISSUE_CARD, on)

    def test_rule_reads_the_recognition(self, workflow: Workflow) -> None:
        """Without a recognition decision in the history the rule fails, whatever the stage."""
        dossier = at_stage(workflow, Stage.FULL_MEMBER)
        rule = workflow.law.ruleset_for(dossier.history[-1].on)["card.official_only"]
        dossier.history = [e for e in dossier.history if e.step != Step.RECOGNIZE]
        context = Context(
            dossier=dossier,
            on=D(2025, 12, 1),
            actor=Actor.COMPETENT_COMMITTEE,
            step=Step.ISSUE_CARD,
            source=Stage.FULL_MEMBER,
            target=Stage.CARD_ISSUED,
            actors=frozenset(),
            policy=workflow.law.ruleset_for(D(2025, 12, 1)).policy,
            calendar=workflow.law.calendar,
            process=workflow.law.process,
        )
        assert rule.evaluate(context) is not None
