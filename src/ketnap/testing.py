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
from collections import deque
from collections.abc import Collection, Iterator

import attrs
import pendulum

from ketnap.dates import add_months
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
    UnionIntroduction,
    UnionKind,
    Verification,
    Vote,
    VotePurpose,
)
from ketnap.process import Process
from ketnap.rules.refused import TransitionRefused
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
) -> Iterator[tuple[str, pendulum.Date, Actor]]:
    """
    Yield the steps that take a `make_dossier` dossier to the party card, with their dates.

    The path is the workflow's process, followed by its tags from the dossier's stage:
    the awareness course (``training``), the sponsors (``sponsorship``), the branch's
    proposal (``proposal``), the admission decision (``admission``), the ceremony
    (``ceremony``), the recognition proposal (``recognition_proposal``), the recognition
    (``recognition``) and the card (``card``); under a base committee its endorsements
    (``endorsement``, ``recognition_endorsement``), under a partial committee its
    appraisals (``appraisal``). Each is the step with that tag leading out of the stage
    the path has reached, or, when the process puts steps with no tag before it (a local
    vote), the first one after those, which are the caller's to take. A process that
    renames a step is walked the same way; a tag the process does not have is skipped.

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
    law = workflow.law
    calendar, path = law.calendar, _Path(law.process, dossier.stage)
    if code := path.take("training"):
        yield code, trained or add_months(meeting, -6), Actor.BRANCH
    if code := path.take("sponsorship"):
        yield code, prepared or add_months(meeting, -2), Actor.BRANCH
    if code := path.take("proposal"):
        add_vote(dossier, meeting)
        yield code, meeting, Actor.BRANCH
    partial = dossier.organization.under_partial_committee
    if partial and (code := path.take("appraisal")):
        appraised = calendar.add_working_days(meeting, 5)
        form = law.policy_for(appraised).appraisal_form
        dossier.add_documents([Document(form=form, dated=appraised)])
        yield code, appraised, Actor.PARTIAL_COMMITTEE
    endorsed = calendar.add_working_days(meeting, 10)
    if dossier.organization.under_base_committee and (code := path.take("endorsement")):
        add_vote(dossier, endorsed, body=Actor.BASE_COMMITTEE, counted=9, favour=7)
        yield code, endorsed, Actor.BASE_COMMITTEE
    decided = calendar.add_working_days(meeting, 20)
    if code := path.take("admission"):
        yield code, decided, Actor.COMPETENT_COMMITTEE
    received = calendar.add_working_days(decided, 2)
    ceremony = calendar.add_working_days(received, 10)
    if code := path.take("ceremony"):
        dossier.decision_received_on = received
        # The branch assigns a helper to the probationary member at the ceremony.
        dossier.probation_helper = dossier.helper
        yield code, ceremony, Actor.BRANCH
    end = probation_end(ceremony, law.policy_for(ceremony))
    recognition = calendar.add_working_days(end, 5)
    if code := path.take("recognition_proposal"):
        dossier.certificates.append(
            Certificate(kind=CertificateKind.NEW_MEMBER_COURSE, issued_on=add_months(ceremony, 4))
        )
        dossier.add_documents(
            Document(form=form, dated=recognition) for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ")
        )
        add_vote(dossier, recognition, purpose=VotePurpose.RECOGNITION, counted=13, favour=12)
        yield code, recognition, Actor.BRANCH
    recognized = calendar.add_working_days(recognition, 15)
    if partial and (code := path.take("appraisal")):
        appraised = calendar.add_working_days(recognition, 5)
        form = law.policy_for(appraised).recognition_appraisal_form
        dossier.add_documents([Document(form=form, dated=appraised)])
        yield code, appraised, Actor.PARTIAL_COMMITTEE
    endorsed_recognition = calendar.add_working_days(recognition, 10)
    if dossier.organization.under_base_committee and (code := path.take("recognition_endorsement")):
        add_vote(
            dossier,
            endorsed_recognition,
            body=Actor.BASE_COMMITTEE,
            purpose=VotePurpose.RECOGNITION,
            counted=9,
            favour=7,
        )
        yield code, endorsed_recognition, Actor.BASE_COMMITTEE
    if code := path.take("recognition"):
        yield code, recognized, Actor.COMPETENT_COMMITTEE
    if code := path.take("card"):
        dossier.card_number = card_number
        yield code, calendar.add_working_days(recognized, 10), Actor.COMPETENT_COMMITTEE


class _Path:
    """
    The path `lifecycle` plans through a process, one tag after another, from a stage.

    It is planned, not read from the dossier: a caller that only lists the steps (and
    advances nothing) gets the same steps as one that takes them.
    """

    def __init__(self, process: Process, stage: str) -> None:
        self._process = process
        self.stage = stage

    def take(self, tag: str) -> str | None:
        """
        The code of the next step with *tag* on the path, which moves on to its target.

        The step leads out of the stage reached, or out of one the process's untagged
        steps lead to from there (a local step, the caller's to take). None, and the
        path stays where it is, when no such step is ahead.
        """
        process, tagged = self._process, self._process.steps_tagged(tag)
        seen, queue = {self.stage}, deque([self.stage])
        while queue:
            rows = process.steps_from(queue.popleft())
            found = next((row for row in rows if row.step in tagged), None)
            if found is not None:
                self.stage = found.target
                return found.step
            for row in rows:
                if not process.step(row.step).tags and row.target not in seen:
                    seen.add(row.target)
                    queue.append(row.target)
        return None


def walk(
    workflow: Workflow,
    dossier: Dossier,
    *,
    meeting: pendulum.Date,
    until: str = Stage.CARD_ISSUED,
) -> list[HistoryEntry]:
    """
    Advance *dossier* along `lifecycle` until it reaches *until*; return the new entries.

    The steps are the workflow's process's, found by their tags (see `lifecycle`): any
    process with the shipped tags is walked, whatever its step codes. It stops at the
    end of the path when *until* is not on it.
    """
    entries: list[HistoryEntry] = []
    if dossier.stage == until:
        return entries
    for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
        entries.append(workflow.advance(dossier, step, on=on, actor=actor))
        if dossier.stage == until:
            break
    return entries


# An entry's content: every field it is made with but its chain (``previous``, ``digest``).
_ENTRY_CONTENT = tuple(
    field.name
    for field in attrs.fields(HistoryEntry)
    if field.init and field.name not in {"previous", "digest"}
)


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
        # Made without a digest, as an act makes its entry: the new one is computed.
        fields = {name: getattr(entry, name) for name in _ENTRY_CONTENT}
        sealed = HistoryEntry(**fields, previous=previous)
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
