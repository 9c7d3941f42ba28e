"""The JSON Schema: generated from the model, shipped, and true of every document ketnap writes."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from ketnap import (
    ADMISSION,
    Actor,
    Dossier,
    InvalidDocument,
    Organization,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
)
from ketnap.storage import from_document, to_document
from ketnap.storage.schema import json_schema, schema_text, shipped_schema
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.storage.strategies import dossiers

VALIDATOR = jsonschema.Draft202012Validator(
    json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def test_the_shipped_file_is_the_generated_schema() -> None:
    """Regenerate with: python -m ketnap.storage.schema > src/ketnap/storage/dossier.schema.json"""
    assert shipped_schema() == json_schema()
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert schema_text().endswith("}\n")


def _walked(stage: str, organization: Organization) -> Dossier:
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=organization)
    walk(workflow, dossier, meeting=MEETING, until=stage)
    return dossier


_ENDORSEMENTS = {Stage.ENDORSED, Stage.RECOGNITION_ENDORSED}
_STAGES = [
    (stage.code, under_base)
    for stage in ADMISSION.stages
    if "exit" not in stage.tags
    for under_base in (False, True)
    if under_base or stage.code not in _ENDORSEMENTS  # a base branch has no endorsement
]


@pytest.mark.parametrize(("stage", "under_base"), _STAGES)
def test_every_stage_writes_a_valid_document(stage: str, under_base: bool) -> None:
    organization = Organization(name="Chi bộ 1", code="X.1", under_base_committee=under_base)
    VALIDATOR.validate(to_document(_walked(stage, organization)))


def test_late_acts_and_refusals_are_in_the_schema() -> None:
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    late = workflow.law.calendar.add_working_days(MEETING, 70)
    try:
        workflow.advance(dossier, Step.HOLD_CEREMONY, on=late, actor=Actor.BRANCH)
    except TransitionRefused as refused:
        workflow.record_refusal(dossier, refused)
    workflow.advance(dossier, Step.DECIDE_ADMISSION, on=late, actor=Actor.COMPETENT_COMMITTEE)
    assert dossier.late_acts
    assert dossier.refusals
    VALIDATOR.validate(to_document(dossier))


@given(dossiers())
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_dossier_writes_a_valid_document(dossier: Dossier) -> None:
    VALIDATOR.validate(to_document(dossier))


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["dossier"].update(nickname="An"),
        lambda d: d["dossier"]["candidate"].update(birth_date="12/01/1999"),
        lambda d: d["dossier"]["votes"][0].update(members_counted="12"),
        lambda d: d["dossier"]["candidate"].update(education="university"),
        lambda d: d["dossier"].pop("candidate"),
    ],
    ids=["unknown-field", "date-format", "string-count", "unknown-level", "missing-candidate"],
)
def test_what_the_schema_refuses_the_loader_refuses(edit: Any) -> None:
    document = to_document(_walked(Stage.PROPOSED, Organization(name="Chi bộ 1")))
    edited = copy.deepcopy(document)
    edit(edited)
    assert not VALIDATOR.is_valid(edited)
    with pytest.raises(InvalidDocument):
        from_document(edited)
