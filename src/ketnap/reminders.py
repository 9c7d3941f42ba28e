"""
Due lists (danh sách đến hạn): what is due soon and what is overdue, across dossiers.

Usable as a reminder feed: group by organisation or by who must act, and render each
item in Vietnamese or English.

>>> import pendulum
>>> from ketnap import Workflow, Stage
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> feed = due_list([dossier], on=pendulum.date(2024, 5, 27), within=15, law=workflow.law)
>>> [(item.deadline.rule_id, item.working_days_left) for item in feed.due]
[('timing.decision_deadline', 9)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import Final, NamedTuple, TypeVar

import attrs
import pendulum

from ketnap.deadlines import Deadline, DeadlineStatus, deadlines_for
from ketnap.errors import KetnapError
from ketnap.inputs import csv_text, escape_formula
from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier, LateAct, Step

__all__ = ["COLUMNS", "Branch", "DueItem", "DueList", "DueProblem", "LateItem", "due_list"]

_K = TypeVar("_K", bound=Hashable)


@attrs.frozen
class DueItem:
    """A deadline with the working days left on the report date (negative when overdue)."""

    deadline: Deadline
    working_days_left: int

    def text(self, lang: Lang = "vi") -> str:
        """One line for a reminder feed."""
        days = self.working_days_left
        left = (_LEFT if days >= 0 else _LATE).render(lang, {"days": abs(days)})
        return f"{self.deadline.text(lang)} · {left}"

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The item as JSON-compatible data: its deadline, the working days left, its line."""
        return {
            **self.deadline.to_data(lang),
            "working_days_left": self.working_days_left,
            "text": self.text(lang),
        }


_LEFT = Message(vi="còn {days} ngày làm việc", en="{days} working days left")
_LATE = Message(vi="quá {days} ngày làm việc", en="{days} working days late")


@attrs.frozen
class DueProblem:
    """
    A dossier whose deadlines could not be computed (a date outside the calendar, say).

    One such dossier does not stop the list: it is reported here and the others go on.
    """

    dossier_id: str
    organization: str
    organization_code: str | None
    error: KetnapError

    def text(self, lang: Lang = "vi") -> str:
        """One line for a reminder feed."""
        return _PROBLEM.render(lang, {"id": self.dossier_id, "error": str(self.error)})

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The problem as JSON-compatible data."""
        return {
            "dossier": self.dossier_id,
            "organization": self.organization,
            "organization_code": self.organization_code,
            "error": str(self.error),
            "text": self.text(lang),
        }


_PROBLEM = Message(
    vi="{id} · không tính được thời hạn: {error}", en="{id} · deadlines not computed: {error}"
)


@attrs.frozen
class LateItem:
    """An act recorded as late (`ketnap.LateAct`) on a listed dossier, with its delay."""

    dossier_id: str
    organization: str
    organization_code: str | None
    act: LateAct
    working_days_late: int

    def text(self, lang: Lang = "vi") -> str:
        """One line for a reminder feed: what was late, by how much, and who answers."""
        step = self.act.step
        return _LATE_ACT.render(
            lang,
            {
                "id": self.dossier_id,
                "what": Step(step) if step in _SHIPPED_STEPS else step,
                "days": self.working_days_late,
                "due": self.act.due,
                "on": self.act.on,
                "who": self.act.answerable,
            },
        )

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The late act as JSON-compatible data."""
        return {
            "dossier": self.dossier_id,
            "organization": self.organization,
            "organization_code": self.organization_code,
            "step": str(self.act.step),
            "on": self.act.on.isoformat(),
            "due": self.act.due.isoformat(),
            "answerable": self.act.answerable.value,
            "rule": self.act.rule_id,
            "working_days_late": self.working_days_late,
            "text": self.text(lang),
        }


_SHIPPED_STEPS = frozenset(Step)
_LATE_ACT = Message(
    vi="{id} · {what} quá hạn {days} ngày làm việc (hạn {due}, thực hiện {on}) · "
    "{who} kiểm điểm trách nhiệm",
    en="{id} · {what} {days} working days late (due {due}, done {on}) · {who} answers for it",
)


@attrs.frozen
class DueList:
    """
    The deadlines due within *within* working days of *on*, and those already missed.

    Attributes:
        on: the report date.
        within: the horizon in working days.
        due: pending deadlines due on or before the horizon, soonest first.
        overdue: missed deadlines on which nobody has acted yet, oldest first.
        problems: dossiers whose deadlines could not be computed, in the order met.
        late: acts of the listed dossiers done late within the *within* working days up
            to *on*: they stand, and the body named answers for them (QĐ §4.3.1).
    """

    on: pendulum.Date
    within: int
    due: tuple[DueItem, ...]
    overdue: tuple[DueItem, ...]
    problems: tuple[DueProblem, ...] = ()
    late: tuple[LateItem, ...] = ()

    def by_organization(self) -> dict[Branch, DueList]:
        """
        Split the list by branch, in order of name then code.

        Branches are told apart by code: two communes' "Thôn 1" are two groups.
        """
        grouped = self._group(
            lambda item: Branch(item.deadline.organization, item.deadline.organization_code),
            problems=lambda problem: Branch(problem.organization, problem.organization_code),
            late=lambda item: Branch(item.organization, item.organization_code),
        )
        return dict(sorted(grouped.items(), key=lambda pair: (pair[0].name, pair[0].code or "")))

    def by_actor(self) -> dict[Actor | None, DueList]:
        """Split the list by who must act (problems are left out: nobody is known)."""
        grouped = self._group(lambda item: item.deadline.actor)
        return dict(sorted(grouped.items(), key=lambda pair: str(pair[0])))

    def _group(
        self,
        key: Callable[[DueItem], _K],
        problems: Callable[[DueProblem], _K] | None = None,
        late: Callable[[LateItem], _K] | None = None,
    ) -> dict[_K, DueList]:
        # One pass over the items: grouping stays linear in the number of branches.
        due: dict[_K, list[DueItem]] = {}
        overdue: dict[_K, list[DueItem]] = {}
        failed: dict[_K, list[DueProblem]] = {}
        delayed: dict[_K, list[LateItem]] = {}
        for item in self.due:
            due.setdefault(key(item), []).append(item)
        for item in self.overdue:
            overdue.setdefault(key(item), []).append(item)
        if problems is not None:
            for problem in self.problems:
                failed.setdefault(problems(problem), []).append(problem)
        if late is not None:
            for done in self.late:
                delayed.setdefault(late(done), []).append(done)
        return {
            k: attrs.evolve(
                self,
                due=tuple(due.get(k, ())),
                overdue=tuple(overdue.get(k, ())),
                problems=tuple(failed.get(k, ())),
                late=tuple(delayed.get(k, ())),
            )
            for k in {**due, **overdue, **failed, **delayed}
        }

    def __len__(self) -> int:
        return len(self.due) + len(self.overdue)

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """
        The list as JSON-compatible data; *lang* for the words of each line.

        >>> import pendulum
        >>> DueList(on=pendulum.date(2024, 5, 27), within=15, due=(), overdue=()).to_data()
        {'on': '2024-05-27', 'within': 15, 'due': [], 'overdue': [], 'problems': [], 'late': []}
        """
        return {
            "on": self.on.isoformat(),
            "within": self.within,
            "due": [item.to_data(lang) for item in self.due],
            "overdue": [item.to_data(lang) for item in self.overdue],
            "problems": [problem.to_data(lang) for problem in self.problems],
            "late": [item.to_data(lang) for item in self.late],
        }

    def rows(self, lang: Lang = "vi") -> list[tuple[object, ...]]:
        """
        One row per line of the list, by branch (`by_organization`), in `COLUMNS` order.

        In each branch: the overdue, the due, the late acts, then the problems. ``kind``
        is ``overdue``, ``due``, ``late`` or ``problem``; ``due`` is the deadline (a date);
        ``working_days_left`` is negative when late; ``actor`` is who must act (who
        answers, for a late act); ``text`` is the line in *lang*. A problem fills only
        its branch, dossier and text.
        """
        out: list[tuple[object, ...]] = []
        for branch, part in self.by_organization().items():
            where = (branch.code or "", branch.name)
            out += [_deadline_row("overdue", where, item, lang) for item in part.overdue]
            out += [_deadline_row("due", where, item, lang) for item in part.due]
            out += [_late_row(where, late, lang) for late in part.late]
            out += [_problem_row(where, problem, lang) for problem in part.problems]
        return out

    def to_csv(self, lang: Lang = "vi") -> str:
        """
        The list as CSV: a header of `COLUMNS` (stable English names), then `rows`.

        Dates are written as ``YYYY-MM-DD``. The text starts with a byte-order mark, so
        that Excel reads it as UTF-8, and every field is escaped as every writer escapes
        it (`ketnap.inputs.csv_text`).
        """
        rows = ([_csv_cell(cell) for cell in row] for row in self.rows(lang))
        return csv_text([COLUMNS, *rows])

    def write_xlsx(self, path: Path, lang: Lang = "vi") -> Path:
        """
        Write the list as a one-sheet .xlsx workbook; return *path*.

        A title (the date and the horizon), the columns' names in *lang*, then `rows`:
        dates are date cells shown as dd/mm/yyyy, kinds and who acts in words of *lang*.
        """
        import openpyxl  # noqa: PLC0415 - only .xlsx users pay for importing it
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(_SHEET.render(lang))
        sheet.append([_TITLE.render(lang, {"on": self.on, "within": self.within})])
        sheet.append([_HEADINGS[column].render(lang) for column in COLUMNS])
        for row in self.rows(lang):
            cells: list[object] = []
            for column, value in zip(COLUMNS, row, strict=True):
                if isinstance(value, pendulum.Date):
                    day = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a day
                    cell = WriteOnlyCell(sheet, value=day)
                    cell.number_format = "dd/mm/yyyy"
                    cells.append(cell)
                elif column == "kind":
                    cells.append(_KINDS[str(value)].render(lang))
                elif column == "actor" and value:
                    cells.append(Actor(str(value)).message.render(lang))
                else:
                    cells.append(escape_formula(value))
            sheet.append(cells)
        workbook.save(path)
        return path


COLUMNS: Final = (
    "kind",
    "organization_code",
    "organization",
    "dossier",
    "rule",
    "step",
    "due",
    "working_days_left",
    "actor",
    "text",
)
"""The columns of a due list's CSV and workbook (`DueList.rows`), by their stable names."""

_HEADINGS: Final = {
    "kind": Message(vi="Loại", en="Kind"),
    "organization_code": Message(vi="Mã chi bộ", en="Branch code"),
    "organization": Message(vi="Chi bộ", en="Branch"),
    "dossier": Message(vi="Hồ sơ", en="Dossier"),
    "rule": Message(vi="Quy tắc", en="Rule"),
    "step": Message(vi="Bước", en="Step"),
    "due": Message(vi="Hạn", en="Due"),
    "working_days_left": Message(vi="Số ngày làm việc còn lại", en="Working days left"),
    "actor": Message(vi="Cấp thực hiện", en="Who acts"),
    "text": Message(vi="Nội dung", en="Line"),
}
_KINDS: Final = {
    "overdue": Message(vi="Quá hạn", en="Overdue"),
    "due": Message(vi="Đến hạn", en="Due"),
    "late": Message(vi="Đã làm quá hạn", en="Done late"),
    "problem": Message(vi="Không tính được thời hạn", en="Deadlines not computed"),
}
_SHEET = Message(vi="Đến hạn", en="Due")
_TITLE = Message(
    vi="Việc đến hạn và quá hạn ngày {on} (trong {within} ngày làm việc)",
    en="Due and overdue on {on} (within {within} working days)",
)


def _deadline_row(
    kind: str, where: tuple[str, str], item: DueItem, lang: Lang
) -> tuple[object, ...]:
    deadline = item.deadline
    actor = "" if deadline.actor is None else deadline.actor.value
    return (kind, *where, deadline.dossier_id, deadline.rule_id, str(deadline.step),
            deadline.due, item.working_days_left, actor, item.text(lang))  # fmt: skip


def _late_row(where: tuple[str, str], late: LateItem, lang: Lang) -> tuple[object, ...]:
    act = late.act
    return ("late", *where, late.dossier_id, act.rule_id, str(act.step), act.due,
            -late.working_days_late, act.answerable.value, late.text(lang))  # fmt: skip


def _problem_row(where: tuple[str, str], problem: DueProblem, lang: Lang) -> tuple[object, ...]:
    return ("problem", *where, problem.dossier_id, "", "", None, None, "", problem.text(lang))


def _csv_cell(value: object) -> object:
    """A field of the CSV: a date as YYYY-MM-DD, nothing as an empty field."""
    if isinstance(value, pendulum.Date):
        return value.isoformat()
    return "" if value is None else value


class Branch(NamedTuple):
    """A branch as a due list groups it: its name for people, its code to tell it apart."""

    name: str
    code: str | None

    def __str__(self) -> str:
        return self.name if self.code is None else f"{self.name} ({self.code})"


def due_list(dossiers: Iterable[Dossier], *, on: pendulum.Date, within: int, law: Law) -> DueList:
    """
    Return what is due within *within* working days of *on*, and what is overdue.

    Only deadlines on which someone must still act are listed (not a waiting time, such
    as the end of probation, which simply arrives). A dossier whose deadlines cannot be
    computed is listed in `DueList.problems`, and the others go on.
    """
    calendar = law.calendar
    horizon = calendar.add_working_days(on, within)
    due: list[DueItem] = []
    overdue: list[DueItem] = []
    problems: list[DueProblem] = []
    late: list[LateItem] = []
    for dossier in dossiers:
        try:
            items = list(_items(dossier, on, horizon, law))
            late += _late_items(dossier, on, within, law)
        except KetnapError as error:
            organization = dossier.organization
            problems.append(DueProblem(dossier.id, organization.name, organization.code, error))
            continue
        for item in items:
            missed = item.deadline.status is DeadlineStatus.MISSED
            (overdue if missed else due).append(item)
    return DueList(
        on=on,
        within=within,
        due=tuple(sorted(due, key=lambda i: (i.deadline.due, i.deadline.dossier_id))),
        overdue=tuple(sorted(overdue, key=lambda i: (i.deadline.due, i.deadline.dossier_id))),
        problems=tuple(problems),
        late=tuple(sorted(late, key=lambda i: (i.act.on, i.dossier_id))),
    )


def _items(
    dossier: Dossier, on: pendulum.Date, horizon: pendulum.Date, law: Law
) -> Iterator[DueItem]:
    calendar = law.calendar
    for deadline in deadlines_for(dossier, on=on, law=law):
        if not deadline.is_open:
            continue
        if deadline.status is DeadlineStatus.MISSED:
            yield DueItem(deadline, -calendar.working_days_between(deadline.due, on))
        elif deadline.status is DeadlineStatus.PENDING and deadline.due <= horizon:
            yield DueItem(deadline, calendar.working_days_between(on, deadline.due))


def _late_items(dossier: Dossier, on: pendulum.Date, within: int, law: Law) -> list[LateItem]:
    calendar = law.calendar
    organization = dossier.organization
    return [
        LateItem(
            dossier.id,
            organization.name,
            organization.code,
            act,
            calendar.working_days_between(act.due, act.on),
        )
        for act in dossier.late_acts
        if act.on <= on and calendar.working_days_between(act.on, on) <= within
    ]
