"""
When can the branch consider a young candidate? The earliest-date planner.

A candidate born 15 Oct 2004 whose one sponsor has been alongside since 1 Mar 2022:
the age rule holds from 1 Oct 2022 (18 by month count), the sponsor rule from 1 Mar 2023.
Run with ``.venv/bin/python examples/planner.py``.
"""

from __future__ import annotations

import attrs
import pendulum

from ketnap import Stage, Workflow, plan
from ketnap.testing import make_dossier, walk


def main() -> None:
    workflow = Workflow()
    prepared = pendulum.date(2022, 9, 1)
    dossier = make_dossier(meeting=prepared, name="Nguyễn Thị Mai")
    walk(workflow, dossier, meeting=prepared, until=Stage.PREPARED)
    dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.date(2004, 10, 15))
    dossier.sponsors[0] = attrs.evolve(
        dossier.sponsors[0], alongside_since=pendulum.date(2022, 3, 1)
    )

    result = plan(workflow.law, dossier, on=pendulum.date(2022, 7, 1))
    print(result.text("vi"))
    print()
    print(result.text("en"))


if __name__ == "__main__":
    main()
