"""
Walk one candidate from the source pool to the party card, and print the history.

Run with ``make demo`` (or ``python examples/demo.py`` in the project's venv).
"""

from __future__ import annotations

import pendulum

from ketnap import Workflow
from ketnap.testing import lifecycle, make_dossier


def main() -> None:
    workflow = Workflow()
    meeting = pendulum.date(2024, 3, 12)
    dossier = make_dossier(meeting=meeting, name="Nguyễn Thị Lan")
    candidate = dossier.candidate

    print(f"Hồ sơ {dossier.id}: {candidate.name}, sinh ngày {candidate.birth_date:%d/%m/%Y}")
    print(f"Chi bộ: {dossier.organization.name}")
    print(f"Giai đoạn: {dossier.stage.label}\n")

    for step, on, actor in lifecycle(dossier, meeting=meeting, calendar=workflow.calendar):
        entry = workflow.advance(dossier, step, on=on, actor=actor)
        print(
            f"{entry.on:%d/%m/%Y}  {entry.actor.label:<22} {entry.step.label}\n"
            f"{'':12}{entry.source.label} → {entry.target.label}  [{entry.regulation}]"
        )

    print("\nCác mốc thời gian (key dates):")
    dates = {
        "Ngày quyết định kết nạp (tuổi đảng tính từ đây)": dossier.admission_decision_date,
        "Ngày lễ kết nạp (bắt đầu dự bị)": dossier.ceremony_date,
        "Ngày hết 12 tháng dự bị": dossier.probation_end,
        "Ngày trở thành đảng viên chính thức": dossier.full_membership_date,
    }
    for label, day in dates.items():
        print(f"  {label}: {day:%d/%m/%Y}" if day else f"  {label}: —")
    print(f"\nSố thẻ đảng viên: {dossier.card_number}")
    print(f"Giai đoạn cuối: {dossier.stage.label} ({dossier.stage.text('en')})")


if __name__ == "__main__":
    main()
