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

import contextlib
import csv
import datetime as dt
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import pendulum

from ketnap import _sheet_files as files
from ketnap.dates import DATE_MAX, DATE_MIN, as_date
from ketnap.errors import AdoptionRefused, InvalidInput, KetnapError
from ketnap.inputs import LIMITS, escape_formula, unescape_formula
from ketnap.messages import Lang, Message
from ketnap.model import (
    Actor,
    AreaKind,
    Candidate,
    Certificate,
    CertificateKind,
    Dossier,
    EducationLevel,
    LabelledEnum,
    LocalRole,
    Occupation,
    Organization,
    PoliticalTheory,
    Sex,
)
from ketnap.organizations import (
    LEVELS_2021,
    LEVELS_2025,
    Course,
    OrganizationTree,
    Quotas,
    Unit,
)
from ketnap.process import ADMISSION, Process
from ketnap.workflow import KnownAct, Workflow

__all__ = [
    "CERTIFICATE_COLUMNS",
    "COLUMNS",
    "COURSE_COLUMNS",
    "ON_PAPER",
    "QUOTA_COLUMNS",
    "SETUP_SHEETS",
    "UNIT_COLUMNS",
    "Column",
    "Setup",
    "SheetProblem",
    "SheetRefused",
    "columns",
    "csv_encoding",
    "read_dossiers",
    "read_setup",
    "write_dossiers",
    "write_setup",
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
_FLAG_HELP: Final = Message(vi="có / không", en="có / không")


def _choices(kind: type[LabelledEnum], empty: Message | None = None) -> Message:
    """The labels a cell of *kind* accepts, and what an empty cell means."""
    note = {"vi": "", "en": ""} if empty is None else {
        "vi": f" (trống: {empty.vi})", "en": f" (empty: {empty.en})"
    }  # fmt: skip
    return Message(
        vi="; ".join(m.message.vi for m in kind) + note["vi"],
        en="; ".join(m.message.en for m in kind) + note["en"],
    )


_NOT_RECORDED_HELP: Final = Message(vi="chưa ghi nhận", en="not recorded")

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
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Công đoàn viên",
        "Trade-union member",
        "trade_union_member",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Dân tộc thiểu số",
        "Ethnic minority",
        "ethnic_minority",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Theo tôn giáo",
        "Religious",
        "religious",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Khu vực",
        "Area",
        "area",
        _choices(AreaKind, AreaKind.ORDINARY.message),
        required=False,
    ),
    Column(
        "Vai trò ở địa phương",
        "Local role",
        "local_role",
        _choices(LocalRole),
        required=False,
    ),
    Column(
        "Có lý do đặc biệt khi trên 60 tuổi",
        "Grounds to admit over 60",
        "over_sixty_grounds",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Số định danh cá nhân",
        "Citizen ID",
        "citizen_id",
        Message(vi="12 chữ số (nếu có)", en="12 digits, if known"),
        required=False,
    ),
    Column(
        "Trình độ lý luận chính trị",
        "Political theory",
        "political_theory",
        _choices(PoliticalTheory, _NOT_RECORDED_HELP),
        required=False,
    ),
    Column(
        "Nghề nghiệp",
        "Occupation",
        "occupation",
        _choices(Occupation, _NOT_RECORDED_HELP),
        required=False,
    ),
    Column(
        "Chi bộ trực thuộc đảng ủy cơ sở",
        "Branch under a base committee",
        "under_base_committee",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Đảng ủy cơ sở được ủy quyền kết nạp",
        "Base committee may admit",
        "base_committee_may_admit",
        _FLAG_HELP,
        required=False,
    ),
    Column(
        "Nơi làm việc, cư trú có tổ chức Đoàn",
        "Youth Union where they work or live",
        "has_youth_union",
        Message(vi="có / không (trống: có)", en="có / không (empty: có)"),
        required=False,
    ),
    Column(
        "Nơi làm việc, cư trú có Công đoàn",
        "Trade union where they work or live",
        "has_trade_union",
        _FLAG_HELP,
        required=False,
    ),
)
"""The candidate's columns, and the branch's: enough for a new dossier at the source pool."""

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

_ISSUED = Message(vi="Ngày cấp: {kind}", en="Issued on: {kind}")
CERTIFICATE_COLUMNS: Final[tuple[Column, ...]] = tuple(
    Column(
        _ISSUED.render("vi", {"kind": kind.message}),
        _ISSUED.render("en", {"kind": kind.message}),
        f"certificate@{kind.value}",
        _DATE_HELP,
        required=False,
    )
    for kind in CertificateKind
)
"""One column per kind of certificate: the day the (latest) one was issued."""

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
    return (*CANDIDATE_COLUMNS, *RECORD_COLUMNS, *CERTIFICATE_COLUMNS, *acts)


COLUMNS: Final = columns()
"""The columns of a sheet for the admission process."""

_BOOLEAN_FIELDS: Final = frozenset(
    {"youth_union_member", "trade_union_member", "ethnic_minority", "religious",
     "over_sixty_grounds"}
)  # fmt: skip
_BRANCH_FIELDS: Final = frozenset(
    {"under_base_committee", "base_committee_may_admit", "has_youth_union", "has_trade_union"}
)
# What an Organization's errors name, and the column it is read from.
_ORGANIZATION_FIELDS: Final = {"name": "branch", "code": "code"}
_CANDIDATE_EXTRA: Final = (
    "sex", "area", "local_role", "citizen_id", "political_theory", "occupation"
)  # fmt: skip


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


class _Cell(InvalidInput):
    """A cell that cannot be read, with its reason in both languages."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__("cell", message.render("en"))


def _why(exc: InvalidInput) -> str | Message:
    return exc.message if isinstance(exc, _Cell) else exc.reason


_EMPTY = Message(vi="ô trống", en="empty")
_TIME_OF_DAY = Message(vi="cần ngày, không kèm giờ", en="a date without a time of day is expected")
_NOT_A_DATE = Message(vi="không phải ngày dạng dd/mm/yyyy", en="not a date as dd/mm/yyyy")
_NO_SUCH_DAY = Message(
    vi="ngày không có trong lịch", en="not a valid date (no such day in the calendar)"
)
_YES_NO = Message(vi="cần ghi có hoặc không", en="expected có or không")
_ONE_OF = Message(vi="cần một trong: {accepted}", en="expected one of: {accepted}")
_WHOLE = Message(vi="cần số nguyên không âm", en="expected a whole number, not negative")
_TWICE = Message(vi="mã đã có ở dòng khác", en="the id appears twice")
_NUMBER_NO_DATE = Message(
    vi="có số văn bản nhưng thiếu ngày", en="a document number is given without its date"
)
_NO_ADOPTION_DAY = Message(
    vi="có các bước đã làm: cần ngày tiếp nhận hồ sơ (--adopted-on)",
    en="acts are given: the adoption day is needed (--adopted-on)",
)
_IN_FIELD = Message(vi="{field}: {reason}", en="{field}: {reason}")
_NOT_A_YEAR = Message(vi="không phải năm hợp lệ", en="not a year")
_GIVEN_TWICE = Message(vi="đơn vị và năm đã có ở dòng khác", en="given twice")


def read_dossiers(
    path: Path,
    *,
    adopted_on: pendulum.Date | None = None,
    workflow: Workflow,
    attested: Iterable[str] = ON_PAPER,
    encoding: str | None = None,
) -> list[Dossier]:
    """
    Read a sheet (.xlsx or .csv) into dossiers: candidates, and members in progress.

    Args:
        path: the file; its suffix says which kind. Only a regular file is read, within
            the sheet limits of `ketnap.inputs.LIMITS`.
        adopted_on: the day the office enters the acts the rows give; required as soon
            as a row gives one (a row without acts needs none).
        workflow: checks the acts; its process names the columns.
        attested: rule families or ids taken on the office's word for adopted acts.
        encoding: a .csv file's encoding when it has no byte-order mark (UTF-8 when
            None; ``"cp1258"`` for Windows-1258); see `csv_encoding`.

    Raises:
        SheetRefused: any row has a problem; every problem is listed, nothing is returned.
        InvalidInput: the file is not .xlsx or .csv, not a regular file, over the limits
            or not readable at all, or its header row lacks a column or gives one twice.
    """
    table = columns(workflow.law.process)
    problems: list[SheetProblem] = []
    dossiers: list[Dossier] = []
    with _sheet(path, encoding) as (sheet, rows):
        try:
            header = next(rows, None)
            if header is None:
                raise InvalidInput("sheet", "the sheet is empty: no header row")
            positions = _positions(header, table)
            seen: set[str] = set()
            reader = _RowReader(sheet, table, workflow, adopted_on, frozenset(attested), problems)
            for number, row in enumerate(rows, start=2):
                if not any(_text(cell) for cell in row):
                    continue  # a blank line between blocks of a list
                cells = {
                    field: (row[index] if index < len(row) else None)
                    for field, index in positions.items()
                }
                found = reader.dossier(cells, number)
                if found is None:
                    continue
                if found.id in seen:
                    problems.append(_problem(sheet, table, number, "id", _TWICE))
                    continue
                seen.add(found.id)
                dossiers.append(found)
        except files.Unreadable as exc:
            problems.append(SheetProblem(sheet, exc.row, "", exc.reason))
    if problems:
        raise SheetRefused(problems)
    return dossiers


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


@contextlib.contextmanager
def _sheet(path: Path, encoding: str | None) -> Iterator[tuple[str, Iterator[Sequence[object]]]]:
    """The dossiers' sheet of *path* (its name and its rows, numbered and bounded)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with files.csv_rows(path, encoding) as rows:
            yield path.stem, files.numbered(rows)
    elif suffix == ".xlsx":
        with files.workbook(path) as (book, extent):
            sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
            yield sheet.title, files.numbered(files.workbook_rows(sheet, extent))
    else:
        raise InvalidInput("file", "expected a .xlsx or .csv file")


def _positions(header: Sequence[object], table: Sequence[Column]) -> dict[str, int]:
    """Where each column of *table* is; a column given twice is refused, not guessed."""
    names: dict[str, Column] = {}
    for column in table:
        names.setdefault(_key(column.vi), column)
        names.setdefault(_key(column.en), column)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        known = names.get(_key(_text(cell)))
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
                self.problem(row, column.field, _why(exc))
        if len(self.problems) > before:
            return None
        dossier = self.build(values, row)
        if dossier is None:
            return None
        acts = self.acts(values, row)
        if acts is None or not acts:
            return None if acts is None else dossier
        return self.adopt(dossier, acts, row)

    def build(self, values: dict[str, Any], row: int) -> Dossier | None:
        """The row's dossier; a record that refuses a value is named by its column."""
        # Each record is built on its own, so that a field its error names (a branch's
        # "name", the dossier's "candidate.birth_date") is known to be that column.
        try:
            candidate = Candidate(
                name=values["name"],
                birth_date=values["birth_date"],
                education=values["education"],
                **{k: values[k] for k in (*_BOOLEAN_FIELDS, *_CANDIDATE_EXTRA) if k in values},
            )
        except InvalidInput as exc:
            self.problem(row, exc.field, exc.reason)
            return None
        try:
            organization = Organization(
                name=values["branch"],
                code=values["code"],
                **{k: values[k] for k in _BRANCH_FIELDS if k in values},
            )
        except InvalidInput as exc:
            self.problem(row, _ORGANIZATION_FIELDS.get(exc.field, exc.field), exc.reason)
            return None
        certificates = []
        for kind in CertificateKind:
            field = f"certificate@{kind.value}"
            if field in values:
                try:
                    certificates.append(Certificate(kind=kind, issued_on=values[field]))
                except InvalidInput as exc:
                    self.problem(row, field, exc.reason)
                    return None
        try:
            return Dossier(
                id=values["id"],
                candidate=candidate,
                organization=organization,
                entered_pool_on=values["entered_pool_on"],
                decision_received_on=values.get("decision_received_on"),
                card_number=values.get("card_number"),
                certificates=certificates,
            )
        except InvalidInput as exc:
            self.problem(row, exc.field.removeprefix("candidate."), exc.reason)
            return None

    def acts(self, values: dict[str, Any], row: int) -> list[tuple[str, KnownAct]] | None:
        """The row's acts in the order they happened, each with its date column's field."""
        acts: list[tuple[int, str, KnownAct]] = []
        for order, step in enumerate(self.workflow.law.process.steps):
            on = values.get(f"{step.code}@on")
            reference = values.get(f"{step.code}@reference")
            field = f"{step.code}@on"
            if on is None:
                if reference is not None:
                    self.problem(row, field, _NUMBER_NO_DATE)
                continue
            actor = _actor(self.workflow.law.process, step.code)
            acts.append((order, field, KnownAct(step=step.code, on=on, actor=actor,
                                                reference=reference)))  # fmt: skip
        if acts and self.adopted_on is None:
            self.problem(row, acts[0][1], _NO_ADOPTION_DAY)
            return None
        acts.sort(key=lambda item: (item[2].on, item[0]))
        return [(field, act) for _, field, act in acts]

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
            self.problem(row, acts[int(place)][0] if place.isdigit() else exc.field, exc.reason)
            return None
        return dossier

    def problem(self, row: int, field: str, reason: str | Message) -> None:
        """
        Add a problem in the column of *field*, named by its header as the sheet shows it.

        A field no column holds (a record's own check) is a problem of the row as a whole.
        """
        self.problems.append(_problem(self.sheet, self.table, row, field, reason))


def _actor(process: Process, step: str) -> Actor:
    """The body that acts for *step*: the first, in `Actor` order, the process allows."""
    allowed = {actor for row in process.transitions if row.step == step for actor in row.actors}
    return min(allowed, key=list(Actor).index)


def _text(cell: object) -> str:
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


def _key(text: str) -> str:
    return text.casefold()


def _read_text(cell: object) -> str:
    text = _text(cell)
    if not text:
        raise _Cell(_EMPTY)
    return text


def _read_date(cell: object) -> pendulum.Date:
    # A workbook gives a datetime for a date cell; a text cell is read as dd/mm/yyyy.
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise _Cell(_TIME_OF_DAY)
        return as_date(cell.date())
    if isinstance(cell, dt.date):
        return as_date(cell)
    parts = _text(cell).split("/")
    # ASCII digits only, as in a document's dates: str.isdigit() also takes "٣" and "３".
    lengths = [len(part) for part in parts]
    if (
        len(parts) != 3
        or not all(part.isascii() and part.isdigit() for part in parts)
        or not (lengths[0] <= 2 and lengths[1] <= 2 and lengths[2] == 4)
    ):
        raise _Cell(_NOT_A_DATE)
    try:
        day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise _Cell(_NO_SUCH_DAY) from None
    return as_date(day)


def _read_flag(cell: object) -> bool:
    if isinstance(cell, bool):
        return cell
    text = _key(_text(cell))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Cell(_YES_NO)


def _read_enum(kind: type[LabelledEnum]) -> Callable[[object], LabelledEnum]:
    names: dict[str, LabelledEnum] = {}
    for member in kind:
        for name in (member.value, member.message.vi, member.message.en):
            names[_key(unicodedata.normalize("NFC", name))] = member

    def read(cell: object) -> LabelledEnum:
        found = names.get(_key(_text(cell)))
        if found is None:
            raise _Cell(_ONE_OF.bind(accepted=[member.message for member in kind]))
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
    "area": _read_enum(AreaKind),
    "local_role": _read_enum(LocalRole),
    "political_theory": _read_enum(PoliticalTheory),
    "occupation": _read_enum(Occupation),
    **dict.fromkeys(_BOOLEAN_FIELDS | _BRANCH_FIELDS, _read_flag),
}


def _reader(field: str) -> Callable[[object], object]:
    if field.endswith("@on") or field.startswith("certificate@"):
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
        **{k: "có" if getattr(dossier.organization, k) else "không" for k in _BRANCH_FIELDS},
        "area": candidate.area.message.vi,
        "local_role": candidate.local_role.message.vi,
        "citizen_id": candidate.citizen_id or "",
        "political_theory": ""
        if candidate.political_theory is None
        else candidate.political_theory.message.vi,
        "occupation": "" if candidate.occupation is None else candidate.occupation.message.vi,
        "decision_received_on": _day(dossier.decision_received_on),
        "card_number": dossier.card_number or "",
    }
    for certificate in sorted(dossier.certificates, key=lambda c: c.issued_on):  # the latest
        values[f"certificate@{certificate.kind.value}"] = _day(certificate.issued_on)
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
    table = columns(process)
    return _write_table(
        path, SHEET, [column.vi for column in table], (_cells(d, table) for d in dossiers)
    )


def _write_table(
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
        sheet.append(_xlsx_cells(row))
        count += 1
    workbook.save(path)
    return count


def _xlsx_cells(row: Iterable[object]) -> list[object]:
    """
    A row as a workbook holds it: texts escaped, never formulas, empty cells left out.

    openpyxl writes a text starting with ``=`` as a formula; once escaped
    (`ketnap.inputs.escape_formula`) none does, and every text is a string cell. An
    empty text is no cell at all, which keeps a long list's workbook small.
    """
    return [None if value == "" else escape_formula(value) for value in row]


def write_template(path: Path, *, process: Process = ADMISSION) -> None:
    """
    Write an empty workbook (.xlsx) for an office, with a sheet explaining every column.

    Its sheets: the dossiers ("Danh sách", `read_dossiers`), and the tree, quotas and
    courses (`SETUP_SHEETS`, `read_setup`).
    """
    import openpyxl  # noqa: PLC0415

    tables = {SHEET: columns(process), **dict(SETUP_SHEETS.values())}
    workbook = openpyxl.Workbook(write_only=True)
    for name, table in tables.items():
        workbook.create_sheet(name).append(_xlsx_cells(column.vi for column in table))
    guide = workbook.create_sheet("Hướng dẫn")
    rows: list[list[object]] = [
        ["Trang", "Cột", "Column", "Bắt buộc", "Cách ghi", "How to write it"]
    ]
    for name, table in tables.items():
        for column in table:
            required = "có" if column.required else "không"
            rows.append([name, column.vi, column.en, required, column.help.vi, column.help.en])
    rows.append([])
    levels = _choices(EducationLevel)
    rows.append([SHEET, "Trình độ học vấn", "Education", "", levels.vi, levels.en])
    rows.append([SHEET, "Ngày: ... / Số văn bản: ...", "Date: ... / Document no.: ...", "",
                 _ACTS_GUIDE.vi, _ACTS_GUIDE.en])  # fmt: skip
    for row in rows:
        guide.append(_xlsx_cells(row))
    workbook.save(path)


_ACTS_GUIDE: Final = Message(
    vi="Hồ sơ đang xử lý: ghi ngày (và số văn bản) của từng bước đã làm; hồ sơ được tiếp "
    "nhận ở giai đoạn các bước đó dẫn tới. Biểu quyết, người giới thiệu, giấy chứng nhận, "
    "các văn bản và thẩm tra lý lịch được coi là đã có trên hồ sơ giấy.",
    en="A dossier in progress: give the date (and document number) of each step done; the "
    "dossier opens at the stage they lead to. Votes, sponsors, certificates, papers and the "
    "background check are taken as held on paper.",
)


# --- the organisation tree, quotas and courses ------------------------------------------------


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

UNIT_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã đơn vị", "Unit code", "code", Message(vi="mã duy nhất", en="unique code")),
    Column("Tên đơn vị", "Unit name", "name", Message(vi="tên đầy đủ", en="full name")),
    Column("Cấp", "Level", "level", _LEVEL_HELP),
    Column(
        "Mã đơn vị cấp trên",
        "Parent unit code",
        "parent",
        Message(vi="trống với đơn vị cao nhất", en="empty for the top unit"),
        required=False,
    ),
    Column("Số đảng viên", "Members", "members", _COUNT_HELP, required=False),
    Column(
        "Được ủy quyền kết nạp",
        "May admit",
        "may_admit",
        Message(vi="có / không (đảng ủy cơ sở được ủy quyền)", en="có / không"),
        required=False,
    ),
)
"""The columns of the organisation tree's sheet, one unit per row."""

QUOTA_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã đơn vị", "Unit code", "unit", Message(vi="mã đơn vị", en="unit code")),
    Column("Năm", "Year", "year", Message(vi="ví dụ 2021", en="e.g. 2021")),
    Column("Chỉ tiêu kết nạp", "Admissions planned", "admissions", _COUNT_HELP),
)
"""The columns of the quotas' sheet, one unit and year per row."""

COURSE_COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã lớp", "Course code", "code", Message(vi="mã duy nhất", en="unique code")),
    Column("Mã đơn vị", "Unit code", "unit", Message(vi="đơn vị mở lớp", en="organising unit")),
    Column("Ngày khai giảng", "Opened on", "opened_on", _DATE_HELP),
    Column("Ngày bế giảng", "Closed on", "closed_on", _DATE_HELP),
    Column("Số học viên", "Trainees", "trainees", _COUNT_HELP),
)
"""The columns of the courses' sheet, one awareness course per row."""

SETUP_SHEETS: Final = {
    "tree": ("Tổ chức", UNIT_COLUMNS),
    "quotas": ("Chỉ tiêu", QUOTA_COLUMNS),
    "courses": ("Lớp bồi dưỡng", COURSE_COLUMNS),
}
"""The sheets of a setup workbook: what each holds, its name and its columns."""


def _read_count(cell: object) -> int:
    if isinstance(cell, int) and not isinstance(cell, bool):
        value = cell
    elif isinstance(cell, float) and cell.is_integer():
        value = int(cell)
    else:
        text = _text(cell)
        if not text.isascii() or not text.isdigit() or len(text) > LIMITS.integer_digits:
            raise _Cell(_WHOLE)
        value = int(text)
    if not 0 <= value < 10**LIMITS.integer_digits:
        raise _Cell(_WHOLE)
    return value


def _read_level(cell: object) -> str:
    text = _key(_text(cell))
    for level in _LEVELS.values():
        if text in {_key(level.code), _key(level.label.vi), _key(level.label.en)}:
            return level.code
    raise _Cell(_ONE_OF.bind(accepted=", ".join(_LEVELS)))


_SETUP_READERS: Final[dict[str, Callable[[object], object]]] = {
    "members": _read_count,
    "year": _read_count,
    "admissions": _read_count,
    "trainees": _read_count,
    "level": _read_level,
    "may_admit": _read_flag,
    "opened_on": _read_date,
    "closed_on": _read_date,
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
            names = {_key(_text(cell)) for cell in header}
            for kind, (_, table) in SETUP_SHEETS.items():
                if all(_key(c.vi) in names or _key(c.en) in names for c in table if c.required):
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
    positions = _positions(header, table)
    read: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        if not any(_text(cell) for cell in row):
            continue
        values: dict[str, Any] = {}
        for column in table:
            index = positions.get(column.field)
            cell = row[index] if index is not None and index < len(row) else None
            if not column.required and not _text(cell):
                continue
            try:
                values[column.field] = _SETUP_READERS.get(column.field, _read_text)(cell)
            except InvalidInput as exc:
                problems.append(_problem(sheet, table, number, column.field, _why(exc)))
        read.append((number, values))
    return read


def _problem(
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
            problems.append(_problem(sheet, UNIT_COLUMNS, number, exc.field, exc.reason))
    if len(units) < len(rows):
        return None
    try:
        return OrganizationTree(units, levels=chosen)
    except InvalidInput as exc:
        place = _UNIT_PLACE.fullmatch(exc.field)
        if place is None:  # the tree as a whole (no unit at all): its header row
            problems.append(_problem(sheet, UNIT_COLUMNS, 1, exc.field, exc.reason))
        else:  # the unit's row, named by its code as the message names it
            number = rows[int(place.group(1))][0]
            problems.append(_problem(sheet, UNIT_COLUMNS, number, "code", exc.reason))
        return None


def _quotas(
    sheet: str, rows: list[tuple[int, dict[str, Any]]], problems: list[SheetProblem]
) -> Quotas:
    quotas = Quotas()
    seen: set[tuple[str, int]] = set()
    for number, values in rows:
        key = (values["unit"], values["year"])
        if not DATE_MIN.year <= key[1] <= DATE_MAX.year:
            problems.append(_problem(sheet, QUOTA_COLUMNS, number, "year", _NOT_A_YEAR))
            continue
        if key in seen:
            problems.append(_problem(sheet, QUOTA_COLUMNS, number, "unit", _GIVEN_TWICE))
        seen.add(key)
        try:
            quotas.assign(*key, values["admissions"])
        except InvalidInput as exc:
            problems.append(_problem(sheet, QUOTA_COLUMNS, number, exc.field, exc.reason))
    return quotas


def _courses(
    sheet: str, rows: list[tuple[int, dict[str, Any]]], problems: list[SheetProblem]
) -> list[Course]:
    courses = []
    for number, values in rows:
        try:
            courses.append(Course(**values))
        except InvalidInput as exc:
            problems.append(_problem(sheet, COURSE_COLUMNS, number, exc.field, exc.reason))
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
            [c.code, c.unit, _day(c.opened_on), _day(c.closed_on), c.trainees] for c in courses
        ]
    if path.suffix.lower() != ".xlsx":
        path.mkdir(parents=True, exist_ok=True)
        written = []
        for kind, rows in tables.items():
            name, table = SETUP_SHEETS[kind]
            target = path / f"{_CSV_NAMES[kind]}.csv"
            _write_table(target, name, [column.vi for column in table], rows)
            written.append(target)
        return written
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    for kind, rows in tables.items():
        name, table = SETUP_SHEETS[kind]
        sheet = workbook.create_sheet(name)
        sheet.append(_xlsx_cells(column.vi for column in table))
        for row in rows:
            sheet.append(_xlsx_cells(row))
    workbook.save(path)
    return [path]


_CSV_NAMES: Final = {"tree": "to-chuc", "quotas": "chi-tieu", "courses": "lop-boi-duong"}
