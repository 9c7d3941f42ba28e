"""Fuzzing the loader: thousands of malformed documents, and only InvalidDocument comes out."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketnap import InvalidDocument, Stage, Workflow
from ketnap.storage import from_document, loads, to_document
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)

ODD_VALUES: list[object] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**70,
    "",
    "x",
    "2024-02-30",
    "9999-99-99",
    "-1",
    [],
    [None],
    {},
    {"form": 1},
    "proposed",
    ["political_history", "political_history"],
    "0" * 13,
    "\x00",
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    dossier = make_dossier(meeting=MEETING)
    dossier.candidate = attrs.evolve(dossier.candidate, citizen_id="001099012345")
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.FULL_MEMBER)
    return to_document(dossier)


def _paths(node: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def mutate(document: dict[str, Any], rng: random.Random) -> object:
    """One structural mutation at a random place of *document*."""
    edited = copy.deepcopy(document)
    path = rng.choice(_paths(edited)[1:])
    parent: Any = edited
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    action = rng.randrange(5)
    if action == 0:
        parent[key] = rng.choice(ODD_VALUES)
    elif action == 1:
        del parent[key]
    elif action == 2 and isinstance(parent, dict):
        parent[f"extra_{rng.randrange(9)}"] = rng.choice(ODD_VALUES)
    elif action == 3:
        parent[key] = [parent[key]]
    else:
        parent[key] = {"value": parent[key]}
    return edited


def test_five_thousand_structural_mutations_raise_only_invalid_document(
    document: dict[str, Any],
) -> None:
    rng = random.Random(20210825)
    outcomes = {"refused": 0, "loaded": 0}
    for _ in range(5000):
        try:
            from_document(mutate(document, rng))
        except InvalidDocument as exc:
            outcomes["refused"] += exc.path.startswith("$")
        else:
            outcomes["loaded"] += 1
    # Some mutations are harmless (an issuer replaced by another string); most are not.
    assert outcomes["refused"] > 4000


def test_truncated_and_corrupted_texts_raise_only_invalid_document(
    document: dict[str, Any],
) -> None:
    text = json.dumps(document, ensure_ascii=False).encode()
    rng = random.Random(7051)
    refused = 0
    for _ in range(2000):
        if rng.random() < 0.5:
            corrupted = text[: rng.randrange(len(text))]
        else:
            at = rng.randrange(len(text))
            corrupted = text[:at] + bytes([rng.randrange(256)]) + text[at + 1 :]
        if corrupted == text:
            continue
        try:
            loads(corrupted)
        except InvalidDocument:
            refused += 1
    assert refused > 1900


@given(json_values)
@settings(max_examples=1000)
def test_arbitrary_json_raises_only_invalid_document(value: object) -> None:
    for candidate in (value, {"schema": "ketnap/dossier", "version": 1, "dossier": value}):
        with pytest.raises(InvalidDocument):
            from_document(candidate)
