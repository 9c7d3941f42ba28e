"""
Helpers for testing code that uses ketnap.

Dossier builders, a lifecycle driver and domain assertions.

>>> import pendulum
>>> from ketnap import Workflow, Stage
>>> from ketnap.testing import make_dossier, walk
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(Workflow(), dossier, meeting=pendulum.date(2024, 3, 12))
>>> dossier.stage == Stage.CARD_ISSUED
True
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterator

import attrs
import pendulum

from ketnap.dates import add_months
from ketnap.errors import TransitionRefused
from ketnap.integrity import chain_start
from ketnap.model import (
    Actor,
    Candidate,
    Certificate,
    CertificateKind,
    Document,
    Dossier,
    EducationLevel,
    HistoryEntry,
    Kinship,
    Member,
    MemberStatus,
    Organization,
    PoliticalTopic,
    Relation,
    Relative,
    Sponsor,
    Stage,
    Step,
    UnionIntroduction,
    UnionKind,
    Verification,
    Vote,
    VotePurpose,
)
from ketnap.terms import probation_end
from ketnap.workflow import Workflow

__all__ = [
    "add_sponsor",
    "add_vote",
    "assert_allowed",
    "assert_refused",
    "clone",
    "failed_rule_ids",
    "lifecycle",
    "make_dossier",
    "walk",
]


def make_dossier(
    *,
    meeting: pendulum.Date,
    id: str = "HS-001",  # noqa: A002 - the dossier's own field name
    name: str = "Nguyễn Văn An",
    organization: Organization | None = None,
) -> Dossier:
    """
    Return a dossier that passes every rule when the branch meets on *meeting*.

    The candidate is 25, holds an upper-secondary diploma, belongs to the Youth Union,
    which introduces them with one official sponsor; every document, the certificate
    and the background verification are in order and recent. Change one field to
    test one rule.
    """
    candidate = Candidate(
        name=name,
        birth_date=add_months(meeting, -302),
        education=EducationLevel.UPPER_SECONDARY,
        youth_union_member=True,
        relatives=(
            Relative(name="Nguyễn Văn Bình", kinship=Kinship.PARENT),
            Relative(name="Trần Thị Cúc", kinship=Kinship.PARENT),
        ),
    )
    prepared = add_months(meeting, -2)
    return Dossier(
        id=id,
        candidate=candidate,
        organization=organization or Organization(name="Chi bộ Thôn Đông"),
        entered_pool_on=add_months(meeting, -12),
        helper=Member(
            name="Lê Văn Dũng",
            status=MemberStatus.OFFICIAL,
            official_since=add_months(meeting, -120),
        ),
        sponsors=[
            Sponsor(
                name="Lê Văn Dũng",
                status=MemberStatus.OFFICIAL,
                official_since=add_months(meeting, -120),
                alongside_since=add_months(meeting, -36),
                basis=Relation.WORK,
            )
        ],
        union_introduction=UnionIntroduction(
            kind=UnionKind.YOUTH_UNION, resolution_on=add_months(meeting, -1)
        ),
        certificates=[
            Certificate(
                kind=CertificateKind.AWARENESS_COURSE,
                issued_on=add_months(meeting, -6),
                issuer="Trung tâm chính trị",
            )
        ],
        documents={
            form: Document(form=form, dated=prepared)
            for form in ("1-KNĐ", "2-KNĐ", "3-KNĐ", "4-KNĐ", "5-KNĐ")
        },
        verification=Verification(
            concluded_on=prepared,
            topics=frozenset(PoliticalTopic),
            verified=frozenset({"Nguyễn Văn Bình", "Trần Thị Cúc"}),
        ),
    )


def add_sponsor(dossier: Dossier, *, meeting: pendulum.Date, name: str = "Phạm Thị Em") -> Sponsor:
    """
    Record a second official sponsor on *dossier*, alongside the candidate for three years.

    A candidate past youth age, or with no union to introduce them, needs two sponsors
    (C-01): a `make_dossier` dossier whose candidate is made older needs this one.
    """
    sponsor = Sponsor(
        name=name,
        status=MemberStatus.OFFICIAL,
        official_since=add_months(meeting, -120),
        alongside_since=add_months(meeting, -36),
        basis=Relation.WORK,
    )
    dossier.sponsors.append(sponsor)
    return sponsor


def add_vote(
    dossier: Dossier,
    on: pendulum.Date,
    *,
    purpose: VotePurpose = VotePurpose.ADMISSION,
    body: Actor = Actor.BRANCH,
    counted: int = 12,
    favour: int = 11,
) -> Vote:
    """Record a vote on *dossier* (11 of 12 in favour of admission by the branch by default)."""
    vote = Vote(body=body, purpose=purpose, held_on=on, members_counted=counted, in_favour=favour)
    dossier.votes.append(vote)
    return vote


def lifecycle(  # noqa: C901, PLR0915 - one branch per step of the path, in order
    dossier: Dossier,
    *,
    meeting: pendulum.Date,
    workflow: Workflow,
    card_number: str = "01.000001",
    trained: pendulum.Date | None = None,
    prepared: pendulum.Date | None = None,
) -> Iterator[tuple[Step, pendulum.Date, Actor]]:
    """
    Yield the steps that take a `make_dossier` dossier to the party card, with their dates.

    Before yielding each step it records on the dossier what that step needs (the vote,
    the new-member certificate, the card number; the probationary member's helper after
    the ceremony), as an application would. It drives
    any engine: ``for step, on, actor in lifecycle(...): engine(dossier, step, on, actor)``.
    The course ends on *trained* (default: 6 months before the meeting) and sponsors
    are assigned on *prepared* (default: 2 months before); the branch meets on
    *meeting*; the decision follows 20 working days later, the ceremony 10 after
    receipt, recognition 5 working days after probation ends (by the workflow's policy);
    under a base committee it endorses 10 working days after each branch resolution,
    and a partial committee above the branch appraises 5 working days after it (F-05a).
    A dossier already along the way continues from its stage.
    """
    calendar = workflow.law.calendar
    # Resumable: the dates follow from *meeting*, so a dossier part-way along the path
    # (a loaded copy, say) continues from its own stage.
    done = _MAIN_PATH.index(dossier.stage) if dossier.stage in _MAIN_PATH else len(_MAIN_PATH)

    def ahead(stage: str) -> bool:
        return done <= _MAIN_PATH.index(stage)

    if ahead(Stage.SOURCE_POOL):
        yield Step.COMPLETE_TRAINING, trained or add_months(meeting, -6), Actor.BRANCH
    if ahead(Stage.TRAINED):
        yield Step.ASSIGN_SPONSORS, prepared or add_months(meeting, -2), Actor.BRANCH
    if ahead(Stage.PREPARED):
        add_vote(dossier, meeting)
        yield Step.PROPOSE_ADMISSION, meeting, Actor.BRANCH
    partial = dossier.organization.under_partial_committee
    if partial and ahead(Stage.PROPOSED):
        appraised = calendar.add_working_days(meeting, 5)
        form = workflow.law.policy_for(appraised).appraisal_form
        dossier.add_documents([Document(form=form, dated=appraised)])
        yield Step.APPRAISE_ADMISSION, appraised, Actor.PARTIAL_COMMITTEE
    endorsed = calendar.add_working_days(meeting, 10)
    if dossier.organization.under_base_committee and ahead(Stage.PROPOSED):
        add_vote(dossier, endorsed, body=Actor.BASE_COMMITTEE, counted=9, favour=7)
        yield Step.ENDORSE, endorsed, Actor.BASE_COMMITTEE
    decided = calendar.add_working_days(meeting, 20)
    if ahead(Stage.ENDORSED):
        yield Step.DECIDE_ADMISSION, decided, Actor.COMPETENT_COMMITTEE
    received = calendar.add_working_days(decided, 2)
    ceremony = calendar.add_working_days(received, 10)
    if ahead(Stage.ADMITTED):
        dossier.decision_received_on = received
        # The branch assigns a helper to the probationary member at the ceremony.
        dossier.probation_helper = dossier.helper
        yield Step.HOLD_CEREMONY, ceremony, Actor.BRANCH
    end = probation_end(ceremony, workflow.law.policy_for(ceremony))
    recognition = calendar.add_working_days(end, 5)
    if ahead(Stage.PROBATION):
        dossier.certificates.append(
            Certificate(kind=CertificateKind.NEW_MEMBER_COURSE, issued_on=add_months(ceremony, 4))
        )
        dossier.add_documents(
            Document(form=form, dated=recognition) for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ")
        )
        add_vote(dossier, recognition, purpose=VotePurpose.RECOGNITION, counted=13, favour=12)
        yield Step.PROPOSE_RECOGNITION, recognition, Actor.BRANCH
    recognized = calendar.add_working_days(recognition, 15)
    if partial and ahead(Stage.RECOGNITION_PROPOSED):
        appraised = calendar.add_working_days(recognition, 5)
        form = workflow.law.policy_for(appraised).recognition_appraisal_form
        dossier.add_documents([Document(form=form, dated=appraised)])
        yield Step.APPRAISE_RECOGNITION, appraised, Actor.PARTIAL_COMMITTEE
    endorsed_recognition = calendar.add_working_days(recognition, 10)
    if dossier.organization.under_base_committee and ahead(Stage.RECOGNITION_PROPOSED):
        add_vote(
            dossier,
            endorsed_recognition,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.RECOGNITION,
            counted=9,
            favour=7,
        )
        yield Step.ENDORSE_RECOGNITION, endorsed_recognition, Actor.BASE_COMMITTEE
    if ahead(Stage.RECOGNITION_ENDORSED):
        yield Step.RECOGNIZE, recognized, Actor.COMPETENT_COMMITTEE
    if ahead(Stage.FULL_MEMBER):
        dossier.card_number = card_number
        yield Step.ISSUE_CARD, calendar.add_working_days(recognized, 10), Actor.COMPETENT_COMMITTEE


# The stages `lifecycle` passes through, in order (the endorsements only under a base
# committee).
_MAIN_PATH: tuple[str, ...] = (
    Stage.SOURCE_POOL,
    Stage.TRAINED,
    Stage.PREPARED,
    Stage.PROPOSED,
    Stage.ENDORSED,
    Stage.ADMITTED,
    Stage.PROBATION,
    Stage.RECOGNITION_PROPOSED,
    Stage.RECOGNITION_ENDORSED,
    Stage.FULL_MEMBER,
    Stage.CARD_ISSUED,
)


def walk(
    workflow: Workflow,
    dossier: Dossier,
    *,
    meeting: pendulum.Date,
    until: str = Stage.CARD_ISSUED,
) -> list[HistoryEntry]:
    """Advance *dossier* along `lifecycle` until it reaches *until*; return the new entries."""
    entries: list[HistoryEntry] = []
    if dossier.stage == until:
        return entries
    for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
        entries.append(workflow.advance(dossier, step, on=on, actor=actor))
        if dossier.stage == until:
            break
    return entries


def clone(
    dossier: Dossier,
    id: str,  # noqa: A002 - the dossier's own field name
    *,
    card_number: str | None = None,
) -> Dossier:
    """
    Return a copy of *dossier* under another *id*, its history re-chained to that id.

    For building many realistic dossiers quickly (benchmarks, load tests): the copy
    verifies (`ketnap.integrity.verify`), has revision 0 and its own record lists.
    A card number belongs to one member, so a carded copy under a new id gets
    *card_number*, or by default one made from the digits of *id* (``HS-0042`` gets
    ``00.000042``), and a store accepts the copies side by side.
    """
    if dossier.card_number is not None and id != dossier.id:
        card_number = card_number or _card_number_for(id)
    else:
        card_number = card_number or dossier.card_number
    previous = chain_start(id)
    history = []
    for entry in dossier.history:
        unsealed = attrs.evolve(entry, previous=previous, digest="")
        sealed = attrs.evolve(unsealed, digest=unsealed.expected_digest())
        history.append(sealed)
        previous = sealed.digest
    return attrs.evolve(
        dossier,
        id=id,
        history=history,
        revision=0,
        card_number=card_number,
        # Records are immutable, but the lists holding them are not: the copy gets its own.
        sponsors=list(dossier.sponsors),
        certificates=list(dossier.certificates),
        documents=dict(dossier.documents),
        votes=list(dossier.votes),
        approvals=list(dossier.approvals),
        late_acts=list(dossier.late_acts),
        membership_gaps=list(dossier.membership_gaps),
        transfers=list(dossier.transfers),
    )


def failed_rule_ids(
    workflow: Workflow, dossier: Dossier, step: str, *, on: pendulum.Date, actor: Actor
) -> set[str]:
    """Return the ids of the rules *step* would fail."""
    return {f.rule_id for f in workflow.law.check(dossier, step, on=on, actor=actor)}


def assert_refused(
    workflow: Workflow,
    dossier: Dossier,
    step: str,
    *,
    on: pendulum.Date,
    actor: Actor,
    rules: Collection[str],
) -> TransitionRefused:
    """
    Assert that *step* is refused with exactly *rules* failing and the dossier unchanged.

    Returns the exception, for further assertions on its messages.
    """
    stage, history = dossier.stage, list(dossier.history)
    try:
        workflow.advance(dossier, step, on=on, actor=actor)
    except TransitionRefused as refused:
        found = {f.rule_id for f in refused.failures}
        if found != set(rules):
            msg = f"expected {sorted(rules)} to fail, got {sorted(found)}"
            raise AssertionError(msg) from refused
        if dossier.stage != stage or dossier.history != history:
            msg = "a refused step changed the dossier"
            raise AssertionError(msg) from refused
        return refused
    msg = f"{step} on {on} was not refused"
    raise AssertionError(msg)


def assert_allowed(
    workflow: Workflow, dossier: Dossier, step: str, *, on: pendulum.Date, actor: Actor
) -> None:
    """Assert that *step* would pass on *on*, showing the failures if not."""
    failures = workflow.law.check(dossier, step, on=on, actor=actor)
    if failures:
        lines = "\n".join(f.text("en") for f in failures)
        msg = f"{step} on {on} would be refused:\n{lines}"
        raise AssertionError(msg)


def _card_number_for(id: str) -> str:  # noqa: A002 - the dossier's own field name
    """A card number in the ``NN.NNNNNN`` form, distinct for ids whose digits differ."""
    digits = "".join(ch for ch in id if ch in "0123456789")
    number = int(digits) if digits and len(digits) <= 8 else zlib.crc32(id.encode()) % 10**8
    return f"{number // 10**6:02d}.{number % 10**6:06d}"
