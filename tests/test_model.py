"""Structural validation of the domain model: clear errors naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    ADMISSION,
    Actor,
    Candidate,
    Dossier,
    EducationLevel,
    InvalidInput,
    Kinship,
    LeavingReason,
    Message,
    Organization,
    PriorMembership,
    Relative,
    Sex,
    Stage,
    Step,
    Vote,
    VotePurpose,
    Workflow,
)
from ketnap.model.labels import LabelledEnum, register_labels
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

D = pendulum.Date


def candidate(**changes: Any) -> Candidate:
    base = Candidate(name="Trần Văn Khoa", birth_date=D(2000, 1, 1), education="lower_secondary")
    return attrs.evolve(base, **changes)


class TestCandidate:
    def test_education_by_value_or_name(self) -> None:
        assert candidate(education="upper_secondary").education is EducationLevel.UPPER_SECONDARY
        assert candidate(education="PRIMARY").education is EducationLevel.PRIMARY

    def test_unknown_education(self) -> None:
        with pytest.raises(InvalidInput) as info:
            candidate(education="bachelor")
        assert info.value.field == "education"
        assert "lower_secondary" in str(info.value)

    def test_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="education"):
            candidate(education=7)

    def test_empty_name(self) -> None:
        with pytest.raises(InvalidInput, match="name"):
            candidate(name="  ")

    def test_datetime_birth_date(self) -> None:
        with pytest.raises(InvalidInput, match="birth_date"):
            candidate(birth_date=pendulum.datetime(2000, 1, 1))

    def test_plain_date_is_converted(self) -> None:
        assert isinstance(candidate(birth_date=dt.date(2000, 1, 1)).birth_date, pendulum.Date)

    def test_wrong_enum_member(self) -> None:
        with pytest.raises(InvalidInput) as info:
            Relative(name="A", kinship="cousin")  # type: ignore[arg-type]
        assert info.value.field == "kinship"


class TestDossier:
    def test_birth_after_entering_the_pool(self) -> None:
        with pytest.raises(InvalidInput) as info:
            Dossier(
                id="HS-9",
                candidate=candidate(birth_date=D(2024, 5, 1)),
                organization=Organization(name="Chi bộ"),
                entered_pool_on=D(2024, 4, 1),
            )
        assert info.value.field == "candidate.birth_date"

    def test_act_before_birth(self) -> None:
        dossier = make_dossier(meeting=D(2024, 3, 12))
        with pytest.raises(InvalidInput) as info:
            Workflow().law.check(
                dossier, Step.COMPLETE_TRAINING, on=D(1990, 1, 1), actor=Actor.BRANCH
            )
        assert info.value.field == "on"

    def test_dossiers_compare_by_identity(self) -> None:
        """Two dossiers with the same data are still two dossiers."""
        a = make_dossier(meeting=D(2024, 3, 12))
        b = make_dossier(meeting=D(2024, 3, 12))
        assert a != b
        assert a == a  # noqa: PLR0124


class TestVote:
    @pytest.mark.parametrize(
        ("counted", "favour", "field"),
        [(-1, 0, "members_counted"), (5, -1, "in_favour"), (5, 6, "in_favour")],
    )
    def test_counts(self, counted: int, favour: int, field: str) -> None:
        with pytest.raises(InvalidInput) as info:
            Vote(
                body=Actor.BRANCH,
                purpose=VotePurpose.ADMISSION,
                held_on=D(2024, 1, 1),
                members_counted=counted,
                in_favour=favour,
            )
        assert info.value.field == field


class TestPriorMembership:
    def test_left_before_admitted(self) -> None:
        with pytest.raises(InvalidInput, match="first_decision_on"):
            PriorMembership(
                first_decision_on=D(2010, 1, 1),
                left_on=D(2009, 1, 1),
                reason=LeavingReason.TRANSFER_LAPSE,
            )

    def test_record_cleared_before_leaving(self) -> None:
        with pytest.raises(InvalidInput, match="left_on"):
            PriorMembership(
                first_decision_on=D(2000, 1, 1),
                left_on=D(2009, 1, 1),
                reason=LeavingReason.CONVICTED_LESS_SERIOUS_CRIME,
                record_cleared_on=D(2008, 1, 1),
            )


def test_labels_exist_for_every_member() -> None:
    """Every stage, step, actor and other labelled member speaks both languages."""
    for kind in _labelled_enums():
        for member in kind:
            assert member.message.vi, member
            assert member.message.en, member
    # Stages and steps are the process's codes now: the process labels every one of them.
    for stage in ADMISSION.stages:
        assert stage.label.vi, stage.code
        assert stage.label.en, stage.code
    for step in ADMISSION.steps:
        assert step.label.vi, step.code
        assert step.label.en, step.code
    assert Kinship.SPOUSE.text("en") == "Spouse"


@pytest.mark.parametrize("given", [Stage.PREPARED, "prepared"], ids=["member", "code"])
def test_a_stage_given_as_an_enumeration_member_is_kept_as_its_plain_code(
    given: str, workflow: Workflow
) -> None:
    # A Stage member handed to the engine used to be looked up by its name ("PREPARED")
    # and fail with a raw ValueError; the dossier keeps the plain code whatever it is given.
    dossier = attrs.evolve(make_dossier(meeting=MEETING), stage=given)
    assert type(dossier.stage) is str
    assert dossier.stage == "prepared"
    dossier = make_dossier(meeting=MEETING)
    dossier.stage = Stage.SOURCE_POOL
    assert type(dossier.stage) is str
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)  # the engine takes it
    assert dossier.stage == "proposed"


def _labelled_enums() -> list[type[LabelledEnum]]:
    found: list[type[LabelledEnum]] = []
    pending: list[type[LabelledEnum]] = list(LabelledEnum.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def test_members_of_two_enumerations_sharing_a_value_keep_their_own_labels() -> None:
    # "removed" is a stage and a reason for leaving; each keeps its own words.
    assert Stage.REMOVED.text("en") != LeavingReason.REMOVED.text("en")
    assert Stage.REMOVED.text("en") == "Removed from the probationary list"
    for kind in _labelled_enums():
        for member in kind:
            assert member.message.vi, (kind.__name__, member)


def test_a_label_table_of_two_enumerations_is_refused() -> None:
    with pytest.raises(ValueError, match="one table per enumeration"):
        register_labels({Stage.REMOVED: Message(vi="a", en="a"), Sex.MALE: Message(vi="b", en="b")})
