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
    assert "store.verify(): dossier HS-003: $.dossier.history[3].digest" in out
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
    for rule_id in ("age.minimum", "sponsor.duration", "certificate.awareness_valid"):
        assert rule_id in out


def test_district_table_writes_numbers_as_each_language_does() -> None:
    vi = run("district_2021.py")
    assert "đảng viên: 7.051" in vi
    assert "65,0%" in vi
    assert "65.0%" not in vi
    assert "Lý do chưa được kết nạp" in vi
    assert "Chưa đủ 18 tuổi" in vi
    en = run("district_2021.py", "--lang", "en")
    assert "members: 7,051" in en
    assert "65.0%" in en
    assert "Refusals by rule" in en
    assert "Under 18" in en
    assert "Chưa đủ 18 tuổi" not in en


def test_custom_process_adds_a_stage_and_removes_another() -> None:
    out = run("custom_process.py")
    lines = out.splitlines()
    # (a) the new stage and step, in Vietnamese by default
    assert "    + youth_committee_endorsed: Ban Chấp hành Đoàn đã biểu quyết giới thiệu" in lines
    assert "    16 giai đoạn, 19 bước" in lines
    # the branch can no longer propose straight from "prepared"; the local rule guards the vote
    assert "  không chấp nhận: workflow.step_available" in lines
    assert "  không chấp nhận: local.youth_committee_introduction" in lines
    assert "[local.youth_committee_introduction; C-02;" in out
    assert "  07/10/2025  Ban Chấp hành Đoàn biểu quyết giới thiệu đoàn viên" in lines
    assert "quy trình gốc (ADMISSION) không nhận lịch sử này" in out
    # (b) no endorsement stage
    assert "    13 giai đoạn, 16 bước" in lines  # both endorsements gone
    assert "    - endorsed: False" in lines
    # the shipped process is untouched
    assert "    15 giai đoạn, 18 bước" in lines
    # the after-hook: one audit line per recorded step, none for the refused ones
    audit = [line for line in lines if line.startswith("  20") and " HS-" in line]
    assert len(audit) == 9 + 8
    assert (
        "  2025-10-07 HS-101 youth_committee_vote: prepared -> youth_committee_endorsed"
        " by branch [294-QĐ/TW+ĐTN]"
    ) in out
    assert "HS-101 propose_admission: youth_committee_endorsed -> proposed" in out
    assert "HS-202 propose_admission: prepared -> proposed" in out
    assert out.count("HS-202 ") == 8


def test_custom_process_in_english() -> None:
    out = run("custom_process.py", "--lang", "en")
    assert "    + youth_committee_vote: Youth Union committee vote" in out
    assert "  refused: local.youth_committee_introduction" in out
    assert "The Youth Union committee cannot vote on 2025-09-09" in out
    assert "  2025-10-07  Youth Union committee vote" in out
    assert "history verified against this process" in out
