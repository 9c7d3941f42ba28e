"""
One contract for every store: SQLite and PostgreSQL run the same tests (issue 15).

Each test gets a fresh store of each kind: a temporary SQLite file, or a schema of its
own on the test server (tests/pg.py), dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Course,
    Dossier,
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    OrganizationTree,
    Quotas,
    Stage,
    StaleDossier,
    StoreError,
    TransitionRefused,
    Unit,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.reports import report
from ketnap.storage import Query, SQLiteStore, Store, to_document
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING
from tests.storage.test_histories import rechain

WORKFLOW = Workflow()
FACTS = facts_for(WORKFLOW.law)
TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="A", name="Chi bộ cơ sở A", level="base_branch", parent="H", members=20),
        Unit(code="B", name="Chi bộ cơ sở B", level="base_branch", parent="H", members=15),
    ]
)
Opener = Callable[..., Store]


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the test's store (again, as another writer would) with the given options."""
    opened: list[Store] = []
    if request.param == "sqlite":

        def open_sqlite(**options: Any) -> Store:
            store = SQLiteStore(tmp_path / "s.db", facts=FACTS, **options)
            opened.append(store)
            return store

        yield open_sqlite
    else:
        from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

        url = request.getfixturevalue("postgres_url")
        schema = f"t_{uuid.uuid4().hex[:16]}"

        def open_postgres(**options: Any) -> Store:
            store = PostgresStore(url, schema=schema, facts=FACTS, pool_size=2, **options)
            opened.append(store)
            return store

        yield open_postgres
        import psycopg  # noqa: PLC0415

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    for store in opened:
        store.close()


@pytest.fixture
def store(opener: Opener) -> Store:
    return opener()


def at(stage: str, dossier_id: str = "HS-001", branch: str = "A", **meeting: Any) -> Dossier:
    day = meeting.get("meeting", MEETING)
    dossier = make_dossier(meeting=day, id=dossier_id, organization=TREE.organization(branch))
    walk(WORKFLOW, dossier, meeting=day, until=stage)
    return dossier


def test_save_and_load_give_the_same_document(store: Store) -> None:
    dossier = at(Stage.PROBATION)
    store.save(dossier)
    assert dossier.revision == 1
    loaded = store.load(dossier.id)
    assert to_document(loaded) == to_document(dossier)
    assert loaded.revision == 1
    with pytest.raises(DossierNotFound):
        store.load("HS-404")


def test_queries_count_find_and_list_in_id_order(store: Store) -> None:
    store.save_all(
        [at(Stage.PREPARED, "HS-003"), at(Stage.PROBATION, "HS-001"), at(Stage.PROPOSED, "HS-002",
                                                                          branch="B")]
    )  # fmt: skip
    assert store.ids() == ["HS-001", "HS-002", "HS-003"]
    assert store.count(Query(stage=Stage.PROBATION)) == 1
    both = Query(stage=frozenset({Stage.PREPARED, Stage.PROBATION}))
    assert [d.id for d in store.find(both)] == ["HS-001", "HS-003"]
    assert store.ids(Query(organization="B")) == ["HS-002"]
    assert store.count(Query(admitted_in=2024)) == 1


def test_a_stale_copy_is_refused_and_nothing_written(opener: Opener) -> None:
    first = opener()
    first.save(at(Stage.PREPARED))
    mine, theirs = first.load("HS-001"), opener().load("HS-001")
    mine.votes.clear()
    first.save(mine)
    with pytest.raises(StaleDossier):
        opener().save(theirs)
    assert first.load("HS-001").revision == 2


def test_a_batch_is_all_or_nothing(store: Store) -> None:
    store.save(at(Stage.PREPARED, "HS-002"))
    stale = at(Stage.PREPARED, "HS-002")  # revision 0: already stored
    with pytest.raises(StaleDossier):
        store.save_all([at(Stage.PREPARED, "HS-001"), stale])
    assert store.ids() == ["HS-002"]
    with pytest.raises(InvalidInput, match="given twice"):
        store.save_all([at(Stage.PREPARED, "HS-005"), at(Stage.PREPARED, "HS-005")])


def test_a_dossier_that_would_not_load_is_not_saved(store: Store) -> None:
    dossier = at(Stage.PROPOSED)
    dossier.stage = Stage.PROBATION  # set by hand, no history leads there
    with pytest.raises(InvalidDocument):
        store.save(dossier)
    assert store.count() == 0


def test_a_bad_dossier_inside_a_batch_leaves_nothing_and_the_store_usable(
    store: Store,
) -> None:
    # Rows are made while they are sent (COPY on PostgreSQL): a dossier refused after
    # others were already streamed must end the statement, roll back and keep the
    # connection fit for the next save.
    bad = at(Stage.PROPOSED, "HS-003")
    bad.stage = Stage.PROBATION
    batch = [at(Stage.PREPARED, f"HS-{i:03d}") for i in (1, 2)] + [bad]
    with pytest.raises(InvalidDocument):
        store.save_all(batch)
    assert store.count() == 0
    store.save(at(Stage.PREPARED, "HS-004"))
    assert store.ids() == ["HS-004"]
    assert store.verify() == []


def test_a_failure_in_a_later_chunk_undoes_the_chunks_already_sent(store: Store) -> None:
    # A long batch is sent chunk by chunk by a writer thread while the next chunk is
    # prepared: a refusal in the third chunk (a bad document, a stale copy) must still
    # leave nothing, and the store must take the next save.
    store.save(at(Stage.PREPARED, "HS-9999"))
    template = at(Stage.PREPARED)
    bad = at(Stage.PROPOSED, "HS-1100")
    bad.stage = Stage.PROBATION
    good = [clone(template, f"HS-{i:04d}") for i in range(1100)]
    with pytest.raises(InvalidDocument):
        store.save_all([*good, bad])
    stale = at(Stage.PREPARED, "HS-9999")  # revision 0: already stored
    with pytest.raises(StaleDossier):
        store.save_all([*good, stale])
    assert store.ids() == ["HS-9999"]
    assert store.save_all(good) == 1100
    assert store.count() == 1101
    assert store.verify() == []


def test_errors_are_raised_in_the_order_of_the_dossiers_whatever_is_made_ahead(
    store: Store,
) -> None:
    # A dossier of the second chunk (500 a chunk) that fails must not be reported before
    # what the first chunk fails on, nor before a dossier given twice in its own chunk.
    template = at(Stage.PREPARED)
    good = [clone(template, f"HS-{i:04d}") for i in range(600)]
    bad = at(Stage.PROPOSED, "HS-0503")
    bad.stage = Stage.PROBATION
    clash = [clone(template, f"HS-{i:04d}") for i in (10, 20)]
    for dossier in clash:
        dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    batch = [*good]
    batch[10], batch[20], batch[503] = *clash, bad
    with pytest.raises(InvalidInput, match="HS-0010"):
        store.save_all(batch)
    twice = [*good[:503], bad, *good[504:], good[600 - 1]]
    with pytest.raises(InvalidInput, match="given twice"):
        store.save_all(twice)
    with pytest.raises(InvalidDocument):
        store.save_all([*good[:503], bad, *good[504:]])
    assert store.count() == 0
    assert store.save_all(good) == 600
    assert store.verify() == []


def test_an_illegal_history_is_refused(store: Store) -> None:
    dossier = at(Stage.PROPOSED)
    entries = [attrs.evolve(dossier.history[1], actor=Actor.COMPETENT_COMMITTEE), *dossier.history]
    with pytest.raises(InvalidDocument):
        store.save(rechain(dossier, entries))


def test_identities_are_held_by_one_open_dossier(store: Store) -> None:
    first, second = at(Stage.PREPARED, "HS-001"), at(Stage.PREPARED, "HS-002")
    for dossier in (first, second):
        dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    store.save(first)
    with pytest.raises(InvalidInput, match="HS-001"):
        store.save(second)
    assert store.ids() == ["HS-001"]


def test_two_claims_on_one_identity_in_one_batch_save_nothing(store: Store) -> None:
    first, second = at(Stage.PREPARED, "HS-001"), at(Stage.PREPARED, "HS-002")
    for dossier in (first, second):
        dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    with pytest.raises(InvalidInput, match="HS-001"):
        store.save_all([first, second])
    assert store.ids() == []


def test_a_dossier_saved_again_keeps_its_own_identity(store: Store) -> None:
    dossier = at(Stage.PREPARED, "HS-001")
    dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    store.save(dossier)
    store.save(dossier)
    assert store.load("HS-001").revision == 2


def test_verify_finds_nothing_wrong_in_what_was_saved(store: Store) -> None:
    store.save_tree(TREE)
    store.save_quotas(Quotas({("A", 2024): 3}))
    store.save_all(clone(at(Stage.PROBATION), f"HS-{i:03d}") for i in range(5))
    anchor = store.anchor()
    store.save(at(Stage.PREPARED, "HS-100"))
    assert store.verify(anchor=anchor) == []


def test_tree_quotas_and_courses_are_kept_and_replaced(store: Store) -> None:
    store.save_tree(TREE)
    store.save_quotas(Quotas({("A", 2024): 3, ("B", 2024): 2}))
    store.save_quotas(Quotas({("A", 2024): 4}))
    course = Course(code="K1", unit="H", opened_on=MEETING, closed_on=MEETING.add(days=4),
                    trainees=40)  # fmt: skip
    store.save_courses([course])
    store.save_courses([attrs.evolve(course, trainees=41)])
    assert store.tree().to_data() == TREE.to_data()
    assert store.quotas().items() == [("A", 2024, 4), ("B", 2024, 2)]
    assert [c.trainees for c in store.courses()] == [41]
    assert store.verify() == []


def test_figures_and_reports_agree_across_stores(store: Store) -> None:
    store.save_tree(TREE)
    store.save_quotas(Quotas({("A", 2024): 3, ("B", 2024): 2}))
    store.save_all(
        [
            clone(at(Stage.PROBATION), "HS-001"),
            clone(at(Stage.CARD_ISSUED, branch="B"), "HS-002"),
            clone(at(Stage.PREPARED), "HS-003"),
        ]
    )
    result = report(store, TREE, store.quotas(), unit="H", year=2024,
                    on=pendulum.date(2024, 12, 31))  # fmt: skip
    assert result.admitted == 2
    assert result.plan == 5
    assert result.stages[Stage.PREPARED] == 1
    part = report(store, TREE, store.quotas(), unit="B", year=2024,
                  on=pendulum.date(2024, 12, 31))  # fmt: skip
    assert part.admitted == 1
    profile = store.admitted_profile(
        branches=["A"], start=pendulum.date(2024, 1, 1), on=pendulum.date(2024, 12, 31)
    )
    assert profile.total == 1
    assert profile.counts["youth_union_member"] == {True: 1}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (pendulum.date(2024, 4, 8), 1),
        (pendulum.date(2024, 4, 9), 1),
        (pendulum.date(2024, 4, 10), 0),
        (pendulum.date(2025, 1, 1), 0),
    ],
    ids=["the-day-before-it-is-expected", "the-day-it-is-expected", "overdue", "past-the-horizon"],
)
def test_the_forecast_counts_a_dossier_from_the_report_date_to_the_horizon(
    store: Store, on: pendulum.Date, expected: int
) -> None:
    store.save(at(Stage.PROPOSED))  # proposed on MEETING: expected 20 working days later
    figures = store.figures(branches=None, units=None, start=pendulum.date(on.year, 1, 1),
                            on=on, year_end=pendulum.date(2024, 12, 31))  # fmt: skip
    assert figures.expected == expected


def test_refusals_are_kept_and_counted(store: Store) -> None:
    dossier = at(Stage.PREPARED)
    dossier.votes.clear()
    try:
        WORKFLOW.advance(dossier, "propose_admission", on=MEETING, actor=Actor.BRANCH)
    except TransitionRefused as refused:
        WORKFLOW.record_refusal(dossier, refused)
    store.save(dossier)
    store.save_tree(TREE)
    result = report(store, TREE, Quotas(), unit="H", year=2024,
                    on=pendulum.date(2024, 12, 31))  # fmt: skip
    assert result.refusals_by_rule == {"vote.branch_admission": 1}
    assert store.load(dossier.id).refusals == dossier.refusals


def test_due_lists_come_from_the_due_index(store: Store) -> None:
    meetings = [MEETING.add(weeks=w) for w in range(0, 30, 3)]
    store.save_all(at(Stage.PROPOSED, f"HS-{i:03d}", meeting=m) for i, m in enumerate(meetings))
    day = MEETING.add(weeks=20)
    due = store.ids(Query(due_by=day))
    assert 0 < len(due) < len(meetings)
    assert due == sorted(due)
    assert all(d.id in due for d in store.find(Query(due_by=day)))


def test_a_seal_key_is_needed_to_verify_what_it_sealed(opener: Opener) -> None:
    sealed = opener(seal_key=b"k" * 32)
    sealed.save(at(Stage.PREPARED))
    assert sealed.verify() == []
    unkeyed = opener()
    problems = unkeyed.verify()
    assert problems
    assert {p.kind for p in problems} >= {"journal"}


def test_a_find_loop_goes_on_while_another_writer_saves(opener: Opener) -> None:
    reader, writer = opener(), opener()
    reader.save_all(clone(at(Stage.PREPARED), f"HS-{i:04d}") for i in range(1200))
    seen = []
    for index, dossier in enumerate(reader.find()):
        seen.append(dossier.id)
        if index % 400 == 0:  # another office saves while the loop reads
            other = writer.load(f"HS-{1199 - index:04d}")
            other.votes.clear()
            writer.save(other)
    assert len(seen) == 1200
    assert seen == sorted(seen)


def test_a_newer_layout_is_refused_before_anything_changes(opener: Opener) -> None:
    store: Any = opener()  # the database itself is written below, as a newer ketnap would
    store.save(at(Stage.PREPARED))
    with store._session():  # what a newer ketnap would have written
        (layout,) = store._db.execute(
            "SELECT value FROM ketnap_meta WHERE key = 'layout'"
        ).fetchone()
        store._db.execute("UPDATE ketnap_meta SET value = '99' WHERE key = 'layout'")
    with pytest.raises(StoreError, match="newer"):
        opener()
    with store._session():  # untouched: the dossier and the layout as they were
        assert store.ids() == ["HS-001"]
        store._db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'layout'", (layout,))
    assert store.verify() == []


def _indexes(store: Any) -> set[tuple[str, str]]:
    """The store's indexes as PostgreSQL writes them back, the schema's name left out."""
    with store._session():
        rows = store._db.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ?", (store._schema,)
        ).fetchall()
    return {(name, text.replace(f"{store._schema}.", "")) for name, text in rows}


def test_a_postgresql_layout_1_is_migrated_to_the_layout_a_new_store_gets(
    postgres_url: str,
) -> None:
    import psycopg  # noqa: PLC0415

    from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

    schema, fresh_schema = f"t_{uuid.uuid4().hex[:16]}", f"t_{uuid.uuid4().hex[:16]}"
    first = PostgresStore(postgres_url, schema=schema, facts=FACTS)
    first.save_all(clone(at(Stage.PROBATION), f"HS-{i:03d}") for i in range(3))
    with first._session():  # what layout 1 was: events keyed by dossier, nothing covered
        first._db.execute("ALTER TABLE events DROP CONSTRAINT events_pkey")
        first._db.execute("ALTER TABLE events ADD PRIMARY KEY (dossier_id, seq)")
        first._db.execute("DROP INDEX dossiers_organization")
        first._db.execute("CREATE INDEX dossiers_organization ON dossiers (organization, stage)")
        first._db.execute("UPDATE ketnap_meta SET value = '1' WHERE key = 'layout'")
    first.close()
    again = PostgresStore(postgres_url, schema=schema, facts=FACTS)
    fresh = PostgresStore(postgres_url, schema=fresh_schema, facts=FACTS)
    try:
        layouts = []
        for store in (again, fresh):
            with store._session():
                layouts += store._db.execute(
                    "SELECT value FROM ketnap_meta WHERE key = 'layout'"
                ).fetchone()
        assert layouts == ["4", "4"]
        assert _indexes(again) == _indexes(fresh)
        assert again.verify() == []
        assert again.count() == 3
    finally:
        again.close()
        fresh.close()
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            for name in (schema, fresh_schema):
                connection.execute(f"DROP SCHEMA {name} CASCADE")


# --- downgrades and rollbacks (issue 24) ---------------------------------------------------

KEY = b"kept in the province's secret store"
KEYS = pytest.mark.parametrize("key", [None, KEY], ids=["no key", "with key"])
_TABLES = ("ketnap_meta", "dossiers", "events", "courses", "quotas", "journal", "identities")


def _raw(store: Any, *statements: str) -> None:
    """Run *statements* on the store's own database, as someone with access to it would."""
    with store._session():
        for statement in statements:
            store._db.execute(statement)


def _copy(store: Any) -> dict[str, list[Any]]:
    """Every row of the store, as a backup holds it."""
    with store._session():
        return {
            table: store._db.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            for table in _TABLES
        }


def _put_back(store: Any, copy: dict[str, list[Any]]) -> None:
    """Restore the backup *copy* over the store, as a restore from a backup would."""
    postgres = hasattr(store, "_schema")
    with store._session():
        for table, rows in copy.items():
            store._db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
            overriding = " OVERRIDING SYSTEM VALUE" if postgres and table == "journal" else ""
            for row in rows:
                marks = ", ".join("?" * len(row))
                store._db.execute(f"INSERT INTO {table}{overriding} VALUES ({marks})", row)  # noqa: S608


@KEYS
def test_a_layout_downgrade_seals_nothing_that_was_edited(
    opener: Opener, key: bytes | None
) -> None:
    # The forger edits a quota (no key: its seal stays the old one) and marks the store
    # as layout 1. SQLite refuses to migrate a layout-1 store on opening; PostgreSQL's
    # layout 1 had every seal, its migrations seal nothing, and verify finds the quota.
    store = opener(seal_key=key)
    store.save_quotas(Quotas({("A", 2024): 3}))
    store.save(at(Stage.PROBATION))
    _raw(
        store,
        "UPDATE quotas SET admissions = 30",
        "UPDATE ketnap_meta SET value = '1' WHERE key = 'layout'",
    )
    if isinstance(store, SQLiteStore):
        with pytest.raises(StoreError, match="layout 1"):
            opener(seal_key=key)
        return
    reopened: Any = opener(seal_key=key)
    assert reopened.upgrade is not None
    assert reopened.upgrade.before == 1
    assert reopened.upgrade.trusted == {}
    assert ("quota", "A/2024") in {(p.kind, p.key) for p in reopened.verify()}


@KEYS
@pytest.mark.parametrize("layout", [None, 1], ids=["layout kept", "layout 1"])
@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE journal",
        "ALTER TABLE quotas DROP COLUMN seal",
        "ALTER TABLE dossiers DROP COLUMN events_seal",
    ],
    ids=["journal", "quota seals", "events seals"],
)
def test_a_store_stripped_of_its_journal_or_seals_is_refused(
    opener: Opener, key: bytes | None, layout: int | None, statement: str
) -> None:
    store = opener(seal_key=key)
    store.save_quotas(Quotas({("A", 2024): 3}))
    store.save(at(Stage.PROBATION))
    statements = [statement, "UPDATE quotas SET admissions = 30"]
    if layout is not None:
        statements.append("UPDATE ketnap_meta SET value = '1' WHERE key = 'layout'")
    _raw(store, *statements)
    with pytest.raises(StoreError, match=r"layout 1|missing: it was edited outside ketnap"):
        opener(seal_key=key)


@KEYS
def test_verify_with_the_anchor_catches_a_store_put_back_to_an_older_copy(
    opener: Opener, key: bytes | None
) -> None:
    store = opener(seal_key=key)
    store.save_all([at(Stage.PROPOSED, "HS-001"), at(Stage.PREPARED, "HS-002")])
    older = _copy(store)
    dossier = store.load("HS-001")
    walk(WORKFLOW, dossier, meeting=MEETING, until=Stage.PROBATION)
    store.save(dossier)
    anchor = store.anchor()
    _put_back(store, older)
    assert store.load("HS-001").stage == Stage.PROPOSED  # the admission is gone
    assert store.verify() == []  # a whole, sealed older copy: nothing inside tells
    assert {(p.kind, p.key) for p in store.verify(anchor=anchor)} == {("journal", "anchor")}


def test_an_anchor_that_is_not_one_is_refused(store: Store) -> None:
    store.save(at(Stage.PREPARED))
    with pytest.raises(InvalidInput, match="not a journal anchor"):
        store.verify(anchor="the register says 42")
    assert store.verify(anchor=store.anchor()) == []
