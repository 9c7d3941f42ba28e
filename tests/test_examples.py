"""The example scripts run and say what they promise (python-statemachine's gallery)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def run(name: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own scripts, run by this interpreter
        [sys.executable, str(EXAMPLES / name)],
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
