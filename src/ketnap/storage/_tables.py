"""
The tables the SQL stores keep, and the statements that write and read a dossier's row.

Written once for SQLite and PostgreSQL: `schema_ddl` fills in what each database writes
its own way. The column lists fix the order of a row's fields, which its seal covers
(`ketnap.storage._seals.row_seal`), so reordering them breaks every stored seal.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "EVENTS_COVER",
    "ORGANIZATION_COVER",
    "SEALED_COLUMNS",
    "schema_ddl",
]


# The tables of the current layout, written once for both databases: `schema_ddl` fills
# what each writes its own way (a clustered key, an increasing sequence).
_DOSSIER_TABLES = """
CREATE TABLE ketnap_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dossiers (
    id           TEXT PRIMARY KEY,
    revision     INTEGER NOT NULL CHECK (revision > 0),
    stage        TEXT NOT NULL,
    organization TEXT NOT NULL,
    entered_on   TEXT NOT NULL,
    admitted_on  TEXT,
    next_due     TEXT,
    female       INTEGER NOT NULL,
    ethnic_minority INTEGER NOT NULL,
    religious    INTEGER NOT NULL,
    youth        INTEGER NOT NULL,
    readmission  INTEGER NOT NULL,
    expected_decision_on TEXT,
    window_closes_on TEXT,
    events_seal  TEXT NOT NULL DEFAULT '',
    seal         TEXT NOT NULL,
    document     TEXT NOT NULL
);
-- One row per act a report counts, kept in branch order: a committee's report reads
-- its branches' events as a few contiguous runs, the district's reads them all. No other
-- index: an index in date order would cost every save more (its inserts land all over
-- the tree) than it would spare a report. The key's columns come first: SQLite 3.40's
-- integrity check misreads a WITHOUT ROWID table whose key columns are declared later.
CREATE TABLE events (
    organization TEXT NOT NULL,
    dossier_id   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    target       TEXT,
    PRIMARY KEY (organization, dossier_id, seq){events_cover}
){without_rowid};
CREATE TABLE courses (
    code TEXT PRIMARY KEY, unit TEXT NOT NULL, opened_on TEXT NOT NULL,
    closed_on TEXT NOT NULL, trainees INTEGER NOT NULL, seal TEXT NOT NULL DEFAULT ''
);
CREATE TABLE quotas (
    unit TEXT NOT NULL, year INTEGER NOT NULL, admissions INTEGER NOT NULL,
    seal TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit, year)
);
CREATE INDEX dossiers_stage_id ON dossiers (stage, id);
CREATE INDEX dossiers_organization ON dossiers (organization, stage){organization_cover};
CREATE INDEX dossiers_admitted ON dossiers (admitted_on);
CREATE INDEX dossiers_entered ON dossiers (entered_on);
CREATE INDEX dossiers_due ON dossiers (next_due) WHERE next_due IS NOT NULL;
"""

# The save journal and the identities that must be unique (SQLite layout 2 added them).
_JOURNAL_TABLES = """
-- Every write, chained: a deleted, rolled-back or renumbered row no longer matches the
-- latest link for its key (docs/storage.md).
CREATE TABLE journal (
    seq      {sequence},
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    revision INTEGER NOT NULL,
    seal     TEXT NOT NULL,
    link     TEXT NOT NULL
);
-- Citizen IDs of open dossiers and card numbers, as digests: one holder each.
CREATE TABLE identities (
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    PRIMARY KEY (kind, value)
){without_rowid};
CREATE INDEX identities_dossier ON identities (dossier_id);
"""


# What a committee's report reads besides an index's key: the events' act and date, and
# a dossier's dates. Kept in the index itself (PostgreSQL's INCLUDE), a committee's counts
# read its own stretch of the index; from the table they would read pages shared with
# every other branch (PostgreSQL keeps rows in the order they were written, not by key).
EVENTS_COVER: Final = "day, kind, target"
ORGANIZATION_COVER: Final = "entered_on, expected_decision_on, window_closes_on"


def schema_ddl(
    *, without_rowid: str, sequence: str, covering: bool = False, journal_only: bool = False
) -> str:
    """
    The DDL of the store's tables for one database.

    Args:
        without_rowid: what follows a table keyed by its primary key (SQLite's
            ``WITHOUT ROWID``; nothing for PostgreSQL).
        sequence: the journal's increasing key column type.
        covering: index the report's columns too (`EVENTS_COVER`, `ORGANIZATION_COVER`);
            for PostgreSQL, whose tables are not stored in key order as SQLite's
            ``WITHOUT ROWID`` tables are.
        journal_only: only the journal and identities (a migration that adds them).
    """
    parts = (_JOURNAL_TABLES,) if journal_only else (_DOSSIER_TABLES, _JOURNAL_TABLES)
    return "".join(parts).format(
        without_rowid=without_rowid,
        sequence=sequence,
        events_cover=f" INCLUDE ({EVENTS_COVER})" if covering else "",
        organization_cover=f" INCLUDE ({ORGANIZATION_COVER})" if covering else "",
    )


# A dossier's index columns, in the order `SQLCore._derive` gives them and its row seal
# covers them; then the statements over a dossier's row, its events and the journal.
_DERIVED = (
    "stage",
    "organization",
    "entered_on",
    "admitted_on",
    "next_due",
    "female",
    "ethnic_minority",
    "religious",
    "youth",
    "readmission",
    "expected_decision_on",
    "window_closes_on",
)
_COLUMNS = ("revision", *_DERIVED, "events_seal", "seal", "document")
_READ = f"SELECT id, {', '.join(_COLUMNS)} FROM dossiers"
_INSERT = (
    f"INSERT INTO dossiers (id, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' * len(_COLUMNS))})"
)
_UPDATE = (
    f"UPDATE dossiers SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ? AND revision = ?"
)
_EVENT = (
    "INSERT INTO events (dossier_id, seq, day, kind, target, organization)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_JOURNAL = "INSERT INTO journal (kind, key, revision, seal, link) VALUES (?, ?, ?, ?, ?)"


# What makes a store tamper-evident, (table, column): the seals, the journal, the
# identities. A store whose layout has them must still have them when it is opened.
SEALED_COLUMNS: Final = frozenset(
    {
        ("dossiers", "seal"),
        ("dossiers", "events_seal"),
        ("quotas", "seal"),
        ("courses", "seal"),
        ("journal", "link"),
        ("identities", "value"),
    }
)
