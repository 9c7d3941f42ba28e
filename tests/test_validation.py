"""Nothing wrong gets in: records, dossiers and policies refuse bad values where they are set."""

from __future__ import annotations

import unicodedata
from fractions import Fraction

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Approval,
    ApprovalKind,
    Document,
    Guidance,
    InvalidInput,
    Member,
    MemberStatus,
    Organization,
    Period,
    Policy,
    Relation,
    RuleSet,
    Sponsor,
    Stage,
    Workflow,
)
from ketnap.dates import DATE_MAX, DATE_MIN
from ketnap.inputs import LIMITS
from ketnap.rules.regulations import QD_24_2021, QD_294_2025
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date
NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hà")


# --- text --------------------------------------------------------------------------------------


def test_a_name_typed_in_nfd_equals_the_same_name_in_nfc() -> None:
    dossier = make_dossier(meeting=MEETING, name=NFD_NAME)
    assert dossier.candidate.name == "Nguyễn Thị Hà"
    assert dossier.candidate == make_dossier(meeting=MEETING, name="Nguyễn Thị Hà").candidate


def test_ids_that_differ_only_in_normalisation_are_one_id() -> None:
    assert make_dossier(meeting=MEETING, id="HS-Đ\u0301").id == "HS-Đ\u0301".replace(
        "Đ\u0301", unicodedata.normalize("NFC", "Đ\u0301")
    )
    assert make_dossier(meeting=MEETING, id=unicodedata.normalize("NFD", "HS-Hà")).id == "HS-Hà"


@pytest.mark.parametrize("bad", ["An\x00", "An\x1b[2J", "An\u202e", "An\ud800", "An\n"])
def test_a_name_with_a_control_or_bidi_character_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_dossier(meeting=MEETING, name=bad)
    assert caught.value.field == "name"
    assert "An" not in caught.value.reason


@pytest.mark.parametrize(
    ("length", "accepted"),
    [(LIMITS.text_chars - 1, True), (LIMITS.text_chars, True), (LIMITS.text_chars + 1, False)],
)
def test_a_name_is_bounded(length: int, accepted: bool) -> None:
    name = "A" * length
    if accepted:
        assert make_dossier(meeting=MEETING, name=name).candidate.name == name
    else:
        with pytest.raises(InvalidInput, match="longer than"):
            make_dossier(meeting=MEETING, name=name)


def test_an_id_with_an_escape_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_dossier(meeting=MEETING, id="HS-\x1b]0;x\x07")
    assert caught.value.field == "id"


def test_an_organisation_code_and_a_document_form_are_cleaned() -> None:
    assert Organization(name="Thôn 1", code=unicodedata.normalize("NFD", "XÃ-1")).code == "XÃ-1"
    with pytest.raises(InvalidInput, match="form"):
        Document(form="3-KNĐ\x00", dated=MEETING)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (DATE_MAX.subtract(days=1), True),
        (DATE_MAX, True),
        (DATE_MAX.add(days=1), False),
        (D(9999, 12, 31), False),
        (DATE_MIN, True),
        (DATE_MIN.subtract(days=1), False),
    ],
)
def test_a_record_date_must_be_within_the_covered_dates(day: pendulum.Date, accepted: bool) -> None:
    if accepted:
        assert Document(form="3-KNĐ", dated=day).dated == day
    else:
        with pytest.raises(InvalidInput, match="dated"):
            Document(form="3-KNĐ", dated=day)


# --- members and sponsors ---------------------------------------------------------------------


def test_an_official_member_without_official_since_is_refused_at_once() -> None:
    with pytest.raises(InvalidInput, match="official_since"):
        Member(name="Lê Văn Dũng", status=MemberStatus.OFFICIAL)
    assert Member(name="Lê Văn Dũng", status=MemberStatus.PROBATIONARY).official_since is None


def test_a_sponsor_listed_twice_is_refused() -> None:
    dossier = make_dossier(meeting=MEETING)
    (sponsor,) = dossier.sponsors
    with pytest.raises(InvalidInput, match="sponsors"):
        dossier.sponsors = [sponsor, sponsor]


def test_a_sponsor_appended_twice_counts_once(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.TRAINED)
    dossier.union_introduction = None  # two sponsors needed
    (sponsor,) = dossier.sponsors
    dossier.sponsors.append(sponsor)  # appending bypasses the assignment check
    failures = workflow.law.check(
        dossier, "assign_sponsors", on=MEETING.subtract(months=2), actor=Actor.BRANCH
    )
    count = [f for f in failures if f.rule_id == "sponsor.count"]
    assert count, "one person listed twice must not count as two sponsors"
    assert count[0].values["found"] == 1
    second = attrs.evolve(sponsor, name="Phạm Thị Em")
    dossier.sponsors[-1] = second
    failures = workflow.law.check(
        dossier, "assign_sponsors", on=MEETING.subtract(months=2), actor=Actor.BRANCH
    )
    assert "sponsor.count" not in [f.rule_id for f in failures]


def test_a_sponsor_needs_a_basis_from_the_vocabulary() -> None:
    with pytest.raises(InvalidInput, match="basis"):
        Sponsor(
            name="Lê Văn Dũng",
            status=MemberStatus.OFFICIAL,
            official_since=D(2010, 1, 1),
            alongside_since=D(2020, 1, 1),
            basis="neighbour",  # type: ignore[arg-type]
        )
    assert Relation.WORK in Relation


# --- the dossier as a whole --------------------------------------------------------------------


def test_replacing_the_candidate_rechecks_the_birth_date_against_the_pool() -> None:
    dossier = make_dossier(meeting=MEETING)
    born_later = attrs.evolve(dossier.candidate, birth_date=dossier.entered_pool_on)
    with pytest.raises(InvalidInput, match="birth_date"):
        dossier.candidate = born_later
    day_before = attrs.evolve(
        dossier.candidate, birth_date=dossier.entered_pool_on.subtract(days=1)
    )
    dossier.candidate = day_before
    assert dossier.candidate.birth_date == dossier.entered_pool_on.subtract(days=1)


def test_a_document_under_another_forms_key_is_refused() -> None:
    dossier = make_dossier(meeting=MEETING)
    with pytest.raises(InvalidInput, match="holds form"):
        dossier.documents = {"9-KNĐ": Document(form="1-KNĐ", dated=MEETING)}


def test_an_approval_from_the_wrong_body_does_not_hide_the_right_one() -> None:
    dossier = make_dossier(meeting=MEETING)
    wrong = Approval(kind=ApprovalKind.OVER_SIXTY, by=Actor.BRANCH, given_on=D(2024, 3, 1))
    right = Approval(
        kind=ApprovalKind.OVER_SIXTY, by=Actor.PROVINCIAL_STANDING_BOARD, given_on=D(2024, 2, 1)
    )
    dossier.approvals = [right, wrong]
    by = (Actor.PROVINCIAL_STANDING_BOARD,)
    assert dossier.approval(ApprovalKind.OVER_SIXTY, MEETING, by=by) == right
    assert dossier.approval(ApprovalKind.OVER_SIXTY, MEETING) == wrong  # any body: the latest
    dossier.approvals = [wrong]
    assert dossier.approval(ApprovalKind.OVER_SIXTY, MEETING, by=by) is None
    assert dossier.approval(ApprovalKind.OVER_SIXTY, right.given_on.subtract(days=1), by=by) is None


def test_a_card_number_in_arabic_indic_digits_is_refused(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.FULL_MEMBER)
    dossier.card_number = "01.\u0660\u0660\u0660\u0661\u0662\u0663"
    on = dossier.history[-1].on.add(days=10)
    failures = workflow.law.check(dossier, "issue_card", on=on, actor=Actor.COMPETENT_COMMITTEE)
    assert "card.number_format" in [f.rule_id for f in failures]
    dossier.card_number = "01.000123"
    failures = workflow.law.check(dossier, "issue_card", on=on, actor=Actor.COMPETENT_COMMITTEE)
    assert "card.number_format" not in [f.rule_id for f in failures]


# --- policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_pool_months": "12"}, "min_pool_months"),
        ({"min_pool_months": -1}, "min_pool_months"),
        ({"sponsor_months": 12.0}, "sponsor_months"),
        ({"probation_months": True}, "probation_months"),
        ({"decision_working_days": 10**6}, "decision_working_days"),
        ({"vote_threshold": 2}, "vote_threshold"),
        ({"vote_threshold": 0}, "vote_threshold"),
        ({"vote_threshold": 0.67}, "vote_threshold"),
        ({"committee_vote_threshold": Fraction(3, 2)}, "committee_vote_threshold"),
        ({"card_number_pattern": r"(\d"}, "card_number_pattern"),
        ({"sponsor_bases": {"work"}}, "sponsor_bases"),
        ({"min_age_months": 800}, "min_age_months"),
        ({"no_such_value": 1}, "no_such_value"),
    ],
)
def test_a_wrong_policy_value_is_refused_where_it_is_set(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        QD_24_2021.with_policy(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("threshold", "accepted"),
    [(Fraction(1), True), (Fraction(1, 1000), True), (Fraction(1001, 1000), False), ("2/3", True)],
)
def test_a_vote_threshold_is_a_share_above_zero_up_to_one(
    threshold: object, accepted: bool
) -> None:
    if accepted:
        assert 0 < Policy().with_changes(vote_threshold=threshold).vote_threshold <= 1
    else:
        with pytest.raises(InvalidInput, match="at most 1"):
            Policy().with_changes(vote_threshold=threshold)


@pytest.mark.parametrize(("months", "accepted"), [(0, True), (1_200, True), (1_201, False)])
def test_policy_months_are_bounded(months: int, accepted: bool) -> None:
    if accepted:
        assert Policy().with_changes(min_pool_months=months).min_pool_months == months
    else:
        with pytest.raises(InvalidInput, match="min_pool_months"):
            Policy().with_changes(min_pool_months=months)


# --- guidance ----------------------------------------------------------------------------------


def test_guidance_with_an_unknown_policy_name_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no_such_value"):
        Guidance(code="HD x", effective=Period(), changes={"no_such_value": 1})


def with_local_guidance() -> RuleSet:
    """QĐ 294 with a province's guidance: 12 months on the list from 1 Aug 2025."""
    local = Guidance(
        code="HD tỉnh 2025",
        effective=Period(D(2025, 8, 1)),
        changes={"min_pool_months": 12},
    )
    return attrs.evolve(QD_294_2025, guidance=(*QD_294_2025.guidance, local))


def test_a_deployment_may_give_a_regulation_its_own_guidance() -> None:
    ruleset = with_local_guidance()
    assert ruleset.policy_on(D(2025, 7, 31)).min_pool_months == 0
    assert ruleset.policy_on(D(2025, 8, 1)).min_pool_months == 12
    assert Workflow(ruleset).law.policy_for(D(2025, 8, 1)).min_pool_months == 12


def test_the_policy_of_a_day_is_the_same_asked_in_any_order() -> None:
    """A rule set remembers each day's policy; the guidance boundary still holds both ways."""
    ruleset = with_local_guidance()
    asked = [D(2025, 8, 1), D(2025, 7, 31), D(2025, 8, 2), D(2025, 7, 31), D(2025, 8, 1)]
    assert [ruleset.policy_on(day).min_pool_months for day in asked] == [12, 0, 12, 0, 12]


def test_a_rule_set_asked_thousands_of_days_still_answers_each_right() -> None:
    ruleset = with_local_guidance()
    first = D(2025, 8, 1)
    days = [first.add(days=offset) for offset in range(-5000, 5000, 2)]
    for day in days:  # more days than it remembers: it forgets and starts again
        assert ruleset.policy_on(day).min_pool_months == (12 if day >= first else 0)
