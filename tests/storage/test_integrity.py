"""The history chain: every kind of single edit is caught, and the anchor catches a rewrite."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import Dossier, HistoryEntry, InvalidDocument, Stage, Step, TamperedHistory, Workflow
from ketnap.integrity import anchor, chain_start, entry_digest, verify
from ketnap.rules import Period
from ketnap.rules.regulations import REGULATIONS
from ketnap.storage.documents import DEFAULT_FORMAT
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING


@pytest.fixture
def carded(workflow: Workflow) -> Dossier:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING)
    return dossier


def test_a_walked_dossier_verifies_and_its_anchor_is_the_last_digest(carded: Dossier) -> None:
    verify(carded, anchor=anchor(carded))
    assert anchor(carded) == carded.history[-1].digest
    assert carded.history[0].previous == chain_start(carded.id)


def test_a_new_dossier_anchors_to_its_chain_start() -> None:
    dossier = make_dossier(meeting=MEETING)
    verify(dossier, anchor=chain_start(dossier.id))
    assert anchor(dossier) == chain_start(dossier.id)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("on", pendulum.Date(2024, 3, 13)),
        ("step", Step.REFUSE),
        ("regulation", "29-QĐ/TW"),
        ("reference", "99-NQ/CB"),
    ],
)
def test_editing_an_entry_is_caught_at_its_digest(carded: Dossier, field: str, value: Any) -> None:
    carded.history[2] = attrs.evolve(carded.history[2], **{field: value})
    with pytest.raises(TamperedHistory) as caught:
        verify(carded)
    assert caught.value.path == "$.history[2].digest"


def _counting_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The steps of the entries hashed from now on, in order."""
    hashed: list[str] = []
    expected = HistoryEntry.expected_digest

    def counting(entry: HistoryEntry) -> str:
        hashed.append(entry.step)
        return expected(entry)

    monkeypatch.setattr(HistoryEntry, "expected_digest", counting)
    return hashed


def test_an_entry_found_right_is_not_hashed_again(
    carded: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store verifies every history on every save: an entry checked once stays checked."""
    # Read back from its text, as a store loads it: the digests are given, not made.
    loaded = DEFAULT_FORMAT.loads(DEFAULT_FORMAT.dumps(carded), verify=False)
    hashed = _counting_hashes(monkeypatch)
    verify(loaded)
    verify(loaded)
    assert len(hashed) == len(loaded.history)


def test_an_entry_that_made_its_own_digest_is_not_hashed_to_check_it(
    carded: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An act's entry is made without a digest: the one computed then is known right."""
    hashed = _counting_hashes(monkeypatch)
    verify(carded)
    assert hashed == []


def test_an_entry_given_its_digest_is_hashed_even_when_the_digest_is_right(
    carded: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = attrs.evolve(carded.history[2])  # every field given, the digest too
    carded.history[2] = given
    hashed = _counting_hashes(monkeypatch)
    verify(carded)
    assert hashed == [given.step]


@pytest.mark.parametrize("field", ["on", "reference"])
def test_an_entry_edited_after_its_original_was_checked_is_caught(
    carded: Dossier, field: str
) -> None:
    verify(carded)  # every entry found right, and remembered as such
    value: Any = {"on": pendulum.Date(2024, 3, 13), "reference": "99-NQ/CB"}[field]
    carded.history[2] = attrs.evolve(carded.history[2], **{field: value})
    with pytest.raises(TamperedHistory) as caught:
        verify(carded)
    assert caught.value.path == "$.history[2].digest"


def test_editing_an_entry_and_its_digest_breaks_the_next_link(carded: Dossier) -> None:
    edited = attrs.evolve(carded.history[2], on=pendulum.Date(2024, 3, 13))
    carded.history[2] = attrs.evolve(edited, digest=edited.expected_digest())
    with pytest.raises(TamperedHistory) as caught:
        verify(carded)
    assert caught.value.path == "$.history[3].previous"


def test_removing_an_entry_is_caught(carded: Dossier) -> None:
    del carded.history[3]
    with pytest.raises(TamperedHistory, match=r"history\[3\]"):
        verify(carded)


def test_reordering_entries_is_caught(carded: Dossier) -> None:
    carded.history[1], carded.history[2] = carded.history[2], carded.history[1]
    with pytest.raises(TamperedHistory, match=r"history\[1\]"):
        verify(carded)


def test_inserting_a_copied_entry_is_caught(carded: Dossier) -> None:
    carded.history.insert(4, carded.history[4])
    with pytest.raises(TamperedHistory, match=r"history\[5\]"):
        verify(carded)


def test_changing_the_stage_without_an_entry_is_caught(carded: Dossier) -> None:
    carded.stage = Stage.REMOVED
    with pytest.raises(TamperedHistory) as caught:
        verify(carded)
    assert caught.value.path == "$.stage"


def test_an_entry_from_another_stage_is_caught_even_if_chained(carded: Dossier) -> None:
    # A rewritten chain whose stages do not connect: the source check names the entry.
    carded.history = carded.history[:2] + carded.history[3:]
    rewritten = clone(carded, carded.id)
    with pytest.raises(TamperedHistory) as caught:
        verify(rewritten)
    assert caught.value.path == "$.history[2].source"


def test_a_whole_rewritten_chain_is_caught_only_by_the_anchor(carded: Dossier) -> None:
    kept = anchor(carded)
    last = carded.history[-1]
    carded.history[-1] = attrs.evolve(last, reference="forged", digest="")
    carded.history[-1] = attrs.evolve(
        carded.history[-1], digest=carded.history[-1].expected_digest()
    )
    verify(carded)  # internally consistent: the chain alone cannot tell
    with pytest.raises(TamperedHistory) as caught:
        verify(carded, anchor=kept)
    assert caught.value.path == "$.history"


def test_a_chain_moved_to_another_dossier_is_caught(carded: Dossier) -> None:
    other = make_dossier(meeting=MEETING, id="HS-002")
    other.history = list(carded.history)
    other.stage = carded.stage
    with pytest.raises(TamperedHistory, match=r"history\[0\]\.previous"):
        verify(other)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"regulation": "a|b", "reference": "c"}, {"regulation": "a", "reference": "b|c"}),
        ({"regulation": "r", "reference": None}, {"regulation": "r", "reference": "-"}),
        ({"regulation": "r", "reference": None}, {"regulation": "r", "reference": ""}),
    ],
)
def test_free_text_cannot_shift_between_fields(
    left: dict[str, str | None], right: dict[str, str | None]
) -> None:
    fixed = {
        "previous": "0",
        "on": pendulum.Date(2024, 1, 1),
        "step": "refuse",
        "actor": "branch",
        "source": "proposed",
        "target": "refused",
    }
    assert entry_digest(**fixed, **left) != entry_digest(**fixed, **right)  # type: ignore[arg-type]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_a_copy_of_a_checked_entry_edited_in_place_is_caught(carded: Dossier, copier: Any) -> None:
    # What attr.assoc does: a copy, then its field written over, frozen or not.
    edited = copier(carded.history[2])
    object.__setattr__(edited, "on", pendulum.Date(2024, 3, 13))
    carded.history[2] = edited
    with pytest.raises(TamperedHistory) as caught:
        verify(carded)
    assert caught.value.path == "$.history[2].digest"


@attrs.frozen
class _EndExclusive(Period):
    """A period whose last day is not in it: its own ``contains`` is what counts."""

    def contains(self, on: pendulum.Date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


def test_a_regulation_of_a_period_class_of_its_own_is_read_by_its_contains(
    carded: Dossier,
) -> None:
    last = carded.history[-1]
    given = [
        attrs.evolve(ruleset, effective=_EndExclusive(ruleset.effective.start, last.on))
        if ruleset.code == last.regulation
        else ruleset
        for ruleset in REGULATIONS.values()
    ]
    with pytest.raises(InvalidDocument) as caught:
        verify(carded, regulations=given)
    assert caught.value.path == f"$.history[{len(carded.history) - 1}].regulation"
