"""
A branch's archive: save its dossiers in a SQLite file, reload and verify them, record
the anchors in the register, then show what happens when someone edits the file directly.

Run with ``.venv/bin/python examples/archive.py``.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pendulum

from ketnap import (
    Dossier,
    InvalidDocument,
    Organization,
    Query,
    SQLiteStore,
    Stage,
    StaleDossier,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.integrity import anchor, verify
from ketnap.storage import redact
from ketnap.testing import make_dossier, walk

BRANCH = Organization(name="Chi bộ Thôn Đông")

# (name, branch meeting that proposed or will propose admission, stage reached)
PEOPLE: list[tuple[str, pendulum.Date, Stage]] = [
    ("Nguyễn Văn An", pendulum.date(2023, 5, 16), Stage.CARD_ISSUED),
    ("Trần Thị Bình", pendulum.date(2023, 11, 14), Stage.FULL_MEMBER),
    ("Lê Văn Cường", pendulum.date(2024, 3, 12), Stage.PROBATION),
    ("Phạm Thị Dung", pendulum.date(2024, 9, 10), Stage.PROBATION),
    ("Hoàng Văn Em", pendulum.date(2025, 1, 14), Stage.PROPOSED),
    ("Vũ Thị Giang", pendulum.date(2025, 3, 11), Stage.PREPARED),
]


def build(workflow: Workflow) -> list[Dossier]:
    dossiers = []
    for number, (name, meeting, stage) in enumerate(PEOPLE, start=1):
        dossier = make_dossier(
            meeting=meeting, id=f"HS-{number:03d}", name=name, organization=BRANCH
        )
        walk(workflow, dossier, meeting=meeting, until=stage)
        dossiers.append(dossier)
    return dossiers


def main() -> None:
    workflow = Workflow()
    dossiers = build(workflow)
    # What the store derives from each dossier for due lists and reports, by this workflow.
    facts = facts_for(workflow.law)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "chi-bo-thon-dong.db")

        print(f"1. Lưu {len(dossiers)} hồ sơ / saving {len(dossiers)} dossiers in one transaction")
        with SQLiteStore(path, facts=facts) as store:
            store.save_all(dossiers)
        # The register (sổ đăng ký) keeps each dossier's anchor, outside the database.
        register = {dossier.id: anchor(dossier) for dossier in dossiers}
        for dossier_id, digest in register.items():
            print(f"   {dossier_id}  anchor {digest[:16]}…")

        print("\n2. Đọc lại và kiểm tra / reload and verify")
        with SQLiteStore(path, facts=facts) as store:
            for dossier in store.find():
                verify(dossier, anchor=register[dossier.id])
                print(
                    f"   {dossier.id}  {dossier.candidate.name:<15} "
                    f"{workflow.law.process.text(dossier.stage)} (revision {dossier.revision}, "
                    f"{len(dossier.history)} acts) ✓"
                )
            on_probation = [d.id for d in store.find(Query(stage=Stage.PROBATION))]
            print(f"   đang dự bị / on probation: {', '.join(on_probation)}")
            print(f"   problems found by store.verify(): {store.verify()}")

        print("\n3. Hai người cùng sửa / two writers on HS-003")
        with (
            SQLiteStore(path, facts=facts) as first,
            SQLiteStore(path, facts=facts) as second,
        ):
            mine, theirs = first.load("HS-003"), second.load("HS-003")
            mine.card_number, theirs.card_number = "01.000123", "01.999999"
            first.save(mine)
            try:
                second.save(theirs)
            except StaleDossier as refused:
                print(f"   second save refused: {refused}")
            print(f"   kept: card number {first.load('HS-003').card_number}")

        print("\n4. Sửa trực tiếp tệp dữ liệu / a direct edit of the database file")
        db = sqlite3.connect(path)
        # Move HS-003's admission decision back a month, as a forger might, to age their
        # probation; nothing in ketnap is used to do it.
        db.execute(
            "UPDATE dossiers SET document = json_set(document, '$.dossier.history[3].on',"
            " '2024-03-15') WHERE id = 'HS-003'"
        )
        db.commit()
        db.close()
        with SQLiteStore(path, facts=facts) as store:
            try:
                store.load("HS-003")
            except InvalidDocument as caught:
                print(f"   load refused: {caught}")
            for problem in store.verify():
                print(f"   store.verify(): {problem}")

        print("\n5. Bản xuất đã ẩn danh / redacted export for statistics")
        shared = redact(dossiers[0], salt=b"huyen-2025")
        print("   " + json.dumps(shared["dossier"]["candidate"], ensure_ascii=False))


if __name__ == "__main__":
    main()
