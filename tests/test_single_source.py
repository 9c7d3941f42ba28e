"""
Each fact in one place: the disagreements issue 10 found, pinned so they cannot return.

- ``Policy.probation_months`` is read by every date that depends on probation.
- "Youth" is one answer, in the sponsorship rule and in the report's composition.
- The planner plans with the windows of the rules in force, so a replaced or added
  time-bound rule is planned correctly (a hypothesis property over generated dossiers
  and rule sets).
"""

from __future__ import annotations

import attrs
import hypothesis.strategies as st
import pendulum
import pytest
from hypothesis import given, settings

from ketnap import (
    QD_24_2021,
    Actor,
    AgeCounting,
    Context,
    Dossier,
    Failure,
    Family,
    MemberStatus,
    Message,
    Rule,
    RuleSet,
    Stage,
    Step,
    Window,
    Workflow,
    deadlines_for,
    due_list,
    plan,
    rule,
)
from ketnap.dates import add_months, first_day_with_calendar_months
from ketnap.deadlines import RECOGNITION_RESOLUTION, DeadlineStatus
from ketnap.derived import derive_facts
from ketnap.rules.sponsorship import required_union
from ketnap.terms import is_youth
from ketnap.testing import make_dossier, walk

MEETING = pendulum.date(2022, 3, 15)


def _probation_workflow(months: int) -> Workflow:
    return Workflow(QD_24_2021.with_policy(probation_months=months))


class TestProbationMonths:
    """An 18-month probation policy ends probation after 18 months everywhere."""

    def _on_probation(self, workflow: Workflow) -> tuple[pendulum.Date, pendulum.Date]:
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
        ceremony = dossier.ceremony_date
        assert ceremony is not None
        self.dossier = dossier
        return ceremony, add_months(ceremony, 18)

    def test_dossier_dates_follow_the_policy(self) -> None:
        workflow = _probation_workflow(18)
        ceremony, end = self._on_probation(workflow)
        assert workflow.law.probation_end(self.dossier) == end
        assert end != add_months(ceremony, 12)

    def test_the_branch_may_consider_recognition_the_day_after_18_months(self) -> None:
        workflow = _probation_workflow(18)
        _ceremony, end = self._on_probation(workflow)
        step, actor = Step.PROPOSE_RECOGNITION, Actor.BRANCH
        twelve = workflow.law.check(self.dossier, step, on=end.subtract(months=6), actor=actor)
        assert "timing.probation_complete" in {f.rule_id for f in twelve}
        on_last_day = workflow.law.check(self.dossier, step, on=end, actor=actor)
        assert "timing.probation_complete" in {f.rule_id for f in on_last_day}
        day_after = workflow.law.check(self.dossier, step, on=end.add(days=1), actor=actor)
        assert "timing.probation_complete" not in {f.rule_id for f in day_after}

    def test_deadlines_and_due_list_count_18_months(self) -> None:
        workflow = _probation_workflow(18)
        ceremony, end = self._on_probation(workflow)
        found = {d.rule_id: d for d in deadlines_for(self.dossier, on=ceremony, law=workflow.law)}
        assert found["timing.probation_complete"].due == end.add(days=1)
        assert found["timing.probation_complete"].waiting
        assert "18 tháng" in found["timing.probation_complete"].label.render("vi")
        resolution = workflow.law.calendar.add_working_days(end, 30)
        assert found[RECOGNITION_RESOLUTION].due == resolution
        feed = due_list([self.dossier], on=end, within=30, law=workflow.law)
        assert [(i.deadline.rule_id, i.deadline.due) for i in feed.due] == [
            (RECOGNITION_RESOLUTION, resolution)
        ]
        late = deadlines_for(self.dossier, on=resolution.add(days=1), law=workflow.law)
        assert {d.rule_id: d.status for d in late}[RECOGNITION_RESOLUTION] is (
            DeadlineStatus.MISSED
        )

    def test_planner_and_report_facts_count_18_months(self) -> None:
        workflow = _probation_workflow(18)
        ceremony, end = self._on_probation(workflow)
        found = plan(workflow.law, self.dossier, Step.PROPOSE_RECOGNITION, on=ceremony)
        assert found.earliest == end.add(days=1)
        derived = derive_facts(self.dossier, workflow.law)
        assert derived.next_due == workflow.law.calendar.add_working_days(end, 30)

    def test_the_whole_lifecycle_runs_on_18_months(self) -> None:
        workflow = _probation_workflow(18)
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING)
        assert dossier.stage == Stage.CARD_ISSUED
        recognition = dossier.last_act(Step.PROPOSE_RECOGNITION)
        ceremony = dossier.ceremony_date
        assert recognition is not None
        assert ceremony is not None
        assert recognition.on > add_months(ceremony, 18)


class TestYouthIsOneAnswer:
    """Born 14 Apr 1993: the rule and the report agree on the boundary days."""

    BIRTH = pendulum.date(1993, 4, 14)

    def _decided(self, workflow: Workflow, meeting: pendulum.Date) -> bool:
        dossier = make_dossier(meeting=meeting)
        walk(workflow, dossier, meeting=meeting, until=Stage.ADMITTED)
        decision = dossier.admission_decision_date
        assert decision is not None
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=self.BIRTH)
        context = workflow.law.context(
            dossier, Step.PROPOSE_ADMISSION, on=decision, actor=Actor.BRANCH
        )
        rule_says = required_union(context) is not None
        report_says = derive_facts(dossier, workflow.law).youth_at_admission
        assert rule_says == report_says == is_youth(self.BIRTH, decision, context.policy)
        self.decision = decision
        return report_says

    def test_9_april_2024_is_not_youth_age_in_rule_or_report(self) -> None:
        workflow = Workflow()
        policy = workflow.law.policy_for(pendulum.date(2024, 4, 9))
        assert not is_youth(self.BIRTH, pendulum.date(2024, 4, 9), policy)
        assert is_youth(self.BIRTH, pendulum.date(2024, 3, 31), policy)

    @pytest.mark.parametrize(
        ("meeting", "expected"),
        [
            pytest.param(pendulum.date(2024, 1, 31), True, id="decided-in-march-2024"),
            pytest.param(pendulum.date(2024, 3, 15), False, id="decided-in-april-2024"),
        ],
    )
    def test_rule_and_report_agree(self, meeting: pendulum.Date, expected: bool) -> None:
        assert self._decided(Workflow(), meeting) is expected

    @pytest.mark.parametrize(
        ("on", "youth"),
        [
            pytest.param(pendulum.date(2024, 3, 31), True, id="day-before"),
            pytest.param(pendulum.date(2024, 4, 1), False, id="day-of"),
            pytest.param(pendulum.date(2024, 4, 2), False, id="day-after"),
        ],
    )
    def test_boundary_by_calendar_months(self, on: pendulum.Date, youth: bool) -> None:
        policy = Workflow().law.policy_for(on)
        assert policy.age_counting is AgeCounting.CALENDAR_MONTHS
        assert first_day_with_calendar_months(self.BIRTH, 31 * 12) == pendulum.date(2024, 4, 1)
        assert is_youth(self.BIRTH, on, policy) is youth


# --- the planner asks the rules: a property over dossiers and rule sets -----------------------


def _local_min_age(years: int) -> Rule:
    """A replacement of age.minimum with its own window: *years* by the birthday."""

    def window(context: Context) -> list[Window]:
        birth = context.dossier.candidate.birth_date
        return [
            Window(
                label=Message(vi="Đủ {y} tuổi", en="{y} years old").bind(y=years),
                holds_from=add_months(birth, years * 12),
            )
        ]

    @rule(
        id="age.minimum",
        family=Family.AGE,
        ref="A-01 (local)",
        clause="Hướng dẫn của tỉnh ủy",
        message=Message(vi="Chưa đủ {y} tuổi", en="Under {y}"),
        steps={Step.PROPOSE_ADMISSION},
        window=window,
    )
    def minimum(context: Context) -> dict[str, object] | None:
        birth = context.dossier.candidate.birth_date
        return None if context.on >= add_months(birth, years * 12) else {"y": years}

    return minimum


def _local_pool_rule(months: int) -> Rule:
    """An added time-bound rule: *months* on the sympathiser list, with its window."""

    def window(context: Context) -> list[Window]:
        ready = add_months(context.dossier.entered_pool_on, months)
        return [Window(label=Message(vi="Đủ thời gian", en="Long enough"), holds_from=ready)]

    @rule(
        id="local.pool_months",
        family=Family.DOSSIER,
        ref="B-06 (local)",
        clause="Hướng dẫn của tỉnh ủy",
        message=Message(vi="Chưa đủ {m} tháng", en="Under {m} months"),
        steps={Step.PROPOSE_ADMISSION},
        window=window,
    )
    def pool(context: Context) -> dict[str, object] | None:
        ready = add_months(context.dossier.entered_pool_on, months)
        return None if context.on >= ready else {"m": months}

    return pool


@st.composite
def rulesets(draw: st.DrawFn) -> RuleSet:
    ruleset = QD_24_2021.with_policy(
        min_age_months=draw(st.integers(200, 240)),
        max_age_months=draw(st.integers(600, 780)),
        age_counting=draw(st.sampled_from(AgeCounting)),
        sponsor_months=draw(st.integers(0, 30)),
        certificate_validity_months=draw(st.integers(12, 72)),
        dossier_validity_months=draw(st.integers(6, 36)),
        min_pool_months=draw(st.integers(0, 24)),
    )
    if draw(st.booleans()):
        ruleset = ruleset.replace(_local_min_age(draw(st.integers(18, 22))))
    if draw(st.booleans()):
        ruleset = ruleset.add(_local_pool_rule(draw(st.integers(0, 36))))
    return ruleset


@st.composite
def prepared_dossiers(draw: st.DrawFn) -> tuple[Workflow, Dossier, pendulum.Date]:
    workflow = Workflow(draw(rulesets()))
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PREPARED)
    months = st.integers(-40, 40)
    sponsor = dossier.sponsors[0]
    dossier.sponsors[0] = attrs.evolve(
        sponsor,
        alongside_since=add_months(MEETING, -abs(draw(months))),
        # Mostly official: a probationary sponsor never holds, which ends the plan early.
        status=draw(st.sampled_from([MemberStatus.OFFICIAL] * 5 + [MemberStatus.PROBATIONARY])),
    )
    dossier.candidate = attrs.evolve(
        dossier.candidate,
        birth_date=add_months(MEETING, -draw(st.integers(200, 740))).add(
            days=draw(st.integers(0, 27))
        ),
        over_sixty_grounds=draw(st.booleans()),
    )
    certificate = dossier.certificates[0]
    dossier.certificates[0] = attrs.evolve(
        certificate, issued_on=add_months(MEETING, -draw(st.integers(0, 60)))
    )
    on = MEETING.add(days=draw(st.integers(0, 200)))
    return workflow, dossier, on


def _windowed(failures: tuple[Failure, ...]) -> set[str]:
    return {f.rule_id for f in failures if f.rule.window is not None}


@settings(max_examples=150, deadline=None)
@given(prepared_dossiers())
def test_the_earliest_day_passes_every_time_bound_rule_and_the_day_before_does_not(
    case: tuple[Workflow, Dossier, pendulum.Date],
) -> None:
    """For any rule set, the planner's earliest day is exactly where the windows open."""
    workflow, dossier, on = case
    step, actor = Step.PROPOSE_ADMISSION, Actor.BRANCH
    found = plan(workflow.law, dossier, step, on=on)
    for requirement in found.requirements:
        assert requirement.text("vi")
        assert requirement.text("en")
    if found.earliest is None:
        assert found.blocking, "a plan with no date names what blocks it"
        return
    at = workflow.law.check(dossier, step, on=found.earliest, actor=actor)
    assert not _windowed(at), [f.text("en") for f in at]
    assert {f.rule_id for f in found.not_planned} == {
        f.rule_id for f in at if f.rule.window is None
    }
    if found.earliest > on:
        before = found.earliest.subtract(days=1)
        failed = workflow.law.check(dossier, step, on=before, actor=actor)
        assert _windowed(failed), "the day before the earliest fails a time-bound rule"


def test_a_replaced_rule_is_planned_by_its_own_window() -> None:
    """The custom_rules example's case: age.minimum replaced, candidate born 20 Nov 2007."""
    ruleset = QD_24_2021.replace(_local_min_age(20)).renamed("24+local")
    workflow = Workflow(ruleset)
    meeting = pendulum.date(2027, 12, 1)
    dossier = make_dossier(meeting=meeting)
    walk(Workflow(), dossier, meeting=meeting, until=Stage.PREPARED)
    dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.date(2007, 11, 20))
    found = plan(workflow.law, dossier, on=pendulum.date(2027, 10, 5))
    assert found.earliest == pendulum.date(2027, 11, 20)
    assert found.limiting is not None
    assert found.limiting.rule_id == "age.minimum"
    step, actor = Step.PROPOSE_ADMISSION, Actor.BRANCH
    before = workflow.law.check(dossier, step, on=pendulum.date(2027, 11, 19), actor=actor)
    assert "age.minimum" in {f.rule_id for f in before}
    on_day = workflow.law.check(dossier, step, on=pendulum.date(2027, 11, 20), actor=actor)
    assert "age.minimum" not in {f.rule_id for f in on_day}


def test_a_rule_without_a_window_is_reported_not_planned() -> None:
    """A replaced time-bound rule that declares no window is named, not ignored."""

    @rule(
        id="age.minimum",
        family=Family.AGE,
        ref="A-01 (local)",
        clause="Hướng dẫn của tỉnh ủy",
        message=Message(vi="Chưa đủ 20 tuổi", en="Under 20"),
        steps={Step.PROPOSE_ADMISSION},
    )
    def minimum(context: Context) -> dict[str, object] | None:
        birth = context.dossier.candidate.birth_date
        return None if context.on >= add_months(birth, 240) else {}

    workflow = Workflow(QD_24_2021.replace(minimum))
    meeting = pendulum.date(2025, 11, 1)
    dossier = make_dossier(meeting=meeting)
    walk(Workflow(), dossier, meeting=meeting, until=Stage.PREPARED)
    dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.date(2007, 11, 20))
    found = plan(workflow.law, dossier, on=meeting)
    assert found.earliest == meeting
    assert "age.minimum" in {f.rule_id for f in found.not_planned}
    assert "chưa lập kế hoạch" in found.text("vi")


def test_an_extended_decision_term_is_labelled_with_its_extension() -> None:
    """The deadline's label states the term its due date counts: 60 + 30 with an extension."""
    from ketnap import Approval, ApprovalKind  # noqa: PLC0415

    workflow = Workflow()
    meeting = pendulum.date(2024, 3, 12)
    dossier = make_dossier(meeting=meeting)
    walk(workflow, dossier, meeting=meeting, until=Stage.PROPOSED)
    plain = {d.rule_id: d for d in deadlines_for(dossier, on=meeting, law=workflow.law)}
    assert "60 working days" in plain["timing.decision_deadline"].label.render("en")
    dossier.approvals.append(
        Approval(
            kind=ApprovalKind.DECISION_EXTENSION, by=Actor.COMPETENT_COMMITTEE, given_on=meeting
        )
    )
    extended = {d.rule_id: d for d in deadlines_for(dossier, on=meeting, law=workflow.law)}
    deadline = extended["timing.decision_deadline"]
    assert deadline.due == workflow.law.calendar.add_working_days(meeting, 90)
    assert "90 ngày làm việc" in deadline.label.render("vi")
