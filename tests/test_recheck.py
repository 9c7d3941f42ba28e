"""
The decision re-checks the branch's proposal (issue 25, item 5).

At the decision, ``workflow.proposal_conditions`` re-reads the rules that guarded the
proposal, as of the branch meeting (`ketnap.Law` builds that context). The records are
those that stood at the meeting, plus the changes the texts allow since, each judged on
its own day: a sponsor who can no longer follow the candidate is replaced by another
official member (C-08, QĐ 24 §3.2.2), whose own letter comes after the meeting. Facts
corrected since (a birth date) still count back to the meeting.
"""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    MemberStatus,
    Relation,
    Sponsor,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
)
from ketnap.law import records_on
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date
DECIDED = D(2024, 4, 5)
ORIGINAL = "Lê Văn Dũng"
REPLACEMENT = "Phạm Văn Em"


def proposed_with_letters(workflow: Workflow) -> Dossier:
    """A dossier proposed on MEETING whose sponsor wrote a letter (3-KNĐ) before it."""
    dossier = make_dossier(meeting=MEETING)
    dossier.sponsors = [
        attrs.evolve(sponsor, letter_dated=MEETING.subtract(days=30))
        for sponsor in dossier.sponsors
    ]
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    return dossier


LONG_OFFICIAL = D(2015, 1, 1)


def replace_sponsor(
    dossier: Dossier, letter: D, *, official_since: D = LONG_OFFICIAL, replaces: str = ORIGINAL
) -> None:
    """Record a replacement for the original sponsor, with its own letter dated *letter*."""
    dossier.sponsors.append(
        Sponsor(
            name=REPLACEMENT,
            status=MemberStatus.OFFICIAL,
            official_since=official_since,
            alongside_since=D(2024, 3, 1),  # not 12 months: a replacement need not be (C-08)
            basis=Relation.WORK,
            replaces=replaces,
            letter_dated=letter,
        )
    )


def failed(workflow: Workflow, dossier: Dossier, on: D = DECIDED) -> set[str]:
    failures = workflow.law.check(
        dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE
    )
    return {f.rule_id for f in failures}


def rechecked(workflow: Workflow, dossier: Dossier, on: D = DECIDED) -> list[str]:
    """The proposal's rules that fail again at the decision on *on*."""
    failures = workflow.law.check(
        dossier, Step.DECIDE_ADMISSION, on=on, actor=Actor.COMPETENT_COMMITTEE
    )
    found = [f for f in failures if f.rule_id == "workflow.proposal_conditions"]
    return list(found[0].values["rules"]) if found else []  # type: ignore[call-overload]


class TestSponsorReplacedAfterTheMeeting:
    """C-08: a sponsor replaced after the meeting does not undo the branch's proposal."""

    def test_the_decision_is_taken_with_the_replacement(self, workflow: Workflow) -> None:
        """The case of the issue: replaced after the meeting, then decided."""
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=D(2024, 3, 25))
        workflow.advance(
            dossier, Step.DECIDE_ADMISSION, on=DECIDED, actor=Actor.COMPETENT_COMMITTEE
        )
        assert dossier.stage == Stage.ADMITTED

    @pytest.mark.parametrize(
        "letter",
        [MEETING, MEETING.add(days=1), DECIDED, DECIDED.add(days=1)],
        ids=["letter-on-the-meeting", "day-after-the-meeting", "on-the-decision", "after-it"],
    )
    def test_a_replacement_with_its_own_letter_passes_whenever_it_is_dated(
        self, workflow: Workflow, letter: D
    ) -> None:
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=letter)
        assert "workflow.proposal_conditions" not in failed(workflow, dossier)

    @pytest.mark.parametrize(
        ("official_since", "refused"),
        [
            (D(2024, 3, 24), False),
            (D(2024, 3, 25), False),
            (D(2024, 3, 26), True),
        ],
        ids=["official-the-day-before-the-letter", "official-on-its-day", "official-after-it"],
    )
    def test_the_replacement_is_an_official_member_on_the_day_of_its_letter(
        self, workflow: Workflow, official_since: D, refused: bool
    ) -> None:
        """The change the texts allow is judged on its own day, by the sponsor rules."""
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=D(2024, 3, 25), official_since=official_since)
        assert ("sponsor.official" in rechecked(workflow, dossier)) is refused

    def test_a_replacement_of_nobody_on_the_dossier_is_refused(self, workflow: Workflow) -> None:
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=D(2024, 3, 25), replaces="Người không có trong hồ sơ")
        assert "sponsor.replacement" in rechecked(workflow, dossier)

    @pytest.mark.parametrize(
        ("born", "refused"),
        [(D(2006, 3, 1), False), (D(2006, 4, 1), True)],
        ids=["18-at-the-meeting", "18-only-by-the-decision"],
    )
    def test_a_birth_date_corrected_since_is_still_counted_at_the_meeting(
        self, workflow: Workflow, born: D, refused: bool
    ) -> None:
        """The replacement does not hide a fact corrected since the meeting."""
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=D(2024, 3, 25))
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=born)
        assert ("age.minimum" in rechecked(workflow, dossier)) is refused

    def test_the_branch_could_not_have_proposed_on_the_later_letter(
        self, workflow: Workflow
    ) -> None:
        """At the meeting itself a letter dated after it is missing (dossier.sponsor_letters)."""
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
        late = MEETING.add(days=1)
        dossier.sponsors = [attrs.evolve(s, letter_dated=late) for s in dossier.sponsors]
        add_vote(dossier, MEETING)
        with pytest.raises(TransitionRefused) as refused:
            workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
        assert "dossier.sponsor_letters" in {f.rule_id for f in refused.value.failures}


class TestRecordsOn:
    """`ketnap.law.records_on`: the records as they stood on a day."""

    def test_a_replacement_after_the_day_is_not_yet_in_office(self, workflow: Workflow) -> None:
        dossier = proposed_with_letters(workflow)
        replace_sponsor(dossier, letter=D(2024, 3, 25))
        assert [s.name for s in records_on(dossier, MEETING).sponsors] == [ORIGINAL]
        assert [s.name for s in records_on(dossier, D(2024, 3, 25)).sponsors] == [
            ORIGINAL,
            REPLACEMENT,
        ]
        assert len(dossier.sponsors) == 2  # never changed

    def test_nothing_to_roll_back_gives_the_dossier_itself(self, workflow: Workflow) -> None:
        dossier = proposed_with_letters(workflow)
        assert records_on(dossier, MEETING) is dossier
