"""
Histories are legal, not only intact: a chain rebuilt with fresh digests still has to
be a history that could have happened (steps, actors, dates, regulations, facts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Actor, Dossier, HistoryEntry, InvalidDocument, Stage, Step, Workflow
from ketnap.cli import cli
from ketnap.integrity import chain_start, verify
from ketnap.storage import checked_dumps, dumps, loads
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING


def rechain(dossier: Dossier, entries: list[HistoryEntry]) -> Dossier:
    """Give *dossier* the history *entries*, chained with fresh digests (a forger's work)."""
    previous = chain_start(dossier.id)
    history = []
    for entry in entries:
        unsealed = attrs.evolve(entry, previous=previous, digest="")
        sealed = attrs.evolve(unsealed, digest=unsealed.expected_digest())
        history.append(sealed)
        previous = sealed.digest
    dossier.history = history
    dossier.stage = history[-1].target if history else Stage.SOURCE_POOL
    return dossier


@pytest.fixture
def member() -> Dossier:
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.CARD_ISSUED)
    return dossier


def _refused(dossier: Dossier, path: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        verify(dossier)
    assert caught.value.path == path
    with pytest.raises(InvalidDocument):
        loads(dumps(dossier))  # the loader replays the same checks
    with pytest.raises(InvalidDocument):
        checked_dumps(dossier)  # and nothing illegal is written


def test_one_entry_from_the_pool_to_the_card_is_refused(member: Dossier) -> None:
    first = member.history[0]
    forged = attrs.evolve(first, target=Stage.CARD_ISSUED)
    _refused(rechain(member, [forged]), "$.history[0].step")


def test_a_step_fired_by_an_actor_the_process_does_not_allow_is_refused(member: Dossier) -> None:
    entries = list(member.history)
    decision = next(i for i, e in enumerate(entries) if e.step == Step.DECIDE_ADMISSION)
    entries[decision] = attrs.evolve(entries[decision], actor=Actor.BRANCH)
    _refused(rechain(member, entries), f"$.history[{decision}].actor")


def test_an_entry_dated_before_the_one_before_it_is_refused(member: Dossier) -> None:
    entries = list(member.history)
    entries[3] = attrs.evolve(entries[3], on=entries[2].on.subtract(days=1))
    _refused(rechain(member, entries), "$.history[3].on")


def test_an_entry_dated_the_same_day_as_the_one_before_it_is_accepted(member: Dossier) -> None:
    entries = list(member.history)
    entries[1] = attrs.evolve(entries[1], on=entries[0].on)
    verify(rechain(member, entries))


def test_a_first_entry_before_entering_the_pool_is_refused(member: Dossier) -> None:
    entries = list(member.history)
    entries[0] = attrs.evolve(entries[0], on=member.entered_pool_on.subtract(days=1))
    _refused(rechain(member, entries), "$.history[0].on")


def test_a_first_entry_on_the_day_of_entering_the_pool_is_accepted(member: Dossier) -> None:
    entries = list(member.history)
    entries[0] = attrs.evolve(entries[0], on=member.entered_pool_on)
    verify(rechain(member, entries))


def test_an_entry_before_birth_is_refused(member: Dossier) -> None:
    # Entering the pool comes after birth (the model refuses otherwise), so an entry
    # dated before birth is before entering the pool.
    entries = list(member.history)
    entries[0] = attrs.evolve(entries[0], on=member.candidate.birth_date.subtract(days=1))
    _refused(rechain(member, entries), "$.history[0].on")


def test_a_regulation_that_does_not_exist_is_refused(member: Dossier) -> None:
    entries = list(member.history)
    entries[2] = attrs.evolve(entries[2], regulation="99-QĐ/TW")
    _refused(rechain(member, entries), "$.history[2].regulation")


@pytest.mark.parametrize(
    ("regulation", "day", "legal"),
    [
        ("29-QĐ/TW", pendulum.Date(2021, 7, 29), True),  # the last day of QĐ 29
        ("29-QĐ/TW", pendulum.Date(2021, 7, 30), False),  # QĐ 24's first day
        ("29-QĐ/TW", pendulum.Date(2021, 7, 31), False),
        ("24-QĐ/TW", pendulum.Date(2021, 7, 29), False),  # the day before QĐ 24
        ("24-QĐ/TW", pendulum.Date(2021, 7, 30), True),
        ("24-QĐ/TW", pendulum.Date(2021, 7, 31), True),
    ],
)
def test_a_regulation_counts_only_on_the_days_it_was_in_force(
    regulation: str, day: pendulum.Date, legal: bool
) -> None:
    dossier = make_dossier(meeting=pendulum.Date(2022, 3, 1))
    dossier.entered_pool_on = pendulum.Date(2021, 1, 4)
    entry = HistoryEntry(
        on=day,
        step=Step.COMPLETE_TRAINING,
        actor=Actor.BRANCH,
        source=Stage.SOURCE_POOL,
        target=Stage.TRAINED,
        regulation=regulation,
        previous="",
    )
    rechain(dossier, [entry])
    if legal:
        verify(dossier)
    else:
        _refused(dossier, "$.history[0].regulation")


def test_a_card_issued_without_a_card_number_is_refused(member: Dossier) -> None:
    member.card_number = None
    _refused(member, "$.card_number")


def test_a_decision_received_before_the_decision_is_refused(member: Dossier) -> None:
    decided = member.admission_decision_date
    assert decided is not None
    member.decision_received_on = decided.subtract(days=1)
    _refused(member, "$.decision_received_on")


def test_a_decision_received_on_the_day_of_the_decision_is_accepted(member: Dossier) -> None:
    member.decision_received_on = member.admission_decision_date
    verify(member)


def test_a_decision_received_without_a_decision_is_refused() -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROPOSED)
    dossier.decision_received_on = MEETING
    _refused(dossier, "$.decision_received_on")


Forgery = Callable[[Dossier], Dossier]


def _impossible_full_member(dossier: Dossier) -> Dossier:
    first = dossier.history[0]
    return rechain(
        dossier,
        [attrs.evolve(first, step=Step.COMPLETE_TRAINING, target=Stage.FULL_MEMBER)],
    )


def test_import_does_not_fabricate_a_full_member(tmp_path: Path, member: Dossier) -> None:
    forged = _impossible_full_member(member)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(json.loads(dumps(forged)), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "history[0]" in result.output
    assert "Traceback" not in result.output
