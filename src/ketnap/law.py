"""
The law in force (*quy định hiện hành*): rule sets by date, the process, the calendar.

A `Law` answers what the texts say about a dossier on a date (which rule set is in
force, its policy, every rule an act would fail, the deadlines an act would miss, when
probation ends) and never changes a dossier. Deadlines, the planner, reminders, forms,
the report page and the derived facts read it; `ketnap.Workflow` is the engine that
moves dossiers by it.

>>> import pendulum
>>> from ketnap import Law
>>> law = Law()
>>> law.ruleset_for(pendulum.date(2024, 3, 1)).code
'24-QĐ/TW'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs
import pendulum

from ketnap._machine import mermaid
from ketnap.dates import WorkingCalendar, as_date
from ketnap.errors import InvalidInput, InvalidWorkflow, NoRegulationInForce
from ketnap.messages import Lang
from ketnap.model import Actor, Dossier, HistoryEntry, Sponsor
from ketnap.policy import Policy
from ketnap.process import ADMISSION, Process, Transition
from ketnap.rules._base import Context, Failure, Family, Period, Rule, Values
from ketnap.rules.authority import step_available
from ketnap.rules.regulations import REGULATIONS
from ketnap.rules.ruleset import RuleSet
from ketnap.terms import age_months, is_youth, probation_end

__all__ = ["Law", "blocking", "records_on"]


class Law:
    """
    The rule sets by date, the admission process and the working-day calendar.

    Args:
        regulations: the rule sets to choose from by the date of each act; a single
            `RuleSet` applies to every date. Defaults to the four shipped regulations.
        process: the admission process (`ketnap.ADMISSION` by default).
        calendar: the working-day calendar for deadlines.

    Raises:
        InvalidWorkflow: the rule sets' periods overlap, or none is given.
    """

    def __init__(
        self,
        regulations: Iterable[RuleSet] | RuleSet | None = None,
        *,
        process: Process = ADMISSION,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        if regulations is None:
            regulations = REGULATIONS.values()
        if isinstance(regulations, RuleSet):
            regulations = [attrs.evolve(regulations, effective=_ALWAYS)]
        self._regulations = tuple(sorted(regulations, key=_start))
        if not self._regulations:
            raise InvalidWorkflow("a workflow needs at least one rule set")
        for earlier, later in zip(self._regulations, self._regulations[1:], strict=False):
            if earlier.effective.end is None or (
                later.effective.start is not None and earlier.effective.end >= later.effective.start
            ):
                raise InvalidWorkflow(f"{earlier.code} and {later.code} overlap")
        if not isinstance(process, Process):
            raise InvalidWorkflow(f"process: expected a Process, got {type(process).__name__}")
        self._calendar = calendar or _default_calendar()
        self._process = process
        self._label = process.label

    def __repr__(self) -> str:
        codes = ", ".join(ruleset.code for ruleset in self._regulations)
        return f"Law([{codes}], process={self._process.name.render('en')!r})"

    @property
    def regulations(self) -> tuple[RuleSet, ...]:
        """The rule sets, oldest first."""
        return self._regulations

    @property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar."""
        return self._calendar

    @property
    def process(self) -> Process:
        """The admission process."""
        return self._process

    def mermaid(self, lang: Lang = "vi") -> str:
        """
        The process as a Mermaid state diagram, stages and steps labelled in *lang*.

        >>> print(Law().mermaid("en").splitlines()[1])
        Admission workflow
        """
        process = self._process
        return mermaid(
            process.transitions,
            initial=process.initial,
            labels=lambda code: process.text(code, lang),
            title=process.name.render(lang),
        )

    def using(self, ruleset: RuleSet) -> Law:
        """
        Return a law where *ruleset* takes the place of the set with its code or period.

        A deployment's variant of a regulation (``QD_294_2025.add(...).renamed("294+local")``)
        keeps the regulation's period, so it replaces the shipped set for those dates. A set
        with a new code and a new period is added; it must not overlap the others.
        """
        others = [
            rs
            for rs in self._regulations
            if rs.code != ruleset.code and rs.effective != ruleset.effective
        ]
        return Law([*others, ruleset], process=self._process, calendar=self._calendar)

    def ruleset_for(self, on: pendulum.Date) -> RuleSet:
        """
        Return the rule set in force on *on*.

        Raises:
            NoRegulationInForce: no set covers *on* (before 25 Jul 2016 with the shipped sets).
        """
        for ruleset in reversed(self._regulations):
            if ruleset.effective.contains(on):
                return ruleset
        raise NoRegulationInForce(on)

    def policy_for(self, on: pendulum.Date) -> Policy:
        """Return the policy of the rule set in force on *on*."""
        return self.ruleset_for(on).policy_on(on)

    def age_months(self, birth: pendulum.Date, on: pendulum.Date) -> int | None:
        """
        Return the age in months on *on*, counted as the policy in force that day says (A-04).

        The one reading of an age: the rules, the youth count and the statistics' age
        bands all ask here (or `ketnap.terms.age_months` with the same policy). None on a
        day no rule set of this law covers.

        >>> import pendulum
        >>> Law().age_months(pendulum.date(1993, 6, 21), pendulum.date(2024, 6, 20))
        372
        """
        policy = self._policy_or_none(on)
        return None if policy is None else age_months(birth, on, policy)

    def is_youth(self, birth: pendulum.Date, on: pendulum.Date) -> bool:
        """
        Whether a person born on *birth* is of youth age on *on* (C-10), by that day's policy.

        False on a day no rule set of this law covers.

        >>> import pendulum
        >>> Law().is_youth(pendulum.date(1993, 6, 21), pendulum.date(2024, 6, 20))
        False
        """
        policy = self._policy_or_none(on)
        return policy is not None and is_youth(birth, on, policy)

    def _policy_or_none(self, on: pendulum.Date) -> Policy | None:
        # A day no rule set covers (an adopted dossier decided before 2016) has no reading.
        try:
            return self.policy_for(on)
        except NoRegulationInForce:
            return None

    def steps_from(self, stage: str) -> tuple[Transition, ...]:
        """Return the process's rows that lead out of *stage*."""
        return self._process.steps_from(stage)

    def probation_end(self, dossier: Dossier) -> pendulum.Date | None:
        """
        Return the last day of *dossier*'s probation, by the policy in force at the ceremony.

        The ceremony is the act of the process's step tagged ``ceremony``
        (`ketnap.Process.ceremony_date`). None before the ceremony.
        """
        ceremony = self._process.ceremony_date(dossier)
        if ceremony is None:
            return None
        return probation_end(ceremony, self.policy_for(ceremony))

    def check(
        self, dossier: Dossier, step: str, *, on: pendulum.Date, actor: Actor
    ) -> tuple[Failure, ...]:
        """
        Return every rule that *step* would fail on *on*; empty when it would pass.

        Never raises for a refusal and never changes the dossier.

        Raises:
            InvalidInput: *on* is not a date or is before the candidate's birth, or the
                step or the dossier's stage is not in the process.
            NoRegulationInForce: no rule set covers *on*.
        """
        context, ruleset = self.prepare(dossier, step, on=on, actor=actor)
        return blocking(self.evaluate(context, ruleset))

    def lateness(
        self, dossier: Dossier, step: str, *, on: pendulum.Date, actor: Actor
    ) -> tuple[Failure, ...]:
        """
        Return the deadlines *step* on *on* would miss without being refused.

        Those of rules marked ``late`` (`ketnap.rules.Rule.late`): `ketnap.Workflow.advance`
        lets the act stand and records each as a `ketnap.LateAct` on the dossier.
        """
        context, ruleset = self.prepare(dossier, step, on=on, actor=actor)
        return tuple(f for f in self.evaluate(context, ruleset) if f.rule.late)

    def context(
        self,
        dossier: Dossier,
        step: str,
        *,
        on: pendulum.Date,
        actor: Actor,
        ruleset: RuleSet | None = None,
    ) -> Context:
        """
        Return what the rules of *step* would read on *on*, under *ruleset* or the one in force.

        For tools that evaluate rules themselves (the planner, the deadlines, a benchmark).
        The context's ``step`` is the code the rules know the step by
        (`ketnap.Process.rule_code`): ask ``ruleset.for_step(context.step)``.
        """
        return self._context(
            dossier, step, on=on, actor=actor, source=dossier.stage, ruleset=ruleset
        )

    def prepare(
        self, dossier: Dossier, step: object, *, on: object, actor: object
    ) -> tuple[Context, RuleSet]:
        """
        Validate an act and return its rules' context and the rule set in force on its date.

        Raises:
            InvalidInput: *on* is not a date or is before the candidate's birth, *actor* is
                not an actor, or the step or the dossier's stage is not in the process.
            NoRegulationInForce: no rule set covers *on*.
        """
        day = as_date(on, field="on")
        if day < dossier.candidate.birth_date:
            raise InvalidInput("on", f"{day} is before the candidate's birth date")
        who: Actor = Actor.parse(actor, field="actor")
        if not isinstance(step, str):
            raise InvalidInput("step", f"expected a step code, got {type(step).__name__}")
        process = self._process
        what = process.step(step).code
        process.stage(dossier.stage)
        ruleset = self.ruleset_for(day)
        return self.context(dossier, what, on=day, actor=who, ruleset=ruleset), ruleset

    @staticmethod
    def evaluate(context: Context, ruleset: RuleSet) -> tuple[Failure, ...]:
        """Every rule of *ruleset* for the context's step that fails, late ones included."""
        if context.target is None:
            failure = step_available.evaluate(context)
            return () if failure is None else (failure,)
        failures = []
        for rule in ruleset.for_step(context.step):
            failure = rule.evaluate(context)
            if failure is not None:
                failures.append(failure)
        return tuple(failures)

    def _context(
        self,
        dossier: Dossier,
        step: str,
        *,
        on: pendulum.Date,
        actor: Actor,
        source: str,
        ruleset: RuleSet | None,
    ) -> Context:
        process = self._process
        row = process.row(source, step)
        # Positional: a context is made for every step a deadline or a check reads.
        return Context(
            dossier,
            on,
            actor,
            process.rule_code(step),
            source,
            None if row is None else row.target,
            _NOBODY if row is None else row.actors,
            (ruleset or self.ruleset_for(on)).policy_on(on),
            self._calendar,
            process.available(source) if row is None else (),
            self._label,
            functools.partial(self._earlier, dossier, on),
            process=process,
        )

    def _earlier(
        self, dossier: Dossier, until: pendulum.Date, entry: HistoryEntry
    ) -> tuple[Context, tuple[Rule, ...]]:
        # The act as it was taken (date, step, stages, actor, regulation then in force), on
        # the records as they stood that day, plus the changes the texts allow since, each
        # judged on its own day: a sponsor replaced after the meeting (C-08, QĐ 24 §3.2.2)
        # by the sponsor rules on the day of the replacement's letter. Facts (a birth date,
        # a reason for leaving the Party) are read as they stand: a correction counts back.
        ruleset = self.ruleset_for(entry.on)
        context = self._context(
            records_on(dossier, entry.on), entry.step, on=entry.on, actor=entry.actor,
            source=entry.source, ruleset=ruleset,
        )  # fmt: skip
        rules = ruleset.for_step(self._process.rule_code(entry.step))
        since = tuple(
            self._context(
                records_on(dossier, day),
                entry.step,
                on=day,
                actor=entry.actor,
                source=entry.source,
                ruleset=None,
            )
            for day in _replacement_days(dossier, after=entry.on, until=until)
        )
        if since:
            rules = tuple(
                _also_since(rule, since) if rule.family is Family.SPONSOR else rule
                for rule in rules
            )
        return context, rules


def records_on(dossier: Dossier, day: pendulum.Date) -> Dossier:
    """
    Return *dossier*'s records as they stood on *day*, as far as the texts let them change.

    A sponsor who replaced another (C-08, QĐ 24 §3.2.2: the branch assigns another official
    member) with a letter dated after *day* was not yet in office: the sponsor they replace
    still was. Every other record is as it stands: facts corrected since (a birth
    date) count back to *day*, and dated records (votes, documents, certificates) are read
    by their dates by the rules themselves. The dossier itself is returned when nothing
    differs; never changed.
    """
    later = [sponsor for sponsor in dossier.sponsors if _replaced_after(sponsor, day)]
    if not later:
        return dossier
    kept = [sponsor for sponsor in dossier.sponsors if sponsor not in later]
    return attrs.evolve(dossier, sponsors=kept)


def _replaced_after(sponsor: Sponsor, day: pendulum.Date) -> bool:
    # A replacement is dated by its own letter (3-KNĐ): without one, it cannot be told
    # from a sponsor of the meeting, and is read as one.
    letter = sponsor.letter_dated
    return sponsor.replaces is not None and letter is not None and letter > day


def _replacement_days(
    dossier: Dossier, *, after: pendulum.Date, until: pendulum.Date
) -> list[pendulum.Date]:
    """The days, after *after* and by *until*, on which a sponsor was replaced (C-08)."""
    days = {
        sponsor.letter_dated
        for sponsor in dossier.sponsors
        if _replaced_after(sponsor, after)
        and sponsor.letter_dated is not None
        and sponsor.letter_dated <= until
    }
    return sorted(days)


def _also_since(rule: Rule, since: tuple[Context, ...]) -> Rule:
    """*rule*, holding on the act's own day and again on each later day of *since*."""

    def check(context: Context) -> Values | None:
        found = rule.check(context)
        if found is not None:
            return found
        for later in since:
            failure = rule.evaluate(later)
            if failure is not None:
                return failure.values
        return None

    return attrs.evolve(rule, check=check)


def blocking(failures: tuple[Failure, ...]) -> tuple[Failure, ...]:
    """The failures that refuse an act: a late act stands (`ketnap.rules.Rule.late`)."""
    return tuple(f for f in failures if not f.rule.late)


def _start(ruleset: RuleSet) -> pendulum.Date:
    return ruleset.effective.start or pendulum.Date(1, 1, 1)


_ALWAYS = Period()
_NOBODY: frozenset[Actor] = frozenset()


@functools.cache
def _default_calendar() -> WorkingCalendar:
    """One shared default calendar, so its working-day table is built once per process."""
    return WorkingCalendar()
