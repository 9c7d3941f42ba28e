"""Every code block of the docs runs: Python blocks as doctests (pytest's --doctest-glob),
the command lines of ``console`` blocks here. Other blocks may only show output.

The office's guide in Vietnamese (docs/vi) is one office's work told over several pages:
its ``console`` blocks run in order, page after page, in one folder, and print what the
guide shows under each command. docs/journal.md is the journal format: its lines are
played by ``ketnap apply`` and its lists compared with what the code accepts."""

from __future__ import annotations

import csv
import doctest
import itertools
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
from typing import Any

import attrs
import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import (
    ADMISSION,
    Actor,
    Candidate,
    Dossier,
    EducationLevel,
    InvalidDocument,
    Organization,
    Stage,
)
from ketnap.cli import cli
from ketnap.journal import _KEYS as JOURNAL_KEYS  # the reader's own list of a line's keys
from ketnap.messages import Lang
from ketnap.sheets import write_template
from ketnap.storage import SQLiteStore, dumps, to_document, with_records
from ketnap.storage.schema import json_schema

ROOT = pathlib.Path(__file__).parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
GUIDE_DIR = ROOT / "docs" / "vi"
# The guide's pages in the order of the site's nav, which is the order its commands run in.
GUIDE = tuple(
    GUIDE_DIR / name for name in ("index.md", "thiet-lap.md", "ghi-chep.md", "bao-cao.md")
)
PAGES = [*DOCS, *GUIDE]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Benchmarks run at their full size by hand; here with a few dossiers, to prove they run.
SMALL = "200"


def blocks(lang: str) -> list[tuple[str, str]]:
    return [
        (path.name, body)
        for path in DOCS
        for kind, body in FENCE.findall(path.read_text(encoding="utf-8"))
        if kind == lang
    ]


def test_docs_use_only_runnable_or_output_blocks() -> None:
    kinds = {
        (path.name, kind)
        for path in PAGES
        for kind, _ in FENCE.findall(path.read_text(encoding="utf-8"))
    }
    assert {kind for _, kind in kinds} <= {"python", "console", "text", "toml"}, kinds


def test_every_configuration_shown_in_the_docs_loads(tmp_path: pathlib.Path) -> None:
    # A ```toml block is a ketnap.toml: it must load, its rulebook standing for a module
    # of the office's own (here one that gives the shipped workflow).
    from ketnap import Deployment  # noqa: PLC0415

    (tmp_path / "office_rules.py").write_text(
        "from ketnap import Workflow\nWORKFLOW = Workflow()\n", encoding="utf-8"
    )
    blocks = [
        (path.name, text)
        for path in PAGES
        for kind, text in FENCE.findall(path.read_text(encoding="utf-8"))
        if kind == "toml"
    ]
    assert blocks
    try:
        for name, text in blocks:
            config = tmp_path / "ketnap.toml"
            config.write_text(text, encoding="utf-8")
            deployment = Deployment.load(config, environ={})
            assert deployment.rulebook in {None, "office_rules:WORKFLOW"}, name
    finally:
        sys.modules.pop("office_rules", None)


def command(line: str) -> list[str]:
    words = shlex.split(line.removeprefix("$ ").split("  #", 1)[0])
    program = words[0]
    if program == ".venv/bin/python":
        words[0] = sys.executable
    elif program == ".venv/bin/ketnap":
        found = shutil.which("ketnap", path=str(pathlib.Path(sys.executable).parent))
        assert found is not None
        words[0] = found
    words[1:] = [str(ROOT / w) if (ROOT / w).is_file() else w for w in words[1:]]
    if any("benchmarks" in w for w in words):
        if "--n" in words:
            words[words.index("--n") + 1] = SMALL
        else:
            words += ["--n", SMALL]
    return words


@pytest.mark.parametrize(("page", "body"), blocks("console"), ids=lambda v: str(v)[:40])
def test_console_blocks_run(page: str, body: str, tmp_path: pathlib.Path) -> None:
    for line in body.splitlines():
        if not line.startswith("$ "):
            continue
        result = subprocess.run(  # noqa: S603 - commands written in our own docs
            command(line), cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
            check=False, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, f"{page}: {line}\n{result.stderr}"


def _bullet(page: str, title: str) -> str:
    """The list item of *page* that opens with the bold *title*, up to the next item."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    start = text.index(f"- **{title}")
    end = text.find("\n- ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_policy_page_names_exactly_the_late_rules() -> None:
    """docs/policy.md says which deadlines are recorded late and which refuse, as the code does."""
    from ketnap import REGULATIONS  # noqa: PLC0415

    rules = {rule.id: rule for ruleset in REGULATIONS.values() for rule in ruleset}
    late = {rule_id for rule_id, rule in rules.items() if rule.late}
    named = set(re.findall(r"`([a-z]+\.[a-z_]+)`", _bullet("policy.md", "Late decisions")))
    assert late
    assert named & rules.keys() == late
    ids = re.findall(r"`([a-z]+\.[a-z_]+)`", _bullet("policy.md", "Deadlines that"))
    refusing = {name for name in ids if not name.startswith("ketnap.")}  # API names
    assert refusing
    assert refusing <= rules.keys()
    assert not refusing & late


_NOT_SHIPPED = ("not built", "not yet", "planned", "not shipped", "to come", "missing")


def test_the_limitations_page_names_no_shipped_store_as_missing() -> None:
    """docs/limitations.md names every store ketnap ships, and calls none of them missing."""
    import ketnap.storage  # noqa: PLC0415

    stores = [
        name
        for name in ketnap.storage.__all__
        if name.endswith("Store")
        and name != "Store"
        and isinstance(getattr(ketnap.storage, name), type)
    ]
    assert stores
    storage = _bullet("limitations.md", "Storage")
    text = (ROOT / "docs" / "limitations.md").read_text(encoding="utf-8")
    sentences = re.split(r"(?<=[.;])\s", " ".join(text.split()))
    for name in stores:
        assert f"`{name}`" in storage, name
    for sentence in sentences:
        if any(word in sentence for word in ("store", "Store", "PostgreSQL", "SQLite")):
            assert not any(phrase in sentence for phrase in _NOT_SHIPPED), sentence


# --- the office's guide in Vietnamese (docs/vi) ---------------------------------------------------

_CHECKER = doctest.OutputChecker()
_OUTPUT = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _session(body: str) -> list[tuple[str, str]]:
    """The command lines of a console block, each with the output shown under it, or ''."""
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line, []))
        elif steps:
            steps[-1][1].append(line)
    return [(line, "\n".join(shown) + "\n" if shown else "") for line, shown in steps]


def _guide_command(line: str) -> list[str]:
    """A command of the guide: its sample files are named as the reader keeps them, mau/..."""
    return [str(GUIDE_DIR / w) if (GUIDE_DIR / w).is_file() else w for w in command(line)]


def test_the_office_guide_runs_in_order(tmp_path: pathlib.Path) -> None:
    """The guide's commands run page after page in one folder and print what it shows."""
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    ran = 0
    for page in GUIDE:
        for kind, body in FENCE.findall(page.read_text(encoding="utf-8")):
            if kind != "console":
                continue
            for line, shown in _session(body):
                result = subprocess.run(  # noqa: S603 - commands written in our own docs
                    _guide_command(line), cwd=tmp_path, capture_output=True, text=True,
                    encoding="utf-8", check=False, timeout=600, env=environ,
                )  # fmt: skip
                where = f"{page.name}: {line}"
                assert result.returncode == 0, f"{where}\n{result.stderr}"
                if shown and not _CHECKER.check_output(shown, result.stdout, _OUTPUT):
                    example = doctest.Example(line, shown)
                    difference = _CHECKER.output_difference(example, result.stdout, _OUTPUT)
                    pytest.fail(f"{where}\n{difference}")
                ran += 1
    assert ran > 10


def test_the_guide_is_one_section_of_the_nav_in_its_order() -> None:
    """mkdocs.yml lists the guide's pages, all of them, in the order they run in."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - Hướng dẫn cho văn phòng (tiếng Việt):\n" in nav
    listed = re.findall(r"^\s+- [^\n]*: (vi/\S+\.md)$", nav, re.MULTILINE)
    assert listed == [f"vi/{page.name}" for page in GUIDE]
    assert sorted(GUIDE_DIR.glob("*.md")) == sorted(GUIDE)


def test_the_guide_shows_its_sample_files_as_they_are() -> None:
    """A table under a sample file's link is that file; a journal line is one of a sample's."""
    journal_lines = {
        line
        for path in (GUIDE_DIR / "mau").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    tables = shown = 0
    for page in GUIDE:
        text = page.read_text(encoding="utf-8")
        for name, table in re.findall(r"\]\((mau/[\w.-]+\.csv)\)\)?:\n\n((?:\|.*\n)+)", text):
            rows = [_cells(line) for line in table.splitlines()]
            with (GUIDE_DIR / name).open(encoding="utf-8", newline="") as file:
                assert [rows[0], *rows[2:]] == list(csv.reader(file)), name
            tables += 1
        for kind, body in FENCE.findall(text):
            for line in body.splitlines():
                if kind == "text" and line.startswith("{"):
                    assert line in journal_lines, f"{page.name}: {line}"
                    shown += 1
    assert tables >= 2
    assert shown >= 3


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().removeprefix("|").removesuffix("|").split("|")]


def _table(text: str, header: str) -> list[list[str]]:
    """The rows of the page's one table whose first header cell is *header*."""
    lines = text.splitlines()
    starts = [
        i
        for i, (line, below) in enumerate(itertools.pairwise(lines))
        if line.startswith(f"| {header} |") and below.startswith("|---")
    ]
    assert len(starts) == 1, header
    rows = []
    for line in lines[starts[0] + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def _codes(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


@pytest.mark.parametrize(
    ("page", "steps", "bodies", "lang"),
    [
        ("vi/ghi-chep.md", "Mã bước", "Mã cơ quan", "vi"),
        ("journal.md", "`step`", "`actor`", "en"),
    ],
)
def test_the_steps_and_bodies_listed_are_the_process(
    page: str, steps: str, bodies: str, lang: Lang
) -> None:
    """Every step of the shipped process, its label and who may take it; every body."""
    actors: dict[str, set[str]] = {}
    for row in ADMISSION.transitions:
        actors.setdefault(row.step, set()).update(actor.value for actor in row.actors)
    expected = [(s.code, s.label.render(lang), actors[s.code]) for s in ADMISSION.steps]
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    listed = [(code.strip("`"), label, _codes(who)) for code, label, who in _table(text, steps)]
    assert listed == expected
    named = {code.strip("`"): body for code, body in _table(text, bodies)}
    assert set(named) == {actor.value for actor in Actor}
    for actor in Actor:
        assert actor.text(lang).casefold() in named[actor.value].casefold(), actor


# --- the journal format (docs/journal.md) ---------------------------------------------------------

JOURNAL = ROOT / "docs" / "journal.md"


def _journal() -> tuple[list[str], list[str]]:
    """The page's journal (its first block of lines), and every line shown after it."""
    blocks = [
        [line for line in body.splitlines() if line.startswith("{")]
        for kind, body in FENCE.findall(JOURNAL.read_text(encoding="utf-8"))
        if kind == "text"
    ]
    return blocks[0], [line for block in blocks[1:] for line in block]


def _journal_start() -> Dossier:
    """Where the page's journal starts: at the source pool, with what a sheet's row gives."""
    return Dossier(
        id="HS-2024-017",
        candidate=Candidate(
            name="Đặng Thu Hà",
            birth_date=pendulum.date(1998, 5, 20),
            education=EducationLevel.UPPER_SECONDARY,
        ),
        organization=Organization(name="Chi bộ thôn Đông"),
        entered_pool_on=pendulum.date(2023, 1, 16),
    )


def _recorded(played: Dossier) -> dict[str, str]:
    """
    What a journal's records may give, asked of `with_records`, and how each is added.

    A field is recordable when giving a new dossier's own value back is accepted. Given
    empty to the *played* dossier, a list left as it was is appended to and a mapping
    left as it was is merged; anything else is replaced.
    """
    start = _journal_start()
    body = to_document(start)["dossier"]
    kinds: dict[str, str] = {}
    for field in attrs.fields(Dossier):
        default: Any = field.default
        empty = default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]
        try:
            with_records(start, {field.name: body.get(field.name, empty)})
        except InvalidDocument as exc:
            refused: InvalidDocument | None = exc
        else:
            refused = None
        if refused is not None:
            assert refused.path == f"$.records.{field.name}", refused  # the kind, not a value
            continue
        value = getattr(played, field.name)
        if isinstance(value, (list, dict)) and value:
            kept = getattr(with_records(played, {field.name: type(value)()}), field.name)
            if kept == value:
                kinds[field.name] = "merged by form" if isinstance(value, dict) else "appended"
                continue
        kinds[field.name] = "replaced"
    return kinds


@pytest.fixture(scope="module")
def journal_played(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    """The page's journal played by ``ketnap apply`` onto its dossier: the dossier after it."""
    folder = tmp_path_factory.mktemp("journal")
    lines, _ = _journal()
    (folder / "journal.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "start.json").write_text(dumps(_journal_start()), encoding="utf-8")
    store = str(folder / "office.db")
    for args in (["create", str(folder / "start.json")], ["apply", str(folder / "journal.jsonl")]):
        result = CliRunner().invoke(cli, [*args, "--store", store, "--lang", "en"])
        assert result.exit_code == 0, result.output
    with SQLiteStore(store) as stored:
        return stored.load("HS-2024-017")


def test_the_journal_page_plays_from_the_source_pool_to_the_card(journal_played: Dossier) -> None:
    """Every line of the page's journal is accepted, in order; the lines shown are its own."""
    lines, shown = _journal()
    assert len(lines) > 20
    assert set(shown) <= set(lines)
    assert journal_played.stage == Stage.CARD_ISSUED


def test_the_journal_page_shows_every_kind_of_record(journal_played: Dossier) -> None:
    """The kinds of record the page lists, and how each is added, are what the code accepts."""
    kinds = _recorded(journal_played)
    text = JOURNAL.read_text(encoding="utf-8")
    summary = {kind.strip("`"): added for kind, added, _ in _table(text, "Record")}
    assert summary == kinds
    assert set(re.findall(r"^### `(\w+)`$", text, re.MULTILINE)) == set(kinds)
    lines, _ = _journal()
    given = {kind for line in lines for kind in json.loads(line).get("records", {})}
    assert given == set(kinds)


def test_the_journal_page_names_the_keys_of_a_line() -> None:
    """The keys a line may have are the reader's own."""
    text = JOURNAL.read_text(encoding="utf-8")
    assert {key.strip("`") for key, *_ in _table(text, "Key")} == set(JOURNAL_KEYS)


def _reached(spec: dict[str, Any], defs: dict[str, Any], found: set[str]) -> None:
    """Add to *found* every record type *spec* holds, and the types those hold."""
    ref = spec.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        if name not in found:
            found.add(name)
            for field in defs[name]["properties"].values():
                _reached(field, defs, found)
    for option in spec.get("anyOf", ()):
        _reached(option, defs, found)
    for key in ("items", "additionalProperties"):
        if isinstance(spec.get(key), dict):
            _reached(spec[key], defs, found)


_PLAIN = {"date": "date", "boolean": "true or false", "integer": "whole number", "string": "text"}


def _expected_value(spec: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The enumeration of a field's values, and the words its Value cell must hold."""
    options = spec.get("anyOf", [spec])
    nullable = any(option.get("type") == "null" for option in options)
    (value,) = [option for option in options if option.get("type") != "null"]
    words = {"null"} if nullable else set()
    if value.get("type") == "array":
        words.add("list of")
        value = value["items"]
    if "enum" in value:
        return set(value["enum"]), words
    if "$ref" in value:
        return set(), {*words, f"`{value['$ref'].rsplit('/', 1)[-1]}`"}
    return set(), {*words, _PLAIN["date" if value.get("format") == "date" else value["type"]]}


def test_the_journal_page_lists_the_fields_of_every_record(journal_played: Dossier) -> None:
    """Each record a journal may give has its table: its fields, which are required, values."""
    defs = json_schema()["$defs"]
    reached: set[str] = set()
    for kind in _recorded(journal_played):
        _reached(defs["Dossier"]["properties"][kind], defs, reached)
    text = JOURNAL.read_text(encoding="utf-8")
    assert set(re.findall(r"^\| `(\w+)` field \|", text, re.MULTILINE)) == reached
    actors = {actor.value for actor in Actor}
    for name in sorted(reached):
        record = defs[name]
        rows = {row[0].strip("`"): (row[1], row[2]) for row in _table(text, f"`{name}` field")}
        assert list(rows) == list(record["properties"]), name
        assert {field for field, (needed, _) in rows.items() if needed == "yes"} == set(
            record["required"]
        ), name
        for field, (_, value) in rows.items():
            codes, words = _expected_value(record["properties"][field])
            where = f"{name}.{field}: {value}"
            if codes == actors:
                assert "an actor code" in value, where
            else:
                assert _codes(value) - {word.strip("`") for word in words} == codes, where
            assert all(word in value for word in words), where
            assert ("null" in value) == ("null" in words), where


def test_the_guide_names_the_template_s_sheets(tmp_path: pathlib.Path) -> None:
    """The sheets the guide lists for `ketnap template` are those a clerk sees, in order."""
    text = (GUIDE_DIR / "thiet-lap.md").read_text(encoding="utf-8")
    listed = text[text.index("Tệp `mau.xlsx` có") :].split("\n\n")[1]
    write_template(tmp_path / "mau.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    shown = [sheet.title for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    assert re.findall(r"^- \*\*(.+?)\*\*:", listed, re.MULTILINE) == shown
