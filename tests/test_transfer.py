"""
A probationary member who transfers (issue 25, item 11; I-10).

HD 01-HD/TW 2021 §5 (read in secondary sources): the receiving branch recognises the
member, by its own vote, with the sending branch's written comments. The transfer is an
act of the process (``Step.TRANSFER``, probation to probation, by the sending branch or the
committee) with its record on the dossier (`ketnap.Transfer`); from the transfer's day the
dossier, its deadlines and the reports follow the receiving branch.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pendulum
import pytest

from ketnap import (
    ADMISSION,
    Actor,
    Dossier,
    InvalidDocument,
    InvalidInput,
    Organization,
    OrganizationTree,
    Quotas,
    SQLiteStore,
    Stage,
    Step,
    Transfer,
    TransitionRefused,
    Unit,
    Workflow,
    report,
)
from ketnap.deadlines import deadlines_for
from ketnap.derived import facts_for
from ketnap.facts import TRANSFER_OUT_EVENT, plain_facts
from ketnap.integrity import notes, verify
from ketnap.storage import dumps, loads, to_document, with_records
from ketnap.testing import clone, lifecycle, make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date
TREE = OrganizationTree(
    [
        Unit(code="H", name="Huyện", level="district"),
        Unit(code="X", name="Xã", level="base_committee", parent="H"),
        Unit(code="X.1", name="Thôn 1", level="branch", parent="X"),
        Unit(code="X.2", name="Thôn 2", level="branch", parent="X"),
        Unit(code="C", name="Trường", level="base_branch", parent="H"),
    ]
)
SENDING = TREE.organization("C")
RECEIVING = TREE.organization("X.1")
MOVED = D(2024, 8, 1)
"""The transfer's day, during the probation that began at the ceremony of 2024-04-26."""


def on_probation(workflow: Workflow, dossier_id: str = "HS-001") -> Dossier:
    dossier = make_dossier(meeting=MEETING, id=dossier_id, organization=SENDING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    return dossier


def transferred(workflow: Workflow, dossier_id: str = "HS-001") -> Dossier:
    dossier = on_probation(workflow, dossier_id)
    workflow.transfer(
        dossier, RECEIVING, on=MOVED, actor=Actor.BRANCH, reference="15-GGT",
        comments_on=MOVED.subtract(days=3),
    )  # fmt: skip
    return dossier


class TestTheStep:
    """The transfer is a step of the process from probation back to probation."""

    def test_it_leads_from_probation_to_probation_by_the_branch_or_the_committee(self) -> None:
        row = ADMISSION.row(Stage.PROBATION, Step.TRANSFER)
        assert row is not None
        assert (row.target, row.actors) == (
            Stage.PROBATION,
            frozenset({Actor.BRANCH, Actor.COMPETENT_COMMITTEE}),
        )

    def test_only_a_probationary_member_transfers(self, workflow: Workflow) -> None:
        dossier = make_dossier(meeting=MEETING, organization=SENDING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.ADMITTED)
        with pytest.raises(TransitionRefused) as refused:
            workflow.transfer(dossier, RECEIVING, on=MOVED, actor=Actor.BRANCH)
        assert {f.rule_id for f in refused.value.failures} == {"workflow.step_available"}
        assert (dossier.organization, dossier.transfers) == (SENDING, [])

    def test_the_dossier_is_with_the_receiving_branch_and_the_history_shows_both(
        self, workflow: Workflow
    ) -> None:
        dossier = transferred(workflow)
        entry = dossier.history[-1]
        assert (entry.step, entry.source, entry.target, entry.on, entry.reference) == (
            Step.TRANSFER, Stage.PROBATION, Stage.PROBATION, MOVED, "15-GGT",
        )  # fmt: skip
        assert dossier.organization == RECEIVING
        assert dossier.transfers == [
            Transfer(on=MOVED, from_branch=SENDING, to_branch=RECEIVING, reference="15-GGT",
                     comments_on=MOVED.subtract(days=3))
        ]  # fmt: skip
        assert [note.render("en") for note in notes(dossier)] == [
            "Transfer of the probationary member on 2024-08-01: from Trường to Thôn 1"
        ]
        verify(dossier)

    def test_the_probation_goes_on_to_the_same_end(self, workflow: Workflow) -> None:
        dossier = transferred(workflow)
        assert str(workflow.law.probation_end(dossier)) == "2025-04-26"
        walk(workflow, dossier, meeting=MEETING)
        assert dossier.stage == Stage.CARD_ISSUED

    def test_a_transfer_to_the_same_branch_is_not_a_transfer(self, workflow: Workflow) -> None:
        dossier = on_probation(workflow)
        with pytest.raises(InvalidInput, match="to_branch"):
            workflow.transfer(dossier, SENDING, on=MOVED, actor=Actor.BRANCH)


def recognition_ready(workflow: Workflow, dossier: Dossier) -> D:
    """Record what the branch's recognition resolution needs; return the day lifecycle gives it."""
    for step, day, _actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
        if step == Step.PROPOSE_RECOGNITION:
            return day
    raise AssertionError


RECOGNITION = D(2025, 5, 7)
"""lifecycle's recognition meeting: 5 working days after probation ends (Sat 26 Apr 2025;
30 April and 1 May are holidays)."""


class TestDeadlinesAndReportsFollowTheBranch:
    """From the transfer's day the receiving branch holds the dossier in every count."""

    def test_deadlines_name_the_receiving_branch(self, workflow: Workflow) -> None:
        dossier = transferred(workflow)
        found = deadlines_for(dossier, on=MOVED.add(days=1), law=workflow.law)
        assert found
        assert {d.organization_code for d in found} == {"X.1"}

    def test_each_event_belongs_to_the_branch_of_its_day(self, workflow: Workflow) -> None:
        dossier = transferred(workflow)
        events = plain_facts(dossier).events
        assert [(e.kind, e.unit) for e in events if e.kind != "awareness_certificate"] == [
            (Step.COMPLETE_TRAINING, "C"),
            (Step.ASSIGN_SPONSORS, "C"),
            (Step.PROPOSE_ADMISSION, "C"),
            (Step.DECIDE_ADMISSION, "C"),
            (Step.HOLD_CEREMONY, "C"),
            (Step.TRANSFER, "X.1"),
            (TRANSFER_OUT_EVENT, "C"),
        ]

    @pytest.mark.parametrize(
        ("on", "sending", "receiving"),
        [(MOVED.subtract(days=1), 1, 0), (MOVED, 0, 1), (MOVED.add(days=1), 0, 1)],
        ids=["day-before-the-transfer", "its-day", "day-after"],
    )
    def test_the_probationary_member_is_counted_in_one_branch_at_a_time(
        self, workflow: Workflow, on: D, sending: int, receiving: int
    ) -> None:
        dossier = transferred(workflow)
        quotas = Quotas({("X", 2024): 2, ("C", 2024): 1})
        with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
            store.save_tree(TREE)
            store.save(clone(dossier, dossier.id))
            counts = {
                unit: report(store, TREE, quotas, unit=unit, year=2024, on=on)
                for unit in ("C", "X.1", "H")
            }
        assert counts["C"].stages[Stage.PROBATION] == sending
        assert counts["X.1"].stages[Stage.PROBATION] == receiving
        assert counts["H"].stages[Stage.PROBATION] == 1
        for unit in ("C", "X.1", "H"):
            assert sum(counts[unit].stages.values()) == {"C": sending, "X.1": receiving}.get(
                unit, 1
            ), unit
        # The admission stays the sending branch's: it admitted the member.
        assert (counts["C"].admitted, counts["X.1"].admitted) == (1, 0)

    def test_a_store_keeps_and_verifies_the_events_of_both_branches(
        self, workflow: Workflow
    ) -> None:
        dossier = transferred(workflow)
        with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
            store.save_tree(TREE)
            store.save(dossier)
            assert store.verify() == []
            # Saved again further along: the events under both branches are replaced.
            walk(workflow, dossier, meeting=MEETING)
            store.save(dossier)
            assert store.verify() == []
            on = D(2025, 12, 31)
            quotas = Quotas({("X", 2025): 2, ("C", 2025): 1})
            recognised = report(store, TREE, quotas, unit="X.1", year=2025, on=on)
            left = report(store, TREE, quotas, unit="C", year=2025, on=on)
        assert recognised.recognitions == 1
        assert recognised.stages[Stage.CARD_ISSUED] == 1
        assert sum(left.stages.values()) == 0


class TestDocuments:
    """The transfers are written with the dossier and checked when it loads."""

    def test_a_transferred_dossier_loads_back_equal(self, workflow: Workflow) -> None:
        dossier = transferred(workflow)
        again = loads(dumps(dossier))
        assert (again.transfers, again.organization) == (dossier.transfers, dossier.organization)

    def test_a_dossier_that_never_moved_writes_no_transfers(self, workflow: Workflow) -> None:
        assert "transfers" not in to_document(on_probation(workflow))["dossier"]

    def test_a_transfer_act_without_its_record_does_not_load(self, workflow: Workflow) -> None:
        dossier = transferred(workflow)
        document = to_document(dossier)
        del document["dossier"]["transfers"]
        from ketnap.storage import from_document  # noqa: PLC0415

        with pytest.raises(InvalidDocument, match=r"\$\.dossier\.transfers"):
            from_document(document)

    def test_the_record_of_the_next_transfer_may_come_first(self, workflow: Workflow) -> None:
        """Records come before the act, as in a journal: one transfer may wait for its act."""
        dossier = on_probation(workflow)
        record = Transfer(on=MOVED, from_branch=SENDING, to_branch=RECEIVING)
        waiting = with_records(
            dossier,
            {
                "transfers": [to_document_part(record)],
                "organization": to_document_part(RECEIVING),
            },
        )
        assert waiting.transfers == [record]
        workflow.advance(waiting, Step.TRANSFER, on=MOVED, actor=Actor.BRANCH)
        verify(waiting)


def to_document_part(value: object) -> object:
    """*value* as a document holds it."""
    from ketnap.storage._converter import _CONVERTER  # noqa: PLC0415

    return _CONVERTER.unstructure(value)


def test_an_organization_may_be_a_plain_branch(workflow: Workflow) -> None:
    """A transfer between branches known only by name, without a tree."""
    dossier = make_dossier(meeting=MEETING, organization=Organization(name="Chi bộ Thôn Đông"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    workflow.transfer(
        dossier, Organization(name="Chi bộ Thôn Tây"), on=MOVED, actor=Actor.COMPETENT_COMMITTEE
    )
    assert {e.unit for e in plain_facts(dossier).events} == {"Chi bộ Thôn Đông", "Chi bộ Thôn Tây"}


def test_an_edited_transferred_dossier_is_one_problem_not_two(tmp_path: Path) -> None:
    """The sending branch's events of a dossier that fails its check are not orphans too."""
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.save(transferred(Workflow()))
    db = sqlite3.connect(path)
    (text,) = db.execute("SELECT document FROM dossiers").fetchone()
    document = json.loads(text)
    document["dossier"]["stage"] = str(Stage.SOURCE_POOL)
    db.execute("UPDATE dossiers SET document = ?", (json.dumps(document, ensure_ascii=False),))
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        problems = store.verify()
    assert [(p.kind, p.dossier_id) for p in problems] == [("dossier", "HS-001")]
