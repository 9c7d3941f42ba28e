"""Background verification rules: A-09, E-01 to E-05."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    Kinship,
    PoliticalTopic,
    Relative,
    Stage,
    Step,
    Verification,
    Workflow,
)
from ketnap.rules.regulations import HD_01_2021
from tests.conftest import at_stage

D = pendulum.Date
Failing = Callable[..., set[str]]
ON = D(2024, 1, 12)


class TestConcluded:
    """verification.concluded: the base committee concluded before the step (E-02)."""

    @pytest.mark.parametrize(
        ("concluded_on", "refused"),
        [(D(2024, 1, 11), False), (ON, False), (D(2024, 1, 13), True)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_date(
        self, workflow: Workflow, failing: Failing, concluded_on: D, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        assert dossier.verification is not None
        dossier.verification = attrs.evolve(dossier.verification, concluded_on=concluded_on)
        assert ("verification.concluded" in failing(dossier, Step.ASSIGN_SPONSORS, ON)) is refused

    def test_missing(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        dossier.verification = None
        assert "verification.concluded" in failing(dossier, Step.ASSIGN_SPONSORS, ON)


class TestSubjects:
    """verification.subjects: parents, spouse's parents, spouse, adult children (E-03, E-05)."""

    def test_unverified_parent(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        assert dossier.verification is not None
        dossier.verification = attrs.evolve(dossier.verification, verified={"Nguyễn Văn Bình"})
        failures = {
            f.rule_id: f
            for f in workflow.law.check(dossier, Step.ASSIGN_SPONSORS, on=ON, actor=Actor.BRANCH)
        }
        assert "Trần Thị Cúc" in failures["verification.subjects"].message("vi")

    def test_party_member_sibling_exempts_own_side(self, workflow: Workflow) -> None:
        """E-05: a sibling in the Party exempts the parents from verification."""
        dossier = at_stage(workflow, Stage.TRAINED)
        relatives = (
            *dossier.candidate.relatives,
            Relative(name="Nguyễn Văn Giang", kinship=Kinship.SIBLING, party_member=True),
            Relative(name="Đỗ Thị Hoa", kinship=Kinship.SPOUSE),
        )
        dossier.candidate = attrs.evolve(dossier.candidate, relatives=relatives)
        dossier.verification = Verification(concluded_on=ON, topics=frozenset(PoliticalTopic))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(dossier, Step.ASSIGN_SPONSORS, on=ON, actor=Actor.BRANCH)
        }
        message = failures["verification.subjects"].message("en")
        assert "Đỗ Thị Hoa" in message
        assert "Nguyễn Văn Bình" not in message

    def test_spouse_member_exempts_spouse_side(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        relatives = (
            *dossier.candidate.relatives,
            Relative(name="Đỗ Thị Hoa", kinship=Kinship.SPOUSE, party_member=True),
            Relative(name="Đỗ Văn Ích", kinship=Kinship.PARENT_IN_LAW),
        )
        dossier.candidate = attrs.evolve(dossier.candidate, relatives=relatives)
        assert "verification.subjects" not in failing(dossier, Step.ASSIGN_SPONSORS, ON)


class TestWhoExemptsAndWhoIsVerified:
    """HD 01-2021 §3.4a (adult children) and §3.4c (who exempts the own side)."""

    def test_a_guardian_in_the_party_does_not_exempt_the_birth_parents(
        self, workflow: Workflow
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        relatives = (
            *dossier.candidate.relatives,
            Relative(name="Lê Văn Khoa", kinship=Kinship.GUARDIAN, party_member=True),
        )
        dossier.candidate = attrs.evolve(dossier.candidate, relatives=relatives)
        dossier.verification = Verification(concluded_on=ON, topics=frozenset(PoliticalTopic))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(dossier, Step.ASSIGN_SPONSORS, on=ON, actor=Actor.BRANCH)
        }
        assert "Nguyễn Văn Bình" in failures["verification.subjects"].message("en")

    @pytest.mark.parametrize("kinship", [Kinship.PARENT, Kinship.SIBLING, Kinship.CHILD])
    def test_a_birth_parent_sibling_or_child_in_the_party_exempts_the_own_side(
        self, workflow: Workflow, failing: Failing, kinship: Kinship
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        relatives = (
            *dossier.candidate.relatives,
            Relative(name="Nguyễn Văn Giang", kinship=kinship, party_member=True),
        )
        dossier.candidate = attrs.evolve(dossier.candidate, relatives=relatives)
        dossier.verification = Verification(concluded_on=ON, topics=frozenset(PoliticalTopic))
        assert "verification.subjects" not in failing(dossier, Step.ASSIGN_SPONSORS, ON)

    @pytest.mark.parametrize(("full_capacity", "refused"), [(True, True), (False, False)])
    def test_only_a_child_with_full_civil_capacity_is_verified(
        self, workflow: Workflow, failing: Failing, full_capacity: bool, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        child = Relative(
            name="Nguyễn Minh Long", kinship=Kinship.CHILD, full_capacity=full_capacity
        )
        dossier.candidate = attrs.evolve(
            dossier.candidate, relatives=(*dossier.candidate.relatives, child)
        )
        assert ("verification.subjects" in failing(dossier, Step.ASSIGN_SPONSORS, ON)) is refused


class TestSpouseSide:
    """
    verification.subjects: a member among the spouse's parents or siblings exempts the
    spouse's side (HD 01-2021 §3.4c, E-05), from the guidance's own date.
    """

    def _with_spouse_side(self, workflow: Workflow, *spouse_side: Relative) -> Dossier:
        dossier = at_stage(workflow, Stage.TRAINED, meeting=D(2021, 11, 16))
        relatives = (
            *dossier.candidate.relatives,
            Relative(name="Đỗ Thị Hoa", kinship=Kinship.SPOUSE),
            Relative(name="Đỗ Văn Ích", kinship=Kinship.PARENT_IN_LAW),
            *spouse_side,
        )
        dossier.candidate = attrs.evolve(dossier.candidate, relatives=relatives)
        return dossier

    @pytest.mark.parametrize(
        ("days", "refused"),
        [
            pytest.param(-1, True, id="day-before-HD01-2021"),
            pytest.param(0, False, id="HD01-2021-first-day"),
            pytest.param(1, False, id="day-after"),
        ],
    )
    def test_a_sibling_of_the_spouse_in_the_party_exempts_the_spouse_side(
        self, workflow: Workflow, failing: Failing, days: int, refused: bool
    ) -> None:
        start = HD_01_2021.effective.start
        assert start is not None
        dossier = self._with_spouse_side(
            workflow,
            Relative(name="Đỗ Văn Khánh", kinship=Kinship.SPOUSE_SIBLING, party_member=True),
        )
        on = start.add(days=days)
        assert ("verification.subjects" in failing(dossier, Step.ASSIGN_SPONSORS, on)) is refused

    def test_a_sibling_of_the_spouse_outside_the_party_exempts_nothing(
        self, workflow: Workflow
    ) -> None:
        dossier = self._with_spouse_side(
            workflow, Relative(name="Đỗ Văn Khánh", kinship=Kinship.SPOUSE_SIBLING)
        )
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.ASSIGN_SPONSORS, on=D(2021, 10, 1), actor=Actor.BRANCH
            )
        }
        message = failures["verification.subjects"].message("vi")
        assert "Đỗ Thị Hoa (Vợ hoặc chồng)" in message
        assert "Đỗ Văn Ích" in message
        assert "Đỗ Văn Khánh" not in message  # a sibling-in-law is never a subject (E-03)

    def test_the_spouse_side_exemption_leaves_the_candidate_side(self, workflow: Workflow) -> None:
        dossier = self._with_spouse_side(
            workflow,
            Relative(name="Đỗ Văn Khánh", kinship=Kinship.SPOUSE_SIBLING, party_member=True),
        )
        dossier.verification = Verification(
            concluded_on=D(2021, 9, 16), topics=frozenset(PoliticalTopic)
        )
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.ASSIGN_SPONSORS, on=D(2021, 10, 1), actor=Actor.BRANCH
            )
        }
        message = failures["verification.subjects"].message("vi")
        assert "Nguyễn Văn Bình" in message
        assert "Đỗ Thị Hoa" not in message

    def test_a_deployment_may_narrow_who_exempts_the_spouse_side(self, workflow: Workflow) -> None:
        narrow = workflow.using(
            workflow.law.ruleset_for(D(2021, 10, 1)).with_policy(
                spouse_side_exempting=frozenset({Kinship.SPOUSE, Kinship.PARENT_IN_LAW})
            )
        )
        dossier = self._with_spouse_side(
            workflow,
            Relative(name="Đỗ Văn Khánh", kinship=Kinship.SPOUSE_SIBLING, party_member=True),
        )
        failed = {
            f.rule_id
            for f in narrow.law.check(
                dossier, Step.ASSIGN_SPONSORS, on=D(2021, 10, 1), actor=Actor.BRANCH
            )
        }
        assert "verification.subjects" in failed


class TestTopics:
    """
    verification.topics: the content comes from guidance, on the guidance's dates.

    HD 01-2021 §3.4b (political history, current politics, standards) stayed in force
    under QĐ 232 until HD 06 took over on 9 Jun 2025: standards alone suffice only then.
    """

    @pytest.mark.parametrize(
        ("on", "refused"),
        [
            pytest.param(D(2025, 1, 19), True, id="QĐ24-last-day"),
            pytest.param(D(2025, 1, 20), True, id="QĐ232-first-day-still-HD01"),
            pytest.param(D(2025, 6, 8), True, id="HD01-last-day"),
            pytest.param(D(2025, 6, 9), False, id="HD06-first-day"),
            pytest.param(D(2025, 6, 10), False, id="HD06-day-after"),
        ],
    )
    def test_standards_only(
        self, workflow: Workflow, failing: Failing, on: D, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED, meeting=D(2025, 3, 12))
        assert dossier.verification is not None
        dossier.verification = attrs.evolve(
            dossier.verification,
            concluded_on=D(2025, 1, 1),
            topics={PoliticalTopic.POLITICAL_STANDARDS},
        )
        assert ("verification.topics" in failing(dossier, Step.ASSIGN_SPONSORS, on)) is refused
