"""
The command line under attack: whatever the file or the arguments, never a traceback.

Every outcome is exit status 0 (done), 1 (ketnap refused) or 2 (the command line does
not parse), with at most one ``Error:`` line; `result.exception` is never anything but
the `SystemExit` click ends with.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap import SQLiteStore, Stage, Workflow
from ketnap.cli import cli
from ketnap.derived import facts_for
from ketnap.inputs import LIMITS
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, catch_exceptions=True)


def _assert_no_traceback(result: Result) -> None:
    assert result.exit_code in {0, 1, 2}, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert "internal error" not in result.output


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Paths a --store option may point at: a store, and files that are not one."""
    root = tmp_path_factory.mktemp("attack")
    store = root / "store.db"
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    with SQLiteStore(store, facts=facts_for(workflow.law)) as opened:
        opened.save(dossier)
    empty = root / "empty.db"
    empty.write_bytes(b"")
    junk = root / "junk.db"
    junk.write_bytes(bytes(range(256)) * 40)
    foreign = root / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()
    return {
        "store": store,
        "missing": root / "missing.db",
        "empty": empty,
        "junk": junk,
        "foreign": foreign,
        "directory": root,
    }


@pytest.fixture(scope="module")
def valid_text() -> str:
    dossier = make_dossier(meeting=MEETING)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROPOSED)
    return dumps(dossier)


# --- fixed cases ---------------------------------------------------------------------------


def test_a_file_larger_than_a_document_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (LIMITS.document_bytes + 10))
    result = _run(["check", str(big), "--on", "2024-03-12"])
    _assert_no_traceback(result)
    assert result.exit_code == 1
    assert "larger than a dossier document" in result.output


def test_check_on_dev_zero_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    result = _run(["check", "/dev/zero", "--on", "2024-03-12"])
    _assert_no_traceback(result)
    assert result.exit_code in {1, 2}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20240312", "not a date as YYYY-MM-DD"),
        ("2024-W11-2", "not a date as YYYY-MM-DD"),
        ("2024-02-30", "not a valid date"),
        ("1899-12-31", "outside the dates"),
        ("2101-01-01", "outside the dates"),
    ],
)
def test_a_date_option_takes_exactly_a_real_yyyy_mm_dd(
    places: dict[str, Path], value: str, message: str
) -> None:
    result = _run(["due", "--store", str(places["store"]), "--on", value])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("year", ["0", "-1", "99999"])
def test_report_with_an_impossible_year_is_a_usage_error(
    places: dict[str, Path], year: str
) -> None:
    result = _run(["report", "--store", str(places["store"]), "--unit", "X", "--year", year])
    _assert_no_traceback(result)
    assert result.exit_code == 2


def test_import_into_memory_is_refused(tmp_path: Path, valid_text: str) -> None:
    file = tmp_path / "d.json"
    file.write_text(valid_text, encoding="utf-8")
    result = _run(["import", "--store", ":memory:", str(file)])
    assert result.exit_code == 1
    assert "not a store file" in result.output
    assert "saved" not in result.output


@pytest.mark.parametrize("place", ["empty", "junk", "foreign"])
def test_read_only_commands_leave_a_file_that_is_not_a_store_untouched(
    places: dict[str, Path], place: str
) -> None:
    path = places[place]
    before = path.read_bytes()
    for args in (
        ["verify"],
        ["due", "--on", "2024-03-12"],
        ["report", "--unit", "X", "--year", "2024"],
    ):
        result = _run([args[0], "--store", str(path), *args[1:]])
        _assert_no_traceback(result)
        assert result.exit_code == 1
    assert path.read_bytes() == before


def test_control_characters_from_a_file_are_printed_escaped(tmp_path: Path) -> None:
    file = tmp_path / "d.json"
    file.write_text('{"schema": "\x1b[2Jketnap"}', encoding="utf-8")
    result = _run(["check", str(file), "--on", "2024-03-12"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output


def test_a_file_name_with_an_escape_is_printed_escaped(tmp_path: Path) -> None:
    file = tmp_path / "evil\x1b[2J.json"
    file.write_text("{", encoding="utf-8")
    result = _run(["import", "--store", str(tmp_path / "s.db"), str(file)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\\u001b" in result.output


def test_a_deeply_nested_file_is_one_error_line(tmp_path: Path) -> None:
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000, encoding="utf-8")
    result = _run(["check", str(file), "--on", "2024-03-12"])
    _assert_no_traceback(result)
    assert result.exit_code == 1


# --- generated cases -----------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _write(tmp_path: Path, content: bytes) -> Path:
    file = tmp_path / "dossier.json"
    file.write_bytes(content)
    return file


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(
    content=st.binary(max_size=300)
    | st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass"))
    | json_values.map(lambda value: json.dumps(value).encode())
)
def test_any_file_given_to_check_ends_cleanly(tmp_path: Path, content: bytes) -> None:
    _assert_no_traceback(_run(["check", str(_write(tmp_path, content)), "--on", "2024-03-12"]))


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_any_mutation_of_a_valid_file_given_to_import_ends_cleanly(
    tmp_path: Path, valid_text: str, data: st.DataObject
) -> None:
    raw = bytearray(valid_text.encode())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    store = tmp_path / "imported.db"
    store.unlink(missing_ok=True)
    _assert_no_traceback(_run(["import", "--store", str(store), str(_write(tmp_path, bytes(raw)))]))


option_text = st.text(max_size=12) | st.sampled_from(
    ["2024-03-12", "0000-00-00", "9999-12-31", "-1", "1e9", "", " ", "\x00", "24", "X", "H"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=HEALTH)
@given(
    command=st.sampled_from(["due", "report", "verify", "rules", "import"]),
    place=st.sampled_from(["store", "missing", "empty", "junk", "foreign", "directory"]),
    on=option_text,
    year=option_text,
    unit=option_text,
    within=option_text,
)
def test_any_arguments_end_cleanly(
    places: dict[str, Path],
    command: str,
    place: str,
    on: str,
    year: str,
    unit: str,
    within: str,
) -> None:
    store = str(places[place])
    arguments: dict[str, Callable[[], list[str]]] = {
        "due": lambda: ["due", "--store", store, "--on", on, "--within", within],
        "report": lambda: ["report", "--store", store, "--unit", unit, "--year", year],
        "verify": lambda: ["verify", "--store", store],
        "rules": lambda: ["rules", "--regulation", unit],
        "import": lambda: ["import", "--store", store, store],
    }
    _assert_no_traceback(_run(arguments[command]()))
