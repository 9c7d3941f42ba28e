"""
The statistics of new members (Biểu số 3-BTCTW) over N dossiers, against hand-written SQL.

- ketnap: `ketnap.statistics.new_members` on a `SQLiteStore`: the store's profile query
  and the form's rows (age bands, school groups, not-recorded counts).
- floor: one hand-written SQL query over the same tables computing the same counts
  with SUM(CASE ...), with no library code in between.

The store is filled as benchmarks/report.py fills it (copies of walked dossiers over the
example district's branches, meetings spread over 2019-2021), the candidates varied in
sex, age, education, ethnicity, religion, political theory and occupation, some of them
not recorded. Each is timed three times; the best of each is compared, in one run.

    python benchmarks/new_members.py              # 1,000,000 dossiers (about 10 minutes to fill)
    python benchmarks/new_members.py --n 100000   # quicker

The last line is ``ratio_floor=R``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import attrs
import pendulum
from report import MIX, ON, best_of, copies, district

from ketnap import (
    Dossier,
    EducationLevel,
    Occupation,
    OrganizationTree,
    PoliticalTheory,
    Sex,
    SQLiteStore,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.statistics import new_members
from ketnap.terms import is_youth
from ketnap.testing import add_sponsor, make_dossier, walk

START = pendulum.Date(2021, 1, 1)


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


_FLOOR = """
SELECT count(*),
       sum(sex = 'female'), sum(sex IS NULL), sum(ethnic_minority), sum(religious),
       sum(months < 372), sum(union_member),
       sum(months / 12 <= 30), sum(months / 12 BETWEEN 31 AND 40),
       sum(months / 12 BETWEEN 41 AND 50), sum(months / 12 BETWEEN 51 AND 60),
       sum(months / 12 > 60),
       sum(education IN ('none', 'literate', 'primary')),
       sum(education IN ('lower_secondary_equivalent', 'lower_secondary')),
       sum(education IN ('upper_secondary', 'higher')),
       sum(theory IS NULL), {theories}, sum(occupation IS NULL), {occupations}
FROM (SELECT json_extract(c, '$.sex') AS sex, json_extract(c, '$.education') AS education,
             json_extract(c, '$.youth_union_member') AS union_member,
             json_extract(c, '$.political_theory') AS theory,
             json_extract(c, '$.occupation') AS occupation,
             ethnic_minority, religious,
             -- age in calendar months (the policy's default counting, A-04); youth age
             -- is under 31 years of them (C-10)
             CAST(substr(day, 1, 4) AS INTEGER) * 12 + CAST(substr(day, 6, 2) AS INTEGER)
               - CAST(substr(json_extract(c, '$.birth_date'), 1, 4) AS INTEGER) * 12
               - CAST(substr(json_extract(c, '$.birth_date'), 6, 2) AS INTEGER) AS months
      FROM (SELECT e.day, d.ethnic_minority, d.religious,
                   json_extract(d.document, '$.dossier.candidate') AS c
            FROM events e JOIN dossiers d ON d.id = e.dossier_id
            WHERE e.kind = 'decide_admission' AND e.day BETWEEN ? AND ?))
"""


def floor(path: Path) -> tuple[int, ...]:
    theories = ", ".join(f"sum(theory = '{m.value}')" for m in PoliticalTheory)
    occupations = ", ".join(f"sum(occupation = '{m.value}')" for m in Occupation)
    db = sqlite3.connect(path)
    row = db.execute(
        _FLOOR.format(theories=theories, occupations=occupations),
        (START.isoformat(), ON.isoformat()),
    ).fetchone()
    db.close()
    return tuple(int(value or 0) for value in row)


def main() -> None:
    parser = argparse.ArgumentParser(description="The statistics of new members, at scale.")
    parser.add_argument("--n", type=int, default=1_000_000, help="dossiers (default 1,000,000)")
    args = parser.parse_args()
    workflow = Workflow()
    tree = district()
    facts = facts_for(workflow.law)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "district.db")
        started = time.perf_counter()
        with SQLiteStore(path, facts=facts, durable=False) as store:
            store.save_tree(tree)
            store.save_all(copies(templates(workflow, tree, 600), args.n))
        filled = time.perf_counter() - started
        with SQLiteStore(path, facts=facts) as store:
            ours, form = best_of(
                3, lambda: new_members(store, tree, unit="YL", since=START, on=ON, law=workflow.law)
            )
        theirs, counts = best_of(3, lambda: floor(path))
    assert isinstance(counts, tuple)
    rows = {row.code: row for row in form.rows}  # type: ignore[attr-defined]
    assert rows["total"].value == counts[0]
    assert rows["women"].value == counts[1]
    assert rows["women"].not_recorded == counts[2]
    assert rows["youth"].value == counts[5]
    assert rows["age_18_30"].value == counts[7]
    assert rows["age_31_40"].value == counts[8]
    assert rows["upper_secondary"].value == counts[14]
    print(f"{args.n:,} dossiers filled in {filled:.0f} s; {counts[0]:,} admitted in the period")
    print(f"  statistics: ketnap {ours:.3f} s   floor (hand-written SQL) {theirs:.3f} s")
    print(f"ratio_floor={ours / theirs:.2f}")


if __name__ == "__main__":
    main()
