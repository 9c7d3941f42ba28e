"""
The tamper table of docs/storage.md, one test per row, with and without a seal key.

Each test edits the file the way an attacker or a careless user would (with sqlite3,
outside ketnap) and asserts exactly what the table says `SQLiteStore.verify` finds.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from ketnap import Organization, SQLiteStore, Stage, StoreError, StoreProblem, Workflow
from ketnap.derived import facts_for
from ketnap.organizations import Course, OrganizationTree, Quotas, Unit
from ketnap.storage import loads
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

KEY = b"kept in the district office's safe"
KEYS = pytest.mark.parametrize("key", [None, KEY], ids=["no key", "with key"])


def _open(path: Path, key: bytes | None, workflow: Workflow) -> SQLiteStore:
    return SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key)


@pytest.fixture
def stored(tmp_path: Path, workflow: Workflow) -> Callable[[bytes | None], Path]:
    """A store with one admitted and one proposed dossier, a quota, a course and a tree."""

    def build(key: bytes | None) -> Path:
        path = tmp_path / "district.db"
        branch = Organization(name="Thôn 1", code="X.1")
        admitted = make_dossier(meeting=MEETING, id="HS-1", organization=branch)
        walk(workflow, admitted, meeting=MEETING, until=Stage.PROBATION)
        proposed = make_dossier(meeting=MEETING, id="HS-2", organization=branch)
        walk(workflow, proposed, meeting=MEETING, until=Stage.PROPOSED)
        with _open(path, key, workflow) as store:
            store.save_all([admitted, proposed])
            store.save_quotas(Quotas({("X", 2024): 2}))
            store.save_courses(
                [
                    Course(
                        code="K1",
                        unit="X",
                        opened_on=pendulum.Date(2024, 1, 8),
                        closed_on=pendulum.Date(2024, 1, 12),
                        trainees=40,
                    )
                ]
            )
            store.save_tree(
                OrganizationTree(
                    [
                        Unit(code="H", name="Huyện", level="district"),
                        Unit(code="X", name="Xã", level="base_committee", parent="H"),
                        Unit(code="X.1", name="Thôn 1", level="branch", parent="X", members=9),
                    ]
                )
            )
        return path

    return build


def _sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _problems(
    path: Path, key: bytes | None, workflow: Workflow, anchor: str | None = None
) -> list[StoreProblem]:
    with _open(path, key, workflow) as store:
        return store.verify(anchor=anchor)


def _kinds(problems: list[StoreProblem]) -> set[tuple[str, str]]:
    return {(problem.kind, problem.key) for problem in problems}


@KEYS
def test_an_untouched_store_verifies(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    assert _problems(stored(key), key, workflow) == []


@KEYS
def test_an_edited_history_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _sql(
        path,
        "UPDATE dossiers SET document = json_set(document, '$.dossier.history[0].on',"
        " '2024-01-02') WHERE id = 'HS-1'",
    )
    assert ("dossier", "HS-1") in _kinds(_problems(path, key, workflow))


@KEYS
def test_an_edited_field_outside_the_history_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _sql(
        path,
        "UPDATE dossiers SET document = json_set(document, '$.dossier.candidate.name',"
        " 'Trần Thị B') WHERE id = 'HS-1'",
    )
    assert ("dossier", "HS-1") in _kinds(_problems(path, key, workflow))


@KEYS
@pytest.mark.parametrize(
    "change",
    ["admitted_on = '2024-01-01'", "female = 1 - female", "youth = 1 - youth", "next_due = NULL"],
)
def test_an_edited_derived_column_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow, change: str
) -> None:
    path = stored(key)
    _sql(path, f"UPDATE dossiers SET {change} WHERE id = 'HS-1'")  # noqa: S608 - test input
    assert ("dossier", "HS-1") in _kinds(_problems(path, key, workflow))


@KEYS
def test_49_fake_admissions_inserted_into_events_are_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    with sqlite3.connect(path) as db:
        kind, day, target, unit = db.execute(
            "SELECT kind, day, target, organization FROM events"
            " WHERE dossier_id = 'HS-1' AND kind = 'decide_admission'"
        ).fetchone()
        db.executemany(
            "INSERT INTO events (dossier_id, seq, day, kind, target, organization)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [("HS-1", 100 + n, day, kind, target, unit) for n in range(49)],
        )
    db.close()
    assert ("dossier", "HS-1") in _kinds(_problems(path, key, workflow))


@KEYS
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM events WHERE dossier_id = 'HS-1' AND kind = 'decide_admission'",
        "UPDATE events SET day = '2024-12-31' WHERE dossier_id = 'HS-1'",
        (
            "INSERT INTO events (dossier_id, seq, day, kind, target, organization) VALUES"
            " ('HS-9', 1, '2024-05-01', 'decide_admission', 'admitted', 'X.1')"
        ),
    ],
    ids=["deleted", "modified", "of a dossier not stored"],
)
def test_a_deleted_modified_or_orphan_event_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow, statement: str
) -> None:
    path = stored(key)
    _sql(path, statement)
    assert _problems(path, key, workflow) != []


@KEYS
def test_events_whose_values_keep_their_worth_but_change_type_are_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    # The table declared again without types, so that each number is kept as a real:
    # 1.0 equals 1, and reports count the same, but the rows are not the ones saved.
    path = stored(key)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE loose (organization, dossier_id, seq, day, kind, target,"
        " PRIMARY KEY (organization, dossier_id, seq)) WITHOUT ROWID;"
        " INSERT INTO loose SELECT organization, dossier_id, CAST(seq AS REAL), day, kind,"
        " target FROM events;"
        " DROP TABLE events; ALTER TABLE loose RENAME TO events;"
    )
    db.close()
    assert _kinds(_problems(path, key, workflow)) == {("dossier", "HS-1"), ("dossier", "HS-2")}


@KEYS
def test_a_deleted_dossier_row_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _sql(
        path,
        "DELETE FROM dossiers WHERE id = 'HS-2'",
        "DELETE FROM events WHERE dossier_id = 'HS-2'",
    )
    assert ("dossier", "HS-2") in _kinds(_problems(path, key, workflow))


@KEYS
def test_a_row_rolled_back_to_an_older_sealed_version_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    with sqlite3.connect(path) as db:
        old = db.execute("SELECT * FROM dossiers WHERE id = 'HS-2'").fetchone()
        old_events = db.execute("SELECT * FROM events WHERE dossier_id = 'HS-2'").fetchall()
    db.close()
    with _open(path, key, workflow) as store:
        dossier = store.load("HS-2")
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
        store.save(dossier)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM dossiers WHERE id = 'HS-2'")
        db.execute("DELETE FROM events WHERE dossier_id = 'HS-2'")
        db.execute(f"INSERT INTO dossiers VALUES ({', '.join('?' * len(old))})", old)  # noqa: S608
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", old_events)
    db.close()
    assert _kinds(_problems(path, key, workflow)) == {("dossier", "HS-2")}


@KEYS
def test_a_lowered_revision_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    with _open(path, key, workflow) as store:
        dossier = store.load("HS-2")
        dossier.add_documents([])
        store.save(dossier)
    _sql(path, "UPDATE dossiers SET revision = 1 WHERE id = 'HS-2'")
    assert ("dossier", "HS-2") in _kinds(_problems(path, key, workflow))


@KEYS
@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE quotas SET admissions = 1", ("quota", "X/2024")),
        ("DELETE FROM quotas", ("quota", "X/2024")),
        ("UPDATE courses SET trainees = 400", ("course", "K1")),
        ("DELETE FROM courses", ("course", "K1")),
        (
            "UPDATE ketnap_meta SET value = replace(value, '9', '90') WHERE key = 'tree'",
            ("tree", "tree"),
        ),
    ],
    ids=["quota edited", "quota deleted", "course edited", "course deleted", "tree edited"],
)
def test_an_edited_or_deleted_quota_course_or_tree_is_detected(
    stored: Callable[..., Path],
    key: bytes | None,
    workflow: Workflow,
    statement: str,
    expected: tuple[str, str],
) -> None:
    path = stored(key)
    _sql(path, statement)
    assert expected in _kinds(_problems(path, key, workflow))


@KEYS
def test_a_deleted_journal_row_is_detected(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _sql(path, "DELETE FROM journal WHERE seq = 2")
    assert any(problem.kind == "journal" for problem in _problems(path, key, workflow))


@KEYS
def test_a_row_rewritten_with_ketnap_by_someone_without_the_key(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    # The forger has ketnap and the file, not the key: they rebuild the dossier from its
    # JSON, change it, and save it with a store object of their own (plain SHA-256 seals).
    path = stored(key)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT document FROM dossiers WHERE id = 'HS-1'").fetchone()
    db.close()
    forged = loads(text)
    forged.card_number = "99.999999"
    forged.revision = 1
    with SQLiteStore(path, facts=facts_for(workflow.law)) as forger:
        forger.save(forged)
    found = _kinds(_problems(path, key, workflow))
    if key is None:
        assert found == set()  # a plain digest cannot tell the forger from ketnap
    else:
        assert ("dossier", "HS-1") in found


@KEYS
def test_the_whole_file_put_back_to_an_older_copy_is_detected_only_with_an_anchor(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow, tmp_path: Path
) -> None:
    path = stored(key)
    older = tmp_path / "older.db"
    with _open(path, key, workflow) as store:
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(path, older)
        dossier = store.load("HS-2")
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
        store.save(dossier)
        anchor = store.anchor()
    shutil.copy(older, path)
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)
    assert _problems(path, key, workflow) == []
    assert ("journal", "anchor") in _kinds(_problems(path, key, workflow, anchor=anchor))


@KEYS
def test_an_anchor_recorded_earlier_still_verifies_after_more_saves(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    with _open(path, key, workflow) as store:
        anchor = store.anchor()
        dossier = store.load("HS-2")
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
        store.save(dossier)
        assert store.verify(anchor=anchor) == []


# --- a layout downgrade (issue 24) -------------------------------------------------------
#
# A forger without the key edits rows, then makes the file look like layout 1 (no journal,
# no identities, no seals but the document's) so that the next ketnap run with the key
# would seal every row, forgeries included. docs/storage.md, "Layouts and downgrades".


def _downgrade(path: Path, *, recompute: bool = False) -> None:
    """Forge a quota, a citizen ID and a course, then put the file back to layout 1."""
    db = sqlite3.connect(path)
    db.executescript(
        "UPDATE quotas SET admissions = 20;"
        " UPDATE courses SET trainees = 400;"
        " UPDATE dossiers SET document = json_set(document, '$.dossier.candidate.citizen_id',"
        " '001099099999') WHERE id = 'HS-1';"
        " DROP TABLE journal; DROP TABLE identities;"
        " ALTER TABLE dossiers DROP COLUMN events_seal; ALTER TABLE quotas DROP COLUMN seal;"
        " ALTER TABLE courses DROP COLUMN seal;"
        " DELETE FROM ketnap_meta WHERE key = 'journal';"
        " UPDATE ketnap_meta SET value = '1' WHERE key = 'layout';"
    )
    if recompute:  # what layout 1 sealed: each document alone, SHA-256 without the key
        for dossier_id, document in db.execute("SELECT id, document FROM dossiers").fetchall():
            seal = hashlib.sha256(document.encode()).hexdigest()
            db.execute("UPDATE dossiers SET seal = ? WHERE id = ?", (seal, dossier_id))
    db.commit()
    db.close()


@KEYS
def test_a_store_downgraded_to_layout_1_is_refused_untouched(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _downgrade(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"layout 1.*does not seal rows it has not verified"):
        _open(path, key, workflow)
    assert path.read_bytes() == before  # nothing sealed, nothing migrated


@KEYS
def test_a_trusted_migration_of_a_downgraded_store_refuses_its_forged_dossiers(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    # The operator is talked into --trust-unsealed: the dossiers still carry layout-5
    # seals, which are not what layout 1 sealed, so none of them is sealed again.
    path = stored(key)
    _downgrade(path)
    before = path.read_bytes()
    with pytest.raises(
        StoreError,
        match=r"2 of 2 dossiers do not match their layout-1 seal or do not load \('HS-1', 'HS-2",
    ):
        SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key, trust_unsealed=True)
    assert path.read_bytes() == before


@KEYS
def test_recomputed_layout_1_seals_fail_with_the_key_and_the_anchor_without(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    # A careful forger recomputes what layout 1 sealed, SHA-256 over each document: with
    # a key the migration expects HMAC and refuses; without one the forgery is as good as
    # any edit made without a key, and only the anchor recorded outside tells.
    path = stored(key)
    with _open(path, key, workflow) as store:
        anchor = store.anchor()
    _downgrade(path, recompute=True)
    if key is not None:
        with pytest.raises(StoreError, match="do not match their layout-1 seal"):
            SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key, trust_unsealed=True)
        return
    with SQLiteStore(path, facts=facts_for(workflow.law), trust_unsealed=True) as store:
        assert store.upgrade is not None
        assert store.upgrade.trusted == {"quota": 1, "course": 1, "tree": 1}
        assert store.verify() == []
        assert ("journal", "anchor") in _kinds(store.verify(anchor=anchor))


@KEYS
@pytest.mark.parametrize(
    "statements",
    [
        ("DROP TABLE journal",),
        ("DROP TABLE identities",),
        ("ALTER TABLE quotas DROP COLUMN seal",),
        ("ALTER TABLE dossiers DROP COLUMN events_seal",),
        ("DELETE FROM ketnap_meta WHERE key = 'journal'",),
        ("DROP TABLE journal", "UPDATE ketnap_meta SET value = '2' WHERE key = 'layout'"),
    ],
    ids=[
        "journal dropped",
        "identities dropped",
        "quota seals dropped",
        "events seals dropped",
        "journal head deleted",
        "journal dropped at layout 2",
    ],
)
def test_a_store_stripped_of_its_seals_or_journal_is_refused_untouched(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow, statements: tuple[str, ...]
) -> None:
    path = stored(key)
    _sql(path, "UPDATE quotas SET admissions = 20", *statements)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="missing: it was edited outside ketnap"):
        _open(path, key, workflow)
    assert path.read_bytes() == before


@KEYS
@pytest.mark.parametrize("layout", [2, 3, 4])
def test_a_newer_layout_put_back_to_an_older_one_is_migrated_and_its_forgery_still_found(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow, layout: int
) -> None:
    # Layouts 2 to 4 kept every seal and the journal: their migrations seal nothing, so
    # the layout's number alone changes nothing that verify would miss.
    path = stored(key)
    _sql(
        path,
        "UPDATE quotas SET admissions = 20",
        f"UPDATE ketnap_meta SET value = '{layout}' WHERE key = 'layout'",  # noqa: S608 - a number
    )
    with _open(path, key, workflow) as store:
        assert store.upgrade is not None
        assert (store.upgrade.before, store.upgrade.after) == (layout, 5)
        assert ("quota", "X/2024") in _kinds(store.verify())


@KEYS
def test_a_store_only_marked_layout_1_is_refused_even_when_trusted(
    stored: Callable[..., Path], key: bytes | None, workflow: Workflow
) -> None:
    path = stored(key)
    _sql(
        path,
        "UPDATE quotas SET admissions = 20",
        "UPDATE ketnap_meta SET value = '1' WHERE key = 'layout'",
    )
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"says layout 1 but holds courses\.seal, dossiers"):
        SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key, trust_unsealed=True)
    assert path.read_bytes() == before
