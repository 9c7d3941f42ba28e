"""
Yearly admission reports (báo cáo kết quả kết nạp đảng viên) against the quota.

A report for any unit of an `OrganizationTree` and any date of a year: courses held
and trainees, certificates issued, people in each stage, admitted and % of plan,
recognitions, removals, re-admissions, the composition of the newly admitted, the
branches that admitted nobody, and a forecast of the year-end result.

The figures come from a store (`SQLiteStore.figures`) that keeps, for each dossier, the
facts a report counts (`DossierFacts`), so a report over a million dossiers is a few
indexed queries, not a million document loads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum

from ketnap.dates import DATE_MAX, DATE_MIN
from ketnap.errors import InvalidInput
from ketnap.facts import (
    CERTIFICATE_EVENT,
    LATE_EVENT,
    REFUSAL_EVENT,
    DossierFacts,
    Event,
    FactsFunction,
    Figures,
    FigureSource,
    plain_facts,
)
from ketnap.inputs import csv_text
from ketnap.messages import Lang, Message, format_percent
from ketnap.organizations import OrganizationTree, Quotas
from ketnap.process import ADMISSION, Process

__all__ = [
    "CERTIFICATE_EVENT",
    "DossierFacts",
    "Event",
    "FactsFunction",
    "FigureSource",
    "Figures",
    "Report",
    "last_day_of",
    "metric_label",
    "plain_facts",
    "report",
]


_LABELS: dict[str, Message] = {
    "unit": Message(vi="Đơn vị", en="Organisation"),
    "period": Message(vi="Kỳ báo cáo", en="Period"),
    "members": Message(
        vi="Số đảng viên (tổng các chi bộ)", en="Party members (sum of the branches)"
    ),
    "base_organizations": Message(vi="Tổ chức cơ sở đảng", en="Base party organisations"),
    "branches": Message(vi="Chi bộ", en="Branches"),
    "courses": Message(vi="Lớp bồi dưỡng nhận thức về Đảng", en="Awareness courses"),
    "trainees": Message(vi="Học viên", en="Trainees"),
    "certificates": Message(vi="Giấy chứng nhận đã cấp", en="Certificates issued"),
    "admitted": Message(vi="Đã kết nạp", en="Admitted"),
    "plan": Message(vi="Chỉ tiêu kế hoạch", en="Plan (quota)"),
    "percent": Message(vi="Tỷ lệ so với kế hoạch", en="% of plan"),
    "recognitions": Message(vi="Công nhận đảng viên chính thức", en="Recognised as full members"),
    "removals": Message(vi="Xóa tên đảng viên dự bị", en="Removed during probation"),
    "refusals": Message(vi="Không kết nạp", en="Refused"),
    "refusals_by_rule": Message(
        vi="Lần không được chấp nhận theo quy tắc", en="Refused attempts by rule"
    ),
    "late_acts": Message(vi="Quyết định quá hạn (vẫn có hiệu lực)", en="Late decisions (valid)"),
    "readmissions": Message(vi="Kết nạp lại", en="Re-admissions"),
    "youth": Message(vi="Trong độ tuổi đoàn viên", en="Of Youth Union age"),
    "women": Message(vi="Nữ", en="Women"),
    "ethnic_minority": Message(vi="Dân tộc thiểu số", en="Ethnic minorities"),
    "religious": Message(vi="Người theo tôn giáo", en="Religious followers"),
    "forecast": Message(vi="Dự báo cả năm", en="Year-end forecast"),
    "forecast_percent": Message(vi="Dự báo tỷ lệ kế hoạch", en="Forecast % of plan"),
    "idle": Message(
        vi="Chi bộ chưa kết nạp được đảng viên trong năm", en="Branches with no admission this year"
    ),
    "stages": Message(vi="Số người ở từng bước", en="People in each stage"),
}


def metric_label(key: str) -> Message:
    """The words for a report's figure (``"admitted"`` → "Đã kết nạp" / "Admitted")."""
    return _LABELS[key]


_PERIOD = Message(vi="{since} → {on}", en="{since} → {on}")
_COUNT = Message(vi="{n:,}", en="{n:,}")


def _percent(part: int, whole: int | None) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)


@attrs.frozen(kw_only=True)
class Report:
    """
    One organisation's admission report for a year, as of a date.

    ``percent_of_plan`` is admitted ÷ plan × 100, rounded to one decimal (130 of 200 is
    65.0); None without a plan. ``refusals_by_rule`` counts the refused attempts kept
    in the period (`ketnap.Refusal`), by failed rule, most frequent first. ``late_acts``
    counts the decisions taken after their term in the period (`ketnap.LateAct`): they
    stand, and the committee answers for them.

    ``forecast`` is admitted plus the dossiers before the decision expected from the
    report date to 31 December, whose proposal window is open; one expected before the
    report date and not decided is overdue and not counted. On 31 December it is what
    was admitted.
    """

    unit: str
    unit_name: str
    year: int
    since: pendulum.Date
    on: pendulum.Date
    members: int
    base_organizations: int
    branches: int
    courses: int
    trainees: int
    certificates: int
    stages: Mapping[str, int]
    admitted: int
    plan: int | None
    percent_of_plan: float | None
    recognitions: int
    removals: int
    refusals: int
    late_acts: int
    refusals_by_rule: Mapping[str, int]
    readmissions: int
    composition: Mapping[str, int]
    idle_branches: tuple[tuple[str, str], ...]
    forecast: int
    forecast_percent: float | None
    process: Process = attrs.field(default=ADMISSION, repr=False, eq=False)

    def to_data(self) -> dict[str, Any]:
        """The report as JSON-compatible data."""
        data = attrs.asdict(self, recurse=False, filter=lambda a, _v: a.name != "process")
        data["since"] = self.since.isoformat()
        data["on"] = self.on.isoformat()
        data["stages"] = dict(self.stages)
        data["composition"] = dict(self.composition)
        data["refusals_by_rule"] = dict(self.refusals_by_rule)
        data["idle_branches"] = [{"code": c, "name": n} for c, n in self.idle_branches]
        return data

    def to_json(self) -> str:
        """The report as a JSON text."""
        return json.dumps(self.to_data(), ensure_ascii=False, indent=2)

    def rows(self, lang: Lang = "vi") -> list[tuple[str, str]]:
        """The report as labelled rows, the order of the statistics forms."""

        def label(key: str) -> str:
            return _LABELS[key].render(lang)

        def number(value: int) -> str:
            return _COUNT.render(lang, {"n": value})

        def percent(value: float | None) -> str:
            return "—" if value is None else format_percent(value, lang)

        return [
            (label("unit"), self.unit_name),
            (label("period"), _PERIOD.render(lang, {"since": self.since, "on": self.on})),
            (label("members"), number(self.members)),
            (label("base_organizations"), number(self.base_organizations)),
            (label("branches"), number(self.branches)),
            (label("courses"), number(self.courses)),
            (label("trainees"), number(self.trainees)),
            (label("certificates"), number(self.certificates)),
            (label("admitted"), number(self.admitted)),
            (label("plan"), "—" if self.plan is None else number(self.plan)),
            (label("percent"), percent(self.percent_of_plan)),
            *((f"  {label(key)}", number(n)) for key, n in self.composition.items()),
            (label("readmissions"), number(self.readmissions)),
            (label("recognitions"), number(self.recognitions)),
            (label("removals"), number(self.removals)),
            (label("refusals"), number(self.refusals)),
            (label("late_acts"), number(self.late_acts)),
            (label("refusals_by_rule"), ""),
            *((f"  {rule_id}", number(n)) for rule_id, n in self.refusals_by_rule.items()),
            (label("forecast"), number(self.forecast)),
            (label("forecast_percent"), percent(self.forecast_percent)),
            (label("stages"), ""),
            *(
                (f"  {self.process.text(stage, lang)}", number(n))
                for stage, n in self.stages.items()
                if n
            ),
            (label("idle"), str(len(self.idle_branches))),
        ]

    def to_table(self, lang: Lang = "vi") -> str:
        """The report as an aligned table for a terminal."""
        rows = self.rows(lang)
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}".rstrip() for name, value in rows)

    def to_csv(self) -> str:
        """
        The report as CSV: ``metric,value`` with stable English metric names.

        The text starts with a byte-order mark, so that Excel reads it as UTF-8
        (`ketnap.inputs.csv_text`). A text that a spreadsheet would run as a formula (a
        unit's name starting with ``=``) is written with a quote in front
        (`ketnap.inputs.escape_formula`).
        """
        rows: list[list[object]] = [["metric", "value"]]
        for key, value in self.to_data().items():
            if isinstance(value, dict):
                rows += [[f"{key}.{sub}", n] for sub, n in value.items()]
            elif isinstance(value, list):
                rows.append([key, ";".join(item["code"] for item in value)])
            else:
                rows.append([key, "" if value is None else value])
        return csv_text(rows)


def last_day_of(year: int) -> pendulum.Date:
    """
    31 December of *year*, the default date of a year's report.

    Raises:
        InvalidInput: *year* is not a whole number within the years ketnap covers.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput("year", f"expected a whole number, got {type(year).__name__}")
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        raise InvalidInput(
            "year", f"outside the years ketnap covers, {DATE_MIN.year}-{DATE_MAX.year}"
        )
    return pendulum.Date(year, 12, 31)


def report(
    source: FigureSource,
    tree: OrganizationTree,
    quotas: Quotas,
    *,
    unit: str,
    year: int,
    on: pendulum.Date,
    since: pendulum.Date | None = None,
    process: Process = ADMISSION,
) -> Report:
    """
    Report for *unit* and every unit under it, from *since* (1 January) to *on*.

    Args:
        source: a store holding the dossiers (`SQLiteStore`).
        tree: the organisations.
        quotas: the yearly quotas.
        unit: the code of the organisation reported on.
        year: the year whose quota the admissions are measured against.
        on: the report date, within *year*.
        since: the first day of the period, within *year* (a quarter, say); the forecast
            adds to the admissions of the period the dossiers expected from *on* to
            31 December.
        process: the process whose stages are counted and whose tagged steps are the
            admissions, recognitions, removals and refusals.

    Raises:
        InvalidInput: *year* is outside 1900-2100, the period is not within it, or *unit*
            is unknown.
    """
    year_end = last_day_of(year)
    start = since or pendulum.Date(year, 1, 1)
    if on.year != year or start.year != year or start > on:
        raise InvalidInput("on", f"the period {start} to {on} is not within {year}")
    whole = unit == tree.root.code
    branches = tree.branches(unit)
    units = [u.code for u in tree.subtree(unit)]
    figures = source.figures(
        branches=None if whole else [b.code for b in branches],
        units=None if whole else units,
        start=start,
        on=on,
        year_end=year_end,
    )
    acts = figures.acts

    def count(tag: str) -> int:
        return sum(acts.get(step, 0) for step in process.steps_tagged(tag))

    admitted = count("admission")
    target = quotas.target(tree, unit, year)
    # On the year's last day nothing is still to come: the forecast is what was admitted.
    forecast = admitted + (figures.expected if on < year_end else 0)
    composition = {
        key: figures.composition.get(key, 0)
        for key in ("youth", "women", "ethnic_minority", "religious")
    }
    return Report(
        unit=unit,
        unit_name=tree.unit(unit).name,
        year=year,
        since=start,
        on=on,
        members=tree.members(unit),
        base_organizations=len(tree.base_units(unit)),
        branches=len(branches),
        courses=figures.courses,
        trainees=figures.trainees,
        certificates=acts.get(CERTIFICATE_EVENT, 0),
        stages={stage: figures.stages.get(stage, 0) for stage in process.stage_codes},
        admitted=admitted,
        plan=target,
        percent_of_plan=_percent(admitted, target),
        recognitions=count("recognition"),
        removals=count("removal"),
        refusals=count("refusal"),
        late_acts=acts.get(LATE_EVENT, 0),
        refusals_by_rule=dict(
            sorted(
                (
                    (kind.removeprefix(REFUSAL_EVENT), n)
                    for kind, n in acts.items()
                    if kind.startswith(REFUSAL_EVENT)
                ),
                key=lambda pair: (-pair[1], pair[0]),
            )
        ),
        readmissions=figures.composition.get("readmission", 0),
        composition=composition,
        idle_branches=tuple(
            (b.code, b.name) for b in branches if not figures.admitted_by_branch.get(b.code)
        ),
        forecast=forecast,
        forecast_percent=_percent(forecast, target),
        process=process,
    )
