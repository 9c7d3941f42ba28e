"""
A district report over N dossiers in a store, against hand-written SQL.

- ketnap: `ketnap.report` on a store opened beforehand: the figures query plus the
  report's own work (the tree, quotas, % of plan, idle branches, forecast).
- floor: hand-written SQL on a connection opened beforehand, computing every field of
  the same report (`Report.to_data`: stages on the report date, acts in the period,
  admissions per branch, composition, forecast, courses, and the tree's and quotas'
  figures from plain data), with no library code in between.

Why this is the fastest fair floor: it reads the same tables and indexes as ketnap does,
each once and along its key. Each dossier's stage on the report date is the target of its
last act by then, read along the events' key (organization, dossier_id, seq): on SQLite
the bare column of ``max(seq)``, on PostgreSQL ``DISTINCT ON`` ordered all DESC so the
key's index is read backwards (an order with mixed directions cannot use the index and
sorts every event, spilling to disk); the period's acts by kind and by branch are one
reading of the events; the composition one join. It runs in one read transaction, as
ketnap's does, on a connection (and, on SQLite, a 64 MB page cache, the store's) opened
before timing. Before timing, every field of its report must equal ketnap's; then the
two run interleaved, the best of --rounds kept.

The store is filled through `save_all` with copies of 600 walked dossiers (10% before
the branch proposal, 5% proposed, 25% on probation, 60% with their card), their meetings
spread over 2019-2021, spread over the 302 branches of the example district.

    python benchmarks/report.py              # 1,000,000 dossiers (about 10 minutes to fill)
    python benchmarks/report.py --n 100000   # quicker
    python benchmarks/report.py --store postgresql [--url postgresql://...]

With ``--store postgresql`` the store is a `PostgresStore` on one server (the one
``--url`` or $KETNAP_BENCH_POSTGRES_URL names, or a throwaway one), and the floor's SQL
runs there through psycopg.

The last line is ``ratio_floor=R`` (with --json, then one JSON line).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pendulum
from _harness import Ratio, add_options, check_equal, emit, interleaved
from _postgres import arguments, stores

from ketnap import (
    ADMISSION,
    Course,
    Dossier,
    OrganizationTree,
    Quotas,
    Report,
    Stage,
    Unit,
    Workflow,
)
from ketnap import report as make_report
from ketnap.derived import facts_for
from ketnap.testing import clone, make_dossier, walk

ON = pendulum.Date(2021, 8, 25)
START = pendulum.Date(2021, 1, 1)
YEAR_END = pendulum.Date(2021, 12, 31)
TARGET = 1.5
"""The ratio to the floor the report aims to stay within."""
MIX = [
    (Stage.PREPARED, 10),
    (Stage.PROPOSED, 5),
    (Stage.PROBATION, 25),
    (Stage.CARD_ISSUED, 60),
]


def district() -> OrganizationTree:
    units = [Unit(code="YL", name="Đảng bộ huyện", level="district")]
    for n in range(1, 21):
        units.append(Unit(code=f"DB{n:02d}", name=f"Xã {n}", level="base_committee", parent="YL"))
        units += [
            Unit(code=f"DB{n:02d}.{b:02d}", name=f"Thôn {b}", level="branch", parent=f"DB{n:02d}",
                 members=23)
            for b in range(1, 14 + (n <= 3))
        ]  # fmt: skip
    units += [
        Unit(
            code=f"CB{n:02d}",
            name=f"Chi bộ {n}",
            level="base_branch",
            parent="YL",
            members=23,
        )
        for n in range(1, 40)
    ]
    return OrganizationTree(units)


def templates(workflow: Workflow, tree: OrganizationTree, count: int) -> list[Dossier]:
    rng = random.Random(7051)
    branches = tree.branches("YL")
    stages = [stage for stage, share in MIX for _ in range(share)]
    result = []
    for index in range(count):
        meeting = pendulum.Date(2019, 1, 8).add(days=rng.randrange(0, 960))
        branch = rng.choice(branches)
        dossier = make_dossier(meeting=meeting, id="T", organization=tree.organization(branch.code))
        walk(workflow, dossier, meeting=meeting, until=stages[index % len(stages)])
        result.append(dossier)
    return result


def copies(shapes: list[Dossier], n: int) -> Iterator[Dossier]:
    for index in range(n):
        yield clone(shapes[index % len(shapes)], f"HS-{index:07d}")


# --- the floor: hand-written SQL and plain Python ---------------------------------------------


@attrs.frozen
class Known:
    """
    What the floor knows before it is timed, as plain data a hand-written program holds.

    The organisation tree as tuples and a children map, the quotas as a dict, and the
    process's codes (the stages in order, the acts each figure counts): the constants a
    program written for this district and this process would spell out.
    """

    units: dict[str, tuple[str, str, int]]  # code: (name, level, members)
    children: dict[str, list[str]]
    branch_levels: frozenset[str]
    base_levels: frozenset[str]
    quotas: dict[tuple[str, int], int]
    stages: tuple[str, ...]
    initial: str
    pipeline: tuple[str, ...]
    admissions: tuple[str, ...]
    recognitions: tuple[str, ...]
    removals: tuple[str, ...]
    refusals: tuple[str, ...]

    @classmethod
    def of(cls, tree: OrganizationTree, quotas: dict[tuple[str, int], int]) -> Known:
        units = list(tree.subtree(tree.root.code))
        return cls(
            units={u.code: (u.name, u.level, u.members) for u in units},
            children={u.code: [c.code for c in tree.children(u.code)] for u in units},
            branch_levels=frozenset(u.level for u in units if tree.level(u).branch),
            base_levels=frozenset(u.level for u in units if tree.level(u).base),
            quotas=quotas,
            stages=ADMISSION.stage_codes,
            initial=ADMISSION.initial,
            pipeline=tuple(sorted(ADMISSION.stages_tagged("pipeline"))),
            admissions=tuple(sorted(ADMISSION.steps_tagged("admission"))),
            recognitions=tuple(sorted(ADMISSION.steps_tagged("recognition"))),
            removals=tuple(sorted(ADMISSION.steps_tagged("removal"))),
            refusals=tuple(sorted(ADMISSION.steps_tagged("refusal"))),
        )


def _statements(kind: str, known: Known) -> dict[str, str]:
    """The floor's SQL, written once for *kind*'s placeholders (our own names only)."""
    mark = "?" if kind == "sqlite" else "%s"
    admissions = ", ".join([mark] * len(known.admissions))
    pipeline = ", ".join([mark] * len(known.pipeline))
    # The stage on the report date: the target of each dossier's last act by then, read
    # along the events' key (organization, dossier_id, seq): SQLite returns the bare
    # column of the row holding max(seq); PostgreSQL reads the key backwards (all DESC).
    last_acts = {
        "sqlite": "SELECT target, count(*) FROM (SELECT target, max(seq) FROM events"
        " WHERE target IS NOT NULL AND day <= ? GROUP BY organization, dossier_id)"
        " GROUP BY target",
        "postgresql": "SELECT target, count(*) FROM (SELECT DISTINCT ON (organization,"
        " dossier_id) target FROM events WHERE target IS NOT NULL AND day <= ?"
        " ORDER BY organization DESC, dossier_id DESC, seq DESC) AS last GROUP BY target",
    }
    statements = {
        "begin": "BEGIN" if kind == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        "last_acts": last_acts[kind],
        "entered": "SELECT count(*) FROM dossiers WHERE entered_on <= ?",
        # The period's acts by kind and by branch, in one reading of the events.
        "acts": "SELECT kind, organization, count(*) FROM events WHERE day BETWEEN ? AND ?"
        " GROUP BY kind, organization",
        # Our own column names and placeholders only.
        "mix": "SELECT sum(d.youth), sum(d.female), sum(d.ethnic_minority),"  # noqa: S608
        " sum(d.religious), sum(d.readmission)"
        " FROM events e JOIN dossiers d ON d.id = e.dossier_id"
        f" WHERE e.kind IN ({admissions}) AND e.day BETWEEN ? AND ?",
        "expected": f"SELECT count(*) FROM dossiers WHERE stage IN ({pipeline})"  # noqa: S608
        " AND expected_decision_on BETWEEN ? AND ?"
        " AND (window_closes_on IS NULL OR window_closes_on >= ?)",
        "courses": "SELECT count(*), coalesce(sum(trainees), 0) FROM courses"
        " WHERE closed_on BETWEEN ? AND ?",
    }
    return {name: text.replace("?", mark) for name, text in statements.items()}


def _percent(part: int, whole: int | None) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)


@attrs.frozen
class Floor:
    """The report by hand: statements written once, a connection opened beforehand."""

    db: Any
    known: Known
    sql: dict[str, str]

    def __call__(self, unit: str, year: int, on: pendulum.Date) -> dict[str, Any]:
        """*unit*'s report for *year* on *on*, as `Report.to_data` gives it."""
        known, sql, db = self.known, self.sql, self.db
        # The tree: the unit's subtree depth first, its branches, bases, members and plan.
        order, stack = [], [unit]
        while stack:
            code = stack.pop()
            order.append(code)
            stack.extend(reversed(known.children[code]))
        units = known.units
        branches = [c for c in order if units[c][1] in known.branch_levels]
        plans: dict[str, int | None] = {}
        for code in reversed(order):
            own = known.quotas.get((code, year))
            if own is None:
                below = [n for c in known.children[code] if (n := plans[c]) is not None]
                own = sum(below) if below else None
            plans[code] = own
        plan = plans[unit]

        start, end = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
        day = on.isoformat()
        db.execute(sql["begin"])
        stages = dict(db.execute(sql["last_acts"], (day,)).fetchall())
        stages.pop("transferred_out", None)
        (entered,) = db.execute(sql["entered"], (day,)).fetchone()
        initial = known.initial
        stages[initial] = stages.get(initial, 0) + entered - sum(stages.values())
        acts: dict[str, int] = {}
        admitting: set[str] = set()
        for act, branch, number in db.execute(sql["acts"], (start, day)).fetchall():
            acts[act] = acts.get(act, 0) + number
            if act in known.admissions:
                admitting.add(branch)
        mix = db.execute(sql["mix"], (*known.admissions, start, day)).fetchone()
        (expected,) = db.execute(sql["expected"], (*known.pipeline, day, end, day)).fetchone()
        courses, trainees = db.execute(sql["courses"], (start, day)).fetchone()
        db.execute("COMMIT")

        def count(steps: tuple[str, ...]) -> int:
            return sum(acts.get(step, 0) for step in steps)

        admitted = count(known.admissions)
        forecast = admitted + (expected if day < end else 0)
        youth, women, minority, religious, readmission = (int(v or 0) for v in mix)
        refused = sorted(
            ((k.removeprefix("refused:"), n) for k, n in acts.items() if k.startswith("refused:")),
            key=lambda pair: (-pair[1], pair[0]),
        )
        return {
            "unit": unit,
            "unit_name": units[unit][0],
            "year": year,
            "since": start,
            "on": day,
            "members": sum(units[c][2] for c in order),
            "base_organizations": sum(1 for c in order if units[c][1] in known.base_levels),
            "branches": len(branches),
            "courses": courses,
            "trainees": trainees,
            "certificates": acts.get("awareness_certificate", 0),
            "stages": {stage: stages.get(stage, 0) for stage in known.stages},
            "admitted": admitted,
            "plan": plan,
            "percent_of_plan": _percent(admitted, plan),
            "recognitions": count(known.recognitions),
            "removals": count(known.removals),
            "refusals": count(known.refusals),
            "late_acts": acts.get("late_act", 0),
            "refusals_by_rule": dict(refused),
            "readmissions": readmission,
            "composition": {
                "youth": youth,
                "women": women,
                "ethnic_minority": minority,
                "religious": religious,
            },
            "idle_branches": [
                {"code": c, "name": units[c][0]} for c in branches if c not in admitting
            ],
            "forecast": forecast,
            "forecast_percent": _percent(forecast, plan),
        }


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    """The best of *runs* timings of *action* alone, and its last result (benchmarks/scale.py)."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def fill(store: Any, tree: OrganizationTree, quotas: Quotas, n: int) -> None:  # noqa: ANN401
    store.save_tree(tree)
    store.save_quotas(quotas)
    store.save_courses([
        Course(code="K1", unit="YL", opened_on=pendulum.Date(2021, 3, 15),
               closed_on=pendulum.Date(2021, 3, 19), trainees=92),
        Course(code="K2", unit="YL", opened_on=pendulum.Date(2021, 6, 14),
               closed_on=pendulum.Date(2021, 6, 18), trainees=83),
    ])  # fmt: skip
    store.save_all(copies(templates(Workflow(), tree, 600), n))


FLOOR = (
    "hand-written SQL on a connection opened beforehand: the same six readings of the"
    " tables and indexes (last acts along the events' key), one read transaction, the tree"
    " and quotas as plain data"
)


def main() -> None:
    args = arguments(
        "A district report over many dossiers.", default_n=1_000_000, extra=add_options
    )
    workflow = Workflow()
    tree = district()
    plan = {(base.code, 2021): 4 for base in tree.base_units("YL")}
    quotas = Quotas(plan)
    known = Known.of(tree, plan)
    facts = facts_for(workflow.law)
    with stores(args.store, args.url, facts, "report") as store_kind:
        started = time.perf_counter()
        options = {"durable": False} if args.store == "sqlite" else {}
        with store_kind.open(**options) as store:
            fill(store, tree, quotas, args.n)
        filled = time.perf_counter() - started
        store_kind.settle()
        # Both sides open their connection before timing, with the same page cache.
        with store_kind.open() as store, contextlib.closing(store_kind.connect()) as db:
            if args.store == "sqlite":
                db.isolation_level = None
                db.execute("PRAGMA cache_size=-65536")
            else:
                db.autocommit = True

            def ours() -> Report:
                return make_report(store, tree, quotas, unit="YL", year=2021, on=ON)

            by_hand = Floor(db, known, _statements(args.store, known))

            def theirs() -> dict[str, Any]:
                return by_hand("YL", 2021, ON)

            result, figures = ours(), theirs()
            check_equal(result.to_data(), figures, what="the district report")
            best = interleaved({"ketnap": ours, "floor": theirs}, args.rounds)
    ratio = best["ketnap"] / best["floor"]
    print(f"{args.n:,} dossiers filled in {filled:.0f} s ({args.store})")
    print(f"  admitted {result.admitted:,}, forecast {result.forecast:,}; every field equal")
    print(
        f"  report, best of {args.rounds}: ketnap {best['ketnap']:.3f} s"
        f"   floor (hand-written SQL) {best['floor']:.3f} s"
    )
    emit(
        f"ratio_floor={ratio:.2f}",
        [Ratio(f"report ({args.store})", FLOOR, ratio, args.n, TARGET)],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
