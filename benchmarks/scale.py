"""
What grows with the number of dossiers in a store: memory of one save, due lists, paging, reports.

Fills a SQLite store with N dossiers in ONE `save_all` call fed by a generator (copies of
walked dossiers, as benchmarks/report.py makes them), then measures:

- ``save_peak_mb``: the growth of the process's peak memory during that call;
- ``due_ids_ms``: `ids(Query(due_by=day))` for a day with about 0.2% of the dossiers due;
- ``first_row_ms``: the time to the first dossier of `find(Query(stage=...))`, for the
  stages of people on probation (a quarter of the store);
- ``base_share``: the report of one base committee's time as a share of the district
  report's, divided by its share of the dossiers (1 is proportional).

    python benchmarks/scale.py              # 1,000,000 dossiers (10 to 20 minutes)
    python benchmarks/scale.py --n 100000
    python benchmarks/scale.py --store postgresql [--url postgresql://...]

The last line is ``n= save_peak_mb= due_ids_ms= first_row_ms= base_share=``.
"""

from __future__ import annotations

import resource
import time

import pendulum
from _postgres import arguments, stores
from report import ON, best_of, copies, district, templates

from ketnap import Quotas, Stage, Workflow
from ketnap import report as make_report
from ketnap.derived import facts_for
from ketnap.storage import Query


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = arguments("What grows with the store.", default_n=1_000_000)
    workflow = Workflow()
    tree = district()
    quotas = Quotas({(base.code, 2021): 4 for base in tree.base_units("YL")})
    facts = facts_for(workflow.law)
    shapes = templates(workflow, tree, 600)
    with stores(args.store, args.url, facts, "scale") as store_kind:
        open_store = store_kind.open
        with open_store(**({"durable": False} if args.store == "sqlite" else {})) as store:
            store.save_tree(tree)
            store.save_quotas(quotas)
            before = peak_mb()
            started = time.perf_counter()
            store.save_all(copies(shapes, args.n))
            filled = time.perf_counter() - started
            save_peak = max(peak_mb() - before, 0.0)
            # The first day by which about 0.2% of the dossiers are due, found by halving.
            low, high = pendulum.Date(2018, 1, 1), pendulum.Date(2030, 1, 1)
            while low < high:
                middle = low.add(days=(high - low).days // 2)
                if store.count(Query(due_by=middle)) >= max(args.n // 500, 1):
                    high = middle
                else:
                    low = middle.add(days=1)
        due_by = low
        store_kind.settle()
        base = tree.base_units("YL")[0]
        with open_store() as store:
            due_s, due_ids = best_of(3, lambda: store.ids(Query(due_by=due_by)))
            stages = Query(stage=frozenset({Stage.PROBATION, Stage.RECOGNITION_PROPOSED}))

            def first() -> object:
                return next(iter(store.find(stages)))

            first_s, _ = best_of(3, first)
            whole_s, _ = best_of(
                3, lambda: make_report(store, tree, quotas, unit="YL", year=2021, on=ON)
            )
            part_s, _ = best_of(
                3, lambda: make_report(store, tree, quotas, unit=base.code, year=2021, on=ON)
            )
            branches = [b.code for b in tree.branches(base.code)]
            share = sum(store.count(Query(organization=code)) for code in branches) / args.n
    assert isinstance(due_ids, list)
    base_share = (part_s / whole_s) / share
    print(f"{args.n:,} dossiers saved in one call in {filled:.0f} s")
    print(f"  due by {due_by}: {len(due_ids):,} ids in {due_s * 1e3:.1f} ms")
    print(f"  base committee {base.code}: {share:.1%} of the dossiers, report {part_s:.3f} s"
          f" of the district's {whole_s:.3f} s")  # fmt: skip
    print(
        f"n={args.n} save_peak_mb={save_peak:.0f} due_ids_ms={due_s * 1e3:.1f}"
        f" first_row_ms={first_s * 1e3:.1f} base_share={base_share:.2f}"
    )


if __name__ == "__main__":
    main()
