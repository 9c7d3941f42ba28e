"""
Walk one candidate from the source pool to the party card, and print the history.

Run with ``make demo`` (or ``python examples/demo.py`` in the project's venv).
"""

from __future__ import annotations

import pendulum

from ketnap import Workflow
from ketnap.terms import full_membership_date
from ketnap.testing import lifecycle, make_dossier


def main() -> None:
    workflow = Workflow()
    process = workflow.law.process
    meeting = pendulum.date(2024, 3, 12)
    dossier = make_dossier(meeting=meeting, name="Nguyễn Thị Lan")
    candidate = dossier.candidate

    print(f"Hồ sơ {dossier.id}: {candidate.name}, sinh ngày {candidate.birth_date:%d/%m/%Y}")
    print(f"Chi bộ: {dossier.organization.name}")
    print(f"Giai đoạn: {process.text(dossier.stage)}\n")

    for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
        entry = workflow.advance(dossier, step, on=on, actor=actor)
        print(
            f"{entry.on:%d/%m/%Y}  {entry.actor.label:<22} {process.text(entry.step)}\n"
            f"{'':12}{process.text(entry.source)} → {process.text(entry.target)}"
            f"  [{entry.regulation}]"
        )

    print("\nCác mốc thời gian (key dates):")
    ceremony = process.ceremony_date(dossier)
    policy = workflow.law.policy_for(ceremony) if ceremony else None
    dates = {
        "Ngày quyết định kết nạp (tuổi đảng tính từ đây)": process.admission_date(dossier),
        "Ngày lễ kết nạp (bắt đầu dự bị)": ceremony,
        "Ngày hết 12 tháng dự bị": workflow.law.probation_end(dossier),
        "Ngày trở thành đảng viên chính thức": (
            full_membership_date(dossier, policy, process=process) if policy else None
        ),
    }
    for label, day in dates.items():
        print(f"  {label}: {day:%d/%m/%Y}" if day else f"  {label}: —")
    print(f"\nSố thẻ đảng viên: {dossier.card_number}")
    stage = dossier.stage
    print(f"Giai đoạn cuối: {process.text(stage)} ({process.text(stage, 'en')})")


if __name__ == "__main__":
    main()
