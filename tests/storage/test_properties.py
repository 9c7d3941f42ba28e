"""Properties: any valid dossier survives JSON and the store; any single history edit is caught."""

from __future__ import annotations

import copy
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ketnap import Dossier, InvalidDocument, SQLiteStore, Stage, Step, TamperedHistory
from ketnap.integrity import anchor, verify
from ketnap.storage import dumps, from_document, loads, to_document
from tests.storage.strategies import dossiers

FIELDS = (
    "on",
    "step",
    "actor",
    "source",
    "target",
    "regulation",
    "reference",
    "previous",
    "digest",
)


def fields(dossier: Dossier) -> dict[str, Any]:
    return attrs.asdict(dossier, recurse=True, filter=lambda a, _v: a.name != "revision")


@given(dossiers())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_dossier_survives_json_unchanged(dossier: Dossier) -> None:
    verify(dossier)
    loaded = loads(dumps(dossier))
    assert fields(loaded) == fields(dossier)
    assert to_document(loaded) == to_document(dossier)


@given(st.lists(dossiers(), min_size=1, max_size=5, unique_by=lambda d: d.id))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_dossier_survives_the_store_unchanged(batch: list[Dossier]) -> None:
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder, "s.db")) as store:
        store.save_all(batch)
        for dossier in batch:
            loaded = store.load(dossier.id)
            assert fields(loaded) == fields(dossier)
            assert loaded.revision == dossier.revision == 1
        assert store.verify() == []


def _changed(value: object, data: st.DataObject) -> object:
    if isinstance(value, str) and value in {s.value for s in Stage}:
        return data.draw(st.sampled_from([s.value for s in Stage if s.value != value]))
    if isinstance(value, str) and value in {s.value for s in Step}:
        return data.draw(st.sampled_from([s.value for s in Step if s.value != value]))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        day = int(value[8:]) % 28 + 1
        return f"{value[:8]}{day:02d}"
    return data.draw(st.none() | st.text(max_size=8))


def single_edit(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """One edit of the stored history (or the stage) of *document*, which must differ."""
    edited = copy.deepcopy(document)
    history = edited["dossier"]["history"]
    kinds = ["stage"]
    if history:
        kinds += ["field", "remove", "duplicate"]
    if len(history) > 1:
        kinds.append("swap")
    kind = data.draw(st.sampled_from(kinds), label="edit")
    if kind == "stage":
        current = edited["dossier"]["stage"]
        edited["dossier"]["stage"] = data.draw(
            st.sampled_from([s.value for s in Stage if s.value != current])
        )
        return edited
    index = data.draw(st.integers(0, len(history) - 1), label="entry")
    if kind == "field":
        name = data.draw(st.sampled_from(FIELDS), label="field")
        new = _changed(history[index][name], data)
        assume(new != history[index][name])
        history[index][name] = new
    elif kind == "remove":
        del history[index]
    elif kind == "duplicate":
        history.insert(index, copy.deepcopy(history[index]))
    else:
        other = data.draw(st.integers(0, len(history) - 1).filter(lambda i: i != index))
        history[index], history[other] = history[other], history[index]
    return edited


@given(dossiers(), st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_any_single_edit_of_a_history_is_detected(dossier: Dossier, data: st.DataObject) -> None:
    document = to_document(dossier)
    edited = single_edit(document, data)
    try:
        loaded = from_document(edited)
    except InvalidDocument:
        return
    # The one edit a document cannot see by itself: its last act cut off when that act
    # left the stage as it was (an appraisal at "proposed"): what remains is a history
    # that could have happened. The anchor recorded outside the dossier catches it.
    history = dossier.history
    assert loaded.history == history[:-1], "an edited history loaded without error"
    assert history[-1].source == history[-1].target
    with pytest.raises(TamperedHistory):
        verify(loaded, anchor=anchor(dossier))


@given(dossiers(), st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_single_edit_in_the_store_file_is_detected(
    dossier: Dossier, data: st.DataObject
) -> None:
    edited = single_edit(to_document(dossier), data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "s.db")
        with SQLiteStore(path) as store:
            store.save(dossier)
        db = sqlite3.connect(path)
        db.execute("UPDATE dossiers SET document = ?", (json.dumps(edited, ensure_ascii=False),))
        db.commit()
        db.close()
        with SQLiteStore(path) as store:
            problems = store.verify()
    assert [p.dossier_id for p in problems] == [dossier.id]
