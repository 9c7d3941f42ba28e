"""
The statistics of newly admitted members (Biểu số 3-BTCTW, HD 11-HD/BTCTW, 2021).

For any unit and period, `new_members` counts the members admitted (by the admission
decisions in the period) with the rows of the statistics form that the model can fill:
the total; women; ethnic minority; religious followers; youth age; Youth Union members;
age bands; general education; political theory; occupation groups. The counts come from
the store's query (`ketnap.facts.FigureSource.admitted_profile`).

A row is never filled by guessing: where a fact is not recorded for some of the admitted,
the row says how many (``not_recorded``); where it is recorded for none, the row's value
is None and it is shown as not recorded ("chưa ghi nhận"), never as zero.

Offices write it out as .xlsx (`write_xlsx`) or .csv (`to_csv`); ``ketnap statistics``.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from pathlib import Path
from typing import Final

import attrs
import pendulum

from ketnap.errors import InvalidInput
from ketnap.facts import FigureSource, Profile
from ketnap.inputs import csv_text, escape_formula
from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import Candidate
from ketnap.model.fields import Tally, TallyRow, declared
from ketnap.organizations import OrganizationTree

__all__ = ["FORM_CODE", "NewMembersStatistics", "StatisticsRow", "new_members"]

FORM_CODE: Final = "3-BTCTW"
"""The statistics form of new members, as HD 11-HD/BTCTW numbers it."""


@attrs.frozen
class StatisticsRow:
    """
    One row of the form.

    Attributes:
        group: the heading the row sits under (None for the rows at the top).
        code: a stable English key (``"women"``, ``"age_18_30"``).
        label: the row's words.
        value: the count; None when the fact is recorded for none of the admitted.
        not_recorded: the admitted for whom the row's fact is not recorded.
    """

    group: Message | None
    code: str
    label: Message
    value: int | None
    not_recorded: int


@attrs.frozen
class NewMembersStatistics:
    """The form for one unit and period: its rows, and how to write them out."""

    unit: str
    unit_name: str
    since: pendulum.Date
    on: pendulum.Date
    rows: tuple[StatisticsRow, ...]

    def row(self, code: str) -> StatisticsRow:
        """The row with *code*."""
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    def table(self, lang: Lang = "vi") -> list[list[object]]:
        """The form as rows of cells: a title, the heading, then one line per row."""
        title = _TITLE.render(lang, {"unit": self.unit_name, "since": self.since, "on": self.on})
        lines: list[list[object]] = [[title], [h.render(lang) for h in _HEADING]]
        group: Message | None = None
        for row in self.rows:
            if row.group is not None and row.group != group:
                lines.append([row.group.render(lang)])
            group = row.group
            value: object = _NOT_RECORDED.render(lang) if row.value is None else row.value
            indent = "  " if row.group is not None else ""
            lines.append([indent + row.label.render(lang), value, row.not_recorded])
        return lines

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The form as JSON-compatible data: stable English keys, the labels in *lang*."""
        return {
            "form": FORM_CODE,
            "unit": self.unit,
            "unit_name": self.unit_name,
            "since": self.since.isoformat(),
            "on": self.on.isoformat(),
            "rows": [
                {
                    "group": None if row.group is None else _GROUP_CODES[row.group],
                    "code": row.code,
                    "label": row.label.render(lang),
                    "value": row.value,
                    "not_recorded": row.not_recorded,
                }
                for row in self.rows
            ],
        }

    def to_csv(self) -> str:
        """
        CSV with stable English keys: ``group,code,value,not_recorded`` (value empty: none).

        The text starts with a byte-order mark, so that Excel reads it as UTF-8; every
        field is escaped as every writer escapes it (`ketnap.inputs.csv_text`).
        """
        lines: list[list[object]] = [["group", "code", "value", "not_recorded"]]
        for row in self.rows:
            group = "" if row.group is None else _GROUP_CODES[row.group]
            value = "" if row.value is None else row.value
            lines.append([group, row.code, value, row.not_recorded])
        return csv_text(lines)

    def to_text(self, lang: Lang = "vi") -> str:
        """An aligned table in *lang*."""
        width = max(len(str(line[0])) for line in self.table(lang)[1:])
        out = []
        for line in self.table(lang):
            cells = [Message(vi="{v}", en="{v}").render(lang, {"v": c}) for c in line[1:]]
            out.append(f"{line[0]!s:<{width}}  " + "  ".join(f"{c:>14}" for c in cells))
        return "\n".join(text.rstrip() for text in out)

    def write_xlsx(self, path: Path, lang: Lang = "vi") -> Path:
        """Write the form as a one-sheet .xlsx workbook; return *path*."""
        import openpyxl  # noqa: PLC0415 - only .xlsx users pay for importing it

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(FORM_CODE)
        for line in self.table(lang):
            # The title holds the unit's name: a text is never written as a formula.
            sheet.append([escape_formula(cell) for cell in line])
        workbook.save(path)
        return path


_TITLE = Message(
    vi="Biểu số 3-BTCTW: Đảng viên mới kết nạp, {unit}, từ {since} đến {on}",
    en="Form 3-BTCTW: newly admitted members, {unit}, {since} to {on}",
)
_HEADING = (
    Message(vi="Chỉ tiêu", en="Row"),
    Message(vi="Số lượng", en="Count"),
    Message(vi="Chưa ghi nhận", en="Not recorded"),
)
_NOT_RECORDED = Message(vi="chưa ghi nhận", en="not recorded")

_AGE = Message(vi="Tuổi đời", en="Age")
_AGE_BANDS: Final = (
    ("age_18_30", Message(vi="Từ 18 đến 30 tuổi", en="18 to 30"), 0, 30),
    ("age_31_40", Message(vi="Từ 31 đến 40 tuổi", en="31 to 40"), 31, 40),
    ("age_41_50", Message(vi="Từ 41 đến 50 tuổi", en="41 to 50"), 41, 50),
    ("age_51_60", Message(vi="Từ 51 đến 60 tuổi", en="51 to 60"), 51, 60),
    ("age_over_60", Message(vi="Trên 60 tuổi", en="Over 60"), 61, 999),
)
_YOUTH: Final = TallyRow("youth", Message(vi="Trong độ tuổi thanh niên", en="Of youth age"),
                         frozenset({True}))  # fmt: skip

# The form's own rows, which the law reads from the birth and decision dates, placed
# among the candidate's tallied fields (`ketnap.model.fields.Tally.position`).
_AGE_ROWS: Final = {
    "youth": Tally(rows=(_YOUTH,), position=40),
    "age": Tally(
        rows=tuple(TallyRow(code, label, frozenset({code})) for code, label, _, _ in _AGE_BANDS),
        position=60,
        group=_AGE,
    ),
}


def _tallies() -> list[tuple[str, Tally]]:
    """Every row group of the form, in its order: the candidate's fields and the ages."""
    fields = [(f.name, info.tally) for f, info in declared(Candidate) if info.tally is not None]
    return sorted([*fields, *_AGE_ROWS.items()], key=lambda item: item[1].position)


_TALLIES: Final = _tallies()
_GROUP_CODES: Final = {tally.group: name for name, tally in _TALLIES if tally.group is not None}


def new_members(
    source: FigureSource,
    tree: OrganizationTree,
    *,
    unit: str,
    on: pendulum.Date,
    law: Law,
    since: pendulum.Date | None = None,
) -> NewMembersStatistics:
    """
    Count the members *unit* admitted from *since* (default: 1 January of *on*'s year) to *on*.

    Ages (the bands and the youth row) are read by *law* on each decision's day
    (`ketnap.Law.age_months`, `ketnap.Law.is_youth`): one definition with the rules'.

    Raises:
        InvalidInput: *unit* is not in the tree, or *since* is after *on*.
    """
    start = since or pendulum.Date(on.year, 1, 1)
    if start > on:
        raise InvalidInput("since", "the period starts after it ends")
    node = tree.unit(unit)
    branches = None if node.code == tree.root.code else [b.code for b in tree.branches(unit)]
    profile = source.admitted_profile(branches=branches, start=start, on=on)
    return NewMembersStatistics(
        unit=node.code, unit_name=node.name, since=start, on=on, rows=tuple(_rows(profile, law))
    )


def _ages(profile: Profile, law: Law) -> dict[str, dict[object, int]]:
    """The admitted by age band and by youth age, each read by *law* on the decision."""
    bands: dict[object, int] = {}
    youth: dict[object, int] = {}
    for (birth, decided), number in profile.born.items():
        months = law.age_months(birth, decided)
        band = None if months is None else _band(months // 12)
        bands[band] = bands.get(band, 0) + number
        young = None if months is None else law.is_youth(birth, decided)
        youth[young] = youth.get(young, 0) + number
    return {"age": bands, "youth": youth}


def _band(years: int) -> str:
    return next(code for code, _label, low, high in _AGE_BANDS if low <= years <= high)


def _rows(profile: Profile, law: Law) -> Iterable[StatisticsRow]:
    counts = {**profile.counts, **_ages(profile, law)}
    total = profile.total
    yield StatisticsRow(None, "total", Message(vi="Tổng số", en="Total"), total, 0)
    for name, tally in _TALLIES:
        for row in tally.rows:
            yield _one(row.code, row.label, counts[name], row.values, total, group=tally.group)


def _one(
    code: str,
    label: Message,
    values: Mapping[object, int],
    accepted: Container[object],
    total: int,
    *,
    group: Message | None = None,
) -> StatisticsRow:
    unknown = values.get(None, 0)
    count = sum(n for value, n in values.items() if value is not None and value in accepted)
    # Not recorded for any of the admitted: shown as such, never as a zero.
    recorded = total == 0 or unknown < total
    return StatisticsRow(group, code, label, count if recorded else None, unknown)
