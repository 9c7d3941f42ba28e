"""Adopting dossiers in progress (issue 13, item 1): open at any stage from the known acts."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    AdoptionRefused,
    Dossier,
    InvalidDocument,
    InvalidInput,
    KnownAct,
    Remade,
    RemakeReason,
    SQLiteStore,
    Stage,
    Step,
    Workflow,
)
from ketnap.deadlines import RECOGNITION_RESOLUTION, deadlines_for
from ketnap.integrity import notes, verify
from ketnap.storage import dumps, loads, to_document
from ketnap.terms import party_age_months
from ketnap.testing import lifecycle, make_dossier
from tests.conftest import MEETING
from tests.storage.test_histories import rechain

ADOPTED = pendulum.Date(2026, 1, 5)


def known(workflow: Workflow, until: str) -> tuple[Dossier, list[KnownAct]]:
    """A dossier with its records, and the acts that took it to *until*, not yet recorded."""
    dossier = make_dossier(meeting=MEETING)
    acts: list[KnownAct] = []
    # lifecycle records each act's prerequisites before naming it: read, do not advance.
    stages: dict[str, str] = {
        Step.COMPLETE_TRAINING: Stage.TRAINED,
        Step.ASSIGN_SPONSORS: Stage.PREPARED,
        Step.PROPOSE_ADMISSION: Stage.PROPOSED,
        Step.DECIDE_ADMISSION: Stage.ADMITTED,
        Step.HOLD_CEREMONY: Stage.PROBATION,
        Step.PROPOSE_RECOGNITION: Stage.RECOGNITION_PROPOSED,
        Step.RECOGNIZE: Stage.FULL_MEMBER,
        Step.ISSUE_CARD: Stage.CARD_ISSUED,
    }
    for step, on, actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
        acts.append(KnownAct(step=step, on=on, actor=actor, reference=f"{len(acts) + 1}-QĐ"))
        if stages[step] == until:
            break
    return dossier, acts


def test_a_probationary_member_is_opened_at_probation(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    entries = workflow.adopt(dossier, acts, adopted_on=ADOPTED)
    assert dossier.stage == Stage.PROBATION
    assert [e.step for e in entries] == [a.step for a in acts]
    assert {e.adopted_on for e in entries} == {ADOPTED}
    assert entries[3].reference == "4-QĐ"
    verify(dossier)
    assert loads(dumps(dossier)).history == dossier.history
    # Deadlines are right from the first day: the recognition resolution after probation.
    due = {d.rule_id: d for d in deadlines_for(dossier, on=ADOPTED, law=workflow.law)}
    end = workflow.law.probation_end(dossier)
    assert end is not None
    resolution = due[RECOGNITION_RESOLUTION]
    assert resolution.due == workflow.law.calendar.add_working_days(end, 30)


def test_a_full_member_has_a_party_age_from_the_first_day(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.CARD_ISSUED)
    workflow.adopt(dossier, acts, adopted_on=ADOPTED)
    assert dossier.stage == Stage.CARD_ISSUED
    decided = dossier.admission_decision_date
    assert decided is not None
    assert party_age_months(dossier, decided.add(years=1), process=workflow.law.process) == 12


def test_every_failure_of_every_act_is_reported_and_nothing_changes(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    dossier.votes.clear()  # the branch's vote was not recorded
    dossier.certificates.clear()  # nor the certificate
    before = dossier.stage
    with pytest.raises(AdoptionRefused) as refused:
        workflow.adopt(dossier, acts, adopted_on=ADOPTED)
    failed = {(index, f.rule_id) for index, f in refused.value.failures}
    assert (2, "vote.branch_admission") in failed  # the proposal, third act
    assert any(rule == "certificate.awareness" for _index, rule in failed)
    assert dossier.stage == before
    assert dossier.history == []
    assert "[2] " in refused.value.text("en")


def test_an_act_out_of_order_is_refused(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    with pytest.raises(AdoptionRefused) as refused:
        workflow.adopt(dossier, [acts[0], acts[3]], adopted_on=ADOPTED)
    assert [(i, f.rule_id) for i, f in refused.value.failures] == [(1, "workflow.step_available")]


def test_a_late_decision_is_adopted_as_late(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.ADMITTED)
    late = workflow.law.calendar.add_working_days(acts[2].on, 65)
    acts[3] = attrs.evolve(acts[3], on=late)
    workflow.adopt(dossier, acts, adopted_on=ADOPTED)
    (act,) = dossier.late_acts
    assert (act.step, act.on) == (Step.DECIDE_ADMISSION, late)


@pytest.mark.parametrize(("days", "refused"), [(-1, True), (0, False)])
def test_acts_are_entered_on_or_after_their_date(
    workflow: Workflow, days: int, refused: bool
) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    adopted_on = acts[-1].on.add(days=days)
    if refused:
        with pytest.raises(InvalidInput, match="after the adoption day"):
            workflow.adopt(dossier, acts, adopted_on=adopted_on)
    else:
        workflow.adopt(dossier, acts, adopted_on=adopted_on)
        assert dossier.stage == Stage.PROPOSED


def test_only_a_dossier_without_history_is_adopted(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    workflow.adopt(dossier, acts, adopted_on=ADOPTED)
    with pytest.raises(InvalidInput, match="history"):
        workflow.adopt(dossier, acts, adopted_on=ADOPTED)


def test_an_adopted_entry_after_a_live_one_is_refused_on_load(workflow: Workflow) -> None:
    live = make_dossier(meeting=MEETING)
    for step, on, actor in lifecycle(live, meeting=MEETING, workflow=workflow):
        workflow.advance(live, step, on=on, actor=actor)
        if live.stage == Stage.PREPARED:
            break
    # Re-chain: first a live entry, then an adopted one.
    second = attrs.evolve(live.history[1], adopted_on=ADOPTED)
    rechained = rechain(live, [live.history[0], second])
    with pytest.raises(InvalidDocument, match=r"history\[1\]\.adopted_on"):
        verify(rechained)


def test_a_known_act_checks_its_fields() -> None:
    with pytest.raises(InvalidInput, match="on"):
        KnownAct(step=Step.COMPLETE_TRAINING, on="2024-01-01", actor=Actor.BRANCH)
    with pytest.raises(InvalidInput, match="actor"):
        KnownAct(step=Step.COMPLETE_TRAINING, on=MEETING, actor="mayor")
    with pytest.raises(InvalidInput, match="reference"):
        KnownAct(step=Step.COMPLETE_TRAINING, on=MEETING, actor=Actor.BRANCH, reference="a\x1b")


def test_a_dossier_whose_stage_was_set_by_hand_is_not_adopted(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    dossier.stage = Stage.PROBATION
    with pytest.raises(InvalidInput, match="initial stage"):
        workflow.adopt(dossier, acts, adopted_on=ADOPTED)


def bare(dossier: Dossier) -> Dossier:
    """The same candidate with none of the records kept on paper: no votes, papers, sponsors."""
    return attrs.evolve(
        dossier,
        sponsors=[],
        votes=[],
        certificates=[],
        documents={},
        verification=None,
        helper=None,
        probation_helper=None,
    )


PAPER = ("vote", "sponsor", "certificate", "dossier", "verification")


def test_without_records_an_adoption_names_each_missing_condition(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    with pytest.raises(AdoptionRefused) as caught:
        workflow.adopt(bare(dossier), acts, adopted_on=ADOPTED)
    assert {"vote.branch_admission", "sponsor.count"} <= {
        f.rule_id for _, f in caught.value.failures
    }


def test_conditions_attested_on_paper_are_written_on_their_entries(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    member = bare(dossier)
    entries = workflow.adopt(member, acts, adopted_on=ADOPTED, attested=PAPER)
    assert member.stage == Stage.PROBATION
    proposal = entries[2]
    assert proposal.step == Step.PROPOSE_ADMISSION
    assert {"vote.branch_admission", "sponsor.count"} <= set(proposal.attested)
    assert "certificate.awareness" in {rule for e in entries for rule in e.attested}
    # The decision does not re-check the proposal on what was attested for it.
    assert "workflow.proposal_conditions" not in entries[3].attested
    assert loads(dumps(member)).history == member.history


def test_an_attested_family_does_not_hide_other_failures(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROBATION)
    young = bare(dossier)
    young.candidate = attrs.evolve(young.candidate, birth_date=MEETING.subtract(years=17))
    with pytest.raises(AdoptionRefused) as caught:
        workflow.adopt(young, acts, adopted_on=ADOPTED, attested=PAPER)
    # Under 18 at the meeting: the proposal fails, and the decision's re-check with it.
    assert {f.rule_id for _, f in caught.value.failures} == {
        "age.minimum",
        "workflow.proposal_conditions",
    }


def test_a_single_rule_id_can_be_attested(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    dossier.votes.clear()
    entries = workflow.adopt(dossier, acts, adopted_on=ADOPTED, attested=["vote.branch_admission"])
    assert entries[-1].attested == ("vote.branch_admission",)
    assert all(not entry.attested for entry in entries[:-1])


def test_attested_entries_are_chained_and_only_adopted_ones_may_say_so(
    workflow: Workflow,
) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    dossier.votes.clear()
    workflow.adopt(dossier, acts, adopted_on=ADOPTED, attested=["vote"])
    forged = attrs.evolve(dossier.history[-1], attested=())
    dossier.history[-1] = attrs.evolve(forged, digest=dossier.history[-1].digest)
    with pytest.raises(InvalidDocument):
        verify(dossier)  # the digest covers what was attested
    live = make_dossier(meeting=MEETING)
    for step, on, actor in lifecycle(live, meeting=MEETING, workflow=workflow):
        workflow.advance(live, step, on=on, actor=actor)
        break
    rechain(live, [attrs.evolve(live.history[0], attested=("vote.branch_admission",))])
    with pytest.raises(InvalidDocument, match="only an adopted act is attested"):
        verify(live)


# --- papers lost and re-made (issue 25, item 13: J-03, M-08) ----------------------------------


def lost_decision(workflow: Workflow) -> tuple[Dossier, list[KnownAct], pendulum.Date]:
    """A member on probation whose admission decision is lost: the card's date stands for it."""
    dossier, acts = known(workflow, Stage.PROBATION)
    card_date = acts[4].on  # the admission date on the party card (ngày vào Đảng)
    acts[3] = attrs.evolve(acts[3], on=card_date, reference=None)
    dossier.decision_received_on = card_date
    return dossier, acts, card_date


def test_a_lost_decision_is_adopted_on_the_card_s_date_and_said_so(workflow: Workflow) -> None:
    dossier, acts, card_date = lost_decision(workflow)
    remade = Remade(
        on=ADOPTED.subtract(days=10),
        reason=RemakeReason.LOST_DECISION,
        confirmed_by=Actor.COMPETENT_COMMITTEE,
        reference="25-BC/HU",
    )
    workflow.adopt(dossier, acts, adopted_on=ADOPTED, remade=remade)
    assert dossier.remade == remade
    assert dossier.party_age_start == card_date  # J-03: party age counts from it
    assert [note.render("en") for note in notes(dossier)] == [
        (
            "Dossier re-made on 2025-12-26 — Admission decision lost (the admission date on "
            "the party card stands for it); confirmed by Competent committee, no. 25-BC/HU"
        ),
        "5 acts adopted from paper on 2026-01-05; conditions taken on the office's word: —",
    ]
    again = loads(dumps(dossier))
    assert again.remade == remade


@pytest.mark.parametrize(
    ("days", "refused"),
    [(-1, True), (0, False), (1, False)],
    ids=["day-before-the-decision", "decision-day", "day-after"],
)
def test_a_lost_decision_is_re_made_after_the_decision_it_stands_for(
    workflow: Workflow, days: int, refused: bool
) -> None:
    dossier, acts, card_date = lost_decision(workflow)
    remade = Remade(
        on=card_date.add(days=days),
        reason=RemakeReason.LOST_DECISION,
        confirmed_by=Actor.COMPETENT_COMMITTEE,
    )
    if refused:
        with pytest.raises(InvalidInput, match="remade"):
            workflow.adopt(dossier, acts, adopted_on=ADOPTED, remade=remade)
        assert (dossier.history, dossier.remade) == ([], None)
    else:
        workflow.adopt(dossier, acts, adopted_on=ADOPTED, remade=remade)
        assert dossier.remade == remade


def test_a_lost_decision_needs_the_decision_among_the_acts(workflow: Workflow) -> None:
    dossier, acts = known(workflow, Stage.PROPOSED)
    remade = Remade(
        on=ADOPTED, reason=RemakeReason.LOST_DECISION, confirmed_by=Actor.COMPETENT_COMMITTEE
    )
    with pytest.raises(InvalidInput, match="holds none"):
        workflow.adopt(dossier, acts, adopted_on=ADOPTED, remade=remade)


def test_a_lost_dossier_re_made_on_a_confirmed_report_verifies_and_says_so(
    workflow: Workflow,
) -> None:
    dossier, acts = known(workflow, Stage.CARD_ISSUED)
    remade = Remade(
        on=ADOPTED,
        reason=RemakeReason.LOST_DOSSIER,
        confirmed_by=Actor.BASE_COMMITTEE,
        reference="07-BC/ĐU",
    )
    member = bare(dossier)
    workflow.adopt(member, acts, adopted_on=ADOPTED, attested=PAPER, remade=remade)
    with SQLiteStore(":memory:") as store:
        store.save(member)
        assert store.verify() == []  # reported, not refused
        kept = store.load(member.id)
    assert kept.remade == remade
    assert notes(kept)[0].render("vi").startswith("Hồ sơ được lập lại ngày 05/01/2026 — Mất hồ sơ")


def test_a_dossier_kept_from_the_start_has_nothing_to_note(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING)
    for step, on, actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
        workflow.advance(dossier, step, on=on, actor=actor)
    assert notes(dossier) == ()
    assert "remade" not in to_document(dossier)["dossier"]
