"""Personal identifiers stay out of reprs, error messages and log lines; redacted export."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Candidate,
    Dossier,
    InvalidDocument,
    InvalidInput,
    KetnapError,
    SQLiteStore,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
)
from ketnap.storage import from_document, redact, to_document
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

CITIZEN_ID = "001099012345"


@pytest.fixture
def dossier(workflow: Workflow) -> Dossier:
    made = make_dossier(meeting=MEETING)
    made.candidate = attrs.evolve(made.candidate, citizen_id=CITIZEN_ID)
    walk(workflow, made, meeting=MEETING, until=Stage.PROPOSED)
    return made


def secrets(dossier: Dossier) -> list[str]:
    candidate = dossier.candidate
    birth = candidate.birth_date
    return [
        CITIZEN_ID,
        birth.isoformat(),
        f"{birth:%d/%m/%Y}",
        repr(birth),
        *(relative.name for relative in candidate.relatives),
    ]


def assert_clean(text: str, dossier: Dossier) -> None:
    for secret in secrets(dossier):
        assert secret not in text


def test_reprs_redact_personal_identifiers(dossier: Dossier) -> None:
    text = repr(dossier)
    assert_clean(text, dossier)
    assert "<redacted>" in text
    assert dossier.candidate.name in text  # names appear on public decisions
    assert_clean(repr(dossier.candidate.relatives[0]), dossier)


def test_model_errors_do_not_quote_the_birth_date(dossier: Dossier) -> None:
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(dossier, entered_pool_on=dossier.candidate.birth_date)
    assert_clean(str(caught.value), dossier)
    with pytest.raises(InvalidInput) as caught:
        Candidate(name="A", birth_date="1999-01-12", education="higher")
    assert "1999-01-12" not in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(dossier.candidate, citizen_id="0010990123456")
    assert "0010990123456" not in str(caught.value)


def test_workflow_errors_do_not_quote_the_birth_date(workflow: Workflow, dossier: Dossier) -> None:
    with pytest.raises(KetnapError) as caught:
        workflow.law.check(
            dossier, Step.DECIDE_ADMISSION, on=pendulum.Date(1990, 1, 1), actor=Actor.BRANCH
        )
    assert_clean(str(caught.value), dossier)
    young = make_dossier(meeting=MEETING, id="HS-002")
    walk(workflow, young, meeting=MEETING, until=Stage.PREPARED)
    young.candidate = attrs.evolve(young.candidate, birth_date=MEETING.subtract(years=17))
    failures = workflow.law.check(young, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
    text = "\n".join(f.text(lang) for f in failures for lang in ("vi", "en"))
    assert "age.minimum" in {f.rule_id for f in failures}
    assert_clean(text, young)
    assert_clean(text, dossier)


def test_loader_errors_name_the_path_not_the_value(dossier: Dossier) -> None:
    document = to_document(dossier)
    document["dossier"]["candidate"]["birth_date"] = f"{dossier.candidate.birth_date:%d/%m/%Y}"
    with pytest.raises(InvalidDocument) as caught:
        from_document(document)
    assert caught.value.path == "$.dossier.candidate.birth_date"
    assert_clean(str(caught.value), dossier)
    document["dossier"]["candidate"]["birth_date"] = document["dossier"]["entered_pool_on"]
    with pytest.raises(InvalidDocument) as caught:
        from_document(document)
    assert_clean(str(caught.value), dossier)


def test_store_log_lines_carry_no_personal_data(
    dossier: Dossier, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.db"
    caplog.set_level(logging.DEBUG, logger="ketnap")
    with SQLiteStore(path) as store:
        store.save(dossier)
    db = sqlite3.connect(path)
    db.execute("UPDATE dossiers SET document = replace(document, 'proposed', 'trained')")
    db.commit()
    db.close()
    with SQLiteStore(path) as store, pytest.raises(InvalidDocument) as caught:
        store.load(dossier.id)
    assert caught.value
    assert caplog.records
    assert_clean("\n".join(r.getMessage() for r in caplog.records), dossier)
    assert_clean(str(caught.value), dossier)


def test_the_redacted_export_drops_identifiers_and_keeps_statistics(dossier: Dossier) -> None:
    shared = redact(dossier, salt=b"district-2021")
    text = repr(shared)
    assert_clean(text, dossier)
    assert dossier.candidate.name not in text
    assert dossier.id not in text
    body = shared["dossier"]
    assert body["candidate"]["birth_year"] == dossier.candidate.birth_date.year
    assert body["candidate"]["relatives"] == {"parent": 2}
    assert body["stage"] == "proposed"
    assert [e["step"] for e in body["history"]] == [e.step for e in dossier.history]
    assert redact(dossier, salt=b"district-2021")["dossier"]["id"] == body["id"]
    assert redact(dossier, salt=b"other")["dossier"]["id"] != body["id"]


def test_the_redacted_export_drops_the_probation_helper_and_refusal_values() -> None:
    workflow = Workflow()
    meeting = pendulum.Date(2024, 3, 12)
    member = make_dossier(meeting=meeting)
    walk(workflow, member, meeting=meeting, until=Stage.PROBATION)
    member.votes.clear()
    try:
        workflow.advance(member, Step.PROPOSE_RECOGNITION, on=meeting.add(years=1, days=20),
                         actor=Actor.BRANCH)  # fmt: skip
    except TransitionRefused as refused:
        workflow.record_refusal(member, refused)
    assert member.refusals
    body = redact(member, salt=b"s")["dossier"]
    assert "name" not in body["probation_helper"]
    assert all(set(rule) == {"rule_id"} for r in body["refusals"] for rule in r["rules"])
    text = json.dumps(body, ensure_ascii=False)
    assert member.candidate.name not in text
    assert member.sponsors[0].name not in text
