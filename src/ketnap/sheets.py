"""
Spreadsheets in and out (bảng tính): candidates and members in progress, one row per dossier.

Offices keep their lists in spreadsheets. `read_dossiers` reads a sheet (.xlsx or .csv)
whose first row holds the Vietnamese (or English) column headers of `columns`, dates
written as offices write them (dd/mm/yyyy). A row with only the candidate's columns is
a new dossier at the source pool; a row that also gives acts already done (the date and
document number of the branch resolution, the decision, the ceremony ...) is a dossier
in progress, opened at its stage by `Workflow.adopt` with the conditions a row cannot
carry (votes, sponsors, certificates, papers, verification: `ON_PAPER`) attested on
paper. Every row with a problem is reported with its sheet, row, column and reason
(`SheetRefused`); nothing is returned unless every row is valid. `write_dossiers`
writes the same columns, so that what it writes reads back into equal dossiers, and
`write_template` writes an empty workbook with the columns and a sheet explaining them.

.xlsx files are read with openpyxl in read-only mode, row by row, so memory stays flat
however long the list.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_template(folder / "mau.xlsx")
>>> [c.vi for c in columns()][:3]
['Mã hồ sơ', 'Họ và tên', 'Ngày sinh']
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import pendulum

from ketnap.dates import as_date
from ketnap.errors import AdoptionRefused, InvalidInput, KetnapError
from ketnap.messages import Lang, Message
from ketnap.model import (
    Actor,
    Candidate,
    Dossier,
    EducationLevel,
    LabelledEnum,
    Organization,
    Sex,
)
from ketnap.process import ADMISSION, Process
from ketnap.workflow import KnownAct, Workflow

__all__ = [
    "COLUMNS",
    "ON_PAPER",
    "Column",
    "SheetProblem",
    "SheetRefused",
    "columns",
    "read_dossiers",
    "write_dossiers",
    "write_template",
]

SHEET: Final = "Danh sách"
"""The sheet of dossiers in a workbook (the first sheet when absent)."""

ON_PAPER: Final = ("vote", "sponsor", "certificate", "dossier", "verification")
"""
The rule families whose evidence a row cannot carry: taken as attested on paper when a
row's acts are adopted (`HistoryEntry.attested` names each rule that failed for it).
"""


@attrs.frozen
class Column:
    """One column: its headers, what it holds and how a cell reads and writes."""

    vi: str
    en: str
    field: str
    help: Message
    required: bool = True


_YES, _NO = ("có", "x", "yes", "true", "1"), ("không", "", "no", "false", "0")
_DATE_HELP: Final = Message(vi="dd/mm/yyyy", en="dd/mm/yyyy")

CANDIDATE_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã hồ sơ", "Dossier id", "id", Message(vi="mã duy nhất", en="unique id")),
    Column("Họ và tên", "Full name", "name", Message(vi="họ và tên", en="full name")),
    Column("Ngày sinh", "Birth date", "birth_date", _DATE_HELP),
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
        _DATE_HELP,
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
"""The candidate's columns: enough for a new dossier at the source pool."""

RECORD_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "Ngày nhận quyết định kết nạp",
        "Decision received on",
        "decision_received_on",
        _DATE_HELP,
        required=False,
    ),
    Column(
        "Số thẻ đảng viên",
        "Party card number",
        "card_number",
        Message(vi="NN.NNNNNN", en="NN.NNNNNN"),
        required=False,
    ),
)
"""The records of a member in progress a row carries besides the acts."""

_ACT_DATE = Message(vi="Ngày: {step}", en="Date: {step}")
_ACT_NUMBER = Message(vi="Số văn bản: {step}", en="Document no.: {step}")
_ACT_HELP = Message(vi="dd/mm/yyyy, khi bước này đã làm", en="dd/mm/yyyy, when this step was done")
_NUMBER_HELP = Message(vi="số, ký hiệu văn bản (nếu có)", en="the document's number, if any")


@functools.cache
def columns(process: Process = ADMISSION) -> tuple[Column, ...]:
    """
    Every column of a sheet, in order.

    The candidate, the records, and two per step of *process* (its date, its document's
    number), labelled by the process's own words.
    """
    acts: list[Column] = []
    for step in process.steps:
        label = {"step": step.label}
        acts += [
            Column(_ACT_DATE.render("vi", label), _ACT_DATE.render("en", label),
                   f"{step.code}@on", _ACT_HELP, required=False),
            Column(_ACT_NUMBER.render("vi", label), _ACT_NUMBER.render("en", label),
                   f"{step.code}@reference", _NUMBER_HELP, required=False),
        ]  # fmt: skip
    return (*CANDIDATE_COLUMNS, *RECORD_COLUMNS, *acts)


COLUMNS: Final = columns()
"""The columns of a sheet for the admission process."""

_BOOLEAN_FIELDS: Final = frozenset(
    {"youth_union_member", "trade_union_member", "ethnic_minority", "religious"}
)


@attrs.frozen
class SheetProblem:
    """One cell (or row) that could not be read: where, and why."""

    sheet: str
    row: int
    column: str
    reason: str | Message

    def text(self, lang: Lang = "vi") -> str:
        """One line naming the place: ``Danh sách, dòng 3, cột «Ngày sinh»: ...``."""
        reason = self.reason.render(lang) if isinstance(self.reason, Message) else self.reason
        return _PLACE.render(
            lang, {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": reason}
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


def read_dossiers(
    path: Path,
    *,
    adopted_on: pendulum.Date | None = None,
    workflow: Workflow | None = None,
    attested: Iterable[str] = ON_PAPER,
) -> list[Dossier]:
    """
    Read a sheet (.xlsx or .csv) into dossiers: candidates, and members in progress.

    Args:
        path: the file; its suffix says which kind.
        adopted_on: the day the office enters the acts the rows give; required as soon
            as a row gives one (a row without acts needs none).
        workflow: checks the acts (default: `Workflow()`); its process names the columns.
        attested: rule families or ids taken on the office's word for adopted acts.

    Raises:
        SheetRefused: any row has a problem; every problem is listed, nothing is returned.
        InvalidInput: the file is not .xlsx or .csv, or its header row lacks a column.
    """
    workflow = workflow or Workflow()
    table = columns(workflow.process)
    sheet, rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("sheet", "the sheet is empty: no header row")
    positions = _positions(header, table)
    problems: list[SheetProblem] = []
    dossiers: list[Dossier] = []
    seen: set[str] = set()
    reader = _RowReader(sheet, table, workflow, adopted_on, frozenset(attested), problems)
    for number, row in enumerate(rows, start=2):
        if not any(_text(cell) for cell in row):
            continue  # a blank line between blocks of a list
        cells = {
            field: (row[index] if index < len(row) else None) for field, index in positions.items()
        }
        found = reader.dossier(cells, number)
        if found is None:
            continue
        if found.id in seen:
            problems.append(SheetProblem(sheet, number, table[0].vi, "the id appears twice"))
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


def _positions(header: Sequence[object], table: Sequence[Column]) -> dict[str, int]:
    names = {_key(_text(cell)): index for index, cell in enumerate(header)}
    positions: dict[str, int] = {}
    for column in table:
        index = names.get(_key(column.vi), names.get(_key(column.en)))
        if index is not None:
            positions[column.field] = index
        elif column.required:
            raise InvalidInput("header", f"no column «{column.vi}» ({column.en})")
    return positions


@attrs.define
class _RowReader:
    """Turns the cells of one row into a dossier, adding every problem found."""

    sheet: str
    table: Sequence[Column]
    workflow: Workflow
    adopted_on: pendulum.Date | None
    attested: frozenset[str]
    problems: list[SheetProblem]

    def dossier(self, cells: dict[str, object], row: int) -> Dossier | None:
        before = len(self.problems)
        values: dict[str, Any] = {}
        for column in self.table:
            if column.field not in cells or (
                not column.required and not _text(cells[column.field])
            ):
                continue
            try:
                values[column.field] = _reader(column.field)(cells[column.field])
            except InvalidInput as exc:
                self.problem(row, column.vi, exc.reason)
        if len(self.problems) > before:
            return None
        try:
            dossier = Dossier(
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
                decision_received_on=values.get("decision_received_on"),
                card_number=values.get("card_number"),
            )
        except InvalidInput as exc:
            header = next((c.vi for c in self.table if c.field == exc.field), exc.field)
            self.problem(row, header, exc.reason)
            return None
        acts = self.acts(values, row)
        if acts is None or not acts:
            return None if acts is None else dossier
        return self.adopt(dossier, acts, row)

    def acts(self, values: dict[str, Any], row: int) -> list[tuple[str, KnownAct]] | None:
        """The row's acts in the order they happened, each with its date column's header."""
        acts: list[tuple[int, str, KnownAct]] = []
        for order, step in enumerate(self.workflow.process.steps):
            on = values.get(f"{step.code}@on")
            reference = values.get(f"{step.code}@reference")
            header = self.header(f"{step.code}@on")
            if on is None:
                if reference is not None:
                    self.problem(row, header, "a document number is given without its date")
                continue
            actor = _actor(self.workflow.process, step.code)
            acts.append((order, header, KnownAct(step=step.code, on=on, actor=actor,
                                                 reference=reference)))  # fmt: skip
        if acts and self.adopted_on is None:
            self.problem(row, acts[0][1], "acts are given: the adoption day is needed")
            return None
        acts.sort(key=lambda item: (item[2].on, item[0]))
        return [(header, act) for _, header, act in acts]

    def adopt(self, dossier: Dossier, acts: list[tuple[str, KnownAct]], row: int) -> Dossier | None:
        assert self.adopted_on is not None  # noqa: S101 - acts() refuses acts without it
        try:
            self.workflow.adopt(
                dossier, [act for _, act in acts], adopted_on=self.adopted_on,
                attested=self.attested,
            )  # fmt: skip
        except AdoptionRefused as refused:
            for index, failure in refused.failures:
                reason = Message(vi=failure.text("vi"), en=failure.text("en"))
                self.problem(row, acts[index][0], reason)
            return None
        except InvalidInput as exc:
            place = exc.field.split("]", 1)[0].removeprefix("acts[")
            header = acts[int(place)][0] if place.isdigit() else exc.field
            self.problem(row, header, exc.reason)
            return None
        return dossier

    def header(self, field: str) -> str:
        return next(c.vi for c in self.table if c.field == field)

    def problem(self, row: int, column: str, reason: str | Message) -> None:
        self.problems.append(SheetProblem(self.sheet, row, column, reason))


def _actor(process: Process, step: str) -> Actor:
    """The body that acts for *step*: the first, in `Actor` order, the process allows."""
    allowed = {actor for row in process.transitions if row.step == step for actor in row.actors}
    return min(allowed, key=list(Actor).index)


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
    "decision_received_on": _read_date,
    "education": _read_enum(EducationLevel),
    "sex": _read_optional_sex,
    **dict.fromkeys(_BOOLEAN_FIELDS, _read_flag),
}


def _reader(field: str) -> Callable[[object], object]:
    if field.endswith("@on"):
        return _read_date
    return _READERS.get(field, _read_text)


# --- writing -----------------------------------------------------------------------------------


def _day(value: pendulum.Date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


def _cells(dossier: Dossier, table: Sequence[Column]) -> list[object]:
    candidate = dossier.candidate
    values: dict[str, object] = {
        "id": dossier.id,
        "name": candidate.name,
        "birth_date": _day(candidate.birth_date),
        "sex": "" if candidate.sex is None else candidate.sex.message.vi,
        "education": candidate.education.message.vi,
        "code": dossier.organization.code or "",
        "branch": dossier.organization.name,
        "entered_pool_on": _day(dossier.entered_pool_on),
        **{k: "có" if getattr(candidate, k) else "không" for k in _BOOLEAN_FIELDS},
        "decision_received_on": _day(dossier.decision_received_on),
        "card_number": dossier.card_number or "",
    }
    for entry in dossier.history:  # the last act of each step, as the office would list it
        values[f"{entry.step}@on"] = _day(entry.on)
        values[f"{entry.step}@reference"] = entry.reference or ""
    return [values.get(column.field, "") for column in table]


def write_dossiers(path: Path, dossiers: Iterable[Dossier], *, process: Process = ADMISSION) -> int:
    """
    Write *dossiers* as a sheet (.xlsx or .csv, by the suffix); return the rows written.

    Each row holds the columns of `columns`: the candidate, the records a row carries, and
    the date and document number of every act done. Records beyond them (relatives,
    sponsors, votes, refusals) stay in the documents: export JSON for a complete copy.
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InvalidInput("file", "expected a .xlsx or .csv file")
    table = columns(process)
    header: list[object] = [column.vi for column in table]
    rows = itertools.chain([header], (_cells(dossier, table) for dossier in dossiers))
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


def write_template(path: Path, *, process: Process = ADMISSION) -> None:
    """Write an empty workbook (.xlsx) with the columns and a sheet explaining them."""
    import openpyxl  # noqa: PLC0415

    table = columns(process)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.append([column.vi for column in table])
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Column", "Bắt buộc", "Cách ghi", "How to write it"])
    for column in table:
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
    guide.append(
        [
            "Ngày: ... / Số văn bản: ...",
            "Date: ... / Document no.: ...",
            "",
            _ACTS_GUIDE.vi,
            _ACTS_GUIDE.en,
        ]
    )
    workbook.save(path)


_ACTS_GUIDE: Final = Message(
    vi="Hồ sơ đang xử lý: ghi ngày (và số văn bản) của từng bước đã làm; hồ sơ được tiếp "
    "nhận ở giai đoạn các bước đó dẫn tới. Biểu quyết, người giới thiệu, giấy chứng nhận, "
    "các văn bản và thẩm tra lý lịch được coi là đã có trên hồ sơ giấy.",
    en="A dossier in progress: give the date (and document number) of each step done; the "
    "dossier opens at the stage they lead to. Votes, sponsors, certificates, papers and the "
    "background check are taken as held on paper.",
)
