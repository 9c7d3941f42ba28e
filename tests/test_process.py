"""
The process as data: building, deriving and running another admission process.

A derived process (a local stage added, endorsement removed) is validated when built,
run by the shared transitions machine, guarded by rules that name its step codes,
checked by the integrity chain, stored, counted by the store and told to hooks.
"""

from __future__ import annotations

import pendulum
import pytest

from ketnap import (
    ADMISSION,
    QD_24_2021,
    Actor,
    Context,
    Document,
    Dossier,
    Family,
    InvalidDocument,
    InvalidInput,
    InvalidWorkflow,
    Message,
    Organization,
    OrganizationTree,
    Process,
    ProcessStage,
    ProcessStep,
    Quotas,
    SQLiteStore,
    Stage,
    Step,
    StepEvent,
    Transition,
    TransitionRefused,
    Unit,
    VotePurpose,
    Workflow,
    deadlines_for,
    report,
    rule,
)
from ketnap.derived import facts_for
from ketnap.integrity import verify
from ketnap.storage import dumps, loads
from ketnap.testing import add_vote, assert_refused, make_dossier, walk

MEETING = pendulum.date(2024, 3, 12)
LOCAL_STAGE = "youth_committee_endorsed"
LOCAL_STEP = "youth_committee_vote"


def _youth_vote_process() -> Process:
    return ADMISSION.extend(
        stages=[
            ProcessStage(
                LOCAL_STAGE,
                Message(vi="Ban chấp hành đoàn đã biểu quyết", en="Youth committee voted"),
                tags={"pipeline"},
            )
        ],
        steps=[
            ProcessStep(
                LOCAL_STEP,
                Message(vi="Ban chấp hành đoàn biểu quyết", en="Youth committee vote"),
            )
        ],
        transitions=[
            Transition(LOCAL_STEP, Stage.PREPARED, LOCAL_STAGE, {Actor.BRANCH}),
            Transition(Step.PROPOSE_ADMISSION, LOCAL_STAGE, Stage.PROPOSED, {Actor.BRANCH}),
            Transition(Step.WITHDRAW, LOCAL_STAGE, Stage.WITHDRAWN, {Actor.BRANCH}),
        ],
    ).without(transitions=[(Stage.PREPARED, Step.PROPOSE_ADMISSION)])


@rule(
    id="local.youth_committee_minutes",
    family=Family.DOSSIER,
    ref="C-02 (local)",
    clause="Hướng dẫn của tỉnh ủy",
    message=Message(vi="Chưa có biên bản của ban chấp hành đoàn", en="No youth committee minutes"),
    steps={LOCAL_STEP},
)
def youth_minutes(context: Context) -> dict[str, object] | None:
    """The youth committee's minutes are in the dossier."""
    return None if "BB-ĐOÀN" in context.dossier.documents else {}


class TestBuilding:
    def test_the_shipped_process_answers_by_tags(self) -> None:
        assert ADMISSION.initial == "source_pool"
        assert ADMISSION.final == {"card_issued", "refused", "withdrawn", "removed"}
        assert ADMISSION.stages_tagged("awaiting_decision") == {"proposed", "endorsed"}
        assert ADMISSION.steps_tagged("admission") == {"decide_admission"}

    def test_a_stage_nothing_leads_to_is_refused(self) -> None:
        lonely = ProcessStage("lonely", Message(vi="x", en="x"), final=True)
        with pytest.raises(InvalidWorkflow, match="unreachable from source_pool: lonely"):
            ADMISSION.extend(stages=[lonely])

    def test_a_stage_with_no_way_out_is_refused(self) -> None:
        hold = ProcessStage("on_hold", Message(vi="Tạm dừng", en="On hold"))
        pause = ProcessStep("pause", Message(vi="Tạm dừng", en="Pause"))
        row = Transition("pause", Stage.PREPARED, "on_hold", {Actor.BRANCH})
        with pytest.raises(InvalidWorkflow, match="no way out: on_hold"):
            ADMISSION.extend(stages=[hold], steps=[pause], transitions=[row])

    def test_a_row_naming_an_unknown_step_is_refused(self) -> None:
        row = Transition("no_such_step", Stage.PREPARED, Stage.PROPOSED, {Actor.BRANCH})
        with pytest.raises(InvalidWorkflow, match="unknown step 'no_such_step'"):
            ADMISSION.extend(transitions=[row])

    def test_removing_a_name_the_process_lacks_is_refused(self) -> None:
        with pytest.raises(InvalidWorkflow, match="not in this process: typo"):
            ADMISSION.without(stages=["typo"])

    def test_a_step_leaving_a_final_stage_is_refused(self) -> None:
        row = Transition(Step.WITHDRAW, Stage.REFUSED, Stage.WITHDRAWN, {Actor.BRANCH})
        with pytest.raises(InvalidWorkflow, match="final stage refused"):
            ADMISSION.extend(transitions=[row])

    def test_a_duplicate_stage_code_is_refused(self) -> None:
        twin = ProcessStage(Stage.TRAINED, Message(vi="x", en="x"))
        with pytest.raises(InvalidWorkflow, match="stage code appears twice"):
            ADMISSION.extend(stages=[twin])

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            pytest.param(
                lambda: ProcessStage("x", "label"),  # type: ignore[arg-type]
                "label",
                id="label-not-a-message",
            ),
            pytest.param(
                lambda: ProcessStage("x", Message(vi="x", en="x"), tags="pipeline"),
                "tags",
                id="tags-a-lone-string",
            ),
            pytest.param(lambda: ProcessStep("", Message(vi="x", en="x")), "code", id="empty"),
            pytest.param(
                lambda: Transition("s", "a", "b", {"branch"}),  # type: ignore[arg-type]
                "actors",
                id="actor-not-a-member",
            ),
        ],
    )
    def test_a_malformed_part_names_its_field(self, build: object, field: str) -> None:
        with pytest.raises(InvalidWorkflow, match=f"^{field}:"):
            build()  # type: ignore[operator]

    def test_extending_with_an_existing_row_reroutes_it(self) -> None:
        process = _youth_vote_process()
        assert process.row(Stage.PREPARED, Step.PROPOSE_ADMISSION) is None
        row = process.row(LOCAL_STAGE, Step.PROPOSE_ADMISSION)
        assert row is not None
        assert row.target == Stage.PROPOSED


class TestRunningADerivedProcess:
    def _workflow(self, events: list[StepEvent] | None = None) -> Workflow:
        rules = QD_24_2021.add(youth_minutes).renamed("24+youth")
        after = [events.append] if events is not None else []
        return Workflow(rules, process=_youth_vote_process(), after=after)

    def test_the_local_step_is_guarded_by_its_own_rule(self) -> None:
        workflow = self._workflow()
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        with pytest.raises(TransitionRefused) as refused:
            workflow.advance(dossier, LOCAL_STEP, on=MEETING, actor=Actor.BRANCH)
        assert [f.rule_id for f in refused.value.failures] == ["local.youth_committee_minutes"]
        assert "Ban chấp hành đoàn biểu quyết" in refused.value.text("vi")
        assert dossier.stage == Stage.PREPARED

    def test_a_dossier_walks_through_the_local_stage_and_verifies(self) -> None:
        events: list[StepEvent] = []
        workflow = self._workflow(events)
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        with pytest.raises(TransitionRefused) as skipped:
            workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        assert [f.rule_id for f in skipped.value.failures] == ["workflow.step_available"]
        assert "Youth committee vote" in skipped.value.text("en")
        dossier.add_documents([Document(form="BB-ĐOÀN", dated=MEETING)])
        workflow.advance(dossier, LOCAL_STEP, on=MEETING, actor=Actor.BRANCH)
        add_vote(dossier, MEETING)
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        assert dossier.stage == Stage.PROPOSED
        assert [e.step for e in events][-2:] == [LOCAL_STEP, Step.PROPOSE_ADMISSION]
        assert events[-1].entry is dossier.history[-1]
        verify(dossier, process=workflow.law.process, regulations=workflow.law.regulations)
        with pytest.raises(InvalidDocument, match="no step 'youth_committee_vote'"):
            verify(dossier, regulations=workflow.law.regulations)

    def test_a_document_with_a_stage_the_process_lacks_is_refused_on_load(self) -> None:
        workflow = self._workflow()
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        dossier.add_documents([Document(form="BB-ĐOÀN", dated=MEETING)])
        workflow.advance(dossier, LOCAL_STEP, on=MEETING, actor=Actor.BRANCH)
        text = dumps(dossier)
        assert (
            loads(text, process=workflow.law.process, regulations=workflow.law.regulations).stage
            == LOCAL_STAGE
        )
        with pytest.raises(InvalidDocument, match=r"\$\.dossier\.stage: unknown stage"):
            loads(text)

    def test_the_store_counts_the_local_stage(self) -> None:
        workflow = self._workflow()
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        dossier.add_documents([Document(form="BB-ĐOÀN", dated=MEETING)])
        workflow.advance(dossier, LOCAL_STEP, on=MEETING, actor=Actor.BRANCH)
        with SQLiteStore(
            ":memory:",
            process=workflow.law.process,
            regulations=workflow.law.regulations,
            facts=facts_for(workflow.law),
        ) as store:
            store.save(dossier)
            assert store.load(dossier.id).stage == LOCAL_STAGE
            figures = store.figures(
                branches=None,
                units=None,
                start=pendulum.date(2024, 1, 1),
                on=pendulum.date(2024, 12, 31),
                year_end=pendulum.date(2024, 12, 31),
            )
        assert figures.stages[LOCAL_STAGE] == 1

    def test_deadlines_reach_past_the_local_stage(self) -> None:
        workflow = self._workflow()
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        found = {d.rule_id for d in deadlines_for(dossier, on=MEETING, law=workflow.law)}
        assert {"certificate.awareness_valid", "dossier.fresh"} <= found


class TestBaseBranchProcess:
    """A process without endorsement, for branches directly under a district committee."""

    def test_decision_follows_the_proposal(self) -> None:
        process = ADMISSION.without(stages=[Stage.ENDORSED])
        workflow = Workflow(process=process)
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING)
        assert dossier.stage == Stage.CARD_ISSUED
        assert Stage.ENDORSED not in {e.target for e in dossier.history}

    def test_an_unknown_step_code_is_invalid_input(self) -> None:
        workflow = Workflow(process=ADMISSION.without(stages=[Stage.ENDORSED]))
        dossier = make_dossier(meeting=MEETING)
        with pytest.raises(InvalidInput, match="unknown step 'endorse'"):
            workflow.law.check(dossier, Step.ENDORSE, on=MEETING, actor=Actor.BASE_COMMITTEE)


class TestHooks:
    def test_a_before_hook_that_raises_leaves_the_dossier_unchanged(self) -> None:
        def veto(event: StepEvent) -> None:
            if event.step == Step.PROPOSE_ADMISSION:
                msg = "the register is closed"
                raise RuntimeError(msg)

        workflow = Workflow(before=[veto])
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        history = list(dossier.history)
        add_vote(dossier, MEETING)
        with pytest.raises(RuntimeError, match="register is closed"):
            workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        assert dossier.stage == Stage.PREPARED
        assert dossier.history == history

    def test_hooks_run_only_for_steps_that_passed(self) -> None:
        seen: list[tuple[str, str, str]] = []
        workflow = Workflow(
            before=[lambda e: seen.append(("before", e.step, str(e.entry)))],
            after=[lambda e: seen.append(("after", e.step, e.target))],
        )
        dossier = make_dossier(meeting=MEETING)
        with pytest.raises(TransitionRefused):
            workflow.advance(dossier, Step.ISSUE_CARD, on=MEETING, actor=Actor.COMPETENT_COMMITTEE)
        assert seen == []
        walk(workflow, dossier, meeting=MEETING, until=Stage.TRAINED)
        assert seen == [
            ("before", "complete_training", "None"),
            ("after", "complete_training", "trained"),
        ]


def _recognition_proposed(workflow: Workflow, organization: Organization) -> Dossier:
    dossier = make_dossier(meeting=MEETING, organization=organization)
    walk(workflow, dossier, meeting=MEETING, until=Stage.RECOGNITION_PROPOSED)
    return dossier


def _committee_votes(
    workflow: Workflow, dossier: Dossier, count: int, *, favour: int = 5
) -> pendulum.Date:
    """Record *count* base committee votes on recognition, of 9 members; return the next day."""
    on = dossier.history[-1].on
    for _ in range(count):
        on = workflow.law.calendar.add_working_days(on, 2)
        add_vote(
            dossier,
            on,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.RECOGNITION,
            counted=9,
            favour=favour,
        )
    return workflow.law.calendar.add_working_days(on, 1)


UNDER_BASE = Organization(name="Chi bộ 3", under_base_committee=True)


class TestBaseCommitteeReferral:
    """
    F-09, QĐ 29 §4.2c: a base committee short of two thirds three times reports upward,
    and the competent committee decides; before the third, the case stays with it.
    """

    def test_two_failed_committee_votes_leave_the_case_with_the_committee(self) -> None:
        workflow = Workflow()
        dossier = _recognition_proposed(workflow, UNDER_BASE)
        on = _committee_votes(workflow, dossier, 2)
        assert_refused(
            workflow, dossier, Step.ESCALATE, on=on, actor=Actor.BASE_COMMITTEE,
            rules={"vote.referral"},
        )  # fmt: skip
        assert_refused(
            workflow, dossier, Step.RECOGNIZE, on=on, actor=Actor.COMPETENT_COMMITTEE,
            rules={"authority.base_committee_route"},
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("decision", "stage"),
        [(Step.RECOGNIZE, Stage.FULL_MEMBER), (Step.REMOVE, Stage.REMOVED)],
        ids=["recognised", "removed"],
    )
    def test_three_failed_committee_votes_go_to_the_competent_committee(
        self, decision: Step, stage: Stage
    ) -> None:
        workflow = Workflow()
        dossier = _recognition_proposed(workflow, UNDER_BASE)
        on = _committee_votes(workflow, dossier, 3)
        workflow.advance(dossier, Step.ESCALATE, on=on, actor=Actor.BASE_COMMITTEE)
        assert dossier.stage == Stage.ESCALATED
        decided = workflow.law.calendar.add_working_days(on, 5)
        workflow.advance(dossier, decision, on=decided, actor=Actor.COMPETENT_COMMITTEE)
        assert dossier.stage == stage
        verify(dossier, process=workflow.law.process, regulations=workflow.law.regulations)


class TestRecognitionRefused:
    """
    QĐ 29 §4.3.1: "Việc đồng ý hoặc không đồng ý, phải thông báo kết quả cho chi bộ".

    The competent committee may not agree to a recognition: the name is removed from the
    probationary list (I-05, I-06), on the same term as an approval.
    """

    def test_the_refusal_removes_the_name(self) -> None:
        workflow = Workflow()
        dossier = _recognition_proposed(workflow, Organization(name="Chi bộ cơ sở"))
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        workflow.advance(dossier, Step.REFUSE_RECOGNITION, on=on, actor=Actor.COMPETENT_COMMITTEE)
        process = workflow.law.process
        assert dossier.stage == Stage.REMOVED
        assert process.is_final(dossier.stage)
        assert dossier.stage in process.stages_tagged("exit")
        assert [e.step for e in process.acts(dossier, "removal")] == [Step.REFUSE_RECOGNITION]
        assert process.acts(dossier, "recognition") == ()
        assert workflow.law.probation_end(dossier) is not None
        assert dossier.late_acts == []
        loaded = loads(dumps(dossier), process=process, regulations=workflow.law.regulations)
        assert loaded.stage == Stage.REMOVED

    def test_the_removed_stage_is_where_a_removal_ends_too(self) -> None:
        """One exit stage for both removals: no new stage code for documents to know."""
        rows = [
            row
            for row in ADMISSION.transitions
            if row.step in {Step.REMOVE, Step.REFUSE_RECOGNITION}
        ]
        assert {row.target for row in rows} == {Stage.REMOVED}
        assert {row.source for row in rows if row.step == Step.REFUSE_RECOGNITION} == {
            Stage.RECOGNITION_PROPOSED,
            Stage.RECOGNITION_ENDORSED,
        }

    @pytest.mark.parametrize(
        ("days_after_due", "late"),
        [(0, False), (1, True)],
        ids=["on-the-last-day", "the-day-after"],
    )
    def test_the_recognition_term_applies_to_the_refusal(
        self, days_after_due: int, late: bool
    ) -> None:
        workflow = Workflow()
        dossier = _recognition_proposed(workflow, Organization(name="Chi bộ cơ sở"))
        due = workflow.law.calendar.add_working_days(dossier.history[-1].on, 30)
        on = workflow.law.calendar.add_working_days(due, days_after_due)
        workflow.advance(dossier, Step.REFUSE_RECOGNITION, on=on, actor=Actor.COMPETENT_COMMITTEE)
        assert dossier.stage == Stage.REMOVED
        recorded = [(a.rule_id, a.due) for a in dossier.late_acts]
        assert recorded == ([("timing.recognition_decision_deadline", due)] if late else [])

    def test_the_deadline_ahead_is_the_same_for_either_answer(self) -> None:
        workflow = Workflow()
        dossier = _recognition_proposed(workflow, Organization(name="Chi bộ cơ sở"))
        on = dossier.history[-1].on
        found = [
            d for d in deadlines_for(dossier, on=on, law=workflow.law)
            if d.rule_id == "timing.recognition_decision_deadline"
        ]  # fmt: skip
        assert [d.due for d in found] == [workflow.law.calendar.add_working_days(on, 30)]

    def test_reports_count_the_refusal_as_a_removal(self) -> None:
        workflow = Workflow()
        tree = OrganizationTree(
            [
                Unit(code="H", name="Huyện", level="district"),
                Unit(code="C", name="Trường", level="base_branch", parent="H"),
            ]
        )
        dossier = _recognition_proposed(workflow, tree.organization("C"))
        on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 10)
        workflow.advance(dossier, Step.REFUSE_RECOGNITION, on=on, actor=Actor.COMPETENT_COMMITTEE)
        with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
            store.save(dossier)
            found = report(store, tree, Quotas({}), unit="H", year=on.year, on=on)
        assert (found.removals, found.recognitions) == (1, 0)
        assert found.stages[Stage.REMOVED] == 1
