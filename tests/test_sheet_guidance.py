"""
Sheets that guide (issue 27): the template, progress, rejects, updates, one language.

The template offers each labelled column's labels as a drop-down list and notes on each
header what a cell takes; `import-sheet` shows its progress on a terminal, stores the
valid rows of a sheet and writes the others to correct (``--rejects``), and updates
stored dossiers with what a row carries (``--update``); every problem of a sheet reads
wholly in one language; members are counted on branches.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pendulum
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from ketnap import (
    Candidate,
    Deployment,
    InvalidInput,
    Occupation,
    Organization,
    Policy,
    PoliticalTheory,
    Sex,
    Stage,
    StaleDossier,
    Step,
    Workflow,
    application,
)
from ketnap import cli as cli_module
from ketnap.cli import cli
from ketnap.dates import as_date
from ketnap.inputs import clean_text
from ketnap.organizations import OrganizationTree, Unit
from ketnap.sheets import (
    COLUMNS,
    SETUP_SHEETS,
    UNIT_COLUMNS,
    Column,
    SheetRefused,
    estimate_rows,
    read_dossier_rows,
    read_dossiers,
    read_setup,
    write_dossiers,
    write_template,
)
from ketnap.sheets._reasons import vietnamese
from ketnap.testing import add_vote, make_dossier, walk
from tests.test_sheets import (
    ADOPTED,
    HEADER,
    MEETING,
    candidates,
    member_rows,
    write_csv,
    write_rows,
)

# --- the template ------------------------------------------------------------------------------


def _template(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "mau.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def _list_of(book: openpyxl.Workbook, sheet: Worksheet, letter: str) -> list[str] | None:
    """The labels of the drop-down list on column *letter* of *sheet*, or None if it has none."""
    for rule in sheet.data_validations.dataValidation:
        if rule.type == "list" and f"{letter}2:" in str(rule.sqref):
            target, cells = str(rule.formula1).rsplit("!", 1)
            first, last = cells.replace("$", "").split(":")
            found = book[target.strip("'")][f"{first}:{last}"]
            return [str(row[0].value) for row in found]
    return None


def _rule_kinds(sheet: Worksheet, letter: str) -> set[str | None]:
    return {r.type for r in sheet.data_validations.dataValidation if f"{letter}2:" in str(r.sqref)}


def _tables() -> dict[str, tuple[Column, ...]]:
    return {"Danh sách": COLUMNS, **dict(SETUP_SHEETS.values())}


def test_each_labelled_column_offers_its_labels_as_a_drop_down_list(tmp_path: Path) -> None:
    book = _template(tmp_path)
    offered = {}
    for name, table in _tables().items():
        for place, column in enumerate(table, start=1):
            letter = openpyxl.utils.get_column_letter(place)
            offered[name, column.vi] = _list_of(book, book[name], letter)
    lists = {key: labels for key, labels in offered.items() if labels is not None}
    assert lists[("Danh sách", "Giới tính")] == ["Nữ", "Nam"]
    assert lists[("Danh sách", "Đoàn viên")] == ["có", "không"]
    assert "Trung học phổ thông" in lists[("Danh sách", "Trình độ học vấn")]
    assert "Chi bộ trực thuộc" in lists[("Tổ chức", "Cấp")]
    # Exactly the columns of labels have a list, and each offers what its column declares.
    declared = {
        (name, column.vi): list(column.choices)
        for name, table in _tables().items()
        for column in table
        if column.choices
    }
    assert lists == declared
    assert {column.vi for column in COLUMNS if column.kind == "choice"} >= {
        "Trình độ học vấn", "Giới tính", "Khu vực", "Vai trò ở địa phương",
        "Trình độ lý luận chính trị", "Nghề nghiệp",
    }  # fmt: skip


def test_the_lists_sit_on_a_hidden_sheet_and_rules_only_reference_them(tmp_path: Path) -> None:
    book = _template(tmp_path)
    assert book["Danh mục"].sheet_state == "hidden"
    assert book.active is not None
    assert book.active.title == "Danh sách"
    formulas = [
        str(rule.formula1)
        for sheet in book.worksheets
        for rule in sheet.data_validations.dataValidation
        if rule.type == "list"
    ]
    assert formulas
    assert all(f.startswith("'Danh mục'!$") and len(f) < 255 for f in formulas)
    # Written in the rule, a list is split at its commas, which labels hold.
    assert "Nông dân, ngư dân" in [m.message.vi for m in Occupation]


def test_counts_take_whole_numbers_and_dates_stay_as_typed(tmp_path: Path) -> None:
    book = _template(tmp_path)
    for name, table in _tables().items():
        sheet = book[name]
        for place, column in enumerate(table, start=1):
            letter = openpyxl.utils.get_column_letter(place)
            if column.kind == "count":
                assert _rule_kinds(sheet, letter) == {"whole"}, (name, column.vi)
            if column.kind == "date":
                assert sheet.column_dimensions[letter].number_format == "@", (name, column.vi)
                assert _rule_kinds(sheet, letter) == {None}  # a prompt, no refusal
    assert {c.vi for c in UNIT_COLUMNS if c.kind == "count"} == {"Số đảng viên"}


def test_every_header_is_bold_frozen_and_notes_what_its_cells_take(tmp_path: Path) -> None:
    book = _template(tmp_path)
    for name, table in _tables().items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        for place, column in enumerate(table, start=1):
            cell = sheet.cell(row=1, column=place)
            assert cell.value == column.vi
            assert cell.font.b
            assert cell.comment is not None
            assert column.help.vi in cell.comment.text
            assert ("Bắt buộc" in cell.comment.text) == column.required
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(place)].width
            assert width >= min(len(column.vi), 44)


def test_the_template_guide_says_members_are_counted_on_branches(tmp_path: Path) -> None:
    book = _template(tmp_path)
    rows = [[cell.value for cell in row] for row in book["Hướng dẫn"].iter_rows()]
    (members,) = [row for row in rows if row[:2] == ["Tổ chức", "Số đảng viên"]]
    assert "chỉ ghi ở chi bộ" in str(members[4])
    assert "sum of the branches" in str(members[5])


def test_a_template_filled_by_a_script_imports_and_exports_the_same_cells(tmp_path: Path) -> None:
    template = tmp_path / "mau.xlsx"
    write_template(template)
    book = openpyxl.load_workbook(template)
    sheet = book["Danh sách"]
    header = [str(cell.value) for cell in sheet[1]]
    letter = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(header, 1)}

    def pick(name: str, index: int) -> str:
        labels = _list_of(book, sheet, letter[name])
        assert labels is not None, name
        return labels[index]

    filled = []
    for i in range(3):
        row = {
            "Mã hồ sơ": f"HS-{i:03d}",
            "Họ và tên": f"Lê Thị {'ABC'[i]}",
            "Ngày sinh": f"{10 + i}/05/1998",
            "Giới tính": pick("Giới tính", i % 2),
            "Trình độ học vấn": pick("Trình độ học vấn", -1 - i),
            "Mã chi bộ": "X.1",
            "Tên chi bộ": "Chi bộ Thôn Đông",
            "Ngày vào danh sách cảm tình Đảng": "09/01/2023",
            "Đoàn viên": pick("Đoàn viên", 0),
            "Dân tộc thiểu số": pick("Dân tộc thiểu số", i % 2),
            "Khu vực": pick("Khu vực", i),
            "Vai trò ở địa phương": pick("Vai trò ở địa phương", 0),
            "Trình độ lý luận chính trị": pick("Trình độ lý luận chính trị", i),
            "Nghề nghiệp": pick("Nghề nghiệp", -1 - i),
        }
        sheet.append([row.get(name) for name in header])
        filled.append(row)
    book.save(template)
    store, out = tmp_path / "s.db", tmp_path / "out"
    runner = CliRunner()
    imported = runner.invoke(cli, ["import-sheet", "--store", str(store), str(template)])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(
        cli, ["export", "--store", str(store), "--out", str(out), "--sheet", "xlsx"]
    )
    assert exported.exit_code == 0, exported.output
    written = _by_header(out / "danh-sach.xlsx")
    assert [{name: row[name] for name in filled[0]} for row in written] == filled


# --- members: on branches, summed over the levels ----------------------------------------------

UNITS = [
    ["H", "Đảng bộ huyện", "district", "", "920", ""],
    ["X1", "Đảng bộ xã 1", "base_committee", "H", "", "có"],
    ["X1.1", "Chi bộ thôn 1", "branch", "X1", "1200", ""],
    ["X1.2", "Chi bộ thôn 2", "branch", "X1", "2000", ""],
]


def test_a_member_count_on_a_unit_that_is_not_a_branch_is_refused_naming_its_cell(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "to-chuc.csv", [[c.vi for c in UNIT_COLUMNS], *UNITS])
    with pytest.raises(SheetRefused) as refused:
        read_setup(path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.field) == (2, "Số đảng viên", "members")
    assert problem.text("vi") == (
        "to-chuc, dòng 2, cột «Số đảng viên»: số đảng viên chỉ ghi ở chi bộ; của «Đảng bộ "
        "huyện» là tổng các chi bộ dưới nó, ketnap tự cộng: để trống ô này"
    )
    assert problem.text("en") == (
        "to-chuc, row 2, column 'Số đảng viên': members are given on branches only; a "
        "District party committee's count is the sum of the branches under it, which "
        "ketnap adds up: leave this cell empty"
    )


def test_setup_refuses_a_member_count_on_a_commune_and_stores_nothing(tmp_path: Path) -> None:
    units = [[*UNITS[0][:4], "", ""], [*UNITS[1][:4], "2100", "có"], *UNITS[2:]]
    path = write_csv(tmp_path / "to-chuc.csv", [[c.vi for c in UNIT_COLUMNS], *units])
    store = tmp_path / "s.db"
    result = CliRunner().invoke(cli, ["setup", "--store", str(store), "--sheet", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: to-chuc, dòng 3, cột «Số đảng viên»: số đảng viên chỉ ghi ở chi bộ; của «Đảng "
        "bộ cơ sở» là tổng các chi bộ dưới nó"
    )
    assert not store.exists()


def test_members_counted_on_branches_add_up_over_every_level(tmp_path: Path) -> None:
    units = [[*UNITS[0][:4], "0", ""], *UNITS[1:]]  # 0 on the district: nothing counted twice
    path = write_csv(tmp_path / "to-chuc.csv", [[c.vi for c in UNIT_COLUMNS], *units])
    tree = read_setup(path).tree
    assert tree is not None
    assert (tree.members("H"), tree.members("X1"), tree.members("X1.1")) == (3200, 3200, 1200)


# --- progress ----------------------------------------------------------------------------------


def test_reading_a_sheet_reports_progress_once_per_row(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    write_dossiers(path, candidates(5))
    steps: list[int] = []
    assert len(read_dossiers(path, workflow=Workflow(), progress=steps.append)) == 5
    assert steps == [1] * 5


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_row_estimate_counts_the_rows_below_the_header(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"ds{suffix}"
    write_dossiers(path, candidates(7))
    assert estimate_rows(path) == 7
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert estimate_rows(tmp_path / "broken.xlsx") == 0


@contextlib.contextmanager
def _recorded(
    calls: list[tuple[str, int]], length: int | Callable[[], int], label: str
) -> Iterator[Callable[[int], None]]:
    calls.append((label, length() if callable(length) else length))
    yield lambda n: calls.append(("advance", n))


def test_import_sheet_shows_its_progress_through_the_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ds.xlsx"
    write_dossiers(path, candidates(4))
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        cli_module, "_progress", lambda length, label: _recorded(calls, length, label)
    )
    result = CliRunner().invoke(cli, ["import-sheet", "--store", str(tmp_path / "s.db"), str(path)])
    assert result.exit_code == 0, result.output
    assert calls == [("Reading the sheet", 4), *[("advance", 1)] * 4]


def test_import_sheet_is_quiet_in_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    write_dossiers(path, candidates(4))
    result = CliRunner().invoke(
        cli, ["import-sheet", "--store", str(tmp_path / "s.db"), str(path), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.output == f"4 dossiers saved to {tmp_path / 's.db'}\n"


# --- rejects: the valid rows stored, the others written to correct ------------------------------


def _at(rows: list[list[str]], field: str) -> int:
    """The place of *field*'s column in a sheet's *rows*."""
    return rows[0].index(HEADER[field])


def _bad_rows(tmp_path: Path, suffix: str) -> Path:
    """A list of four candidates, the second with no such birth day, the fourth no name."""
    path = tmp_path / f"ds{suffix}"
    write_dossiers(path, candidates(4))
    rows = list(_rows(path))
    rows[2][_at(rows, "birth_date")] = "31/02/1999"
    rows[4][_at(rows, "name")] = ""
    rows[0].append("Ghi chú")  # a column of the office's own
    for row in rows[1:]:
        row.append("riêng")
    _write(path, rows)
    return path


def _rows(path: Path) -> Iterator[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            yield from csv.reader(file)
        return
    for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True):
        yield ["" if cell is None else str(cell) for cell in row]


def _write(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        write_csv(path, rows)
        return
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    book.save(path)


def _by_header(path: Path) -> list[dict[str, str]]:
    header, *rows = list(_rows(path))
    return [dict(zip(header, row, strict=False)) for row in rows]


def _import(tmp_path: Path, *args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["import-sheet", "--store", str(tmp_path / "s.db"), *args, "--lang", lang]
    )
    return result.exit_code, result.output


def _stored(tmp_path: Path) -> list[str]:
    with Deployment(store=str(tmp_path / "s.db")).open() as office:
        return office.store.ids()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_rejects_stores_the_valid_rows_and_writes_the_others_with_their_reasons(
    tmp_path: Path, suffix: str
) -> None:
    rejects = tmp_path / f"loi{suffix}"
    path = _bad_rows(tmp_path, suffix)
    code, output = _import(tmp_path, str(path), "--rejects", str(rejects), lang="vi")
    assert code == 0, output
    assert "Đã lưu 2 hồ sơ" in output
    assert f"2 dòng chưa nhập, đã ghi kèm lý do vào {rejects}" in output
    assert _stored(tmp_path) == ["HS-000", "HS-002"]
    written = _by_header(rejects)
    assert [row["Mã hồ sơ"] for row in written] == ["HS-001", "HS-003"]
    assert [row["Lý do"] for row in written] == [
        "«Ngày sinh»: ngày không có trong lịch",
        "«Họ và tên»: ô trống",
    ]
    assert written[0]["Ngày sinh"] == "31/02/1999"  # the cell as the clerk wrote it
    assert written[0]["Ghi chú"] == "riêng"  # the office's own columns too


def test_a_rejects_file_that_fails_half_written_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(path: Path, *_args: object, **_kwargs: object) -> None:
        path.write_bytes(b"half")  # part of a file, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(application, "write_rejects", fails)
    rejects = tmp_path / "loi.xlsx"
    code, _output = _import(tmp_path, str(_bad_rows(tmp_path, ".xlsx")), "--rejects", str(rejects))
    assert code != 0
    assert sorted(p.name for p in tmp_path.iterdir() if "loi" in p.name) == []
    assert _stored(tmp_path) == []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_rejects_sheet_once_corrected_imports_the_remaining_rows(
    tmp_path: Path, suffix: str
) -> None:
    rejects = tmp_path / f"loi{suffix}"
    assert _import(tmp_path, str(_bad_rows(tmp_path, suffix)), "--rejects", str(rejects))[0] == 0
    rows = list(_rows(rejects))
    assert rows[0][-1] == "Lý do"
    rows[1][rows[0].index("Ngày sinh")] = "28/02/1999"
    rows[2][rows[0].index("Họ và tên")] = "Nguyễn Văn D"
    _write(rejects, rows)
    code, output = _import(tmp_path, str(rejects))
    assert code == 0, output
    assert "2 dossiers saved" in output
    assert _stored(tmp_path) == ["HS-000", "HS-001", "HS-002", "HS-003"]


def test_a_rejects_sheet_refused_again_keeps_one_reason_column(tmp_path: Path) -> None:
    first, second = tmp_path / "loi.xlsx", tmp_path / "loi-2.xlsx"
    _import(tmp_path, str(_bad_rows(tmp_path, ".xlsx")), "--rejects", str(first))
    code, output = _import(tmp_path, str(first), "--rejects", str(second))
    assert code == 0, output
    header = next(_rows(second))
    assert header.count("Lý do") == 1
    assert header[-1] == "Lý do"
    book = openpyxl.load_workbook(second)
    assert book["Danh sách"].freeze_panes == "A2"  # guided as the template is
    assert _list_of(book, book["Danh sách"], "D") == ["Nữ", "Nam"]


def test_rejects_writes_the_rows_already_stored_instead_of_refusing_the_sheet(
    tmp_path: Path,
) -> None:
    path, rejects = tmp_path / "ds.csv", tmp_path / "loi.csv"
    write_dossiers(path, candidates(2))
    assert _import(tmp_path, str(path))[0] == 0
    write_dossiers(path, candidates(3))  # the office's list, one row longer
    code, output = _import(tmp_path, str(path), "--rejects", str(rejects), lang="vi")
    assert code == 0, output
    assert "Đã lưu 1 hồ sơ" in output
    reasons = {row["Mã hồ sơ"]: row["Lý do"] for row in _by_header(rejects)}
    assert reasons == {
        "HS-000": "«Mã hồ sơ»: hồ sơ có mã này đã lưu trong kho (cập nhật hồ sơ đã lưu: --update)",
        "HS-001": "«Mã hồ sơ»: hồ sơ có mã này đã lưu trong kho (cập nhật hồ sơ đã lưu: --update)",
    }


def test_with_nothing_refused_the_rejects_sheet_holds_its_header_only(tmp_path: Path) -> None:
    path, rejects = tmp_path / "ds.csv", tmp_path / "loi.csv"
    write_dossiers(path, candidates(2))
    rejects.write_text("an older list\n", encoding="utf-8")
    code, output = _import(tmp_path, str(path), "--rejects", str(rejects))
    assert code == 0, output
    assert "0 rows not imported" in output
    assert [row[-1] for row in _rows(rejects)] == ["Lý do"]


def test_a_rejects_file_that_is_not_a_sheet_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    write_dossiers(path, candidates(1))
    code, output = _import(tmp_path, str(path), "--rejects", str(tmp_path / "loi.txt"))
    assert code == 2
    assert "--rejects writes a .xlsx or .csv file" in output
    assert not (tmp_path / "s.db").exists()


def test_without_rejects_one_refused_row_still_stores_nothing(tmp_path: Path) -> None:
    code, output = _import(tmp_path, str(_bad_rows(tmp_path, ".csv")))
    assert code == 1
    assert "2 problems in the sheet; nothing stored" in output
    assert not (tmp_path / "s.db").exists()


# --- updates: what a row carries, the rest kept -------------------------------------------------


def _stored_prepared(tmp_path: Path) -> Path:
    """A store holding one dossier with its history, sponsors and a vote; its row as a sheet."""
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=Organization(name="Chi bộ 1", code="X.1"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    add_vote(dossier, MEETING)
    with Deployment(store=str(tmp_path / "s.db")).open(create=True) as office:
        office.import_dossiers([dossier])
    path = tmp_path / "ds.csv"
    write_dossiers(path, [dossier])
    return path


def test_update_corrects_a_stored_candidate_and_keeps_what_a_row_cannot_carry(
    tmp_path: Path,
) -> None:
    path = _stored_prepared(tmp_path)
    with Deployment(store=str(tmp_path / "s.db")).open() as office:
        before = office.dossier("HS-001")
    rows = list(_rows(path))
    rows[1][_at(rows, "name")] = "Nguyễn Văn Ân"
    rows[1][_at(rows, "sex")] = "Nam"
    write_csv(path, rows)
    code, output = _import(tmp_path, str(path), "--update", "--adopted-on", "2026-01-05")
    assert code == 0, output
    assert "1 dossiers saved" in output
    assert "of which 1 stored dossiers updated" in output
    with Deployment(store=str(tmp_path / "s.db")).open() as office:
        after = office.dossier("HS-001")
    assert (after.candidate.name, after.candidate.sex) == ("Nguyễn Văn Ân", Sex.MALE)
    assert after.candidate.relatives == before.candidate.relatives
    assert after.votes == before.votes
    assert after.sponsors == before.sponsors
    assert after.history == before.history  # not adopted again: the stored acts stay
    assert after.revision == before.revision + 1


def test_update_refuses_a_row_whose_acts_differ_from_the_stored_history(tmp_path: Path) -> None:
    path = _stored_prepared(tmp_path)
    rows = list(_rows(path))
    column = _at(rows, f"{Step.ASSIGN_SPONSORS}@on")
    day, month, year = map(int, rows[1][column].split("/"))
    rows[1][column] = f"{pendulum.Date(year, month, day).add(days=1):%d/%m/%Y}"
    write_csv(path, rows)
    code, output = _import(tmp_path, str(path), "--update", "--adopted-on", "2026-01-05")
    assert code == 1
    assert "the acts differ from the stored dossier's" in output
    assert "nothing stored" in output


def test_an_update_saved_meanwhile_by_another_writer_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stored_prepared(tmp_path)
    with Deployment(store=str(tmp_path / "s.db")).open() as office:
        rows = read_dossier_rows(path, adopted_on=ADOPTED, workflow=office.workflow)
        load = office.store.load

        def load_then_another_writer_saves(dossier_id: str) -> object:
            loaded = load(dossier_id)
            office.store.save(load(dossier_id))
            return loaded

        monkeypatch.setattr(office.store, "load", load_then_another_writer_saves)
        with pytest.raises(StaleDossier):
            office.import_rows(rows, update=True)


# --- one language per problem -------------------------------------------------------------------


def _member_sheet(tmp_path: Path) -> Path:
    rows = member_rows(Stage.PROBATION)
    rows[0][HEADER["name"]] = "Lê" + "\u0007" + "Văn"  # a control character
    rows[1][HEADER["citizen_id"]] = "12345"
    return write_rows(tmp_path / "dv.csv", rows)


def test_every_problem_of_a_sheet_reads_wholly_in_one_language(tmp_path: Path) -> None:
    path = _member_sheet(tmp_path)
    more = [*member_rows(Stage.PROBATION), member_rows(Stage.PROBATION)[0]]
    more[0][HEADER["id"]], more[1][HEADER["id"]], more[2][HEADER["id"]] = "X", "Y", "Z"
    more[0][HEADER["birth_date"]] = "01/01/1850"
    more[1][HEADER["entered_pool_on"]] = more[1][HEADER["birth_date"]]
    with path.open(encoding="utf-8-sig") as file:
        rows = [*csv.DictReader(file), *more]
    path = write_rows(tmp_path / "dv.csv", rows)
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, adopted_on=MEETING, workflow=Workflow())
    vi = [problem.text("vi") for problem in refused.value.problems]
    en = [problem.text("en") for problem in refused.value.problems]
    assert len(vi) == 5
    english = ("after", "must", "contains", "outside", "the birth date", "expected")
    assert [line for line in vi if any(word in line for word in english)] == []
    assert [line for line in vi if "tiếng Anh" in line] == []  # each reason is in the table
    assert any("có ký tự không được dùng trong văn bản (U+0007)" in line for line in vi)
    assert any(
        "cần 12 chữ số (hoặc 9 với chứng minh nhân dân cũ), đang có 5" in line for line in vi
    )
    assert any("ngoài khoảng ngày ketnap xử lý (01/01/1900 đến 31/12/2100)" in line for line in vi)
    assert any("ngày sinh phải trước ngày vào danh sách cảm tình Đảng" in line for line in vi)
    assert any("sau ngày tiếp nhận hồ sơ" in line for line in vi)
    assert [line for line in en if "dòng" in line or "cột" in line] == []
    assert all("12345" not in line and "1850" not in line for line in [*vi, *en])


def _raised(make: Callable[[], object]) -> str:
    with pytest.raises(InvalidInput) as raised:
        make()
    return raised.value.reason


def _tree(*units: Unit) -> OrganizationTree:
    return OrganizationTree(units)


H = Unit(code="H", name="Huyện", level="district")


@pytest.mark.parametrize(
    "make",
    [
        lambda: clean_text("x" * 2000, field="name"),
        lambda: clean_text("a\u202eb", field="name"),
        lambda: clean_text("a\x07b", field="name"),
        lambda: clean_text(3, field="name"),
        lambda: as_date(pendulum.Date(1850, 1, 1)),
        lambda: Candidate(name=" ", birth_date=MEETING, education="primary"),
        lambda: Candidate(name="A", birth_date=MEETING, education="primary", citizen_id="1a"),
        lambda: Candidate(name="A", birth_date=MEETING, education="primary", citizen_id="123"),
        lambda: make_dossier(meeting=MEETING).__class__(
            id="X", candidate=make_dossier(meeting=MEETING).candidate,
            organization=make_dossier(meeting=MEETING).organization,
            entered_pool_on=pendulum.Date(1990, 1, 1),
        ),
        lambda: _tree(H, H),
        lambda: _tree(H, Unit(code="B", name="B", level="branch", parent="Z")),
        lambda: _tree(H, Unit(code="B", name="B", level="district", parent="H")),
        lambda: _tree(H, Unit(code="B", name="B", level="district")),
        lambda: _tree(Unit(code="B", name="B", level="branch", parent="B")),
        lambda: OrganizationTree([Unit(code="B", name="B", level="province")]),
        lambda: Unit(code="B", name="B", level="branch", members=-1),
    ],
    ids=[
        "long", "bidi", "control", "not text", "out of range", "empty name", "digits",
        "12 digits", "born after pool", "code twice", "unknown parent", "not below",
        "two roots", "no root", "unknown level", "negative count",
    ],
)  # fmt: skip
def test_every_reason_a_sheet_meets_has_its_vietnamese(make: Callable[[], object]) -> None:
    reason = _raised(make)
    found = vietnamese(reason)
    assert found is not None, reason
    assert found != reason


def test_a_reason_the_table_lacks_reads_in_vietnamese_without_english() -> None:
    from ketnap.sheets._reasons import reason_of  # noqa: PLC0415

    message = reason_of(InvalidInput("name", "something new went wrong"))
    assert message.render("en") == "something new went wrong"
    assert "went wrong" not in message.render("vi")
    assert message.render("vi").startswith("giá trị không được chấp nhận")


# --- labels and codes, one rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "code", "member"),
    [
        ("sex", "female", Sex.FEMALE),
        ("political_theory", "elementary", PoliticalTheory.ELEMENTARY),
        ("occupation", "worker", Occupation.WORKER),
        ("occupation", "WORKER", Occupation.WORKER),
    ],
)
def test_a_recorded_fact_takes_its_code_as_the_education_does(
    field: str, code: str, member: object
) -> None:
    given: dict[str, Any] = {field: code}
    candidate = Candidate(name="An", birth_date=MEETING, education="upper_secondary", **given)
    assert getattr(candidate, field) is member
    assert candidate.education == "upper_secondary"


@pytest.mark.parametrize("field", ["sex", "political_theory", "occupation"])
def test_an_unknown_code_is_refused_naming_its_field(field: str) -> None:
    given: dict[str, Any] = {field: "unknown"}
    with pytest.raises(InvalidInput) as refused:
        Candidate(name="An", birth_date=MEETING, education="primary", **given)
    assert refused.value.field == field


# --- the card number: an example, never a pattern ----------------------------------------------


def test_a_refused_card_number_shows_an_example_not_a_pattern_nor_the_number(
    tmp_path: Path,
) -> None:
    rows = member_rows(Stage.CARD_ISSUED)
    rows[0][HEADER["card_number"]] = "0100012"
    path = write_rows(tmp_path / "dv.csv", rows)
    with pytest.raises(SheetRefused) as refused:
        read_dossiers(path, adopted_on=ADOPTED, workflow=Workflow())
    (problem,) = refused.value.problems
    assert "Số thẻ đảng viên không đúng định dạng (ví dụ: 01.000123)" in problem.text("vi")
    assert "not in the expected form (e.g. 01.000123)" in problem.text("en")
    for text in (problem.text("vi"), problem.text("en")):
        assert "\\d" not in text
        assert "0100012" not in text


def test_a_card_example_that_does_not_match_its_pattern_is_refused() -> None:
    with pytest.raises(InvalidInput, match="card_number_example"):
        Policy().with_changes(card_number_pattern=r"\d{12}")
    changed = Policy().with_changes(card_number_pattern=r"\d{12}", card_number_example="0" * 12)
    assert changed.card_number_example == "000000000000"
