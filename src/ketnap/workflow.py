"""
The admission workflow: the stage table and the `Workflow` that checks and advances dossiers.

>>> import pendulum
>>> from ketnap import Workflow, Step, Actor
>>> workflow = Workflow()
>>> workflow.ruleset_for(pendulum.date(2024, 3, 1)).code
'24-QĐ/TW'
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs
import pendulum

from ketnap._machine import Carrier, Engine, mermaid
from ketnap.dates import WorkingCalendar, as_date
from ketnap.errors import InvalidInput, InvalidWorkflow, NoRegulationInForce, TransitionRefused
from ketnap.integrity import anchor
from ketnap.messages import Lang
from ketnap.model import Actor, Dossier, HistoryEntry, Stage, Step
from ketnap.rules._base import Context, Failure, Period
from ketnap.rules.authority import step_available
from ketnap.rules.regulations import REGULATIONS
from ketnap.rules.ruleset import RuleSet

__all__ = ["TRANSITIONS", "Transition", "Workflow"]


def _actor_set(actors: Iterable[Actor]) -> frozenset[Actor]:
    return frozenset(actors)


@attrs.frozen
class Transition:
    """One row of the stage table: *step* leads from *source* to *target*, fired by *actors*."""

    step: Step
    source: Stage
    target: Stage
    actors: frozenset[Actor] = attrs.field(converter=_actor_set)


_B, _BC, _CC = Actor.BRANCH, Actor.BASE_COMMITTEE, Actor.COMPETENT_COMMITTEE
_PRE_DECISION = (Stage.SOURCE_POOL, Stage.TRAINED, Stage.PREPARED, Stage.PROPOSED, Stage.ENDORSED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.COMPLETE_TRAINING, Stage.SOURCE_POOL, Stage.TRAINED, {_B, _BC}),
    Transition(Step.ASSIGN_SPONSORS, Stage.TRAINED, Stage.PREPARED, {_B}),
    Transition(Step.PROPOSE_ADMISSION, Stage.PREPARED, Stage.PROPOSED, {_B}),
    Transition(Step.ENDORSE, Stage.PROPOSED, Stage.ENDORSED, {_BC}),
    Transition(Step.DECIDE_ADMISSION, Stage.PROPOSED, Stage.ADMITTED, {_CC}),
    Transition(Step.DECIDE_ADMISSION, Stage.ENDORSED, Stage.ADMITTED, {_CC}),
    Transition(Step.HOLD_CEREMONY, Stage.ADMITTED, Stage.PROBATION, {_B}),
    Transition(Step.PROPOSE_RECOGNITION, Stage.PROBATION, Stage.RECOGNITION_PROPOSED, {_B}),
    Transition(Step.ESCALATE, Stage.PROBATION, Stage.ESCALATED, {_B}),
    Transition(Step.RECOGNIZE, Stage.RECOGNITION_PROPOSED, Stage.FULL_MEMBER, {_CC}),
    Transition(Step.RECOGNIZE, Stage.ESCALATED, Stage.FULL_MEMBER, {_CC}),
    Transition(Step.ISSUE_CARD, Stage.FULL_MEMBER, Stage.CARD_ISSUED, {_CC}),
    Transition(Step.REFUSE, Stage.PREPARED, Stage.REFUSED, {_B}),
    Transition(Step.REFUSE, Stage.PROPOSED, Stage.REFUSED, {_BC, _CC}),
    Transition(Step.REFUSE, Stage.ENDORSED, Stage.REFUSED, {_CC}),
    *(Transition(Step.WITHDRAW, stage, Stage.WITHDRAWN, {_B}) for stage in _PRE_DECISION),
    Transition(Step.REMOVE, Stage.PROBATION, Stage.REMOVED, {_CC}),
    Transition(Step.REMOVE, Stage.RECOGNITION_PROPOSED, Stage.REMOVED, {_CC}),
    Transition(Step.REMOVE, Stage.ESCALATED, Stage.REMOVED, {_CC}),
)
"""
The admission path (Charter Art. 4-5). There is no probation extension (I-08):
probation ends in recognition, referral upward (F-09) or removal.
"""


def _index(table: Iterable[Transition]) -> Mapping[tuple[Stage, Step], Transition]:
    index: dict[tuple[Stage, Step], Transition] = {}
    for row in table:
        key = (row.source, row.step)
        if key in index:
            raise InvalidWorkflow(f"two rows for step {row.step.value} from {row.source.value}")
        if row.source.is_final:
            raise InvalidWorkflow(f"final stage {row.source.value} has an outgoing step")
        if not row.actors:
            raise InvalidWorkflow(f"step {row.step.value} from {row.source.value} has no actor")
        index[key] = row
    reachable = {Stage.SOURCE_POOL}
    queue = deque(reachable)
    while queue:
        stage = queue.popleft()
        for (source, _step), row in index.items():
            if source is stage and row.target not in reachable:
                reachable.add(row.target)
                queue.append(row.target)
    unreachable = set(Stage) - reachable
    if unreachable:
        names = ", ".join(sorted(s.value for s in unreachable))
        raise InvalidWorkflow(f"stages unreachable from source_pool: {names}")
    dead_ends = {s for s in reachable if not s.is_final} - {source for source, _ in index}
    if dead_ends:
        names = ", ".join(sorted(s.value for s in dead_ends))
        raise InvalidWorkflow(f"stages with no way out: {names}")
    return MappingProxyType(index)


class _Attempt(Carrier):
    """What the engine's guard needs to decide one step, and what it found."""

    __slots__ = ("context", "failures", "ruleset")

    def __init__(self, context: Context, ruleset: RuleSet) -> None:
        super().__init__(context.source)
        self.context = context
        self.ruleset = ruleset
        self.failures: tuple[Failure, ...] = ()


class Workflow:
    """
    Checks and advances dossiers through the admission path, by the rules in force.

    Args:
        regulations: the rule sets to choose from by the date of each act; a single
            `RuleSet` applies to every date. Defaults to the four shipped regulations.
        calendar: the working-day calendar for deadlines.
        transitions: the stage table, for an organisation with another admission process.

    Raises:
        InvalidWorkflow: the table or the rule sets' periods cannot work.
    """

    def __init__(
        self,
        regulations: Iterable[RuleSet] | RuleSet | None = None,
        *,
        calendar: WorkingCalendar | None = None,
        transitions: Iterable[Transition] = TRANSITIONS,
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
        self._calendar = calendar or _default_calendar()
        self._transitions = tuple(transitions)
        self._index = _index(self._transitions)
        self._engine = Engine(self._transitions, self._guard)

    @property
    def regulations(self) -> tuple[RuleSet, ...]:
        """The rule sets, oldest first."""
        return self._regulations

    @property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar."""
        return self._calendar

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """The stage table."""
        return self._transitions

    def mermaid(self, lang: Lang = "vi") -> str:
        """
        The stage table as a Mermaid state diagram, stages and steps labelled in *lang*.

        >>> print(Workflow().mermaid("en").splitlines()[1])
        Admission workflow
        """
        labels: dict[str, str] = {
            **{stage.value: stage.text(lang) for stage in Stage},
            **{step.value: step.text(lang) for step in Step},
        }
        title = "Quy trình kết nạp đảng viên" if lang == "vi" else "Admission workflow"
        return mermaid(self._transitions, labels=labels.__getitem__, title=title)

    def using(self, ruleset: RuleSet) -> Workflow:
        """
        Return a workflow where *ruleset* takes the place of the set with its code or period.

        A deployment's variant of a regulation (``QD_294_2025.add(...).renamed("294+local")``)
        keeps the regulation's period, so it replaces the shipped set for those dates. A set
        with a new code and a new period is added; it must not overlap the others.
        """
        others = [
            rs
            for rs in self._regulations
            if rs.code != ruleset.code and rs.effective != ruleset.effective
        ]
        return Workflow([*others, ruleset], calendar=self._calendar, transitions=self._transitions)

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

    def steps_from(self, stage: Stage) -> tuple[Transition, ...]:
        """Return the table rows that lead out of *stage*."""
        return tuple(row for (source, _), row in self._index.items() if source is stage)

    def check(
        self, dossier: Dossier, step: Step, *, on: pendulum.Date, actor: Actor
    ) -> tuple[Failure, ...]:
        """
        Return every rule that *step* would fail on *on*; empty when it would pass.

        Never raises for a refusal and never changes the dossier.

        Raises:
            InvalidInput: *on* is not a date, or is before the candidate's birth.
            NoRegulationInForce: no rule set covers *on*.
        """
        attempt = self._attempt(dossier, step, on, actor)
        return self._evaluate(attempt)

    def advance(
        self,
        dossier: Dossier,
        step: Step,
        *,
        on: pendulum.Date,
        actor: Actor,
        reference: str | None = None,
    ) -> HistoryEntry:
        """
        Take *step* on *on* by *actor*, appending to the dossier's history.

        *reference* is the number of the act's document (resolution or decision), kept on
        the history entry.

        Returns:
            The new history entry.

        Raises:
            TransitionRefused: one or more rules failed; ``.failures`` lists all of them and
                the dossier is unchanged.
            InvalidInput: *on* is not a date, or is before the candidate's birth.
            NoRegulationInForce: no rule set covers *on*.
        """
        attempt = self._attempt(dossier, step, on, actor)
        context = attempt.context
        target = None if context.target is None else self._engine.fire(attempt, step)
        if target is None:
            if context.target is None:
                attempt.failures = self._evaluate(attempt)
            raise TransitionRefused(
                failures=attempt.failures,
                step=step,
                stage=context.source,
                on=context.on,
                actor=context.actor,
                regulation=attempt.ruleset.code,
            )
        entry = HistoryEntry(
            on=context.on,
            step=step,
            actor=context.actor,
            source=context.source,
            target=target,
            regulation=attempt.ruleset.code,
            reference=reference,
            previous=anchor(dossier),
        )
        dossier.stage = target
        dossier.history.append(entry)
        return entry

    # --- internals -------------------------------------------------------------------------

    def context(
        self,
        dossier: Dossier,
        step: Step,
        *,
        on: pendulum.Date,
        actor: Actor,
        ruleset: RuleSet | None = None,
    ) -> Context:
        """
        Return what the rules of *step* would read on *on*, under *ruleset* or the one in force.

        For tools that evaluate rules themselves (a planner, a benchmark floor).
        """
        row = self._index.get((dossier.stage, step))
        return Context(
            dossier=dossier,
            on=on,
            actor=actor,
            step=step,
            source=dossier.stage,
            target=None if row is None else row.target,
            actors=frozenset() if row is None else row.actors,
            policy=(ruleset or self.ruleset_for(on)).policy,
            calendar=self._calendar,
            available=() if row else tuple(t.step for t in self.steps_from(dossier.stage)),
        )

    def _attempt(self, dossier: Dossier, step: Step, on: object, actor: object) -> _Attempt:
        day = as_date(on, field="on")
        if day < dossier.candidate.birth_date:
            raise InvalidInput("on", f"{day} is before the candidate's birth date")
        who: Actor = Actor.parse(actor, field="actor")
        what: Step = Step.parse(step, field="step")
        ruleset = self.ruleset_for(day)
        context = self.context(dossier, what, on=day, actor=who, ruleset=ruleset)
        return _Attempt(context, ruleset)

    @staticmethod
    def _evaluate(attempt: _Attempt) -> tuple[Failure, ...]:
        context = attempt.context
        if context.target is None:
            failure = step_available.evaluate(context)
            return () if failure is None else (failure,)
        failures = []
        for rule in attempt.ruleset.for_step(context.step):
            failure = rule.evaluate(context)
            if failure is not None:
                failures.append(failure)
        return tuple(failures)

    def _guard(self, carrier: Carrier) -> bool:
        assert isinstance(carrier, _Attempt)  # noqa: S101 - only advance() fires the engine
        carrier.failures = self._evaluate(carrier)
        return not carrier.failures


def _start(ruleset: RuleSet) -> pendulum.Date:
    return ruleset.effective.start or pendulum.Date(1, 1, 1)


_ALWAYS = Period()


@functools.cache
def _default_calendar() -> WorkingCalendar:
    """One shared default calendar, so its working-day table is built once per process."""
    return WorkingCalendar()
