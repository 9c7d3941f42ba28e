"""
Appraisal rules: a partial committee's appraisal of the branch's resolutions (F-05a).

HD 12-HD/BTCTW (2022) lists in the dossier "báo cáo thẩm định của đảng ủy bộ phận (nếu
có)": where a partial committee (đảng ủy bộ phận) sits between the branch and the base
committee, it appraises the branch's resolution (7-KNĐ; 14-KNĐ for recognition) before
the base committee considers it. Elsewhere there is no such step.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Document,
    Dossier,
    InvalidInput,
    Organization,
    OrganizationTree,
    Stage,
    Step,
    Unit,
    Workflow,
)
from ketnap.forms import Signature, form_fields
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date
PARTIAL = Organization(
    name="Chi bộ Phân xưởng 1", code="X.1", under_base_committee=True, under_partial_committee=True
)
APPRAISED = D(2024, 3, 19)  # five working days after the meeting of 12 Mar 2024


def proposed(workflow: Workflow, organization: Organization = PARTIAL) -> Dossier:
    dossier = make_dossier(meeting=MEETING, organization=organization)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    return dossier


def failed(workflow: Workflow, dossier: Dossier, step: str, on: D, actor: Actor) -> set[str]:
    return {f.rule_id for f in workflow.law.check(dossier, step, on=on, actor=actor)}


def test_a_partial_committee_sits_under_a_base_committee() -> None:
    with pytest.raises(InvalidInput, match="under_partial_committee"):
        Organization(name="Chi bộ cơ sở", under_partial_committee=True)


def test_a_branch_under_a_partial_committee_goes_the_whole_way(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING, organization=PARTIAL)
    walk(workflow, dossier, meeting=MEETING)
    steps = [entry.step for entry in dossier.history]
    assert steps.index(Step.APPRAISE_ADMISSION) == steps.index(Step.PROPOSE_ADMISSION) + 1
    assert steps.index(Step.APPRAISE_RECOGNITION) == steps.index(Step.PROPOSE_RECOGNITION) + 1
    appraisal = dossier.history[steps.index(Step.APPRAISE_ADMISSION)]
    assert (appraisal.source, appraisal.target, appraisal.actor) == (
        Stage.PROPOSED, Stage.PROPOSED, Actor.PARTIAL_COMMITTEE,
    )  # fmt: skip
    assert dossier.stage == Stage.CARD_ISSUED


class TestUnderPartialCommittee:
    """authority.partial_committee: only a branch under a partial committee is appraised."""

    @pytest.mark.parametrize(("partial", "refused"), [(True, False), (False, True)])
    def test_the_step_belongs_to_branches_under_a_partial_committee(
        self, workflow: Workflow, partial: bool, refused: bool
    ) -> None:
        organization = attrs.evolve(PARTIAL, under_partial_committee=partial)
        dossier = proposed(workflow, organization)
        dossier.add_documents([Document(form="7-KNĐ", dated=APPRAISED)])
        found = failed(
            workflow, dossier, Step.APPRAISE_ADMISSION, APPRAISED, Actor.PARTIAL_COMMITTEE
        )
        assert ("authority.partial_committee" in found) is refused

    def test_only_the_partial_committee_appraises(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        dossier.add_documents([Document(form="7-KNĐ", dated=APPRAISED)])
        found = failed(workflow, dossier, Step.APPRAISE_ADMISSION, APPRAISED, Actor.BASE_COMMITTEE)
        assert found == {"authority.actor"}


class TestAppraisalReport:
    """dossier.appraisal_report: the report is dated from the resolution to the appraisal."""

    @pytest.mark.parametrize(
        ("dated", "refused"),
        [
            (MEETING.subtract(days=1), True),
            (MEETING, False),
            (APPRAISED, False),
            (APPRAISED.add(days=1), True),
        ],
        ids=["day-before-the-resolution", "resolution-day", "appraisal-day", "day-after-it"],
    )
    def test_report_date(self, workflow: Workflow, dated: D, refused: bool) -> None:
        dossier = proposed(workflow)
        dossier.add_documents([Document(form="7-KNĐ", dated=dated)])
        found = failed(
            workflow, dossier, Step.APPRAISE_ADMISSION, APPRAISED, Actor.PARTIAL_COMMITTEE
        )
        assert ("dossier.appraisal_report" in found) is refused

    def test_no_report_names_the_form(self, workflow: Workflow) -> None:
        dossier = proposed(workflow)
        (failure,) = workflow.law.check(
            dossier, Step.APPRAISE_ADMISSION, on=APPRAISED, actor=Actor.PARTIAL_COMMITTEE
        )
        assert failure.message("en") == (
            "No appraisal report (7-KNĐ) dated from 2024-03-12 to 2024-03-19"
        )


class TestAppraisedFirst:
    """authority.appraisal_first: the base committee waits for the appraisal."""

    ENDORSED = D(2024, 3, 26)

    @pytest.mark.parametrize(("appraised", "refused"), [(False, True), (True, False)])
    def test_the_endorsement_waits(
        self, workflow: Workflow, appraised: bool, refused: bool
    ) -> None:
        dossier = proposed(workflow)
        if appraised:
            dossier.add_documents([Document(form="7-KNĐ", dated=APPRAISED)])
            workflow.advance(
                dossier, Step.APPRAISE_ADMISSION, on=APPRAISED, actor=Actor.PARTIAL_COMMITTEE
            )
        add_vote(dossier, self.ENDORSED, body=Actor.BASE_COMMITTEE, counted=9, favour=7)
        found = failed(workflow, dossier, Step.ENDORSE, self.ENDORSED, Actor.BASE_COMMITTEE)
        assert ("authority.appraisal_first" in found) is refused

    def test_a_base_committee_deciding_itself_waits_too(self, workflow: Workflow) -> None:
        organization = attrs.evolve(PARTIAL, base_committee_may_admit=True)
        dossier = proposed(workflow, organization)
        add_vote(dossier, self.ENDORSED, body=Actor.BASE_COMMITTEE, counted=9, favour=7)
        found = failed(
            workflow, dossier, Step.DECIDE_ADMISSION, self.ENDORSED, Actor.BASE_COMMITTEE
        )
        assert "authority.appraisal_first" in found

    def test_a_branch_without_a_partial_committee_is_not_held(self, workflow: Workflow) -> None:
        organization = attrs.evolve(PARTIAL, under_partial_committee=False)
        dossier = proposed(workflow, organization)
        add_vote(dossier, self.ENDORSED, body=Actor.BASE_COMMITTEE, counted=9, favour=7)
        found = failed(workflow, dossier, Step.ENDORSE, self.ENDORSED, Actor.BASE_COMMITTEE)
        assert "authority.appraisal_first" not in found

    def test_the_decision_after_the_endorsement_is_not_held_again(self, workflow: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING, organization=PARTIAL)
        walk(workflow, dossier, meeting=MEETING, until=Stage.ENDORSED)
        on = workflow.law.calendar.add_working_days(MEETING, 20)
        assert "authority.appraisal_first" not in failed(
            workflow, dossier, Step.DECIDE_ADMISSION, on, Actor.COMPETENT_COMMITTEE
        )


class TestChecklist:
    """The appraisal reports are papers of the dossier, listed once the branch has resolved."""

    TREE = OrganizationTree(
        [
            Unit(code="H", name="Đảng bộ huyện", level="district"),
            Unit(code="X", name="Đảng bộ công ty", level="base_committee", parent="H"),
            Unit(code="X.1", name="Chi bộ Phân xưởng 1", level="branch", parent="X"),
        ]
    )

    def _forms(self, dossier: Dossier, on: D) -> dict[str, str]:
        facts = form_fields(
            "checklist", dossier, tree=self.TREE, signature=Signature(), on=on, law=Workflow().law
        )
        return {row["form"]: row["status"] for row in facts["rows"]}

    def test_the_admission_appraisal_after_the_resolution(self, workflow: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING, organization=PARTIAL)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        assert "7-KNĐ" not in self._forms(dossier, MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.ENDORSED)
        forms = self._forms(dossier, D(2024, 4, 1))
        assert forms["7-KNĐ"] == "có"
        assert "14-KNĐ" not in forms

    def test_the_recognition_appraisal_after_its_resolution(self, workflow: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING, organization=PARTIAL)
        walk(workflow, dossier, meeting=MEETING)
        assert self._forms(dossier, D(2025, 12, 1))["14-KNĐ"] == "có"

    def test_no_appraisal_without_a_partial_committee(self, workflow: Workflow) -> None:
        dossier = make_dossier(
            meeting=MEETING, organization=attrs.evolve(PARTIAL, under_partial_committee=False)
        )
        walk(workflow, dossier, meeting=MEETING)
        forms = self._forms(dossier, D(2025, 12, 1))
        assert not {"7-KNĐ", "14-KNĐ"} & set(forms)
