"""What must not grow with the store: memory of one save, paging order, access paths (issue 15)."""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from ketnap import Dossier, Stage, Workflow
from ketnap.derived import facts_for
from ketnap.storage import Query, SQLiteStore
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING

WORKFLOW = Workflow()


def walked(until: str, meeting: pendulum.Date = MEETING) -> Dossier:
    dossier = make_dossier(meeting=meeting)
    walk(WORKFLOW, dossier, meeting=meeting, until=until)
    return dossier


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "s.db", facts=facts_for(WORKFLOW.law), durable=False) as opened:
        yield opened


def test_a_generator_fed_batch_is_not_kept_in_memory(store: SQLiteStore) -> None:
    shape = walked(Stage.PROBATION)
    made: list[weakref.ref[Dossier]] = []
    alive_when_done: list[int] = []

    def batch() -> Iterator[Dossier]:
        for index in range(3000):
            dossier = clone(shape, f"HS-{index:05d}")
            made.append(weakref.ref(dossier))
            yield dossier
        alive_when_done.append(sum(ref() is not None for ref in made))

    assert store.save_all(batch()) == 3000
    # Still inside the transaction at the last one: only the last chunk may be alive.
    assert alive_when_done[0] <= 600
    assert store.count() == 3000


def test_dossiers_the_caller_holds_get_their_new_revision(store: SQLiteStore) -> None:
    held = [clone(walked(Stage.PREPARED), f"HS-{i}") for i in range(3)]
    store.save_all(held)
    assert [d.revision for d in held] == [1, 1, 1]
    store.save_all(held)
    assert [d.revision for d in held] == [2, 2, 2]


def test_find_by_several_stages_merges_them_in_id_order(store: SQLiteStore) -> None:
    shapes = {stage: walked(stage) for stage in (Stage.PREPARED, Stage.PROPOSED, Stage.PROBATION)}
    stages = list(shapes)
    # Ids interleave the stages, across more than one page (500 rows).
    store.save_all(clone(shapes[stages[i % 3]], f"HS-{i:05d}") for i in range(1300))
    query = Query(stage=frozenset({Stage.PREPARED, Stage.PROBATION}))
    found = [d.id for d in store.find(query)]
    expected = [f"HS-{i:05d}" for i in range(1300) if i % 3 != 1]
    assert found == expected
    assert store.ids(query) == expected
    assert store.count(query) == len(expected)


def test_ids_due_by_a_day_are_those_the_due_column_names(
    store: SQLiteStore, tmp_path: Path
) -> None:
    meetings = [MEETING.add(weeks=w) for w in range(0, 40, 3)]
    store.save_all(
        clone(walked(Stage.PROPOSED, meeting), f"HS-{i:03d}") for i, meeting in enumerate(meetings)
    )
    day = MEETING.add(weeks=20)
    db = sqlite3.connect(tmp_path / "s.db")
    expected = [
        row[0]
        for row in db.execute(
            "SELECT id FROM dossiers WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY id",
            (day.isoformat(),),
        )
    ]
    db.close()
    assert 0 < len(expected) < len(meetings)
    assert store.ids(Query(due_by=day)) == expected
    assert [d.id for d in store.find(Query(due_by=day))] == expected


@pytest.mark.usefixtures("store")
def test_layout_3_pages_stages_through_a_stage_and_id_index(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "s.db")
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    plan = " ".join(
        str(row[-1])
        for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM dossiers WHERE stage IN (?) AND id > ?"
            " ORDER BY id LIMIT 500",
            ("probation", ""),
        )
    )
    db.close()
    assert "dossiers_stage_id" in indexes
    assert "dossiers_stage" not in indexes
    assert "USE TEMP B-TREE" not in plan  # no sort: the first page costs a page
