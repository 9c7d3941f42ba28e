"""Due lists across dossiers: due soon, overdue, grouped by branch and by who acts."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import attrs
import openpyxl
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import (
    Actor,
    Certificate,
    CertificateKind,
    Dossier,
    DueProblem,
    InvalidInput,
    LateAct,
    Organization,
    SQLiteStore,
    Stage,
    Step,
    Workflow,
    due_list,
)
from ketnap.cli import cli
from ketnap.derived import facts_for
from ketnap.reminders import COLUMNS, Branch, DueList, LateItem
from ketnap.testing import add_vote, clone
from tests.conftest import at_stage

DECISION = "timing.decision_deadline"
CEREMONY = "timing.ceremony_deadline"

D = pendulum.Date
REPORT = D(2024, 6, 3)


def branch(workflow: Workflow) -> list[Dossier]:
    """
    Three dossiers on 3 Jun 2024.

    - resolution 9 Jan: 60 working days (Tết 8-14 Feb off) ended 9 Apr, 36 days ago;
    - resolution 12 Mar: decision due 7 Jun, 4 working days left;
    - decided 10 May: ceremony due 21 Jun, 14 working days left.
    """
    late = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 1, 9))
    late.organization = Organization(name="Chi bộ A")
    add_vote(late, D(2024, 1, 9))
    workflow.advance(late, Step.PROPOSE_ADMISSION, on=D(2024, 1, 9), actor=Actor.BRANCH)
    soon = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 3, 12))
    soon.organization = Organization(name="Chi bộ B")
    add_vote(soon, D(2024, 3, 12))
    workflow.advance(soon, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH)
    ceremony = at_stage(workflow, Stage.ADMITTED, meeting=D(2024, 4, 9))
    ceremony.organization = Organization(name="Chi bộ A")
    return [late, soon, ceremony]


def test_due_and_overdue(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    assert [(i.deadline.rule_id, i.working_days_left) for i in feed.due] == [
        (DECISION, 4),
        (CEREMONY, 14),
    ]
    (overdue,) = feed.overdue
    assert overdue.deadline.rule_id == DECISION
    assert overdue.deadline.due == D(2024, 4, 9)
    assert overdue.working_days_left == -36
    assert len(feed) == 3


def test_horizon(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=5, law=workflow.law)
    assert [i.deadline.rule_id for i in feed.due] == [DECISION]


def test_grouping(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    by_branch = feed.by_organization()
    assert list(by_branch) == [Branch("Chi bộ A", None), Branch("Chi bộ B", None)]
    assert len(by_branch[Branch("Chi bộ A", None)]) == 2
    by_actor = feed.by_actor()
    assert set(by_actor) == {Actor.BRANCH, Actor.COMPETENT_COMMITTEE}
    assert len(by_actor[Actor.COMPETENT_COMMITTEE]) == 2


def test_feed_lines(workflow: Workflow) -> None:
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    vi = feed.overdue[0].text("vi")
    en = feed.overdue[0].text("en")
    assert "quá hạn" in vi
    assert "09/04/2024" in vi
    assert "quá 36 ngày làm việc" in vi
    assert "working days late" in en
    assert "Competent committee" in en


def test_two_branches_with_the_same_name_in_two_communes_are_two_groups(
    workflow: Workflow,
) -> None:
    late, soon, ceremony = branch(workflow)
    late.organization = Organization(name="Thôn 1", code="XA-01.T1")
    soon.organization = Organization(name="Thôn 1", code="XA-02.T1")
    ceremony.organization = Organization(name="Thôn 1", code="XA-01.T1")
    grouped = due_list([late, soon, ceremony], on=REPORT, within=15, law=workflow.law)
    by_branch = grouped.by_organization()
    assert list(by_branch) == [Branch("Thôn 1", "XA-01.T1"), Branch("Thôn 1", "XA-02.T1")]
    assert [len(part) for part in by_branch.values()] == [2, 1]
    assert str(Branch("Thôn 1", "XA-01.T1")) == "Thôn 1 (XA-01.T1)"


def test_a_dossier_outside_the_calendar_is_a_problem_and_the_others_are_listed(
    workflow: Workflow,
) -> None:
    broken = at_stage(workflow, Stage.PREPARED, meeting=D(2024, 3, 12))
    broken.id = "HS-OLD"
    broken.certificates[:] = [
        Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=D(1984, 1, 1))
    ]
    feed = due_list([broken, *branch(workflow)], on=REPORT, within=15, law=workflow.law)
    assert len(feed) == 3  # the three good dossiers, as without the broken one
    (problem,) = feed.problems
    assert isinstance(problem, DueProblem)
    assert problem.dossier_id == "HS-OLD"
    assert "HS-OLD" in problem.text("en")
    assert "calendar" in problem.text("en")
    assert [p.dossier_id for part in feed.by_organization().values() for p in part.problems] == [
        "HS-OLD"
    ]


def office_list(workflow: Workflow) -> DueList:
    """The three dossiers of `branch`, a late decision and a problem in a third branch."""
    feed = due_list(branch(workflow), on=REPORT, within=15, law=workflow.law)
    late = LateAct(step=Step.DECIDE_ADMISSION, on=D(2024, 5, 29), due=D(2024, 5, 24),
                   answerable=Actor.COMPETENT_COMMITTEE, rule_id=DECISION)  # fmt: skip
    return attrs.evolve(
        feed,
        late=(LateItem("HS-LATE", "Chi bộ B", None, late, 3),),
        problems=(DueProblem("HS-OLD", "Chi bộ C", "=C", InvalidInput("birth_date", "x")),),
    )


class TestDueListAsASpreadsheet:
    """The due list as CSV and .xlsx: one row per line, by branch, for an office's Excel."""

    def test_the_csv_has_stable_columns_and_one_row_per_line_by_branch(
        self, workflow: Workflow
    ) -> None:
        text = office_list(workflow).to_csv("vi")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert tuple(rows[0]) == COLUMNS
        assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
            ("overdue", "", "Chi bộ A"),
            ("due", "", "Chi bộ A"),
            ("due", "", "Chi bộ B"),
            ("late", "", "Chi bộ B"),
            ("problem", "'=C", "Chi bộ C"),  # a formula is never run
        ]
        assert [r[3] for r in rows[4:]] == ["HS-LATE", "HS-OLD"]
        overdue = dict(zip(COLUMNS, rows[1], strict=True))
        assert (overdue["rule"], overdue["due"], overdue["working_days_left"]) == (
            DECISION, "2024-04-09", "-36",
        )  # fmt: skip
        assert overdue["actor"] == "competent_committee"
        assert "quá 36 ngày làm việc" in overdue["text"]
        late = dict(zip(COLUMNS, rows[4], strict=True))
        assert (late["due"], late["working_days_left"], late["actor"]) == (
            "2024-05-24", "-3", "competent_committee",
        )  # fmt: skip
        problem = dict(zip(COLUMNS, rows[5], strict=True))
        assert (problem["rule"], problem["due"], problem["working_days_left"]) == ("", "", "")

    def test_the_csv_starts_with_a_byte_order_mark_for_excel(self, workflow: Workflow) -> None:
        data = office_list(workflow).to_csv().encode("utf-8")
        assert data.startswith(codecs.BOM_UTF8)
        assert data.count(codecs.BOM_UTF8) == 1
        assert "Chi bộ A" in data.decode("utf-8-sig")

    def test_the_workbook_has_a_title_headings_in_the_language_and_date_cells(
        self, workflow: Workflow, tmp_path: Path
    ) -> None:
        feed = office_list(workflow)
        path = feed.write_xlsx(tmp_path / "den-han.xlsx", "vi")
        sheet = openpyxl.load_workbook(path)["Đến hạn"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Việc đến hạn và quá hạn ngày 03/06/2024 (trong 15 ngày làm việc)"
        assert rows[1][:3] == ("Loại", "Mã chi bộ", "Chi bộ")
        assert len(rows) == 2 + len(feed.rows())
        overdue = dict(zip(COLUMNS, rows[2], strict=True))
        assert overdue["kind"] == "Quá hạn"
        assert overdue["due"] == dt.datetime(2024, 4, 9)  # noqa: DTZ001 - a day in a cell
        assert sheet.cell(row=3, column=COLUMNS.index("due") + 1).number_format == "dd/mm/yyyy"
        assert overdue["working_days_left"] == -36
        assert overdue["actor"] == Actor.COMPETENT_COMMITTEE.message.render("vi")
        assert rows[-1][1] == "'=C"  # a formula is never written
        english = openpyxl.load_workbook(feed.write_xlsx(tmp_path / "due.xlsx", "en"))
        assert list(english["Due"].iter_rows(values_only=True))[2][0] == "Overdue"

    def test_the_command_writes_csv_and_xlsx(self, workflow: Workflow, tmp_path: Path) -> None:
        store = tmp_path / "s.db"
        with SQLiteStore(store, facts=facts_for(workflow.law)) as opened:
            opened.save_all(clone(d, f"HS-{n}") for n, d in enumerate(branch(workflow)))
        args = ["due", "--store", str(store), "--on", "2024-06-03"]
        out = CliRunner().invoke(cli, [*args, "--format", "csv"])
        assert out.exit_code == 0, out.output
        assert out.stdout_bytes.startswith(codecs.BOM_UTF8)
        assert out.stdout_bytes.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
        target = tmp_path / "den-han.csv"
        written = CliRunner().invoke(cli, [*args, "--format", "csv", "--out", str(target)])
        assert written.exit_code == 0, written.output
        assert target.read_bytes() == out.stdout_bytes
        book = tmp_path / "den-han.xlsx"
        made = CliRunner().invoke(cli, [*args, "--format", "xlsx", "--out", str(book)])
        assert made.exit_code == 0, made.output
        assert len(list(openpyxl.load_workbook(book)["Đến hạn"].iter_rows())) == 2 + 3
        refused = CliRunner().invoke(cli, [*args, "--format", "xlsx"])
        assert refused.exit_code == 2
        assert "--out" in refused.output

    @pytest.mark.parametrize(
        ("fmt", "name", "says"),
        [
            ("json", "den-han.csv", "--out writes .csv or .xlsx"),
            ("text", "den-han.csv", "--out writes .csv or .xlsx"),
            ("xlsx", "den-han.csv", "--format xlsx writes a .xlsx file"),
            ("csv", "den-han.xlsx", "--format csv writes a .csv file"),
        ],
    )
    def test_an_out_the_format_would_not_write_is_refused_before_anything_is_written(
        self, tmp_path: Path, fmt: str, name: str, says: str
    ) -> None:
        target = tmp_path / name
        args = ["due", "--store", str(tmp_path / "s.db"), "--on", "2024-06-03"]
        refused = CliRunner().invoke(cli, [*args, "--format", fmt, "--out", str(target)])
        assert refused.exit_code == 2
        assert says in refused.output
        assert not target.exists()
        assert not (tmp_path / "s.db").exists()
