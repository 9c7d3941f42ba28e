"""
The cells under both workbooks: columns, reading and writing one cell, a sheet's problems.

Each `read_...` reads one cell or raises `BadCell`, its reason in both languages;
`open_sheet` opens a .xlsx or .csv file within the limits (`ketnap._sheet_files`);
`problem` names a bad cell by its column's header; `write_table` and `xlsx_cells` write
rows with every text escaped, so that no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs
import pendulum

from ketnap import _sheet_files as files
from ketnap.dates import as_date, day_first
from ketnap.errors import InvalidInput, KetnapError
from ketnap.inputs import LIMITS, escape_formula, unescape_formula
from ketnap.messages import Lang, Message
from ketnap.model import LabelledEnum
from ketnap.sheets._reasons import reason_of


@attrs.frozen
class Column:
    """One column: its headers, what it holds and how a cell reads and writes."""

    vi: str
    en: str
    field: str
    help: Message
    required: bool = True
    aliases: tuple[str, ...] = ()
    """Other headers read as this column (a clerk's "Họ tên" for "Họ và tên")."""
    kind: str = "text"
    """
    What a cell holds, as its reader reads it: ``"text"``, ``"date"`` (dd/mm/yyyy),
    ``"flag"`` (có / không), ``"choice"`` (one of `choices`) or ``"count"`` (a whole
    number, not negative). The template guides each kind (`write_template`).
    """
    choices: tuple[str, ...] = ()
    """The labels a ``"choice"`` or ``"flag"`` cell takes, as written: the template's list."""


_YES, _NO = ("có", "x", "yes", "true", "1"), ("không", "", "no", "false", "0")
FLAG_CHOICES: Final = ("có", "không")
DATE_HELP: Final = Message(vi="dd/mm/yyyy", en="dd/mm/yyyy")
FLAG_HELP: Final = Message(vi="có / không", en="có / không")


def choices(kind: type[LabelledEnum], empty: Message | None = None) -> Message:
    """The labels a cell of *kind* accepts, and what an empty cell means."""
    note = {"vi": "", "en": ""} if empty is None else {
        "vi": f" (trống: {empty.vi})", "en": f" (empty: {empty.en})"
    }  # fmt: skip
    return Message(
        vi="; ".join(m.message.vi for m in kind) + note["vi"],
        en="; ".join(m.message.en for m in kind) + note["en"],
    )


@attrs.frozen
class SheetProblem:
    """
    One cell (or row) that could not be read: where, and why.

    Attributes:
        sheet: the sheet's name (a .csv file's, without its suffix).
        row: the row's number as the spreadsheet shows it, the header being row 1.
        column: the column's header as the sheet shows it (``"Ngày sinh"``); empty when
            the row as a whole cannot be read.
        reason: what is wrong, in both languages where ketnap words it.
        field: the column's field code (``"birth_date"``, `Column.field`), if known.
    """

    sheet: str
    row: int
    column: str
    reason: str | Message
    field: str | None = None

    def text(self, lang: Lang = "vi") -> str:
        """One line naming the place: ``Danh sách, dòng 3, cột «Ngày sinh»: ...``."""
        reason = self.reason.render(lang) if isinstance(self.reason, Message) else self.reason
        place = _PLACE if self.column else _ROW_PLACE
        return place.render(
            lang, {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": reason}
        )


_PLACE = Message(
    vi="{sheet}, dòng {row}, cột «{column}»: {reason}",
    en="{sheet}, row {row}, column '{column}': {reason}",
)
_ROW_PLACE = Message(vi="{sheet}, dòng {row}: {reason}", en="{sheet}, row {row}: {reason}")


class SheetRefused(KetnapError):
    """A sheet had rows with problems; nothing was read. ``.problems`` lists every one."""

    def __init__(self, problems: Sequence[SheetProblem]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(p.text("en") for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problems: {shown}{more}")


# --- reading -----------------------------------------------------------------------------------


class BadCell(InvalidInput):
    """A cell that cannot be read, with its reason in both languages."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__("cell", message.render("en"))


def why(exc: InvalidInput) -> Message:
    """The reason *exc* gives, in both languages (`ketnap.sheets._reasons`)."""
    return exc.message if isinstance(exc, BadCell) else reason_of(exc)


_EMPTY = Message(vi="ô trống", en="empty")
_TIME_OF_DAY = Message(vi="cần ngày, không kèm giờ", en="a date without a time of day is expected")
_NOT_A_DATE = Message(vi="không phải ngày dạng dd/mm/yyyy", en="not a date as dd/mm/yyyy")
_NO_SUCH_DAY = Message(
    vi="ngày không có trong lịch", en="not a valid date (no such day in the calendar)"
)
_YES_NO = Message(vi="cần ghi có hoặc không", en="expected có or không")
ONE_OF = Message(vi="cần một trong: {accepted}", en="expected one of: {accepted}")
_WHOLE = Message(vi="cần số nguyên không âm", en="expected a whole number, not negative")
_IN_FIELD = Message(vi="{field}: {reason}", en="{field}: {reason}")


def csv_encoding(path: Path, encoding: str | None = None) -> str | None:
    """
    The encoding `read_dossiers` and `read_setup` read a .csv file in; None for a workbook.

    The file's byte-order mark if it has one (UTF-8 or UTF-16, as Excel writes "Unicode"
    files), else *encoding* (``"utf-8"``, ``"utf-16"`` or ``"cp1258"``: Windows-1258,
    which Excel writes for "CSV" on Vietnamese Windows), else UTF-8. The name returned is
    the usual one: ``"UTF-8"``, ``"UTF-16"``, ``"Windows-1258"``. Text read in any of them
    is normalised to NFC (Windows-1258 writes most tone marks as combining characters).

    Raises:
        InvalidInput: *encoding* is none of those, or the file is not a regular file.
    """
    if path.suffix.lower() != ".csv":
        return None
    return files.csv_encoding(path, encoding)


def estimate_rows(path: Path) -> int:
    """
    About how many rows a sheet file (.xlsx or .csv) holds below its header, cheaply.

    For a progress bar only: a .csv file's line breaks, a workbook's largest sheet, never
    read as reading it does (`ketnap._sheet_files.row_estimate`); 0 when it gives no
    figure.
    """
    return files.row_estimate(path)


@contextlib.contextmanager
def open_sheet(
    path: Path, encoding: str | None, name: str
) -> Iterator[tuple[str, Iterator[Sequence[object]]]]:
    """
    The sheet *name* of *path*, else its first (its name and its rows, numbered and bounded).

    A .csv file is one sheet, named by the file without its suffix.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with files.csv_rows(path, encoding) as rows:
            yield path.stem, files.numbered(rows)
    elif suffix == ".xlsx":
        with files.workbook(path) as (book, extent):
            sheet = book[name] if name in book.sheetnames else book.worksheets[0]
            yield sheet.title, files.numbered(files.workbook_rows(sheet, extent))
    else:
        raise InvalidInput("file", "expected a .xlsx or .csv file")


def column_positions(header: Sequence[object], table: Sequence[Column]) -> dict[str, int]:
    """Where each column of *table* is; a column given twice is refused, not guessed."""
    names: dict[str, Column] = {}
    for column in table:
        for name in (column.vi, column.en, *column.aliases):
            names.setdefault(fold(name), column)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        known = names.get(fold(cell_text(cell)))
        if known is None:
            continue  # a column of the office's own (notes ...): not read
        if known.field in positions:
            raise InvalidInput(
                "header",
                f"the column «{known.vi}» ({known.en}) is given twice "
                f"(columns {positions[known.field] + 1} and {index + 1})",
            )
        positions[known.field] = index
    for column in table:
        if column.required and column.field not in positions:
            raise InvalidInput("header", f"no column «{column.vi}» ({column.en})")
    return positions


def problem(
    sheet: str, table: Sequence[Column], row: int, field: str, reason: str | Message
) -> SheetProblem:
    """
    A problem in the column of *field*, named by its header as the sheet shows it.

    A field no column holds (a record's own check) is a problem of the row as a whole.
    """
    header = next((c.vi for c in table if c.field == field), None)
    if header is None:
        return SheetProblem(sheet, row, "", _IN_FIELD.bind(field=field, reason=reason), field)
    return SheetProblem(sheet, row, header, reason, field)


def cell_text(cell: object) -> str:
    """What *cell* says, as text: blanks around it and ketnap's formula escape removed."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    # Only the blanks a clerk leaves around a text: str.strip() would also drop control
    # characters (U+0085, U+001C ...) that the records refuse, silently.
    text = unicodedata.normalize("NFC", str(cell)).strip(_BLANKS)
    # A text ketnap wrote with a quote in front, so that no spreadsheet runs it: without it.
    return unescape_formula(text) if isinstance(cell, str) else text


_BLANKS: Final = " \t\r\n\u00a0\u3000"


def fold(text: str) -> str:
    """*text* as headers and labels are compared: without case."""
    return text.casefold()


def read_text(cell: object) -> str:
    """A cell's text; an empty cell is refused."""
    text = cell_text(cell)
    if not text:
        raise BadCell(_EMPTY)
    return text


def read_date(cell: object) -> pendulum.Date:
    """A date: a workbook's date cell without a time of day, or a text as dd/mm/yyyy."""
    # A workbook gives a datetime for a date cell; a text cell is read as dd/mm/yyyy.
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise BadCell(_TIME_OF_DAY)
        return as_date(cell.date())
    if isinstance(cell, dt.date):
        return as_date(cell)
    try:
        day = day_first(cell_text(cell))
    except ValueError:
        raise BadCell(_NO_SUCH_DAY) from None
    if day is None:
        raise BadCell(_NOT_A_DATE)
    return as_date(day)


def read_flag(cell: object) -> bool:
    """A yes or no: ``có`` / ``không`` (``x``, ``yes``, ``1`` ...), empty being no."""
    if isinstance(cell, bool):
        return cell
    text = fold(cell_text(cell))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadCell(_YES_NO)


def read_enum(kind: type[LabelledEnum]) -> Callable[[object], LabelledEnum]:
    """The reader of a member of *kind*, by its value or its label in either language."""
    names: dict[str, LabelledEnum] = {}
    for member in kind:
        for name in (member.value, member.message.vi, member.message.en):
            names[fold(unicodedata.normalize("NFC", name))] = member

    def read(cell: object) -> LabelledEnum:
        found = names.get(fold(cell_text(cell)))
        if found is None:
            raise BadCell(ONE_OF.bind(accepted=[member.message for member in kind]))
        return found

    return read


def read_count(cell: object) -> int:
    """A whole number, not negative, of at most `LIMITS.integer_digits` digits."""
    if isinstance(cell, int) and not isinstance(cell, bool):
        value = cell
    elif isinstance(cell, float) and cell.is_integer():
        value = int(cell)
    else:
        text = cell_text(cell)
        if not text.isascii() or not text.isdigit() or len(text) > LIMITS.integer_digits:
            raise BadCell(_WHOLE)
        value = int(text)
    if not 0 <= value < 10**LIMITS.integer_digits:
        raise BadCell(_WHOLE)
    return value


# --- writing -----------------------------------------------------------------------------------


def day_cell(value: pendulum.Date | None) -> str:
    """A date as offices write it (dd/mm/yyyy); empty for None."""
    return "" if value is None else f"{value:%d/%m/%Y}"


def write_table(
    path: Path, name: str, header: list[object], rows: Iterable[Sequence[object]]
) -> int:
    """Write one table as .csv or as a one-sheet .xlsx (by the suffix); return its rows."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InvalidInput("file", "expected a .xlsx or .csv file")
    count = -1  # the header is not a row of data
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            for row in itertools.chain([header], rows):
                writer.writerow([escape_formula(value) for value in row])
                count += 1
        return count
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(name)
    for row in itertools.chain([header], rows):
        sheet.append(xlsx_cells(row))
        count += 1
    workbook.save(path)
    return count


def xlsx_cells(row: Iterable[object]) -> list[object]:
    """
    A row as a workbook holds it: texts escaped, never formulas, empty cells left out.

    openpyxl writes a text starting with ``=`` as a formula; once escaped
    (`ketnap.inputs.escape_formula`) none does, and every text is a string cell. An
    empty text is no cell at all, which keeps a long list's workbook small.
    """
    return [None if value == "" else escape_formula(value) for value in row]
