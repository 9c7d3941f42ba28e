"""
The earliest-date planner (lập kế hoạch): when can a dossier's next step pass?

For each time-bound requirement of a step (age by month count, a sponsor's 12 months
alongside, the certificate's validity, the end of probation, the re-admission wait,
a deadline), the planner finds the first day it holds and the last day it still
holds; the earliest date the step could pass is the latest of the first days, and the
window closes at the earliest of the last days.

>>> import attrs, pendulum
>>> from ketnap import Workflow, Stage
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PREPARED)
>>> dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.date(2006, 9, 20))
>>> plan(workflow, dossier, on=pendulum.date(2024, 3, 12)).earliest
Date(2024, 9, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import attrs
import pendulum

from ketnap.dates import (
    add_months,
    first_day_with_calendar_months,
    next_day,
    previous_day,
)
from ketnap.deadlines import (
    admission_decision_due,
    ceremony_due,
    certificate_expiry,
    document_expiry,
    readmission_ready_on,
    recognition_decision_due,
)
from ketnap.messages import Lang, Message, format_date
from ketnap.model import Actor, ApprovalKind, CertificateKind, Dossier, MemberStatus, Step
from ketnap.policy import AgeCounting
from ketnap.rules import Context, Failure, Family
from ketnap.rules.sponsorship import active_sponsors

if TYPE_CHECKING:
    from ketnap.workflow import Workflow

__all__ = ["Plan", "Requirement", "plan"]

_NEVER = pendulum.Date(9999, 12, 31)


@attrs.frozen(kw_only=True)
class Requirement:
    """
    A time-bound requirement of a step: the rule, and the days on which it holds.

    Attributes:
        rule_id: the rule that checks it.
        holds_from: the first day it holds; None if it holds from the start.
        holds_until: the last day it holds; None if it never stops holding.
        never: it cannot hold at any date (e.g. a record that is not cleared).
    """

    rule_id: str
    message: Message
    holds_from: pendulum.Date | None = None
    holds_until: pendulum.Date | None = None
    never: bool = False

    def text(self, lang: Lang = "vi") -> str:
        """One line: what, from when, until when."""
        start = format_date(self.holds_from, lang) if self.holds_from else "—"
        end = format_date(self.holds_until, lang) if self.holds_until else "—"
        if self.never:
            return f"{self.message.render(lang)}: " + (
                "không thể đáp ứng" if lang == "vi" else "cannot hold"
            )
        return f"{self.message.render(lang)}: {start} → {end} [{self.rule_id}]"


@attrs.frozen(kw_only=True)
class Plan:
    """
    When a step could pass, as far as time is concerned.

    Attributes:
        step: the step planned.
        on: the date the plan was made.
        regulation: the rule set the plan used (the one in force on `earliest`).
        requirements: each time-bound requirement with its window.
        earliest: the soonest date, on or after *on*, on which every requirement holds;
            None if there is no such date.
        latest: the last date on which they all still hold; None if open-ended.
        blocking: rules that fail on `earliest` for reasons time will not fix
            (education, a missing document); votes are left out, as they are taken at the
            meeting itself.
    """

    step: Step
    on: pendulum.Date
    regulation: str
    requirements: tuple[Requirement, ...]
    earliest: pendulum.Date | None
    latest: pendulum.Date | None
    blocking: tuple[Failure, ...] = ()

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

    def text(self, lang: Lang = "vi") -> str:
        """A short report."""
        if self.earliest is None:
            head = (
                "Không có ngày nào đáp ứng mọi điều kiện thời gian"
                if lang == "vi"
                else ("No date meets every time-bound requirement")
            )
        else:
            day = format_date(self.earliest, lang)
            head = f"Sớm nhất: {day}" if lang == "vi" else f"Earliest: {day}"
            if self.latest is not None:
                end = format_date(self.latest, lang)
                head += f", muộn nhất: {end}" if lang == "vi" else f", latest: {end}"
        lines = [f"{head} ({self.regulation})"]
        lines += [f"  - {r.text(lang)}" for r in self.requirements]
        lines += [f"  ! {f.text(lang)}" for f in self.blocking]
        return "\n".join(lines)


Window = Callable[[Context], Iterator[Requirement]]


def _age(context: Context) -> Iterator[Requirement]:
    policy, candidate = context.policy, context.dossier.candidate
    birth = candidate.birth_date
    if policy.age_counting is AgeCounting.CALENDAR_MONTHS:
        start = first_day_with_calendar_months(birth, policy.min_age_months)
        after = first_day_with_calendar_months(birth, policy.max_age_months + 1)
    else:
        start = add_months(birth, policy.min_age_months)
        after = add_months(birth, policy.max_age_months + 1)
    yield Requirement(
        rule_id="age.minimum",
        message=Message(vi="Đủ 18 tuổi (tính theo tháng)", en="18 full years (by month)"),
        holds_from=start,
    )
    if not candidate.over_sixty_grounds:
        yield Requirement(
            rule_id="age.maximum",
            message=Message(vi="Không quá 60 tuổi", en="At most 60 years"),
            holds_until=previous_day(after),
        )


def _sponsors(context: Context) -> Iterator[Requirement]:
    policy = context.policy
    for sponsor in active_sponsors(context.dossier):
        if sponsor.replaces is None:
            yield Requirement(
                rule_id="sponsor.duration",
                message=Message(
                    vi=f"{sponsor.name} cùng công tác, sinh hoạt đủ {policy.sponsor_months} tháng",
                    en=f"{sponsor.name} alongside for {policy.sponsor_months} months",
                ),
                holds_from=add_months(sponsor.alongside_since, policy.sponsor_months),
            )
        if sponsor.status is MemberStatus.OFFICIAL and sponsor.official_since is not None:
            yield Requirement(
                rule_id="sponsor.official",
                message=Message(
                    vi=f"{sponsor.name} là đảng viên chính thức",
                    en=f"{sponsor.name} an official member",
                ),
                holds_from=sponsor.official_since,
            )


def _certificate(context: Context) -> Iterator[Requirement]:
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, _NEVER)
    if certificate is not None:
        yield Requirement(
            rule_id="certificate.awareness_valid",
            message=Message(
                vi="Giấy chứng nhận bồi dưỡng nhận thức về Đảng còn giá trị",
                en="Awareness-course certificate valid",
            ),
            holds_from=certificate.issued_on,
            holds_until=certificate_expiry(certificate.issued_on, context.policy),
        )


def _documents(context: Context) -> Iterator[Requirement]:
    documents = context.dossier.documents
    dated = [documents[f].dated for f in context.policy.refresh_forms if f in documents]
    if dated:
        yield Requirement(
            rule_id="dossier.fresh",
            message=Message(vi="Hồ sơ chưa quá 12 tháng", en="Dossier not older than 12 months"),
            holds_until=document_expiry(min(dated), context.policy),
        )


def _pool(context: Context) -> Iterator[Requirement]:
    months = context.policy.min_pool_months
    if months:
        yield Requirement(
            rule_id="dossier.pool_time",
            message=Message(
                vi=f"Ở danh sách cảm tình Đảng đủ {months} tháng",
                en=f"{months} months on the sympathiser list",
            ),
            holds_from=add_months(context.dossier.entered_pool_on, months),
        )


def _readmission(context: Context) -> Iterator[Requirement]:
    if context.dossier.candidate.prior_membership is None:
        return
    ready = readmission_ready_on(context.dossier, context.policy)
    yield Requirement(
        rule_id="readmission.waiting_time",
        message=Message(vi="Đủ thời gian để kết nạp lại", en="Re-admission waiting time over"),
        holds_from=ready,
        never=ready is None,
    )


def _chronology(context: Context) -> Iterator[Requirement]:
    dossier = context.dossier
    last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
    yield Requirement(
        rule_id="timing.chronology",
        message=Message(vi="Sau bước trước", en="After the previous act"),
        holds_from=last,
    )


def _probation(context: Context) -> Iterator[Requirement]:
    end = context.dossier.probation_end
    if end is not None:
        yield Requirement(
            rule_id="timing.probation_complete",
            message=Message(vi="Đã hết 12 tháng dự bị", en="Probation over"),
            holds_from=next_day(end),
        )


def _due(rule_id: str, vi: str, en: str, due: pendulum.Date | None) -> Iterator[Requirement]:
    if due is not None:
        yield Requirement(rule_id=rule_id, message=Message(vi=vi, en=en), holds_until=due)


def _decision(context: Context) -> Iterator[Requirement]:
    yield from _due(
        "timing.decision_deadline",
        "Trong thời hạn ra quyết định kết nạp",
        "Within the admission-decision term",
        admission_decision_due(context.dossier, context.policy, context.calendar, context.on),
    )


def _ceremony(context: Context) -> Iterator[Requirement]:
    if context.dossier.approval(ApprovalKind.CEREMONY_DELAY, _NEVER) is None:
        yield from _due(
            "timing.ceremony_deadline",
            "Trong thời hạn tổ chức lễ kết nạp",
            "Within the ceremony term",
            ceremony_due(context.dossier, context.policy, context.calendar),
        )


def _recognition(context: Context) -> Iterator[Requirement]:
    yield from _due(
        "timing.recognition_decision_deadline",
        "Trong thời hạn quyết định công nhận",
        "Within the recognition-decision term",
        recognition_decision_due(context.dossier, context.policy, context.calendar, context.on),
    )


WINDOWS: dict[str, Window] = {
    "timing.chronology": _chronology,
    "age.minimum": _age,
    "sponsor.duration": _sponsors,
    "certificate.awareness_valid": _certificate,
    "dossier.fresh": _documents,
    "dossier.pool_time": _pool,
    "readmission.waiting_time": _readmission,
    "timing.probation_complete": _probation,
    "timing.decision_deadline": _decision,
    "timing.ceremony_deadline": _ceremony,
    "timing.recognition_decision_deadline": _recognition,
}
"""The time windows of the shipped rules, by the rule id that triggers them."""


def _requirements(context: Context, rule_ids: set[str]) -> tuple[Requirement, ...]:
    found: list[Requirement] = []
    for rule_id, window in WINDOWS.items():
        if rule_id in rule_ids:
            found.extend(r for r in window(context) if r.rule_id in rule_ids)
    return tuple(found)


def plan(
    workflow: Workflow,
    dossier: Dossier,
    step: Step = Step.PROPOSE_ADMISSION,
    *,
    on: pendulum.Date,
    actor: Actor | None = None,
) -> Plan:
    """
    Plan the earliest date on or after *on* on which *step* could pass, as far as time goes.

    The rule set is the one in force on the date found; when that differs from the one
    in force on *on* (a new regulation in between), the plan is made again under it.

    Args:
        workflow: the workflow whose rules and calendar apply.
        dossier: the dossier; not changed.
        step: the step to plan, the branch's admission proposal by default.
        on: the date the plan is made; no earlier date is proposed.
        actor: who will act; defaults to the first actor the stage table names.
    """
    rows = [t for t in workflow.steps_from(dossier.stage) if t.step is step]
    who = actor or (min(rows[0].actors) if rows else Actor.BRANCH)
    day = on
    for _ in range(len(workflow.regulations) + 1):
        ruleset = workflow.ruleset_for(day)
        ids = {r.id for r in ruleset.for_step(step)}
        context = workflow.context(dossier, step, on=on, actor=who, ruleset=ruleset)
        requirements = _requirements(context, ids)
        starts = [r.holds_from for r in requirements if r.holds_from is not None]
        ends = [r.holds_until for r in requirements if r.holds_until is not None]
        earliest: pendulum.Date | None = max([on, *starts])
        latest = min(ends) if ends else None
        if any(r.never for r in requirements) or (
            earliest is not None and latest is not None and earliest > latest
        ):
            earliest = None
        if earliest is None or workflow.ruleset_for(earliest).code == ruleset.code:
            break
        day = earliest
    blocking: tuple[Failure, ...] = ()
    if earliest is not None:
        timed = {r.rule_id for r in requirements}
        blocking = tuple(
            f
            for f in workflow.check(dossier, step, on=earliest, actor=who)
            if f.rule_id not in timed and f.rule.family is not Family.VOTE
        )
    return Plan(
        step=step,
        on=on,
        regulation=ruleset.code,
        requirements=requirements,
        earliest=earliest,
        latest=latest,
        blocking=blocking,
    )
