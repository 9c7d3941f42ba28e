"""The command line that writes: setup files, export, import --update (issue 13, item 4 in part)."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
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
