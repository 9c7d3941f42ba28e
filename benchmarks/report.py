"""
A district report over N dossiers in a SQLite store, against hand-written SQL.

- ketnap: `ketnap.report` on a `SQLiteStore`: the figures query plus the report's own
  work (the tree, quotas, % of plan, idle branches, forecast).
- floor: hand-written SQL over the same tables computing the same figures (stages on
  the report date, acts in the period, admissions per branch, composition, forecast,
  courses), with no library code in between.

The store is filled through `SQLiteStore.save_all` with copies of 600 walked dossiers
(10% before the branch proposal, 5% proposed, 25% on probation, 60% with their card),
their meetings spread over 2019-2021, spread over the 302 branches of the example
district. Each report is timed three times; the best of each is compared, in one run.

    python benchmarks/report.py              # 1,000,000 dossiers (about 10 minutes to fill)
    python benchmarks/report.py --n 100000   # quicker
    python benchmarks/report.py --store postgresql [--url postgresql://...]

With ``--store postgresql`` the store is a `PostgresStore` on one server (the one
``--url`` or $KETNAP_BENCH_POSTGRES_URL names, or a throwaway one), and the floor's SQL
runs there through psycopg.

The last line is ``ratio_floor=R``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import pendulum
from _postgres import arguments, stores

from ketnap import Course, Dossier, OrganizationTree, Quotas, Stage, Unit, Workflow
from ketnap import report as make_report
from ketnap.derived import facts_for
from ketnap.testing import clone, make_dossier, walk

ON = pendulum.Date(2021, 8, 25)
START = pendulum.Date(2021, 1, 1)
YEAR_END = pendulum.Date(2021, 12, 31)
MIX = [(Stage.PREPARED, 10), (Stage.PROPOSED, 5), (Stage.PROBATION, 25), (Stage.CARD_ISSUED, 60)]


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
        Unit(code=f"CB{n:02d}", name=f"Chi bộ {n}", level="base_branch", parent="YL", members=23)
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


# --- the floor: hand-written SQL ------------------------------------------------------------


# The stage on the report date: the target of each dossier's last act by then.
_LAST_ACTS = {
    "sqlite": "SELECT target, count(*) FROM (SELECT target, max(seq) FROM events"
    " WHERE kind != 'awareness_certificate' AND day <= ? GROUP BY organization, dossier_id)"
    " GROUP BY target",
    "postgresql": "SELECT target, count(*) FROM (SELECT DISTINCT ON (organization, dossier_id)"
    " target FROM events WHERE target IS NOT NULL AND day <= %s"
    " ORDER BY organization, dossier_id, seq DESC) AS t"
    " GROUP BY target",
}


def floor(connect: Callable[[], Any], kind: str) -> dict[str, Any]:
    db = connect()
    mark = "?" if kind == "sqlite" else "%s"

    def q(text: str) -> str:
        return text.replace("?", mark)

    day, start, end = ON.isoformat(), START.isoformat(), YEAR_END.isoformat()
    stages = dict(db.execute(_LAST_ACTS[kind], (day,)).fetchall())
    (entered,) = db.execute(
        q("SELECT count(*) FROM dossiers WHERE entered_on <= ?"), (day,)
    ).fetchone()
    stages["source_pool"] = stages.get("source_pool", 0) + entered - sum(stages.values())
    acts = dict(
        db.execute(
            q("SELECT kind, count(*) FROM events WHERE day BETWEEN ? AND ? GROUP BY kind"),
            (start, day),
        ).fetchall()
    )
    by_branch = dict(
        db.execute(
            q(
                "SELECT organization, count(*) FROM events WHERE kind = 'decide_admission'"
                " AND day BETWEEN ? AND ? GROUP BY organization"
            ),
            (start, day),
        ).fetchall()
    )
    mix = db.execute(
        q(
            "SELECT sum(d.youth), sum(d.female), sum(d.ethnic_minority), sum(d.religious),"
            " sum(d.readmission) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
            " WHERE e.kind = 'decide_admission' AND e.day BETWEEN ? AND ?"
        ),
        (start, day),
    ).fetchone()
    (expected,) = db.execute(
        q(
            "SELECT count(*) FROM dossiers WHERE stage IN"
            " ('source_pool', 'trained', 'prepared', 'proposed', 'endorsed')"
            " AND expected_decision_on <= ?"
            " AND (window_closes_on IS NULL OR window_closes_on >= ?)"
        ),
        (end, day),
    ).fetchone()
    courses = db.execute(
        q(
            "SELECT count(*), coalesce(sum(trainees), 0) FROM courses"
            " WHERE closed_on BETWEEN ? AND ?"
        ),
        (start, day),
    ).fetchone()
    db.close()
    admitted = acts.get("decide_admission", 0)
    return {
        "stages": stages,
        "admitted": admitted,
        "branches_admitting": len(by_branch),
        "composition": mix,
        "forecast": admitted + expected,
        "courses": courses,
    }


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, object]:
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


def main() -> None:
    args = arguments("A district report over many dossiers.", default_n=1_000_000)
    workflow = Workflow()
    tree = district()
    quotas = Quotas({(base.code, 2021): 4 for base in tree.base_units("YL")})
    facts = facts_for(workflow.law)
    with stores(args.store, args.url, facts, "report") as store_kind:
        started = time.perf_counter()
        options = {"durable": False} if args.store == "sqlite" else {}
        with store_kind.open(**options) as store:
            fill(store, tree, quotas, args.n)
        filled = time.perf_counter() - started
        store_kind.settle()
        with store_kind.open() as store:
            ours, result = best_of(
                3, lambda: make_report(store, tree, quotas, unit="YL", year=2021, on=ON)
            )
        theirs, figures = best_of(3, lambda: floor(store_kind.connect, args.store))
    assert isinstance(figures, dict)
    assert result.admitted == figures["admitted"]  # type: ignore[attr-defined]
    assert result.forecast == figures["forecast"]  # type: ignore[attr-defined]
    print(f"{args.n:,} dossiers filled in {filled:.0f} s ({args.store})")
    print(f"  admitted {figures['admitted']:,}, forecast {figures['forecast']:,}")
    print(f"  report: ketnap {ours:.3f} s   floor (hand-written SQL) {theirs:.3f} s")
    print(f"ratio_floor={ours / theirs:.2f}")


if __name__ == "__main__":
    main()
