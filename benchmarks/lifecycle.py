"""
Take N dossiers through the whole admission lifecycle with three engines, in one run.

- ketnap: `Workflow.advance`, one shared transitions machine, dossiers fired as
  unregistered models.
- per-dossier machine: the naive use of transitions, one Machine per dossier
  (auto_transitions off, the same rules as guard), the baseline.
- floor: a hand-written dict from (stage, step) to destination that calls the same
  rule checks and appends the same sealed history entry; what is left is ketnap's own
  overhead.

Why this is the fastest fair floor: an engine must at least find the transition, run
the rules that guard it (every rule of the step, under the rule set in force) and
append the history entry with its seal; the floor does exactly that, through a dict
built once, and nothing else (no machine, no hooks, no audit of late acts).

The acts are computed once, before timing: `ketnap.testing.lifecycle` drives a scratch
dossier per template and records, before each step, what the step needs (the vote, the
certificates, the documents); each act keeps those records as values to set. Timed is
only an engine applying the acts (setting the records, taking the step) to fresh
dossiers made before timing, so the test driver sits in neither side. Before timing,
each engine applies every act once and every dossier (stage, history with its seals,
records) must be the same as ketnap's, field for field; then the engines run
interleaved, the best of --rounds kept. Creation times are per dossier, from records
prepared beforehand; memory is bytes retained per dossier after the lifecycle,
measured with tracemalloc.

    python benchmarks/lifecycle.py            # 100,000 dossiers
    python benchmarks/lifecycle.py --n 10000  # quicker

The last line holds the figures as key=value pairs (with --json, then one JSON line).
"""

from __future__ import annotations

import argparse
import copy
import gc
import random
import tracemalloc
from collections.abc import Callable, Sequence

import attrs
import pendulum
from _harness import Ratio, add_options, check_equal, emit, interleaved
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


# --- the acts, computed once ------------------------------------------------------------------

# What an engine owns on a dossier; everything else is a record the application keeps.
_ENGINE_FIELDS = frozenset({"stage", "history", "revision", "late_acts", "refusals"})
_RECORDS = tuple(f.name for f in attrs.fields(Dossier) if f.name not in _ENGINE_FIELDS)

# One act: the records to set on the dossier first, then the step, its day and actor.
Act = tuple[tuple[tuple[str, object], ...], str, pendulum.Date, Actor]


def _snapshot(dossier: Dossier) -> dict[str, object]:
    return {name: copy.copy(getattr(dossier, name)) for name in _RECORDS}


def acts_of(template: Dossier, meeting: pendulum.Date, workflow: Workflow) -> list[Act]:
    """
    The acts that take a dossier made from *template* to the card, with their records.

    `ketnap.testing.lifecycle` drives a scratch dossier once (through ketnap): before each
    step it records what the step needs (a vote, a certificate, documents), and those
    changes are kept as values to set, so that applying an act costs a field assignment.
    """
    scratch = fresh(template)
    before = _snapshot(scratch)
    found: list[Act] = []
    for step, on, actor in lifecycle(scratch, meeting=meeting, workflow=workflow):
        now = _snapshot(scratch)
        changes = tuple((name, now[name]) for name in _RECORDS if now[name] != before[name])
        found.append((changes, step, on, actor))
        workflow.advance(scratch, step, on=on, actor=actor)
        before = _snapshot(scratch)
    return found


def own(acts: Sequence[list[Act]]) -> list[list[Act]]:
    """Copies of *acts* whose lists and dicts are new: each dossier gets records of its own."""
    return [
        [
            (tuple((name, copy.copy(value)) for name, value in changes), step, on, actor)
            for changes, step, on, actor in one
        ]
        for one in acts
    ]


def apply(dossiers: Sequence[Dossier], acts: Sequence[list[Act]], advance: Advance) -> None:
    """Apply each dossier's acts with *advance*: set the records, take the step."""
    record = object.__setattr__  # the values were checked when the scratch dossier took them
    for dossier, own in zip(dossiers, acts, strict=True):
        for changes, step, on, actor in own:
            for name, value in changes:
                record(dossier, name, value)
            advance(dossier, step, on, actor)


# --- measurement ----------------------------------------------------------------------------


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


FLOOR = (
    "a dict from (stage, step) to the transition that runs the same rule checks and"
    " appends the same sealed history entry, applying the same acts computed beforehand"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument(
        "--baseline-n",
        type=int,
        default=None,
        help="dossiers for the per-dossier-machine baseline (default: same as --n)",
    )
    add_options(parser)
    args = parser.parse_args()
    n: int = args.n
    baseline_n: int = min(args.baseline_n or n, n)
    workflow = Workflow()
    ketnap_advance: Advance = lambda d, s, on, a: workflow.advance(d, s, on=on, actor=a)  # noqa: E731
    floor_advance = floor_engine(workflow)

    print(f"Preparing {n:,} dossiers' records and acts ...", flush=True)
    dates = meetings(n)
    records = templates(dates)
    acts = [acts_of(r, d, workflow) for r, d in zip(records, dates, strict=True)]

    machines: dict[int, MachineDossier] = {}

    def machine_advance(d: Dossier, s: str, on: pendulum.Date, a: Actor) -> None:
        baseline_advance(machines[id(d)], s, on, a)

    def made(side: str) -> tuple[list[Dossier], list[list[Act]]]:
        """Fresh dossiers for *side* (the baseline's with their machines), and their acts."""
        if side != "machine":
            return [fresh(r) for r in records], own(acts)
        machines.clear()
        holders = [machine_for(fresh(r), workflow) for r in records[:baseline_n]]
        machines.update((id(h.dossier), h) for h in holders)
        return [h.dossier for h in holders], own(acts[:baseline_n])

    engines: dict[str, Advance] = {
        "ketnap": ketnap_advance,
        "floor": floor_advance,
        "machine": machine_advance,
    }
    # Before timing: every engine applies every act once, and every dossier must come out
    # the same, field for field (the stage, each history entry with its seal, the records).
    done = {}
    for side, advance in engines.items():
        dossiers, their_acts = made(side)
        apply(dossiers, their_acts, advance)
        done[side] = dossiers
    assert all(d.stage == Stage.CARD_ISSUED and len(d.history) == 8 for d in done["ketnap"])
    check_equal(done["ketnap"], done["floor"], what="ketnap's and the floor's dossiers")
    check_equal(
        done["ketnap"][:baseline_n], done["machine"], what="ketnap's and the machines' dossiers"
    )
    done.clear()

    # The whole lifecycle, each engine on its own fresh dossiers, made before timing.
    prepared: dict[str, tuple[list[Dossier], list[list[Act]]]] = {}

    def before(side: str) -> None:
        prepared[side] = made(side)

    def after(side: str) -> None:
        del prepared[side]
        machines.clear()

    def applying(side: str) -> Callable[[], None]:
        return lambda: apply(*prepared[side], engines[side])

    best = interleaved(
        {side: applying(side) for side in engines},
        args.rounds,
        before=before,
        after=after,
    )
    # Creation: a dossier from prepared records, with or without its own machine.
    created = interleaved(
        {
            "ketnap": lambda: [fresh(r) for r in records],
            "machine": lambda: [machine_for(fresh(r), workflow) for r in records[:baseline_n]],
        },
        args.rounds,
    )

    # Memory retained per dossier after the lifecycle.
    def ketnap_population(count: int) -> Callable[[], object]:
        def build() -> list[Dossier]:
            population = [fresh(r) for r in records[:count]]
            apply(population, own(acts[:count]), ketnap_advance)
            return population

        return build

    def machine_population(count: int) -> Callable[[], object]:
        def build() -> list[MachineDossier]:
            population = [machine_for(fresh(r), workflow) for r in records[:count]]
            lookup = {id(h.dossier): h for h in population}
            apply(
                [h.dossier for h in population],
                own(acts[:count]),
                lambda d, s, on, a: baseline_advance(lookup[id(d)], s, on, a),
            )
            return population

        return build

    small = min(1_000, n)
    mem_1k = retained_bytes(ketnap_population(small)) / small
    mem_n = retained_bytes(ketnap_population(n)) / n
    mem_machine = retained_bytes(machine_population(small)) / small

    us = 1e6
    per = {
        "ketnap": best["ketnap"] / n * us,
        "floor": best["floor"] / n * us,
        "machine": best["machine"] / baseline_n * us,
    }
    create = {"ketnap": created["ketnap"] / n * us, "machine": created["machine"] / baseline_n * us}
    print(
        f"\nLifecycle of one dossier (8 steps, the acts computed beforehand), best of"
        f" {args.rounds}, mean over {n:,} dossiers ({baseline_n:,} for the per-dossier"
        " machine); every dossier equal:"
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
    ratio = per["ketnap"] / per["floor"]
    emit(
        f"n={n} ketnap_us={per['ketnap']:.1f} floor_us={per['floor']:.1f} "
        f"machine_us={per['machine']:.1f} ratio_floor={ratio:.2f} "
        f"ratio_machine={per['machine'] / per['floor']:.2f} "
        f"create_speedup={create['machine'] / create['ketnap']:.1f} "
        f"mem_1k={mem_1k:.0f} mem_100k={mem_n:.0f} mem_machine_1k={mem_machine:.0f}",
        [Ratio("lifecycle", FLOOR, ratio, n)],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
