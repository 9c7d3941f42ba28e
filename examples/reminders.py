"""
A branch's reminder feed: a dozen dossiers at different stages, what is due in the next
15 working days and what is overdue, in Vietnamese and English.

Run with ``.venv/bin/python examples/reminders.py``.
"""

from __future__ import annotations

import pendulum

from ketnap import Dossier, Lang, Organization, Stage, Workflow, due_list
from ketnap.messages import format_date
from ketnap.testing import make_dossier, walk

REPORT = pendulum.date(2025, 3, 3)
"""The report date: the Monday after Tết and the end of February."""

# (name, branch meeting that proposed or will propose admission, stage reached)
PEOPLE: list[tuple[str, pendulum.Date, Stage]] = [
    ("Nguyễn Văn An", pendulum.date(2024, 5, 14), Stage.PREPARED),
    ("Trần Thị Bình", pendulum.date(2024, 11, 12), Stage.PROPOSED),
    ("Lê Văn Cường", pendulum.date(2024, 12, 10), Stage.PROPOSED),
    ("Phạm Thị Dung", pendulum.date(2025, 1, 14), Stage.PROPOSED),
    ("Hoàng Văn Em", pendulum.date(2025, 1, 7), Stage.ADMITTED),
    ("Vũ Thị Giang", pendulum.date(2024, 12, 17), Stage.ADMITTED),
    ("Đặng Văn Hải", pendulum.date(2023, 12, 12), Stage.PROBATION),
    ("Bùi Thị Hoa", pendulum.date(2023, 11, 21), Stage.PROBATION),
    ("Đỗ Văn Khánh", pendulum.date(2023, 12, 12), Stage.RECOGNITION_PROPOSED),
    ("Ngô Thị Lan", pendulum.date(2023, 11, 14), Stage.CARD_ISSUED),
    ("Dương Văn Minh", pendulum.date(2025, 5, 13), Stage.TRAINED),
    ("Lý Thị Ngọc", pendulum.date(2025, 2, 18), Stage.PREPARED),
]


def build(workflow: Workflow) -> list[Dossier]:
    branches = [Organization(name="Chi bộ Thôn Đông"), Organization(name="Chi bộ Thôn Tây")]
    dossiers = []
    for number, (name, day, stage) in enumerate(PEOPLE, start=1):
        dossier = make_dossier(
            meeting=day, id=f"HS-{number:03d}", name=name, organization=branches[number % 2]
        )
        walk(workflow, dossier, meeting=day, until=stage)
        dossiers.append(dossier)
    return dossiers


def main() -> None:
    workflow = Workflow()
    dossiers = build(workflow)
    feed = due_list(dossiers, on=REPORT, within=15, law=workflow.law)

    headings: list[tuple[Lang, str, str, str]] = [
        ("vi", "Nhắc việc ngày", "Đến hạn trong 15 ngày làm việc", "Quá hạn"),
        ("en", "Reminders on", "Due within 15 working days", "Overdue"),
    ]
    for lang, title, due_head, late_head in headings:
        print(f"=== {title} {format_date(REPORT, lang)} ({len(dossiers)} dossiers) ===")
        for who, part in feed.by_actor().items():
            print(f"\n## {who.text(lang) if who else '—'}")
            for heading, items in ((due_head, part.due), (late_head, part.overdue)):
                if items:
                    print(f"  {heading}:")
                    for item in items:
                        print(f"    - {item.text(lang)}")
        print()

    print("Theo chi bộ / by branch:")
    for branch, part in feed.by_organization().items():
        print(f"  {branch}: {len(part.due)} due, {len(part.overdue)} overdue")


if __name__ == "__main__":
    main()
