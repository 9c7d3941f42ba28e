"""Dossier rules: §5 documents, D-01 staleness, B-06 time in the pool, I-03."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Document,
    Stage,
    Step,
    UnionIntroduction,
    UnionKind,
    Workflow,
)
from ketnap.testing import add_vote
from tests.conftest import at_stage, prepared

D = pendulum.Date
Proposal = Callable[..., set[str]]


class TestAdmissionDocuments:
    """dossier.admission_documents: every form, dated by the meeting (§5)."""

    def test_missing_form(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow)
        del dossier.documents["5-KNĐ"]
        assert "dossier.admission_documents" in proposal(dossier, D(2024, 3, 12))

    def test_union_form_needed_only_with_union_introduction(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow)
        del dossier.documents["4-KNĐ"]
        assert "dossier.admission_documents" in proposal(dossier, D(2024, 3, 12))
        dossier.union_introduction = None
        assert "dossier.admission_documents" not in proposal(dossier, D(2024, 3, 12))

    @pytest.mark.parametrize(
        ("dated", "refused"),
        [(D(2024, 3, 11), False), (D(2024, 3, 12), False), (D(2024, 3, 13), True)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_dated_after_meeting(
        self, workflow: Workflow, proposal: Proposal, dated: D, refused: bool
    ) -> None:
        dossier = prepared(workflow)
        dossier.add_documents([Document(form="1-KNĐ", dated=dated)])
        assert ("dossier.admission_documents" in proposal(dossier, D(2024, 3, 12))) is refused


class TestFresh:
    """dossier.fresh: introduction, union resolution and comments redone after 12 months."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 11), False, id="day-before-12-months"),
            pytest.param(D(2024, 3, 12), False, id="12-months-exactly"),
            pytest.param(D(2024, 3, 13), True, id="day-after"),
        ],
    )
    def test_boundary(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = prepared(workflow)
        dossier.add_documents([Document(form="3-KNĐ", dated=D(2023, 3, 12))])
        assert ("dossier.fresh" in proposal(dossier, meeting)) is refused

    def test_application_does_not_go_stale(self, workflow: Workflow, proposal: Proposal) -> None:
        """D-01 names the introduction, union resolution and comments, not the application."""
        dossier = prepared(workflow)
        dossier.add_documents([Document(form="1-KNĐ", dated=D(2020, 1, 1))])
        assert "dossier.fresh" not in proposal(dossier, D(2024, 3, 12))


class TestPoolTime:
    """dossier.pool_time: a local minimum on the sympathiser list (B-06, U; 0 by default)."""

    @pytest.mark.parametrize(
        ("entered", "refused"),
        [(D(2022, 3, 11), False), (D(2022, 3, 12), False), (D(2022, 3, 13), True)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_local_minimum(self, workflow: Workflow, entered: D, refused: bool) -> None:
        local = workflow.using(
            workflow.law.ruleset_for(D(2024, 3, 12)).with_policy(min_pool_months=24)
        )
        dossier = prepared(workflow)
        dossier.entered_pool_on = entered
        add_vote(dossier, D(2024, 3, 12))
        failed = {
            f.rule_id
            for f in local.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert ("dossier.pool_time" in failed) is refused

    def test_default_has_no_minimum(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow)
        dossier.entered_pool_on = D(2024, 1, 1)
        assert "dossier.pool_time" not in proposal(dossier, D(2024, 3, 12))


class TestRecognitionDocuments:
    """dossier.recognition_documents: self-review, helper's comments, summary (I-03)."""

    def test_missing_self_review(
        self, workflow: Workflow, failing: Callable[..., set[str]]
    ) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = end.add(days=1)
        assert "dossier.recognition_documents" in failing(dossier, Step.PROPOSE_RECOGNITION, on)
        dossier.add_documents(Document(form=f, dated=on) for f in ("10-KNĐ", "11-KNĐ", "12-KNĐ"))
        assert "dossier.recognition_documents" not in failing(dossier, Step.PROPOSE_RECOGNITION, on)


class TestUnionAndLetters:
    """§5: the trade union's resolution is 4A-KNĐ; two sponsors mean two 3-KNĐ letters."""

    def test_a_trade_union_introduction_needs_4a(self, workflow: Workflow) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.TRADE_UNION, resolution_on=D(2024, 2, 12)
        )
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert "4A-KNĐ" in failures["dossier.admission_documents"].message("en")
        dossier.add_documents([Document(form="4A-KNĐ", dated=D(2024, 2, 12))])
        assert "dossier.admission_documents" not in {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }

    @pytest.mark.parametrize(
        ("second_letter", "refused"),
        [(None, True), (D(2024, 3, 12), False), (D(2024, 3, 13), True)],
        ids=["missing", "dated-on-the-meeting", "dated-after-the-meeting"],
    )
    def test_each_sponsor_writes_a_letter(
        self, workflow: Workflow, second_letter: D | None, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        first = attrs.evolve(dossier.sponsors[0], letter_dated=D(2024, 1, 12))
        second = attrs.evolve(first, name="Phạm Văn Em", letter_dated=second_letter)
        dossier.sponsors = [first, second]
        failed = {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert ("dossier.sponsor_letters" in failed) is refused

    def test_a_stale_letter_on_a_sponsor_goes_stale_like_the_document(
        self, workflow: Workflow
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED)
        dossier.sponsors = [attrs.evolve(dossier.sponsors[0], letter_dated=D(2023, 3, 11))]
        failed = {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert "dossier.fresh" in failed
