"""The SQLite store: round trips, queries, optimistic concurrency, tamper detection."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import attrs
import pendulum
import pytest

from ketnap import (
    Dossier,
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    Organization,
    Query,
    SQLiteStore,
    Stage,
    StaleDossier,
    Step,
    StoreError,
    TamperedHistory,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.facts import DossierFacts, Event, plain_facts
from ketnap.storage import to_document
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "dossiers.db"


def _at(workflow: Workflow, stage: Stage, dossier_id: str, branch: str = "Chi bộ 1") -> Dossier:
    dossier = make_dossier(meeting=MEETING, id=dossier_id, organization=Organization(name=branch))
    walk(workflow, dossier, meeting=MEETING, until=stage)
    return dossier


def test_save_and_load_round_trip_and_count_revisions(workflow: Workflow, path: Path) -> None:
    dossier = _at(workflow, Stage.PROBATION, "HS-1")
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        assert dossier.revision == 1
        loaded = store.load("HS-1")
    assert loaded.revision == 1
    assert to_document(loaded) == to_document(dossier)
    assert loaded is not dossier


def test_the_file_is_in_wal_mode(workflow: Workflow, path: Path) -> None:
    SQLiteStore(path, facts=facts_for(workflow.law)).close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_missing_id_raises_dossier_not_found(path: Path) -> None:
    with SQLiteStore(path) as store, pytest.raises(DossierNotFound, match="HS-404"):
        store.load("HS-404")


def test_queries_by_stage_organization_year_and_due_date(workflow: Workflow, path: Path) -> None:
    proposed = _at(workflow, Stage.PROPOSED, "HS-1", "Chi bộ A")
    probation = _at(workflow, Stage.PROBATION, "HS-2", "Chi bộ A")
    carded = _at(workflow, Stage.CARD_ISSUED, "HS-3", "Chi bộ B")
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save_all([proposed, probation, carded])

        def ids(query: Query) -> list[str]:
            return [d.id for d in store.find(query)]

        assert ids(Query(stage=Stage.PROPOSED)) == ["HS-1"]
        assert ids(Query(stage=[Stage.PROPOSED, Stage.PROBATION])) == ["HS-1", "HS-2"]
        assert ids(Query(organization="Chi bộ A")) == ["HS-1", "HS-2"]
        # The decision follows the 12 Mar 2024 meeting by 20 working days: April 2024.
        assert ids(Query(admitted_in=2024)) == ["HS-2", "HS-3"]
        assert ids(Query(admitted_in=2023)) == []
        assert ids(Query(entered_in=2023, organization="Chi bộ B")) == ["HS-3"]
        assert store.count() == 3
        assert store.count(Query(stage=Stage.CARD_ISSUED)) == 1


def test_due_by_finds_the_open_deadline_around_its_due_day(workflow: Workflow, path: Path) -> None:
    # Proposed on 12 Mar 2024: the decision is due 60 working days later.
    dossier = _at(workflow, Stage.PROPOSED, "HS-1")
    due = workflow.law.calendar.add_working_days(MEETING, 60)
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        assert store.count(Query(due_by=due.subtract(days=1))) == 0
        assert store.count(Query(due_by=due)) == 1
        assert store.count(Query(due_by=due.add(days=1))) == 1


def test_a_final_dossier_has_nothing_due(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.CARD_ISSUED, "HS-1"))
        assert store.count(Query(due_by=pendulum.Date(2100, 1, 1))) == 0


def test_two_writers_the_second_is_refused_and_the_first_kept(
    workflow: Workflow, path: Path
) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as setup:
        setup.save(_at(workflow, Stage.PROPOSED, "HS-1"))
    first, second = (
        SQLiteStore(path, facts=facts_for(workflow.law)),
        SQLiteStore(path, facts=facts_for(workflow.law)),
    )
    try:
        mine, theirs = first.load("HS-1"), second.load("HS-1")
        mine.card_number = "first"
        theirs.card_number = "second"
        first.save(mine)
        with pytest.raises(StaleDossier) as caught:
            second.save(theirs)
        assert (caught.value.expected, caught.value.found) == (1, 2)
        assert "another writer saved first" in str(caught.value)
        assert theirs.revision == 1
        kept = second.load("HS-1")
        assert (kept.card_number, kept.revision) == ("first", 2)
        # The refused writer reloads, re-applies and succeeds.
        kept.card_number = "second"
        second.save(kept)
        assert first.load("HS-1").card_number == "second"
    finally:
        first.close()
        second.close()


def test_a_new_dossier_with_a_taken_id_is_refused(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.TRAINED, "HS-1"))
        with pytest.raises(StaleDossier, match="already stored"):
            store.save(_at(workflow, Stage.PROPOSED, "HS-1"))
        assert store.load("HS-1").stage == Stage.TRAINED


def test_a_batch_with_one_stale_dossier_writes_nothing(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.TRAINED, "HS-0500"))
        template = _at(workflow, Stage.PROPOSED, "T")
        batch = [clone(template, f"HS-{i:04d}") for i in range(1000)]
        with pytest.raises(StaleDossier) as caught:
            store.save_all(batch)
        assert caught.value.dossier_id == "HS-0500"
        assert store.count() == 1
        assert all(d.revision == 0 for d in batch)


def test_a_dossier_given_twice_in_a_batch_is_refused(workflow: Workflow, path: Path) -> None:
    dossier = _at(workflow, Stage.TRAINED, "HS-1")
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        with pytest.raises(InvalidInput, match="given twice"):
            store.save_all([dossier, dossier])
        assert store.count() == 0


def _edit(path: Path, dossier_id: str, change: str) -> None:
    db = sqlite3.connect(path)
    db.execute(f"UPDATE dossiers SET {change} WHERE id = ?", (dossier_id,))  # noqa: S608 - test input
    db.commit()
    db.close()


def test_a_direct_edit_of_the_history_is_caught_on_load_and_by_verify(
    workflow: Workflow, path: Path
) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save_all(
            [_at(workflow, Stage.PROBATION, "HS-1"), _at(workflow, Stage.PROPOSED, "HS-2")]
        )
    _edit(path, "HS-1", "document = json_set(document, '$.dossier.history[2].on', '2024-01-02')")
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        with pytest.raises(TamperedHistory) as caught:
            store.load("HS-1")
        assert caught.value.path == "$.dossier.history[2].digest"
        problems = store.verify()
    assert [p.dossier_id for p in problems] == ["HS-1"]
    assert isinstance(problems[0].error, TamperedHistory)
    assert problems[0].error.path == "$.dossier.history[2].digest"


def test_an_edit_outside_the_history_is_caught_by_the_seal(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.PROPOSED, "HS-1"))
    _edit(
        path,
        "HS-1",
        "document = json_set(document, '$.dossier.candidate.birth_date', '1990-01-01')",
    )
    with (
        SQLiteStore(path, facts=facts_for(workflow.law)) as store,
        pytest.raises(InvalidDocument, match="seal"),
    ):
        store.load("HS-1")


def test_a_keyed_seal_catches_an_edit_that_recomputes_everything(
    workflow: Workflow, path: Path
) -> None:
    key = b"kept in the organisation's safe"
    dossier = _at(workflow, Stage.PROPOSED, "HS-1")
    with SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key) as store:
        store.save(dossier)
    forged = attrs.evolve(dossier, card_number="forged")
    with SQLiteStore(path, facts=facts_for(workflow.law)) as keyless:  # the forger has no key
        forged_row, _ = keyless._row(forged)
    revision, document, seal = forged_row[0], forged_row[-1], forged_row[-2]
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE dossiers SET document = ?, seal = ?, revision = ? WHERE id = 'HS-1'",
        (document, seal, revision),
    )
    db.commit()
    db.close()
    with SQLiteStore(path, facts=facts_for(workflow.law)) as keyless:
        assert keyless.load("HS-1").card_number == "forged"
    with (
        SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key) as store,
        pytest.raises(InvalidDocument, match="seal"),
    ):
        store.load("HS-1")


def test_an_index_column_edit_is_caught(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.PROPOSED, "HS-1"))
    _edit(path, "HS-1", "stage = 'probation'")
    with (
        SQLiteStore(path, facts=facts_for(workflow.law)) as store,
        pytest.raises(InvalidDocument, match="seal"),  # the seal covers the index columns
    ):
        next(store.find(Query(stage=Stage.PROBATION)))


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("hồ sơ\n" * 1000)
    with pytest.raises(StoreError, match="cannot open"):
        SQLiteStore(bad)


def test_a_newer_layout_is_refused(path: Path) -> None:
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE ketnap_meta SET value = '99' WHERE key = 'layout'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="layout 99"):
        SQLiteStore(path)


def test_a_stored_document_is_plain_json(workflow: Workflow, path: Path) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(_at(workflow, Stage.PROPOSED, "HS-1"))
    (text,) = sqlite3.connect(path).execute("SELECT document FROM dossiers").fetchone()
    assert json.loads(text)["dossier"]["stage"] == "proposed"


def test_a_store_without_facts_refuses_the_queries_that_need_them(
    workflow: Workflow, path: Path
) -> None:
    with SQLiteStore(path) as store:
        store.save(_at(workflow, Stage.PROBATION, "HS-1"))
        assert store.count(Query(stage=Stage.PROBATION)) == 1  # plain queries still answer
        with pytest.raises(StoreError, match="facts"):
            store.count(Query(due_by=MEETING.add(years=1)))
        with pytest.raises(StoreError, match="facts"):
            store.figures(
                branches=None,
                units=None,
                start=pendulum.date(2024, 1, 1),
                on=pendulum.date(2024, 12, 31),
                year_end=pendulum.date(2024, 12, 31),
            )
        # The profile reads only what the dossier states: the law reads its ages.
        profile = store.admitted_profile(
            branches=None, start=pendulum.date(2024, 1, 1), on=pendulum.date(2024, 12, 31)
        )
        assert profile.total == 1


def test_the_iso_texts_of_days_are_kept_up_to_their_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from ketnap.storage import _core  # noqa: PLC0415 - the store's own table of days

    days = _core._IsoDays()
    monkeypatch.setattr(_core, "_ISO_DAYS_CAP", 2)
    first, second, third = (pendulum.Date(2024, 3, day) for day in (11, 12, 13))
    assert [days[first], days[second], days[third]] == ["2024-03-11", "2024-03-12", "2024-03-13"]
    assert list(days) == [first, second]  # the third was formatted, not kept
    assert days[third] == "2024-03-13"


def test_the_iso_text_of_a_datetime_or_a_date_of_its_own_is_its_own() -> None:
    from ketnap.storage._core import _iso  # noqa: PLC0415 - the store's own table of days

    class Written(dt.date):
        def isoformat(self) -> str:
            return "12/03/2025"

    day = pendulum.Date(2025, 3, 12)
    assert _iso(day) == "2025-03-12"
    assert _iso(Written(2025, 3, 12)) == "12/03/2025"
    assert _iso(day) == "2025-03-12"
    utc = pendulum.datetime(2024, 3, 12, 0, tz="UTC")
    saigon = pendulum.datetime(2024, 3, 12, 7, tz="Asia/Ho_Chi_Minh")
    assert utc == saigon
    assert (_iso(utc), _iso(saigon)) == (utc.isoformat(), saigon.isoformat())


def test_a_facts_function_naming_steps_by_their_members_verifies(workflow: Workflow) -> None:
    # The database keeps an enum member as its text: the same event, not an edited one.
    def by_members(dossier: Dossier) -> DossierFacts:
        events = tuple(
            Event(seq, entry.on, Step(entry.step), Stage(entry.target))
            for seq, entry in enumerate(dossier.history)
        )
        return attrs.evolve(plain_facts(dossier), events=events)

    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING)
    with SQLiteStore(":memory:", facts=by_members) as store:
        store.save(dossier)
        assert store.verify() == []
