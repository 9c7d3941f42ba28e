"""
The workbooks a clerk fills in: the empty template, and the rows an import refused.

`write_template` writes the empty workbook: the dossiers ("Danh sách"), the setup's
sheets (`SETUP_SHEETS`) and a guide ("Hướng dẫn"). `write_rejects` writes the rows an
import refused, each with its reasons in a last column "Lý do", so that the clerk
corrects them and imports the file again (the column "Lý do" is not read).

A workbook's sheets are guided from their columns (`Column.kind`, `Column.choices`,
`Column.help`), as the columns are generated from the model: the header row bold and
frozen, each header cell with a note saying what a cell takes, the columns wide
enough; a drop-down list for each column of labels (education, sex, yes / no, level
...), its labels on the hidden sheet "Danh mục" (a list written in the rule itself may
not pass 255 characters); a whole number for a count; a date column formatted as text,
so that what the clerk types (dd/mm/yyyy) is kept as typed and never read as another
day by a spreadsheet set for another country.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ketnap.inputs import LIMITS
from ketnap.messages import Lang, Message
from ketnap.model import EducationLevel
from ketnap.process import ADMISSION, Process
from ketnap.sheets._cells import Column, SheetProblem, choices, fold, write_table, xlsx_cells
from ketnap.sheets._dossiers import ACTS_GUIDE, SHEET, RefusedRow, SheetRows, columns
from ketnap.sheets._setup import SETUP_SHEETS

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

LISTS: Final = "Danh mục"
"""The hidden sheet of the drop-down lists' labels."""
GUIDE: Final = "Hướng dẫn"
"""The sheet that explains every column."""

REASON: Final = Column(
    "Lý do",
    "Reason",
    "reason",
    Message(
        vi="vì sao dòng chưa được nhập: sửa các ô được nêu rồi nhập lại tệp (cột này không "
        "được đọc)",
        en="why the row was not imported: correct the cells it names, then import the file "
        "again (this column is not read)",
    ),
    required=False,
)
"""The last column of a sheet of refused rows (`write_rejects`)."""

_IN_CELL = Message(vi="«{column}»: {reason}", en="'{column}': {reason}")
_REQUIRED = Message(vi="Bắt buộc.", en="Required.")
_LAST_ROW: Final = LIMITS.sheet_rows + 1  # the rows a sheet may have, below its header


def write_template(path: Path, *, process: Process = ADMISSION) -> None:
    """
    Write an empty workbook (.xlsx) for an office, guided, with a sheet explaining every column.

    Its sheets: the dossiers ("Danh sách", `read_dossiers`), and the tree, quotas and
    courses (`SETUP_SHEETS`, `read_setup`), each with its drop-down lists and notes;
    the guide ("Hướng dẫn"); the lists (hidden, "Danh mục").
    """
    tables = {SHEET: columns(process), **dict(SETUP_SHEETS.values())}
    workbook = _workbook()
    lists = _Lists(workbook)
    for name, table in tables.items():
        _guided(workbook.create_sheet(name), [column.vi for column in table], table, lists)
    guide = workbook.create_sheet(GUIDE)
    rows: list[list[object]] = [
        ["Trang", "Cột", "Column", "Bắt buộc", "Cách ghi", "How to write it"]
    ]
    for name, table in tables.items():
        for column in table:
            required = "có" if column.required else "không"
            rows.append([name, column.vi, column.en, required, column.help.vi, column.help.en])
    rows.append([])
    levels = choices(EducationLevel)
    rows.append([SHEET, "Trình độ học vấn", "Education", "", levels.vi, levels.en])
    rows.append([SHEET, "Ngày: ... / Số văn bản: ...", "Date: ... / Document no.: ...", "",
                 ACTS_GUIDE.vi, ACTS_GUIDE.en])  # fmt: skip
    for row in rows:
        guide.append(xlsx_cells(row))
    _header(guide, [str(cell) for cell in rows[0]], [None] * len(rows[0]))
    lists.hide()
    workbook.save(path)


def write_rejects(
    path: Path, rows: SheetRows, refused: Iterable[RefusedRow] | None = None, *, lang: Lang = "vi"
) -> int:
    """
    Write the rows an import refused (.xlsx or .csv, by the suffix); return how many.

    The sheet has the header of the sheet read (the office's own columns too), then
    "Lý do": every problem of the row, each naming its column, in *lang*. A column
    "Lý do" the sheet read already had (a file of refused rows imported again) is
    replaced. Corrected, the file imports as the sheet would have: the reason is not
    read. A workbook is guided as the template is (`write_template`).

    Args:
        path: the file to write (.xlsx or .csv).
        rows: the sheet as read (`read_dossier_rows`).
        refused: the rows to write, in order; default: ``rows.refused``.
        lang: the language of the reasons.
    """
    reasons = {fold(REASON.vi), fold(REASON.en)}
    kept = [i for i, name in enumerate(rows.header) if fold(name) not in reasons]
    header = [rows.header[i] for i in kept] + [REASON.vi]
    lines = [
        [*(row.cells[i] if i < len(row.cells) else "" for i in kept), _reasons(row.problems, lang)]
        for row in (rows.refused if refused is None else refused)
    ]
    if path.suffix.lower() != ".xlsx":
        return write_table(path, SHEET, list(header), lines)
    known: dict[str, Column] = {}
    for column in rows.columns:
        for name in (column.vi, column.en, *column.aliases):
            known.setdefault(fold(name), column)
    table = [known.get(fold(name)) for name in header[:-1]] + [REASON]
    workbook = _workbook()
    sheet = workbook.create_sheet(SHEET)
    lists = _Lists(workbook)
    _guided(sheet, header, table, lists)
    for line in lines:
        sheet.append(xlsx_cells(line))
    lists.hide()
    workbook.save(path)
    return len(lines)


def _reasons(problems: Sequence[SheetProblem], lang: Lang) -> str:
    """A row's problems as one cell: each naming its column, in *lang*."""
    said = []
    for found in problems:
        reason = found.reason.render(lang) if isinstance(found.reason, Message) else found.reason
        said.append(_IN_CELL.render(lang, {"column": found.column, "reason": reason})
                    if found.column else reason)  # fmt: skip
    return "; ".join(said)


# --- guiding a sheet ---------------------------------------------------------------------------


def _workbook() -> Workbook:
    import openpyxl  # noqa: PLC0415 - only .xlsx users pay for importing it

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])  # the sheets are named and ordered by us
    return workbook


class _Lists:
    """The hidden sheet of drop-down lists: one column per list of labels, each list once."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._sheet: Worksheet | None = None
        self._ranges: dict[tuple[str, ...], str] = {}

    def range(self, column: Column) -> str:
        """The cells holding *column*'s labels, as a rule's formula names them."""
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        if column.choices not in self._ranges:
            if self._sheet is None:
                self._sheet = self._workbook.create_sheet(LISTS)
            place = len(self._ranges) + 1
            letter = get_column_letter(place)
            title = "có / không" if column.kind == "flag" else column.vi  # flags share one
            self._sheet.cell(row=1, column=place, value=title)
            for row, label in enumerate(column.choices, start=2):
                self._sheet.cell(row=row, column=place, value=label)
            last = len(column.choices) + 1
            self._ranges[column.choices] = f"'{LISTS}'!${letter}$2:${letter}${last}"
        return self._ranges[column.choices]

    def hide(self) -> None:
        """Hide the lists, last of the sheets (once the others are written: one must show)."""
        if self._sheet is not None:
            names = self._workbook.sheetnames
            self._workbook.move_sheet(self._sheet, len(names) - 1 - names.index(LISTS))
            self._sheet.sheet_state = "hidden"


def _guided(
    sheet: Worksheet, header: Sequence[str], table: Sequence[Column | None], lists: _Lists
) -> None:
    """Write *header* on the empty *sheet* and guide each column of *table* below it."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    sheet.append(xlsx_cells(header))
    _header(sheet, header, table)
    for place, column in enumerate(table, start=1):
        if column is None:
            continue
        letter = get_column_letter(place)
        cells = f"{letter}2:{letter}{_LAST_ROW}"
        rule = None
        if column.choices:
            rule = DataValidation(type="list", formula1=lists.range(column), allow_blank=True)
            rule.error = "; ".join(column.choices)[:255]  # as long as a spreadsheet takes
        elif column.kind == "count":
            rule = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            )
            rule.error = column.help.vi[:255]
        elif column.kind == "date":
            sheet.column_dimensions[letter].number_format = "@"  # kept as typed: dd/mm/yyyy
            rule = DataValidation(allow_blank=True)  # any value; shows how to write it
        if rule is not None:
            rule.errorStyle = "warning"  # the reader accepts more (codes, "x" for có)
            rule.errorTitle = rule.promptTitle = column.vi[:32]  # as long as a title may be
            rule.showErrorMessage = rule.type is not None
            rule.prompt = column.help.vi[:255]
            rule.showInputMessage = True
            rule.add(cells)
            sheet.add_data_validation(rule)


def _header(sheet: Worksheet, header: Sequence[str], table: Sequence[Column | None]) -> None:
    """Bold and freeze the header row, note on each header what its cells take, size columns."""
    from openpyxl.comments import Comment  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    bold = Font(bold=True)
    for place, (name, column) in enumerate(zip(header, table, strict=True), start=1):
        cell = sheet.cell(row=1, column=place)
        cell.font = bold
        longest = max([len(name), *(len(label) for label in column.choices)] if column else
                      [len(name)])  # fmt: skip
        sheet.column_dimensions[get_column_letter(place)].width = min(max(longest, 8) + 4, 48)
        if column is not None:
            note = column.help.vi + (f"\n{_REQUIRED.vi}" if column.required else "")
            cell.comment = Comment(f"{column.vi}: {note}", "ketnap", width=320, height=140)
    sheet.freeze_panes = "A2"
