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

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import NamedTuple, TypeVar

import attrs
import pendulum

from ketnap.deadlines import Deadline, DeadlineStatus, deadlines_for
from ketnap.errors import KetnapError
from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier, LateAct, Step

__all__ = ["Branch", "DueItem", "DueList", "DueProblem", "LateItem", "due_list"]

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
