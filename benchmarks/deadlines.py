"""
Every deadline of N dossiers at various stages: `ketnap.deadlines_for` against a floor.

- ketnap: `ketnap.deadlines_for(dossier, on=..., workflow=...)`: the windows of the
  time-bound rules that guard the steps ahead of the dossier in its process, under the
  rule set in force on the date, plus the branch's recognition-resolution term; each a
  `Deadline` with its label, clause, status and who must act.
- floor: the same dates by hand with `datetime.date`: a table from stage to the rules
  ahead (built once, before timing, from the process and the rule sets, as a hard-coded
  implementation would have it), the regulation in force by comparing ordinals, month
  arithmetic by hand, and working days by bisect over a sorted list of the working days
  of the same calendar (Monday to Friday, minus ``holidays.country_holidays("VN")``,
  plus the weekend days worked in exchange). Tuples out, no messages.

The dossiers: 1,000 templates walked with `ketnap.testing` (`make_dossier`, `walk`) to
every stage of the path, half of them under a base committee, with meetings spread over
2022-2025; among those still before the branch meeting, some candidates are not yet 18
and some sponsors have been alongside them for under 12 months. `clone` copies them to N
dossiers, each asked on a day 0 to 120 days after its last act. The floor's answer must
equal ketnap's (date, rule, step, waiting, missed, actor) on a sample before timing.

    python benchmarks/deadlines.py            # 100,000 dossiers
    python benchmarks/deadlines.py --n 10000  # quicker

Times are per dossier, measured in one run; the last line holds the figures as
key=value pairs.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import datetime as dt
import gc
import pstats
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence

import attrs
import holidays
import pendulum

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

# One deadline, as both engines give it: (due, rule id, step, waiting, missed, actor).
Row = tuple[dt.date, str, str, bool, bool, Actor | None]


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


# A window as the floor sees it: (what, first day it holds, last day it holds).
Window = tuple[str, dt.date | None, dt.date | None]
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


def w_age_minimum(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    birth = d.candidate.birth_date
    ready = (
        first_of_month_after(birth, t.min_age)
        if t.by_calendar_month
        else add_months(birth, t.min_age)
    )
    yield "", ready, None


def w_age_maximum(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    candidate = d.candidate
    if not candidate.over_sixty_grounds:
        birth, months = candidate.birth_date, t.max_age + 1
        over = (
            first_of_month_after(birth, months)
            if t.by_calendar_month
            else add_months(birth, months)
        )
        yield "", None, over - dt.timedelta(days=1)


def w_certificate(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    issued = None
    for c in d.certificates:
        if c.kind is CertificateKind.AWARENESS_COURSE and (issued is None or c.issued_on >= issued):
            issued = c.issued_on
    if issued is not None:
        yield "", issued, add_months(issued, t.certificate)


def w_fresh(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    documents = d.documents
    dated = [documents[form].dated for form in t.refresh_forms if form in documents]
    if dated:
        yield "", None, add_months(min(dated), t.freshness)


def w_pool(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    yield "", add_months(d.entered_pool_on, t.pool), None


def w_readmission(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    prior = d.candidate.prior_membership
    if prior is None:
        return
    if prior.reason is not LeavingReason.CONVICTED_LESS_SERIOUS_CRIME:
        yield "", add_months(prior.left_on, t.readmission), None
    elif prior.record_cleared_on is not None:
        yield "", add_months(prior.record_cleared_on, t.readmission_after_record), None
    # else: never (the record is not cleared), which is no deadline


def w_sponsor_official(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    for s in _active_sponsors(d):
        if s.status is MemberStatus.OFFICIAL and s.official_since is not None:
            yield s.name, s.official_since, None


def w_sponsor_duration(d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
    for s in _active_sponsors(d):
        if s.replaces is None:
            yield s.name, add_months(s.alongside_since, t.sponsor), None


def w_chronology(d: Dossier, _t: Terms, _on: dt.date) -> Iterator[Window]:
    yield "", d.history[-1].on if d.history else d.entered_pool_on, None


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
        self.ahead: list[dict[str, list[tuple[WindowFn, str, str, Actor]]]] = []
        for ruleset in workflow.law.regulations:
            table: dict[str, list[tuple[WindowFn, str, str, Actor]]] = {}
            for stage in process.stage_codes:
                seen: set[str] = set()
                found = []
                for row in _ahead(workflow, stage):
                    for rule in ruleset.for_step(row.step):
                        if rule.window is not None and rule.id not in seen:
                            seen.add(rule.id)
                            found.append(
                                (self.windows[rule.id], rule.id, row.step, min(row.actors))
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
            days = t.decision
            if _approved(d, ApprovalKind.DECISION_EXTENSION, on):
                days += t.decision_extension
            yield "", None, self.add_working_days(resolution, days)

    def w_ceremony(self, d: Dossier, t: Terms, on: dt.date) -> Iterator[Window]:
        received = d.decision_received_on or _last_act(d, Step.DECIDE_ADMISSION)
        if received is not None and not _approved(d, ApprovalKind.CEREMONY_DELAY, on):
            yield "", None, self.add_working_days(received, t.ceremony)

    def w_probation(self, d: Dossier, t: Terms, _on: dt.date) -> Iterator[Window]:
        ceremony = _last_act(d, Step.HOLD_CEREMONY)
        if ceremony is not None:
            yield "", add_months(ceremony, t.probation) + dt.timedelta(days=1), None

    def w_recognition(self, d: Dossier, t: Terms, on: dt.date) -> Iterator[Window]:
        resolution = _last_act(d, Step.PROPOSE_RECOGNITION)
        if resolution is not None:
            days = t.recognition
            if _approved(d, ApprovalKind.RECOGNITION_EXTENSION, on):
                days += t.recognition_extension
            yield "", None, self.add_working_days(resolution, days)

    def deadlines(self, d: Dossier, on: dt.date) -> list[Row]:
        stage = d.stage
        if stage in self.final:
            return []
        ordinal = on.toordinal()
        index = len(self.terms) - 1  # the regulations, oldest first, follow each other
        while self.terms[index].start > ordinal:
            index -= 1
        terms = self.terms[index]
        found: list[Row] = []
        seen: set[tuple[str, str, dt.date]] = set()
        for window, rule_id, step, actor in self.ahead[index][stage]:
            for what, holds_from, holds_until in window(d, terms, on):
                if holds_until is not None:
                    due, waiting = holds_until, False
                elif holds_from is not None and holds_from > on:
                    due, waiting = holds_from, True
                else:
                    continue
                if (rule_id, what, due) in seen:
                    continue
                seen.add((rule_id, what, due))
                missed = not waiting and on > due
                found.append((due, rule_id, step, waiting, missed, None if waiting else actor))
        proposal = self.resolution.get(stage)
        ceremony = _last_act(d, Step.HOLD_CEREMONY) if proposal else None
        if proposal is not None and ceremony is not None:
            end = add_months(ceremony, terms.probation)
            due = self.add_working_days(end, terms.resolution)
            step, actor = proposal
            found.append((due, "term.recognition_resolution", step, False, on > due, actor))
        found.sort(key=lambda row: (row[0], row[1]))
        return found


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
    )


# --- measurement ---------------------------------------------------------------------------


def as_rows(found: Sequence[Deadline]) -> list[Row]:
    """ketnap's deadlines in the floor's shape."""
    return [
        (d.due, d.rule_id, d.step, d.waiting, d.status is DeadlineStatus.MISSED, d.actor)
        for d in found
    ]


def timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument("--sample", type=int, default=5_000, help="dossiers checked (5,000)")
    parser.add_argument(
        "--profile", action="store_true", help="profile ketnap's run (cProfile) and print it"
    )
    args = parser.parse_args()
    n: int = args.n
    workflow = Workflow()
    rng = random.Random(2025)

    print(f"Preparing {n:,} dossiers ...", flush=True)
    shapes = templates(workflow, min(n, 1_000), rng)
    dossiers = [clone(shapes[i % len(shapes)], f"HS-{i:07d}") for i in range(n)]
    days = [asked_on(d, rng) for d in dossiers]
    floor = Floor(workflow)

    # The floor must give ketnap's answer, before anything is timed.
    step = max(1, n // min(n, args.sample))
    checked = 0
    for d, on in zip(dossiers[::step], days[::step], strict=True):
        ours = as_rows(deadlines_for(d, on=on, law=workflow.law))
        theirs = floor.deadlines(d, on)
        assert ours == theirs, (d.id, d.stage, on, ours, theirs)
        checked += 1

    by_stage: dict[str, list[int]] = {}
    for index, d in enumerate(dossiers):
        by_stage.setdefault(d.stage, []).append(index)
    found = {"ketnap": 0, "floor": 0}
    t_stage: dict[str, dict[str, float]] = {}
    for stage, indexes in by_stage.items():
        group = [(dossiers[i], days[i]) for i in indexes]

        def run_ketnap(group: list[tuple[Dossier, pendulum.Date]] = group) -> None:
            found["ketnap"] += sum(len(deadlines_for(d, on=o, law=workflow.law)) for d, o in group)

        def run_floor(group: list[tuple[Dossier, pendulum.Date]] = group) -> None:
            found["floor"] += sum(len(floor.deadlines(d, o)) for d, o in group)

        t_stage[stage] = {"ketnap": timed(run_ketnap), "floor": timed(run_floor)}
    assert found["ketnap"] == found["floor"], found

    us = 1e6
    total = {e: sum(t[e] for t in t_stage.values()) / n * us for e in ("ketnap", "floor")}
    print(
        f"\nEvery deadline of one dossier, mean over {n:,} dossiers "
        f"({found['ketnap']:,} deadlines; {checked:,} dossiers checked equal):"
    )
    print(f"  {'stage':<22}{'dossiers':>9}{'ketnap µs':>12}{'floor µs':>11}{'ratio':>8}")
    for stage in workflow.law.process.stage_codes:
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
            deadlines_for(d, on=on, law=workflow.law)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    print(
        f"n={n} ketnap_us={total['ketnap']:.1f} floor_us={total['floor']:.1f} "
        f"ratio_floor={total['ketnap'] / total['floor']:.2f}"
    )


if __name__ == "__main__":
    main()
