"""
The command line under attack: whatever the file or the arguments, never a traceback.

Every outcome is exit status 0 (done), 1 (ketnap refused) or 2 (the command line does
not parse), with at most one ``Error:`` line; `result.exception` is never anything but
the `SystemExit` click ends with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap import Quotas, SQLiteStore, Stage, Workflow
from ketnap.cli import cli
from ketnap.derived import facts_for
from ketnap.inputs import LIMITS
from ketnap.sheets import UNIT_COLUMNS, write_dossiers
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_cli_setup import TREE
from tests.test_sheets import (
    SHEET_XML,
    cp1258,
    one_row_workbook,
    rewritten,
    sheet_rows,
    write_text,
)

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
        ("20240312", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
        ("2024-W11-2", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
        ("2024-02-30", "no such day in the calendar"),
        ("1899-12-31", "outside the dates"),
        ("31/12/1899", "outside the dates"),
        ("2101-01-01", "outside the dates"),
    ],
)
def test_a_date_option_takes_exactly_a_real_date(
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


# --- issue 24: a layout downgrade, and secrets in a store's address ---------------------------

KEY = "a-long-secret-kept-outside-the-store"
# Each part of the password is distinctive: none may show in any output, whole or in part.
PARTS = ("Zq9x", "Kw7v", "Pm4t", "Yh2j", "Rb8n")
SECRET = f"{PARTS[0]}#{PARTS[1]}/{PARTS[2]}@{PARTS[3]}:{PARTS[4]}"


def secret_urls(where: str, database: str = "postgres") -> dict[str, str]:
    """Addresses of *where* (host:port) holding SECRET in every position, by name."""
    encoded = quote(SECRET, safe="")
    return {
        "raw password": f"postgresql://ketnap:{SECRET}@{where}/{database}",
        "encoded password": f"postgresql://ketnap:{encoded}@{where}/{database}",
        "encoded password, schema": f"postgresql://ketnap:{encoded}@{where}/{database}#yl",
        "password parameter": f"postgresql://ketnap@{where}/{database}?password={encoded}",
        "password parameter first": (
            f"postgres://ketnap@{where}/{database}?password={encoded}&sslmode=disable#yl"
        ),
        "raw password parameter": f"postgresql://ketnap@{where}/{database}?password={SECRET}",
        "plain password": f"postgresql://ketnap:{PARTS[1]}{PARTS[4]}@{where}/{database}",
        "conninfo": f"host=127.0.0.1 user=ketnap password={PARTS[0]} dbname={database}",
    }


def assert_no_secret(text: str) -> None:
    for secret in (SECRET, quote(SECRET, safe=""), *PARTS):
        assert secret not in text, f"{secret!r} printed: {text}"


def store_commands(folder: Path) -> dict[str, list[str]]:
    """The arguments (after --store) of every command that opens a store, with its files."""
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    (folder / "hs.json").write_text(dumps(dossier), encoding="utf-8")
    (folder / "tree.json").write_text(json.dumps(TREE.to_data(), ensure_ascii=False))
    act = {"dossier": "HS-001", "step": "complete_training", "on": "2023-09-15", "actor": "branch"}
    (folder / "journal.jsonl").write_text(json.dumps(act) + "\n", encoding="utf-8")
    row = make_dossier(meeting=MEETING, id="HS-002", organization=TREE.organization("C"))
    write_dossiers(folder / "sheet.csv", [row])
    return {
        "due": ["--on", "2024-03-12"],
        "report": ["--unit", "H", "--year", "2024"],
        "statistics": ["--unit", "H", "--on", "2024-12-31"],
        "config": [],
        "import": [str(folder / "hs.json")],
        "setup": ["--tree", str(folder / "tree.json")],
        "export": ["--out", str(folder / "out")],
        "import-sheet": [str(folder / "sheet.csv")],
        "create": [str(folder / "hs.json")],
        "act": ["HS-001", "complete_training", "--on", "2023-09-15", "--actor", "branch"],
        "form": ["9-KNĐ", "HS-001", "--out", str(folder / "f.docx")],
        "apply": [str(folder / "journal.jsonl")],
        "verify": [],
        "anchor": [],
        "migrate": [],
    }


def test_the_store_commands_list_is_every_command_that_opens_a_store(tmp_path: Path) -> None:
    opening = {
        name
        for name, command in cli.commands.items()
        if any(param.name == "store" for param in command.params)
    }
    assert opening == set(store_commands(tmp_path))


@pytest.fixture
def no_seal_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KETNAP_SEAL_KEY", "KETNAP_SEAL_KEY_FILE", "KETNAP_CONFIG", "KETNAP_STORE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_seal_key")
@pytest.mark.parametrize("name", list(secret_urls("127.0.0.1:1")))
def test_a_secret_in_any_part_of_the_address_is_never_printed_by_any_command(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    from tests.pg import _free_port  # noqa: PLC0415 - nothing listens there

    url = secret_urls(f"127.0.0.1:{_free_port()}")[name]
    caplog.set_level(logging.DEBUG)
    for command, args in store_commands(tmp_path).items():
        result = _run([command, "--store", url, *args])
        _assert_no_traceback(result)
        assert_no_secret(result.output)
        if command == "config":
            assert result.exit_code == 0, result.output
            continue
        assert result.exit_code == 1, (command, result.output)
        assert result.output.count("Error: ") == 1, result.output
        reason = (
            "nothing listens at that host and port",
            "the address is malformed",
            "a '#' follows the address's password",
            "a libpq connection string",
        )
        assert any(text in result.output for text in reason), (command, result.output)
    assert_no_secret(caplog.text)


def _sealed_store(path: Path, key: str | None) -> None:
    workflow = Workflow()
    proposed = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(workflow, proposed, meeting=MEETING, until=Stage.PROPOSED)
    with SQLiteStore(
        path, facts=facts_for(workflow.law), seal_key=None if key is None else key.encode()
    ) as store:
        store.save(proposed)
        store.save_tree(TREE)
        store.save_quotas(Quotas({("C", 2024): 1}))


def _to_layout_1(path: Path, *, recompute: bool = False) -> None:
    db = sqlite3.connect(path)
    db.executescript(
        "UPDATE quotas SET admissions = 9;"
        " DROP TABLE journal; DROP TABLE identities;"
        " ALTER TABLE dossiers DROP COLUMN events_seal; ALTER TABLE quotas DROP COLUMN seal;"
        " ALTER TABLE courses DROP COLUMN seal;"
        " DELETE FROM ketnap_meta WHERE key = 'journal';"
        " UPDATE ketnap_meta SET value = '1' WHERE key = 'layout';"
    )
    if recompute:  # what layout 1 sealed without a key: SHA-256 over each document
        for dossier_id, document in db.execute("SELECT id, document FROM dossiers").fetchall():
            seal = hashlib.sha256(document.encode()).hexdigest()
            db.execute("UPDATE dossiers SET seal = ? WHERE id = ?", (seal, dossier_id))
    db.commit()
    db.close()


@pytest.mark.usefixtures("no_seal_key")
@pytest.mark.parametrize("key", [None, KEY], ids=["no key", "with key"])
def test_a_store_downgraded_to_layout_1_is_refused_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    store = tmp_path / "district.db"
    _sealed_store(store, key)
    _to_layout_1(store)
    if key is not None:
        monkeypatch.setenv("KETNAP_SEAL_KEY", key)
    before = store.read_bytes()
    for command, args in store_commands(tmp_path).items():
        if command == "config":
            continue
        lang = [] if command == "anchor" else ["--lang", "en"]
        result = _run([command, "--store", str(store), *args, *lang])
        _assert_no_traceback(result)
        assert result.exit_code == 1, (command, result.output)
        assert "layout 1" in result.output, (command, result.output)
        assert "dossiers verify" not in result.output
    # Told to trust it, ketnap still checks the dossiers' layout-1 seals: they are not.
    result = _run(["migrate", "--store", str(store), "--trust-unsealed"])
    assert result.exit_code == 1
    assert "do not match their layout-1 seal" in result.output
    assert store.read_bytes() == before


@pytest.mark.usefixtures("no_seal_key")
def test_migrate_trust_unsealed_says_what_it_sealed_unchecked_and_the_anchor_to_record(
    tmp_path: Path,
) -> None:
    store = tmp_path / "district.db"
    _sealed_store(store, None)
    _to_layout_1(store, recompute=True)  # a genuine layout-1 file, as far as anyone can tell
    result = _run(["migrate", "--store", str(store), "--trust-unsealed", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Store migrated from layout 1 to 5" in result.output
    assert "1 dossiers verified against their old seal" in result.output
    assert (
        "WARNING: sealed WITHOUT any check (layout 1 never sealed them): 1 quotas,"
        " the organisation tree" in result.output
    )
    anchor = result.output.rsplit(": ", 1)[-1].strip()
    verified = _run(["verify", "--store", str(store), "--anchor", anchor, "--lang", "en"])
    assert verified.exit_code == 0, verified.output
    assert "The save journal passes through the recorded anchor" in verified.output
    again = _run(["migrate", "--store", str(store), "--lang", "en"])
    assert again.exit_code == 0
    assert "nothing to migrate" in again.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_seal_key_file_that_would_block_ends_every_command_at_once(
    tmp_path: Path, special: str
) -> None:
    # Run as a process of its own, with a timeout: a read that blocks fails the test
    # instead of hanging the suite.
    store = tmp_path / "district.db"
    _sealed_store(store, None)
    path = special
    if special == "fifo":
        path = str(tmp_path / "key.fifo")
        os.mkfifo(path)
    env = {**os.environ, "KETNAP_SEAL_KEY_FILE": path}
    env.pop("KETNAP_SEAL_KEY", None)
    for command in (["verify"], ["anchor"], ["due", "--on", "2024-03-12"]):
        done = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-c", "import sys; from ketnap.cli import main; sys.exit(main())",
             command[0], "--store", str(store), *command[1:]],
            capture_output=True, text=True, timeout=60, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert "KETNAP_SEAL_KEY_FILE: not a regular file" in done.stderr


# --- issue 24: sheets and setup files (items 4 to 7) ------------------------------------------

SheetCase = Callable[[Path], list[str]]


def _csv_bytes(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _sheet_text() -> str:
    return "".join(",".join(str(cell) for cell in row) + "\r\n" for row in sheet_rows())


def _sheet_with(tmp_path: Path, column: int, value: str) -> Path:
    rows = sheet_rows()
    rows[1][column] = value
    return write_text(tmp_path / "ds.csv", rows, "utf-8")


def _workbook_with_cell(tmp_path: Path, cell: bytes) -> Path:
    return rewritten(
        one_row_workbook(tmp_path), tmp_path / "ds.xlsx", SHEET_XML,
        lambda data: re.sub(rb'<c r="C2".*?</c>', cell, data, count=1),
    )  # fmt: skip


def _zip_bomb(tmp_path: Path) -> Path:
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(one_row_workbook(tmp_path)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            if info.filename != SHEET_XML:
                new.writestr(info.filename, old.read(info))
        with new.open(SHEET_XML, "w") as part:
            for _ in range(400):
                part.write(b"<row><c/></row>" * 4096)  # 24 MB that compress 1,000 times
    return path


def _tree_csv(tmp_path: Path, name: str, encoding: str = "utf-8") -> Path:
    rows = [[c.vi for c in UNIT_COLUMNS], ["H", name, "district", "", "", ""],
            ["C", "Chi bộ", "base_branch", "H", "3", ""]]  # fmt: skip
    return write_text(tmp_path / "to-chuc.csv", rows, encoding)


def _json(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tree_data(**changes: object) -> str:
    data = TREE.to_data()
    for key, value in changes.items():
        where, index, field = key.split("__")
        data[where][int(index)][field] = value
    return json.dumps(data)


def _deep_tree(depth: int) -> str:
    levels = [{"code": f"l{i}", "vi": f"Cấp {i}", "en": f"Level {i}", "base": i == depth - 2,
               "branch": i == depth - 1} for i in range(depth)]  # fmt: skip
    units = [{"code": f"u{i}", "name": f"Đơn vị {i}", "level": f"l{i}",
              "parent": f"u{i - 1}" if i else None} for i in range(depth)]  # fmt: skip
    return json.dumps({"levels": levels, "units": units})


def _import(path: Path, *more: str) -> list[str]:
    return ["import-sheet", str(path), *more]


def _setup(option: str, path: Path) -> list[str]:
    return ["setup", option, str(path)]


# Each input of the issue that ended in "internal error", and the place the error names.
HOSTILE_SHEETS: dict[str, tuple[SheetCase, str]] = {}


def hostile(name: str, place: str) -> Callable[[SheetCase], SheetCase]:
    """Register a hostile input: it builds its files and returns the command's arguments."""

    def register(build: SheetCase) -> SheetCase:
        HOSTILE_SHEETS[name] = (build, place)
        return build

    return register


@hostile("csv in Windows-1258", "ds, dòng 1")
def _windows_1258(tmp: Path) -> list[str]:
    return _import(_csv_bytes(tmp, "ds.csv", cp1258(_sheet_text())))


@hostile("csv in Latin-1", "ds, dòng 1")
def _latin_1(tmp: Path) -> list[str]:
    text = _sheet_text().encode("latin-1", "replace") + b"\xe9"
    return _import(_csv_bytes(tmp, "ds.csv", text))


@hostile("csv in UTF-16 without its mark", "ds, dòng 1")
def _utf_16(tmp: Path) -> list[str]:
    return _import(_csv_bytes(tmp, "ds.csv", _sheet_text().encode("utf-16-le")))


@hostile("a binary csv", "ds, dòng 1")
def _binary(tmp: Path) -> list[str]:
    return _import(_csv_bytes(tmp, "ds.csv", bytes(range(256)) * 40))


@hostile("a field over 128 KB", "ds, dòng 2")
def _long_field(tmp: Path) -> list[str]:
    return _import(_sheet_with(tmp, 1, "A" * 200_000))


@hostile("a day of 20 digits", "ds, dòng 2, cột «Ngày sinh»")
def _long_day(tmp: Path) -> list[str]:
    return _import(_sheet_with(tmp, 2, "99999999999999999999/01/1999"))


@hostile("Arabic-Indic digits", "ds, dòng 2, cột «Ngày sinh»")
def _arabic_indic(tmp: Path) -> list[str]:
    return _import(_sheet_with(tmp, 2, "٢٠/٠٥/١٩٩٨"))


@hostile("full-width digits", "ds, dòng 2, cột «Ngày sinh»")
def _full_width(tmp: Path) -> list[str]:
    return _import(_sheet_with(tmp, 2, "２０/０５/１９９８"))


@hostile("a NaN date cell", "Danh sách, dòng 2")
def _nan(tmp: Path) -> list[str]:
    return _import(_workbook_with_cell(tmp, b'<c r="C2"><v>NaN</v></c>'))


@hostile("a malformed date cell", "Danh sách, dòng 2")
def _malformed_date(tmp: Path) -> list[str]:
    return _import(_workbook_with_cell(tmp, b'<c r="C2" t="d"><v>x</v></c>'))


@hostile("a number of 5,000 digits", "Danh sách, dòng 2")
def _long_number(tmp: Path) -> list[str]:
    return _import(_workbook_with_cell(tmp, b'<c r="C2"><v>' + b"9" * 5000 + b"</v></c>"))


@hostile("a zip bomb", "too large to read")
def _bomb(tmp: Path) -> list[str]:
    return _import(_zip_bomb(tmp))


@hostile("a column twice", "«Họ và tên» (Full name) is given twice")
def _column_twice(tmp: Path) -> list[str]:
    return _import(write_text(tmp / "ds.csv", [[*row, row[1]] for row in sheet_rows()], "utf-8"))


@hostile("a tree in Windows-1258", "to-chuc, dòng 1")
def _tree_in_windows_1258(tmp: Path) -> list[str]:
    return _setup("--sheet", _tree_csv(tmp, "Huyện Yên Lạc", "cp1258"))


@hostile("a unit name with an escape", "to-chuc, dòng 2, cột «Tên đơn vị»")
def _escape_in_a_sheet(tmp: Path) -> list[str]:
    return _setup("--sheet", _tree_csv(tmp, "Huyện\x1b[2J"))


@hostile("a unit name of 100 KB", "to-chuc, dòng 2, cột «Tên đơn vị»")
def _long_name_in_a_sheet(tmp: Path) -> list[str]:
    return _setup("--sheet", _tree_csv(tmp, "H" * 100_000))


_HUGE = "1" + "0" * 400


@hostile("a quota of 10^400", "quotas[0].admissions")
def _huge_quota(tmp: Path) -> list[str]:
    text = f'[{{"unit": "C", "year": 2024, "admissions": {_HUGE}}}]'
    return _setup("--quotas", _json(tmp, "q.json", text))


@hostile("trainees of 10^400", "courses[0].trainees")
def _huge_course(tmp: Path) -> list[str]:
    text = (
        '[{"code": "K", "unit": "H", "opened_on": "2024-01-01", "closed_on": "2024-01-02", '
        f'"trainees": {_HUGE}}}]'
    )
    return _setup("--courses", _json(tmp, "c.json", text))


@hostile("members of 10^400", "tree.units[1].members")
def _huge_members(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _tree_data(units__1__members=10**400)))


@hostile("a level code as a list", "tree.levels[1].code")
def _level_as_a_list(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _tree_data(levels__1__code=["x"])))


@hostile("a tree 1,500 levels deep", "tree.units[12]")
def _deep(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _deep_tree(1500)))


@hostile("a unit name with an escape, as JSON", "tree.units[0].name")
def _escape_in_json(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _tree_data(units__0__name="H\x1b[2J")))


@hostile("a unit name with a lone surrogate", "tree.units[0].name")
def _surrogate(tmp: Path) -> list[str]:
    text = _tree_data(units__0__name="H").replace('"name": "H"', '"name": "\\ud800"')
    return _setup("--tree", _json(tmp, "t.json", text))


@hostile("a unit name with a bidi override", "tree.units[0].name")
def _bidi(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _tree_data(units__0__name="H\u202e")))


@hostile("a unit name of 100 KB, as JSON", "tree.units[0].name")
def _long_name_in_json(tmp: Path) -> list[str]:
    return _setup("--tree", _json(tmp, "t.json", _tree_data(units__0__name="H" * 100_000)))


@pytest.mark.parametrize("case", list(HOSTILE_SHEETS))
def test_a_hostile_sheet_or_setup_file_is_one_error_naming_its_place(
    tmp_path: Path, case: str
) -> None:
    build, place = HOSTILE_SHEETS[case]
    args = build(tmp_path)
    result = _run([*args[:1], "--store", str(tmp_path / "s.db"), *args[1:]])
    _assert_no_traceback(result)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert place in errors[0]
    assert "\x1b" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    "args",
    [["import-sheet", "{pipe}.csv"], ["setup", "--sheet", "{pipe}.xlsx"],
     ["setup", "--tree", "{pipe}.json"], ["import", "{pipe}.json"], ["apply", "{pipe}.jsonl"]],
    ids=["import-sheet", "setup --sheet", "setup --tree", "import", "apply"],
)  # fmt: skip
def test_a_named_pipe_given_as_an_input_file_is_refused_at_once(
    tmp_path: Path, args: list[str]
) -> None:
    # A process of its own with a timeout: a read that blocks fails instead of hanging.
    pipe = tmp_path / "pipe"
    given = [arg.format(pipe=pipe) for arg in args]
    os.mkfifo(given[-1])
    if given[0] == "apply":  # the journal is read once the store is open
        with SQLiteStore(tmp_path / "s.db"):
            pass
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-c", "import sys; from ketnap.cli import main; sys.exit(main())",
         given[0], "--store", str(tmp_path / "s.db"), *given[1:]],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_csv_read_as_windows_1258_is_said_and_stored_in_nfc(tmp_path: Path) -> None:
    path = _csv_bytes(tmp_path, "ds.csv", cp1258(_sheet_text()))
    result = _run(["import-sheet", "--store", str(tmp_path / "s.db"), str(path),
                   "--encoding", "cp1258", "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "as Windows-1258" in result.output
    with SQLiteStore(tmp_path / "s.db") as store:
        names = [dossier.candidate.name for dossier in store.find()]
    assert names == ["Nguyễn Văn A", "Nguyễn Văn B"]  # precomposed, as typed in NFC


sheet_mutations = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(
    suffix=st.sampled_from([".csv", ".xlsx"]),
    command=st.sampled_from(["import-sheet", "setup"]),
    content=st.none() | st.binary(max_size=300),
    flips=sheet_mutations,
)
def test_any_sheet_given_to_import_sheet_or_setup_ends_cleanly(
    tmp_path: Path, suffix: str, command: str, content: bytes | None, flips: list[tuple[int, int]]
) -> None:
    path = tmp_path / f"sheet{suffix}"
    if content is None:  # a valid sheet with a few bytes changed
        write_dossiers(path, [make_dossier(meeting=MEETING)])
        raw = bytearray(path.read_bytes())
        for position, value in flips:
            raw[position % len(raw)] = value
        content = bytes(raw)
    path.write_bytes(content)
    store = tmp_path / "s.db"
    store.unlink(missing_ok=True)
    args = (
        ["import-sheet", str(path)]
        if command == "import-sheet"
        else ["setup", "--sheet", str(path)]
    )
    _assert_no_traceback(_run([args[0], "--store", str(store), *args[1:]]))
