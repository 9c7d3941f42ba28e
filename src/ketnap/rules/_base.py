"""The rule primitives: `Rule`, `Failure`, `Context`, `Period` and the `rule` decorator."""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping
from types import MappingProxyType

import attrs
import pendulum

from ketnap.dates import WorkingCalendar
from ketnap.messages import Lang, Message
from ketnap.model import Actor, ApprovalKind, Dossier, HistoryEntry, Organization, Sponsor
from ketnap.policy import Policy
from ketnap.process import Process

__all__ = [
    "Check",
    "Context",
    "Failure",
    "Family",
    "Period",
    "Rule",
    "Values",
    "Window",
    "Windows",
    "active_sponsors",
    "directly_higher",
    "missing_approval",
    "rule",
]

Values = Mapping[str, object]
"""The values a failed check reports; they fill the rule's message placeholders."""


class Family(enum.StrEnum):
    """The family a rule belongs to, as in the sections of the regulation reference."""

    AGE = "age"
    EDUCATION = "education"
    SPONSOR = "sponsor"
    CERTIFICATE = "certificate"
    VERIFICATION = "verification"
    DOSSIER = "dossier"
    VOTE = "vote"
    TIMING = "timing"
    AUTHORITY = "authority"
    CARD = "card"
    READMISSION = "readmission"
    POPULATION = "population"
    WORKFLOW = "workflow"


@attrs.frozen
class Period:
    """
    A period in force, both ends inclusive; ``None`` leaves an end open.

    >>> Period(pendulum.date(2021, 7, 30)).contains(pendulum.date(2021, 7, 30))
    True
    """

    start: pendulum.Date | None = None
    end: pendulum.Date | None = None

    def contains(self, on: pendulum.Date) -> bool:
        """Whether *on* falls in the period."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@attrs.frozen
class Context:
    """
    Everything a rule's check may read: the dossier, the act and the policy in force.

    Attributes:
        dossier: the dossier, never to be modified by a check.
        on: date of the act.
        actor: who acts.
        step: the code the rules know the step asked for by: its own code, or the one a
            renamed step is guarded as (`ketnap.ProcessStep.guarded_as`), so that a rule
            reads the step it guards.
        source: the code of the dossier's current stage.
        target: the code of the stage the step leads to, or None when the stage has no
            such step.
        actors: who the process lets fire the step from *source*.
        policy: the policy values of the rule set in force.
        calendar: the working-day calendar.
        available: when the stage has no such step, the codes of the steps it does have.
        label: the label of a stage or step code, as the process names it.
        earlier: the context an earlier act of the dossier had, rebuilt on the records as
            they stood that day, as far as the texts let them change since, with facts
            corrected since counted back (`Earlier`); None outside a workflow. Lets a rule
            at the decision re-check what guarded the branch's proposal.
        process: the process the act belongs to, keyword only. A rule asks it for the
            dates the terms count from, by tag (`ketnap.Process.ceremony_date` ...), never
            by a shipped step code.
    """

    dossier: Dossier
    on: pendulum.Date
    actor: Actor
    step: str
    source: str
    target: str | None
    actors: frozenset[Actor]
    policy: Policy
    calendar: WorkingCalendar
    available: tuple[str, ...] = ()
    label: Callable[[str], Message] = attrs.field(default=lambda code: Message(vi=code, en=code))
    earlier: Earlier | None = attrs.field(default=None, repr=False)
    process: Process = attrs.field(kw_only=True, repr=False)

    def last_act(self, rule_code: str) -> HistoryEntry | None:
        """
        The dossier's latest act of the step the rules know as *rule_code*, if any.

        Found under the code the process records it by (`ketnap.Process.recorded_as`),
        so a rule reading an earlier act sees it when the process renamed its step.
        """
        return self.dossier.last_act(self.process.recorded_as(rule_code))


Earlier = Callable[[HistoryEntry], "tuple[Context, tuple[Rule, ...]]"]
"""
**Protocol:** given a history entry, the context of that act (its date, step, stages,
actor, the policy then in force) on the dossier's records as they stood that day
(`ketnap.law.records_on`), and the rules that guarded it; a sponsor replaced since
(C-08) is checked by those rules again on the day of the replacement's letter.
"""


Check = Callable[[Context], Values | None]
"""
**Protocol:** a rule's check. Return None when the rule holds, or the values that
explain the failure (an empty mapping is a failure too).
"""


def _step_set(steps: Iterable[str] | None) -> frozenset[str] | None:
    return None if steps is None else frozenset(steps)


@attrs.frozen(kw_only=True)
class Window:
    """
    When a time-bound rule holds for one dossier: from a day, until a day, or never.

    Attributes:
        label: what holds, in words formatted from the policy in force.
        holds_from: the first day it holds; None if it holds from the start.
        holds_until: the last day it holds; None if it never stops holding.
        never: it cannot hold on any day (a record that is not cleared).
    """

    label: Message
    holds_from: pendulum.Date | None = None
    holds_until: pendulum.Date | None = None
    never: bool = False


Windows = Callable[[Context], Iterable[Window]]
"""
**Protocol:** a time-bound rule's windows for the dossier in a context: the days on
which the rule holds. The rule's check must pass on exactly those days (for the records
as they stand), so that the planner and the deadlines can trust them.
"""


@attrs.frozen
class Rule:
    """
    One rule: a stable id, what it encodes, its message, and one small check.

    Attributes:
        id: stable id used in errors, tests and snapshots, e.g. ``"age.minimum"``.
        family: the rule's family.
        ref: the ids of the regulation reference (docs/reference/sources.md) it encodes,
            e.g. ``"A-01, A-04"``.
        clause: the clause it cites, e.g. ``"Điều lệ Đảng Điều 1.2; QĐ 24 §1.1.1"``.
        message: the failure message; placeholders come from the check's values.
        steps: the codes of the steps the rule guards; None guards every step of any
            process.
        check: the check.
        effective: when the rule is in force (within its rule set's own period).
        window: for a time-bound rule, the days on which it holds (`Window`); the
            planner and the deadlines read it. None for a rule time does not change.
        late: a deadline whose breach the texts let stand: failing it does not refuse
            the act, which is recorded as a `ketnap.LateAct` on the dossier (a decision
            after its term stays valid, QĐ §4.3.1, §4.2b). Its check's values carry
            ``due``.
    """

    id: str
    family: Family
    ref: str
    clause: str
    message: Message = attrs.field(repr=False)
    steps: frozenset[str] | None = attrs.field(converter=_step_set)
    check: Check = attrs.field(repr=False)
    effective: Period = Period()
    window: Windows | None = attrs.field(default=None, repr=False)
    late: bool = False

    def guards(self, step: str) -> bool:
        """Whether the rule guards the step with code *step*."""
        return self.steps is None or step in self.steps

    def evaluate(self, context: Context) -> Failure | None:
        """Return the failure of this rule in *context*, or None if it holds or is not in force."""
        if not self.effective.contains(context.on):
            return None
        values = self.check(context)
        if values is None:
            return None
        return Failure(rule=self, values=MappingProxyType(dict(values)))


def rule(
    *,
    id: str,  # noqa: A002 - the natural name of a rule's identifier
    family: Family,
    ref: str,
    clause: str,
    message: Message,
    steps: Collection[str] | None,
    effective: Period | None = None,
    window: Windows | None = None,
    late: bool = False,
) -> Callable[[Check], Rule]:
    """
    Make a `Rule` of the decorated check function.

    >>> from ketnap.messages import Message
    >>> @rule(
    ...     id="local.good_results",
    ...     family=Family.DOSSIER,
    ...     ref="A-10",
    ...     clause="Hướng dẫn của tỉnh ủy",
    ...     message=Message(vi="Chưa đạt kết quả khá", en="Results below 'good'"),
    ...     steps={"propose_admission"},
    ... )
    ... def good_results(context):
    ...     return None
    >>> good_results.id
    'local.good_results'
    """

    def make(check: Check) -> Rule:
        return Rule(
            id=id,
            family=family,
            ref=ref,
            clause=clause,
            message=message,
            steps=steps,
            check=check,
            effective=effective or Period(),
            window=window,
            late=late,
        )

    return make


@attrs.frozen
class Failure:
    """
    One failed rule, with the values that explain it.

    ``failure.text("en")`` reads, for instance, ``Under 18 (counted in months) ...
    [age.minimum; A-01, A-04; Điều lệ Đảng Điều 1.2; ...]``; ``failure.values`` holds
    the numbers behind it (``{"months": 214, "required": 216, ...}``).
    """

    rule: Rule
    values: Mapping[str, object] = attrs.field(factory=dict, eq=False)

    @property
    def rule_id(self) -> str:
        """The failed rule's id."""
        return self.rule.id

    @property
    def clause(self) -> str:
        """The clause the failed rule cites."""
        return self.rule.clause

    def message(self, lang: Lang = "vi") -> str:
        """The failure message in *lang*, with its values filled in."""
        return self.rule.message.render(lang, self.values)

    def text(self, lang: Lang = "vi") -> str:
        """The message followed by the rule id, its regulation reference ids and clause."""
        return f"{self.message(lang)} [{self.rule.id}; {self.rule.ref}; {self.rule.clause}]"


def active_sponsors(dossier: Dossier) -> list[Sponsor]:
    """The sponsors in office: those not replaced by a later sponsor (C-08)."""
    replaced = {sponsor.replaces for sponsor in dossier.sponsors if sponsor.replaces}
    return [sponsor for sponsor in dossier.sponsors if sponsor.name not in replaced]


def directly_higher(organization: Organization) -> Actor:
    """
    The committee directly above a branch (cấp ủy cấp trên trực tiếp).

    The base committee for a branch under one, the competent (district-level) committee
    for a base branch.
    """
    if organization.under_base_committee:
        return Actor.BASE_COMMITTEE
    return Actor.COMPETENT_COMMITTEE


def missing_approval(context: Context, kind: ApprovalKind, by: Actor) -> Values | None:
    """
    Return None if *by* gave an approval of *kind* on or before the act, else failure values.

    Shared by the rules that need a written consent before a decision (A-03, A-07, L-04).
    """
    if context.dossier.approval(kind, context.on, by=(by,)) is not None:
        return None
    return {"approval": kind, "by": by}
