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
>>> feed = due_list([dossier], on=pendulum.date(2024, 5, 27), within=15, workflow=workflow)
>>> [(item.deadline.rule_id, item.working_days_left) for item in feed.due]
[('timing.decision_deadline', 9)]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import attrs
import pendulum

from ketnap.deadlines import Deadline, DeadlineStatus, deadlines_for
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier
from ketnap.workflow import Workflow

__all__ = ["DueItem", "DueList", "due_list"]

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


_LEFT = Message(vi="còn {days} ngày làm việc", en="{days} working days left")
_LATE = Message(vi="quá {days} ngày làm việc", en="{days} working days late")


@attrs.frozen
class DueList:
    """
    The deadlines due within *within* working days of *on*, and those already missed.

    Attributes:
        on: the report date.
        within: the horizon in working days.
        due: pending deadlines due on or before the horizon, soonest first.
        overdue: missed deadlines on which nobody has acted yet, oldest first.
    """

    on: pendulum.Date
    within: int
    due: tuple[DueItem, ...]
    overdue: tuple[DueItem, ...]

    def by_organization(self) -> dict[str, DueList]:
        """Split the list by branch, in name order."""
        return self._group(lambda item: item.deadline.organization)

    def by_actor(self) -> dict[Actor | None, DueList]:
        """Split the list by who must act."""
        return self._group(lambda item: item.deadline.actor)

    def _group(self, key: Callable[[DueItem], _K]) -> dict[_K, DueList]:
        keys = sorted({key(i) for i in (*self.due, *self.overdue)}, key=str)
        return {
            k: attrs.evolve(
                self,
                due=tuple(i for i in self.due if key(i) == k),
                overdue=tuple(i for i in self.overdue if key(i) == k),
            )
            for k in keys
        }

    def __len__(self) -> int:
        return len(self.due) + len(self.overdue)


def due_list(
    dossiers: Iterable[Dossier], *, on: pendulum.Date, within: int, workflow: Workflow
) -> DueList:
    """
    Return what is due within *within* working days of *on*, and what is overdue.

    Only deadlines on which someone must still act are listed (not a waiting time, such
    as the end of probation, which simply arrives).
    """
    calendar = workflow.calendar
    horizon = calendar.add_working_days(on, within)
    due: list[DueItem] = []
    overdue: list[DueItem] = []
    for dossier in dossiers:
        for deadline in deadlines_for(dossier, on=on, workflow=workflow):
            if not deadline.is_open:
                continue
            if deadline.status is DeadlineStatus.MISSED:
                late = calendar.working_days_between(deadline.due, on)
                overdue.append(DueItem(deadline, -late))
            elif deadline.status is DeadlineStatus.PENDING and deadline.due <= horizon:
                left = calendar.working_days_between(on, deadline.due)
                due.append(DueItem(deadline, left))
    return DueList(
        on=on,
        within=within,
        due=tuple(sorted(due, key=lambda i: (i.deadline.due, i.deadline.dossier_id))),
        overdue=tuple(sorted(overdue, key=lambda i: (i.deadline.due, i.deadline.dossier_id))),
    )
