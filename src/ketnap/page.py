"""
The report as one self-contained HTML page (trang báo cáo), for a screen, a printer or to send on.

`report_page` draws, for a unit and a year to date: the key figures and the others the
report counts, the composition of the admitted, each base organisation's progress
against its quota, the admissions month by month against the plan, the people at each
stage, the refused attempts by rule, the branches with no admission and the due list.
Everything is in the one file: the styles inline and the charts drawn as SVG by this
module, with no script, no web font and no address outside it, so the page opens the
same without a network. A print stylesheet lays it out on A4 pages.

``ketnap report --format html``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Final

import pendulum

from ketnap.dates import add_months
from ketnap.errors import InvalidInput
from ketnap.law import Law
from ketnap.messages import Lang, Message, format_number, format_percent
from ketnap.organizations import OrganizationTree, Quotas
from ketnap.process import ProcessStage
from ketnap.reminders import DueList, due_list
from ketnap.reports import Report, metric_label, report
from ketnap.storage import Query, Store

__all__ = ["report_page"]


_TITLE = Message(vi="Báo cáo kết nạp đảng viên", en="Party admissions report")
_OTHERS = Message(vi="Các số liệu khác trong kỳ", en="Other figures of the period")
_COMPOSITION = Message(
    vi="Thành phần đảng viên mới kết nạp", en="Composition of the newly admitted"
)
_OF_ADMITTED = Message(vi="Tỷ lệ trong số đã kết nạp", en="Share of the admitted")
_COUNT = Message(vi="Số lượng", en="Number")
_QUOTAS = Message(
    vi="Tiến độ so với chỉ tiêu, từng tổ chức cơ sở đảng",
    en="Progress against quota, by base organisation",
)
_BASE = Message(vi="Tổ chức cơ sở đảng", en="Base organisation")
_PROGRESS = Message(vi="Tiến độ", en="Progress")
_FUNNEL = Message(vi="Số người ở từng bước", en="People at each stage")
_STAGE = Message(vi="Bước", en="Stage")
_PEOPLE = Message(vi="Số người", en="People")
_MONTHS = Message(vi="Kết nạp theo tháng so với kế hoạch", en="Admissions by month against plan")
_MONTH = Message(vi="Th{m}", en="M{m}")
_BARS = Message(vi="Kết nạp trong tháng (số trên cột)", en="Admitted in the month (number on bar)")
_RUNNING = Message(vi="Cộng dồn đã kết nạp: {n:,}", en="Admitted to date: {n:,}")
_PLANNED = Message(
    vi="Kế hoạch cộng dồn (chỉ tiêu {n:,} chia đều 12 tháng)",
    en="Plan to date (quota of {n:,} spread over 12 months)",
)
_NO_PLAN_LINE = Message(
    vi="Chưa giao chỉ tiêu: không có đường kế hoạch", en="No quota: no plan line"
)
_AXIS = Message(vi="Số đảng viên kết nạp", en="Members admitted")
_REFUSALS = Message(vi="Lần không được chấp nhận, theo quy tắc", en="Refused attempts, by rule")
_RULE = Message(vi="Quy tắc", en="Rule")
_CLAUSE = Message(vi="Căn cứ", en="Clause")
_TIMES = Message(vi="Số lần", en="Times")
_NO_REFUSAL = Message(
    vi="Không có lần nào không được chấp nhận trong kỳ.", en="No refused attempt in the period."
)
_IDLE = Message(
    vi="Chi bộ chưa kết nạp được đảng viên trong năm ({n:,})",
    en="Branches with no admission this year ({n:,})",
)
_NO_IDLE = Message(vi="Chi bộ nào cũng đã kết nạp.", en="Every branch has admitted.")
_BASE_BRANCHES = Message(vi="Chi bộ cơ sở", en="Base branches")
_DUE = Message(
    vi="Việc đến hạn và quá hạn (trong {within} ngày làm việc)",
    en="Due and overdue (within {within} working days)",
)
_NOTHING_DUE = Message(vi="Không có việc đến hạn.", en="Nothing due.")
_MORE = Message(vi="… và {n:,} việc khác", en="… and {n:,} more")
_OVERDUE = Message(vi="Quá hạn", en="Overdue")
_NO_PLAN = Message(vi="chưa giao chỉ tiêu", en="no quota")
_SHOWN: Final = 300
"""Due items listed on the page; the rest are counted."""

_RED, _DARK_RED, _GREEN, _GREY = "#b22", "#6d0f0f", "#1a7a3a", "#555"

_STYLE = """
body{font-family:"Times New Roman",serif;margin:24px auto;padding:0 16px;max-width:1100px;
color:#1a1a1a;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
h3{font-size:14px;margin:10px 0 2px}
p{margin:4px 0}
.period{color:#555;margin-bottom:16px}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:10px}
.figure{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:110px}
.figure b{display:block;font-size:21px}.figure span{font-size:13px;color:#555}
.figures.small .figure b{font-size:16px}
table{border-collapse:collapse;font-size:13px;width:100%}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f3f3f3}
td.n,th.n{text-align:right;white-space:nowrap;overflow-wrap:normal;width:1%}
td.bar{width:36%;vertical-align:middle}
svg.bar{display:block;width:100%;height:12px}
tr.overdue td{color:#a40000}
figure{margin:0}
svg.chart{display:block;width:100%;max-width:760px;height:auto}
svg text{font-family:"Times New Roman",serif}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;margin-top:6px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend svg{flex:none}
.idle{columns:2 320px;column-gap:24px;font-size:13px}
.idle section{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:14mm 12mm}
@media print{
body{margin:0;padding:0;max-width:none;font-size:11pt}
h1{font-size:18pt}h2{font-size:13pt;margin:14pt 0 6pt;break-after:avoid}
table{font-size:9.5pt}thead{display:table-header-group}
tr,figure,.figure,.idle section{break-inside:avoid}
.idle{columns:2;font-size:9.5pt}
}
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
    rules = law.ruleset_for(on)
    clauses = {
        rule_id: rules[rule_id].clause if rule_id in rules else ""
        for rule_id in whole.refusals_by_rule
    }
    idle_count = {"n": len(whole.idle_branches)}
    parts = [
        f"<h1>{_e(_TITLE.render(lang))}: {_e(whole.unit_name)}</h1>",
        f'<div class="period">{_e(_period(whole, lang))}</div>',
        _figures(whole, lang),
        f"<h2>{_e(_OTHERS.render(lang))}</h2>",
        _other_figures(whole, lang),
        f"<h2>{_e(_COMPOSITION.render(lang))}</h2>",
        _composition(whole, lang),
        f"<h2>{_e(_MONTHS.render(lang))}</h2>",
        _month_chart(months, whole.plan, lang),
        f"<h2>{_e(_QUOTAS.render(lang))}</h2>",
        _quota_table(bases, lang),
        f"<h2>{_e(_FUNNEL.render(lang))}</h2>",
        _funnel(
            [(process.text(stage, lang), n) for stage, n in _ordered(whole, process.stages)],
            lang,
        ),
        f"<h2>{_e(_REFUSALS.render(lang))}</h2>",
        _refusals(whole, clauses, lang),
        f"<h2>{_e(_IDLE.render(lang, idle_count))}</h2>",
        _idle(whole, tree, lang),
        f"<h2>{_e(_DUE.render(lang, {'within': within}))}</h2>",
        _due_table(due, lang),
    ]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(_TITLE.render(lang))}: {_e(whole.unit_name)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: int, lang: Lang) -> str:
    return format_number(value, lang, ",")


def _share(part: int, whole: int, lang: Lang) -> str:
    return "—" if not whole else format_percent(part * 100 / whole, lang)


def _period(result: Report, lang: Lang) -> str:
    return Message(vi="{since} → {on}", en="{since} → {on}").render(
        lang, {"since": result.since, "on": result.on}
    )


def _ordered(result: Report, stages: Iterable[ProcessStage]) -> list[tuple[str, int]]:
    return [(stage.code, result.stages.get(stage.code, 0)) for stage in stages]


def _cards(cards: Sequence[tuple[str, str]], lang: Lang, *, small: bool = False) -> str:
    return (
        f'<div class="figures{" small" if small else ""}">'
        + "".join(
            f'<div class="figure" data-figure="{key}"><b>{_e(value)}</b>'
            f"<span>{_e(metric_label(key).render(lang))}</span></div>"
            for key, value in cards
        )
        + "</div>"
    )


def _percent(value: float | None, lang: Lang) -> str:
    return "—" if value is None else format_percent(value, lang)


def _figures(result: Report, lang: Lang) -> str:
    plan = _NO_PLAN.render(lang) if result.plan is None else _n(result.plan, lang)
    return _cards(
        [
            ("members", _n(result.members, lang)),
            ("base_organizations", _n(result.base_organizations, lang)),
            ("branches", _n(result.branches, lang)),
            ("trainees", _n(result.trainees, lang)),
            ("admitted", _n(result.admitted, lang)),
            ("plan", plan),
            ("percent", _percent(result.percent_of_plan, lang)),
            ("forecast", _n(result.forecast, lang)),
            ("forecast_percent", _percent(result.forecast_percent, lang)),
        ],
        lang,
    )


def _other_figures(result: Report, lang: Lang) -> str:
    return _cards(
        [
            ("courses", _n(result.courses, lang)),
            ("certificates", _n(result.certificates, lang)),
            ("readmissions", _n(result.readmissions, lang)),
            ("recognitions", _n(result.recognitions, lang)),
            ("removals", _n(result.removals, lang)),
            ("refusals", _n(result.refusals, lang)),
            ("late_acts", _n(result.late_acts, lang)),
        ],
        lang,
        small=True,
    )


_NUMERIC: Final = ' class="n"'


def _head(*cells: tuple[str, bool]) -> str:
    """A table's heading row: (words, numeric) for each column."""
    return (
        "<thead><tr>"
        + "".join(f"<th{_NUMERIC if numeric else ''}>{_e(text)}</th>" for text, numeric in cells)
        + "</tr></thead>"
    )


def _composition(result: Report, lang: Lang) -> str:
    """Among the admitted: women, youth, ethnic minorities, religious, re-admissions."""
    keys = ["women", "youth", "ethnic_minority", "religious"]
    rows = [(key, result.composition.get(key, 0)) for key in keys]
    rows.append(("readmissions", result.readmissions))
    body = "".join(
        f'<tr data-row="{key}"><td>{_e(metric_label(key).render(lang))}</td>'
        f'<td class="n">{_e(_n(n, lang))}</td>'
        f'<td class="n">{_e(_share(n, result.admitted, lang))}</td></tr>'
        for key, n in rows
    )
    head = _head(
        (metric_label("admitted").render(lang) + f": {_n(result.admitted, lang)}", False),
        (_COUNT.render(lang), True),
        (_OF_ADMITTED.render(lang), True),
    )
    return f'<table data-table="composition">{head}<tbody>{body}</tbody></table>'


def _bar(value: int, outline: int | None, top: int) -> str:
    """
    One bar scaled to *top* (the largest of the table), the plan as an outline.

    The part over the plan is darker. The bar never passes *top*: nothing is clipped.
    """
    width = 200
    length = value * width / top if top else 0.0
    frame = None if outline is None else (outline * width / top if top else 0.0)
    out = [
        (
            f'<svg class="bar" viewBox="0 0 {width} 12" preserveAspectRatio="none" role="img" '
            'xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    within = length if frame is None else min(length, frame)
    out.append(
        f'<rect data-part="done" x="0" y="1" width="{within:.1f}" height="10" fill="{_RED}"/>'
    )
    if frame is not None and length > frame:
        out.append(
            f'<rect data-part="over" x="{frame:.1f}" y="1" width="{length - frame:.1f}" '
            f'height="10" fill="{_DARK_RED}"/>'
        )
    if frame is not None:
        out.append(
            f'<rect data-part="plan" x="0" y="0.5" width="{frame:.1f}" height="11" fill="none" '
            f'stroke="{_GREY}" stroke-width="1" vector-effect="non-scaling-stroke"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _quota_table(bases: Sequence[tuple[str, Report]], lang: Lang) -> str:
    """Each base organisation: admitted, plan, % of plan and a bar against the plan."""
    top = max((max(r.admitted, r.plan or 0) for _, r in bases), default=0)
    rows = []
    for name, result in bases:
        plan = _NO_PLAN.render(lang) if result.plan is None else _n(result.plan, lang)
        rows.append(
            f'<tr><td>{_e(name)}</td><td class="n">{_e(_n(result.admitted, lang))}</td>'
            f'<td class="n">{_e(plan)}</td>'
            f'<td class="n">{_e(_percent(result.percent_of_plan, lang))}</td>'
            f'<td class="bar">{_bar(result.admitted, result.plan, top)}</td></tr>'
        )
    head = _head(
        (_BASE.render(lang), False),
        (metric_label("admitted").render(lang), True),
        (metric_label("plan").render(lang), True),
        (metric_label("percent").render(lang), True),
        (_PROGRESS.render(lang), False),
    )
    return f'<table data-chart="quotas">{head}<tbody>{"".join(rows)}</tbody></table>'


def _funnel(items: Sequence[tuple[str, int]], lang: Lang) -> str:
    """The people at each stage, with a bar scaled to the largest stage."""
    top = max((n for _, n in items), default=0)
    rows = "".join(
        f'<tr><td>{_e(label)}</td><td class="n">{_e(_n(n, lang))}</td>'
        f'<td class="bar">{_bar(n, None, top)}</td></tr>'
        for label, n in items
    )
    head = _head((_STAGE.render(lang), False), (_PEOPLE.render(lang), True), ("", False))
    return f'<table data-chart="funnel">{head}<tbody>{rows}</tbody></table>'


def _refusals(result: Report, clauses: dict[str, str], lang: Lang) -> str:
    if not result.refusals_by_rule:
        return f"<p>{_e(_NO_REFUSAL.render(lang))}</p>"
    rows = "".join(
        f'<tr data-rule="{_e(rule_id)}"><td>{_e(rule_id)}</td><td>{_e(clauses.get(rule_id, ""))}'
        f'</td><td class="n">{_e(_n(n, lang))}</td></tr>'
        for rule_id, n in result.refusals_by_rule.items()
    )
    head = _head((_RULE.render(lang), False), (_CLAUSE.render(lang), False),
                 (_TIMES.render(lang), True))  # fmt: skip
    return f'<table data-table="refusals">{head}<tbody>{rows}</tbody></table>'


def _idle(result: Report, tree: OrganizationTree, lang: Lang) -> str:
    """The idle branches, grouped by their base organisation; base branches together."""
    if not result.idle_branches:
        return f"<p>{_e(_NO_IDLE.render(lang))}</p>"
    groups: dict[str | None, list[str]] = {}
    for code, name in result.idle_branches:
        try:
            base = tree.base_of(code)
        except InvalidInput:  # a branch under no base organisation: listed with the others
            base = None
        key = None if base is None or base.code == code else base.name
        # Under its base's heading, a name need not repeat the base ("Thôn 1, Xã A").
        groups.setdefault(key, []).append(name if key is None else name.removesuffix(f", {key}"))
    sections = []
    for key, names in groups.items():
        heading = _BASE_BRANCHES.render(lang) if key is None else key
        sections.append(
            f"<section><h3>{_e(heading)} ({_e(_n(len(names), lang))})</h3>"
            f"<p>{_e('; '.join(names))}</p></section>"
        )
    return f'<div class="idle" data-list="idle">{"".join(sections)}</div>'


def _ticks(top: float) -> list[int]:
    """Whole-number axis ticks from 0 past *top*, about five, on a 1-2-5 step."""
    if top <= 0:
        return [0, 1]
    rough = top / 5
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(int(step), 1)
    return list(range(0, math.ceil(top / step) * step + 1, step))


def _month_chart(months: Sequence[int], plan: int | None, lang: Lang) -> str:
    """
    Bars of the admitted each month with their numbers; lines of the cumulative and the plan.

    The y axis is labelled; the legend is below the drawing (a caption outside it), so
    that no word lies on the data.
    """
    width, height = 720, 300
    left, right, top, bottom = 56, 12, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / 12
    cumulative = [sum(months[: i + 1]) for i in range(len(months))]
    planned = [plan * (i + 1) / 12 for i in range(12)] if plan else []
    ticks = _ticks(max([*cumulative, *planned, *months, 0]))
    scale = plot_h / ticks[-1]
    base = top + plot_h

    def y(value: float) -> float:
        return round(base - value * scale, 1)

    out = [
        (
            '<figure data-figure-chart="months"><svg class="chart" data-chart="months" '
            f'viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">'
        ),
        (
            f'<rect data-part="plot" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" '
            'fill="#fafafa"/>'
        ),
    ]
    out.extend(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick)}" y2="{y(tick)}" '
        'stroke="#ddd" stroke-width="1"/>'
        f'<text data-part="tick" x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" '
        f'font-size="12">{_e(_n(tick, lang))}</text>'
        for tick in ticks
    )
    out.append(
        f'<text data-part="axis" transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="12">{_e(_AXIS.render(lang))}</text>'
    )
    for index in range(12):
        x = left + index * step
        out.append(
            f'<text data-part="month" x="{x + step / 2:.1f}" y="{height - 10}" '
            f'text-anchor="middle" font-size="12">'
            f"{_e(_MONTH.render(lang, {'m': index + 1}))}</text>"
        )
        if index < len(months):
            top_y = y(months[index])
            out.append(
                f'<rect data-part="bar" x="{x + 8:.1f}" y="{top_y}" width="{step - 16:.1f}" '
                f'height="{base - top_y:.1f}" fill="{_RED}">'
                f"<title>{_e(_n(months[index], lang))}</title></rect>"
            )
    lines = (
        (cumulative, _GREEN, "", "running"),
        (planned, _GREY, ' stroke-dasharray="6 4"', "plan"),
    )
    for values, colour, dash, name in lines:
        if values:
            points = " ".join(f"{left + (i + 0.5) * step:.1f},{y(v)}" for i, v in enumerate(values))
            out.append(
                f'<polyline data-line="{name}" points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}" stroke="#333"/>'
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{base}" stroke="#333"/>'
    )
    # The numbers last, on a white halo: a line passing by does not hide them.
    out.extend(
        f'<text data-part="value" x="{left + (index + 0.5) * step:.1f}" y="{y(n) - 4}" '
        'text-anchor="middle" font-size="12" font-weight="bold" paint-order="stroke" '
        f'stroke="#fff" stroke-width="3">{_e(_n(n, lang))}</text>'
        for index, n in enumerate(months)
    )
    out.append("</svg>")
    legend = [
        _key(f'<rect x="2" y="2" width="18" height="10" fill="{_RED}"/>', _BARS.render(lang)),
        _key(
            f'<line x1="0" x2="22" y1="7" y2="7" stroke="{_GREEN}" stroke-width="2.5"/>',
            _RUNNING.render(lang, {"n": sum(months)}),
        ),
        (
            _key(
                f'<line x1="0" x2="22" y1="7" y2="7" stroke="{_GREY}" stroke-width="2.5" '
                'stroke-dasharray="6 4"/>',
                _PLANNED.render(lang, {"n": plan}),
            )
            if plan
            else f"<span>{_e(_NO_PLAN_LINE.render(lang))}</span>"
        ),
    ]
    out.append(f'<figcaption class="legend">{"".join(legend)}</figcaption></figure>')
    return "".join(out)


def _key(swatch: str, words: str) -> str:
    """One entry of a legend: a small drawing of the mark, and what it stands for."""
    return (
        '<span><svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg">{swatch}</svg>{_e(words)}</span>'
    )


def _due_table(due: DueList, lang: Lang) -> str:
    items = [(True, item) for item in due.overdue] + [(False, item) for item in due.due]
    if not items:
        return f"<p>{_e(_NOTHING_DUE.render(lang))}</p>"
    rows = []
    for overdue, item in items[:_SHOWN]:
        mark = _OVERDUE.render(lang) if overdue else ""
        rows.append(
            f'<tr class="{"overdue" if overdue else "due"}"><td class="n">{_e(mark)}</td>'
            f"<td>{_e(item.text(lang))}</td></tr>"
        )
    more = len(items) - _SHOWN
    tail = f"<p>{_e(_MORE.render(lang, {'n': more}))}</p>" if more > 0 else ""
    return f'<table data-list="due">{"".join(rows)}</table>{tail}'
