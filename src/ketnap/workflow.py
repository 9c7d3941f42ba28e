"""
The admission engine: advances dossiers through the law's process, by the rules in force.

>>> import pendulum
>>> from ketnap import Workflow
>>> workflow = Workflow()
>>> workflow.law.ruleset_for(pendulum.date(2024, 3, 1)).code
'24-QĐ/TW'
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import cast

import attrs
import pendulum

from ketnap._machine import Carrier, Engine
from ketnap.dates import WorkingCalendar, as_date
from ketnap.errors import InvalidDocument, InvalidInput, InvalidWorkflow
from ketnap.inputs import clean_text
from ketnap.integrity import anchor, verify
from ketnap.law import Law, blocking
from ketnap.messages import Message
from ketnap.model import (
    Actor,
    Dossier,
    HistoryEntry,
    LateAct,
    Organization,
    Refusal,
    RefusedRule,
    Remade,
    Transfer,
)
from ketnap.process import ADMISSION, Process
from ketnap.rules._base import Context, Failure
from ketnap.rules.refused import AdoptionRefused, TransitionRefused
from ketnap.rules.ruleset import RuleSet

__all__ = ["Hook", "KnownAct", "StepEvent", "Workflow"]


@attrs.frozen
class StepEvent:
    """
    What a hook is told about a step: the dossier, the act, and (after it) its entry.

    Attributes:
        dossier: the dossier; a *before* hook sees it unchanged, an *after* hook sees the
            new stage and the entry appended.
        step: the step's code.
        source: the stage the dossier left.
        target: the stage it reaches.
        on: the date of the act.
        actor: who acted.
        regulation: the code of the rule set that allowed it.
        entry: the history entry recorded; None for a *before* hook.
    """

    dossier: Dossier
    step: str
    source: str
    target: str
    on: pendulum.Date
    actor: Actor
    regulation: str
    entry: HistoryEntry | None = None


Hook = Callable[[StepEvent], None]
"""
**Protocol:** a function called around every step that passed its rules: a notification,
an audit sink. A *before* hook that raises stops the step and leaves the dossier
unchanged; an *after* hook runs once the step is recorded, and what it raises reaches
the caller of `Workflow.advance` with the step already recorded.
"""


class _Attempt(Carrier):
    """What the engine's guard and callbacks need for one step, and what they found."""

    __slots__ = ("context", "entry", "failures", "late", "reference", "ruleset", "step")

    def __init__(
        self, step: str, context: Context, ruleset: RuleSet, reference: str | None
    ) -> None:
        super().__init__(context.source)
        # The process's code, which the dossier records; the context holds the code the
        # rules know the step by, which differs for a renamed step.
        self.step = step
        self.context = context
        self.ruleset = ruleset
        self.reference = reference
        self.failures: tuple[Failure, ...] = ()
        self.late: tuple[Failure, ...] = ()
        self.entry: HistoryEntry | None = None


def _act_date(value: object) -> pendulum.Date:
    return as_date(value, field="on")


def _act_actor(value: object) -> Actor:
    return Actor.parse(value, field="actor")


def _act_reference(value: object) -> str | None:
    return None if value is None else clean_text(value, field="reference")


@attrs.frozen(kw_only=True)
class KnownAct:
    """
    An act done before the office kept the dossier in ketnap, for `Workflow.adopt`.

    Attributes:
        step: the step's code (``Step.DECIDE_ADMISSION``).
        on: the date of the act.
        actor: the body that acted.
        reference: its document's number ("123-QĐ/ĐU"), when known.
    """

    step: str = attrs.field(validator=attrs.validators.instance_of(str))
    on: pendulum.Date = attrs.field(converter=_act_date)
    actor: Actor = attrs.field(converter=_act_actor)
    reference: str | None = attrs.field(default=None, converter=_act_reference)


class Workflow:
    """
    The engine that advances dossiers through the law's process, by the rules in force.

    The law (`ketnap.Law`: rule sets by date, process, calendar) answers every question
    about a dossier; the workflow acts on it: `advance`, `adopt`, `record_refusal`, with
    the application's hooks around each step.

    Args:
        law: the law in force; or the rule sets to build it from (a single `RuleSet`
            applies to every date). Defaults to the four shipped regulations.
        process: the admission process, when the law is built here (`ketnap.ADMISSION`).
        calendar: the working-day calendar, when the law is built here.
        before: hooks called before each step that passed its rules (see `Hook`).
        after: hooks called after each step was recorded.

    Raises:
        InvalidWorkflow: the rule sets' periods overlap or none is given, or a `Law` is
            given with a process or calendar of its own.
    """

    def __init__(
        self,
        law: Law | Iterable[RuleSet] | RuleSet | None = None,
        *,
        process: Process | None = None,
        calendar: WorkingCalendar | None = None,
        before: Sequence[Hook] = (),
        after: Sequence[Hook] = (),
    ) -> None:
        if isinstance(law, Law):
            if process is not None or calendar is not None:
                raise InvalidWorkflow("a Law brings its own process and calendar")
            self._law = law
        else:
            self._law = Law(law, process=process or ADMISSION, calendar=calendar)
        self._before = tuple(before)
        self._after = tuple(after)
        process = self._law.process
        self._engine = Engine(
            states=process.stage_codes,
            initial=process.initial,
            edges=process.transitions,
            guard=self._guard,
            before=[self._run_before] if self._before else (),
            after=[self._record, *([self._run_after] if self._after else [])],
        )

    def __repr__(self) -> str:
        return f"Workflow({self._law!r})"

    @property
    def law(self) -> Law:
        """The law the workflow acts by: rule sets, process, calendar, checks."""
        return self._law

    def using(self, ruleset: RuleSet) -> Workflow:
        """Return a workflow with the same hooks whose law uses *ruleset* (see `Law.using`)."""
        return Workflow(self._law.using(ruleset), before=self._before, after=self._after)

    def record_refusal(self, dossier: Dossier, refused: TransitionRefused) -> Refusal:
        """
        Keep a refused attempt on *dossier* (its stage does not change) and return it.

        >>> import pendulum
        >>> from ketnap import Actor, Step, TransitionRefused, Workflow
        >>> from ketnap.testing import make_dossier
        >>> workflow = Workflow()
        >>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
        >>> try:
        ...     workflow.advance(dossier, Step.PROPOSE_ADMISSION,
        ...                      on=pendulum.date(2024, 3, 12), actor=Actor.BRANCH)
        ... except TransitionRefused as refused:
        ...     kept = workflow.record_refusal(dossier, refused)
        >>> [rule.rule_id for rule in kept.rules], dossier.stage
        (['workflow.step_available'], 'source_pool')
        """
        refusal = Refusal(
            on=refused.on,
            step=refused.step,
            actor=Actor.parse(refused.actor, field="actor"),
            rules=[
                RefusedRule(rule_id=failure.rule_id, values=_plain(failure.values))
                for failure in refused.failures
            ],
        )
        dossier.refusals.append(refusal)
        return refusal

    def advance(
        self,
        dossier: Dossier,
        step: str,
        *,
        on: pendulum.Date,
        actor: Actor,
        reference: str | None = None,
        keep_refusal: bool = False,
    ) -> HistoryEntry:
        """
        Take *step* on *on* by *actor*, appending to the dossier's history.

        *reference* is the number of the act's document (resolution or decision), kept on
        the history entry. The *before* and *after* hooks run around the change. With
        *keep_refusal*, a refused act is kept on the dossier (`record_refusal`) before
        `TransitionRefused` is raised, so the office's record of the attempt is saved
        with it.

        Returns:
            The new history entry.

        Raises:
            TransitionRefused: one or more rules failed; ``.failures`` lists all of them and
                the dossier is unchanged (but for the refusal kept with *keep_refusal*).
            InvalidInput: *on* is not a date or is before the candidate's birth, or the
                step or the dossier's stage is not in the process.
            NoRegulationInForce: no rule set covers *on*.
        """
        attempt = self._attempt(dossier, step, on, actor, reference)
        context = attempt.context
        if context.target is None or self._engine.fire(attempt, attempt.step) is None:
            if context.target is None:
                attempt.failures = Law.evaluate(context, attempt.ruleset)
            refused = TransitionRefused(
                failures=attempt.failures,
                step=attempt.step,
                stage=context.source,
                on=context.on,
                actor=context.actor,
                regulation=attempt.ruleset.code,
                label=self._law.process.label,
            )
            if keep_refusal:
                self.record_refusal(dossier, refused)
            raise refused
        assert attempt.entry is not None  # noqa: S101 - _record ran in the machine's callbacks
        return attempt.entry

    # --- internals -------------------------------------------------------------------------

    def transfer(
        self,
        dossier: Dossier,
        to: Organization,
        *,
        on: pendulum.Date,
        actor: Actor,
        reference: str | None = None,
        comments_on: pendulum.Date | None = None,
    ) -> HistoryEntry:
        """
        Transfer a probationary member to the branch *to* (chuyển sinh hoạt đảng, I-10).

        Records a `ketnap.Transfer` from the dossier's branch to *to*, makes *to* the
        dossier's branch, and takes the process's transfer step (tagged ``"transfer"``)
        on *on* by *actor* (the sending branch or the committee), with *reference*, the
        transfer paper's number; *comments_on* dates the sending branch's comments on the
        probation there. All or nothing: refused, the dossier is left as it was.

        Raises:
            TransitionRefused: the step's rules failed (see `advance`).
            InvalidInput: *to* is the dossier's branch, or the process has no transfer step.
        """
        steps = sorted(self._law.process.steps_tagged("transfer"))
        if not steps:
            raise InvalidInput("step", "this process has no step tagged 'transfer'")
        step = next((s for s in steps if self._law.process.row(dossier.stage, s)), steps[0])
        record = Transfer(
            on=on,
            from_branch=dossier.organization,
            to_branch=to,
            reference=reference,
            comments_on=comments_on,
        )
        branch, transfers = dossier.organization, list(dossier.transfers)
        dossier.transfers.append(record)
        dossier.organization = to
        try:
            return self.advance(dossier, step, on=on, actor=actor, reference=reference)
        except BaseException:
            dossier.organization, dossier.transfers = branch, transfers
            raise

    def _attempt(
        self, dossier: Dossier, step: object, on: object, actor: object, reference: str | None
    ) -> _Attempt:
        context, ruleset = self._law.prepare(dossier, step, on=on, actor=actor)
        # `prepare` checked that *step* is a code of the process.
        code = self._law.process.step(cast("str", step)).code
        return _Attempt(code, context, ruleset, reference)

    def _guard(self, carrier: Carrier) -> bool:
        assert isinstance(carrier, _Attempt)  # noqa: S101 - only advance() fires the engine
        found = Law.evaluate(carrier.context, carrier.ruleset)
        if found:  # most acts pass every rule: nothing to sort
            carrier.failures = blocking(found)
            carrier.late = tuple(f for f in found if f.rule.late)
        return not carrier.failures

    def _record(self, carrier: Carrier) -> None:
        assert isinstance(carrier, _Attempt)  # noqa: S101 - only advance() fires the engine
        _apply(carrier, carrier.state, adopted_on=None)

    def adopt(
        self,
        dossier: Dossier,
        acts: Sequence[KnownAct],
        *,
        adopted_on: pendulum.Date,
        attested: Collection[str] = (),
        remade: Remade | None = None,
    ) -> tuple[HistoryEntry, ...]:
        """
        Open *dossier* at the stage its known *acts* lead to: a dossier already in progress.

        An office that adopts ketnap has candidates part-way along the path. Give the
        dossier with the records it holds (sponsors, votes, documents, certificates,
        ``decision_received_on``, ``card_number`` ...) and the acts already done, oldest
        first, each with its date, the body that acted and its document number. Each act
        is checked as `advance` checks it, on its own date, under the regulation then in
        force, against the records given; every failure of every act is reported at once,
        and nothing changes unless all pass. The acts become the first history entries,
        each marked ``adopted_on``; late decisions are recorded as `LateAct` as usual.
        Hooks do not run for adopted acts: they did not happen now.

        *attested* names rule families (``"vote"``) or rule ids (``"sponsor.count"``)
        whose evidence the office holds on paper and does not enter: a failure of such a
        rule does not refuse the act but is written on its entry (`HistoryEntry.attested`),
        so the dossier says which conditions were taken on the office's word. A
        spreadsheet row of a member in progress is adopted this way (`ketnap.sheets`).

        *remade* records that the papers were re-made after a loss (`ketnap.Remade`):
        a lost admission decision, whose act is then dated by the admission date on the
        party card (J-03), or a lost dossier re-made on a confirmed report (M-08). It is
        kept on the dossier, and `ketnap.integrity.notes` reports it with the adoption.

        Raises:
            AdoptionRefused: an act is not a step from the stage before it, or failed its
                rules; ``.failures`` lists each act's failures.
            InvalidInput: the dossier already has a history, *adopted_on* is before an
                act, an act's date or actor is not valid, or *remade* does not fit the
                acts (a lost decision the acts do not hold, a date before it).
        """
        if dossier.history or dossier.stage != self._law.process.initial:
            raise InvalidInput(
                "history", "only a dossier with no history, at the initial stage, is adopted"
            )
        day = as_date(adopted_on, field="adopted_on")
        trial = copy.deepcopy(dossier)
        if remade is not None:
            trial.remade = remade
        found: list[tuple[int, Failure]] = []
        for index, act in enumerate(acts):
            if act.on > day:
                raise InvalidInput(f"acts[{index}].on", "after the adoption day")
            attempt = self._attempt(trial, act.step, act.on, act.actor, act.reference)
            failures = Law.evaluate(attempt.context, attempt.ruleset)
            taken = tuple(
                f for f in blocking(failures) if {f.rule.id, f.rule.family} & set(attested)
            )
            found += [(index, f) for f in blocking(failures) if f not in taken]
            if attempt.context.target is None:
                break  # no stage to go on from: the acts after it cannot be checked
            attempt.late = tuple(f for f in failures if f.rule.late)
            _apply(
                attempt,
                attempt.context.target,
                adopted_on=day,
                attested=tuple(f.rule.id for f in taken),
            )
        if found:
            raise AdoptionRefused(found, label=self._law.process.label)
        if remade is not None:
            try:
                verify(trial, process=self._law.process, regulations=self._law.regulations)
            except InvalidDocument as exc:
                raise InvalidInput("remade", f"{exc.path}: {exc.reason}") from None
        dossier.history = trial.history
        dossier.stage = trial.stage
        dossier.late_acts = trial.late_acts
        dossier.remade = trial.remade
        return tuple(dossier.history)

    def _event(self, carrier: Carrier) -> StepEvent:
        assert isinstance(carrier, _Attempt)  # noqa: S101 - only advance() fires the engine
        context = carrier.context
        return StepEvent(
            dossier=context.dossier,
            step=carrier.step,
            source=context.source,
            target=context.target or carrier.state,
            on=context.on,
            actor=context.actor,
            regulation=carrier.ruleset.code,
            entry=carrier.entry,
        )

    def _run_before(self, carrier: Carrier) -> None:
        event = self._event(carrier)
        for hook in self._before:
            hook(event)

    def _run_after(self, carrier: Carrier) -> None:
        event = self._event(carrier)
        for hook in self._after:
            hook(event)


def _plain(values: Mapping[str, object]) -> dict[str, str]:
    # Messages and labelled values render in Vietnamese, the language of the records.
    return {key: _text(value) for key, value in values.items()}


def _text(value: object) -> str:
    if isinstance(value, Message):
        return value.render("vi")
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return Message(vi="{v}", en="{v}").render("vi", {"v": value})


def _apply(
    attempt: _Attempt,
    target: str,
    *,
    adopted_on: pendulum.Date | None,
    attested: tuple[str, ...] = (),
) -> None:
    """Record the attempt's step on its dossier: the entry, the stage, its late acts."""
    context = attempt.context
    dossier = context.dossier
    entry = HistoryEntry(
        on=context.on,
        step=attempt.step,
        actor=context.actor,
        source=context.source,
        target=target,
        regulation=attempt.ruleset.code,
        reference=attempt.reference,
        adopted_on=adopted_on,
        attested=attested,
        previous=anchor(dossier),
    )
    dossier.stage = target
    dossier.history.append(entry)
    dossier.late_acts.extend(
        LateAct(
            step=attempt.step,
            on=context.on,
            due=cast("pendulum.Date", failure.values["due"]),
            answerable=context.actor,
            rule_id=failure.rule.id,
        )
        for failure in attempt.late
    )
    attempt.entry = entry
