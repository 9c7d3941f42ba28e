"""
The earliest-date planner (lập kế hoạch): when can a dossier's next step pass?

The planner asks the rules of the rule set in force: each time-bound rule guarding the
step declares the windows in which it holds (`ketnap.rules.Window`), for the dossier as
it stands. The earliest date the step could pass is the latest of the first days, and
the window closes at the earliest of the last days. A rule that fails on that date and
declares no window is reported as *not planned*: time alone will not tell when it holds.
A rule added or replaced in the rule set is planned by its own window, never by a copy.

>>> import attrs, pendulum
>>> from ketnap import Workflow, Stage
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PREPARED)
>>> dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.date(2006, 9, 20))
>>> plan(workflow.law, dossier, on=pendulum.date(2024, 3, 12)).earliest
Date(2024, 9, 1)
"""

from __future__ import annotations

import attrs
import pendulum

from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier, Step
from ketnap.rules import Context, Failure, RuleSet

__all__ = ["Plan", "Requirement", "plan", "requirements"]

_NEVER = pendulum.Date(9999, 12, 31)


@attrs.frozen(kw_only=True)
class Requirement:
    """
    A time-bound requirement of a step: a rule's window for this dossier.

    Attributes:
        rule_id: the rule that declares it.
        message: what holds, in words.
        holds_from: the first day it holds; None if it holds from the start.
        holds_until: the last day it holds; None if it never stops holding.
        never: it cannot hold on any date (e.g. a record that is not cleared).
    """

    rule_id: str
    message: Message
    holds_from: pendulum.Date | None = None
    holds_until: pendulum.Date | None = None
    never: bool = False

    def text(self, lang: Lang = "vi") -> str:
        """One line: what, from when, until when."""
        if self.never:
            return _NEVER_TEXT.render(lang, {"what": self.message})
        values = {
            "what": self.message,
            "start": self.holds_from or "—",
            "end": self.holds_until or "—",
            "rule": self.rule_id,
        }
        return _WINDOW_TEXT.render(lang, values)

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The requirement as JSON-compatible data."""
        return {
            "rule": self.rule_id,
            "message": self.message.render(lang),
            "holds_from": _iso(self.holds_from),
            "holds_until": _iso(self.holds_until),
            "never": self.never,
        }


def _iso(day: pendulum.Date | None) -> str | None:
    return None if day is None else day.isoformat()


_NEVER_TEXT = Message(vi="{what}: không thể đáp ứng", en="{what}: cannot hold")
_WINDOW_TEXT = Message(vi="{what}: {start} → {end} [{rule}]", en="{what}: {start} → {end} [{rule}]")


@attrs.frozen(kw_only=True)
class Plan:
    """
    When a step could pass, as far as time is concerned.

    Attributes:
        step: the code of the step planned.
        on: the date the plan was made.
        regulation: the rule set the plan used (the one in force on `earliest`).
        requirements: each time-bound requirement with its window.
        earliest: the soonest date, on or after *on*, on which every requirement holds;
            None if there is no such date.
        latest: the last date on which they all still hold; None if open-ended.
        not_planned: the rules that fail on `earliest` and declare no window (education,
            a missing document, the vote taken at the meeting itself): time alone will not
            make them hold, so the plan cannot say when they will.
    """

    step: str
    on: pendulum.Date
    regulation: str
    requirements: tuple[Requirement, ...]
    earliest: pendulum.Date | None
    latest: pendulum.Date | None
    not_planned: tuple[Failure, ...] = ()

    @property
    def limiting(self) -> Requirement | None:
        """The requirement that holds last, which sets `earliest`."""
        starts = [r for r in self.requirements if r.holds_from is not None]
        return max(starts, key=lambda r: r.holds_from or _NEVER) if starts else None

    @property
    def closing(self) -> Requirement | None:
        """The requirement that stops holding first, which sets `latest`."""
        ends = [r for r in self.requirements if r.holds_until is not None]
        return min(ends, key=lambda r: r.holds_until or _NEVER) if ends else None

    @property
    def blocking(self) -> tuple[Requirement, ...]:
        """
        The requirements that rule out every date.

        One that never holds, or the two whose windows do not meet; empty while
        `earliest` is a date.
        """
        if self.earliest is not None:
            return ()
        never = tuple(r for r in self.requirements if r.never)
        if never:
            return never
        return tuple(r for r in (self.limiting, self.closing) if r is not None)

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The plan as JSON-compatible data; *lang* for the words."""
        return {
            "step": str(self.step),
            "on": self.on.isoformat(),
            "regulation": self.regulation,
            "earliest": _iso(self.earliest),
            "latest": _iso(self.latest),
            "requirements": [r.to_data(lang) for r in self.requirements],
            "not_planned": [
                {"rule": f.rule_id, "message": f.message(lang)} for f in self.not_planned
            ],
        }

    def text(self, lang: Lang = "vi") -> str:
        """A short report."""
        if self.earliest is None:
            head = _NO_DATE.render(lang, {"regulation": self.regulation})
        elif self.latest is None:
            head = _EARLIEST.render(
                lang, {"earliest": self.earliest, "regulation": self.regulation}
            )
        else:
            head = _WINDOW.render(
                lang,
                {"earliest": self.earliest, "latest": self.latest, "regulation": self.regulation},
            )
        lines = [head]
        lines += [f"  - {r.text(lang)}" for r in self.requirements]
        lines += [
            f"  ! {_NOT_PLANNED.render(lang, {'what': f.text(lang)})}" for f in self.not_planned
        ]
        return "\n".join(lines)


_NO_DATE = Message(
    vi="Không có ngày nào đáp ứng mọi điều kiện thời gian ({regulation})",
    en="No date meets every time-bound requirement ({regulation})",
)
_EARLIEST = Message(
    vi="Sớm nhất: {earliest} ({regulation})", en="Earliest: {earliest} ({regulation})"
)
_WINDOW = Message(
    vi="Sớm nhất: {earliest}, muộn nhất: {latest} ({regulation})",
    en="Earliest: {earliest}, latest: {latest} ({regulation})",
)
_NOT_PLANNED = Message(vi="chưa lập kế hoạch được: {what}", en="not planned: {what}")


def requirements(ruleset: RuleSet, context: Context) -> tuple[Requirement, ...]:
    """The windows of the time-bound rules of *ruleset* that guard the step in *context*."""
    found: list[Requirement] = []
    for rule in ruleset.for_step(context.step):
        if rule.window is None or not rule.effective.contains(context.on):
            continue
        found.extend(
            Requirement(
                rule_id=rule.id,
                message=window.label,
                holds_from=window.holds_from,
                holds_until=window.holds_until,
                never=window.never,
            )
            for window in rule.window(context)
        )
    return tuple(found)


def plan(
    law: Law,
    dossier: Dossier,
    step: str = Step.PROPOSE_ADMISSION,
    *,
    on: pendulum.Date,
    actor: Actor | None = None,
) -> Plan:
    """
    Plan the earliest date on or after *on* on which *step* could pass, as far as time goes.

    The windows are read again on the date found, under the rule set in force then (a new
    regulation in between, a record dated after *on*), until the date no longer moves.

    Args:
        law: the law whose rules, process and calendar apply.
        dossier: the dossier; not changed.
        step: the code of the step to plan, the branch's admission proposal by default.
        on: the date the plan is made; no earlier date is proposed.
        actor: who will act; defaults to the first actor the process names.
    """
    row = law.process.row(dossier.stage, step)
    who = actor or (min(row.actors) if row else Actor.BRANCH)
    day = on
    earliest: pendulum.Date | None = None
    latest: pendulum.Date | None = None
    found: tuple[Requirement, ...] = ()
    ruleset = law.ruleset_for(day)
    # Each pass can only move the date later; the number of regulations and records
    # bounds how often that can happen, and a few passes always settle it.
    for _ in range(len(law.regulations) + 8):
        ruleset = law.ruleset_for(day)
        context = law.context(dossier, step, on=day, actor=who, ruleset=ruleset)
        found = requirements(ruleset, context)
        starts = [r.holds_from for r in found if r.holds_from is not None]
        ends = [r.holds_until for r in found if r.holds_until is not None]
        earliest = max([on, *starts])
        latest = min(ends) if ends else None
        if any(r.never for r in found) or (latest is not None and earliest > latest):
            earliest = None
            break
        if earliest == day:
            break
        day = earliest
    not_planned: tuple[Failure, ...] = ()
    if earliest is not None:
        not_planned = tuple(
            failure
            for failure in law.check(dossier, step, on=earliest, actor=who)
            if failure.rule.window is None
        )
    return Plan(
        step=step,
        on=on,
        regulation=ruleset.code,
        requirements=found,
        earliest=earliest,
        latest=latest,
        not_planned=not_planned,
    )
