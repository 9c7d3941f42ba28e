"""The statistics of newly admitted members, Biểu số 3-BTCTW (issue 14, item 2)."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import (
    AgeCounting,
    Dossier,
    EducationLevel,
    InvalidInput,
    Law,
    Occupation,
    OrganizationTree,
    PoliticalTheory,
    Quotas,
    Sex,
    Stage,
    Unit,
    Workflow,
)
from ketnap.cli import cli
from ketnap.derived import facts_for
from ketnap.reports import report
from ketnap.rules.regulations import QD_24_2021
from ketnap.statistics import new_members
from ketnap.storage import SQLiteStore
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="A", name="Chi bộ cơ sở A", level="base_branch", parent="H"),
        Unit(code="B", name="Chi bộ cơ sở B", level="base_branch", parent="H"),
    ]
)
WORKFLOW = Workflow()
ON = pendulum.date(2024, 12, 31)


def admitted(number: int, branch: str = "A", **candidate: Any) -> Dossier:
    dossier = make_dossier(
        meeting=MEETING, id=f"HS-{number:03d}", organization=TREE.organization(branch)
    )
    dossier.candidate = attrs.evolve(dossier.candidate, **candidate)
    walk(WORKFLOW, dossier, meeting=MEETING, until=Stage.PROBATION)
    return dossier


def decided() -> pendulum.Date:
    probe = make_dossier(meeting=MEETING)
    walk(WORKFLOW, probe, meeting=MEETING, until=Stage.ADMITTED)
    day = probe.admission_decision_date
    assert day is not None
    return day


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    day = decided()
    dossiers = [
        admitted(1, sex=Sex.FEMALE, political_theory=PoliticalTheory.ELEMENTARY),
        admitted(2, sex=Sex.MALE, ethnic_minority=True, political_theory=PoliticalTheory.NONE),
        admitted(3, sex=None, religious=True),
        # Ages count by calendar months: 31 from the month of the 31st birthday,
        # counted 31 to 40; born in the month after, 18 to 30.
        admitted(
            4,
            sex=Sex.MALE,
            birth_date=day.subtract(years=31).end_of("month"),
            education=EducationLevel.PRIMARY,
            area="mountain",
        ),
        admitted(5, sex=Sex.MALE, birth_date=day.subtract(years=31).end_of("month").add(days=1)),
        admitted(6, branch="B", sex=Sex.FEMALE),
    ]
    opened = SQLiteStore(tmp_path / "s.db", facts=facts_for(WORKFLOW.law))
    opened.save_tree(TREE)
    opened.save_all(dossiers)
    pool = make_dossier(meeting=MEETING, id="HS-900", organization=TREE.organization("A"))
    opened.save(pool)  # not admitted: not counted
    return opened


def test_the_rows_count_the_admitted_of_the_period(store: SQLiteStore) -> None:
    form = new_members(store, TREE, unit="H", on=ON, law=WORKFLOW.law)
    values = {row.code: row.value for row in form.rows}
    assert values["total"] == 6
    assert values["women"] == 2
    assert form.row("women").not_recorded == 1  # HS-003's sex is not recorded
    assert values["ethnic_minority"] == 1
    assert values["religious"] == 1
    assert values["age_31_40"] == 1
    assert values["age_18_30"] == 5
    assert values["primary"] == 1
    assert values["upper_secondary"] == 5


def test_a_fact_recorded_for_none_is_not_recorded_never_zero(store: SQLiteStore) -> None:
    form = new_members(store, TREE, unit="H", on=ON, law=WORKFLOW.law)
    worker = form.row(f"occupation.{Occupation.WORKER.value}")
    assert worker.value is None
    assert worker.not_recorded == 6
    assert "chưa ghi nhận" in form.to_text("vi")
    assert "occupation,occupation.worker,,6" in form.to_csv()
    # Partly recorded: the counts, and how many are not recorded.
    theory = form.row(f"political_theory.{PoliticalTheory.ELEMENTARY.value}")
    assert (theory.value, theory.not_recorded) == (1, 4)
    assert form.row(f"political_theory.{PoliticalTheory.INTERMEDIATE.value}").value == 0


def decided_on(day: pendulum.Date, birth: pendulum.Date) -> Dossier:
    """An admitted dossier whose admission decision is dated *day*."""
    for lead in range(20, 120):
        dossier = make_dossier(
            meeting=day.subtract(days=lead), id="HS-777", organization=TREE.organization("A")
        )
        dossier.candidate = attrs.evolve(dossier.candidate, birth_date=birth)
        walk(WORKFLOW, dossier, meeting=day.subtract(days=lead), until=Stage.PROBATION)
        if dossier.admission_decision_date == day:
            return dossier
    raise AssertionError(f"no meeting leads to a decision on {day}")


@pytest.mark.parametrize(
    ("counting", "band", "youth"),
    [
        # Calendar months (the default): June 2024 less June 1993 is 31 years, the day
        # ignored; past youth age, so the youth row and the 18-30 band both leave her out.
        (AgeCounting.CALENDAR_MONTHS, "age_31_40", 0),
        # Whole months by the day: a day before her 31st birthday, of youth age and 30.
        (AgeCounting.COMPLETED_MONTHS, "age_18_30", 1),
    ],
)
def test_born_21_june_1993_decided_20_june_2024_has_one_age(
    tmp_path: Path, counting: AgeCounting, band: str, youth: int
) -> None:
    law = Law(QD_24_2021.with_policy(age_counting=counting))
    dossier = decided_on(pendulum.date(2024, 6, 20), pendulum.date(1993, 6, 21))
    with SQLiteStore(tmp_path / "s.db", facts=facts_for(law)) as store:
        store.save_tree(TREE)
        store.save(dossier)
        form = new_members(store, TREE, unit="H", on=ON, law=law)
        found = report(store, TREE, Quotas(), unit="H", year=2024, on=ON)
    values = {row.code: row.value for row in form.rows if row.value}
    assert values == {
        "total": 1,
        band: 1,
        **({"youth": 1} if youth else {}),
        "youth_union": 1,
        "upper_secondary": 1,
    }
    assert found.composition["youth"] == youth  # the report's youth count agrees


def test_a_unit_counts_its_own_branches_and_the_period_its_decisions(store: SQLiteStore) -> None:
    assert new_members(store, TREE, unit="B", on=ON, law=WORKFLOW.law).row("total").value == 1
    before = decided().subtract(days=1)
    empty = new_members(store, TREE, unit="H", on=before, law=WORKFLOW.law)
    # Nobody admitted: every row is a true zero, not "not recorded".
    assert {row.value for row in empty.rows} == {0}
    on_the_day = new_members(store, TREE, unit="H", since=decided(), on=decided(), law=WORKFLOW.law)
    assert on_the_day.row("total").value == 6


def test_a_period_ending_before_it_starts_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(InvalidInput, match="starts after"):
        new_members(store, TREE, unit="H", since=ON, on=ON.subtract(days=1), law=WORKFLOW.law)


def test_the_form_as_xlsx_and_from_the_command_line(store: SQLiteStore, tmp_path: Path) -> None:
    form = new_members(store, TREE, unit="H", on=ON, law=WORKFLOW.law)
    book = openpyxl.load_workbook(form.write_xlsx(tmp_path / "b3.xlsx"), read_only=True)
    rows = list(book["3-BTCTW"].iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("Biểu số 3-BTCTW")
    assert ("Tổng số", 6, 0) in [tuple(row[:3]) for row in rows]
    store.close()
    runner = CliRunner()
    args = ["statistics", "--store", str(tmp_path / "s.db"), "--unit", "H", "--on", "2024-12-31"]
    assert runner.invoke(cli, [*args, "--format", "csv"]).output == form.to_csv()
    table = runner.invoke(cli, [*args, "--lang", "en"])
    assert "Women" in table.output
    assert "not recorded" in table.output
    missing = runner.invoke(cli, [*args, "--format", "xlsx"])
    assert missing.exit_code == 2


def test_the_form_as_csv_starts_with_a_byte_order_mark_in_a_file_too(
    store: SQLiteStore, tmp_path: Path
) -> None:
    """Excel reads the CSV as UTF-8 only with the mark; the command writes it with --out."""
    form = new_members(store, TREE, unit="H", on=ON, law=WORKFLOW.law)
    assert form.to_csv().encode("utf-8").startswith(codecs.BOM_UTF8 + b"group,code,value,")
    store.close()
    path = tmp_path / "bieu-3.csv"
    result = CliRunner().invoke(cli, ["statistics", "--store", str(tmp_path / "s.db"), "--unit",
                                      "H", "--on", "2024-12-31", "--format", "csv", "--out",
                                      str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(path)
    assert path.read_text(encoding="utf-8") == form.to_csv()
    assert path.read_bytes().count(codecs.BOM_UTF8) == 1
