"""The ketnap command, through click's runner and through the installed entry point."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from ketnap import (
    Course,
    Organization,
    OrganizationTree,
    Quotas,
    SQLiteStore,
    Stage,
    Unit,
    Workflow,
)
from ketnap.cli import cli, main
from ketnap.derived import facts_for
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING


@pytest.fixture(scope="module")
def tree() -> OrganizationTree:
    return OrganizationTree(
        [
            Unit(code="H", name="Đảng bộ huyện", level="district"),
            Unit(code="X", name="Đảng bộ xã", level="base_committee", parent="H"),
            Unit(code="X.1", name="Chi bộ thôn 1", level="branch", parent="X", members=30),
            Unit(code="X.2", name="Chi bộ thôn 2", level="branch", parent="X", members=20),
            Unit(code="C", name="Chi bộ cơ sở", level="base_branch", parent="H", members=15),
        ]
    )


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, tree: OrganizationTree) -> Path:
    workflow = Workflow()
    path = tmp_path_factory.mktemp("cli") / "district.db"
    dossiers = []
    for number, (branch, stage) in enumerate(
        [
            ("X.1", Stage.PROBATION),
            ("X.1", Stage.PROPOSED),
            ("C", Stage.PROBATION),
            ("C", Stage.PREPARED),
        ]
    ):
        dossier = make_dossier(
            meeting=MEETING, id=f"HS-{number}", organization=tree.organization(branch)
        )
        walk(workflow, dossier, meeting=MEETING, until=stage)
        dossiers.append(dossier)
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        store.save_tree(tree)
        store.save_quotas(Quotas({("X", 2024): 3, ("C", 2024): 1}))
        store.save_courses([Course(code="K1", unit="H", opened_on=pendulum.Date(2023, 9, 4),
                                   closed_on=pendulum.Date(2023, 9, 12), trainees=40)])  # fmt: skip
        store.save_all(dossiers)
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_report_as_table_csv_and_json(store_path: Path) -> None:
    code, out, _ = invoke("report", "--store", str(store_path), "--unit", "H", "--year", "2024",
                          "--on", "2024-12-31", "--lang", "en")  # fmt: skip
    assert code == 0
    assert "Admitted" in out
    assert "50.0%" in out  # 2 admitted of a plan of 4
    code, out, _ = invoke("report", "--store", str(store_path), "--unit", "H", "--year", "2024",
                          "--format", "csv")  # fmt: skip
    rows = dict(csv.reader(io.StringIO(out)))
    assert (rows["admitted"], rows["plan"], rows["percent_of_plan"]) == ("2", "4", "50.0")
    code, out, _ = invoke("report", "--store", str(store_path), "--unit", "X", "--year", "2024",
                          "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert (data["admitted"], data["plan"], data["members"]) == (1, 3, 50)
    assert [b["code"] for b in data["idle_branches"]] == ["X.2"]


def test_check_prints_every_open_step_with_reasons(tmp_path: Path, workflow: Workflow) -> None:
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    dossier.votes.clear()
    path = tmp_path / "hs.json"
    path.write_text(dumps(dossier), encoding="utf-8")
    code, out, _ = invoke("check", str(path), "--on", "2024-03-12", "--lang", "en")
    assert code == 0
    assert "✗ Branch resolution proposing admission" in out
    assert "vote.branch_admission" in out
    assert "✓ Withdraw" in out


def test_due_lists_the_pending_decision(store_path: Path) -> None:
    decision_due = Workflow().law.calendar.add_working_days(MEETING, 60)
    code, out, _ = invoke("due", "--store", str(store_path), "--on", "2024-05-27", "--within", "15")
    assert code == 0
    assert "HS-1" in out
    assert f"{decision_due:%d/%m/%Y}" in out
    assert "Chi bộ thôn 1 (X.1):" in out  # the heading names the branch and its code


def test_due_groups_same_named_branches_of_two_communes_apart(tmp_path: Path) -> None:
    workflow = Workflow()
    path = tmp_path / "two.db"
    with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
        for number, code in enumerate(["XA.T1", "XB.T1"]):
            dossier = make_dossier(
                meeting=MEETING,
                id=f"HS-{number}",
                organization=Organization(name="Thôn 1", code=code),
            )
            walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
            store.save(dossier)
    status, out, _ = invoke("due", "--store", str(path), "--on", "2024-05-27", "--within", "15")
    assert status == 0
    assert out.count("Thôn 1 (") == 2
    assert out.index("Thôn 1 (XA.T1):") < out.index("HS-0") < out.index("Thôn 1 (XB.T1):")


def test_rules_lists_a_regulation_with_clauses() -> None:
    code, out, _ = invoke("rules", "--regulation", "24")
    assert code == 0
    assert out.startswith("24-QĐ/TW")
    assert "age.minimum" in out
    assert "Điều lệ Đảng" in out


def test_diagram_is_mermaid_with_vietnamese_stages() -> None:
    code, out, _ = invoke("diagram")
    assert code == 0
    assert "stateDiagram-v2" in out
    assert 'state "Đảng viên dự bị" as probation' in out


def test_import_then_verify(tmp_path: Path, workflow: Workflow) -> None:
    files = []
    for number in range(3):
        dossier = make_dossier(meeting=MEETING, id=f"HS-{number}")
        walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
        path = tmp_path / f"{number}.json"
        path.write_text(dumps(dossier), encoding="utf-8")
        files.append(str(path))
    store = str(tmp_path / "new.db")
    code, out, _ = invoke("import", "--store", store, *files, "--lang", "en")
    assert (code, out.strip()) == (0, f"3 dossiers saved to {store}")
    code, out, _ = invoke("verify", "--store", store)
    assert (code, out.strip()) == (0, "3/3 hồ sơ hợp lệ")  # Vietnamese by default


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["check", "missing.json", "--on", "2024-03-12"], 2, "does not exist"),
        (["check", "{bad}", "--on", "2024-03-12"], 1, "not valid JSON"),
        (["check", "{bad}", "--on", "12/3/2024"], 2, "not a date as YYYY-MM-DD or dd/mm/yyyy"),
        (["rules", "--regulation", "99"], 2, "unknown regulation '99'"),
        (
            ["report", "--store", "{store}", "--unit", "NOPE", "--year", "2024"],
            1,
            "no unit has code",
        ),
        (["report", "--store", "missing.db", "--unit", "H", "--year", "2024"], 1, "no store at"),
        (["import", "--store", "{new}", "{bad}"], 1, "not valid JSON"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(
    tmp_path: Path, store_path: Path, args: list[str], status: int, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "ketnap/dos', encoding="utf-8")
    filled = [a.format(bad=bad, store=store_path, new=tmp_path / "new.db") for a in args]
    code, out, err = invoke(*filled)
    assert code == status
    assert message in err
    assert "Traceback" not in out + err
    assert len([line for line in err.splitlines() if line.startswith("Error")]) == 1


def test_the_installed_entry_point_runs_and_fails_cleanly(tmp_path: Path) -> None:
    exe = shutil.which("ketnap", path=str(Path(sys.executable).parent))
    assert exe is not None, "the ketnap script is installed with the package"
    ok = subprocess.run([exe, "rules", "--regulation", "294", "--lang", "en"],  # noqa: S603
                        capture_output=True, text=True, check=False, encoding="utf-8")  # fmt: skip
    assert ok.returncode == 0
    assert "294-QĐ/TW" in ok.stdout
    bad = subprocess.run([exe, "check", str(tmp_path / "none.json"), "--on", "2024-01-01"],  # noqa: S603
                         capture_output=True, text=True, check=False, encoding="utf-8")  # fmt: skip
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_main_returns_the_exit_status() -> None:
    assert main(["rules", "--regulation", "24"]) == 0
    assert main(["rules", "--regulation", "99"]) == 2


def test_verify_names_a_tampered_dossier_and_fails(tmp_path: Path, workflow: Workflow) -> None:
    store = tmp_path / "s.db"
    with SQLiteStore(store, facts=facts_for(workflow.law)) as writer:
        for number in range(3):
            dossier = make_dossier(meeting=MEETING, id=f"HS-{number}")
            walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
            writer.save(dossier)
    db = sqlite3.connect(store)
    db.execute(
        "UPDATE dossiers SET document = json_set(document, '$.dossier.history[1].on',"
        " '2024-01-02') WHERE id = 'HS-1'"
    )
    db.commit()
    db.close()
    code, out, _ = invoke("verify", "--store", str(store), "--lang", "en")
    assert code == 1
    assert "HS-1: $.dossier.history[1].digest" in out
    assert out.strip().endswith("2 of 3 dossiers verify")
