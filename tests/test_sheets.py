"""Spreadsheets in and out (issue 13, item 3 in part): candidates of the source pool."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Dossier, InvalidInput, Organization, Sex
from ketnap.cli import cli
from ketnap.sheets import COLUMNS, SheetRefused, read_candidates, write_candidates, write_template
from ketnap.storage import to_document
from ketnap.testing import make_dossier

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
    assert write_candidates(path, written) == 3
    read = read_candidates(path)
    assert [to_document(d) for d in read] == [to_document(d) for d in written]


def test_every_bad_cell_is_reported_with_its_place_and_nothing_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    write_candidates(path, candidates(2))
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][2] = "31/02/1999"  # no such day
    rows[2][4] = "tiến sĩ"  # not an education level
    rows[2][8] = "có lẽ"  # not có / không
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    with pytest.raises(SheetRefused) as refused:
        read_candidates(path)
    places = [(p.row, p.column) for p in refused.value.problems]
    assert places == [(2, "Ngày sinh"), (3, "Trình độ học vấn"), (3, "Đoàn viên")]
    assert "dòng 2, cột «Ngày sinh»" in refused.value.problems[0].text("vi")
    assert "no such day" in refused.value.problems[0].reason


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
    (dossier,) = read_candidates(path)
    assert dossier.candidate.birth_date == pendulum.Date(1998, 5, 20)
    assert dossier.entered_pool_on == pendulum.Date(2023, 1, 9)
    assert dossier.candidate.sex is Sex.FEMALE


def test_a_missing_column_or_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("Mã hồ sơ,Họ và tên\nHS-1,An\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="Ngày sinh"):
        read_candidates(path)
    write_candidates(path, [*candidates(1), *candidates(1)])
    with pytest.raises(SheetRefused, match="twice"):
        read_candidates(path)


def test_the_template_has_the_columns_and_a_guide(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    assert [c.value for c in workbook["Danh sách"][1]] == [c.vi for c in COLUMNS]
    assert workbook["Hướng dẫn"].max_row > len(COLUMNS)
    assert read_candidates(path) == []


def test_the_command_line_imports_a_sheet_all_or_nothing(tmp_path: Path) -> None:
    store, path = tmp_path / "s.db", tmp_path / "ds.xlsx"
    write_candidates(path, candidates())
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
    assert len(read_candidates(out / "danh-sach.csv")) == 3
    assert runner.invoke(cli, ["template", str(tmp_path / "mau.xlsx")]).exit_code == 0
