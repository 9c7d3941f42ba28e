"""
The report as one self-contained HTML page (trang báo cáo), for a screen or to send on.

`report_page` draws, for a unit and a year to date: the key figures, each base
organisation's progress against its quota, the funnel of people at each stage, the
admissions month by month against the plan, and the due list. Everything is in the one
file: the styles inline and the charts drawn as SVG by this module, with no script, no
web font and no address outside it, so the page opens the same without a network.

``ketnap report --format html``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Final

import pendulum

from ketnap.dates import add_months
from ketnap.law import Law
from ketnap.messages import Lang, Message, format_number, format_percent
from ketnap.organizations import OrganizationTree, Quotas
from ketnap.process import ProcessStage
from ketnap.reminders import DueList, due_list
from ketnap.reports import Report, metric_label, report
from ketnap.storage import Query, Store

__all__ = ["report_page"]


_TITLE = Message(vi="Báo cáo kết nạp đảng viên", en="Party admissions report")
_QUOTAS = Message(
    vi="Tiến độ so với chỉ tiêu, từng tổ chức cơ sở đảng",
    en="Progress against quota, by base organisation",
)
_FUNNEL = Message(vi="Số người ở từng bước", en="People at each stage")
_MONTHS = Message(vi="Kết nạp theo tháng so với kế hoạch", en="Admissions by month against plan")
_DUE = Message(
    vi="Việc đến hạn và quá hạn (trong {within} ngày làm việc)",
    en="Due and overdue (within {within} working days)",
)
_NOTHING_DUE = Message(vi="Không có việc đến hạn.", en="Nothing due.")
_MORE = Message(vi="… và {n:,} việc khác", en="… and {n:,} more")
_OVERDUE = Message(vi="Quá hạn", en="Overdue")
_MONTH = Message(vi="Th{m}", en="M{m}")
_LEGEND = Message(
    vi="cột: kết nạp trong tháng; đường: cộng dồn so với kế hoạch",
    en="bars: admitted in the month; lines: cumulative against plan",
)
_NO_PLAN = Message(vi="chưa giao chỉ tiêu", en="no quota")
_SHOWN: Final = 300
"""Due items listed on the page; the rest are counted."""

_STYLE = """
body{font-family:"Times New Roman",serif;margin:24px;color:#1a1a1a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.period{color:#555;margin-bottom:16px}
.figures{display:flex;flex-wrap:wrap;gap:12px}
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
.figure b{display:block;font-size:22px}.figure span{font-size:13px;color:#555}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px}
tr.overdue td{color:#a40000}svg text{font-family:"Times New Roman",serif}
"""


def report_page(
    store: Store,
    tree: OrganizationTree,
    quotas: Quotas,
    *,
    unit: str,
    year: int,
    on: pendulum.Date,
    within: int = 15,
    law: Law,
    lang: Lang = "vi",
) -> str:
    """
    Return the HTML page of *unit*'s report for *year* to *on*.

    The due list counts what falls due within *within* working days of *on*.
    """
    process = law.process
    whole = report(store, tree, quotas, unit=unit, year=year, on=on, process=process)
    bases = [
        (
            base.name,
            report(store, tree, quotas, unit=base.code, year=year, on=on, process=process),
        )
        for base in tree.base_units(unit)
    ]
    months = []
    for month in range(1, on.month + 1):
        start = pendulum.Date(year, month, 1)
        end = min(add_months(start, 1).subtract(days=1), on)
        months.append(
            report(
                store, tree, quotas, unit=unit, year=year, on=end, since=start, process=process
            ).admitted
        )
    horizon = law.calendar.add_working_days(on, within)
    branches = {b.code for b in tree.branches(unit)}
    dossiers = (d for d in store.find(Query(due_by=horizon)) if d.organization.code in branches)
    due = due_list(dossiers, on=on, within=within, law=law)
    parts = [
        f"<h1>{_e(_TITLE.render(lang))}: {_e(whole.unit_name)}</h1>",
        f'<div class="period">{_e(_period(whole, lang))}</div>',
        _figures(whole, lang),
        f"<h2>{_e(_QUOTAS.render(lang))}</h2>",
        _quota_bars(bases, lang),
        f"<h2>{_e(_FUNNEL.render(lang))}</h2>",
        _bars(
            [(process.text(stage, lang), n) for stage, n in _ordered(whole, process.stages)],
            lang,
            figure="funnel",
        ),
        f"<h2>{_e(_MONTHS.render(lang))}</h2>",
        _month_chart(months, whole.plan, lang),
        f"<h2>{_e(_DUE.render(lang, {'within': within}))}</h2>",
        _due_table(due, lang),
    ]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(_TITLE.render(lang))}: {_e(whole.unit_name)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: int, lang: Lang) -> str:
    return format_number(value, lang, ",")


def _period(result: Report, lang: Lang) -> str:
    return Message(vi="{since} → {on}", en="{since} → {on}").render(
        lang, {"since": result.since, "on": result.on}
    )


def _ordered(result: Report, stages: Iterable[ProcessStage]) -> list[tuple[str, int]]:
    return [(stage.code, result.stages.get(stage.code, 0)) for stage in stages]


def _figures(result: Report, lang: Lang) -> str:
    percent = (
        "—" if result.percent_of_plan is None else format_percent(result.percent_of_plan, lang)
    )
    plan = _NO_PLAN.render(lang) if result.plan is None else _n(result.plan, lang)
    cards = [
        ("members", _n(result.members, lang)),
        ("base_organizations", _n(result.base_organizations, lang)),
        ("branches", _n(result.branches, lang)),
        ("trainees", _n(result.trainees, lang)),
        ("admitted", _n(result.admitted, lang)),
        ("plan", plan),
        ("percent", percent),
        ("forecast", _n(result.forecast, lang)),
    ]
    return (
        '<div class="figures">'
        + "".join(
            f'<div class="figure" data-figure="{key}"><b>{_e(value)}</b>'
            f"<span>{_e(metric_label(key).render(lang))}</span></div>"
            for key, value in cards
        )
        + "</div>"
    )


def _bars(items: Sequence[tuple[str, int]], lang: Lang, *, figure: str) -> str:
    """Horizontal bars, one per item, scaled to the largest."""
    return _hbars([(label, value, None, _n(value, lang)) for label, value in items], figure)


def _quota_bars(bases: Sequence[tuple[str, Report]], lang: Lang) -> str:
    """Each base organisation: admitted against its plan, the plan as an outline."""
    return _hbars(
        [
            (
                name,
                result.admitted,
                result.plan or 0,
                _NO_PLAN.render(lang)
                if result.plan is None
                else f"{_n(result.admitted, lang)}/{_n(result.plan, lang)}",
            )
            for name, result in bases
        ],
        "quotas",
    )


def _hbars(items: Sequence[tuple[str, int, int | None, str]], figure: str) -> str:
    """Bars of (label, value, outline or None, note), scaled to the largest of them all."""
    row, label_width, width = 22, 330, 360
    top = max((max(value, outline or 0) for _, value, outline, _ in items), default=0) or 1
    out = [
        (
            f'<svg data-chart="{figure}" width="{label_width + width + 120}"'
            f' height="{row * len(items) + 4}" role="img" xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for index, (label, value, outline, note) in enumerate(items):
        y = index * row + 2
        length = round(width * value / top)
        frame = None if outline is None else round(width * outline / top)
        out.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="13">'
            f"{_e(label)}</text>"
        )
        if frame is not None:
            out.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{frame}" height="{row - 6}" '
                'fill="none" stroke="#999"/>'
            )
        out.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 6}" fill="#b22"/>'
            f'<text x="{label_width + max(length, frame or 0) + 4}" y="{y + 15}" font-size="13">'
            f"{_e(note)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _month_chart(months: Sequence[int], plan: int | None, lang: Lang) -> str:
    """Bars of the admitted each month; lines of the cumulative admitted and plan."""
    width, height, left, bottom = 640, 260, 40, 30
    step = (width - left) / 12
    cumulative = [sum(months[: i + 1]) for i in range(len(months))]
    planned = [plan * (i + 1) / 12 for i in range(12)] if plan else []
    top = max([*cumulative, *planned, 1])
    scale = (height - bottom - 10) / top

    def y(value: float) -> float:
        return round(height - bottom - value * scale, 1)

    out = [
        (
            f'<svg data-chart="months" width="{width}" height="{height}" role="img" '
            'xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for index in range(12):
        x = left + index * step
        out.append(
            f'<text x="{x + step / 2:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="12">{_e(_MONTH.render(lang, {"m": index + 1}))}</text>'
        )
        if index < len(months):
            top_y = y(months[index])
            out.append(
                f'<rect x="{x + 6:.1f}" y="{top_y}" width="{step - 12:.1f}" '
                f'height="{height - bottom - top_y:.1f}" fill="#b22">'
                f"<title>{_e(_n(months[index], lang))}</title></rect>"
            )
    for values, colour in ((cumulative, "#1a4"), (planned, "#555")):
        if values:
            points = " ".join(f"{left + (i + 0.5) * step:.1f},{y(v)}" for i, v in enumerate(values))
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    out.append(f'<text x="{left}" y="12" font-size="12">{_e(_LEGEND.render(lang))}</text>')
    out.append("</svg>")
    return "".join(out)


def _due_table(due: DueList, lang: Lang) -> str:
    items = [(True, item) for item in due.overdue] + [(False, item) for item in due.due]
    if not items:
        return f"<p>{_e(_NOTHING_DUE.render(lang))}</p>"
    rows = []
    for overdue, item in items[:_SHOWN]:
        mark = _OVERDUE.render(lang) if overdue else ""
        rows.append(
            f'<tr class="{"overdue" if overdue else "due"}"><td>{_e(mark)}</td>'
            f"<td>{_e(item.text(lang))}</td></tr>"
        )
    more = len(items) - _SHOWN
    tail = f"<p>{_e(_MORE.render(lang, {'n': more}))}</p>" if more > 0 else ""
    return f'<table data-list="due">{"".join(rows)}</table>{tail}'
