"""
The tree holds: with an organisation tree stored, every dossier is of one of its branches.

A dossier of a branch the tree does not know would count in the district's report and in
no base organisation's, so the units would not add up: a store with a tree refuses it,
and `verify` lists a stored one whose branch left the tree. The cases run on SQLite and
PostgreSQL, with the contract tests' fixtures (tests/storage/test_contract.py).
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    InvalidDocument,
    InvalidInput,
    Organization,
    OrganizationTree,
    Quotas,
    Stage,
)
from ketnap.model import Dossier
from ketnap.reports import report
from ketnap.storage import Store
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING
from tests.storage import test_contract as contract

# Every case runs on each store the contract tests run on.
opener = contract.opener
store = contract.store

TREE = contract.TREE
WITHOUT_B = OrganizationTree([unit for unit in TREE if unit.code != "B"])
YEAR_END = pendulum.date(2024, 12, 31)


def stray(dossier_id: str = "HS-001", code: str | None = "X9") -> Dossier:
    """A dossier, new, of a branch *TREE* does not know (by its code, or its name)."""
    return make_dossier(
        meeting=MEETING, id=dossier_id, organization=Organization(name="Chi bộ lạ", code=code)
    )


def district() -> Dossier:
    """A dossier filed under the district itself: a unit of the tree, not a branch."""
    return make_dossier(
        meeting=MEETING, id="HS-003", organization=Organization(name="Đảng bộ huyện", code="H")
    )


def test_a_dossier_of_an_unknown_branch_is_refused_naming_the_field_and_code(
    store: Store,
) -> None:
    store.save_tree(TREE)
    with pytest.raises(InvalidDocument) as refused:
        store.save(stray("HS-001"))
    assert refused.value.path == "$.organization.code"
    assert str(refused.value) == (
        "$.organization.code: 'X9' is not a branch of the stored organisation tree"
        " (dossier 'HS-001' is not saved)"
    )
    with pytest.raises(InvalidDocument, match="'Chi bộ lạ' is not a branch") as refused:
        store.save(stray("HS-002", code=None))  # no code: the store keeps its name
    assert refused.value.path == "$.organization.name"
    with pytest.raises(InvalidDocument, match="'H' is not a branch") as refused:
        store.save(district())
    assert refused.value.path == "$.organization.code"
    assert store.count() == 0
    assert store.verify() == []


def test_a_sponsor_of_an_unknown_branch_is_refused_naming_the_field_and_code(
    store: Store,
) -> None:
    store.save_tree(TREE)
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("A"))
    sponsor = attrs.evolve(dossier.sponsors[0], branch="Z7")
    dossier.sponsors[0] = sponsor
    with pytest.raises(InvalidDocument, match=r"'Z7' is not a branch.*'HS-001'") as refused:
        store.save(dossier)
    assert refused.value.path == "$.sponsors[0].branch"
    dossier.sponsors[0] = attrs.evolve(sponsor, branch="A")  # the candidate's branch
    store.save(dossier)
    assert store.ids() == ["HS-001"]


def test_a_batch_with_one_dossier_of_an_unknown_branch_saves_nothing(store: Store) -> None:
    store.save_tree(TREE)
    kept = contract.at(Stage.PREPARED, "HS-000")
    store.save(kept)
    walk(contract.WORKFLOW, kept, meeting=MEETING, until=Stage.PROPOSED)  # an update, undone
    batch = [kept, *(contract.at(Stage.PREPARED, f"HS-{i:03d}") for i in (1, 2)), stray("HS-003")]
    with pytest.raises(InvalidDocument, match=r"'X9'.*'HS-003'"):
        store.save_all(batch)
    assert store.ids() == ["HS-000"]
    assert kept.revision == 1
    assert store.load("HS-000").stage == Stage.PREPARED  # the update was not written
    # In a later chunk too, after whole chunks were sent; the store takes the next save.
    template = contract.at(Stage.PREPARED)
    good = [clone(template, f"HS-{i:04d}") for i in range(1, 600)]
    with pytest.raises(InvalidDocument, match="'X9'"):
        store.save_all([*good, stray("HS-9000")])
    assert store.ids() == ["HS-000"]
    assert store.save_all(good) == len(good)
    assert store.verify() == []


def test_without_a_tree_any_branch_is_accepted(store: Store) -> None:
    assert not store.has_tree()
    store.save_all([stray("HS-001"), stray("HS-002", code=None)])
    assert store.ids() == ["HS-001", "HS-002"]
    assert store.verify() == []


def test_a_tree_without_a_branch_stored_dossiers_use_is_refused(store: Store) -> None:
    store.save_tree(TREE)
    store.save_all([contract.at(Stage.PREPARED, "HS-002", branch="B")])
    with pytest.raises(InvalidInput) as refused:
        store.save_tree(WITHOUT_B)
    assert refused.value.field == "tree"
    assert "'B'" in refused.value.reason
    assert store.tree().to_data() == TREE.to_data()  # the tree kept is the one before
    assert store.verify() == []


def test_verify_lists_a_dossier_whose_branch_left_the_tree(store: Store) -> None:
    store.save_tree(TREE)
    store.save_all(
        [
            contract.at(Stage.PREPARED, "HS-001"),
            contract.at(Stage.PREPARED, "HS-002", branch="B"),
            contract.at(Stage.PROBATION, "HS-003", branch="B"),
        ]
    )
    # A tree written past save_tree (an older ketnap, or an edit of the database).
    forged: Any = store
    with forged._session():
        forged._db.execute(
            "UPDATE ketnap_meta SET value = ? WHERE key = 'tree'",
            (json.dumps(WITHOUT_B.to_data(), ensure_ascii=False),),
        )
    problems = [p for p in store.verify() if p.kind == "dossier"]
    assert [p.key for p in problems] == ["HS-002", "HS-003"]
    error = problems[0].error
    assert isinstance(error, InvalidDocument)
    assert error.path == "$.organization"
    assert "'B' is not a branch of the stored organisation tree" in str(error)
    # What is stored still loads; saving it again is refused until it moves or B is back.
    moved = store.load("HS-002")
    with pytest.raises(InvalidDocument, match="'B'"):
        store.save(moved)


def test_the_reports_of_the_base_organisations_add_up_to_the_district(store: Store) -> None:
    store.save_tree(TREE)
    store.save_quotas(Quotas({("A", 2024): 3, ("B", 2024): 2}))
    admitted = contract.at(Stage.PROBATION)
    store.save_all(
        [
            clone(admitted, "HS-001"),
            clone(admitted, "HS-002"),
            clone(contract.at(Stage.PROBATION, branch="B"), "HS-003"),
        ]
    )
    elsewhere = make_dossier(
        meeting=MEETING, id="HS-004", organization=Organization(name="Chi bộ lạ", code="X9")
    )
    walk(contract.WORKFLOW, elsewhere, meeting=MEETING, until=Stage.PROBATION)
    with pytest.raises(InvalidDocument, match="'X9'"):
        store.save(elsewhere)  # it would count in the district and in no base organisation
    quotas = store.quotas()
    whole = report(store, TREE, quotas, unit="H", year=2024, on=YEAR_END)
    parts = [
        report(store, TREE, quotas, unit=base.code, year=2024, on=YEAR_END)
        for base in TREE.base_units("H")
    ]
    assert whole.admitted == 3
    assert sum(part.admitted for part in parts) == whole.admitted
    assert [part.admitted for part in parts] == [2, 1]
