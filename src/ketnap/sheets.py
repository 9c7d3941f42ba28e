"""
Spreadsheets in and out (bảng tính): candidates of the source pool, one row per dossier.

Offices keep their lists in spreadsheets. `read_candidates` reads a sheet (.xlsx or
.csv) whose first row holds the Vietnamese (or English) column headers of `COLUMNS`,
dates written as offices write them (dd/mm/yyyy), and builds one new dossier per row.
Every row with a problem is reported with its sheet, row, column and reason
(`SheetRefused`); nothing is returned unless every row is valid. `write_candidates`
writes the same columns, so that what it writes reads back into equal dossiers, and
`write_template` writes an empty workbook with the columns and a sheet explaining them.

.xlsx files are read with openpyxl in read-only mode, row by row, so memory stays flat
however long the list.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_template(folder / "mau.xlsx")
>>> [c.vi for c in COLUMNS][:3]
['Mã hồ sơ', 'Họ và tên', 'Ngày sinh']
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import pendulum

from ketnap.dates import as_date
from ketnap.errors import InvalidInput, KetnapError
from ketnap.messages import Lang, Message
from ketnap.model import Candidate, Dossier, EducationLevel, LabelledEnum, Organization, Sex

__all__ = [
    "COLUMNS",
    "Column",
    "SheetProblem",
    "SheetRefused",
    "read_candidates",
    "write_candidates",
    "write_template",
]

SHEET: Final = "Danh sách"
"""The sheet of candidates in a workbook (the first sheet when absent)."""


@attrs.frozen
class Column:
    """One column: its headers, what it holds and how a cell reads and writes."""

    vi: str
    en: str
    field: str
    help: Message
    required: bool = True


_YES, _NO = ("có", "x", "yes", "true", "1"), ("không", "", "no", "false", "0")

COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã hồ sơ", "Dossier id", "id", Message(vi="mã duy nhất", en="unique id")),
    Column("Họ và tên", "Full name", "name", Message(vi="họ và tên", en="full name")),
    Column("Ngày sinh", "Birth date", "birth_date", Message(vi="dd/mm/yyyy", en="dd/mm/yyyy")),
    Column("Giới tính", "Sex", "sex", Message(vi="Nam / Nữ", en="Nam / Nữ"), required=False),
    Column(
        "Trình độ học vấn",
        "Education",
        "education",
        Message(vi="như danh mục trình độ", en="one of the education levels"),
    ),
    Column("Mã chi bộ", "Branch code", "code", Message(vi="mã chi bộ", en="branch code")),
    Column("Tên chi bộ", "Branch name", "branch", Message(vi="tên chi bộ", en="branch name")),
    Column(
        "Ngày vào danh sách cảm tình Đảng",
        "Entered the source pool",
        "entered_pool_on",
        Message(vi="dd/mm/yyyy", en="dd/mm/yyyy"),
    ),
    Column(
        "Đoàn viên",
        "Youth Union member",
        "youth_union_member",
        Message(vi="có / không", en="có / không"),
        required=False,
    ),
    Column(
        "Công đoàn viên",
        "Trade-union member",
        "trade_union_member",
        Message(vi="có / không", en="có / không"),
        required=False,
    ),
    Column(
        "Dân tộc thiểu số",
        "Ethnic minority",
        "ethnic_minority",
        Message(vi="có / không", en="có / không"),
        required=False,
    ),
    Column(
        "Theo tôn giáo",
        "Religious",
        "religious",
        Message(vi="có / không", en="có / không"),
        required=False,
    ),
)
"""The columns of a candidates sheet, in order."""

_BOOLEAN_FIELDS: Final = frozenset(
    {"youth_union_member", "trade_union_member", "ethnic_minority", "religious"}
)


@attrs.frozen
class SheetProblem:
    """One cell (or row) that could not be read: where, and why."""

    sheet: str
    row: int
    column: str
    reason: str

    def text(self, lang: Lang = "vi") -> str:
        """One line naming the place: ``Danh sách, dòng 3, cột «Ngày sinh»: ...``."""
        return _PLACE.render(
            lang,
            {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason},
        )


_PLACE = Message(
    vi="{sheet}, dòng {row}, cột «{column}»: {reason}",
    en="{sheet}, row {row}, column '{column}': {reason}",
)


class SheetRefused(KetnapError):
    """A sheet had rows with problems; nothing was read. ``.problems`` lists every one."""

    def __init__(self, problems: Sequence[SheetProblem]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(p.text("en") for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problems: {shown}{more}")


# --- reading -----------------------------------------------------------------------------------


def read_candidates(path: Path) -> list[Dossier]:
    """
    Read a candidates sheet (.xlsx or .csv) into new dossiers at the source pool.

    Raises:
        SheetRefused: any row has a problem; every problem is listed, nothing is returned.
        InvalidInput: the file is not .xlsx or .csv, or its header row lacks a column.
    """
    sheet, rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("sheet", "the sheet is empty: no header row")
    positions = _positions(header)
    problems: list[SheetProblem] = []
    dossiers: list[Dossier] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if not any(_text(cell) for cell in row):
            continue  # a blank line between blocks of a list
        cells = {
            c.field: (row[positions[c.field]] if positions[c.field] < len(row) else None)
            for c in COLUMNS
            if c.field in positions
        }
        found = _dossier(cells, sheet, number, problems)
        if found is None:
            continue
        if found.id in seen:
            problems.append(SheetProblem(sheet, number, COLUMNS[0].vi, "the id appears twice"))
            continue
        seen.add(found.id)
        dossiers.append(found)
    if problems:
        raise SheetRefused(problems)
    return dossiers


def _rows(path: Path) -> tuple[str, Iterator[Sequence[object]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return path.stem, _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise InvalidInput("file", "expected a .xlsx or .csv file")


def _csv_rows(path: Path) -> Iterator[Sequence[object]]:
    # utf-8-sig: spreadsheet programs write a byte-order mark before Vietnamese text.
    with path.open(encoding="utf-8-sig", newline="") as file:
        yield from csv.reader(file)


def _xlsx_rows(path: Path) -> tuple[str, Iterator[Sequence[object]]]:
    import openpyxl  # noqa: PLC0415 - only .xlsx users pay for importing it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is one clear error
        raise InvalidInput("file", "not a readable .xlsx workbook") from None
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]

    def rows() -> Iterator[Sequence[object]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return sheet.title, rows()


def _positions(header: Sequence[object]) -> dict[str, int]:
    names = {_key(_text(cell)): index for index, cell in enumerate(header)}
    positions: dict[str, int] = {}
    for column in COLUMNS:
        index = names.get(_key(column.vi), names.get(_key(column.en)))
        if index is not None:
            positions[column.field] = index
        elif column.required:
            raise InvalidInput("header", f"no column «{column.vi}» ({column.en})")
    return positions


def _dossier(
    cells: dict[str, object], sheet: str, row: int, problems: list[SheetProblem]
) -> Dossier | None:
    before = len(problems)
    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column.field not in cells:
            continue
        try:
            values[column.field] = _READERS.get(column.field, _read_text)(cells[column.field])
        except InvalidInput as exc:
            problems.append(SheetProblem(sheet, row, column.vi, exc.reason))
    if len(problems) > before:
        return None
    try:
        return Dossier(
            id=values["id"],
            candidate=Candidate(
                name=values["name"],
                birth_date=values["birth_date"],
                education=values["education"],
                sex=values.get("sex"),
                **{k: values.get(k, False) for k in _BOOLEAN_FIELDS},
            ),
            organization=Organization(name=values["branch"], code=values["code"]),
            entered_pool_on=values["entered_pool_on"],
        )
    except InvalidInput as exc:
        header = next((c.vi for c in COLUMNS if c.field == exc.field), exc.field)
        problems.append(SheetProblem(sheet, row, header, exc.reason))
        return None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return unicodedata.normalize("NFC", str(cell)).strip()


def _key(text: str) -> str:
    return text.casefold()


def _read_text(cell: object) -> str:
    text = _text(cell)
    if not text:
        raise InvalidInput("cell", "empty")
    return text


def _read_date(cell: object) -> pendulum.Date:
    # A workbook gives a datetime for a date cell; a text cell is read as dd/mm/yyyy.
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise InvalidInput("cell", "a date without a time of day is expected")
        return as_date(cell.date())
    if isinstance(cell, dt.date):
        return as_date(cell)
    text = _text(cell)
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise InvalidInput("cell", "not a date as dd/mm/yyyy")
    try:
        day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise InvalidInput("cell", "not a valid date (no such day in the calendar)") from None
    return as_date(day)


def _read_flag(cell: object) -> bool:
    if isinstance(cell, bool):
        return cell
    text = _key(_text(cell))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidInput("cell", "expected có or không")


def _read_enum(kind: type[LabelledEnum]) -> Callable[[object], LabelledEnum]:
    names: dict[str, LabelledEnum] = {}
    for member in kind:
        for name in (member.value, member.message.vi, member.message.en):
            names[_key(unicodedata.normalize("NFC", name))] = member

    def read(cell: object) -> LabelledEnum:
        found = names.get(_key(_text(cell)))
        if found is None:
            accepted = ", ".join(member.message.vi for member in kind)
            raise InvalidInput("cell", f"expected one of: {accepted}")
        return found

    return read


def _read_optional_sex(cell: object) -> LabelledEnum | None:
    return None if not _text(cell) else _read_enum(Sex)(cell)


_READERS: Final[dict[str, Callable[[object], object]]] = {
    "birth_date": _read_date,
    "entered_pool_on": _read_date,
    "education": _read_enum(EducationLevel),
    "sex": _read_optional_sex,
    **dict.fromkeys(_BOOLEAN_FIELDS, _read_flag),
}


# --- writing -----------------------------------------------------------------------------------


def _cells(dossier: Dossier) -> list[object]:
    candidate = dossier.candidate
    values: dict[str, object] = {
        "id": dossier.id,
        "name": candidate.name,
        "birth_date": f"{candidate.birth_date:%d/%m/%Y}",
        "sex": "" if candidate.sex is None else candidate.sex.message.vi,
        "education": candidate.education.message.vi,
        "code": dossier.organization.code or "",
        "branch": dossier.organization.name,
        "entered_pool_on": f"{dossier.entered_pool_on:%d/%m/%Y}",
        **{k: "có" if getattr(candidate, k) else "không" for k in _BOOLEAN_FIELDS},
    }
    return [values[column.field] for column in COLUMNS]


def write_candidates(path: Path, dossiers: Iterable[Dossier]) -> int:
    """
    Write *dossiers* as a candidates sheet (.xlsx or .csv, by the suffix); return the rows.

    Only the columns of `COLUMNS` are written: records beyond them (relatives, sponsors,
    history) stay in the documents.
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InvalidInput("file", "expected a .xlsx or .csv file")
    header: list[object] = [column.vi for column in COLUMNS]
    rows = itertools.chain([header], map(_cells, dossiers))
    count = -1  # the header is not a dossier
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


def write_template(path: Path) -> None:
    """Write an empty candidates workbook (.xlsx) with the columns and a sheet explaining them."""
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.append([column.vi for column in COLUMNS])
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Column", "Bắt buộc", "Cách ghi", "How to write it"])
    for column in COLUMNS:
        guide.append(
            [
                column.vi,
                column.en,
                "có" if column.required else "không",
                column.help.vi,
                column.help.en,
            ]
        )
    guide.append([])
    guide.append(
        [
            "Trình độ học vấn",
            "Education",
            "",
            "; ".join(m.message.vi for m in EducationLevel),
            "; ".join(m.message.en for m in EducationLevel),
        ]
    )
    workbook.save(path)
