"""
Take N dossiers through the whole admission lifecycle with three engines, in one run.

- ketnap: one shared transitions machine, dossiers fired as unregistered models.
- per-dossier machine: the naive use of transitions, one Machine per dossier
  (auto_transitions off, the same rules as guard), the baseline.
- floor: a hand-written dict from (stage, step) to destination that calls the same
  rule checks and appends the same history entry; what is left is ketnap's own overhead.

Every engine is driven by the same `ketnap.testing.lifecycle`, which records the votes,
certificates and documents each step needs. Times are per dossier (the whole lifecycle,
8 steps); creation times are per dossier, from records prepared beforehand; memory is
bytes retained per dossier after the lifecycle, measured with tracemalloc.

    python benchmarks/lifecycle.py            # 100,000 dossiers
    python benchmarks/lifecycle.py --n 10000  # quicker

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from collections.abc import Callable, Sequence

import attrs
import pendulum
from transitions import Machine

from ketnap import (
    Actor,
    Dossier,
    HistoryEntry,
    Stage,
    TransitionRefused,
    Workflow,
)
from ketnap.integrity import anchor
from ketnap.rules import Failure, RuleSet
from ketnap.testing import lifecycle, make_dossier

Advance = Callable[[Dossier, str, pendulum.Date, Actor], object]


def meetings(n: int, seed: int = 7) -> list[pendulum.Date]:
    """Branch meeting dates spread over 2022-2024, on working days (reproducible)."""
    rng = random.Random(seed)
    start = pendulum.Date(2022, 1, 4)
    calendar = Workflow().law.calendar
    return [calendar.roll_forward(start.add(days=rng.randrange(0, 1000))) for _ in range(n)]


def templates(dates: Sequence[pendulum.Date]) -> list[Dossier]:
    """One reference dossier per date; engines copy its records into a fresh dossier."""
    return [make_dossier(meeting=d, id=f"HS-{i:06d}") for i, d in enumerate(dates)]


def fresh(template: Dossier) -> Dossier:
    """A new dossier from a template's records: what 'creating a dossier' means here."""
    return Dossier(
        id=template.id,
        candidate=template.candidate,
        organization=template.organization,
        entered_pool_on=template.entered_pool_on,
        helper=template.helper,
        sponsors=list(template.sponsors),
        union_introduction=template.union_introduction,
        certificates=list(template.certificates),
        documents=dict(template.documents),
        verification=template.verification,
    )


def evaluate(
    workflow: Workflow, dossier: Dossier, step: str, on: pendulum.Date, actor: Actor
) -> tuple[RuleSet, list[Failure]]:
    """The same rule checks ketnap runs: the set in force, every rule of the step."""
    ruleset = workflow.law.ruleset_for(on)
    context = workflow.law.context(dossier, step, on=on, actor=actor, ruleset=ruleset)
    return ruleset, [f for r in ruleset.for_step(step) if (f := r.evaluate(context)) is not None]


# --- the floor: a plain dict dispatcher over the same rules --------------------------------


def floor_engine(workflow: Workflow) -> Advance:
    table = {(t.source, t.step): t for t in workflow.law.process.transitions}

    def advance(dossier: Dossier, step: str, on: pendulum.Date, actor: Actor) -> HistoryEntry:
        row = table[dossier.stage, step]
        ruleset, failures = evaluate(workflow, dossier, step, on, actor)
        if failures:
            raise TransitionRefused(
                failures=tuple(failures),
                step=step,
                stage=dossier.stage,
                on=on,
                actor=actor,
                regulation=ruleset.code,
            )
        entry = HistoryEntry(
            on=on,
            step=step,
            actor=actor,
            source=dossier.stage,
            target=row.target,
            regulation=ruleset.code,
            previous=anchor(dossier),
        )
        dossier.stage = row.target
        dossier.history.append(entry)
        return entry

    return advance


# --- the baseline: one transitions Machine per dossier --------------------------------------


@attrs.define(eq=False, slots=False)
class MachineDossier:
    """
    A dossier that owns its machine, as the naive use of transitions would have it.

    Not slotted, since add_model writes trigger methods onto the model (transitions #635).
    """

    dossier: Dossier
    machine: Machine
    state: str = Stage.SOURCE_POOL


def machine_for(carrier_dossier: Dossier, workflow: Workflow) -> MachineDossier:
    pending: dict[str, object] = {}

    def guard(_event: object) -> bool:
        step, on, actor = pending["step"], pending["on"], pending["actor"]
        assert isinstance(step, str)
        assert isinstance(on, pendulum.Date)
        assert isinstance(actor, Actor)
        ruleset, failures = evaluate(workflow, carrier_dossier, step, on, actor)
        pending["failures"] = failures
        pending["regulation"] = ruleset.code
        return not failures

    process = workflow.law.process
    machine = Machine(
        model=None,
        states=list(process.stage_codes),
        initial=process.initial,
        auto_transitions=False,
        send_event=True,
    )
    for t in process.transitions:
        machine.add_transition(t.step, t.source, t.target, conditions=[guard])
    holder = MachineDossier(carrier_dossier, machine)
    machine.add_model(holder)
    holder.pending = pending  # type: ignore[attr-defined]
    return holder


def baseline_advance(holder: MachineDossier, step: str, on: pendulum.Date, actor: Actor) -> None:
    pending: dict[str, object] = holder.pending  # type: ignore[attr-defined]
    pending.update(step=step, on=on, actor=actor)
    source = holder.state
    if not getattr(holder, step)():
        raise RuntimeError(pending["failures"])
    dossier = holder.dossier
    dossier.stage = holder.state
    regulation = pending["regulation"]
    assert isinstance(regulation, str)
    dossier.history.append(
        HistoryEntry(
            on=on,
            step=step,
            actor=actor,
            source=source,
            target=holder.state,
            regulation=regulation,
            previous=anchor(dossier),
        )
    )


# --- measurement ----------------------------------------------------------------------------


def drive(
    dossiers: Sequence[Dossier],
    advance: Advance,
    dates: Sequence[pendulum.Date],
    workflow: Workflow,
) -> None:
    for dossier, meeting in zip(dossiers, dates, strict=True):
        for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
            advance(dossier, step, on, actor)
        assert dossier.stage == Stage.CARD_ISSUED


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def retained_bytes(build: Callable[[], object]) -> int:
    """Bytes still allocated after *build* returns, with its result kept alive."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return after - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument(
        "--baseline-n",
        type=int,
        default=None,
        help="dossiers for the per-dossier-machine baseline (default: same as --n)",
    )
    args = parser.parse_args()
    n: int = args.n
    baseline_n: int = min(args.baseline_n or n, n)
    workflow = Workflow()
    ketnap_advance: Advance = lambda d, s, on, a: workflow.advance(d, s, on=on, actor=a)  # noqa: E731
    floor_advance = floor_engine(workflow)

    print(f"Preparing {n:,} dossiers' records ...", flush=True)
    dates = meetings(n)
    records = templates(dates)

    # Creation: a dossier from prepared records, with or without its own machine.
    ketnap_dossiers: list[Dossier] = []
    t_create_ketnap = timed(lambda: ketnap_dossiers.extend(fresh(r) for r in records))
    holders: list[MachineDossier] = []
    t_create_machine = timed(
        lambda: holders.extend(machine_for(fresh(r), workflow) for r in records[:baseline_n])
    )

    # The whole lifecycle, each engine on its own fresh dossiers.
    t_ketnap = timed(lambda: drive(ketnap_dossiers, ketnap_advance, dates, workflow))
    floor_dossiers = [fresh(r) for r in records]
    t_floor = timed(lambda: drive(floor_dossiers, floor_advance, dates, workflow))
    by_dossier = {id(h.dossier): h for h in holders}

    def machine_advance(d: Dossier, s: str, on: pendulum.Date, a: Actor) -> None:
        baseline_advance(by_dossier[id(d)], s, on, a)

    t_machine = timed(
        lambda: drive([h.dossier for h in holders], machine_advance, dates[:baseline_n], workflow)
    )
    for engine_dossiers in (ketnap_dossiers, floor_dossiers, [h.dossier for h in holders]):
        assert all(len(d.history) == 8 for d in engine_dossiers)
    assert [e.target for e in ketnap_dossiers[0].history] == [
        e.target for e in floor_dossiers[0].history
    ]
    holders.clear()
    by_dossier.clear()
    ketnap_dossiers.clear()
    floor_dossiers.clear()
    gc.collect()

    # Memory retained per dossier after the lifecycle.
    def ketnap_population(count: int) -> Callable[[], object]:
        def build() -> list[Dossier]:
            population = [fresh(r) for r in records[:count]]
            drive(population, ketnap_advance, dates[:count], workflow)
            return population

        return build

    def machine_population(count: int) -> Callable[[], object]:
        def build() -> list[MachineDossier]:
            population = [machine_for(fresh(r), workflow) for r in records[:count]]
            lookup = {id(h.dossier): h for h in population}
            drive(
                [h.dossier for h in population],
                lambda d, s, on, a: baseline_advance(lookup[id(d)], s, on, a),
                dates[:count],
                workflow,
            )
            return population

        return build

    small = min(1_000, n)
    mem_1k = retained_bytes(ketnap_population(small)) / small
    mem_n = retained_bytes(ketnap_population(n)) / n
    mem_machine = retained_bytes(machine_population(small)) / small

    us = 1e6
    per = {
        "ketnap": t_ketnap / n * us,
        "floor": t_floor / n * us,
        "machine": t_machine / baseline_n * us,
    }
    create = {"ketnap": t_create_ketnap / n * us, "machine": t_create_machine / baseline_n * us}
    print(
        f"\nLifecycle of one dossier (8 steps), mean over {n:,} dossiers "
        f"({baseline_n:,} for the per-dossier machine):"
    )
    print(
        f"  ketnap (shared machine)      {per['ketnap']:9.1f} µs   ratio to floor "
        f"{per['ketnap'] / per['floor']:.2f}"
    )
    print(f"  floor (dict dispatch)        {per['floor']:9.1f} µs   1.00")
    print(
        f"  machine per dossier          {per['machine']:9.1f} µs   ratio to floor "
        f"{per['machine'] / per['floor']:.2f}"
    )
    print("\nCreating one dossier from its records:")
    print(f"  ketnap                       {create['ketnap']:9.1f} µs")
    print(
        f"  machine per dossier          {create['machine']:9.1f} µs   "
        f"{create['machine'] / create['ketnap']:.1f}x slower"
    )
    print("\nMemory retained per dossier after the lifecycle:")
    print(f"  ketnap, {small:,} dossiers      {mem_1k:9.0f} B")
    print(f"  ketnap, {n:,} dossiers    {mem_n:9.0f} B   ratio {mem_n / mem_1k:.2f}")
    print(
        f"  machine per dossier, {small:,}  {mem_machine:9.0f} B   "
        f"{mem_machine / mem_1k:.1f}x ketnap"
    )
    print(
        f"n={n} ketnap_us={per['ketnap']:.1f} floor_us={per['floor']:.1f} "
        f"machine_us={per['machine']:.1f} ratio_floor={per['ketnap'] / per['floor']:.2f} "
        f"ratio_machine={per['machine'] / per['floor']:.2f} "
        f"create_speedup={create['machine'] / create['ketnap']:.1f} "
        f"mem_1k={mem_1k:.0f} mem_100k={mem_n:.0f} mem_machine_1k={mem_machine:.0f}"
    )


if __name__ == "__main__":
    main()
