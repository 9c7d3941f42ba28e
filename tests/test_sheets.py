"""Spreadsheets in and out (issue 13, item 3): candidates, and members in progress."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Actor, Dossier, InvalidInput, Organization, Sex, Stage, Step, Workflow, sheets
from ketnap.cli import cli
from ketnap.sheets import COLUMNS, SheetRefused, read_dossiers, write_dossiers, write_template
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
    read = read_dossiers(path)
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
        read_dossiers(path)
    places = [(p.row, p.column) for p in refused.value.problems]
    assert places == [(2, "Ngày sinh"), (3, "Trình độ học vấn"), (3, "Đoàn viên")]
    assert "dòng 2, cột «Ngày sinh»" in refused.value.problems[0].text("vi")
    assert "no such day" in refused.value.problems[0].text("en")


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
    (dossier,) = read_dossiers(path)
    assert dossier.candidate.birth_date == pendulum.Date(1998, 5, 20)
    assert dossier.entered_pool_on == pendulum.Date(2023, 1, 9)
    assert dossier.candidate.sex is Sex.FEMALE


def test_a_missing_column_or_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("Mã hồ sơ,Họ và tên\nHS-1,An\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="Ngày sinh"):
        read_dossiers(path)
    write_dossiers(path, [*candidates(1), *candidates(1)])
    with pytest.raises(SheetRefused, match="twice"):
        read_dossiers(path)


def test_the_template_has_the_columns_and_a_guide(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    assert [c.value for c in workbook["Danh sách"][1]] == [c.vi for c in COLUMNS]
    assert workbook["Hướng dẫn"].max_row > len(COLUMNS)
    assert read_dossiers(path) == []


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
    assert len(read_dossiers(out / "danh-sach.csv")) == 3
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
            if next(t.target for t in workflow.process.transitions if t.step == step) == until:
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
    members = read_dossiers(path, adopted_on=ADOPTED)
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
        write_rows(tmp_path / "in.csv", member_rows(Stage.CARD_ISSUED)), adopted_on=ADOPTED
    )
    path = tmp_path / f"out{suffix}"
    assert write_dossiers(path, members) == 2
    again = read_dossiers(path, adopted_on=ADOPTED)
    assert [dumps(d) for d in again] == [dumps(d) for d in members]


def test_acts_without_the_adoption_day_are_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path)
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
        read_dossiers(path, adopted_on=ADOPTED)
    problems = refused.value.problems
    assert (2, HEADER["endorse@on"]) == (problems[0].row, problems[0].column)
    young = [p for p in problems if p.row == 3]
    assert young[0].column == HEADER["propose_admission@on"]
    assert "age.minimum" in young[0].text("en")
    assert "Chưa đủ 18 tuổi" in young[0].text("vi")


def test_an_act_after_the_adoption_day_is_refused(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, adopted_on=MEETING)
    assert {p.reason for p in refused.value.problems} == {"after the adoption day"}


def test_the_command_line_adopts_members_from_a_sheet(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "dv.csv", member_rows(Stage.PROBATION))
    store = tmp_path / "s.db"
    runner = CliRunner()
    refused = runner.invoke(cli, ["import-sheet", "--store", str(store), str(path)])
    assert refused.exit_code == 1
    assert "the adoption day is needed" in refused.output
    done = runner.invoke(
        cli, ["import-sheet", "--store", str(store), str(path), "--adopted-on", "2026-01-05"]
    )
    assert done.exit_code == 0, done.output
    due = runner.invoke(
        cli, ["due", "--store", str(store), "--on", "2025-04-30", "--within", "60", "--lang", "en"]
    )
    assert due.exit_code == 0, due.output
    assert "recognition" in due.output.lower()
