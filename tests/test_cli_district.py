"""
The district example built with the command line alone gives the report of ``make demo``.

The example's data (tree, quotas, courses, the candidates' records, and what the office
records and decides along the way) is written as the files an office would have: JSON
setup files, dossier documents at the source pool and a journal of records and acts.
Only ``ketnap`` commands then fill the store, and its report must equal the one the
example computes in Python, refusals by rule included.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from ketnap import Workflow
from ketnap.cli import cli
from ketnap.organizations import course_data
from ketnap.sheets import write_setup
from ketnap.storage import dumps, to_document

EXAMPLE = Path(__file__).parent.parent / "examples" / "district_2021.py"
# Lists an office adds to as it goes; the journal gives only the new items.
ACCUMULATING = ("votes", "certificates", "approvals", "sponsors")


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("district_2021", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # attrs classes of the module resolve their types
    spec.loader.exec_module(module)
    return module


def recorded(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What was written down between two states of a dossier's document."""
    records: dict[str, Any] = {}
    for name, value in after.items():
        if name in ACCUMULATING:
            assert value[: len(before[name])] == before[name]  # only ever appended to
            if len(value) > len(before[name]):
                records[name] = value[len(before[name]) :]
        elif name == "documents":
            changed = {form: doc for form, doc in value.items() if before[name].get(form) != doc}
            if changed:
                records[name] = changed
        elif value != before.get(name):
            records[name] = value
    return records


def write_office_files(folder: Path, setup_as: str) -> tuple[list[str], Path]:
    """The example's data as an office's files; return the setup arguments and the journal."""
    district = load_example()
    tree = district.build_tree()
    (folder / "tree.json").write_text(json.dumps(tree.to_data(), ensure_ascii=False))
    quotas = district.build_quotas(tree)
    (folder / "quotas.json").write_text(json.dumps(quotas.to_data(), ensure_ascii=False))
    courses = [course_data(course) for course in district.COURSES]
    (folder / "courses.json").write_text(json.dumps(courses, ensure_ascii=False))
    (folder / "dossiers").mkdir()
    workflow = Workflow()
    lines: list[str] = []
    for dossier, cohort, meeting in district.candidates(tree, random.Random(2021)):
        (folder / "dossiers" / f"{dossier.id}.json").write_text(dumps(dossier))
        # The records each step needs are what the example's steps write on the dossier
        # before yielding it; the journal carries them with the act.
        scratch = copy.deepcopy(dossier)
        before = to_document(scratch)["dossier"]
        for step, on, actor in district.steps(workflow, scratch, cohort, meeting):
            after = to_document(scratch)["dossier"]
            line: dict[str, Any] = {"dossier": dossier.id}
            if records := recorded(before, after):
                line["records"] = records
            line |= {"step": str(step), "on": on.isoformat(), "actor": actor.value,
                     "reference": district.reference(dossier, actor)}  # fmt: skip
            lines.append(json.dumps(line, ensure_ascii=False))
            before = after
    journal = folder / "journal.jsonl"
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if setup_as == "json":
        setup = ["--tree", str(folder / "tree.json"), "--quotas", str(folder / "quotas.json"),
                 "--courses", str(folder / "courses.json")]  # fmt: skip
    else:  # the office's workbook, or one .csv per table
        target = folder / "thiet-lap.xlsx" if setup_as == "xlsx" else folder / "csv"
        written = write_setup(target, tree=tree, quotas=quotas, courses=district.COURSES)
        setup = [arg for path in written for arg in ("--sheet", str(path))]
    return setup, journal


def ketnap(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("setup_as", ["json", "xlsx", "csv"])
def test_the_district_built_by_the_command_line_reports_as_make_demo(
    tmp_path: Path, setup_as: str
) -> None:
    setup, journal = write_office_files(tmp_path, setup_as)
    store = str(tmp_path / "district.db")
    ketnap("setup", "--store", store, *setup)
    documents = sorted(str(p) for p in (tmp_path / "dossiers").glob("*.json"))
    ketnap("import", "--store", store, *documents)
    applied = ketnap("apply", "--store", store, str(journal), "--keep-refusals", "--lang", "en")
    assert "refused acts kept on their dossiers" in applied
    report = ketnap(
        "report", "--store", store, "--unit", "YL", "--year", "2021", "--on", "2021-08-25",
        "--format", "json",
    )  # fmt: skip
    demo = subprocess.run(  # noqa: S603 - our own example, run by this interpreter
        [sys.executable, str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout
    built, expected = json.loads(report), json.loads(demo)
    assert built == expected
    # The figures the article reports, and the refusals the store counted.
    assert expected["admitted"] == 130
    assert built["refusals_by_rule"]["age.minimum"] == 8


@pytest.mark.parametrize("sheet", ["xlsx", "csv"])
def test_the_district_through_sheets_keeps_every_figure_a_row_carries(
    tmp_path: Path, sheet: str
) -> None:
    setup, journal = write_office_files(tmp_path, "json")
    store, office = str(tmp_path / "district.db"), str(tmp_path / "office.db")
    ketnap("setup", "--store", store, *setup)
    ketnap("import", "--store", store, *(str(p) for p in (tmp_path / "dossiers").glob("*.json")))
    ketnap("apply", "--store", store, str(journal), "--keep-refusals")
    out = tmp_path / "out"
    ketnap("export", "--store", store, "--out", str(out), "--setup", "--sheet", sheet)
    tables = [out / "thiet-lap.xlsx"] if sheet == "xlsx" else sorted(out.glob("[!d]*.csv"))
    ketnap("setup", "--store", office, *(arg for t in tables for arg in ("--sheet", str(t))))
    ketnap("import-sheet", "--store", office, str(out / f"danh-sach.{sheet}"),
           "--adopted-on", "2021-08-25")  # fmt: skip
    query = ("--unit", "YL", "--year", "2021", "--on", "2021-08-25", "--format", "json")
    before = json.loads(ketnap("report", "--store", store, *query))
    after = json.loads(ketnap("report", "--store", office, *query))
    # A row carries no refusal and no sponsor, which the forecast weighs: those stay in
    # the documents. Every other figure (stages, admissions, quotas, courses) is kept.
    for key in ("refusals_by_rule", "forecast", "forecast_percent"):
        before.pop(key), after.pop(key)
    assert after == before
    assert after["admitted"] == 130
