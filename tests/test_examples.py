"""The example scripts run and say what they promise (python-statemachine's gallery)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def run(name: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own scripts, run by this interpreter
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    return result.stdout


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_runs(script: str) -> None:
    assert run(script).strip()


def test_demo_reaches_the_card() -> None:
    out = run("demo.py")
    assert "Nguồn kết nạp (quần chúng cảm tình Đảng)" in out
    assert "Đảng viên dự bị" in out
    assert out.rstrip().endswith("Đã phát thẻ đảng viên (Party card issued)")


def test_refusals_list_several_rules_in_both_languages() -> None:
    out = run("refusals.py")
    for rule_id in (
        "age.minimum",
        "education.minimum",
        "sponsor.official",
        "vote.branch_admission",
    ):
        assert out.count(f"[{rule_id};") == 2
    assert "Chưa đủ 18 tuổi" in out
    assert "Under 18" in out
    assert "Điều lệ Đảng Điều 1.2" in out


def test_custom_rules_extend_without_touching_the_shipped_set() -> None:
    out = run("custom_rules.py")
    assert "shipped QĐ 294: 0 failure(s)" in out
    assert "local variant: 2 failure(s)" in out
    assert "dossier.local_rating" in out


def test_reminders_show_due_and_overdue_in_both_languages() -> None:
    out = run("reminders.py")
    assert "(12 dossiers)" in out
    assert "Đến hạn trong 15 ngày làm việc" in out
    assert "Quá hạn" in out
    assert "Due within 15 working days" in out
    assert "Overdue" in out
    assert "quá 13 ngày làm việc" in out


def test_planner_gives_the_earliest_meeting() -> None:
    out = run("planner.py")
    assert "Sớm nhất: 01/03/2023" in out
    assert "Earliest: 2023-03-01" in out


def test_archive_catches_the_direct_edit_and_the_second_writer() -> None:
    out = run("archive.py")
    assert "problems found by store.verify(): []" in out
    assert "second save refused" in out
    assert "kept: card number 01.000123" in out
    assert "load refused: $.dossier.history[3].digest" in out
    assert "store.verify(): HS-003 at $.dossier.history[3].digest" in out
    assert "Nguyễn Văn Bình" not in out.split("5.")[-1]


def test_district_reproduces_the_article_figures() -> None:
    data = json.loads(run("district_2021.py", "--json"))
    assert (data["courses"], data["trainees"]) == (2, 175)
    assert (data["admitted"], data["plan"], data["percent_of_plan"]) == (130, 200, 65.0)
    assert (data["members"], data["base_organizations"]) == (7051, 59)
    assert data["branches"] == 263 + 39
    # Every pipeline dossier the planner sees ready by December, none that time cannot fix.
    assert (
        data["admitted"]
        < data["forecast"]
        <= data["admitted"]
        + sum(data["stages"][s] for s in ("prepared", "proposed", "endorsed", "trained"))
    )


def test_district_table_names_the_refusals() -> None:
    out = run("district_2021.py")
    assert "65.0%" in out
    for rule_id in ("age.minimum", "sponsor.duration", "certificate.awareness_valid"):
        assert rule_id in out
