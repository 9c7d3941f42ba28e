"""Records added to a dossier as a document gives them, and journals of records and acts."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Dossier, InvalidDocument, Stage, StaleDossier, Workflow
from ketnap.cli import cli
from ketnap.journal import JournalRefused, apply_journal, read_journal
from ketnap.storage import SQLiteStore, to_document, with_records
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

BRANCH_VOTE = {
    "body": "branch",
    "purpose": "admission",
    "held_on": "2024-03-12",
    "members_counted": 12,
    "in_favour": 11,
}


def prepared() -> Dossier:
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PREPARED)
    return dossier


def test_records_append_votes_merge_documents_and_replace_the_rest() -> None:
    dossier = make_dossier(meeting=MEETING)
    dossier.revision = 3
    form = next(iter(dossier.documents))
    updated = with_records(
        dossier,
        {
            "votes": [BRANCH_VOTE],
            "documents": {form: {"form": form, "dated": "2024-03-01"}},
            "card_number": "01.000001",
        },
    )
    assert len(updated.votes) == len(dossier.votes) + 1
    assert updated.documents[form].dated == pendulum.date(2024, 3, 1)
    assert set(updated.documents) == set(dossier.documents)
    assert updated.card_number == "01.000001"
    assert updated.revision == 3  # the stored copy it replaces
    assert dossier.votes == []  # the given dossier is left as it was


def test_null_clears_an_optional_record() -> None:
    dossier = make_dossier(meeting=MEETING)
    assert dossier.verification is not None
    assert with_records(dossier, {"verification": None}).verification is None


@pytest.mark.parametrize(
    ("records", "path"),
    [
        ({"votes": [{**BRANCH_VOTE, "held_on": "12/03/2024"}]}, "$.records.votes[0].held_on"),
        ({"votes": BRANCH_VOTE}, "$.records.votes"),
        ({"stage": "probation"}, "$.records.stage"),
        ({"history": []}, "$.records.history"),
        ({"refusals": []}, "$.records.refusals"),
        ({"nickname": "x"}, "$.records.nickname"),
        ({"documents": []}, "$.records.documents"),
        ({"decision_received_on": "2024-04-15"}, "$.records.decision_received_on"),
    ],
)
def test_invalid_records_name_their_place(records: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        with_records(make_dossier(meeting=MEETING), records)
    assert caught.value.path == path


def test_a_vote_added_after_earlier_ones_is_named_by_its_place_in_the_records() -> None:
    dossier = make_dossier(meeting=MEETING)
    once = with_records(dossier, {"votes": [BRANCH_VOTE]})
    with pytest.raises(InvalidDocument) as caught:
        with_records(once, {"votes": [BRANCH_VOTE, {**BRANCH_VOTE, "in_favour": "11"}]})
    assert caught.value.path == "$.records.votes[1].in_favour"


def journal(*lines: dict[str, object]) -> list[str]:
    return [json.dumps(line) for line in lines]


PROPOSE = {"step": "propose_admission", "on": "2024-03-12", "actor": "branch"}


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "s.db")
    store.save(prepared())
    other = make_dossier(meeting=MEETING, id="HS-002")
    walk(Workflow(), other, meeting=MEETING, until=Stage.PREPARED)
    other.votes.clear()
    store.save(other)
    return store


def test_a_journal_records_the_vote_then_the_act_it_carries(store: SQLiteStore) -> None:
    lines = journal(
        {"dossier": "HS-001", "records": {"votes": [BRANCH_VOTE]}},
        {"dossier": "HS-001", **PROPOSE, "reference": "05-NQ/CB"},
    )
    result = apply_journal(store, read_journal(lines), workflow=Workflow())
    assert (result.acts, result.records, result.saved) == (1, 1, 1)
    stored = store.load("HS-001")
    assert stored.stage == Stage.PROPOSED
    assert stored.history[-1].reference == "05-NQ/CB"


def test_a_refused_act_saves_nothing_by_default(store: SQLiteStore) -> None:
    lines = journal(
        {"dossier": "HS-001", "records": {"votes": [BRANCH_VOTE]}, **PROPOSE},
        {"dossier": "HS-002", **PROPOSE},  # no vote recorded: refused
    )
    with pytest.raises(JournalRefused) as caught:
        apply_journal(store, read_journal(lines), workflow=Workflow())
    assert caught.value.line == 2
    assert caught.value.refused is not None
    assert "vote.branch_admission" in {f.rule_id for f in caught.value.refused.failures}
    assert store.load("HS-001").stage == Stage.PREPARED  # nothing saved


def test_kept_refusals_skip_that_dossiers_later_lines_and_save_the_rest(
    store: SQLiteStore,
) -> None:
    lines = journal(
        {"dossier": "HS-002", **PROPOSE},
        {"dossier": "HS-001", "records": {"votes": [BRANCH_VOTE]}, **PROPOSE},
        {"dossier": "HS-002", "step": "endorse", "on": "2024-03-26", "actor": "base_committee"},
    )
    result = apply_journal(store, read_journal(lines), workflow=Workflow(), keep_refusals=True)
    assert [line for line, _, _ in result.refused] == [1]
    assert result.skipped == (3,)
    assert store.load("HS-001").stage == Stage.PROPOSED
    refused = store.load("HS-002")
    assert refused.stage == Stage.PREPARED
    assert [r.step for r in refused.refusals] == ["propose_admission"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1]", "expected a JSON object"),
        ('{"dossier": "HS-001"}', "neither records nor an act"),
        ('{"dossier": "HS-001", "step": "x"}', "on: required"),
        ('{"dossier": "HS-001", "step": "x", "on": "12/03/2024", "actor": "branch"}', "on: "),
        ('{"dossier": "HS-001", "step": "x", "on": "2024-03-12", "actor": "king"}', "actor"),
        ('{"dossier": 7, "records": {}}', "dossier"),
        ('{"dossier": "HS-001", "records": {}, "extra": 1}', "unknown fields"),
        ('{"dossier": "HS-001", "records": {}, "records": {}}', "same key twice"),
        ('{"dossier": "HS-001", "records": {', "not valid JSON"),
    ],
)
def test_a_bad_line_is_refused_with_its_number_and_field(line: str, reason: str) -> None:
    with pytest.raises(JournalRefused) as caught:
        list(read_journal(["", line]))
    assert caught.value.line == 2
    assert reason in caught.value.reason


def test_an_unknown_dossier_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(JournalRefused, match="line 1: no dossier"):
        apply_journal(
            store, read_journal(journal({"dossier": "HS-404", **PROPOSE})), workflow=Workflow()
        )


def test_a_journal_applied_over_a_newer_copy_is_stale(store: SQLiteStore) -> None:
    lines = list(read_journal(journal({"dossier": "HS-001", "records": {"votes": [BRANCH_VOTE]}})))

    class Racing:
        """A store where another office saves the dossier just after it was read."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def load(self, dossier_id: str) -> object:
            loaded = store.load(dossier_id)
            store.save(store.load(dossier_id))
            return loaded

    with pytest.raises(StaleDossier):
        apply_journal(Racing(), lines, workflow=Workflow())  # type: ignore[arg-type]


def test_ketnap_apply_prints_refusals_and_counts(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text(
        "\n".join(
            journal(
                {"dossier": "HS-002", **PROPOSE},
                {"dossier": "HS-001", "records": {"votes": [BRANCH_VOTE]}, **PROPOSE},
            )
        ),
        encoding="utf-8",
    )
    store_path = str(tmp_path / "s.db")
    store.close()
    refused = CliRunner().invoke(cli, ["apply", "--store", store_path, str(path), "--lang", "en"])
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: Line 1:")
    kept = CliRunner().invoke(
        cli, ["apply", "--store", store_path, str(path), "--keep-refusals", "--lang", "en"]
    )
    assert kept.exit_code == 0, kept.output
    assert "1 refused acts kept on their dossiers; 0 later lines skipped" in kept.output
    assert "1 acts, 1 records; 2 dossiers saved" in kept.output


def test_a_stored_dossier_gives_its_document_fields_as_records(store: SQLiteStore) -> None:
    # What `to_document` writes of a record field is what `with_records` takes.
    dossier = store.load("HS-001")
    body = to_document(dossier)["dossier"]
    again = with_records(dossier, {"verification": body["verification"]})
    assert again.verification == dossier.verification
