"""Education rules: A-05 to A-07, and the QĐ 29 / QĐ 24 difference of §16."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    AreaKind,
    EducationLevel,
    LocalRole,
    Relation,
    Stage,
    Step,
    Workflow,
)
from ketnap.rules.regulations import QD_24_2021
from ketnap.testing import add_vote
from tests.conftest import at_stage, prepared

D = pendulum.Date
Proposal = Callable[..., set[str]]


class TestMinimumEducation:
    """education.minimum: lower-secondary diploma, with the area and person exceptions."""

    @pytest.mark.parametrize(
        ("level", "area", "role", "refused"),
        [
            (EducationLevel.LOWER_SECONDARY, AreaKind.ORDINARY, LocalRole.NONE, False),
            (EducationLevel.LOWER_SECONDARY_EQUIVALENT, AreaKind.ORDINARY, LocalRole.NONE, True),
            (EducationLevel.PRIMARY, AreaKind.ORDINARY, LocalRole.NONE, True),
            (EducationLevel.PRIMARY, AreaKind.MOUNTAIN, LocalRole.NONE, False),
            (EducationLevel.LITERATE, AreaKind.MOUNTAIN, LocalRole.NONE, True),
            (EducationLevel.LITERATE, AreaKind.BORDER, LocalRole.VILLAGE_ELDER, False),
            (EducationLevel.LITERATE, AreaKind.ORDINARY, LocalRole.VILLAGE_ELDER, True),
            (EducationLevel.LITERATE, AreaKind.ORDINARY, LocalRole.FISHERMAN, True),
            (EducationLevel.PRIMARY, AreaKind.ORDINARY, LocalRole.FISHERMAN, False),
            (EducationLevel.NONE, AreaKind.ISLAND, LocalRole.FISHERMAN, True),
        ],
    )
    def test_levels(
        self,
        workflow: Workflow,
        proposal: Proposal,
        level: EducationLevel,
        area: AreaKind,
        role: LocalRole,
        refused: bool,
    ) -> None:
        """A-05 in general, A-06 in special areas, A-07 for respected persons and fishermen."""
        dossier = prepared(workflow, education=level, area=area, local_role=role)
        assert ("education.minimum" in proposal(dossier, D(2024, 3, 12))) is refused

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2021, 7, 28), False, id="QĐ29-two-days-before"),
            pytest.param(D(2021, 7, 29), False, id="QĐ29-last-day"),
            pytest.param(D(2021, 7, 30), True, id="QĐ24-first-day"),
        ],
    )
    def test_equivalent_accepted_only_under_29(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        """The same 'or equivalent' education passes under QĐ 29 and fails under QĐ 24 (§16)."""
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 7, 28))
        dossier.candidate = attrs.evolve(
            dossier.candidate, education=EducationLevel.LOWER_SECONDARY_EQUIVALENT
        )
        assert ("education.minimum" in proposal(dossier, meeting)) is refused

    def test_message_names_both_levels(self, workflow: Workflow) -> None:
        """The failure names the level found and the level required."""
        dossier = prepared(workflow, education=EducationLevel.PRIMARY)
        add_vote(dossier, D(2024, 3, 12))
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
        )
        (failure,) = [f for f in failures if f.rule_id == "education.minimum"]
        assert "Hoàn thành chương trình tiểu học" in failure.message("vi")
        assert "Lower-secondary diploma" in failure.message("en")


class TestLiteracyConsent:
    """education.literacy_consent: literacy-only admission needs provincial consent (A-07)."""

    @pytest.mark.parametrize(
        ("consent_on", "refused"),
        [
            pytest.param(None, True, id="no-consent"),
            pytest.param(D(2024, 4, 2), False, id="consent-on-the-decision-day"),
            pytest.param(D(2024, 4, 3), True, id="consent-the-day-after"),
        ],
    )
    def test_consent(
        self,
        workflow: Workflow,
        failing: Callable[..., set[str]],
        consent_on: D | None,
        refused: bool,
    ) -> None:
        """A village elder in a border area who only reads and writes needs the consent."""
        dossier = prepared(
            workflow,
            education=EducationLevel.LITERATE,
            area=AreaKind.BORDER,
            local_role=LocalRole.VILLAGE_ELDER,
        )
        add_vote(dossier, D(2024, 3, 12))
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH)
        if consent_on is not None:
            dossier.approvals.append(
                Approval(
                    kind=ApprovalKind.LOW_EDUCATION,
                    by=Actor.PROVINCIAL_STANDING_BOARD,
                    given_on=consent_on,
                )
            )
        failed = failing(dossier, Step.DECIDE_ADMISSION, D(2024, 4, 2))
        assert ("education.literacy_consent" in failed) is refused


def test_relation_enum_is_exported() -> None:
    """Relation is part of the public API, for sponsors' bases."""
    assert Relation.RESIDENCE.text("en") == "lived in the same residence area"


class TestFishermen:
    """HD 01-2021 §1.2a: fishermen at sea need completed primary school (A-06)."""

    @pytest.mark.parametrize(
        ("level", "minimum", "refused"),
        [
            (EducationLevel.LITERATE, EducationLevel.PRIMARY, True),
            (EducationLevel.PRIMARY, EducationLevel.PRIMARY, False),
            (EducationLevel.LITERATE, EducationLevel.LITERATE, False),
            (EducationLevel.NONE, EducationLevel.LITERATE, True),
        ],
    )
    def test_the_minimum_is_a_policy_value(
        self,
        level: EducationLevel,
        minimum: EducationLevel,
        refused: bool,
    ) -> None:
        workflow = Workflow(QD_24_2021.with_policy(fisherman_minimum_education=minimum))
        dossier = prepared(workflow, education=level, local_role=LocalRole.FISHERMAN)
        failed = {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert ("education.minimum" in failed) is refused
