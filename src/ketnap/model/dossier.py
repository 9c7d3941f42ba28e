"""The dossier (hồ sơ kết nạp đảng viên): a candidate, their records and their history."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import attrs
import pendulum

from ketnap.errors import InvalidInput
from ketnap.inputs import clean_text
from ketnap.messages import Message
from ketnap.model.fields import fact
from ketnap.model.records import (
    Approval,
    Candidate,
    Certificate,
    Document,
    HistoryEntry,
    LateAct,
    Member,
    MembershipGap,
    Organization,
    Refusal,
    Remade,
    Sponsor,
    Transfer,
    UnionIntroduction,
    Verification,
    Vote,
    _date,
    _is_date,
    _non_empty,
    _non_negative,
    _optional_date,
)
from ketnap.model.vocabulary import Actor, ApprovalKind, CertificateKind, Stage, Step, VotePurpose

__all__ = ["Dossier"]


def _after_birth(instance: Dossier, _attribute: attrs.Attribute[Any], value: object) -> None:
    birth = instance.candidate.birth_date
    if isinstance(value, pendulum.Date) and value <= birth:
        # The birth date itself is personal data and stays out of the message.
        raise InvalidInput("candidate.birth_date", "the birth date is not before entered_pool_on")


def _born_before_pool(instance: Dossier, _attribute: attrs.Attribute[Any], value: object) -> None:
    # Checked again when the candidate is replaced, so a save never holds what a load refuses.
    if not isinstance(value, Candidate):
        raise InvalidInput("candidate", f"expected a Candidate, got {type(value).__name__}")
    entered = getattr(instance, "entered_pool_on", None)
    if isinstance(entered, pendulum.Date) and entered <= value.birth_date:
        raise InvalidInput("candidate.birth_date", "the birth date is not before entered_pool_on")


def _distinct_sponsors(
    _instance: Dossier, _attribute: attrs.Attribute[Any], value: Iterable[Sponsor]
) -> None:
    names = [sponsor.name for sponsor in value]
    if len(set(names)) != len(names):
        # One person introduces a candidate once (C-01): a name twice is a typing error.
        raise InvalidInput("sponsors", "the same sponsor is listed twice")


def _keyed_by_form(
    _instance: Dossier, _attribute: attrs.Attribute[Any], value: dict[str, Document]
) -> None:
    for form, document in value.items():
        if not isinstance(document, Document):
            raise InvalidInput("documents", f"expected a Document, got {type(document).__name__}")
        if form != document.form:
            raise InvalidInput("documents", f"key {form!r} holds form {document.form!r}")


def _id(value: object) -> str:
    return clean_text(value, field="id")


def _stage_code(value: object) -> object:
    # A stage is kept as its plain code: `Stage.PROPOSED` and "proposed" are one stage,
    # and the engine, the store and the documents only ever see the string.
    return str.__str__(value) if isinstance(value, str) else value


def _card_number(value: object) -> str | None:
    return None if value is None else clean_text(value, field="card_number", max_chars=64)


@attrs.define(kw_only=True, eq=False)
class Dossier:
    """
    A candidate's admission dossier (hồ sơ kết nạp đảng viên), its stage and history.

    A dossier is an entity: two dossiers are equal only if they are the same object.
    Records are appended by the application as they happen (a vote, a certificate);
    the stage and history change only through `ketnap.Workflow.advance`.

    ``revision`` is the store's version of this copy (0: never saved); a store refuses to
    save a copy whose revision is behind the stored one (`ketnap.StaleDossier`).

    ``helper`` helps the candidate before admission (B-02); ``probation_helper`` is the
    official member the branch assigns at the ceremony to help the probationary member
    (HD 01-2021 §7c, I-01), whose comments (11-KNĐ) recognition needs.
    ``late_acts`` records the acts done after their deadline (`LateAct`); ``refusals`` the
    attempts a workflow refused, when the application keeps them (`Refusal`).

    Attributes:
        entered_pool_on: the day the candidate entered the source pool (nguồn kết nạp).
        sponsors: the two sponsors (người giới thiệu), or the replacement after one left.
        union_introduction: the Youth Union's or trade union's introduction, standing
            for a sponsor (C-02, C-03).
        certificates: the awareness-course and new-member-course certificates.
        documents: the papers of the dossier by form code ("2-KNĐ" ...), each dated.
        verification: the background check (thẩm tra lý lịch) and its conclusion.
        votes: every vote of the branch and the base committee, on admission,
            recognition or removal.
        approvals: consents and extensions given by a higher body (over 60, low
            education, re-admission, a late ceremony, an extended term).
        decision_received_on: the day the branch received the admission decision; the
            30 working days to the ceremony count from it.
        card_number: the party card's number, recorded before the card is issued.
        membership_gaps: the times out of party activity (expelled, struck off, out of
            contact, interrupted by a transfer, out until a re-admission), which party age
            does not count (`ketnap.terms.party_age_months`, QĐ 24 §4.5.1).
        transfers: the probationary member's transfers to another branch (`Transfer`),
            oldest first; ``organization`` is the branch after the last one (I-10).
        remade: how the dossier was re-made after papers were lost (`Remade`, J-03, M-08).

    Raises:
        InvalidInput: a structural error, such as a birth date not before ``entered_pool_on``.
    """

    id: str = attrs.field(
        converter=_id,
        validator=_non_empty,
        metadata=fact(
            vi="Mã hồ sơ", en="Dossier id", order=10, help=Message(vi="mã duy nhất", en="unique id")
        ),
    )
    candidate: Candidate = attrs.field(validator=_born_before_pool)
    organization: Organization
    entered_pool_on: pendulum.Date = attrs.field(
        converter=_date,
        validator=[_is_date, _after_birth],
        metadata=fact(
            vi="Ngày vào danh sách cảm tình Đảng", en="Entered the source pool", order=80
        ),
    )
    stage: str = attrs.field(
        default=str(Stage.SOURCE_POOL), converter=_stage_code, validator=_non_empty
    )
    helper: Member | None = None
    probation_helper: Member | None = attrs.field(default=None, metadata=fact(added=True))
    sponsors: list[Sponsor] = attrs.field(factory=list, validator=_distinct_sponsors)
    union_introduction: UnionIntroduction | None = None
    certificates: list[Certificate] = attrs.Factory(list)
    documents: dict[str, Document] = attrs.field(factory=dict, validator=_keyed_by_form)
    verification: Verification | None = None
    votes: list[Vote] = attrs.Factory(list)
    approvals: list[Approval] = attrs.Factory(list)
    decision_received_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=_optional_date,
        validator=_is_date,
        metadata=fact(vi="Ngày nhận quyết định kết nạp", en="Decision received on", order=230),
    )
    card_number: str | None = attrs.field(
        default=None,
        converter=_card_number,
        metadata=fact(
            vi="Số thẻ đảng viên", en="Party card number", order=240,
            help=Message(vi="NN.NNNNNN", en="NN.NNNNNN"),
        ),
    )  # fmt: skip
    late_acts: list[LateAct] = attrs.field(factory=list, metadata=fact(added=True))
    refusals: list[Refusal] = attrs.field(factory=list, metadata=fact(added=True))
    membership_gaps: list[MembershipGap] = attrs.field(
        factory=list, repr=False, metadata=fact(added=True)
    )
    transfers: list[Transfer] = attrs.field(factory=list, metadata=fact(added=True))
    remade: Remade | None = attrs.field(default=None, metadata=fact(added=True))
    history: list[HistoryEntry] = attrs.Factory(list)
    revision: int = attrs.field(default=0, validator=_non_negative)

    def add_documents(self, documents: Iterable[Document]) -> None:
        """Add or replace documents, keyed by form code."""
        for document in documents:
            self.documents[document.form] = document

    # --- lookups used by the rules -------------------------------------------------------

    def last_act(self, step: str) -> HistoryEntry | None:
        """Return the latest history entry for the step with code *step*, if any."""
        for entry in reversed(self.history):
            if entry.step == step:
                return entry
        return None

    def latest_vote(self, body: Actor, purpose: VotePurpose, on: pendulum.Date) -> Vote | None:
        """Return the latest vote of *body* on *purpose* held on or before *on*."""
        found: Vote | None = None
        for vote in self.votes:
            if (
                vote.body is body
                and vote.purpose is purpose
                and vote.held_on <= on
                and (found is None or vote.held_on >= found.held_on)
            ):
                found = vote
        return found

    def latest_certificate(self, kind: CertificateKind, on: pendulum.Date) -> Certificate | None:
        """Return the latest certificate of *kind* issued on or before *on*."""
        found: Certificate | None = None
        for certificate in self.certificates:
            if (
                certificate.kind is kind
                and certificate.issued_on <= on
                and (found is None or certificate.issued_on >= found.issued_on)
            ):
                found = certificate
        return found

    def approval(
        self, kind: ApprovalKind, on: pendulum.Date, *, by: Collection[Actor] | None = None
    ) -> Approval | None:
        """
        Return the latest approval of *kind* given on or before *on*, if any.

        With *by*, only an approval given by one of those bodies counts, so that an
        approval from the wrong body never hides a valid one given later or earlier.
        """
        found: Approval | None = None
        for approval in self.approvals:
            if (
                approval.kind is kind
                and approval.given_on <= on
                and (by is None or approval.by in by)
                and (found is None or approval.given_on >= found.given_on)
            ):
                found = approval
        return found

    # --- conveniences for the shipped process ---------------------------------------------
    # A history entry names its step by code and carries no tags, so the dossier cannot
    # tell which step of another process is the decision: it reads the shipped codes.
    # ketnap itself asks the process (`ketnap.Process.admission_date`, `ceremony_date`).

    @property
    def admission_decision_date(self) -> pendulum.Date | None:
        """
        Date of the admission decision; party age counts from it (J-01).

        Read by the shipped step code (``Step.DECIDE_ADMISSION``); for a process of your
        own, ask it: `ketnap.Process.admission_date` finds the step by its tag.
        """
        entry = self.last_act(Step.DECIDE_ADMISSION)
        return None if entry is None else entry.on

    @property
    def ceremony_date(self) -> pendulum.Date | None:
        """
        Date of the admission ceremony (ngày vào Đảng), which starts probation (H-01).

        Read by the shipped step code (``Step.HOLD_CEREMONY``); for a process of your own,
        ask it: `ketnap.Process.ceremony_date` finds the step by its tag.
        """
        entry = self.last_act(Step.HOLD_CEREMONY)
        return None if entry is None else entry.on

    @property
    def party_age_start(self) -> pendulum.Date | None:
        """
        Date party age counts from: the (first) admission decision (J-01, J-02).

        The decision is read as `admission_decision_date` reads it (the shipped code).
        """
        prior = self.candidate.prior_membership
        if prior is not None:
            return prior.first_decision_on
        return self.admission_decision_date
