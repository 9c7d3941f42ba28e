"""JSON documents: exact round trips, strict types, one error naming the path, migrations."""

from __future__ import annotations

import json
from typing import Any

import pendulum
import pytest

from ketnap import DocumentFormat, Dossier, InvalidDocument, Stage, TamperedHistory, Workflow
from ketnap.storage import SCHEMA, SCHEMA_VERSION, dumps, from_document, loads, to_document
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING


@pytest.fixture
def document(workflow: Workflow) -> dict[str, Any]:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    return to_document(dossier)


def test_a_document_holds_the_schema_its_version_and_plain_json(document: dict[str, Any]) -> None:
    assert document["schema"] == SCHEMA
    assert document["version"] == SCHEMA_VERSION
    assert json.loads(json.dumps(document)) == document
    assert "revision" not in document["dossier"]
    assert document["dossier"]["history"][0]["step"] == "complete_training"


def test_loading_rebuilds_the_same_dossier_with_pendulum_dates(document: dict[str, Any]) -> None:
    dossier = from_document(document)
    assert to_document(dossier) == document
    assert type(dossier.history[0].on) is pendulum.Date
    assert dossier.stage == Stage.PROBATION
    assert dossier.revision == 0


def test_dumps_keeps_vietnamese_readable() -> None:
    text = dumps(make_dossier(meeting=MEETING))
    assert "Nguyễn Văn An" in text
    assert loads(text.encode()).candidate.name == "Nguyễn Văn An"


def _set(document: dict[str, Any], path: list[str | int], value: object) -> None:
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "expected_path", "reason"),
    [
        (
            ["dossier", "votes", 0, "members_counted"],
            "12",
            "$.dossier.votes[0].members_counted",
            "an integer",
        ),
        (
            ["dossier", "candidate", "youth_union_member"],
            "false",
            "$.dossier.candidate.youth_union_member",
            "true or false",
        ),
        (["dossier", "stage"], "member", "$.dossier.stage", "unknown stage 'member'"),
        (["dossier", "history", 1, "on"], "2024-02-30", "$.dossier.history[1].on", "YYYY-MM-DD"),
        (["dossier", "history", 1, "on"], "20240301", "$.dossier.history[1].on", "YYYY-MM-DD"),
        (["dossier", "candidate", "relatives"], "Bình", "$.dossier.candidate.relatives", "a list"),
        (["dossier", "documents"], [], "$.dossier.documents", "an object"),
        (["dossier", "id"], 7, "$.dossier.id", "a string"),
        (["dossier", "votes", 0, "in_favour"], 99, "$.dossier.votes[0].in_favour", "in favour"),
        (
            ["dossier", "candidate", "citizen_id"],
            "12ab",
            "$.dossier.candidate.citizen_id",
            "digits",
        ),
        (["version"], 99, "$.version", "newer"),
        (["version"], "1", "$.version", "an integer"),
        (["schema"], "other", "$.schema", "ketnap/dossier"),
    ],
)
def test_a_bad_field_raises_one_error_naming_its_path(
    document: dict[str, Any], path: list[str | int], value: object, expected_path: str, reason: str
) -> None:
    _set(document, path, value)
    with pytest.raises(InvalidDocument) as caught:
        from_document(document)
    assert caught.value.path == expected_path
    assert reason in caught.value.reason


def test_a_missing_field_is_named(document: dict[str, Any]) -> None:
    del document["dossier"]["candidate"]["birth_date"]
    with pytest.raises(InvalidDocument) as caught:
        from_document(document)
    assert caught.value.path == "$.dossier.candidate.birth_date"
    assert caught.value.reason == "required field missing"


def test_an_unknown_field_is_refused_not_dropped(document: dict[str, Any]) -> None:
    document["dossier"]["votes"][0]["abstained"] = 1
    with pytest.raises(InvalidDocument, match="abstained") as caught:
        from_document(document)
    assert caught.value.path == "$.dossier.votes[0]"


def test_a_document_key_must_match_its_form(document: dict[str, Any]) -> None:
    documents = document["dossier"]["documents"]
    documents["9-KNĐ"] = documents.pop("1-KNĐ")
    with pytest.raises(InvalidDocument, match="1-KNĐ") as caught:
        from_document(document)
    assert caught.value.path == "$.dossier.documents"


def test_a_stage_that_contradicts_the_history_is_refused(document: dict[str, Any]) -> None:
    document["dossier"]["stage"] = "full_member"
    with pytest.raises(TamperedHistory) as caught:
        from_document(document)
    assert caught.value.path == "$.dossier.stage"


def test_verification_can_be_skipped_for_forensics(document: dict[str, Any]) -> None:
    document["dossier"]["stage"] = "full_member"
    assert from_document(document, verify=False).stage == Stage.FULL_MEMBER


@pytest.mark.parametrize(
    "text", ["", "{", '{"schema": "ketnap/dossier", "vers', b"\xff\xfe{", "[]", "null"]
)
def test_truncated_or_foreign_text_is_an_invalid_document(text: str | bytes) -> None:
    with pytest.raises(InvalidDocument) as caught:
        loads(text)
    assert caught.value.path == "$"


def test_an_older_version_is_migrated_step_by_step(document: dict[str, Any]) -> None:
    def from_0(body: dict[str, Any]) -> dict[str, Any]:
        body["entered_pool_on"] = body.pop("pool_entry")
        return body

    body = document["dossier"]
    body["pool_entry"] = body.pop("entered_pool_on")
    old = {"schema": SCHEMA, "version": 0, "dossier": body}
    with pytest.raises(InvalidDocument, match="no migration from version 0 to 1"):
        from_document(old)
    dossier = DocumentFormat(migrations={0: from_0}).from_document(old)
    assert dossier.entered_pool_on == pendulum.Date(2023, 3, 12)


def test_a_failing_migration_is_an_invalid_document(document: dict[str, Any]) -> None:
    def broken(body: dict[str, Any]) -> dict[str, Any]:
        return body["nothing"]  # type: ignore[no-any-return]

    old = {**document, "version": 1}
    with pytest.raises(InvalidDocument, match="migration from version 1 failed: KeyError"):
        DocumentFormat(version=2, migrations={1: broken}).from_document(old)


def test_a_newer_format_writes_its_version() -> None:
    dossier: Dossier = make_dossier(meeting=MEETING)
    assert DocumentFormat(version=2).to_document(dossier)["version"] == 2
