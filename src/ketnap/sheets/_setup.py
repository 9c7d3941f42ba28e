"""
The setup workbook: the organisation tree, quotas and courses a report needs.

`SETUP_SHEETS` names its sheets ("Tổ chức", "Chỉ tiêu", "Lớp bồi dưỡng") and their
columns (`UNIT_COLUMNS`, `QUOTA_COLUMNS`, `COURSE_COLUMNS`); `read_setup` reads them from
a workbook or .csv files into a `Setup`; `write_setup` writes them.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from ketnap import _sheet_files as files
from ketnap.dates import DATE_MAX, DATE_MIN
from ketnap.errors import InvalidInput
from ketnap.messages import Message
from ketnap.organizations import (
    LEVELS_2021,
    LEVELS_2025,
    Course,
    OrganizationTree,
    Quotas,
    Unit,
)
from ketnap.sheets._cells import (
    DATE_HELP,
    FLAG_CHOICES,
    ONE_OF,
    BadCell,
    Column,
    SheetProblem,
    SheetRefused,
    cell_text,
    column_positions,
    day_cell,
    fold,
    problem,
    read_count,
    read_date,
    read_flag,
    read_text,
    why,
    write_table,
    xlsx_cells,
)


@attrs.frozen
class Setup:
    """What a report needs besides the dossiers, as read from sheets; None where not given."""

    tree: OrganizationTree | None = None
    quotas: Quotas | None = None
    courses: list[Course] | None = None


_LEVELS: Final = {level.code: level for level in (*LEVELS_2021, *LEVELS_2025)}
_LEVEL_HELP: Final = Message(
    vi="; ".join(f"{lv.code} ({lv.label.vi})" for lv in _LEVELS.values()),
    en="; ".join(f"{lv.code} ({lv.label.en})" for lv in _LEVELS.values()),
)
_COUNT_HELP: Final = Message(vi="số nguyên, không âm", en="a whole number, not negative")
_MEMBERS_HELP: Final = Message(
    vi="chỉ ghi ở chi bộ (chi bộ trực thuộc, chi bộ cơ sở): số của đơn vị cấp trên là tổng "
    "các chi bộ dưới nó; để trống ở các cấp khác",
    en="on branches only (branches, base branches): a unit's count is the sum of the "
    "branches under it; leave it empty on other levels",
)
_LEVEL_CHOICES: Final = tuple(level.label.vi for level in _LEVELS.values())

UNIT_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã đơn vị", "Unit code", "code", Message(vi="mã duy nhất", en="unique code")),
    Column("Tên đơn vị", "Unit name", "name", Message(vi="tên đầy đủ", en="full name")),
    Column("Cấp", "Level", "level", _LEVEL_HELP, kind="choice", choices=_LEVEL_CHOICES),
    Column(
        "Mã đơn vị cấp trên",
        "Parent unit code",
        "parent",
        Message(vi="trống với đơn vị cao nhất", en="empty for the top unit"),
        required=False,
    ),
    Column("Số đảng viên", "Members", "members", _MEMBERS_HELP, required=False, kind="count"),
    Column(
        "Được ủy quyền kết nạp",
        "May admit",
        "may_admit",
        Message(vi="có / không (đảng ủy cơ sở được ủy quyền)", en="có / không"),
        required=False,
        kind="flag",
        choices=FLAG_CHOICES,
    ),
)
"""The columns of the organisation tree's sheet, one unit per row."""

QUOTA_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã đơn vị", "Unit code", "unit", Message(vi="mã đơn vị", en="unit code")),
    Column("Năm", "Year", "year", Message(vi="ví dụ 2021", en="e.g. 2021"), kind="count"),
    Column("Chỉ tiêu kết nạp", "Admissions planned", "admissions", _COUNT_HELP, kind="count"),
)
"""The columns of the quotas' sheet, one unit and year per row."""

COURSE_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã lớp", "Course code", "code", Message(vi="mã duy nhất", en="unique code")),
    Column("Mã đơn vị", "Unit code", "unit", Message(vi="đơn vị mở lớp", en="organising unit")),
    Column("Ngày khai giảng", "Opened on", "opened_on", DATE_HELP, kind="date"),
    Column("Ngày bế giảng", "Closed on", "closed_on", DATE_HELP, kind="date"),
    Column("Số học viên", "Trainees", "trainees", _COUNT_HELP, kind="count"),
)
"""The columns of the courses' sheet, one awareness course per row."""

SETUP_SHEETS: Final = {
    "tree": ("Tổ chức", UNIT_COLUMNS),
    "quotas": ("Chỉ tiêu", QUOTA_COLUMNS),
    "courses": ("Lớp bồi dưỡng", COURSE_COLUMNS),
}
"""The sheets of a setup workbook: what each holds, its name and its columns."""


def _read_level(cell: object) -> str:
    text = fold(cell_text(cell))
    for level in _LEVELS.values():
        if text in {fold(level.code), fold(level.label.vi), fold(level.label.en)}:
            return level.code
    raise BadCell(ONE_OF.bind(accepted=", ".join(_LEVELS)))


_SETUP_READERS: Final[dict[str, Callable[[object], object]]] = {
    "members": read_count,
    "year": read_count,
    "admissions": read_count,
    "trainees": read_count,
    "level": _read_level,
    "may_admit": read_flag,
    "opened_on": read_date,
    "closed_on": read_date,
}


def read_setup(*paths: Path, encoding: str | None = None) -> Setup:
    """
    Read the organisation tree, quotas and courses from sheets.

    A .xlsx workbook may hold any of the sheets of `SETUP_SHEETS` ("Tổ chức", "Chỉ
    tiêu", "Lớp bồi dưỡng"); a .csv file holds one table, known by its header row, and
    is decoded as `read_dossiers` decodes one (*encoding*: see `csv_encoding`). Every
    text is cleaned as a dossier's is (`ketnap.inputs.clean_text`).

    Raises:
        SheetRefused: a row has a problem; every problem is listed, nothing is returned.
        InvalidInput: a file is not .xlsx or .csv, not a regular file, over the limits or
            not readable at all, holds none of the tables, or gives a table twice; the
            error names the file.
    """
    found: dict[str, tuple[str, list[tuple[int, dict[str, Any]]]]] = {}
    problems: list[SheetProblem] = []
    for path in paths:
        sheet = path.stem
        try:
            with _setup_tables(path, encoding) as tables:
                for kind, sheet, rows in tables:
                    if kind in found:
                        raise _given_twice(kind)
                    read = _setup_rows(sheet, SETUP_SHEETS[kind][1], rows, problems)
                    if read:  # a sheet left empty (as in the template) gives nothing
                        found[kind] = (sheet, read)
        except files.Unreadable as exc:
            problems.append(SheetProblem(sheet, exc.row, "", exc.reason))
        except InvalidInput as exc:
            raise InvalidInput(f"{path.name}: {exc.field}", exc.reason) from None
    if not found and not problems:
        raise InvalidInput("file", "no sheet of units, quotas or courses with rows")
    if problems:
        raise SheetRefused(problems)
    setup = Setup(
        tree=_tree(*found["tree"], problems) if "tree" in found else None,
        quotas=_quotas(*found["quotas"], problems) if "quotas" in found else None,
        courses=_courses(*found["courses"], problems) if "courses" in found else None,
    )
    if problems:
        raise SheetRefused(problems)
    return setup


def _given_twice(kind: str) -> InvalidInput:
    return InvalidInput("file", f"the {kind} are given twice")


_Tables = list[tuple[str, str, Iterator[Sequence[object]]]]


@contextlib.contextmanager
def _setup_tables(path: Path, encoding: str | None) -> Iterator[_Tables]:
    """The setup tables *path* holds: their kind, their sheet's name and their rows."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with files.csv_rows(path, encoding) as raw:
            rows = files.numbered(raw)
            header = next(rows, None) or []
            names = {fold(cell_text(cell)) for cell in header}
            for kind, (_, table) in SETUP_SHEETS.items():
                if all(fold(c.vi) in names or fold(c.en) in names for c in table if c.required):
                    yield [(kind, path.stem, itertools.chain([header], rows))]
                    return
        raise InvalidInput("header", "the columns of no table of units, quotas or courses")
    if suffix != ".xlsx":
        raise InvalidInput("file", "expected a .xlsx or .csv file")
    with files.workbook(path) as (book, extent):
        yield [
            (kind, name, files.numbered(files.workbook_rows(book[name], extent)))
            for kind, (name, _) in SETUP_SHEETS.items()
            if name in book.sheetnames
        ]


def _setup_rows(
    sheet: str,
    table: Sequence[Column],
    rows: Iterator[Sequence[object]],
    problems: list[SheetProblem],
) -> list[tuple[int, dict[str, Any]]]:
    header = next(rows, None)
    if header is None:
        raise InvalidInput("sheet", f"{sheet}: empty, no header row")
    positions = column_positions(header, table)
    read: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell_text(cell) for cell in row):
            continue
        values: dict[str, Any] = {}
        for column in table:
            index = positions.get(column.field)
            cell = row[index] if index is not None and index < len(row) else None
            if not column.required and not cell_text(cell):
                continue
            try:
                values[column.field] = _SETUP_READERS.get(column.field, read_text)(cell)
            except InvalidInput as exc:
                problems.append(problem(sheet, table, number, column.field, why(exc)))
        read.append((number, values))
    return read


# An error of the tree as a whole names a unit by its place in the list: units[3].parent.
_UNIT_PLACE: Final = re.compile(r"units\[(\d+)\](?:\.\w+)?")


def _tree(
    sheet: str, rows: list[tuple[int, dict[str, Any]]], problems: list[SheetProblem]
) -> OrganizationTree | None:
    # Levels of the 2025 organisation (province, commune) name the 2025 ladder.
    levels = {values["level"] for _, values in rows}
    chosen = LEVELS_2025 if levels - {lv.code for lv in LEVELS_2021} else LEVELS_2021
    units = []
    for number, values in rows:
        try:
            units.append(Unit(**values))
        except InvalidInput as exc:
            problems.append(problem(sheet, UNIT_COLUMNS, number, exc.field, why(exc)))
    if len(units) < len(rows):
        return None
    try:
        tree = OrganizationTree(units, levels=chosen)
    except InvalidInput as exc:
        place = _UNIT_PLACE.fullmatch(exc.field)
        if place is None:  # the tree as a whole (no unit at all): its header row
            problems.append(problem(sheet, UNIT_COLUMNS, 1, exc.field, why(exc)))
        else:  # the unit's row, named by its code as the message names it
            number = rows[int(place.group(1))][0]
            problems.append(problem(sheet, UNIT_COLUMNS, number, "code", why(exc)))
        return None
    # Members belong to branches; a unit's count is its branches' sum (OrganizationTree
    # .members). A count on any other level would be counted twice: refused, by its cell.
    before = len(problems)
    for (number, _values), unit in zip(rows, units, strict=True):
        level = tree.level(unit)
        if unit.members and not level.branch:
            reason = _MEMBERS_ON_BRANCHES.bind(level=level.label)
            problems.append(problem(sheet, UNIT_COLUMNS, number, "members", reason))
    return tree if len(problems) == before else None


_MEMBERS_ON_BRANCHES = Message(
    vi="số đảng viên chỉ ghi ở chi bộ; của «{level}» là tổng các chi bộ dưới nó, ketnap tự "
    "cộng: để trống ô này",
    en="members are given on branches only; a {level}'s count is the sum of the branches "
    "under it, which ketnap adds up: leave this cell empty",
)


_NOT_A_YEAR = Message(vi="không phải năm hợp lệ", en="not a year")
_GIVEN_TWICE = Message(vi="đơn vị và năm đã có ở dòng khác", en="given twice")


def _quotas(
    sheet: str, rows: list[tuple[int, dict[str, Any]]], problems: list[SheetProblem]
) -> Quotas:
    quotas = Quotas()
    seen: set[tuple[str, int]] = set()
    for number, values in rows:
        key = (values["unit"], values["year"])
        if not DATE_MIN.year <= key[1] <= DATE_MAX.year:
            problems.append(problem(sheet, QUOTA_COLUMNS, number, "year", _NOT_A_YEAR))
            continue
        if key in seen:
            problems.append(problem(sheet, QUOTA_COLUMNS, number, "unit", _GIVEN_TWICE))
        seen.add(key)
        try:
            quotas.assign(*key, values["admissions"])
        except InvalidInput as exc:
            problems.append(problem(sheet, QUOTA_COLUMNS, number, exc.field, why(exc)))
    return quotas


def _courses(
    sheet: str, rows: list[tuple[int, dict[str, Any]]], problems: list[SheetProblem]
) -> list[Course]:
    courses = []
    for number, values in rows:
        try:
            courses.append(Course(**values))
        except InvalidInput as exc:
            problems.append(problem(sheet, COURSE_COLUMNS, number, exc.field, why(exc)))
    return courses


def write_setup(
    path: Path,
    *,
    tree: OrganizationTree | None = None,
    quotas: Quotas | None = None,
    courses: Iterable[Course] | None = None,
) -> list[Path]:
    """
    Write the tables given, as `read_setup` reads them; return the files written.

    *path* is a .xlsx workbook (one sheet per table) or a folder (one .csv per table:
    ``to-chuc.csv``, ``chi-tieu.csv``, ``lop-boi-duong.csv``).
    """
    tables: dict[str, list[list[object]]] = {}
    if tree is not None:
        tables["tree"] = [
            [u.code, u.name, u.level, u.parent or "", u.members, "có" if u.may_admit else "không"]
            for u in tree
        ]
    if quotas is not None:
        tables["quotas"] = [list(item) for item in quotas.items()]
    if courses is not None:
        tables["courses"] = [
            [c.code, c.unit, day_cell(c.opened_on), day_cell(c.closed_on), c.trainees]
            for c in courses
        ]
    if path.suffix.lower() != ".xlsx":
        path.mkdir(parents=True, exist_ok=True)
        written = []
        for kind, rows in tables.items():
            name, table = SETUP_SHEETS[kind]
            target = path / f"{_CSV_NAMES[kind]}.csv"
            write_table(target, name, [column.vi for column in table], rows)
            written.append(target)
        return written
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    for kind, rows in tables.items():
        name, table = SETUP_SHEETS[kind]
        sheet = workbook.create_sheet(name)
        sheet.append(xlsx_cells(column.vi for column in table))
        for row in rows:
            sheet.append(xlsx_cells(row))
    workbook.save(path)
    return [path]


_CSV_NAMES: Final = {"tree": "to-chuc", "quotas": "chi-tieu", "courses": "lop-boi-duong"}
