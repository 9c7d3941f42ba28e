"""The workflow: the whole path, refusals, rule-set selection and the engine underneath."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    ADMISSION,
    QD_24_2021,
    QD_29_2016,
    REGULATIONS,
    Actor,
    Dossier,
    EducationLevel,
    InvalidWorkflow,
    NoRegulationInForce,
    Process,
    Relation,
    Stage,
    Step,
    Transition,
    TransitionRefused,
    VotePurpose,
    Workflow,
    terms,
)
from ketnap.testing import add_vote, assert_refused, make_dossier, walk
from tests.conftest import at_stage, ready_for_recognition

D = pendulum.Date
MEETING = D(2024, 3, 12)


def full_membership_date(workflow: Workflow, dossier: Dossier) -> D | None:
    """The date a recognised member is official from, by the policy in force at the ceremony."""
    process = workflow.law.process
    ceremony = process.ceremony_date(dossier)
    if ceremony is None:
        return None
    return terms.full_membership_date(dossier, workflow.law.policy_for(ceremony), process=process)


def with_table(rows: list[Transition]) -> Process:
    """The shipped stages and steps with another table of *rows*."""
    return Process(
        name=ADMISSION.name,
        stages=ADMISSION.stages,
        steps=ADMISSION.steps,
        transitions=rows,
        initial=ADMISSION.initial,
    )


class TestLifecycle:
    """One candidate from the source pool to the party card."""

    def test_history(self, workflow: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING)
        entries = walk(workflow, dossier, meeting=MEETING)
        assert [e.target for e in entries] == [
            Stage.TRAINED,
            Stage.PREPARED,
            Stage.PROPOSED,
            Stage.ADMITTED,
            Stage.PROBATION,
            Stage.RECOGNITION_PROPOSED,
            Stage.FULL_MEMBER,
            Stage.CARD_ISSUED,
        ]
        assert dossier.history == entries
        assert [e.source for e in entries[1:]] == [e.target for e in entries[:-1]]
        assert entries[2].regulation == "24-QĐ/TW"
        assert entries[-1].regulation == "232-QĐ/TW"
        assert entries[3].actor is Actor.COMPETENT_COMMITTEE

    def test_dates_that_matter(self, workflow: Workflow) -> None:
        """Party age from the decision (J-01); full membership at the end of probation."""
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING)
        decision = dossier.last_act(Step.DECIDE_ADMISSION)
        ceremony = dossier.last_act(Step.HOLD_CEREMONY)
        assert decision is not None
        assert ceremony is not None
        assert dossier.admission_decision_date == decision.on == dossier.party_age_start
        assert dossier.ceremony_date == ceremony.on
        assert workflow.law.probation_end(dossier) == ceremony.on.add(years=1)
        assert full_membership_date(workflow, dossier) == workflow.law.probation_end(dossier)

    def test_full_membership_does_not_move_when_the_branch_is_late(
        self, workflow: Workflow
    ) -> None:
        """QĐ §4.2.2: recognised late, the member is still official from the end of probation."""
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        late = workflow.law.calendar.add_working_days(end, 45)
        ready_for_recognition(dossier, late)
        for step, actor, on in [
            (Step.PROPOSE_RECOGNITION, Actor.BRANCH, late),
            (Step.RECOGNIZE, Actor.COMPETENT_COMMITTEE, late.add(days=7)),
        ]:
            workflow.advance(dossier, step, on=on, actor=actor)
        assert full_membership_date(workflow, dossier) == end

    def test_ceremony_on_leap_day(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.ADMITTED, meeting=D(2024, 1, 16))
        dossier.decision_received_on = D(2024, 2, 26)
        workflow.advance(dossier, Step.HOLD_CEREMONY, on=D(2024, 2, 29), actor=Actor.BRANCH)
        assert workflow.law.probation_end(dossier) == D(2025, 2, 28)

    def test_under_a_base_committee(self, workflow: Workflow) -> None:
        from ketnap import Organization  # noqa: PLC0415

        organization = Organization(name="Chi bộ 5", under_base_committee=True)
        dossier = make_dossier(meeting=MEETING, organization=organization)
        entries = walk(workflow, dossier, meeting=MEETING)
        assert Stage.ENDORSED in [e.target for e in entries]


class TestRefusals:
    """A refusal lists every failed rule and leaves the dossier as it was."""

    def test_every_failure_is_listed(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.candidate = attrs.evolve(
            dossier.candidate, birth_date=D(2006, 6, 1), education=EducationLevel.PRIMARY
        )
        add_vote(dossier, MEETING, counted=12, favour=7)
        refused = assert_refused(
            workflow,
            dossier,
            Step.PROPOSE_ADMISSION,
            on=MEETING,
            actor=Actor.BRANCH,
            rules={"age.minimum", "education.minimum", "vote.branch_admission"},
        )
        assert refused.stage == Stage.PREPARED
        assert refused.regulation == "24-QĐ/TW"
        assert refused.on == MEETING
        text = refused.text("vi")
        assert "Chưa đủ 18 tuổi" in text
        assert "Điều lệ Đảng Điều 1.2" in text
        assert "Under 18" in str(refused)

    def test_check_matches_advance(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        failures = workflow.law.check(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH
        )
        with pytest.raises(TransitionRefused) as info:
            workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        assert info.value.failures == failures
        assert dossier.stage == Stage.PREPARED

    def test_unavailable_step(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.SOURCE_POOL)
        assert_refused(
            workflow,
            dossier,
            Step.ISSUE_CARD,
            on=MEETING,
            actor=Actor.COMPETENT_COMMITTEE,
            rules={"workflow.step_available"},
        )

    def test_exits(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        workflow.advance(dossier, Step.REFUSE, on=MEETING, actor=Actor.BRANCH)
        assert dossier.stage == Stage.REFUSED
        other = at_stage(workflow, Stage.TRAINED)
        workflow.advance(other, Step.WITHDRAW, on=MEETING, actor=Actor.BRANCH)
        assert other.stage == Stage.WITHDRAWN

    def test_referral_then_removal(self, workflow: Workflow) -> None:
        """F-09: three failed votes, referral upward, then the committee removes (I-05)."""
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        for i in range(3):
            add_vote(dossier, end.add(days=1 + i), purpose=VotePurpose.RECOGNITION, favour=6)
        workflow.advance(dossier, Step.ESCALATE, on=end.add(days=5), actor=Actor.BRANCH)
        workflow.advance(dossier, Step.REMOVE, on=end.add(days=20), actor=Actor.COMPETENT_COMMITTEE)
        assert dossier.stage == Stage.REMOVED
        assert full_membership_date(workflow, dossier) is None


class TestRegulations:
    """The rule set is chosen by the date of the act (DOMAIN.md §1.2)."""

    @pytest.mark.parametrize(
        ("on", "code"),
        [
            (D(2016, 7, 25), "29-QĐ/TW"),
            (D(2021, 7, 29), "29-QĐ/TW"),
            (D(2021, 7, 30), "24-QĐ/TW"),
            (D(2025, 1, 19), "24-QĐ/TW"),
            (D(2025, 1, 20), "232-QĐ/TW"),
            (D(2025, 6, 30), "232-QĐ/TW"),
            (D(2025, 7, 1), "294-QĐ/TW"),
            (D(2026, 11, 28), "294-QĐ/TW"),
        ],
    )
    def test_boundaries(self, workflow: Workflow, on: D, code: str) -> None:
        assert workflow.law.ruleset_for(on).code == code

    def test_before_the_first(self, workflow: Workflow) -> None:
        with pytest.raises(NoRegulationInForce):
            workflow.law.ruleset_for(D(2016, 7, 24))

    def test_same_facts_two_verdicts(self, workflow: Workflow) -> None:
        """Education 'or equivalent' and a sponsor who only lived alongside (§16)."""
        for meeting, code in [(D(2021, 7, 29), "29-QĐ/TW"), (D(2021, 7, 30), "24-QĐ/TW")]:
            dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 7, 29))
            dossier.candidate = attrs.evolve(
                dossier.candidate, education=EducationLevel.LOWER_SECONDARY_EQUIVALENT
            )
            dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], basis=Relation.RESIDENCE)
            add_vote(dossier, meeting)
            failed = {
                f.rule_id
                for f in workflow.law.check(
                    dossier, Step.PROPOSE_ADMISSION, on=meeting, actor=Actor.BRANCH
                )
            }
            if code == "29-QĐ/TW":
                assert failed == {"sponsor.basis"}
            else:
                assert failed == {"education.minimum"}

    def test_single_rule_set_applies_to_every_date(self) -> None:
        only = Workflow(QD_24_2021)
        assert only.law.ruleset_for(D(2000, 1, 1)).code == "24-QĐ/TW"

    def test_overlap_is_refused(self) -> None:
        with pytest.raises(InvalidWorkflow, match="overlap"):
            Workflow([QD_29_2016, attrs.evolve(QD_24_2021, effective=QD_29_2016.effective)])

    def test_registry(self) -> None:
        assert list(REGULATIONS) == ["29-QĐ/TW", "24-QĐ/TW", "232-QĐ/TW", "294-QĐ/TW"]


class TestTable:
    """The stage table is validated when the workflow is built."""

    def test_duplicate_row(self) -> None:
        with pytest.raises(InvalidWorkflow, match="two rows"):
            Workflow(process=with_table([*ADMISSION.transitions, ADMISSION.transitions[0]]))

    def test_unreachable_stage(self) -> None:
        table = [t for t in ADMISSION.transitions if t.target != Stage.ESCALATED]
        with pytest.raises(InvalidWorkflow, match="unreachable"):
            Workflow(process=with_table(table))

    def test_dead_end(self) -> None:
        table = [t for t in ADMISSION.transitions if t.source != Stage.FULL_MEMBER]
        with pytest.raises(InvalidWorkflow, match=r"unreachable|no way out"):
            Workflow(process=with_table(table))

    def test_custom_table(self) -> None:
        """Another organisation's process: the base committee completes training itself."""
        table = [
            t
            if t.step != Step.ASSIGN_SPONSORS
            else Transition(t.step, t.source, t.target, {Actor.BASE_COMMITTEE})
            for t in ADMISSION.transitions
        ]
        custom = Workflow(process=with_table(table))
        dossier = at_stage(custom, Stage.TRAINED)
        custom.advance(dossier, Step.ASSIGN_SPONSORS, on=D(2024, 1, 12), actor=Actor.BASE_COMMITTEE)
        assert dossier.stage == Stage.PREPARED


class TestEngine:
    """transitions is used as a shared engine and leaves no trace on dossiers."""

    def test_no_generated_members(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        for name in ("trigger", "may_propose_recognition", "to_card_issued", "is_probation"):
            assert not hasattr(dossier, name)

    def test_one_machine_for_all_dossiers(self, workflow: Workflow) -> None:
        from ketnap._machine import Engine  # noqa: PLC0415

        engine = workflow._engine
        assert isinstance(engine, Engine)
        assert engine._machine.models == []
        assert not any(name.startswith("to_") for name in engine._machine.events)


class TestDecisions:
    """Decisions are history entries of the deciding steps, with their document numbers."""

    def test_reference_and_decisions(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        add_vote(dossier, MEETING)
        workflow.advance(
            dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH, reference="05-NQ/CB"
        )
        entry = workflow.advance(
            dossier,
            Step.DECIDE_ADMISSION,
            on=D(2024, 4, 2),
            actor=Actor.COMPETENT_COMMITTEE,
            reference="123-QĐ/HU",
        )
        assert entry.reference == "123-QĐ/HU"
        assert dossier.history[-2].reference == "05-NQ/CB"
        assert ADMISSION.acts(dossier, "decision") == (entry,)


def test_unavailable_step_lists_the_workflows_own_steps() -> None:
    """With a table that has no withdrawal from the pool, the refusal does not offer one."""
    table = [
        t
        for t in ADMISSION.transitions
        if not (t.step == Step.WITHDRAW and t.source == Stage.SOURCE_POOL)
    ]
    custom = Workflow(process=with_table(table))
    dossier = make_dossier(meeting=MEETING)
    (failure,) = custom.law.check(dossier, Step.ISSUE_CARD, on=MEETING, actor=Actor.BRANCH)
    assert failure.values["available"] == [ADMISSION.label(Step.COMPLETE_TRAINING)]
    assert failure.message("en").endswith(
        f"possible: {ADMISSION.text(Step.COMPLETE_TRAINING, 'en')}"
    )
