"""
The dates asked of the process (issue 26, item 2): found by tag, never by a shipped code.

A process that calls its admission decision ``ra_quyet_dinh_ket_nap`` (or renames the
ceremony and the recognition too) is the shipped process under other codes: the same
dossier walked the same way has the same admission, ceremony, probation end, full
membership and party age, the same deadlines and the same forms, and its decision is
guarded by the same rules. Documents record the new codes.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    ADMISSION,
    Actor,
    Dossier,
    EducationLevel,
    InvalidWorkflow,
    Message,
    Organization,
    OrganizationTree,
    Process,
    ProcessStep,
    Stage,
    Step,
    Transition,
    Unit,
    VotePurpose,
    Workflow,
)
from ketnap.deadlines import Deadline, deadlines_for
from ketnap.derived import derive_facts
from ketnap.forms import FORMS, FormRefused, Signature, form_fields
from ketnap.integrity import verify
from ketnap.terms import dossier_probation_end, full_membership_date, party_age_months
from ketnap.testing import add_vote, lifecycle, make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date
DECISION = "ra_quyet_dinh_ket_nap"
RENAMED = ADMISSION.rename_step(
    Step.DECIDE_ADMISSION,
    DECISION,
    label=Message(vi="Ra quyết định kết nạp", en="Decide the admission"),
)
ALL_RENAMED = RENAMED.rename_step(Step.HOLD_CEREMONY, "le_ket_nap").rename_step(
    Step.RECOGNIZE, "cong_nhan_chinh_thuc"
)
TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện Yên Lạc", level="district", committee="Huyện ủy"),
        Unit(code="X", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
        Unit(code="X.1", name="Chi bộ thôn Đông", level="branch", parent="X", members=20),
    ]
)
SIGNER = Signature(place="Yên Lạc", signer="Trần Văn Bình")
SHIPPED = Workflow()


def walked(workflow: Workflow, until: str = Stage.CARD_ISSUED) -> Dossier:
    """The reference dossier under a base committee, walked until *until*, acts numbered."""
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
    for number, (step, on, actor) in enumerate(
        lifecycle(dossier, meeting=MEETING, workflow=workflow), start=1
    ):
        workflow.advance(dossier, step, on=on, actor=actor, reference=f"{number:02d}-QĐ/ĐU")
        if dossier.stage == until:
            break
    assert dossier.stage == until
    return dossier


def comparable(deadline: Deadline, process: Process) -> tuple[object, ...]:
    """A deadline, its step named by the code the rules know it by."""
    return (
        deadline.rule_id,
        deadline.due,
        deadline.status,
        deadline.waiting,
        deadline.actor,
        deadline.label,
        process.rule_code(deadline.step),
    )


@pytest.fixture(scope="module", params=[RENAMED, ALL_RENAMED], ids=["decision", "three-steps"])
def local(request: pytest.FixtureRequest) -> Workflow:
    process: Process = request.param
    return Workflow(process=process)


class TestTheRenamedProcess:
    """`Process.rename_step`: the same step under another code, its tags and rows kept."""

    def test_the_decision_is_recorded_under_its_new_code(self) -> None:
        dossier = walked(Workflow(process=RENAMED))
        steps = [entry.step for entry in dossier.history]
        assert DECISION in steps
        assert Step.DECIDE_ADMISSION not in steps
        verify(dossier, process=RENAMED)

    def test_the_step_keeps_its_tags_rows_and_rules(self) -> None:
        step = RENAMED.step(DECISION)
        assert step.tags == ADMISSION.step(Step.DECIDE_ADMISSION).tags
        assert step.guarded_as == Step.DECIDE_ADMISSION
        assert RENAMED.rule_code(DECISION) == Step.DECIDE_ADMISSION
        assert [row.source for row in RENAMED.transitions if row.step == DECISION] == [
            Stage.PROPOSED,
            Stage.ENDORSED,
        ]
        assert Step.DECIDE_ADMISSION not in RENAMED.step_codes

    def test_a_step_renamed_twice_keeps_the_rules_of_the_first_code(self) -> None:
        twice = RENAMED.rename_step(DECISION, "quyet_dinh")
        assert twice.rule_code("quyet_dinh") == Step.DECIDE_ADMISSION

    @pytest.mark.parametrize("stage", [Stage.SOURCE_POOL, Stage.PROPOSED, Stage.ADMITTED])
    def test_the_steps_ahead_are_known_to_the_rules_by_their_first_code(self, stage: str) -> None:
        ahead = ALL_RENAMED.rule_codes_ahead(stage)
        assert ahead == tuple(ALL_RENAMED.rule_code(r.step) for r in ALL_RENAMED.steps_ahead(stage))
        assert Step.HOLD_CEREMONY in ahead
        assert "le_ket_nap" not in ahead
        assert ALL_RENAMED.rule_codes_ahead("no_such_stage") == ()

    def test_the_rules_code_is_labelled_as_the_renamed_step(self) -> None:
        assert RENAMED.text(Step.DECIDE_ADMISSION, "en") == "Decide the admission"

    def test_an_unknown_step_is_refused(self) -> None:
        with pytest.raises(InvalidWorkflow, match="not in this process: no_such_step"):
            ADMISSION.rename_step("no_such_step", "x")

    def test_the_transfer_the_stored_facts_count_by_code_is_refused(self) -> None:
        # Renamed, its acts would be invisible to the store's split of events by branch.
        with pytest.raises(InvalidWorkflow, match="stored facts count its acts"):
            ADMISSION.rename_step(Step.TRANSFER, "chuyen_sinh_hoat")

    def test_a_code_already_in_the_process_is_refused(self) -> None:
        with pytest.raises(InvalidWorkflow, match="already a code"):
            ADMISSION.rename_step(Step.DECIDE_ADMISSION, Step.HOLD_CEREMONY)

    def test_a_step_guarded_as_another_step_of_the_process_is_refused(self) -> None:
        twin = ProcessStep("twin", Message(vi="x", en="x"), guarded_as=Step.HOLD_CEREMONY)
        with pytest.raises(InvalidWorkflow, match="guarded as 'hold_ceremony', a step of its own"):
            ADMISSION.extend(steps=[twin])

    def test_a_step_built_to_stand_for_the_transfer_is_refused(self) -> None:
        # rename_step refuses the transfer; a process built by hand must not get round it.
        steps = [
            ProcessStep("chuyen_di", step.label, tags=step.tags, guarded_as=Step.TRANSFER)
            if step.code == Step.TRANSFER
            else step
            for step in ADMISSION.steps
        ]
        rows = [
            attrs.evolve(row, step="chuyen_di") if row.step == Step.TRANSFER else row
            for row in ADMISSION.transitions
        ]
        with pytest.raises(InvalidWorkflow, match="cannot be guarded as 'transfer'"):
            attrs.evolve(ADMISSION, steps=steps, transitions=rows)

    def test_two_steps_guarded_as_one_code_are_refused(self) -> None:
        again = ProcessStep("again", Message(vi="x", en="x"), guarded_as=Step.DECIDE_ADMISSION)
        with pytest.raises(InvalidWorkflow, match="two steps are guarded as 'decide_admission'"):
            RENAMED.extend(steps=[again])


class TestSameDates:
    """Admission, ceremony, probation end, full membership and party age, by tag."""

    def test_admission_and_ceremony(self, local: Workflow) -> None:
        shipped, renamed = walked(SHIPPED), walked(local)
        process = local.law.process
        assert process.admission_date(renamed) == ADMISSION.admission_date(shipped) == D(2024, 4, 9)
        assert process.ceremony_date(renamed) == ADMISSION.ceremony_date(shipped) is not None
        assert process.recognition_date(renamed) == ADMISSION.recognition_date(shipped)
        assert process.recognition_date(renamed) is not None

    def test_probation_end_and_full_membership(self, local: Workflow) -> None:
        shipped, renamed = walked(SHIPPED), walked(local)
        end = SHIPPED.law.probation_end(shipped)
        assert end is not None
        assert local.law.probation_end(renamed) == end
        policy = SHIPPED.law.policy_for(end)
        process = local.law.process
        assert dossier_probation_end(renamed, policy, process=process) == end
        assert full_membership_date(renamed, policy, process=process) == end
        assert full_membership_date(shipped, policy, process=ADMISSION) == end

    @pytest.mark.parametrize(
        ("on", "months"),
        [(D(2026, 4, 8), 23), (D(2026, 4, 9), 24), (D(2026, 4, 10), 24)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_party_age(self, local: Workflow, on: pendulum.Date, months: int) -> None:
        shipped, renamed = walked(SHIPPED), walked(local)
        assert party_age_months(renamed, on, process=local.law.process) == months
        assert party_age_months(shipped, on, process=ADMISSION) == months

    def test_the_shipped_process_finds_no_date_in_the_renamed_history(self) -> None:
        """What the issue was about: asked by the shipped codes, the dates are lost."""
        renamed = walked(Workflow(process=ALL_RENAMED))
        assert renamed.admission_decision_date is None  # the shipped convenience
        assert ADMISSION.admission_date(renamed) is None
        assert ALL_RENAMED.admission_date(renamed) == D(2024, 4, 9)

    def test_the_derived_facts_read_the_decision(self, local: Workflow) -> None:
        """The store's derived columns (youth at the decision, due date) are the same."""
        shipped, renamed = walked(SHIPPED), walked(local)
        found = derive_facts(renamed, local.law)
        assert found.youth_at_admission
        # The events name each act by the code the dossier records, so they differ.
        assert attrs.evolve(found, events=()) == attrs.evolve(
            derive_facts(shipped, SHIPPED.law), events=()
        )


class TestSameDeadlines:
    """`deadlines_for` reads the windows of the rules that guard the renamed step."""

    @pytest.mark.parametrize(
        "stage",
        [
            Stage.PROPOSED,
            Stage.ENDORSED,
            Stage.ADMITTED,
            Stage.PROBATION,
            Stage.RECOGNITION_PROPOSED,
            Stage.RECOGNITION_ENDORSED,
        ],
    )
    def test_at_every_stage(self, local: Workflow, stage: str) -> None:
        shipped, renamed = walked(SHIPPED, stage), walked(local, stage)
        on = shipped.history[-1].on.add(days=1)
        expected = [
            comparable(d, ADMISSION) for d in deadlines_for(shipped, on=on, law=SHIPPED.law)
        ]
        found = deadlines_for(renamed, on=on, law=local.law)
        assert expected
        assert [comparable(d, local.law.process) for d in found] == expected

    def test_the_decision_deadline_names_the_renamed_step(self, local: Workflow) -> None:
        renamed = walked(local, Stage.ENDORSED)
        found = deadlines_for(renamed, on=D(2024, 4, 1), law=local.law)
        (decision,) = [d for d in found if d.rule_id == "timing.decision_deadline"]
        assert decision.step == DECISION
        assert decision.due == D(2024, 6, 7)

    def test_the_ceremony_deadline_counts_from_the_renamed_decision(self, local: Workflow) -> None:
        renamed = walked(local, Stage.ADMITTED)
        renamed.decision_received_on = None  # the decision date stands in for receipt
        found = deadlines_for(renamed, on=D(2024, 4, 10), law=local.law)
        (ceremony,) = [d for d in found if d.rule_id == "timing.ceremony_deadline"]
        assert ceremony.due == local.law.calendar.add_working_days(D(2024, 4, 9), 30)


class TestSameRules:
    """The renamed decision is guarded by the rules of ``decide_admission``."""

    def test_the_rules_see_the_code_they_guard(self, local: Workflow) -> None:
        renamed = walked(local, Stage.ENDORSED)
        context = local.law.context(
            renamed, DECISION, on=D(2024, 4, 9), actor=Actor.COMPETENT_COMMITTEE
        )
        assert context.step == Step.DECIDE_ADMISSION
        assert context.target == Stage.ADMITTED

    def test_a_rule_of_the_decision_alone_refuses_it(self, local: Workflow) -> None:
        """Admitting on literacy alone needs the province's consent (A-07), at the decision."""
        shipped, renamed = walked(SHIPPED, Stage.ENDORSED), walked(local, Stage.ENDORSED)
        for dossier in (shipped, renamed):
            dossier.candidate = attrs.evolve(dossier.candidate, education=EducationLevel.LITERATE)
        on, who = D(2024, 4, 9), Actor.COMPETENT_COMMITTEE
        expected = {
            f.rule_id for f in SHIPPED.law.check(shipped, Step.DECIDE_ADMISSION, on=on, actor=who)
        }
        found = {f.rule_id for f in local.law.check(renamed, DECISION, on=on, actor=who)}
        assert "education.literacy_consent" in expected
        assert found == expected

    def test_a_late_decision_is_recorded_under_the_new_code(self, local: Workflow) -> None:
        renamed = walked(local, Stage.ENDORSED)
        late = D(2024, 6, 10)
        local.advance(renamed, DECISION, on=late, actor=Actor.COMPETENT_COMMITTEE)
        (act,) = renamed.late_acts
        assert (act.rule_id, act.step, act.due) == (
            "timing.decision_deadline",
            DECISION,
            D(2024, 6, 7),
        )


def filled(code: str, dossier: Dossier, workflow: Workflow) -> dict[str, object] | list[str]:
    """The facts of form *code*, or the facts it lacks."""
    try:
        return form_fields(code, dossier, tree=TREE, signature=SIGNER, on=MEETING, law=workflow.law)
    except FormRefused as refused:
        return [fact.render("en") for fact in refused.missing]


class TestSameForms:
    """The forms find their act by the tag of its step (`Form.tag`)."""

    @pytest.mark.parametrize("code", sorted(FORMS))
    def test_every_form(self, local: Workflow, code: str) -> None:
        shipped, renamed = walked(SHIPPED), walked(local)
        expected = filled(code, shipped, SHIPPED)
        assert filled(code, renamed, local) == expected
        # The member was recognised, not refused: only the refusal's form lacks its act.
        assert isinstance(expected, dict) == (code != "khong-cong-nhan")

    def test_the_decision_form_carries_the_renamed_act(self, local: Workflow) -> None:
        renamed = walked(local)
        found = form_fields("9-KNĐ", renamed, tree=TREE, signature=SIGNER, law=local.law)
        decision = local.law.process.last_act(renamed, "admission")
        assert decision is not None
        assert decision.step == DECISION
        assert found["number"] == decision.reference
        assert found["probation_months"] == 12


class TestWalk:
    """`ketnap.testing.walk` follows the process's tags, whatever its step codes."""

    def test_the_same_path_under_other_codes(self, local: Workflow) -> None:
        shipped, renamed = walked(SHIPPED), walked(local)
        process = local.law.process
        assert [(process.rule_code(e.step), e.on, e.actor, e.target) for e in renamed.history] == [
            (e.step, e.on, e.actor, e.target) for e in shipped.history
        ]

    def test_walk_reaches_the_stage_asked(self, local: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING)
        walk(local, dossier, meeting=MEETING, until=Stage.PROBATION)
        assert dossier.stage == Stage.PROBATION

    def test_listing_the_steps_advances_nothing(self, local: Workflow) -> None:
        """The path is planned from the stage: a caller that only reads it gets every step."""
        dossier = make_dossier(meeting=MEETING)
        steps = [step for step, _on, _actor in lifecycle(dossier, meeting=MEETING, workflow=local)]
        assert dossier.stage == Stage.SOURCE_POOL
        assert DECISION in steps
        assert steps[-1] == Step.ISSUE_CARD

    def test_a_step_without_the_tag_is_no_decision(self) -> None:
        """The tag is what the walk and the dates read: a decision step without it is not one."""
        row = Transition("quyet_dinh", Stage.ENDORSED, Stage.ADMITTED, {Actor.COMPETENT_COMMITTEE})
        untagged = ADMISSION.extend(
            steps=[ProcessStep("quyet_dinh", Message(vi="x", en="x"), tags={"decision"})],
            transitions=[row, attrs.evolve(row, source=Stage.PROPOSED)],
        ).without(steps=[Step.DECIDE_ADMISSION])
        dossier = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
        walk(Workflow(process=untagged), dossier, meeting=MEETING)
        assert dossier.stage == Stage.ENDORSED
        assert untagged.admission_date(dossier) is None


# Every step whose earlier acts the rules read back, renamed (the transfer excepted).
READ_BACK = {
    Step.PROPOSE_ADMISSION: "chi_bo_de_nghi",
    Step.APPRAISE_ADMISSION: "tham_dinh",
    Step.ENDORSE: "dang_uy_xet",
    Step.PROPOSE_RECOGNITION: "chi_bo_de_nghi_chinh_thuc",
    Step.APPRAISE_RECOGNITION: "tham_dinh_chinh_thuc",
    Step.ENDORSE_RECOGNITION: "dang_uy_xet_chinh_thuc",
    Step.ESCALATE: "bao_cao_cap_tren",
}


def _renamed_read_back() -> Process:
    process = ADMISSION
    for old, new in READ_BACK.items():
        process = process.rename_step(old, new)
    return process


READ_BACK_RENAMED = _renamed_read_back()
BOTH = pytest.mark.parametrize(
    "process", [ADMISSION, READ_BACK_RENAMED], ids=["shipped", "read-back-renamed"]
)


def _decide(workflow: Workflow, dossier: Dossier, on: pendulum.Date) -> None:
    code = workflow.law.process.recorded_as(Step.DECIDE_ADMISSION)
    workflow.advance(dossier, code, on=on, actor=Actor.COMPETENT_COMMITTEE, reference="1-QĐ/HU")


class TestStepsTheRulesReadBack:
    """Rules find earlier acts under a renamed step's code (`Process.recorded_as`)."""

    def test_each_renamed_step_is_recorded_under_its_new_code(self) -> None:
        for old, new in READ_BACK.items():
            assert READ_BACK_RENAMED.recorded_as(old) == new
            assert READ_BACK_RENAMED.rule_code(new) == old
        assert READ_BACK_RENAMED.recorded_as(Step.DECIDE_ADMISSION) == Step.DECIDE_ADMISSION

    @BOTH
    def test_a_decision_after_its_term_is_a_late_act(self, process: Process) -> None:
        workflow = Workflow(process=process)
        dossier = walked(workflow, until=Stage.ENDORSED)
        term = workflow.law.policy_for(MEETING).decision_working_days
        on_time = workflow.law.calendar.add_working_days(MEETING, term)
        late = workflow.law.calendar.add_working_days(on_time, 1)
        _decide(workflow, dossier, late)
        assert [(act.rule_id, act.due) for act in dossier.late_acts] == [
            ("timing.decision_deadline", on_time)
        ]

    @BOTH
    def test_the_maximum_age_is_read_on_the_day_the_branch_resolved(self, process: Process) -> None:
        workflow = Workflow(process=process)
        dossier = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
        # 60 (720 months, both ways of counting) when the branch meets, over 60 by the
        # decision: the decision reads the age of the resolution's day.
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=D(1964, 3, 31))
        # Past the Youth Union's age, two official members sponsor (C-01).
        dossier.sponsors.append(attrs.evolve(dossier.sponsors[0], name="Lê Văn Cường"))
        walk(workflow, dossier, meeting=MEETING, until=Stage.ENDORSED)
        decided = workflow.law.calendar.add_working_days(MEETING, 45)
        assert workflow.law.age_months(dossier.candidate.birth_date, decided) == 722
        _decide(workflow, dossier, decided)
        assert dossier.stage == Stage.ADMITTED

    @BOTH
    def test_under_a_partial_committee_the_appraisals_are_seen(self, process: Process) -> None:
        workflow = Workflow(process=process)
        branch = Organization(
            name="Chi bộ Phân xưởng 2", under_base_committee=True, under_partial_committee=True
        )
        dossier = make_dossier(meeting=MEETING, organization=branch)
        for step, on, actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
            workflow.advance(dossier, step, on=on, actor=actor, reference="01-NQ")
        assert dossier.stage == Stage.CARD_ISSUED
        assert [process.rule_code(e.step) for e in dossier.history].count(
            Step.APPRAISE_RECOGNITION
        ) == 1

    @BOTH
    def test_a_base_committee_that_referred_the_case_does_not_decide_it(
        self, process: Process
    ) -> None:
        workflow = Workflow(process=process)
        law = workflow.law
        organization = Organization(
            name="Chi bộ 4", under_base_committee=True, base_committee_may_admit=True
        )
        dossier = make_dossier(meeting=MEETING, organization=organization)
        walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
        end = law.probation_end(dossier)
        assert end is not None
        on = max(end, dossier.history[-1].on)
        for i in range(3):
            add_vote(
                dossier, on.add(days=1 + i), body=Actor.BASE_COMMITTEE,
                purpose=VotePurpose.RECOGNITION, counted=9, favour=5,
            )  # fmt: skip
        on = on.add(days=5)
        workflow.advance(
            dossier, process.recorded_as(Step.ESCALATE), on=on, actor=Actor.BASE_COMMITTEE
        )
        decided = law.calendar.add_working_days(on, 5)
        add_vote(
            dossier, decided, body=Actor.BASE_COMMITTEE, purpose=VotePurpose.RECOGNITION,
            counted=9, favour=9,
        )  # fmt: skip
        recognize = process.recorded_as(Step.RECOGNIZE)
        refused = law.check(dossier, recognize, on=decided, actor=Actor.BASE_COMMITTEE)
        assert "authority.actor" in {failure.rule.id for failure in refused}
        assert not law.check(dossier, recognize, on=decided, actor=Actor.COMPETENT_COMMITTEE)

    @BOTH
    def test_the_deadlines_ahead_are_those_of_the_shipped_process(self, process: Process) -> None:
        shipped = walked(SHIPPED, until=Stage.PROPOSED)
        local = walked(Workflow(process=process), until=Stage.PROPOSED)
        on = MEETING.add(days=3)
        assert [
            comparable(d, ADMISSION) for d in deadlines_for(shipped, on=on, law=SHIPPED.law)
        ] == [
            comparable(d, process)
            for d in deadlines_for(local, on=on, law=Workflow(process=process).law)
        ]
