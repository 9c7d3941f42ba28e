"""The store under misuse: locks, full disks, threads, foreign files, illegal saves, duplicates."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    InvalidDocument,
    InvalidInput,
    Organization,
    Query,
    SQLiteStore,
    Stage,
    Step,
    StoreError,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.organizations import Quotas
from ketnap.storage import LayoutUpgrade
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "dossiers.db"


@pytest.fixture(scope="module")
def proposed() -> Dossier:
    dossier = make_dossier(meeting=MEETING, organization=Organization(name="Thôn 1", code="X.1"))
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROPOSED)
    return dossier


def test_a_save_that_outlasts_the_lock_timeout_is_a_store_error(
    path: Path, proposed: Dossier
) -> None:
    SQLiteStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(path, timeout=0.05) as store, pytest.raises(StoreError, match="locked"):
            store.save(clone(proposed, "HS-1"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_disk_is_a_store_error_and_writes_nothing(path: Path, proposed: Dossier) -> None:
    with SQLiteStore(path) as store:
        store.save(clone(proposed, "HS-0"))
        (pages,) = store._db.execute("PRAGMA page_count").fetchone()
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError, match="cannot grow"):
            store.save_all(clone(proposed, f"HS-{n:04d}") for n in range(1, 400))
        assert store.count() == 1


def test_saving_inside_a_find_loop_while_another_writer_commits(
    path: Path, proposed: Dossier
) -> None:
    with SQLiteStore(path) as store:
        store.save_all(clone(proposed, f"HS-{n:04d}") for n in range(1200))
    with SQLiteStore(path, timeout=0.2) as reader, SQLiteStore(path) as other:
        for n, dossier in enumerate(reader.find()):
            if n % 400 == 0:
                other.save(clone(proposed, f"AA-{n:04d}"))  # behind the cursor
            dossier.add_documents([])
            reader.save(dossier)
        assert reader.count() == 1203


def test_a_dossier_whose_stage_was_set_by_hand_is_not_saved(path: Path, proposed: Dossier) -> None:
    dossier = clone(proposed, "HS-1")
    dossier.stage = Stage.CARD_ISSUED
    with SQLiteStore(path) as store:
        with pytest.raises(InvalidDocument, match="stage"):
            store.save(dossier)
        assert store.count() == 0


def test_a_dossier_with_a_removed_history_entry_is_not_saved(path: Path, proposed: Dossier) -> None:
    dossier = clone(proposed, "HS-1")
    del dossier.history[1]
    with SQLiteStore(path) as store:
        with pytest.raises(InvalidDocument):
            store.save(dossier)
        assert store.count() == 0
        assert store.verify() == []


def test_a_newer_layout_is_refused_and_the_file_left_untouched(path: Path) -> None:
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE ketnap_meta SET value = '99' WHERE key = 'layout'")
    db.execute("PRAGMA journal_mode=DELETE")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="layout 99"):
        SQLiteStore(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize(
    "content", [None, b"", b"not sqlite" * 100], ids=["missing", "empty", "junk"]
)
def test_create_false_refuses_what_is_not_a_store_and_leaves_it(
    path: Path, content: bytes | None
) -> None:
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(StoreError):
        SQLiteStore(path, create=False)
    assert path.exists() == (content is not None)
    if content is not None:
        assert path.read_bytes() == content


def test_another_programs_database_is_refused_untouched(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    for create in (True, False):
        with pytest.raises(StoreError, match="another program"):
            SQLiteStore(path, create=create)
    assert path.read_bytes() == before


def test_memory_with_create_false_is_refused() -> None:
    with pytest.raises(StoreError, match="in-memory"):
        SQLiteStore(":memory:", create=False)


def test_two_open_dossiers_cannot_share_a_citizen_id(path: Path, proposed: Dossier) -> None:
    first, second = clone(proposed, "HS-1"), clone(proposed, "HS-2")
    for dossier in (first, second):
        dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    with SQLiteStore(path) as store:
        store.save(first)
        with pytest.raises(InvalidInput, match="HS-1") as caught:
            store.save(second)
        assert caught.value.field == "candidate.citizen_id"
        assert "001099012345" not in str(caught.value)
        assert store.ids() == ["HS-1"]


def test_a_citizen_id_is_free_again_once_the_dossier_has_left(
    path: Path, proposed: Dossier, workflow: Workflow
) -> None:
    first, second = clone(proposed, "HS-1"), clone(proposed, "HS-2")
    for dossier in (first, second):
        dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    with SQLiteStore(path) as store:
        store.save(first)
        workflow.advance(first, Step.WITHDRAW, on=MEETING.add(days=1), actor=Actor.BRANCH)
        store.save(first)
        store.save(second)
        assert store.count() == 2


def test_two_dossiers_cannot_carry_the_same_card_number(path: Path, proposed: Dossier) -> None:
    first, second = clone(proposed, "HS-1"), clone(proposed, "HS-2")
    with SQLiteStore(path) as store:
        store.save_all([first, second])
        first.card_number, second.card_number = "01.000123", "01.000123"
        store.save(first)
        with pytest.raises(InvalidInput, match="HS-1") as caught:
            store.save(second)
        assert caught.value.field == "card_number"


def test_eight_threads_share_one_store(path: Path, proposed: Dossier) -> None:
    errors: list[BaseException] = []
    with SQLiteStore(path, timeout=30.0) as store:

        def work(thread: int) -> None:
            try:
                for n in range(25):
                    store.save(clone(proposed, f"T{thread}-{n:02d}"))
                    assert store.load(f"T{thread}-{n:02d}").revision == 1
                    store.count(Query(stage=Stage.PROPOSED))
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.count() == 200
        assert store.verify() == []


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"admitted_in": "2024"}, "admitted_in"),
        ({"entered_in": 0}, "entered_in"),
        ({"admitted_in": True}, "admitted_in"),
        ({"organization": 5}, "organization"),
        ({"due_by": "2024-03-12"}, "due_by"),
    ],
)
def test_a_query_with_a_wrong_criterion_is_invalid_input(
    criteria: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Query(**criteria)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_organization_matches_the_branch_code(path: Path, proposed: Dossier) -> None:
    with SQLiteStore(path) as store:
        store.save(clone(proposed, "HS-1"))
        assert store.count(Query(organization="X.1")) == 1
        assert store.count(Query(organization="Thôn 1")) == 0


def test_a_layout_1_file_is_migrated_in_place_only_when_trusted_and_verifies(
    path: Path, proposed: Dossier, workflow: Workflow
) -> None:
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save_all([clone(proposed, "HS-1"), clone(proposed, "HS-2")])
        store.save_quotas(Quotas({("X", 2024): 3}))
    # Put the file back into layout 1: no journal, no identities, seals over the document.
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE journal; DROP TABLE identities;"
        " ALTER TABLE dossiers DROP COLUMN events_seal; ALTER TABLE quotas DROP COLUMN seal;"
        " ALTER TABLE courses DROP COLUMN seal;"
        " DELETE FROM ketnap_meta WHERE key = 'journal';"
        " UPDATE ketnap_meta SET value = '1' WHERE key = 'layout';"
    )
    for dossier_id, document in db.execute("SELECT id, document FROM dossiers").fetchall():
        seal = hashlib.sha256(document.encode()).hexdigest()
        db.execute("UPDATE dossiers SET seal = ? WHERE id = ?", (seal, dossier_id))
    db.commit()
    db.close()
    before = path.read_bytes()
    # Opened as usual, it is refused untouched: a downgraded newer store looks the same.
    with pytest.raises(StoreError, match=r"layout 1.*ketnap migrate --trust-unsealed"):
        SQLiteStore(path, facts=facts_for(workflow.law))
    assert path.read_bytes() == before
    with SQLiteStore(path, facts=facts_for(workflow.law), trust_unsealed=True) as store:
        assert store.upgrade == LayoutUpgrade(before=1, after=5, verified=2, trusted={"quota": 1})
        assert store.verify() == []
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        assert store.upgrade is None
        assert store.verify() == []
        dossier = store.load("HS-1")
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
        store.save(dossier)
        assert store.verify() == []
        assert store.count(Query(stage=Stage.PROBATION, admitted_in=2024)) == 1
    layout = sqlite3.connect(path).execute("SELECT value FROM ketnap_meta WHERE key = 'layout'")
    assert layout.fetchone() == ("5",)


def test_a_report_date_far_in_the_past_counts_nothing(path: Path, proposed: Dossier) -> None:
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        store.save(clone(proposed, "HS-1"))
        figures = store.figures(
            branches=None,
            units=None,
            start=pendulum.Date(1990, 1, 1),
            on=pendulum.Date(1990, 12, 31),
            year_end=pendulum.Date(1990, 12, 31),
        )
    assert sum(figures.acts.values()) == 0


def _prefixed(value: object) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text}"


def _sealed(*fields: object) -> str:
    """SHA-256 over the length-prefixed fields, as every seal without a key is made."""
    return hashlib.sha256("|".join(_prefixed(field) for field in fields).encode()).hexdigest()


def _written_by_layout_4(path: Path, proposed: Dossier, workflow: Workflow) -> None:
    """A store holding HS-1 as a layout-4 ketnap wrote it: its events sealed apart."""
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        genesis = store.anchor()
        store.save(clone(proposed, "HS-1"))
    db = sqlite3.connect(path)
    (revision, seal) = db.execute("SELECT revision, seal FROM dossiers").fetchone()
    events = db.execute(
        "SELECT seq, day, kind, target, organization FROM events ORDER BY seq"
    ).fetchall()
    assert len(events) > 1
    # The forms layout 4 wrote, worked out here independently of the store's code: each
    # event value prefixed twice, and the journal recording the row's and events' seals.
    events_seal = _sealed("events", "HS-1", revision, *(_prefixed(v) for e in events for v in e))
    entry = _sealed(seal, events_seal)
    link = _sealed(genesis, "dossier", "HS-1", revision, entry)
    db.execute("UPDATE dossiers SET events_seal = ?", (events_seal,))
    db.execute("UPDATE journal SET seal = ?, link = ?", (entry, link))
    db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'journal'", (link,))
    db.execute("UPDATE ketnap_meta SET value = '4' WHERE key = 'layout'")
    db.commit()
    db.close()


def test_a_row_saved_with_its_events_sealed_apart_verifies_after_the_upgrade(
    path: Path, proposed: Dossier, workflow: Workflow
) -> None:
    # Seals of files already in use must verify after an upgrade.
    _written_by_layout_4(path, proposed, workflow)
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        assert store.upgrade == LayoutUpgrade(before=4, after=5)
        assert store.verify() == []
        store.save(clone(proposed, "HS-2"))  # a row of layout 5 beside it
        assert store.verify() == []
    (seal,) = (
        sqlite3.connect(path)
        .execute("SELECT events_seal FROM dossiers WHERE id = 'HS-2'")
        .fetchone()
    )
    assert seal == ""


@pytest.mark.parametrize(
    ("statement", "dossier_id"),
    [
        ("UPDATE dossiers SET events_seal = '' WHERE id = 'HS-1'", "HS-1"),
        (
            (
                "UPDATE dossiers SET events_seal = (SELECT events_seal FROM dossiers"
                " WHERE id = 'HS-1') WHERE id = 'HS-2'"
            ),
            "HS-2",
        ),
    ],
    ids=["an events seal removed", "an events seal given"],
)
def test_an_events_seal_removed_or_given_disagrees_with_the_journal(
    path: Path, proposed: Dossier, workflow: Workflow, statement: str, dossier_id: str
) -> None:
    _written_by_layout_4(path, proposed, workflow)
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save(clone(proposed, "HS-2"))
    db = sqlite3.connect(path)
    db.execute(statement)
    db.commit()
    db.close()
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        problems = store.verify()
    assert [(p.kind, p.key) for p in problems] == [("dossier", dossier_id)]
    assert "not the one last saved" in str(problems[0].error)
