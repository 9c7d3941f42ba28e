"""
Forms for N dossiers (the admission decision, 9-KNĐ), against docxtpl with plain dicts.

- ketnap: `ketnap.forms.write_form` per dossier: the facts read from the dossier, the
  tree and the office, every missing fact checked, the shipped template filled and saved.
- floor: the same template filled with docxtpl from a plain dict of the same facts,
  prepared beforehand, and saved: what any program pays to write the file.

    python benchmarks/forms.py              # 10,000 dossiers
    python benchmarks/forms.py --n 1000     # quicker

The last line is ``ratio_floor=R``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import pendulum
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from ketnap import Dossier, Law, OrganizationTree, Step, Unit, Workflow
from ketnap.forms import TEMPLATES, Signature, form_fields, write_form
from ketnap.testing import clone, lifecycle, make_dossier

MEETING = pendulum.Date(2024, 3, 12)
TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện Yên Lạc", level="district"),
        Unit(code="X", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
        Unit(code="X.1", name="Chi bộ thôn Đông", level="branch", parent="X", members=20),
    ]
)
SIGNER = Signature(place="Yên Lạc", signer="Trần Văn Bình")
LAW = Law()


def decided(n: int) -> list[Dossier]:
    workflow = Workflow()
    shape = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
    for step, on, actor in lifecycle(shape, meeting=MEETING, workflow=workflow):
        workflow.advance(shape, step, on=on, actor=actor, reference=f"{step}-01")
        if step == Step.DECIDE_ADMISSION:
            break
    return [clone(shape, f"HS-{index:06d}") for index in range(n)]


def floor(facts: list[dict[str, Any]], folder: Path) -> None:
    template = str(TEMPLATES / "9-KND.docx")
    for index, values in enumerate(facts):
        document = DocxTemplate(template)
        document.render(values, autoescape=True)
        document.save(str(folder / f"floor-{index}.docx"))


def ours(dossiers: list[Dossier], folder: Path) -> None:
    for index, dossier in enumerate(dossiers):
        write_form(
            "9-KNĐ",
            dossier,
            folder / f"ketnap-{index}.docx",
            tree=TREE,
            signature=SIGNER,
            law=LAW,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Forms for many dossiers.")
    parser.add_argument("--n", type=int, default=10_000, help="dossiers (default 10,000)")
    args = parser.parse_args()
    dossiers = decided(args.n)
    facts = [form_fields("9-KNĐ", d, tree=TREE, signature=SIGNER, law=LAW) for d in dossiers]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        floor(facts, folder)
        theirs = time.perf_counter() - started
        started = time.perf_counter()
        ours(dossiers, folder)
        mine = time.perf_counter() - started
        size = (folder / "ketnap-0.docx").stat().st_size
    per = 1e3 / args.n
    print(f"{args.n:,} forms 9-KNĐ ({size:,} B each)")
    print(f"  ketnap {mine * per:.2f} ms/form   floor (docxtpl, plain dicts) {theirs * per:.2f} ms")
    print(f"ratio_floor={mine / theirs:.2f}")


if __name__ == "__main__":
    main()
