"""Hypothesis strategies for any structurally valid dossier, history included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from hypothesis import strategies as st

from ketnap import (
    ADMISSION,
    Actor,
    Approval,
    ApprovalKind,
    AreaKind,
    Candidate,
    Certificate,
    CertificateKind,
    Document,
    Dossier,
    EducationLevel,
    GapKind,
    HistoryEntry,
    Kinship,
    LeavingReason,
    LocalRole,
    Member,
    MembershipGap,
    MemberStatus,
    Organization,
    PoliticalTopic,
    PopulationViolation,
    PriorMembership,
    Relation,
    Relative,
    Sex,
    Sponsor,
    Transfer,
    UnionIntroduction,
    UnionKind,
    Verification,
    Vote,
    VotePurpose,
)
from ketnap.integrity import anchor
from ketnap.model.records import same_branch
from ketnap.rules.regulations import REGULATIONS

FIRST_REGULATION = min(r.effective.start for r in REGULATIONS.values() if r.effective.start)

# Any text a record accepts: no control, surrogate, private-use, unassigned or bidi
# characters (`ketnap.inputs.clean_text` refuses them; tests/test_validation.py checks that).
letters = st.characters(
    exclude_categories=("Cc", "Cs", "Co", "Cn"),
    exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
text = st.text(letters, min_size=1, max_size=12).filter(str.strip)
optional_text = st.none() | st.text(letters, max_size=12)


def dates(low: dt.date = dt.date(1940, 1, 1), high: dt.date = dt.date(2090, 12, 31)) -> Any:
    low, high = (dt.date(d.year, d.month, d.day) for d in (low, high))
    return st.dates(low, high).map(lambda d: pendulum.Date(d.year, d.month, d.day))


@st.composite
def prior_memberships(draw: st.DrawFn, born: pendulum.Date) -> PriorMembership:
    first = draw(dates(born, dt.date(2095, 1, 1)))
    left = draw(dates(first, dt.date(2096, 1, 1)))
    cleared = draw(st.none() | dates(left, dt.date(2097, 1, 1)))
    return PriorMembership(
        first_decision_on=first,
        left_on=left,
        reason=draw(st.sampled_from(LeavingReason)),
        record_cleared_on=cleared,
        readmitted_before=draw(st.booleans()),
        population_violation=(
            draw(st.none() | population_violations(born.add(days=1), left)) if left > born else None
        ),
    )


def population_violations(low: dt.date, high: dt.date) -> Any:
    return st.builds(
        PopulationViolation, child_order=st.integers(3, 99), child_born_on=dates(low, high)
    )


@st.composite
def membership_gaps(draw: st.DrawFn) -> MembershipGap:
    start = draw(dates())
    return MembershipGap(
        kind=draw(st.sampled_from(GapKind)),
        start=start,
        end=draw(st.none() | dates(start, dt.date(2095, 1, 1))),
    )


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    born = draw(dates(high=dt.date(2080, 1, 1)))
    return Candidate(
        name=draw(text),
        birth_date=born,
        education=draw(st.sampled_from(EducationLevel)),
        area=draw(st.sampled_from(AreaKind)),
        local_role=draw(st.sampled_from(LocalRole)),
        youth_union_member=draw(st.booleans()),
        trade_union_member=draw(st.booleans()),
        over_sixty_grounds=draw(st.booleans()),
        relatives=draw(
            st.lists(
                st.builds(
                    Relative,
                    name=text,
                    kinship=st.sampled_from(Kinship),
                    party_member=st.booleans(),
                ),
                max_size=3,
            )
        ),
        prior_membership=draw(st.none() | prior_memberships(born)),
        population_violations=draw(
            st.lists(population_violations(born.add(days=1), dt.date(2095, 1, 1)), max_size=2)
        ),
        citizen_id=draw(st.none() | st.from_regex(r"\A[0-9]{12}\Z")),
        sex=draw(st.none() | st.sampled_from(Sex)),
        ethnic_minority=draw(st.booleans()),
        religious=draw(st.booleans()),
    )


members = {
    "name": text,
    "status": st.sampled_from(MemberStatus),
    "official_since": dates(),  # an official member needs it; the others may have it
}


@st.composite
def votes(draw: st.DrawFn) -> Vote:
    counted = draw(st.integers(0, 500))
    return Vote(
        body=draw(st.sampled_from(Actor)),
        purpose=draw(st.sampled_from(VotePurpose)),
        held_on=draw(dates()),
        members_counted=counted,
        in_favour=draw(st.integers(0, counted)),
    )


@st.composite
def histories(draw: st.DrawFn, dossier: Dossier) -> None:
    """Walk *dossier* along random rows of the process, as the workflow records."""
    stage: str = ADMISSION.initial
    # Acts fall under a regulation in force on their date: the shipped ones start in 2016.
    day = max(dossier.entered_pool_on, FIRST_REGULATION)
    for _ in range(draw(st.integers(0, 10))):
        rows = [row for row in ADMISSION.transitions if row.source == stage]
        if not rows:
            break
        row = draw(st.sampled_from(rows))
        day = day.add(days=draw(st.integers(0, 400)))
        dossier.history.append(
            HistoryEntry(
                on=day,
                step=row.step,
                actor=draw(st.sampled_from(sorted(row.actors))),
                source=stage,
                target=row.target,
                regulation=next(r.code for r in REGULATIONS.values() if r.effective.contains(day)),
                reference=draw(optional_text),
                previous=anchor(dossier),
            )
        )
        if row.step in ADMISSION.steps_tagged("transfer"):
            # A transfer act has its record, to another branch, which the dossier is now in.
            current = dossier.organization

            def elsewhere(branch: Organization, current: Organization = current) -> bool:
                return not same_branch(branch, current)

            to = draw(st.builds(Organization, name=text, code=st.none() | text).filter(elsewhere))
            dossier.transfers.append(
                Transfer(on=day, from_branch=current, to_branch=to, reference=draw(optional_text))
            )
            dossier.organization = to
        stage = row.target
    dossier.stage = stage
    steps = {entry.step: entry.on for entry in dossier.history}
    decided = next((steps[s] for s in ADMISSION.steps_tagged("admission") if s in steps), None)
    if decided is not None:
        dossier.decision_received_on = draw(st.none() | dates(decided, dt.date(2099, 1, 1)))
    if steps.keys() & ADMISSION.steps_tagged("card"):
        dossier.card_number = draw(text)


@st.composite
def dossiers(draw: st.DrawFn) -> Dossier:
    candidate = draw(candidates())
    entered = draw(dates(candidate.birth_date.add(days=1), dt.date(2085, 1, 1)))
    documents = draw(st.lists(st.builds(Document, form=text, dated=dates()), max_size=4))
    dossier = Dossier(
        id=draw(text),
        candidate=candidate,
        organization=draw(
            st.builds(
                Organization,
                name=text,
                code=st.none() | text,
                under_base_committee=st.booleans(),
                base_committee_may_admit=st.booleans(),
                has_youth_union=st.booleans(),
                has_trade_union=st.booleans(),
            )
        ),
        entered_pool_on=entered,
        helper=draw(st.none() | st.builds(Member, **members)),
        sponsors=draw(
            st.lists(
                st.builds(
                    Sponsor,
                    **members,
                    alongside_since=dates(),
                    basis=st.sampled_from(Relation),
                    replaces=st.none() | text,
                ),
                max_size=2,
                unique_by=lambda sponsor: sponsor.name,
            )
        ),
        union_introduction=draw(
            st.none()
            | st.builds(UnionIntroduction, kind=st.sampled_from(UnionKind), resolution_on=dates())
        ),
        certificates=draw(
            st.lists(
                st.builds(
                    Certificate,
                    kind=st.sampled_from(CertificateKind),
                    issued_on=dates(),
                    issuer=st.text(letters, max_size=8),
                ),
                max_size=2,
            )
        ),
        documents={document.form: document for document in documents},
        verification=draw(
            st.none()
            | st.builds(
                Verification,
                concluded_on=dates(),
                topics=st.frozensets(st.sampled_from(PoliticalTopic)),
                verified=st.frozensets(text, max_size=3),
            )
        ),
        votes=draw(st.lists(votes(), max_size=3)),
        approvals=draw(
            st.lists(
                st.builds(
                    Approval,
                    kind=st.sampled_from(ApprovalKind),
                    by=st.sampled_from(Actor),
                    given_on=dates(),
                ),
                max_size=2,
            )
        ),
        card_number=draw(st.none() | text),
        membership_gaps=draw(st.lists(membership_gaps(), max_size=2)),
    )
    draw(histories(dossier))
    return dossier
