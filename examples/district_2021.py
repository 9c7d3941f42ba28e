"""
A district's admissions in 2021, as the source article reports them on 25 Aug 2021.

The district is shaped like the article's: 59 base party organisations (20 base party
committees, 39 base branches), 263 branches under the base committees, 7,051 members,
a plan of 200 admissions for the year. Deterministic candidates with realistic variety
(some too young, some whose sponsor has been alongside them for under 12 months, some
whose certificate has expired, some in mountain areas) go through the workflow over
2021 and into a SQLite store; the report as of 25 Aug 2021 gives the article's figures:
2 courses, 175 trainees, 130 admitted, 65% of a plan of 200. Then the refusals by
reason, and the forecast for the year.

Run with ``make demo``, or ``.venv/bin/python examples/district_2021.py [--json] [--lang en]``.
The printed report is in Vietnamese by default (7.051 đảng viên, 65,0%); ``--lang en``
prints it in English (7,051 members, 65.0%). ``--json`` prints the figures as data.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs
import pendulum

from ketnap import (
    Actor,
    AreaKind,
    Certificate,
    CertificateKind,
    Course,
    Document,
    Dossier,
    EducationLevel,
    Failure,
    Lang,
    Message,
    OrganizationTree,
    Policy,
    Quotas,
    Report,
    Sex,
    SQLiteStore,
    TransitionRefused,
    Unit,
    Workflow,
    report,
)
from ketnap.derived import facts_for
from ketnap.terms import is_youth
from ketnap.testing import add_sponsor, lifecycle, make_dossier

REPORT_DATE = pendulum.date(2021, 8, 25)
"""The article's publication date."""

DISTRICT = "YL"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = {Sex.MALE: ["Văn", "Đức", "Minh", "Quang"], Sex.FEMALE: ["Thị", "Thu", "Ngọc", "Hồng"]}
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hải",
    "Hoa",
    "Khánh",
    "Lan",
    "Minh",
    "Ngọc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
]


def build_tree() -> OrganizationTree:
    """1 district, 20 base committees with 263 branches, 39 base branches, 7,051 members."""
    units = [Unit(code=DISTRICT, name="Đảng bộ huyện Yên Lạc", level="district")]
    branch_units: list[Unit] = []
    for number in range(1, 21):
        code = f"DB{number:02d}"
        name = f"Đảng bộ xã {number:02d}"
        units.append(Unit(code=code, name=name, level="base_committee", parent=DISTRICT))
        branch_units += [  # 3 x 14 + 17 x 13 = 263 branches
            Unit(code=f"{code}.{b:02d}", name=f"Chi bộ thôn {b:02d}, {name}", level="branch",
                 parent=code)
            for b in range(1, 14 + (number <= 3))
        ]  # fmt: skip
    branch_units += [
        Unit(code=f"CB{n:02d}", name=f"Chi bộ cơ sở {n:02d}", level="base_branch", parent=DISTRICT)
        for n in range(1, 40)
    ]
    # 7,051 members over the 302 branch-level units: 105 branches of 24, the rest of 23.
    share, extra = divmod(7051, len(branch_units))
    units += [
        attrs.evolve(unit, members=share + (index < extra))
        for index, unit in enumerate(branch_units)
    ]
    return OrganizationTree(units)


def build_quotas(tree: OrganizationTree) -> Quotas:
    """The district's plan of 200 for 2021, split over its 59 base organisations."""
    quotas = Quotas()
    for base in tree.base_units(DISTRICT):
        committee = base.level == "base_committee"
        quotas.assign(base.code, 2021, 6 if committee else 2)  # 20 x 6 + 39 x 2 = 198
    quotas.assign("CB01", 2021, 3)
    quotas.assign("CB02", 2021, 3)  # 200 in all
    return quotas


COURSES = [
    Course(
        code="K2020-2",
        unit=DISTRICT,
        opened_on=pendulum.date(2020, 10, 12),
        closed_on=pendulum.date(2020, 10, 16),
        trainees=70,
    ),
    Course(
        code="K2021-1",
        unit=DISTRICT,
        opened_on=pendulum.date(2021, 3, 15),
        closed_on=pendulum.date(2021, 3, 19),
        trainees=92,
    ),
    Course(
        code="K2021-2",
        unit=DISTRICT,
        opened_on=pendulum.date(2021, 6, 14),
        closed_on=pendulum.date(2021, 6, 18),
        trainees=83,
    ),
]


@attrs.frozen
class Cohort:
    """Candidates who share a course, a meeting window and a trait."""

    label: str
    count: int
    trained: pendulum.Date
    first_meeting: pendulum.Date
    weeks_between: int
    trait: str = "clean"


COHORTS = [
    Cohort(
        "Lớp 2020, kết nạp đầu năm", 50, pendulum.date(2020, 10, 16), pendulum.date(2021, 1, 12), 1
    ),
    Cohort(
        "Giấy chứng nhận quá 60 tháng",
        4,
        pendulum.date(2016, 7, 29),
        pendulum.date(2021, 8, 3),
        0,
        "expired_certificate",
    ),
    Cohort("Lớp 1/2021", 70, pendulum.date(2021, 3, 19), pendulum.date(2021, 4, 6), 1),
    Cohort(
        "Lớp 1/2021, chưa đủ 18 tuổi",
        8,
        pendulum.date(2021, 3, 19),
        pendulum.date(2021, 5, 11),
        0,
        "too_young",
    ),
    Cohort(
        "Lớp 1/2021, người giới thiệu chưa đủ 12 tháng",
        6,
        pendulum.date(2021, 3, 19),
        pendulum.date(2021, 5, 18),
        0,
        "short_sponsor",
    ),
    Cohort(
        "Lớp 1/2021, họp chi bộ tháng 8",
        8,
        pendulum.date(2021, 3, 19),
        pendulum.date(2021, 8, 10),
        1,
    ),
    Cohort(
        "Lớp 2/2021, vùng miền núi",
        10,
        pendulum.date(2021, 6, 18),
        pendulum.date(2021, 7, 6),
        1,
        "mountain",
    ),
    Cohort(
        "Lớp 2/2021, chờ họp chi bộ", 58, pendulum.date(2021, 6, 18), pendulum.date(2021, 9, 14), 1
    ),
    Cohort(
        "Lớp 2/2021, người giới thiệu từ 3/2021",
        15,
        pendulum.date(2021, 6, 18),
        pendulum.date(2021, 9, 14),
        1,
        "late_sponsor",
    ),
    Cohort(
        "Kết nạp 2020, công nhận chính thức 2021",
        30,
        pendulum.date(2019, 10, 18),
        pendulum.date(2020, 1, 14),
        1,
    ),
]


def candidates(
    tree: OrganizationTree, rng: random.Random
) -> Iterator[tuple[Dossier, Cohort, pendulum.Date]]:
    """Every candidate with its cohort and planned branch meeting."""
    branches = tree.branches(DISTRICT)
    number = 0
    for cohort in COHORTS:
        for index in range(cohort.count):
            number += 1
            meeting = cohort.first_meeting.add(weeks=(index // 5) * cohort.weeks_between)
            sex = Sex.FEMALE if rng.random() < 0.42 else Sex.MALE
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN)}"
            branch = rng.choice(branches)
            dossier = make_dossier(
                meeting=meeting,
                id=f"YL-{number:04d}",
                name=name,
                organization=tree.organization(branch.code),
            )
            shape(dossier, cohort, meeting, sex, rng)
            yield dossier, cohort, meeting


def shape(
    dossier: Dossier, cohort: Cohort, meeting: pendulum.Date, sex: Sex, rng: random.Random
) -> None:
    """Give the candidate their course, papers, age and traits."""
    prepared = cohort.trained.add(weeks=1)
    candidate = attrs.evolve(
        dossier.candidate,
        birth_date=meeting.subtract(months=rng.randrange(220, 420)),
        sex=sex,
        religious=rng.random() < 0.05,
    )
    if cohort.trait == "too_young":
        candidate = attrs.evolve(
            candidate, birth_date=pendulum.date(2003, rng.randrange(9, 12), 15)
        )
    if cohort.trait == "mountain":
        candidate = attrs.evolve(
            candidate,
            area=AreaKind.MOUNTAIN,
            education=EducationLevel.PRIMARY,
            ethnic_minority=True,
        )
    dossier.candidate = candidate
    dossier.entered_pool_on = min(dossier.entered_pool_on, cohort.trained.subtract(months=2))
    dossier.certificates = [
        Certificate(
            kind=CertificateKind.AWARENESS_COURSE, issued_on=cohort.trained, issuer="TTCT huyện"
        )
    ]
    dossier.documents = {
        form: Document(form=form, dated=max(prepared, meeting.subtract(months=2)))
        for form in dossier.documents
    }
    if dossier.verification is not None:
        dossier.verification = attrs.evolve(dossier.verification, concluded_on=prepared)
    sponsor = dossier.sponsors[0]
    if cohort.trait == "short_sponsor":
        dossier.sponsors = [attrs.evolve(sponsor, alongside_since=pendulum.date(2020, 9, 1))]
    if cohort.trait == "late_sponsor":
        dossier.sponsors = [attrs.evolve(sponsor, alongside_since=pendulum.date(2021, 3, 1))]
    if not is_youth(candidate.birth_date, meeting, Policy()):
        add_sponsor(dossier, meeting=meeting)  # past youth age: two sponsors (C-01)


def steps(
    workflow: Workflow, dossier: Dossier, cohort: Cohort, meeting: pendulum.Date
) -> Iterator[tuple[str, pendulum.Date, Actor]]:
    """The steps of *dossier* dated on or before the report date, recording what each needs."""
    for step, on, actor in lifecycle(
        dossier,
        meeting=meeting,
        workflow=workflow,
        trained=cohort.trained,
        prepared=cohort.trained.add(weeks=1),
        card_number=f"01.{dossier.id[3:]}00",
    ):
        if on > REPORT_DATE:
            return
        yield step, on, actor


# Document symbols by the body that acts: a branch's resolution (NQ/CB), the base
# committee's (NQ/ĐU), the district standing board's decision (QĐ/HU).
SYMBOLS = {
    Actor.BRANCH: "NQ/CB",
    Actor.BASE_COMMITTEE: "NQ/ĐU",
    Actor.COMPETENT_COMMITTEE: "QĐ/HU",
}


def reference(dossier: Dossier, actor: Actor) -> str:
    """The number and symbol of an act's document, as the office numbered it."""
    return f"{int(dossier.id[3:]):03d}-{SYMBOLS[actor]}"


def run(
    workflow: Workflow,
    dossier: Dossier,
    cohort: Cohort,
    meeting: pendulum.Date,
    *,
    examples: dict[str, Failure],
) -> None:
    """Take *dossier* through every step dated on or before the report date."""
    for step, on, actor in steps(workflow, dossier, cohort, meeting):
        try:
            workflow.advance(dossier, step, on=on, actor=actor, reference=reference(dossier, actor))
        except TransitionRefused as refused:
            # Kept on the dossier, so the store counts refusals by rule for the report.
            workflow.record_refusal(dossier, refused)
            for failure in refused.failures:
                examples.setdefault(failure.rule_id, failure)
            return


def simulate(store_path: Path) -> tuple[Report, Counter[str], dict[str, Failure]]:
    workflow = Workflow()
    tree = build_tree()
    quotas = build_quotas(tree)
    rng = random.Random(2021)
    examples: dict[str, Failure] = {}
    dossiers = []
    for dossier, cohort, meeting in candidates(tree, rng):
        run(workflow, dossier, cohort, meeting, examples=examples)
        dossiers.append(dossier)
    # The store derives from each dossier what the report needs (the forecast, youth) by
    # the workflow's rules.
    with SQLiteStore(
        store_path, process=workflow.law.process, facts=facts_for(workflow.law)
    ) as store:
        store.save_tree(tree)
        store.save_quotas(quotas)
        store.save_courses(COURSES)
        store.save_all(dossiers)
        result = report(
            store,
            store.tree(),
            store.quotas(),
            unit=DISTRICT,
            year=2021,
            on=REPORT_DATE,
            process=workflow.law.process,
        )
    return result, Counter(result.refusals_by_rule), examples


REFUSALS = Message(
    vi="Lý do chưa được kết nạp (số hồ sơ, quy tắc, ví dụ):",
    en="Refusals by rule (dossiers, rule, an example):",
)
REFUSAL = Message(vi="  {count:3d}  {rule}: {example}", en="  {count:3d}  {rule}: {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description="The district example, reported on 25 Aug 2021.")
    parser.add_argument("--json", action="store_true", help="print the report as JSON only")
    parser.add_argument("--store", type=Path, help="keep the SQLite store at this path")
    parser.add_argument(
        "--lang",
        choices=["vi", "en"],
        default="vi",
        help="the language of the printed report (default vi)",
    )
    args = parser.parse_args()
    lang: Lang = args.lang
    with tempfile.TemporaryDirectory() as folder:
        path = args.store or Path(folder, "yen-lac-2021.db")
        result, refusals, examples = simulate(path)
    if args.json:
        print(result.to_json())
        return
    print(build_tree().describe(lang))
    print()
    print(result.to_table(lang))
    print()
    print(REFUSALS.render(lang))
    for rule_id, count in refusals.most_common():
        example = examples[rule_id].message(lang)
        print(REFUSAL.render(lang, {"count": count, "rule": rule_id, "example": example}))


if __name__ == "__main__":
    main()
