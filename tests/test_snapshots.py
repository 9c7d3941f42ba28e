"""
Decisions for a fixed set of dossiers under each regulation, kept as a JSON snapshot.

A rule change shows as a diff of tests/snapshots/proposals.json (holidays' snapshots).
Regenerate after an intended change with ``KETNAP_UPDATE_SNAPSHOTS=1 make pytest``
and review the diff.
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Callable

import attrs
import pendulum

from ketnap import (
    Actor,
    AreaKind,
    Certificate,
    CertificateKind,
    Dossier,
    EducationLevel,
    LeavingReason,
    MemberStatus,
    Organization,
    PriorMembership,
    Relation,
    Stage,
    Step,
    Workflow,
)
from ketnap.testing import add_sponsor, add_vote, make_dossier, walk

SNAPSHOT = pathlib.Path(__file__).parent / "snapshots" / "proposals.json"
MEETINGS = {
    "29-QĐ/TW": pendulum.Date(2020, 9, 15),
    "24-QĐ/TW": pendulum.Date(2023, 9, 12),
    "232-QĐ/TW": pendulum.Date(2025, 3, 11),
    "294-QĐ/TW": pendulum.Date(2025, 9, 16),
}


def _candidate(**changes: object) -> Callable[[Dossier, pendulum.Date], None]:
    def apply(dossier: Dossier, _meeting: pendulum.Date) -> None:
        dossier.candidate = attrs.evolve(dossier.candidate, **changes)  # type: ignore[arg-type]

    return apply


def _sponsor(**changes: object) -> Callable[[Dossier, pendulum.Date], None]:
    def apply(dossier: Dossier, _meeting: pendulum.Date) -> None:
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], **changes)  # type: ignore[arg-type]

    return apply


def _old_certificate(dossier: Dossier, meeting: pendulum.Date) -> None:
    issued = pendulum.Date(meeting.year - 6, meeting.month, 1)
    dossier.certificates[:] = [Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=issued)]


def _weak_vote(dossier: Dossier, meeting: pendulum.Date) -> None:
    dossier.votes.clear()
    add_vote(dossier, meeting, counted=12, favour=7)


def _former_member(dossier: Dossier, meeting: pendulum.Date) -> None:
    prior = PriorMembership(
        first_decision_on=pendulum.Date(2001, 1, 1),
        left_on=pendulum.Date(meeting.year - 2, 1, 1),
        reason=LeavingReason.CONVICTED_CORRUPTION,
    )
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=pendulum.Date(1975, 1, 1), prior_membership=prior
    )
    add_sponsor(dossier, meeting=meeting)


def _born_1950(dossier: Dossier, meeting: pendulum.Date) -> None:
    dossier.candidate = attrs.evolve(dossier.candidate, birth_date=pendulum.Date(1950, 1, 1))
    add_sponsor(dossier, meeting=meeting)


def _enterprise_two_sponsors(dossier: Dossier, meeting: pendulum.Date) -> None:
    """Past youth age in an enterprise with a trade union and no Youth Union (C-03)."""
    dossier.organization = Organization(
        name="Chi bộ Công ty X", has_youth_union=False, has_trade_union=True
    )
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=pendulum.Date(1985, 1, 1), trade_union_member=True
    )
    dossier.union_introduction = None
    add_sponsor(dossier, meeting=meeting)


VARIANTS: dict[str, Callable[[Dossier, pendulum.Date], None]] = {
    "reference": lambda _d, _m: None,
    "equivalent education": _candidate(education=EducationLevel.LOWER_SECONDARY_EQUIVALENT),
    "primary school, mountain area": _candidate(
        education=EducationLevel.PRIMARY, area=AreaKind.MOUNTAIN
    ),
    "born 1950": _born_1950,
    "born 1985, Youth Union and one sponsor": _candidate(birth_date=pendulum.Date(1985, 1, 1)),
    "born 1985, enterprise without Youth Union, two sponsors": _enterprise_two_sponsors,
    "born this year minus 17": lambda d, m: _candidate(birth_date=pendulum.Date(m.year - 17, 1, 1))(
        d, m
    ),
    "sponsor lived alongside": _sponsor(basis=Relation.RESIDENCE),
    "sponsor probationary": _sponsor(status=MemberStatus.PROBATIONARY, official_since=None),
    "certificate six years old": _old_certificate,
    "seven votes of twelve": _weak_vote,
    "former member convicted of corruption": _former_member,
}


def decisions(workflow: Workflow) -> dict[str, dict[str, list[str]]]:
    table: dict[str, dict[str, list[str]]] = {}
    for code, meeting in MEETINGS.items():
        row: dict[str, list[str]] = {}
        for name, change in VARIANTS.items():
            dossier = make_dossier(meeting=meeting)
            walk(workflow, dossier, meeting=meeting, until=Stage.PREPARED)
            add_vote(dossier, meeting)
            change(dossier, meeting)
            failures = workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=meeting, actor=Actor.BRANCH
            )
            assert workflow.law.ruleset_for(meeting).code == code
            row[name] = sorted(f.rule_id for f in failures)
        table[code] = row
    return table


def test_snapshot(workflow: Workflow) -> None:
    found = decisions(workflow)
    if os.environ.get("KETNAP_UPDATE_SNAPSHOTS"):
        text = json.dumps(found, ensure_ascii=False, indent=2) + "\n"
        SNAPSHOT.write_text(text, encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert found == expected
