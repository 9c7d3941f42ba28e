"""
The statistics of new members (Biểu số 3-BTCTW) over N dossiers, against hand-written SQL.

- ketnap: `ketnap.statistics.new_members` on a store opened beforehand: the store's
  profile query (the admitted of the period grouped by every fact the form counts, read
  from the sealed documents) and the form's rows (ages by the law in force on each
  decision, age bands, school groups, not-recorded counts).
- floor: one hand-written query on a connection opened beforehand, then plain Python
  over its few hundred groups. The query reads each admitted dossier's document once:
  a MATERIALIZED CTE holds the candidate object (SQLite: its text, extracted once;
  PostgreSQL: its jsonb, parsed once), and every fact is read from that, in one call on
  SQLite (``json_extract`` with several paths gives one array per row). A subquery in
  its place is flattened by both databases (SQLite inlines it, PostgreSQL pulls it up),
  which repeats the extraction from the whole document for every fact (EXPLAIN: on
  SQLite two ``json_extract`` calls per fact and row, the candidate taken out of the
  document again each time; on PostgreSQL the document cast to jsonb once per fact).
  The groups are then counted as the form asks, its rows and the policy's age counting
  (calendar months, youth age under 31 years) written out by hand.

Why this is the fastest fair floor: reading the admitted dossiers' documents is the cost
neither side can avoid (the facts are not derived columns); the floor reads each once,
parses it once, groups in SQL and leaves Python only a few hundred groups. It gets what
ketnap gets: the same tables and indexes, a connection and a page cache opened before
timing, one read transaction. Before timing, every row of its form (total, women,
ethnic minority, religious, youth, Youth Union, each age band, each school group, each
political theory and occupation value) must equal ketnap's, value and not-recorded
count alike. The sides then run interleaved; the best of --rounds is kept.

The store is filled as benchmarks/report.py fills it (copies of walked dossiers over the
example district's branches, meetings spread over 2019-2021), the candidates varied in
sex, age, education, ethnicity, religion, political theory and occupation, some of them
not recorded.

    python benchmarks/new_members.py              # 1,000,000 dossiers (about 10 minutes to fill)
    python benchmarks/new_members.py --n 100000   # quicker
    python benchmarks/new_members.py --store postgresql [--url postgresql://...]

The last line is ``ratio_floor=R`` (with --json, then one JSON line).
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Iterable
from typing import Any, Final

import attrs
import pendulum
from _harness import Ratio, add_options, check_equal, emit, interleaved
from _postgres import arguments, stores
from report import MIX, ON, copies, district

from ketnap import (
    AgeCounting,
    Dossier,
    EducationLevel,
    Law,
    Occupation,
    OrganizationTree,
    PoliticalTheory,
    Sex,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.model import Candidate
from ketnap.statistics import NewMembersStatistics, new_members
from ketnap.terms import is_youth
from ketnap.testing import add_sponsor, make_dossier, walk

START = pendulum.Date(2021, 1, 1)
FLOOR = (
    "one hand-written query on a connection opened beforehand, each admitted document"
    " read and parsed once (MATERIALIZED CTE), then plain Python over the groups"
)


def templates(workflow: Workflow, tree: OrganizationTree, count: int) -> list[Dossier]:
    rng = random.Random(3)
    branches = tree.branches("YL")
    stages = [stage for stage, share in MIX for _ in range(share)]
    result = []
    for index in range(count):
        meeting = pendulum.Date(2019, 1, 8).add(days=rng.randrange(0, 960))
        dossier = make_dossier(
            meeting=meeting, id="T", organization=tree.organization(rng.choice(branches).code)
        )
        dossier.candidate = attrs.evolve(
            dossier.candidate,
            birth_date=meeting.subtract(days=rng.randrange(19 * 365, 55 * 365)),
            sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.MALE, None]),
            education=rng.choice([EducationLevel.UPPER_SECONDARY, EducationLevel.HIGHER,
                                  EducationLevel.LOWER_SECONDARY]),
            ethnic_minority=rng.random() < 0.1,
            religious=rng.random() < 0.05,
            political_theory=rng.choice([None, *PoliticalTheory]),
            occupation=rng.choice([None, None, *Occupation]),
        )  # fmt: skip
        if not is_youth(dossier.candidate.birth_date, meeting, workflow.law.policy_for(meeting)):
            add_sponsor(dossier, meeting=meeting)  # past youth age: two sponsors (C-01)
        walk(workflow, dossier, meeting=meeting, until=stages[index % len(stages)])
        result.append(dossier)
    return result


# --- the floor: one query, then the form by hand --------------------------------------------

# The facts, in the order the query returns them; the birth date last.
FACTS: Final = (
    "sex",
    "ethnic_minority",
    "religious",
    "youth_union_member",
    "education",
    "political_theory",
    "occupation",
    "birth_date",
)

_SQLITE = """
WITH admitted AS MATERIALIZED (
    SELECT e.day AS day, json_extract(d.document, '$.dossier.candidate') AS c
    FROM events e JOIN dossiers d ON d.id = e.dossier_id
    WHERE e.kind = 'decide_admission' AND e.day BETWEEN ? AND ?
)
SELECT json_extract(c, {paths}), day, count(*) FROM admitted GROUP BY 1, 2
"""

_POSTGRES = """
WITH admitted AS MATERIALIZED (
    SELECT e.day AS day, (d.document::jsonb) #> '{{dossier,candidate}}' AS c
    FROM events e JOIN dossiers d ON d.id = e.dossier_id
    WHERE e.kind = 'decide_admission' AND e.day BETWEEN %s AND %s
)
SELECT {facts}, day, count(*) FROM admitted GROUP BY {groups}
"""


def statement(kind: str) -> str:
    """The floor's query for *kind*, written once."""
    if kind == "sqlite":
        return _SQLITE.format(paths=", ".join(f"'$.{name}'" for name in FACTS))
    facts = ", ".join(f"c->'{name}'" for name in FACTS)
    groups = ", ".join(str(n) for n in range(1, len(FACTS) + 2))
    return _POSTGRES.format(facts=facts, groups=groups)


# The form's rows as the office reads them: (code, fact, the values it counts).
_BOOL = (True,)
ROWS: Final = (
    ("women", "sex", ("female",)),
    ("ethnic_minority", "ethnic_minority", _BOOL),
    ("religious", "religious", _BOOL),
    ("youth", "youth", _BOOL),
    ("youth_union", "youth_union_member", _BOOL),
    ("age_18_30", "age", ("age_18_30",)),
    ("age_31_40", "age", ("age_31_40",)),
    ("age_41_50", "age", ("age_41_50",)),
    ("age_51_60", "age", ("age_51_60",)),
    ("age_over_60", "age", ("age_over_60",)),
    ("primary", "education", ("none", "literate", "primary")),
    ("lower_secondary", "education", ("lower_secondary_equivalent", "lower_secondary")),
    ("upper_secondary", "education", ("upper_secondary", "higher")),
    *((f"political_theory.{m.value}", "political_theory", (m.value,)) for m in PoliticalTheory),
    *((f"occupation.{m.value}", "occupation", (m.value,)) for m in Occupation),
)


@attrs.frozen
class Known:
    """What the floor spells out beforehand: the facts' defaults and the law's age terms."""

    # A fact a document leaves out counts as the model's default (None: not recorded).
    defaults: tuple[object, ...]
    # Per regulation, oldest first: its first day (ISO) and the months youth age ends at.
    youth_ends: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, law: Law) -> Known:
        fields = attrs.fields_dict(Candidate)
        defaults = tuple(
            None if fields[name].default is attrs.NOTHING else fields[name].default
            for name in FACTS[:-1]
        )
        terms = []
        for ruleset in law.regulations:
            policy = ruleset.policy
            if policy.age_counting is not AgeCounting.CALENDAR_MONTHS:
                raise SystemExit("the floor counts ages in calendar months only")
            start = ruleset.effective.start or pendulum.Date(1, 1, 1)
            terms.append((start.isoformat(), (policy.youth_age_max_years + 1) * 12))
        return cls(defaults=defaults, youth_ends=tuple(terms))


def _band(years: int) -> str:
    if years <= 30:
        return "age_18_30"
    if years <= 40:
        return "age_31_40"
    if years <= 50:
        return "age_41_50"
    return "age_51_60" if years <= 60 else "age_over_60"


def counted(
    known: Known, groups: Iterable[tuple[list[object], str, int]]
) -> list[tuple[str, int | None, int]]:
    """The form's rows (code, value or None, not recorded) from the query's groups."""
    tallies: dict[str, dict[object, int]] = {}
    total = 0
    for facts, day, number in groups:
        total += number
        for name, value, default in zip(FACTS, facts, known.defaults, strict=False):
            key = default if value is None else value
            tally = tallies.setdefault(name, {})
            tally[key] = tally.get(key, 0) + number
        birth = str(facts[-1])
        months = (int(day[:4]) - int(birth[:4])) * 12 + int(day[5:7]) - int(birth[5:7])
        limit = next(m for start, m in reversed(known.youth_ends) if start <= day)
        for name, key in (("age", _band(months // 12)), ("youth", months < limit)):
            tally = tallies.setdefault(name, {})
            tally[key] = tally.get(key, 0) + number
    rows: list[tuple[str, int | None, int]] = [("total", total, 0)]
    for code, fact, accepted in ROWS:
        values = tallies.get(fact, {})
        unknown = values.get(None, 0)
        count = sum(n for value, n in values.items() if value in accepted)
        rows.append((code, count if total == 0 or unknown < total else None, unknown))
    return rows


def floor(
    db: Any,  # noqa: ANN401 - a sqlite3 or psycopg connection
    *,
    kind: str,
    sql: str,
    known: Known,
    since: str,
    on: str,
) -> dict[str, object]:
    """The district's form from an open connection *db*, as `as_compared` gives ketnap's."""
    db.execute("BEGIN" if kind == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    found = db.execute(sql, (since, on)).fetchall()
    db.execute("COMMIT")
    if kind == "sqlite":
        groups = ((json.loads(facts), day, number) for facts, day, number in found)
    else:
        groups = ((list(row[:-2]), row[-2], row[-1]) for row in found)
    return {"unit": "YL", "since": since, "on": on, "rows": counted(known, groups)}


def as_compared(form: NewMembersStatistics) -> dict[str, object]:
    """ketnap's form as the floor gives it: every row's code, value and not-recorded count."""
    return {
        "unit": form.unit,
        "since": form.since.isoformat(),
        "on": form.on.isoformat(),
        "rows": [(row.code, row.value, row.not_recorded) for row in form.rows],
    }


def main() -> None:
    args = arguments("The statistics of new members, at scale.", default_n=1_000_000,
                     extra=add_options)  # fmt: skip
    workflow = Workflow()
    law = workflow.law
    tree = district()
    known = Known.of(law)
    sql = statement(args.store)
    with stores(args.store, args.url, facts_for(law), "new_members") as store_kind:
        started = time.perf_counter()
        options = {"durable": False} if args.store == "sqlite" else {}
        with store_kind.open(**options) as store:
            store.save_tree(tree)
            store.save_all(copies(templates(workflow, tree, 600), args.n))
        filled = time.perf_counter() - started
        store_kind.settle()
        with store_kind.open() as store, contextlib.closing(store_kind.connect()) as db:
            if args.store == "sqlite":
                db.isolation_level = None
                db.execute("PRAGMA cache_size=-65536")  # as the store asks
            else:
                db.autocommit = True

            def ours() -> NewMembersStatistics:
                return new_members(store, tree, unit="YL", since=START, on=ON, law=law)

            def theirs() -> dict[str, object]:
                return floor(
                    db,
                    kind=args.store,
                    sql=sql,
                    known=known,
                    since=START.isoformat(),
                    on=ON.isoformat(),
                )

            form = ours()
            check_equal(as_compared(form), theirs(), what="the statistics form")
            best = interleaved({"ketnap": ours, "floor": theirs}, args.rounds)
    ratio = best["ketnap"] / best["floor"]
    print(f"{args.n:,} dossiers filled in {filled:.0f} s ({args.store});"
          f" {form.row('total').value:,} admitted in the period; every row equal")  # fmt: skip
    print(f"  statistics, best of {args.rounds}: ketnap {best['ketnap']:.3f} s"
          f"   floor (hand-written SQL) {best['floor']:.3f} s")  # fmt: skip
    emit(
        f"ratio_floor={ratio:.2f}",
        [Ratio(f"statistics ({args.store})", FLOOR, ratio, args.n)],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
