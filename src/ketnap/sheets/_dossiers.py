"""
The dossier workbook: one row per dossier, a candidate or a member in progress.

`CANDIDATE_COLUMNS`, `RECORD_COLUMNS`, `CERTIFICATE_COLUMNS` and two columns per step
(`columns`) make the sheet "Danh sách"; `read_dossier_rows` turns its rows into dossiers,
adopting the acts a row gives (`Workflow.adopt`), and keeps the rows it refuses with
their reasons (`SheetRows`); `read_dossiers` reads all rows or none; `write_dossiers`
writes them back. The workbooks a clerk fills in are written by `_template`.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, cast

import attrs
import pendulum

from ketnap import _sheet_files as files
from ketnap.dates import as_date
from ketnap.errors import InvalidInput
from ketnap.messages import Message
from ketnap.model import (
    Actor,
    Candidate,
    Certificate,
    CertificateKind,
    Dossier,
    LabelledEnum,
    Organization,
)
from ketnap.model.fields import FieldInfo, declared
from ketnap.process import ADMISSION, Process
from ketnap.rules.refused import AdoptionRefused
from ketnap.sheets._cells import (
    DATE_HELP,
    FLAG_CHOICES,
    FLAG_HELP,
    Column,
    SheetProblem,
    SheetRefused,
    cell_text,
    choices,
    column_positions,
    day_cell,
    open_sheet,
    problem,
    read_date,
    read_enum,
    read_flag,
    read_text,
    why,
    write_table,
)
from ketnap.workflow import KnownAct, Workflow

SHEET: Final = "Danh sách"
"""The sheet of dossiers in a workbook (the first sheet when absent)."""

ON_PAPER: Final = ("vote", "sponsor", "certificate", "dossier", "verification")
"""
The rule families whose evidence a row cannot carry: taken as attested on paper when a
row's acts are adopted (`HistoryEntry.attested` names each rule that failed for it).
"""

# --- the columns of a row ----------------------------------------------------------------------

_NOT_RECORDED_HELP: Final = Message(vi="chưa ghi nhận", en="not recorded")


@attrs.frozen
class _Field:
    """A field the model declares with a sheet column: where it is, how its cell reads."""

    record: type
    name: str
    column: Column
    read: Callable[[object], object]
    write: Callable[[object], str]


def _flag_cell(value: object) -> str:
    return "có" if value else "không"


def _label_cell(value: object) -> str:
    return "" if value is None else cast("LabelledEnum", value).message.vi


def _text_cell(value: object) -> str:
    return "" if value is None else str(value)


def _date_cell(value: object) -> str:
    return day_cell(cast("pendulum.Date | None", value))


def _as_field(record: type, field: attrs.Attribute[Any], info: FieldInfo) -> _Field:
    """The column of a declared field, read and written by its type (a date, a flag ...)."""
    hint = typing.get_type_hints(record)[field.name]
    kind = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
    default = field.default
    read: Callable[[object], object]
    write: Callable[[object], str]
    labels: tuple[str, ...] = ()
    if kind is pendulum.Date:
        read, write, help_, cell = read_date, _date_cell, DATE_HELP, "date"
    elif kind is bool:
        read, write, cell, labels = read_flag, _flag_cell, "flag", FLAG_CHOICES
        help_ = FLAG_HELP if not default else Message(
            vi=f"{FLAG_HELP.vi} (trống: có)", en=f"{FLAG_HELP.en} (empty: có)"
        )  # fmt: skip
    elif isinstance(kind, type) and issubclass(kind, LabelledEnum):
        empty = _NOT_RECORDED_HELP if default is None else getattr(default, "message", None)
        read, write, help_, cell = read_enum(kind), _label_cell, choices(kind, empty), "choice"
        labels = tuple(member.message.vi for member in kind)
    elif kind is str:
        read, write, help_, cell = read_text, _text_cell, Message(vi="", en=""), "text"
    else:  # a declared field a cell cannot hold: declare it without a label
        raise TypeError(f"{record.__name__}.{field.name}: no sheet cell for {hint!r}")
    assert info.label is not None  # noqa: S101 - only labelled fields have columns
    column = Column(
        info.label.vi, info.label.en, info.column or field.name, info.help or help_,
        required=default is attrs.NOTHING or info.required, aliases=info.aliases, kind=cell,
        choices=labels,
    )  # fmt: skip
    return _Field(record, field.name, column, read, write)


def _declared_fields() -> tuple[_Field, ...]:
    """The declared fields of the dossier, its candidate and its branch, in column order."""
    found = [
        (info.order, index, _as_field(record, field, info))
        for index, (record, (field, info)) in enumerate(
            (record, item) for record in (Dossier, Candidate, Organization)
            for item in declared(record)
        )
        if info.label is not None
    ]  # fmt: skip
    # A field declared without an order comes after the ordered ones, in field order.
    found.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
    return tuple(item[2] for item in found)


_FIELDS: Final = _declared_fields()

CANDIDATE_COLUMNS: Final[tuple[Column, ...]] = tuple(
    f.column for f in _FIELDS if f.record is not Dossier or f.column.required
)
"""
The candidate's columns, and the branch's: enough for a new dossier at the source pool.

Generated from the fields the model declares (`ketnap.model.fields.fact`), in their order.
"""

RECORD_COLUMNS: Final[tuple[Column, ...]] = tuple(
    f.column for f in _FIELDS if f.record is Dossier and not f.column.required
)
"""The records of a member in progress a row carries besides the acts (the dossier's own
declared fields that a new dossier does without)."""

_ISSUED = Message(vi="Ngày cấp: {kind}", en="Issued on: {kind}")
CERTIFICATE_COLUMNS: Final[tuple[Column, ...]] = tuple(
    Column(
        _ISSUED.render("vi", {"kind": kind.message}),
        _ISSUED.render("en", {"kind": kind.message}),
        f"certificate@{kind.value}",
        DATE_HELP,
        required=False,
        kind="date",
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
                   f"{step.code}@on", _ACT_HELP, required=False, kind="date"),
            Column(_ACT_NUMBER.render("vi", label), _ACT_NUMBER.render("en", label),
                   f"{step.code}@reference", _NUMBER_HELP, required=False),
        ]  # fmt: skip
    return (*CANDIDATE_COLUMNS, *RECORD_COLUMNS, *CERTIFICATE_COLUMNS, *acts)


COLUMNS: Final = columns()
"""The columns of a sheet for the admission process."""

# --- reading -----------------------------------------------------------------------------------

_TWICE = Message(vi="mã đã có ở dòng khác", en="the id appears twice")
_NUMBER_NO_DATE = Message(
    vi="có số văn bản nhưng thiếu ngày", en="a document number is given without its date"
)
_NO_ADOPTION_DAY = Message(
    vi="có các bước đã làm: cần ngày tiếp nhận hồ sơ (--adopted-on)",
    en="acts are given: the adoption day is needed (--adopted-on)",
)
_STORED = Message(
    vi="hồ sơ có mã này đã lưu trong kho (cập nhật hồ sơ đã lưu: --update)",
    en="a dossier with this id is stored already (to update stored dossiers: --update)",
)
_ACTS_DIFFER = Message(
    vi="các bước đã làm khác với hồ sơ đã lưu: ghi bước mới bằng «ketnap act» "
    "hoặc «ketnap apply», không sửa trong bảng",
    en="the acts differ from the stored dossier's: record new acts with 'ketnap act' or "
    "'ketnap apply', not in the sheet",
)


@attrs.frozen
class RefusedRow:
    """
    A row of a sheet that was not read, with its cells and why.

    Attributes:
        row: its number as the spreadsheet shows it, the header being row 1.
        cells: its cells as texts, in the order of the sheet's header (`SheetRows.header`);
            a date cell as dd/mm/yyyy.
        problems: every problem found in it, each naming its cell.
    """

    row: int
    cells: tuple[str, ...]
    problems: tuple[SheetProblem, ...]


@attrs.frozen
class SheetRows:
    """
    A sheet of dossiers as read: the dossiers of its valid rows, and the rows refused.

    `read_dossier_rows` returns it; `ketnap.Application.import_rows` stores the dossiers
    and `write_rejects` writes the refused rows for the clerk to correct.

    Attributes:
        sheet: the sheet's name.
        header: the sheet's header row as it is (the office's own columns too).
        columns: the columns ketnap reads (`columns` of the process).
        given: the fields (`Column.field`) of the columns the header holds.
        dossiers: one per valid row, in the sheet's order.
        numbers: the row number of each of *dossiers*.
        refused: the rows with problems, in the sheet's order.
    """

    sheet: str
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    given: frozenset[str]
    dossiers: tuple[Dossier, ...]
    numbers: tuple[int, ...]
    refused: tuple[RefusedRow, ...]

    @property
    def problems(self) -> tuple[SheetProblem, ...]:
        """Every problem of every refused row."""
        return tuple(problem for row in self.refused for problem in row.problems)

    def refuse_stored(self, index: int) -> RefusedRow:
        """The row of ``dossiers[index]``, refused: a dossier with its id is stored."""
        return self._refused(index, problem(self.sheet, self.columns, self.numbers[index],
                                            "id", _STORED))  # fmt: skip

    def update(self, index: int, stored: Dossier) -> Dossier | RefusedRow:
        """
        *stored* with what the row of ``dossiers[index]`` says: the facts its columns carry.

        The candidate's, the branch's and the dossier's fields whose column the sheet
        holds, and the certificates whose date it gives, are the row's; everything a row
        cannot carry (relatives, sponsors, votes, papers, refusals ...) stays as stored,
        and so does the history, which must be the row's acts: a row whose acts differ
        is refused, as is one whose facts the records refuse. The dossier returned keeps
        the stored revision, so that a writer who saves it meanwhile makes it stale.
        """
        read, row = self.dossiers[index], self.numbers[index]
        if self._acts(stored) != self._acts(read):
            first = next((c.field for c in self.columns if c.field.endswith("@on")
                          and c.field in self.given), "id")  # fmt: skip
            return self._refused(index, problem(self.sheet, self.columns, row, first,
                                                _ACTS_DIFFER))  # fmt: skip
        records: dict[type, Any] = {
            Dossier: read,
            Candidate: read.candidate,
            Organization: read.organization,
        }
        changes: dict[type, dict[str, Any]] = {Dossier: {}, Candidate: {}, Organization: {}}
        for f in _FIELDS:
            if f.column.field in self.given:
                changes[f.record][f.name] = getattr(records[f.record], f.name)
        certificates = list(stored.certificates)
        for kind in CertificateKind:
            if f"certificate@{kind.value}" not in self.given:
                continue
            given = [c for c in read.certificates if c.kind is kind]
            latest = max((c.issued_on for c in stored.certificates if c.kind is kind), default=None)
            if latest != (given[0].issued_on if given else None):
                certificates = [c for c in certificates if c.kind is not kind] + given
        try:
            candidate = attrs.evolve(stored.candidate, **changes[Candidate])
            organization = attrs.evolve(stored.organization, **changes[Organization])
            return attrs.evolve(stored, candidate=candidate, organization=organization,
                                certificates=certificates, **changes[Dossier])  # fmt: skip
        except InvalidInput as exc:
            field = _COLUMN_OF.get((Organization, exc.field), exc.field)
            found = problem(self.sheet, self.columns, row, field.removeprefix("candidate."),
                            why(exc))  # fmt: skip
            return self._refused(index, found)

    def _acts(self, dossier: Dossier) -> list[tuple[str, pendulum.Date, str | None]]:
        """The acts of *dossier* the sheet's columns show: their step, date and number."""
        return [
            (e.step, e.on, e.reference if f"{e.step}@reference" in self.given else None)
            for e in dossier.history
            if f"{e.step}@on" in self.given
        ]

    def _refused(self, index: int, *problems: SheetProblem) -> RefusedRow:
        # A valid row's cells are not kept: they are written again from its dossier,
        # in the sheet's own order (a column of the office's own is left empty).
        place = column_positions(self.header, self.columns)
        cells = [""] * len(self.header)
        for column, value in zip(
            self.columns, _row_cells(self.dossiers[index], self.columns), strict=True
        ):
            if column.field in place:
                cells[place[column.field]] = str(value)
        return RefusedRow(self.numbers[index], tuple(cells), problems)


def read_dossier_rows(
    path: Path,
    *,
    adopted_on: pendulum.Date | None = None,
    workflow: Workflow,
    attested: Iterable[str] = ON_PAPER,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SheetRows:
    """
    Read a sheet (.xlsx or .csv): the dossiers of its valid rows, and the rows refused.

    Each row is read as `read_dossiers` reads it; a row with a problem is kept with its
    cells and every problem found in it (`RefusedRow`), and the others are read on.

    Args:
        path: the file, as for `read_dossiers`.
        adopted_on: the day the office enters the acts the rows give (`read_dossiers`).
        workflow: checks the acts; its process names the columns.
        attested: rule families or ids taken on the office's word for adopted acts.
        encoding: a .csv file's encoding when it has no byte-order mark.
        progress: called with 1 after each row of the sheet is read (a blank one too).

    Raises:
        SheetRefused: a row of the file cannot be read at all (broken XML, bytes that
            are not text, over the limits): nothing after it can be, so nothing is read.
        InvalidInput: as `read_dossiers` raises it, for the file as a whole.
    """
    table = columns(workflow.law.process)
    dossiers: list[Dossier] = []
    numbers: list[int] = []
    refused: list[RefusedRow] = []
    with open_sheet(path, encoding, SHEET) as (sheet, rows):
        try:
            header = next(rows, None)
            if header is None:
                raise InvalidInput("sheet", "the sheet is empty: no header row")
            positions = column_positions(header, table)
            seen: set[str] = set()
            reader = _RowReader(sheet, table, workflow, adopted_on, frozenset(attested), [])
            for number, row in enumerate(rows, start=2):
                if progress is not None:
                    progress(1)
                if not any(cell_text(cell) for cell in row):
                    continue  # a blank line between blocks of a list
                cells = {
                    field: (row[index] if index < len(row) else None)
                    for field, index in positions.items()
                }
                reader.problems = []
                found = reader.dossier(cells, number)
                if found is not None and found.id in seen:
                    reader.problem(number, "id", _TWICE)
                elif found is not None and not reader.problems:
                    seen.add(found.id)
                    dossiers.append(found)
                    numbers.append(number)
                    continue
                texts = [_as_text(row[i]) if i < len(row) else "" for i in range(len(header))]
                refused.append(RefusedRow(number, tuple(texts), tuple(reader.problems)))
        except files.Unreadable as exc:
            # The rows after it cannot be read: the sheet as a whole is refused.
            unreadable = SheetProblem(sheet, exc.row, "", exc.reason)
            raise SheetRefused([*(p for r in refused for p in r.problems), unreadable]) from None
    return SheetRows(
        sheet=sheet, header=tuple(cell_text(cell) for cell in header), columns=table,
        given=frozenset(positions), dossiers=tuple(dossiers), numbers=tuple(numbers),
        refused=tuple(refused),
    )  # fmt: skip


def read_dossiers(
    path: Path,
    *,
    adopted_on: pendulum.Date | None = None,
    workflow: Workflow,
    attested: Iterable[str] = ON_PAPER,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
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
        progress: called with 1 after each row of the sheet is read (a blank one too).

    Raises:
        SheetRefused: any row has a problem; every problem is listed, nothing is returned.
        InvalidInput: the file is not .xlsx or .csv, not a regular file, over the limits
            or not readable at all, or its header row lacks a column or gives one twice.
    """
    rows = read_dossier_rows(
        path, adopted_on=adopted_on, workflow=workflow, attested=attested, encoding=encoding,
        progress=progress,
    )  # fmt: skip
    if rows.refused:
        raise SheetRefused(rows.problems)
    return list(rows.dossiers)


def _as_text(cell: object) -> str:
    """A cell as a clerk wrote it, as text: a date cell as dd/mm/yyyy, a flag as có / không."""
    if isinstance(cell, bool):
        return "có" if cell else "không"
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return day_cell(as_date(cell.date()))
    if isinstance(cell, dt.date) and not isinstance(cell, dt.datetime):
        return day_cell(as_date(cell))
    return cell_text(cell)


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
                not column.required and not cell_text(cells[column.field])
            ):
                continue
            try:
                values[column.field] = _reader(column.field)(cells[column.field])
            except InvalidInput as exc:
                self.problem(row, column.field, why(exc))
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
            candidate = Candidate(**self.given(Candidate, values))
        except InvalidInput as exc:
            self.problem(row, exc.field, why(exc))
            return None
        try:
            organization = Organization(**self.given(Organization, values))
        except InvalidInput as exc:
            self.problem(row, _COLUMN_OF.get((Organization, exc.field), exc.field), why(exc))
            return None
        certificates = []
        for kind in CertificateKind:
            field = f"certificate@{kind.value}"
            if field in values:
                try:
                    certificates.append(Certificate(kind=kind, issued_on=values[field]))
                except InvalidInput as exc:
                    self.problem(row, field, why(exc))
                    return None
        try:
            return Dossier(
                **self.given(Dossier, values),
                candidate=candidate,
                organization=organization,
                certificates=certificates,
            )
        except InvalidInput as exc:
            self.problem(row, exc.field.removeprefix("candidate."), why(exc))
            return None

    @staticmethod
    def given(record: type, values: dict[str, Any]) -> dict[str, Any]:
        """The values a row gives for *record*'s declared fields, by field name."""
        return {
            f.name: values[f.column.field]
            for f in _FIELDS
            if f.record is record and f.column.field in values
        }

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
            self.problem(row, acts[int(place)][0] if place.isdigit() else exc.field, why(exc))
            return None
        return dossier

    def problem(self, row: int, field: str, reason: str | Message) -> None:
        """
        Add a problem in the column of *field*, named by its header as the sheet shows it.

        A field no column holds (a record's own check) is a problem of the row as a whole.
        """
        self.problems.append(problem(self.sheet, self.table, row, field, reason))


def _actor(process: Process, step: str) -> Actor:
    """The body that acts for *step*: the first, in `Actor` order, the process allows."""
    allowed = {actor for row in process.transitions if row.step == step for actor in row.actors}
    return min(allowed, key=list(Actor).index)


# A record's field as a row's column: a branch's "name" is the column "branch".
_COLUMN_OF: Final = {(f.record, f.name): f.column.field for f in _FIELDS}
_READERS: Final = {f.column.field: f.read for f in _FIELDS}


def _reader(field: str) -> Callable[[object], object]:
    if field.endswith("@on") or field.startswith("certificate@"):
        return read_date
    return _READERS.get(field, read_text)


# --- writing -----------------------------------------------------------------------------------


def _row_cells(dossier: Dossier, table: Sequence[Column]) -> list[object]:
    records = {Dossier: dossier, Candidate: dossier.candidate, Organization: dossier.organization}
    values: dict[str, object] = {
        f.column.field: f.write(getattr(records[f.record], f.name)) for f in _FIELDS
    }
    for certificate in sorted(dossier.certificates, key=lambda c: c.issued_on):  # the latest
        values[f"certificate@{certificate.kind.value}"] = day_cell(certificate.issued_on)
    for entry in dossier.history:  # the last act of each step, as the office would list it
        values[f"{entry.step}@on"] = day_cell(entry.on)
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
    return write_table(
        path, SHEET, [column.vi for column in table], (_row_cells(d, table) for d in dossiers)
    )


ACTS_GUIDE: Final = Message(
    vi="Hồ sơ đang xử lý: ghi ngày (và số văn bản) của từng bước đã làm; hồ sơ được tiếp "
    "nhận ở giai đoạn các bước đó dẫn tới. Biểu quyết, người giới thiệu, giấy chứng nhận, "
    "các văn bản và thẩm tra lý lịch được coi là đã có trên hồ sơ giấy.",
    en="A dossier in progress: give the date (and document number) of each step done; the "
    "dossier opens at the stage they lead to. Votes, sponsors, certificates, papers and the "
    "background check are taken as held on paper.",
)
