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

import csv
import io
from collections.abc import Container, Iterable, Mapping
from pathlib import Path
from typing import Final

import attrs
import pendulum

from ketnap.errors import InvalidInput
from ketnap.facts import FigureSource, Profile
from ketnap.inputs import escape_formula
from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import EducationLevel, Occupation, PoliticalTheory
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
        """CSV with stable English keys: ``group,code,value,not_recorded`` (value empty: none)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["group", "code", "value", "not_recorded"])
        for row in self.rows:
            group = "" if row.group is None else _GROUP_CODES[row.group]
            value = "" if row.value is None else row.value
            # The codes are ours, but a spreadsheet must never run a field: every writer
            # goes through the same escape (`ketnap.inputs.escape_formula`).
            writer.writerow(
                [escape_formula(cell) for cell in (group, row.code, value, row.not_recorded)]
            )
        return out.getvalue()

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
_EDUCATION = Message(vi="Giáo dục phổ thông", en="General education")
_THEORY = Message(vi="Lý luận chính trị", en="Political theory")
_OCCUPATION = Message(vi="Nghề nghiệp", en="Occupation")
_GROUP_CODES: Final = {
    _AGE: "age",
    _EDUCATION: "education",
    _THEORY: "political_theory",
    _OCCUPATION: "occupation",
}

_AGE_BANDS: Final = (
    ("age_18_30", Message(vi="Từ 18 đến 30 tuổi", en="18 to 30"), 0, 30),
    ("age_31_40", Message(vi="Từ 31 đến 40 tuổi", en="31 to 40"), 31, 40),
    ("age_41_50", Message(vi="Từ 41 đến 50 tuổi", en="41 to 50"), 41, 50),
    ("age_51_60", Message(vi="Từ 51 đến 60 tuổi", en="51 to 60"), 51, 60),
    ("age_over_60", Message(vi="Trên 60 tuổi", en="Over 60"), 61, 999),
)
# General education as the form groups it: the highest school level completed.
_SCHOOLS: Final = (
    ("primary", Message(vi="Tiểu học", en="Primary"),
     {EducationLevel.NONE, EducationLevel.LITERATE, EducationLevel.PRIMARY}),
    ("lower_secondary", Message(vi="Trung học cơ sở", en="Lower secondary"),
     {EducationLevel.LOWER_SECONDARY_EQUIVALENT, EducationLevel.LOWER_SECONDARY}),
    ("upper_secondary", Message(vi="Trung học phổ thông", en="Upper secondary"),
     {EducationLevel.UPPER_SECONDARY, EducationLevel.HIGHER}),
)  # fmt: skip


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


def _ages(profile: Profile, law: Law) -> tuple[dict[object, int], dict[object, int]]:
    """The admitted by whole years of age and by youth age, each read by *law* on the decision."""
    years: dict[object, int] = {}
    youth: dict[object, int] = {}
    for (birth, decided), number in profile.born.items():
        months = law.age_months(birth, decided)
        age = None if months is None else months // 12
        years[age] = years.get(age, 0) + number
        young = None if months is None else law.is_youth(birth, decided)
        youth[young] = youth.get(young, 0) + number
    return years, youth


def _rows(profile: Profile, law: Law) -> Iterable[StatisticsRow]:
    counts, total = profile.counts, profile.total
    years, youth = _ages(profile, law)
    yield StatisticsRow(None, "total", Message(vi="Tổng số", en="Total"), total, 0)
    yield _one("women", Message(vi="Nữ", en="Women"), counts["sex"], {"female"}, total)
    flags = (
        ("ethnic_minority", Message(vi="Dân tộc thiểu số", en="Ethnic minority")),
        ("religious", Message(vi="Người theo tôn giáo", en="Religious followers")),
        ("youth", Message(vi="Trong độ tuổi thanh niên", en="Of youth age")),
        ("youth_union", Message(vi="Đoàn viên thanh niên", en="Youth Union members")),
    )
    facts = {**counts, "youth": youth}
    for fact, label in flags:
        yield _one(fact, label, facts[fact], {True}, total)
    bands = _regroup(years, {band[0]: range(band[2], band[3] + 1) for band in _AGE_BANDS})
    for code, label, _low, _high in _AGE_BANDS:
        yield _one(code, label, bands, {code}, total, group=_AGE)
    schools = _regroup(
        counts["education"],
        {code: {level.value for level in levels} for code, _, levels in _SCHOOLS},
    )
    for code, label, _levels in _SCHOOLS:
        yield _one(code, label, schools, {code}, total, group=_EDUCATION)
    for kind, fact, group in (
        (PoliticalTheory, "political_theory", _THEORY),
        (Occupation, "occupation", _OCCUPATION),
    ):
        for member in kind:
            yield _one(
                f"{fact}.{member.value}", member.message, counts[fact], {member.value}, total,
                group=group,
            )  # fmt: skip


def _regroup(
    values: Mapping[object, int], groups: Mapping[str, Container[object]]
) -> dict[object, int]:
    """Counts by value turned into counts by group; not recorded (None) stays None."""
    found: dict[object, int] = {}
    for value, number in values.items():
        key = None if value is None else next((g for g, vs in groups.items() if value in vs), "")
        found[key] = found.get(key, 0) + number
    return found


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
