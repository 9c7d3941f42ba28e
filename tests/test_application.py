"""The application layer: the office's operations, each written once (issue 23)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from ketnap import (
    AlreadyStored,
    Application,
    Deployment,
    DossierNotFound,
    InvalidInput,
    Stage,
    Step,
    TransitionRefused,
    Workflow,
    plan,
)
from ketnap.derived import facts_for
from ketnap.storage import SQLiteStore
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import MEETING
from tests.test_cli_setup import TREE


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Application]:
    with Deployment(store=str(tmp_path / "office.db")).open(create=True) as opened:
        opened.setup(tree=TREE)
        yield opened


def prepared(office: Application, dossier_id: str = "HS-001") -> str:
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id=dossier_id)
    walk(office.workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    add_vote(dossier, MEETING)  # the branch's vote on the meeting's day
    office.import_dossiers([dossier])
    return dossier_id


def test_a_recorded_act_is_saved(office: Application) -> None:
    dossier_id = prepared(office)
    entry = office.act(dossier_id, Step.PROPOSE_ADMISSION, on=MEETING, actor="branch")
    stored = office.dossier(dossier_id)
    assert stored.stage == Stage.PROPOSED
    assert stored.history[-1] == entry


def test_a_refused_act_saves_nothing_unless_kept(office: Application) -> None:
    dossier_id = prepared(office)
    before = office.dossier(dossier_id)
    with pytest.raises(TransitionRefused) as refused:
        office.act(dossier_id, Step.PROPOSE_ADMISSION, on=MEETING, actor="base_committee")
    assert refused.value.failures
    after = office.dossier(dossier_id)
    assert after.revision == before.revision
    assert after.refusals == []
    with pytest.raises(TransitionRefused):
        office.act(
            dossier_id, Step.PROPOSE_ADMISSION, on=MEETING, actor="base_committee",
            keep_refusal=True,
        )  # fmt: skip
    kept = office.dossier(dossier_id)
    assert kept.stage == Stage.PREPARED
    assert [r.step for r in kept.refusals] == [Step.PROPOSE_ADMISSION]
    assert kept.revision == before.revision + 1


def test_create_refuses_a_history_and_a_taken_id(office: Application) -> None:
    fresh = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id="HS-9")
    office.create(fresh)
    again = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id="HS-9")
    with pytest.raises(AlreadyStored) as taken:
        office.create(again)
    assert taken.value.dossier_id == "HS-9"
    walked = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id="HS-10")
    walk(office.workflow, walked, meeting=MEETING, until=Stage.TRAINED)
    with pytest.raises(InvalidInput) as error:
        office.create(walked)
    assert error.value.field == "history"


def test_import_replaces_only_with_update(office: Application) -> None:
    dossier_id = prepared(office)
    copy = office.dossier(dossier_id)
    copy.revision = 0
    with pytest.raises(AlreadyStored):
        office.import_dossiers([copy])
    assert office.import_dossiers([copy], update=True) == 1
    assert office.dossier(dossier_id).revision == 2


def test_an_unknown_dossier_is_named(office: Application) -> None:
    with pytest.raises(DossierNotFound):
        office.act("HS-404", Step.PROPOSE_ADMISSION, on=MEETING, actor="branch")


def test_a_journal_is_applied_through_the_same_engine(office: Application) -> None:
    dossier_id = prepared(office)
    line = {"dossier": dossier_id, "step": "propose_admission", "on": "2024-03-12",
            "actor": "base_committee"}  # fmt: skip
    result = office.apply_journal([json.dumps(line)], keep_refusals=True)
    assert result.acts == 0
    assert len(result.refused) == 1
    assert len(office.dossier(dossier_id).refusals) == 1


def test_the_due_list_and_statistics_are_data(office: Application) -> None:
    dossier_id = prepared(office)
    office.act(dossier_id, Step.PROPOSE_ADMISSION, on=MEETING, actor="branch")
    on = pendulum.date(2024, 5, 27)
    feed = office.due(on=on, within=15)
    data = json.loads(json.dumps(feed.to_data("en")))
    assert data["on"] == "2024-05-27"
    assert [item["dossier"] for item in data["due"]] == [i.deadline.dossier_id for i in feed.due]
    assert [item["rule"] for item in data["due"]] == [i.deadline.rule_id for i in feed.due]
    assert [item["text"] for item in data["due"]] == [i.text("en") for i in feed.due]
    one_branch = office.due(on=on, within=15, organization="C")
    assert len(one_branch) == len(feed)
    assert len(office.due(on=on, within=15, organization="D")) == 0
    form = office.statistics("H", on=pendulum.date(2024, 12, 31))
    rows = json.loads(json.dumps(form.to_data()))["rows"]
    assert [row["code"] for row in rows] == [row.code for row in form.rows]
    assert [row["value"] for row in rows] == [row.value for row in form.rows]


def test_a_plan_is_data() -> None:
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    found = plan(workflow.law, dossier, on=MEETING)
    data = json.loads(json.dumps(found.to_data()))
    assert data["earliest"] == (found.earliest.isoformat() if found.earliest else None)
    assert [r["rule"] for r in data["requirements"]] == [r.rule_id for r in found.requirements]


def test_checks_list_every_open_step(office: Application) -> None:
    dossier_id = prepared(office)
    verdicts = office.check(dossier_id, on=MEETING)
    rows = office.law.steps_from(Stage.PREPARED)
    assert [v.row.step for v in verdicts] == [row.step for row in rows]
    proposal = next(v for v in verdicts if v.row.step == Step.PROPOSE_ADMISSION)
    assert proposal.allowed
    assert proposal.to_data()["allowed"] is True


def test_verify_counts_what_failed(office: Application) -> None:
    prepared(office)
    found = office.verify()
    assert (found.total, found.failed, found.ok) == (1, 0, True)


def test_an_application_over_a_store_opened_by_hand(tmp_path: Path) -> None:
    workflow = Workflow()
    store = SQLiteStore(tmp_path / "s.db", facts=facts_for(workflow.law))
    with Application(store, workflow) as office:
        office.setup(tree=TREE)
        assert office.store.has_tree()


@pytest.mark.parametrize("year", [0, 10_000])
def test_a_report_of_a_year_out_of_range_is_refused_naming_the_year(
    office: Application, year: int
) -> None:
    with pytest.raises(InvalidInput) as error:
        office.report("H", year)
    assert error.value.field == "year"
    with pytest.raises(InvalidInput):
        office.report_page("H", year)


def test_export_names_the_file_of_a_1000_character_id_safely(
    office: Application, tmp_path: Path
) -> None:
    # An id may be 1,000 characters; a file name at most 255 bytes. Ids that would take a
    # setup file's name, or differ only in case, get files of their own too.
    ids = ["H" * 1000, "H" * 999 + "I", "tree", "hs-1", "HS-1", "Hồ sơ 1"]
    dossiers = [
        make_dossier(meeting=MEETING, organization=TREE.organization("C"), id=dossier_id)
        for dossier_id in ids
    ]
    office.import_dossiers(dossiers)
    out = tmp_path / "out"
    assert office.export(out, setup=True) == len(ids)
    files = sorted(path.name for path in out.iterdir())
    assert all(len(name.encode()) <= 255 for name in files)
    assert len({name.casefold() for name in files}) == len(files)
    assert "tree.json" in files  # the setup's, not the dossier's
    exported = {
        json.loads(path.read_text(encoding="utf-8"))["dossier"]["id"]
        for path in out.glob("*.json")
        if path.name not in {"tree.json", "quotas.json", "courses.json"}
    }
    assert exported == set(ids)


def test_a_form_of_a_1000_character_id_gets_a_safe_default_name(
    office: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_id = "HS-" + "9" * 997
    prepared(office, long_id)
    monkeypatch.chdir(tmp_path)
    written = office.form("checklist", long_id, on=MEETING)
    assert written.is_file()
    assert len(written.name) < 140
    assert written.name.startswith("checklist-HS-999")
