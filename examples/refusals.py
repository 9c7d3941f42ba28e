"""
A branch meeting that must refuse: several rules fail at once, each named with its clause.

Run with ``.venv/bin/python examples/refusals.py``.
"""

from __future__ import annotations

import attrs
import pendulum

from ketnap import (
    Actor,
    Certificate,
    CertificateKind,
    EducationLevel,
    MemberStatus,
    Stage,
    Step,
    TransitionRefused,
    Vote,
    VotePurpose,
    Workflow,
)
from ketnap.testing import make_dossier, walk


def main() -> None:
    workflow = Workflow()
    meeting = pendulum.date(2024, 3, 12)
    dossier = make_dossier(meeting=meeting, name="Trần Văn Minh")
    walk(workflow, dossier, meeting=meeting, until=Stage.PREPARED)

    # What went wrong in this dossier, as a reviewer would find it:
    dossier.candidate = attrs.evolve(
        dossier.candidate,
        birth_date=pendulum.date(2006, 7, 2),  # 17 at the meeting
        education=EducationLevel.PRIMARY,  # no lower-secondary diploma
    )
    dossier.sponsors[0] = attrs.evolve(
        dossier.sponsors[0],
        status=MemberStatus.PROBATIONARY,  # a probationary member cannot sponsor
        official_since=None,
        alongside_since=pendulum.date(2023, 9, 1),  # only 6 months alongside
    )
    dossier.certificates[:] = [
        Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=pendulum.date(2018, 11, 20))
    ]
    dossier.votes.append(
        Vote(
            body=Actor.BRANCH,
            purpose=VotePurpose.ADMISSION,
            held_on=meeting,
            members_counted=12,
            in_favour=7,  # short of two thirds
        )
    )

    try:
        workflow.advance(dossier, Step.PROPOSE_ADMISSION, on=meeting, actor=Actor.BRANCH)
    except TransitionRefused as refused:
        print(refused.text("vi"))
        print()
        print(refused.text("en"))
        stage = workflow.law.process.text(dossier.stage)
        print(f"\n{len(refused.failures)} rules failed; the dossier stays at: {stage}")


if __name__ == "__main__":
    main()
