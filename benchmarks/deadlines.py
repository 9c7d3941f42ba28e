"""
Every deadline of N dossiers at various stages: `ketnap.deadlines_for` against a floor.

- ketnap: `ketnap.deadlines_for(dossier, on=..., law=...)`: the windows of the
  time-bound rules that guard the steps ahead of the dossier in its process, under the
  rule set in force on the date, plus the branch's recognition-resolution term; each a
  `Deadline` with its label, clause, status and who must act.
- floor: the same `Deadline` objects by hand with `datetime.date`: a table from stage
  to the rules ahead with their clauses (built once, before timing, from the process and
  the rule sets, as a hard-coded implementation would have it), the regulation in force
  by comparing ordinals, month arithmetic by hand, working days by bisect over a sorted
  list of the working days of the same calendar (Monday to Friday, minus
  ``holidays.country_holidays("VN")``, plus the weekend days worked in exchange), and
  each regulation's labels made once. The population policy's terms are not written
  out (no dossier here has a population-policy record; the floor refuses one).

Why this is the fastest fair floor: it returns what ketnap returns (the same objects,
labels bound to the same values) from the same dossiers, with every table a
hand-written program would hold built before timing, and plain integer and date
arithmetic in between: no rule objects, no contexts, no windows.

The dossiers: 1,000 templates walked with `ketnap.testing` (`make_dossier`, `walk`) to
every stage of the path, half of them under a base committee, with meetings spread over
2022-2025; among those still before the branch meeting, some candidates are not yet 18
and some sponsors have been alongside them for under 12 months. `clone` copies them to N
dossiers, each asked on a day 0 to 120 days after its last act. Before timing, the
floor's deadlines must equal ketnap's for every dossier, every field of every deadline
(the labels' bound values too); then the two run interleaved, stage by stage, the best
of --rounds kept.

    python benchmarks/deadlines.py            # 100,000 dossiers
    python benchmarks/deadlines.py --n 10000  # quicker

Times are per dossier; the last line holds the figures as key=value pairs (with --json,
then one JSON line).
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import datetime as dt
import pstats
import random
from collections import deque
from collections.abc import Callable, Iterator

import attrs
import holidays
import pendulum
from _harness import Ratio, add_options, check_equal, emit, interleaved

from ketnap import (
    Actor,
    AgeCounting,
    ApprovalKind,
    CertificateKind,
    Deadline,
    DeadlineStatus,
    Dossier,
    LeavingReason,
    MemberStatus,
    Organization,
    RuleSet,
    Sponsor,
    Stage,
    Step,
    Transition,
    Workflow,
    deadlines_for,
)
from ketnap.deadlines import RECOGNITION_RESOLUTION
from ketnap.messages import Message
from ketnap.terms import months_text, working_days_text
from ketnap.testing import clone, make_dossier, walk

# (stage reached, share in 100)
MIX = [
    (Stage.SOURCE_POOL, 5),
    (Stage.TRAINED, 5),
    (Stage.PREPARED, 15),
    (Stage.PROPOSED, 10),
    (Stage.ENDORSED, 5),
    (Stage.ADMITTED, 10),
    (Stage.PROBATION, 25),
    (Stage.RECOGNITION_PROPOSED, 5),
    (Stage.FULL_MEMBER, 5),
    (Stage.CARD_ISSUED, 15),
]


# --- the dossiers --------------------------------------------------------------------------


def templates(workflow: Workflow, count: int, rng: random.Random) -> list[Dossier]:
    """*count* dossiers walked to the stages of `MIX`, some not yet ready for the branch."""
    stages = [stage for stage, share in MIX for _ in range(share)]
    result = []
    for index in range(count):
        stage = stages[index % len(stages)]
        meeting = workflow.law.calendar.roll_forward(
            pendulum.Date(2022, 1, 4).add(days=rng.randrange(0, 1300))
        )
        under = stage == Stage.ENDORSED or (stage != Stage.PROPOSED and index % 2 == 0)
        organization = Organization(name=f"Chi bộ {index % 302 + 1}", under_base_committee=under)
        dossier = make_dossier(meeting=meeting, id="T", organization=organization)
        walk(workflow, dossier, meeting=meeting, until=stage)
        if stage in {Stage.SOURCE_POOL, Stage.TRAINED, Stage.PREPARED} and index % 3:
            last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
            if index % 3 == 1:  # 18 in a few months
                birth = last.subtract(years=18).add(months=rng.randrange(1, 9))
                dossier.candidate = attrs.evolve(dossier.candidate, birth_date=birth)
            else:  # a sponsor alongside for a few months only
                since = last.subtract(months=rng.randrange(2, 10))
                dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], alongside_since=since)
        result.append(dossier)
    return result


def asked_on(dossier: Dossier, rng: random.Random) -> pendulum.Date:
    last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
    return last.add(days=rng.randrange(0, 121))


# --- the floor -----------------------------------------------------------------------------

_LEAP_FEB = 29
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day *months* later, or that month's last day (Civil Code)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = _MONTH_DAYS[month0]
    if month0 == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = _LEAP_FEB
    return dt.date(year, month0 + 1, min(day.day, last))


def first_of_month_after(day: dt.date, months: int) -> dt.date:
    """The first day of the month *months* after *day*'s month (age counted by month)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, 1)


def working_days() -> list[int]:
    """The ordinals of the working days 1990-2100, the same calendar as ketnap's default."""
    vietnam = holidays.country_holidays("VN", years=range(1990, 2101))
    weekend, swapped = vietnam.weekend, set(vietnam.weekend_workdays)
    first, last = dt.date(1990, 1, 1).toordinal(), dt.date(2100, 12, 31).toordinal()
    days = []
    for ordinal in range(first, last + 1):
        day = dt.date.fromordinal(ordinal)
        if (day.weekday() not in weekend or day in swapped) and day not in vietnam:
            days.append(ordinal)
    return days


@attrs.frozen
class Terms:
    """A regulation's numbers as plain integers, and the first day it is in force."""

    start: int
    min_age: int
    max_age: int
    by_calendar_month: bool
    sponsor: int
    pool: int
    certificate: int
    freshness: int
    refresh_forms: frozenset[str]
    decision: int
    decision_extension: int
    ceremony: int
    probation: int
    resolution: int
    recognition: int
    recognition_extension: int
    readmission: int
    readmission_after_record: int
    # The labels the policy's numbers are written into, made once per regulation.
    min_age_label: Message
    max_age_label: Message
    certificate_label: Message
    fresh_label: Message
    pool_label: Message
    probation_label: Message
    ceremony_label: Message
    decision_labels: tuple[Message, Message]  # without, with the extension
    recognition_labels: tuple[Message, Message]
    resolution_label: Message


# A window as the floor sees it: (what, label, first day it holds, last day it holds).
Window = tuple[str, Message, dt.date | None, dt.date | None]
WindowFn = Callable[[Dossier, Terms, dt.date], Iterator[Window]]


def _last_act(dossier: Dossier, step: str) -> dt.date | None:
    for entry in reversed(dossier.history):
        if entry.step == step:
            return entry.on
    return None


def _approved(dossier: Dossier, kind: ApprovalKind, on: dt.date) -> bool:
    return any(a.kind is kind and a.given_on <= on for a in dossier.approvals)


def _active_sponsors(dossier: Dossier) -> list[Sponsor]:
    replaced = {s.replaces for s in dossier.sponsors if s.replaces}
    return [s for s in dossier.sponsors if s.name not in replaced]


# The labels ketnap's rules give their windows, written out by hand.
_AFTER_PREVIOUS = Message(vi="Sau bước trước", en="After the previous act")
_READMISSION = Message(vi="Đủ thời gian để kết nạp lại", en="Re-admission waiting time over")
_OFFICIAL = Message(vi="{name} là đảng viên chính thức", en="{name} is an official member")
_ALONGSIDE = Message(
    vi="{name} cùng công tác, sinh hoạt đủ {term}", en="{name} alongside for {term}"
)
_DECISION_TERM = Message(
    vi="Ra quyết định kết nạp trong {term} từ nghị quyết chi bộ",
    en="Admission decision within {term} of the branch resolution",
)
_RECOGNITION_TERM = Message(
    vi="Quyết định công nhận đảng viên chính thức trong {term} từ nghị quyết chi bộ",
    en="Recognition decision within {term} of the branch resolution",
)
_RESOLUTION_TERM = Message(
    vi="Chi bộ xét công nhận đảng viên chính thức trong {term} từ khi hết dự bị",
    en="Branch recognition resolution within {term} of the end of probation",
)
_RESOLUTION_CLAUSE = "QĐ 24/29 §4.2.1"


def w_age_minimum(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    birth = d.candidate.birth_date
    ready = (
        first_of_month_after(birth, t.min_age)
        if t.by_calendar_month
        else add_months(birth, t.min_age)
    )
    yield "", t.min_age_label, ready, None


def w_age_maximum(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    candidate = d.candidate
    if not candidate.over_sixty_grounds:
        birth, months = candidate.birth_date, t.max_age + 1
        over = (
            first_of_month_after(birth, months)
            if t.by_calendar_month
            else add_months(birth, months)
        )
        yield "", t.max_age_label, None, over - dt.timedelta(days=1)


def w_certificate(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    issued = None
    for c in d.certificates:
        if c.kind is CertificateKind.AWARENESS_COURSE and (issued is None or c.issued_on >= issued):
            issued = c.issued_on
    if issued is not None:
        yield "", t.certificate_label, issued, add_months(issued, t.certificate)


def w_fresh(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    documents = d.documents
    dated = [documents[form].dated for form in t.refresh_forms if form in documents]
    if dated:
        yield "", t.fresh_label, None, add_months(min(dated), t.freshness)


def w_pool(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    yield "", t.pool_label, add_months(d.entered_pool_on, t.pool), None


def w_readmission(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    prior = d.candidate.prior_membership
    if prior is None:
        return
    if prior.reason is LeavingReason.POPULATION_POLICY:
        raise NotImplementedError(_POPULATION)
    if prior.reason is not LeavingReason.CONVICTED_LESS_SERIOUS_CRIME:
        yield "", _READMISSION, add_months(prior.left_on, t.readmission), None
    elif prior.record_cleared_on is not None:
        cleared = prior.record_cleared_on
        yield "", _READMISSION, add_months(cleared, t.readmission_after_record), None
    # else: never (the record is not cleared), which is no deadline


# The population policy's terms (L-03) are not written out here: no dossier of this
# benchmark has a population-policy violation, and the floor refuses one it meets.
_POPULATION = "the floor does not compute the population policy's terms"


def w_population_readmission(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    prior = d.candidate.prior_membership
    if prior is not None and prior.reason is LeavingReason.POPULATION_POLICY:
        raise NotImplementedError(_POPULATION)
    return iter(())


def w_population_applicant(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    if d.candidate.population_violations:
        raise NotImplementedError(_POPULATION)
    return iter(())


def w_sponsor_official(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    for s in _active_sponsors(d):
        if s.status is MemberStatus.OFFICIAL and s.official_since is not None:
            yield s.name, _OFFICIAL.bind(name=s.name), s.official_since, None


def w_sponsor_duration(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    for s in _active_sponsors(d):
        if s.replaces is None:
            label = _ALONGSIDE.bind(name=s.name, term=months_text(t.sponsor))
            yield s.name, label, add_months(s.alongside_since, t.sponsor), None


def w_chronology(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    yield "", _AFTER_PREVIOUS, d.history[-1].on if d.history else d.entered_pool_on, None


class Floor:
    """The deadlines by hand: tables built once, then dates and integers only."""

    def __init__(self, workflow: Workflow) -> None:
        process = workflow.law.process
        self.final = process.final
        self.workdays = working_days()
        self.terms = [_terms(rs) for rs in workflow.law.regulations]
        self.windows: dict[str, WindowFn] = {
            "age.minimum": w_age_minimum,
            "age.maximum": w_age_maximum,
            "certificate.awareness_valid": w_certificate,
            "dossier.fresh": w_fresh,
            "dossier.pool_time": w_pool,
            "readmission.waiting_time": w_readmission,
            "readmission.population_policy": w_population_readmission,
            "population.violation": w_population_applicant,
            "sponsor.official": w_sponsor_official,
            "sponsor.duration": w_sponsor_duration,
            "timing.chronology": w_chronology,
            "timing.decision_deadline": self.w_decision,
            "timing.ceremony_deadline": self.w_ceremony,
            "timing.probation_complete": self.w_probation,
            "timing.recognition_decision_deadline": self.w_recognition,
        }
        # Per regulation and stage: each time-bound rule guarding a step ahead, once, with
        # the nearest step it guards and who acts there (what a hand-written table holds).
        self.ahead: list[dict[str, list[tuple[WindowFn, str, str, str, Actor]]]] = []
        for ruleset in workflow.law.regulations:
            table: dict[str, list[tuple[WindowFn, str, str, str, Actor]]] = {}
            for stage in process.stage_codes:
                seen: set[str] = set()
                found = []
                for row in _ahead(workflow, stage):
                    for rule in ruleset.for_step(row.step):
                        if rule.window is not None and rule.id not in seen:
                            seen.add(rule.id)
                            found.append(
                                (
                                    self.windows[rule.id],
                                    rule.id,
                                    rule.clause,
                                    row.step,
                                    min(row.actors),
                                )
                            )
                table[stage] = found
            self.ahead.append(table)
        proposals = process.steps_tagged("recognition_proposal")
        self.resolution: dict[str, tuple[str, Actor]] = {}
        for stage in process.stage_codes:
            for row in process.steps_from(stage):
                if row.step in proposals:
                    self.resolution[stage] = (row.step, min(row.actors))
                    break

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        workdays = self.workdays
        return dt.date.fromordinal(
            workdays[bisect.bisect_right(workdays, start.toordinal()) + days - 1]
        )

    def w_decision(self, d: Dossier, t: Terms, on: dt.date) -> Iterator[Window]:
        resolution = _last_act(d, Step.PROPOSE_ADMISSION)
        if resolution is not None:
            days, label = t.decision, t.decision_labels[0]
            if _approved(d, ApprovalKind.DECISION_EXTENSION, on):
                days, label = days + t.decision_extension, t.decision_labels[1]
            yield "", label, None, self.add_working_days(resolution, days)

    def w_ceremony(self, d: Dossier, t: Terms, on: dt.date) -> Iterator[Window]:
        received = d.decision_received_on or _last_act(d, Step.DECIDE_ADMISSION)
        if received is not None and not _approved(d, ApprovalKind.CEREMONY_DELAY, on):
            yield "", t.ceremony_label, None, self.add_working_days(received, t.ceremony)

    def w_probation(self, d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
        ceremony = _last_act(d, Step.HOLD_CEREMONY)
        if ceremony is not None:
            end = add_months(ceremony, t.probation) + dt.timedelta(days=1)
            yield "", t.probation_label, end, None

    def w_recognition(self, d: Dossier, t: Terms, on: dt.date) -> Iterator[Window]:
        resolution = _last_act(d, Step.PROPOSE_RECOGNITION)
        if resolution is not None:
            days, label = t.recognition, t.recognition_labels[0]
            if _approved(d, ApprovalKind.RECOGNITION_EXTENSION, on):
                days, label = days + t.recognition_extension, t.recognition_labels[1]
            yield "", label, None, self.add_working_days(resolution, days)

    def deadlines(self, d: Dossier, on: dt.date) -> list[Deadline]:
        """*d*'s deadlines on *on*, as `ketnap.deadlines_for` gives them."""
        stage = d.stage
        if stage in self.final:
            return []
        ordinal = on.toordinal()
        index = len(self.terms) - 1  # the regulations, oldest first, follow each other
        while self.terms[index].start > ordinal:
            index -= 1
        terms = self.terms[index]
        dossier_id, name, code = d.id, d.organization.name, d.organization.code
        found: list[Deadline] = []
        seen: set[tuple[str, str, dt.date]] = set()
        for window, rule_id, clause, step, actor in self.ahead[index][stage]:
            for what, label, holds_from, holds_until in window(d, terms, on):
                if holds_until is not None:
                    due, waiting = holds_until, False
                elif holds_from is not None and holds_from > on:
                    due, waiting = holds_from, True
                else:
                    continue
                if (rule_id, what, due) in seen:
                    continue
                seen.add((rule_id, what, due))
                found.append(
                    Deadline(
                        dossier_id=dossier_id,
                        organization=name,
                        organization_code=code,
                        rule_id=rule_id,
                        label=label,
                        clause=clause,
                        step=step,
                        due=pendulum.Date(due.year, due.month, due.day),
                        waiting=waiting,
                        status=_MISSED if not waiting and on > due else _PENDING,
                        actor=None if waiting else actor,
                    )
                )
        proposal = self.resolution.get(stage)
        ceremony = _last_act(d, Step.HOLD_CEREMONY) if proposal else None
        if proposal is not None and ceremony is not None:
            end = add_months(ceremony, terms.probation)
            due = self.add_working_days(end, terms.resolution)
            step, actor = proposal
            found.append(
                Deadline(
                    dossier_id=dossier_id,
                    organization=name,
                    organization_code=code,
                    rule_id=RECOGNITION_RESOLUTION,
                    label=terms.resolution_label,
                    clause=_RESOLUTION_CLAUSE,
                    step=step,
                    due=pendulum.Date(due.year, due.month, due.day),
                    waiting=False,
                    status=_MISSED if on > due else _PENDING,
                    actor=actor,
                )
            )
        found.sort(key=lambda deadline: (deadline.due, deadline.rule_id))
        return found


_MISSED, _PENDING = DeadlineStatus.MISSED, DeadlineStatus.PENDING


def _ahead(workflow: Workflow, stage: str) -> list[Transition]:
    """The rows reachable from *stage*, nearest first (breadth first), as ketnap reads them."""
    rows = []
    seen = {stage}
    queue = deque([stage])
    while queue:
        for row in workflow.law.process.steps_from(queue.popleft()):
            rows.append(row)
            if row.target not in seen:
                seen.add(row.target)
                queue.append(row.target)
    return rows


def _terms(ruleset: RuleSet) -> Terms:
    p = ruleset.policy
    start = ruleset.effective.start or pendulum.Date(1, 1, 1)
    return Terms(
        start=start.toordinal(),
        min_age=p.min_age_months,
        max_age=p.max_age_months,
        by_calendar_month=p.age_counting is AgeCounting.CALENDAR_MONTHS,
        sponsor=p.sponsor_months,
        pool=p.min_pool_months,
        certificate=p.certificate_validity_months,
        freshness=p.dossier_validity_months,
        refresh_forms=p.refresh_forms,
        decision=p.decision_working_days,
        decision_extension=p.decision_extension_working_days,
        ceremony=p.ceremony_working_days,
        probation=p.probation_months,
        resolution=p.recognition_resolution_working_days,
        recognition=p.recognition_decision_working_days,
        recognition_extension=p.recognition_extension_working_days,
        readmission=p.readmission_wait_months,
        readmission_after_record=p.readmission_wait_after_record_months,
        min_age_label=Message(
            vi="Đủ {years} tuổi (tính theo tháng)", en="{years} full years (by month)"
        ).bind(years=p.min_age_months // 12),
        max_age_label=Message(vi="Không quá {years} tuổi", en="At most {years} years old").bind(
            years=p.max_age_months // 12
        ),
        certificate_label=Message(
            vi="Giấy chứng nhận bồi dưỡng nhận thức về Đảng còn giá trị ({term})",
            en="Awareness-course certificate valid ({term})",
        ).bind(term=months_text(p.certificate_validity_months)),
        fresh_label=Message(vi="Hồ sơ chưa quá {term}", en="Dossier not older than {term}").bind(
            term=months_text(p.dossier_validity_months)
        ),
        pool_label=Message(
            vi="Ở danh sách cảm tình Đảng đủ {term}", en="{term} on the sympathiser list"
        ).bind(term=months_text(p.min_pool_months)),
        probation_label=Message(
            vi="Đã hết {term} dự bị", en="The {term} of probation are over"
        ).bind(term=months_text(p.probation_months)),
        ceremony_label=Message(
            vi="Tổ chức lễ kết nạp trong {term} từ khi nhận quyết định",
            en="Admission ceremony within {term} of receiving the decision",
        ).bind(term=working_days_text(p.ceremony_working_days)),
        decision_labels=(
            _DECISION_TERM.bind(term=working_days_text(p.decision_working_days)),
            _DECISION_TERM.bind(
                term=working_days_text(p.decision_working_days + p.decision_extension_working_days)
            ),
        ),
        recognition_labels=(
            _RECOGNITION_TERM.bind(term=working_days_text(p.recognition_decision_working_days)),
            _RECOGNITION_TERM.bind(
                term=working_days_text(
                    p.recognition_decision_working_days + p.recognition_extension_working_days
                )
            ),
        ),
        resolution_label=_RESOLUTION_TERM.bind(
            term=working_days_text(p.recognition_resolution_working_days)
        ),
    )


# --- measurement ---------------------------------------------------------------------------

FLOOR = (
    "datetime arithmetic, a working-day bisect and a table of the rules ahead of each stage"
    " built once, labels made once per regulation, returning the same Deadline objects"
)
TARGET = 3.0
"""The ratio to the floor the deadlines aim to stay within."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument(
        "--profile", action="store_true", help="profile ketnap's run (cProfile) and print it"
    )
    parser.add_argument(
        "--sort", default="tottime", help="the profile's order (tottime, cumulative, ...)"
    )
    add_options(parser)
    args = parser.parse_args()
    n: int = args.n
    workflow = Workflow()
    law = workflow.law
    rng = random.Random(2025)

    print(f"Preparing {n:,} dossiers ...", flush=True)
    shapes = templates(workflow, min(n, 1_000), rng)
    dossiers = [clone(shapes[i % len(shapes)], f"HS-{i:07d}") for i in range(n)]
    days = [asked_on(d, rng) for d in dossiers]
    floor = Floor(workflow)

    # Before timing: the floor's deadlines must be ketnap's, every field of every one
    # (the labels with their bound values too), for every dossier.
    found = 0
    for d, on in zip(dossiers, days, strict=True):
        ours = deadlines_for(d, on=on, law=law)
        check_equal(ours, floor.deadlines(d, on), what=f"{d.id} ({d.stage}) on {on}")
        found += len(ours)

    by_stage: dict[str, list[int]] = {}
    for index, d in enumerate(dossiers):
        by_stage.setdefault(d.stage, []).append(index)
    t_stage: dict[str, dict[str, float]] = {}
    for stage, indexes in by_stage.items():
        group = [(dossiers[i], days[i]) for i in indexes]

        def run_ketnap(group: list[tuple[Dossier, pendulum.Date]] = group) -> None:
            for d, on in group:
                deadlines_for(d, on=on, law=law)

        def run_floor(group: list[tuple[Dossier, pendulum.Date]] = group) -> None:
            for d, on in group:
                floor.deadlines(d, on)

        t_stage[stage] = interleaved({"ketnap": run_ketnap, "floor": run_floor}, args.rounds)

    us = 1e6
    total = {e: sum(t[e] for t in t_stage.values()) / n * us for e in ("ketnap", "floor")}
    print(
        f"\nEvery deadline of one dossier, best of {args.rounds}, mean over {n:,} dossiers"
        f" ({found:,} deadlines, every one equal):"
    )
    print(f"  {'stage':<22}{'dossiers':>9}{'ketnap µs':>12}{'floor µs':>11}{'ratio':>8}")
    for stage in law.process.stage_codes:
        if stage not in t_stage:
            continue
        count = len(by_stage[stage])
        k, f = (t_stage[stage][e] / count * us for e in ("ketnap", "floor"))
        print(f"  {stage:<22}{count:>9,}{k:>12.1f}{f:>11.1f}{k / f:>8.1f}")
    print(
        f"  {'all':<22}{n:>9,}{total['ketnap']:>12.1f}{total['floor']:>11.1f}"
        f"{total['ketnap'] / total['floor']:>8.1f}"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for d, on in zip(dossiers, days, strict=True):
            deadlines_for(d, on=on, law=law)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)

    ratio = total["ketnap"] / total["floor"]
    emit(
        f"n={n} ketnap_us={total['ketnap']:.1f} floor_us={total['floor']:.1f} "
        f"ratio_floor={ratio:.2f}",
        [Ratio("deadlines", FLOOR, ratio, n, TARGET)],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
