"""Spreadsheets in and out (issue 13, item 3): candidates, and members in progress."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Actor, Dossier, InvalidInput, Organization, Sex, Stage, Step, Workflow, sheets
from ketnap.cli import cli
from ketnap.organizations import Course, OrganizationTree, Quotas, Unit
from ketnap.sheets import (
    COLUMNS,
    COURSE_COLUMNS,
    QUOTA_COLUMNS,
    UNIT_COLUMNS,
    SheetRefused,
    read_dossiers,
    read_setup,
    write_dossiers,
    write_setup,
    write_template,
)
from ketnap.storage import dumps, to_document
from ketnap.terms import party_age_months
from ketnap.testing import lifecycle, make_dossier

MEETING = pendulum.Date(2024, 3, 12)


def candidates(n: int = 3) -> list[Dossier]:
    found = []
    for i in range(n):
        dossier = make_dossier(
            meeting=MEETING,
            id=f"HS-{i:03d}",
            name=f"Nguyễn Văn {chr(65 + i)}",
            organization=Organization(name="Chi bộ Thôn Đông", code="X.1"),
        )
        # What a row holds: the candidate's own facts, nothing gathered later.
        dossier.candidate = type(dossier.candidate)(
            name=dossier.candidate.name,
            birth_date=dossier.candidate.birth_date,
            education=dossier.candidate.education,
            sex=Sex.FEMALE if i % 2 else None,
            youth_union_member=True,
            ethnic_minority=bool(i % 2),
        )
        dossier.sponsors, dossier.certificates, dossier.documents = [], [], {}
        dossier.helper = dossier.union_introduction = dossier.verification = None
        found.append(dossier)
    return found


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_gives_equal_dossiers(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"danh-sach{suffix}"
    written = candidates()
    assert write_dossiers(path, written) == 3
    read = read_dossiers(path, workflow=Workflow())
    assert [to_document(d) for d in read] == [to_document(d) for d in written]


def test_every_bad_cell_is_reported_with_its_place_and_nothing_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    write_dossiers(path, candidates(2))
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][2] = "31/02/1999"  # no such day
    rows[2][4] = "tiến sĩ"  # not an education level
    rows[2][8] = "có lẽ"  # not có / không
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, workflow=Workflow())
    places = [(p.row, p.column) for p in refused.value.problems]
    assert places == [(2, "Ngày sinh"), (3, "Trình độ học vấn"), (3, "Đoàn viên")]
    assert "dòng 2, cột «Ngày sinh»" in refused.value.problems[0].text("vi")
    assert "no such day" in refused.value.problems[0].text("en")
    assert "ngày không có trong lịch" in refused.value.problems[0].text("vi")
    assert "Primary school completed" in refused.value.problems[1].text("en")


def test_dates_as_offices_write_them_and_as_workbook_cells(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([c.vi for c in COLUMNS])
    born = pendulum.datetime(1998, 5, 20).naive()  # a date cell, as a workbook stores it
    row = ["HS-9", "Lê Thị Mai", born, "Nữ", "Trung học phổ thông", "X.1", "Chi bộ 1"]
    sheet.append([*row, "09/01/2023", "có", "", "", ""])
    workbook.save(path)
    (dossier,) = read_dossiers(path, workflow=Workflow())
    assert dossier.candidate.birth_date == pendulum.Date(1998, 5, 20)
    assert dossier.entered_pool_on == pendulum.Date(2023, 1, 9)
    assert dossier.candidate.sex is Sex.FEMALE


def test_a_missing_column_or_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("Mã hồ sơ,Họ và tên\nHS-1,An\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="Ngày sinh"):
        read_dossiers(path, workflow=Workflow())
    write_dossiers(path, [*candidates(1), *candidates(1)])
    with pytest.raises(SheetRefused, match="twice"):
        read_dossiers(path, workflow=Workflow())


def test_the_template_has_the_columns_and_a_guide(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    assert [c.value for c in workbook["Danh sách"][1]] == [c.vi for c in COLUMNS]
    assert workbook["Hướng dẫn"].max_row > len(COLUMNS)
    assert read_dossiers(path, workflow=Workflow()) == []


def test_the_command_line_imports_a_sheet_all_or_nothing(tmp_path: Path) -> None:
    store, path = tmp_path / "s.db", tmp_path / "ds.xlsx"
    write_dossiers(path, candidates())
    runner = CliRunner()
    result = runner.invoke(cli, ["import-sheet", "--store", str(store), str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "3 dossiers saved" in result.output
    again = runner.invoke(cli, ["import-sheet", "--store", str(store), str(path)])
    assert again.exit_code == 1
    assert "already stored" in again.output
    out = tmp_path / "out"
    exported = runner.invoke(cli, ["export", "--store", str(store), "--out", str(out),
                                   "--sheet", "csv"])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert len(read_dossiers(out / "danh-sach.csv", workflow=Workflow())) == 3
    assert runner.invoke(cli, ["template", str(tmp_path / "mau.xlsx")]).exit_code == 0


# --- members in progress: rows that give acts already done -------------------------------------

ADOPTED = pendulum.Date(2026, 1, 5)
HEADER = {column.field: column.vi for column in COLUMNS}


def member_rows(until: str) -> list[dict[str, str]]:
    """Rows of candidates with the dates and numbers of the acts that took them to *until*."""
    workflow = Workflow()
    rows = []
    for dossier in candidates(2):
        row = dict(zip(HEADER.values(), map(str, sheets._cells(dossier, COLUMNS)), strict=True))
        for step, on, _actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
            row[HEADER[f"{step}@on"]] = f"{on:%d/%m/%Y}"
            row[HEADER[f"{step}@reference"]] = f"{len(row)}-NQ/CB"
            if step == Step.HOLD_CEREMONY:
                row[HEADER["decision_received_on"]] = f"{dossier.decision_received_on:%d/%m/%Y}"
            if step == Step.ISSUE_CARD:
                row[HEADER["card_number"]] = str(dossier.card_number)
            if next(t.target for t in workflow.law.process.transitions if t.step == step) == until:
                break
        rows.append(row)
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[c.vi for c in COLUMNS])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("until", [Stage.PROBATION, Stage.CARD_ISSUED])
def test_members_in_progress_open_at_their_stage(tmp_path: Path, until: str) -> None:
    path = write_rows(tmp_path / "dang-vien.csv", member_rows(until))
    members = read_dossiers(path, adopted_on=ADOPTED, workflow=Workflow())
    assert {m.stage for m in members} == {until}
    member = members[0]
    assert all(entry.adopted_on == ADOPTED for entry in member.history)
    proposal = next(e for e in member.history if e.step == Step.PROPOSE_ADMISSION)
    # The row holds no vote and no sponsor: taken as held on paper, and said so.
    assert {"vote.branch_admission", "sponsor.count"} <= set(proposal.attested)
    decision = next(e for e in member.history if e.step == Step.DECIDE_ADMISSION)
    assert decision.actor == Actor.COMPETENT_COMMITTEE
    assert decision.reference is not None
    # Party age counts for a recognised member, from the decision.
    age = party_age_months(member, ADOPTED)
    assert (age is not None) == (until == Stage.CARD_ISSUED)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_members_exported_then_imported_are_equal(tmp_path: Path, suffix: str) -> None:
    members = read_dossiers(
        write_rows(tmp_path / "in.csv", member_rows(Stage.CARD_ISSUED)),
        adopted_on=ADOPTED,
        workflow=Workflow(),
    )
    path = tmp_path / f"out{suffix}"
    assert write_dossiers(path, members) == 2
    again = read_dossiers(path, adopted_on=ADOPTED, workflow=Workflow())
    assert [dumps(d) for d in again] == [dumps(d) for d in members]


def test_acts_without_the_adoption_day_are_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, workflow=Workflow())
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, HEADER["complete_training@on"]),
        (3, HEADER["complete_training@on"]),
    ]


def test_a_failed_condition_names_the_act_and_its_rule(tmp_path: Path) -> None:
    rows = member_rows(Stage.PROBATION)
    rows[1][HEADER["birth_date"]] = f"{MEETING.subtract(years=17):%d/%m/%Y}"
    rows[0][HEADER["endorse@reference"]] = "7-NQ/ĐU"  # a number with no date
    path = write_rows(tmp_path / "dv.csv", rows)
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, adopted_on=ADOPTED, workflow=Workflow())
    problems = refused.value.problems
    assert (2, HEADER["endorse@on"]) == (problems[0].row, problems[0].column)
    young = [p for p in problems if p.row == 3]
    assert young[0].column == HEADER["propose_admission@on"]
    assert "age.minimum" in young[0].text("en")
    assert "Chưa đủ 18 tuổi" in young[0].text("vi")


def test_an_act_after_the_adoption_day_is_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, adopted_on=MEETING, workflow=Workflow())
    assert {p.reason for p in refused.value.problems} == {"after the adoption day"}


def test_the_command_line_adopts_members_from_a_sheet(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    store = tmp_path / "s.db"
    runner = CliRunner()
    refused = runner.invoke(cli, ["import-sheet", "--store", str(store), str(path)])
    assert refused.exit_code == 1
    assert "cần ngày tiếp nhận hồ sơ" in refused.output
    done = runner.invoke(
        cli, ["import-sheet", "--store", str(store), str(path), "--adopted-on", "2026-01-05"]
    )
    assert done.exit_code == 0, done.output
    due = runner.invoke(
        cli, ["due", "--store", str(store), "--on", "2025-04-30", "--within", "60", "--lang", "en"]
    )
    assert due.exit_code == 0, due.output
    assert "recognition" in due.output.lower()


# --- the tree, quotas and courses --------------------------------------------------------------

TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="DB1", name="Đảng bộ xã 1", level="base_committee", parent="H", may_admit=True),
        Unit(code="DB1.1", name="Chi bộ thôn 1", level="branch", parent="DB1", members=21),
        Unit(code="CB1", name="Chi bộ cơ sở 1", level="base_branch", parent="H", members=15),
    ]
)
QUOTAS = Quotas({("DB1", 2021): 6, ("CB1", 2021): 2})
COURSES = [Course(code="K1", unit="H", opened_on=MEETING, closed_on=MEETING.add(days=4),
                  trainees=70)]  # fmt: skip


@pytest.mark.parametrize("target", ["thiet-lap.xlsx", "csv"])
def test_the_setup_written_as_sheets_reads_back_equal(tmp_path: Path, target: str) -> None:
    written = write_setup(tmp_path / target, tree=TREE, quotas=QUOTAS, courses=COURSES)
    setup = read_setup(*written)
    assert setup.tree is not None
    assert setup.tree.to_data() == TREE.to_data()
    assert setup.quotas is not None
    assert setup.quotas.items() == QUOTAS.items()
    assert setup.courses == COURSES


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


UNIT_HEADER: list[object] = [c.vi for c in UNIT_COLUMNS]


def test_every_bad_row_of_the_tree_is_named(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "to-chuc.csv",
        [
            UNIT_HEADER,
            ["H", "Huyện", "Đảng bộ huyện", "", "", ""],  # a level by its Vietnamese name
            ["A", "A", "chi bộ thôn", "H", "", ""],  # no such level
            ["B", "B", "base_branch", "H", "mười", ""],  # not a number
            ["C", "C", "base_branch", "H", "-3", "có lẽ"],
        ],
    )
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (3, "Cấp"),
        (4, "Số đảng viên"),
        (5, "Số đảng viên"),
        (5, "Được ủy quyền kết nạp"),
    ]


def test_a_unit_under_an_unknown_parent_is_named_by_its_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "to-chuc.csv",
        [
            UNIT_HEADER,
            ["H", "Huyện", "district", "", "", ""],
            ["A", "A", "base_branch", "X", 3, ""],
        ],
    )
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (3, "Mã đơn vị")
    assert "unknown parent" in problem.text("en")


def test_quotas_and_courses_with_problems(tmp_path: Path) -> None:
    quotas = write_csv(
        tmp_path / "chi-tieu.csv",
        [[c.vi for c in QUOTA_COLUMNS], ["CB1", 2021, 2], ["CB1", 2021, 3], ["CB1", 1800, 1]],
    )
    courses = write_csv(
        tmp_path / "lop.csv",
        [[c.vi for c in COURSE_COLUMNS], ["K1", "H", "19/03/2021", "15/03/2021", 70]],
    )
    with pytest.raises(SheetRefused) as refused:
        read_setup(quotas, courses)
    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [
        ("chi-tieu", 3, "Mã đơn vị"),
        ("chi-tieu", 4, "Năm"),
        ("lop", 2, "Ngày bế giảng"),
    ]


def test_a_csv_of_no_known_table_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["Cột lạ"], ["1"]])
    with pytest.raises(InvalidInput, match="no table"):
        read_setup(path)


def test_the_template_holds_every_sheet_and_reads_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names == ["Danh sách", "Tổ chức", "Chỉ tiêu", "Lớp bồi dưỡng", "Hướng dẫn"]
    with pytest.raises(InvalidInput, match="with rows"):
        read_setup(path)


def test_the_command_line_stores_the_setup_from_a_workbook(tmp_path: Path) -> None:
    (book,) = write_setup(tmp_path / "tl.xlsx", tree=TREE, quotas=QUOTAS, courses=COURSES)
    store = tmp_path / "s.db"
    runner = CliRunner()
    done = runner.invoke(cli, ["setup", "--store", str(store), "--sheet", str(book)])
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    exported = runner.invoke(
        cli, ["export", "--store", str(store), "--out", str(out), "--setup", "--sheet", "xlsx"]
    )
    assert exported.exit_code == 0, exported.output
    again = read_setup(out / "thiet-lap.xlsx")
    assert again.quotas is not None
    assert again.quotas.items() == QUOTAS.items()
    bad = write_csv(tmp_path / "to-chuc.csv", [UNIT_HEADER, ["H", "Huyện", "tỉnh?", "", "", ""]])
    refused = runner.invoke(cli, ["setup", "--store", str(store), "--sheet", str(bad)])
    assert refused.exit_code == 1
    assert "to-chuc, dòng 2, cột «Cấp»" in refused.output
