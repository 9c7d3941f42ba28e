"""
A candidate's field is declared once (issue 26): the record and its declaration.

The test copies the package, adds one optional field to `Candidate` in `records.py`
alone, and finds it everywhere a dossier's shape shows: the JSON Schema, the sheet
template, a sheet's round trip, the documents and the statistics of new members.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import ketnap

# The one change: a field, its words, its sheet column and its row on the form.
NEW_FIELD = """
    veteran: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Cựu chiến binh", en="Veteran", order=185, added=True,
            tally=Tally.flag("veteran", Message(vi="Cựu chiến binh", en="Veterans"), position=95),
        ),
    )
"""

ANCHOR = "\n    def __attrs_post_init__(self) -> None:\n        prior = self.prior_membership"

CHECKS = textwrap.dedent(
    """
    import attrs, json, pathlib, sys
    from ketnap import Law, OrganizationTree, Stage, Unit, Workflow
    from ketnap.derived import facts_for
    from ketnap.sheets import read_dossiers, write_dossiers, write_template
    from ketnap.statistics import new_members
    from ketnap.storage import SQLiteStore, dumps, loads
    from ketnap.storage.schema import json_schema
    from ketnap.testing import make_dossier, walk
    import pendulum

    folder = pathlib.Path(sys.argv[1])
    import ketnap
    found = {"where": ketnap.__file__}
    spec = json_schema()["$defs"]["Candidate"]["properties"]["veteran"]
    found["schema"] = (spec["type"], spec["title"], spec["description"])

    import openpyxl
    write_template(folder / "mau.xlsx")
    header = [c.value for c in next(openpyxl.load_workbook(folder / "mau.xlsx").active.rows)]
    found["template"] = "Cựu chiến binh" in header

    workflow = Workflow()
    tree = OrganizationTree([
        Unit(code="H", name="Đảng bộ huyện", level="district"),
        Unit(code="A", name="Chi bộ A", level="base_branch", parent="H"),
    ])
    meeting = pendulum.date(2024, 3, 12)
    dossier = make_dossier(meeting=meeting, id="HS-001", organization=tree.organization("A"))
    dossier.candidate = attrs.evolve(dossier.candidate, veteran=True)
    plain = make_dossier(meeting=meeting, id="HS-002", organization=tree.organization("A"))

    write_dossiers(folder / "ds.csv", [dossier, plain])
    back = {d.id: d.candidate.veteran for d in read_dossiers(folder / "ds.csv", workflow=workflow)}
    found["sheet"] = back

    found["document"] = (
        json.loads(dumps(dossier))["dossier"]["candidate"].get("veteran"),
        "veteran" in json.loads(dumps(plain))["dossier"]["candidate"],
        loads(dumps(dossier)).candidate.veteran,
    )

    walk(workflow, dossier, meeting=meeting, until=Stage.PROBATION)
    walk(workflow, plain, meeting=meeting, until=Stage.PROBATION)
    with SQLiteStore(folder / "s.db", facts=facts_for(workflow.law)) as store:
        store.save_tree(tree)
        store.save_all([dossier, plain])
        form = new_members(store, tree, unit="H", on=pendulum.date(2024, 12, 31), law=Law())
    row = form.row("veteran")
    found["statistics"] = (row.label.vi, row.value, row.not_recorded, form.rows[-1].code)
    print(json.dumps(found, ensure_ascii=False))
    """
)


def test_a_candidate_field_added_in_one_place_shows_everywhere(tmp_path: Path) -> None:
    package = tmp_path / "src" / "ketnap"
    shutil.copytree(
        Path(ketnap.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    records = package / "model" / "records.py"
    text = records.read_text(encoding="utf-8")
    assert text.count(ANCHOR) == 1
    records.write_text(text.replace(ANCHOR, NEW_FIELD + ANCHOR), encoding="utf-8")

    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", CHECKS, str(tmp_path)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.splitlines()[-1])
    assert found["where"].startswith(str(package))  # the copy, not the installed package
    assert found["schema"] == ["boolean", "Cựu chiến binh", "Veteran"]
    assert found["template"] is True
    assert found["sheet"] == {"HS-001": True, "HS-002": False}
    # Written when set; an added field at its default is left out of the document.
    assert found["document"] == [True, False, True]
    # Counted on the form, after the rows it is placed behind.
    assert found["statistics"] == ["Cựu chiến binh", 1, 0, "veteran"]
