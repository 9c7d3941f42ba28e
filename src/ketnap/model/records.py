"""The records a dossier holds: the candidate, sponsors, certificates, votes, history."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, cast

import attrs
import pendulum

from ketnap.dates import as_date
from ketnap.errors import InvalidInput
from ketnap.inputs import LIMITS, clean_text
from ketnap.messages import Message
from ketnap.model.chain import entry_digest
from ketnap.model.fields import Tally, TallyRow, fact
from ketnap.model.vocabulary import (
    Actor,
    ApprovalKind,
    AreaKind,
    CertificateKind,
    EducationLevel,
    GapKind,
    Kinship,
    LeavingReason,
    LocalRole,
    MemberStatus,
    Occupation,
    PoliticalTheory,
    PoliticalTopic,
    Relation,
    RemakeReason,
    Sex,
    UnionKind,
    VotePurpose,
)

__all__ = [
    "Approval",
    "Candidate",
    "Certificate",
    "Document",
    "HistoryEntry",
    "LateAct",
    "Member",
    "MembershipGap",
    "Organization",
    "PopulationViolation",
    "PriorMembership",
    "Refusal",
    "RefusedRule",
    "Relative",
    "Remade",
    "Sponsor",
    "Transfer",
    "UnionIntroduction",
    "Verification",
    "Vote",
]


# --- converters and validators (structure only) ------------------------------------------------


def _date(value: object) -> pendulum.Date:
    # Convert what can be converted; the _is_date validator reports the rest with the
    # field's name, which a converter does not know.
    try:
        return as_date(value)
    except InvalidInput:
        return cast("pendulum.Date", value)


def _optional_date(value: object) -> pendulum.Date | None:
    return None if value is None else _date(value)


def _is_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        as_date(value, field=attribute.name)


def _non_empty(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    # The value is not quoted: it may be a name (personal data).
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, "must be a non-empty string")


# Text converters, one per field name so that an error names the field; each is
# `ketnap.inputs.clean_text`: NFC, bounded, no control characters.
def _name(value: object) -> str:
    return clean_text(value, field="name")


def _form(value: object) -> str:
    return clean_text(value, field="form")


def _issuer(value: object) -> str:
    return clean_text(value, field="issuer")


def _regulation(value: object) -> str:
    return clean_text(value, field="regulation")


def _code(value: object) -> str | None:
    return None if value is None else clean_text(value, field="code")


def _base_code(value: object) -> str | None:
    return None if value is None else clean_text(value, field="base_code")


def _base_organization(value: object) -> str | None:
    return None if value is None else clean_text(value, field="base_organization")


def _replaces(value: object) -> str | None:
    return None if value is None else clean_text(value, field="replaces")


def _reference(value: object) -> str | None:
    return None if value is None else clean_text(value, field="reference")


def _rule_ids(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput("attested", "expected rule ids")
    return tuple(sorted({clean_text(item, field="attested") for item in _few("attested", value)}))


def _non_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(attribute.name, f"must be a non-negative integer, got {value!r}")
    if value >= 10**LIMITS.integer_digits:
        raise InvalidInput(attribute.name, f"more than {LIMITS.integer_digits} digits")


def _few(field: str, values: Iterable[Any]) -> list[Any]:
    items = list(values)
    if len(items) > LIMITS.list_items:
        raise InvalidInput(field, f"holds more than {LIMITS.list_items:,} items")
    return items


def _member_of(kind: type[enum.Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validate that a field holds a member of *kind*, naming the field otherwise."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            accepted = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
            raise InvalidInput(attribute.name, f"expected one of {accepted}; got {value!r}")

    return check


def _redacted(_value: object) -> str:
    # Personal identifiers never reach a repr, a log line or a traceback.
    return "<redacted>"


def _citizen_id(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise InvalidInput(attribute.name, "must be a string of digits")
    if len(value) not in {9, 12}:
        raise InvalidInput(
            attribute.name, f"must have 12 digits (or 9, old ID card), has {len(value)}"
        )


def _relatives(values: Iterable[Relative]) -> tuple[Relative, ...]:
    return tuple(_few("relatives", values))


def _topics(values: Iterable[PoliticalTopic]) -> frozenset[PoliticalTopic]:
    return frozenset(_few("topics", values))


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(clean_text(value, field="verified") for value in _few("verified", values))


def _education(value: object) -> EducationLevel:
    return EducationLevel.parse(value, field="education")


def _area(value: object) -> AreaKind:
    return AreaKind.parse(value, field="area")


def _role(value: object) -> LocalRole:
    return LocalRole.parse(value, field="local_role")


# Recorded for the statistics only, and None when not recorded; a member or its code, as
# for the education (``"female"`` as well as ``Sex.FEMALE``).
def _sex(value: object) -> Sex | None:
    return None if value is None else Sex.parse(value, field="sex")


def _political_theory(value: object) -> PoliticalTheory | None:
    return None if value is None else PoliticalTheory.parse(value, field="political_theory")


def _occupation(value: object) -> Occupation | None:
    return None if value is None else Occupation.parse(value, field="occupation")


def _not_after(later: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validate that a date field is not after the date field named *later*."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        other = getattr(instance, later)
        if isinstance(value, pendulum.Date) and isinstance(other, pendulum.Date) and value > other:
            # The dates are personal data (a prior membership, a cleared record): not quoted.
            raise InvalidInput(attribute.name, f"is after {later}")

    return check


# --- records -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Relative:
    """
    A relative whose background is verified (E-03) or who exempts a side (E-05).

    Args:
        full_capacity: has full civil capacity (có năng lực hành vi dân sự đầy đủ); only
            such children are verified (HD 01-2021 §3.4a). False for a minor child.
    """

    name: str = attrs.field(converter=_name, validator=_non_empty, repr=_redacted)
    kinship: Kinship = attrs.field(validator=_member_of(Kinship))
    party_member: bool = False
    full_capacity: bool = attrs.field(default=True, metadata=fact(added=True))


def _child_order(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    # Under the two-child rule (Pháp lệnh dân số, Art. 10 as amended in 2008) only a
    # third or later child can be a violation.
    if isinstance(value, bool) or not isinstance(value, int) or not 3 <= value <= 99:
        raise InvalidInput(attribute.name, "a violation is a third to 99th child")


@attrs.frozen(kw_only=True)
class PopulationViolation:
    """
    A birth in violation of the population policy (vi phạm chính sách dân số, L-03).

    Args:
        child_order: which child it was: 3 for a third child (sinh con thứ ba).
        child_born_on: the child's birth date; a first-time applicant's wait counts from it
            (QĐ 05-QĐi/TW Điều 5), and births on or after
            ``Policy.population_births_counted_before`` are not violations.
    """

    child_order: int = attrs.field(validator=_child_order)
    child_born_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date, repr=_redacted)


def _violations(values: Iterable[PopulationViolation]) -> tuple[PopulationViolation, ...]:
    items = tuple(_few("population_violations", values))
    for item in items:
        if not isinstance(item, PopulationViolation):
            raise InvalidInput("population_violations", "expected PopulationViolation records")
    return items


@attrs.frozen(kw_only=True)
class PriorMembership:
    """
    A former membership, which makes the dossier a re-admission (kết nạp lại).

    Args:
        first_decision_on: date of the first admission decision; party age counts from it (J-02).
        left_on: date the person left the Party.
        reason: why they left (L-06 excludes some reasons).
        record_cleared_on: date the criminal record was cleared (xóa án tích), if convicted.
        readmitted_before: whether they were re-admitted once already (L-07).
        population_violation: for a member removed over the population policy (reason
            ``POPULATION_POLICY``), the birth that led to it; its child order sets the wait
            before re-admission (L-03, QĐ 05-QĐi/TW Điều 4).
    """

    first_decision_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    left_on: pendulum.Date = attrs.field(
        converter=_date, validator=[_is_date, _not_after("record_cleared_on")]
    )
    reason: LeavingReason = attrs.field(validator=_member_of(LeavingReason))
    record_cleared_on: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date
    )
    readmitted_before: bool = False
    population_violation: PopulationViolation | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(PopulationViolation)),
        metadata=fact(added=True),
    )

    def __attrs_post_init__(self) -> None:
        if self.first_decision_on > self.left_on:
            raise InvalidInput("first_decision_on", "is after left_on")
        violation = self.population_violation
        if violation is not None and violation.child_born_on > self.left_on:
            # The birth led to the removal: it cannot come after it. (Dates not quoted.)
            raise InvalidInput("population_violation", "the child is born after left_on")


@attrs.frozen(kw_only=True)
class Candidate:
    """
    The person applying to join (người vào Đảng).

    Args:
        name: full name.
        birth_date: date of birth.
        education: general education; an `EducationLevel` or its value (``"lower_secondary"``).
        area: the kind of area they live in (A-06).
        local_role: their role there (A-07).
        youth_union_member: member of the Ho Chi Minh Communist Youth Union (C-02).
        trade_union_member: member of a trade union (C-03).
        over_sixty_grounds: the A-03 conditions hold (healthy, respected, no party organisation
            where they live or work, or a special need); only matters over 60.
        relatives: relatives for background verification (E-03).
        prior_membership: set for a re-admission.
        population_violations: births in violation of the population policy outside party
            membership: before a first admission, or after leaving (L-03, L-03a).
        citizen_id: personal identification number (số định danh cá nhân, 12 digits; 9 for
            an old identity card).
        sex: as recorded, for the composition of new members (None: not recorded); a
            `Sex` or its value (``"female"``), as are political_theory and occupation.
        ethnic_minority: belongs to an ethnic minority (người dân tộc thiểu số).
        religious: a religious follower (người theo tôn giáo).
        political_theory: political theory training, for the statistics of new members
            (None: not recorded).
        occupation: occupation group, for the statistics of new members (None: not
            recorded).

    The citizen ID, birth date, relatives and prior membership are personal data: `repr`
    shows them as ``<redacted>`` and no error message quotes them.

    Raises:
        InvalidInput: a field cannot describe a real person (empty name, unknown education).
    """

    name: str = attrs.field(
        converter=_name,
        validator=_non_empty,
        metadata=fact(
            vi="Họ và tên", en="Full name", order=20, aliases=("Họ tên",),
            help=Message(vi="họ và tên", en="full name"),
        ),
    )  # fmt: skip
    birth_date: pendulum.Date = attrs.field(
        converter=_date,
        validator=_is_date,
        repr=_redacted,
        metadata=fact(
            vi="Ngày sinh", en="Birth date", order=30, aliases=("Ngày, tháng, năm sinh",)
        ),
    )
    education: EducationLevel = attrs.field(
        converter=_education,
        metadata=fact(
            vi="Trình độ học vấn", en="Education", order=50,
            help=Message(vi="như danh mục trình độ", en="one of the education levels"),
            tally=Tally(
                rows=(
                    TallyRow("primary", Message(vi="Tiểu học", en="Primary"), frozenset(
                        {EducationLevel.NONE, EducationLevel.LITERATE, EducationLevel.PRIMARY})),
                    TallyRow("lower_secondary", Message(vi="Trung học cơ sở", en="Lower secondary"),
                             frozenset({EducationLevel.LOWER_SECONDARY_EQUIVALENT,
                                        EducationLevel.LOWER_SECONDARY})),
                    TallyRow("upper_secondary",
                             Message(vi="Trung học phổ thông", en="Upper secondary"),
                             frozenset({EducationLevel.UPPER_SECONDARY, EducationLevel.HIGHER})),
                ),
                group=Message(vi="Giáo dục phổ thông", en="General education"),
                position=70,
            ),
        ),
    )  # fmt: skip
    area: AreaKind = attrs.field(
        default=AreaKind.ORDINARY,
        converter=_area,
        metadata=fact(vi="Khu vực", en="Area", order=130),
    )
    local_role: LocalRole = attrs.field(
        default=LocalRole.NONE,
        converter=_role,
        metadata=fact(vi="Vai trò ở địa phương", en="Local role", order=140),
    )
    youth_union_member: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Đoàn viên", en="Youth Union member", order=90,
            tally=Tally.flag(
                "youth_union",
                Message(vi="Đoàn viên thanh niên", en="Youth Union members"),
                position=50,
            ),
        ),
    )  # fmt: skip
    trade_union_member: bool = attrs.field(
        default=False, metadata=fact(vi="Công đoàn viên", en="Trade-union member", order=100)
    )
    over_sixty_grounds: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Có lý do đặc biệt khi trên 60 tuổi", en="Grounds to admit over 60", order=150
        ),
    )
    relatives: tuple[Relative, ...] = attrs.field(default=(), converter=_relatives, repr=_redacted)
    prior_membership: PriorMembership | None = attrs.field(default=None, repr=_redacted)
    population_violations: tuple[PopulationViolation, ...] = attrs.field(
        default=(), converter=_violations, repr=_redacted, metadata=fact(added=True)
    )
    citizen_id: str | None = attrs.field(
        default=None,
        validator=_citizen_id,
        repr=_redacted,
        metadata=fact(
            vi="Số định danh cá nhân", en="Citizen ID", order=160,
            help=Message(vi="12 chữ số (nếu có)", en="12 digits, if known"),
        ),
    )  # fmt: skip
    sex: Sex | None = attrs.field(
        default=None,
        converter=_sex,
        validator=attrs.validators.optional(_member_of(Sex)),
        metadata=fact(
            vi="Giới tính", en="Sex", order=40, help=Message(vi="Nam / Nữ", en="Nam / Nữ"),
            tally=Tally(
                rows=(TallyRow("women", Message(vi="Nữ", en="Women"),
                               frozenset({Sex.FEMALE})),),
                position=10,
            ),
        ),
    )  # fmt: skip
    ethnic_minority: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Dân tộc thiểu số", en="Ethnic minority", order=110,
            tally=Tally.flag(
                "ethnic_minority", Message(vi="Dân tộc thiểu số", en="Ethnic minority"),
                position=20,
            ),
        ),
    )  # fmt: skip
    religious: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Theo tôn giáo", en="Religious", order=120,
            tally=Tally.flag(
                "religious", Message(vi="Người theo tôn giáo", en="Religious followers"),
                position=30,
            ),
        ),
    )  # fmt: skip
    political_theory: PoliticalTheory | None = attrs.field(
        default=None,
        converter=_political_theory,
        validator=attrs.validators.optional(_member_of(PoliticalTheory)),
        metadata=fact(
            vi="Trình độ lý luận chính trị", en="Political theory", order=170, added=True,
            tally=Tally.members(
                "political_theory", PoliticalTheory,
                Message(vi="Lý luận chính trị", en="Political theory"), position=80,
            ),
        ),
    )  # fmt: skip
    occupation: Occupation | None = attrs.field(
        default=None,
        converter=_occupation,
        validator=attrs.validators.optional(_member_of(Occupation)),
        metadata=fact(
            vi="Nghề nghiệp", en="Occupation", order=180, added=True,
            tally=Tally.members(
                "occupation", Occupation, Message(vi="Nghề nghiệp", en="Occupation"),
                position=90,
            ),
        ),
    )  # fmt: skip

    def __attrs_post_init__(self) -> None:
        prior = self.prior_membership
        if prior is not None and prior.first_decision_on < self.birth_date:
            raise InvalidInput("prior_membership", "first admission is before the birth date")
        if any(v.child_born_on <= self.birth_date for v in self.population_violations):
            raise InvalidInput("population_violations", "a child is born before the parent")


@attrs.frozen(kw_only=True)
class MembershipGap:
    """
    A time out of party activity, which party age does not count (J-01, J-02).

    Args:
        kind: expelled, struck off, out of contact, interrupted by a transfer, or out of the
            Party until a re-admission (QĐ 24 §4.5.1-4.5.2).
        start: the day it began (the decision to expel or strike off, the last day in
            contact, the day the member left the old branch).
        end: the day party activity resumed (the re-admission decision, contact restored,
            the day the new branch received the member); None while it lasts.
    """

    kind: GapKind = attrs.field(validator=_member_of(GapKind))
    start: pendulum.Date = attrs.field(
        converter=_date, validator=[_is_date, _not_after("end")], repr=_redacted
    )
    end: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date, repr=_redacted
    )


@attrs.frozen(kw_only=True)
class Organization:
    """
    The party branch (chi bộ) that handles the dossier, and what sits above it.

    Args:
        name: the branch's name.
        code: the branch's code in an `ketnap.OrganizationTree` (mã tổ chức), which reports
            and authority use; None when the dossier is used without a tree.
        base_code: the code of the base party organisation (tổ chức cơ sở đảng: the base
            committee above the branch, or the base branch itself) whose unit the
            candidate works, studies or lives in; sponsors from its other branches are
            "trong cùng một đơn vị" (C-05). None when not recorded.
        under_base_committee: the branch sits under a base party committee (chi bộ trực thuộc
            đảng ủy cơ sở), so the base committee endorses before the decision (F-05).
        base_committee_may_admit: that base committee is authorised to admit (F-07a).
        has_youth_union: a Youth Union organisation exists where the candidate works or
            lives (C-02).
        has_trade_union: the agency or enterprise has a grassroots trade union; where it has
            no Youth Union organisation, the trade union introduces candidates of any age
            (C-03).
        under_partial_committee: between the branch and its base committee sits a partial
            party committee (đảng ủy bộ phận), which appraises the branch's proposals
            before the base committee considers them (F-05a); only under a base committee.
    """

    name: str = attrs.field(
        converter=_name,
        validator=_non_empty,
        metadata=fact(
            vi="Tên chi bộ", en="Branch name", column="branch", order=70,
            help=Message(vi="tên chi bộ", en="branch name"),
        ),
    )  # fmt: skip
    code: str | None = attrs.field(
        default=None,
        converter=_code,
        metadata=fact(
            vi="Mã chi bộ", en="Branch code", order=60, required=True,
            help=Message(vi="mã chi bộ", en="branch code"),
        ),
    )  # fmt: skip
    base_code: str | None = attrs.field(
        default=None, converter=_base_code, metadata=fact(added=True)
    )
    under_base_committee: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Chi bộ trực thuộc đảng ủy cơ sở", en="Branch under a base committee", order=190
        ),
    )
    base_committee_may_admit: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Đảng ủy cơ sở được ủy quyền kết nạp", en="Base committee may admit", order=200
        ),
    )
    has_youth_union: bool = attrs.field(
        default=True,
        metadata=fact(
            vi="Nơi làm việc, cư trú có tổ chức Đoàn",
            en="Youth Union where they work or live",
            order=210,
        ),
    )
    has_trade_union: bool = attrs.field(
        default=False,
        metadata=fact(
            vi="Nơi làm việc, cư trú có Công đoàn",
            en="Trade union where they work or live",
            order=220,
        ),
    )
    under_partial_committee: bool = attrs.field(default=False, metadata=fact(added=True))

    @under_partial_committee.validator
    def _partial_under_base(self, _attribute: attrs.Attribute[bool], value: bool) -> None:
        # A partial committee is a part of a base committee (đảng bộ cơ sở): a base branch
        # has none above it.
        if value and not self.under_base_committee:
            raise InvalidInput(
                "under_partial_committee", "a partial committee sits under a base committee"
            )


@attrs.frozen(kw_only=True)
class Member:
    """A party member acting as helper (người giúp đỡ, B-02)."""

    name: str = attrs.field(converter=_name, validator=_non_empty)
    status: MemberStatus = attrs.field(validator=_member_of(MemberStatus))
    official_since: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date
    )

    def __attrs_post_init__(self) -> None:
        # Official membership counts from a date (B-02, C-01): without it, every rule that
        # asks "official since when?" would refuse with no hint of what is missing.
        if self.status is MemberStatus.OFFICIAL and self.official_since is None:
            raise InvalidInput("official_since", "an official member needs official_since")

    def is_official_on(self, on: pendulum.Date) -> bool:
        """Whether this member is an official member on *on*."""
        return (
            self.status is MemberStatus.OFFICIAL
            and self.official_since is not None
            and self.official_since <= on
        )


@attrs.frozen(kw_only=True)
class Sponsor(Member):
    """
    A party member who introduces the candidate (người giới thiệu, C-01, C-05).

    Args:
        alongside_since: since when they have worked, studied or lived with the candidate.
        basis: on what basis (work, study or residence; C-05a).
        replaces: name of a sponsor on the dossier who moved or was disciplined and whom
            this one replaces (C-08); a replacement need not have 12 months alongside,
            but still a basis.
        branch: code of the branch the sponsor belongs to, when known.
        base_organization: code of the base party organisation that branch belongs to,
            when known. A sponsor who knows the candidate from work or study must be in
            the candidate's base organisation (`Organization.base_code`), or failing
            those codes in the candidate's branch (C-05).
        letter_dated: the date of this sponsor's introduction letter (3-KNĐ), when each
            letter is recorded on its sponsor; two sponsors write two letters.
    """

    alongside_since: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    basis: Relation = attrs.field(validator=_member_of(Relation))
    replaces: str | None = attrs.field(default=None, converter=_replaces)
    branch: str | None = attrs.field(default=None, converter=_code, metadata=fact(added=True))
    base_organization: str | None = attrs.field(
        default=None, converter=_base_organization, metadata=fact(added=True)
    )
    letter_dated: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date, metadata=fact(added=True)
    )


@attrs.frozen(kw_only=True)
class UnionIntroduction:
    """A Youth Union or trade-union resolution introducing the candidate (C-02 to C-04)."""

    kind: UnionKind = attrs.field(validator=_member_of(UnionKind))
    resolution_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)


@attrs.frozen(kw_only=True)
class Certificate:
    """A course certificate (B-03, I-03)."""

    kind: CertificateKind = attrs.field(validator=_member_of(CertificateKind))
    issued_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    issuer: str = attrs.field(default="", converter=_issuer)


@attrs.frozen(kw_only=True)
class Document:
    """A dossier document by form code, e.g. ``"2-KNĐ"`` for the background declaration (§5)."""

    form: str = attrs.field(converter=_form, validator=_non_empty)
    dated: pendulum.Date = attrs.field(converter=_date, validator=_is_date)


@attrs.frozen(kw_only=True)
class Verification:
    """
    The base committee's background verification (thẩm tra lý lịch, E-02 to E-06).

    Args:
        concluded_on: date the base committee concluded and certified.
        topics: what it concluded on (A-09).
        verified: names of the relatives whose background was verified.
    """

    concluded_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    topics: frozenset[PoliticalTopic] = attrs.field(converter=_topics)
    verified: frozenset[str] = attrs.field(default=frozenset(), converter=_names, repr=_redacted)


@attrs.frozen(kw_only=True)
class Vote:
    """
    A vote of a party body.

    Args:
        body: who voted.
        purpose: on what.
        held_on: the meeting date.
        members_counted: official members counted (F-02: all official members of the branch,
            or all members of the committee, not only those present).
        in_favour: votes in favour.

    Raises:
        InvalidInput: negative counts, or more in favour than counted.
    """

    body: Actor = attrs.field(validator=_member_of(Actor))
    purpose: VotePurpose = attrs.field(validator=_member_of(VotePurpose))
    held_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    members_counted: int = attrs.field(validator=_non_negative)
    in_favour: int = attrs.field(validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.in_favour > self.members_counted:
            raise InvalidInput(
                "in_favour",
                f"{self.in_favour} in favour but only {self.members_counted} members counted",
            )


@attrs.frozen(kw_only=True)
class Approval:
    """A written consent or extension given by a body (A-03, A-07, L-04, §8)."""

    kind: ApprovalKind = attrs.field(validator=_member_of(ApprovalKind))
    by: Actor = attrs.field(validator=_member_of(Actor))
    given_on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)


def _plain_values(values: Mapping[str, object]) -> Mapping[str, str]:
    # Kept as text, so a document holds them whatever their type (a date, a number).
    return MappingProxyType(
        {
            clean_text(k, field="values"): clean_text(str(v), field="values")
            for k, v in values.items()
        }
    )


@attrs.frozen(kw_only=True)
class RefusedRule:
    """One rule a refused attempt failed, with the values that explained it, as text."""

    rule_id: str = attrs.field(validator=_non_empty)
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_plain_values)


def _refused_rules(values: Iterable[RefusedRule]) -> tuple[RefusedRule, ...]:
    return tuple(_few("rules", values))


@attrs.frozen(kw_only=True)
class Refusal:
    """
    An attempt a workflow refused, kept on the dossier (lần không được chấp nhận).

    The stage does not change; the record says who tried what, when, and which rules
    failed, so that a store can count refusals by rule. Made by
    `ketnap.Workflow.record_refusal` from a `ketnap.TransitionRefused`.
    """

    on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    step: str = attrs.field(validator=_non_empty)
    actor: Actor = attrs.field(validator=_member_of(Actor))
    rules: tuple[RefusedRule, ...] = attrs.field(converter=_refused_rules)

    def __attrs_post_init__(self) -> None:
        if not self.rules:
            raise InvalidInput("rules", "a refusal names at least one failed rule")


@attrs.frozen(kw_only=True)
class LateAct:
    """
    An act done after its deadline, which stands but is recorded (quá hạn).

    The texts keep a late decision valid: past the term the committee "phải kiểm điểm
    trách nhiệm trước cấp ủy cấp trên" (QĐ §4.3.1), and a late recognition still takes
    effect when the 12 months end (QĐ §4.2b). `ketnap.Workflow.advance` records one
    when such a rule fails.

    Attributes:
        step: the code of the step done late.
        on: the day it was done (its history entry's date).
        due: the last day it should have been done.
        answerable: the body that answers for the delay (the one that acted).
        rule_id: the deadline rule it missed, e.g. ``"timing.decision_deadline"``.
    """

    step: str = attrs.field(validator=_non_empty)
    on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    due: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    answerable: Actor = attrs.field(validator=_member_of(Actor))
    rule_id: str = attrs.field(validator=_non_empty)

    def __attrs_post_init__(self) -> None:
        if self.on <= self.due:
            raise InvalidInput("on", "a late act is dated after its due day")


@attrs.frozen(kw_only=True)
class HistoryEntry:
    """
    One successful step: when, who, what, from where to where, under which rule set.

    ``step``, ``source`` and ``target`` are the codes of the process's step and stages.

    Entries are chained (`ketnap.integrity`): ``previous`` is the digest of the entry
    before (the dossier's chain start for the first), ``digest`` covers ``previous`` and
    this entry's content. `ketnap.Workflow.advance` fills both.

    Attributes:
        reference: the number of the act's document, when given (a branch resolution
            "05-NQ/CB", an admission decision "123-QĐ/ĐU").
        adopted_on: set on the entries that open an adopted dossier
            (`ketnap.Workflow.adopt`): the day the office entered an act done before
            ketnap kept the dossier; None for an act recorded as it happened.
        attested: on an adopted entry, the ids of the rules that failed on the records
            given and were taken on the office's word (``attested`` of `Workflow.adopt`):
            the evidence is on paper, not in the dossier. Empty for every other entry.
    """

    on: pendulum.Date = attrs.field(validator=_is_date)
    step: str
    actor: Actor
    source: str
    target: str
    regulation: str = attrs.field(converter=_regulation)
    reference: str | None = attrs.field(default=None, converter=_reference)
    adopted_on: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date, metadata=fact(added=True)
    )
    attested: tuple[str, ...] = attrs.field(
        default=(), converter=_rule_ids, metadata=fact(added=True)
    )
    previous: str = attrs.field(repr=False)
    # True once the digest is known right: computed here from the entry's own fields
    # (no ``digest`` given, as `ketnap.Workflow.advance` makes its entries), or found
    # right by `digest_matches`. The entry is frozen, so the same object would hash the
    # same again (a store verifies every history on every save); a copy is checked
    # anew (`attr.assoc` edits a copy in place), and only code that writes into the
    # frozen object itself (``object.__setattr__``) gets round it, which a load still
    # catches. Declared before ``digest``, whose default sets it: attrs fills the
    # fields in this order.
    _digest_checked: bool = attrs.field(default=False, init=False, eq=False, hash=False, repr=False)
    digest: str = attrs.field(
        repr=False, default=attrs.Factory(lambda self: self._own_digest(), takes_self=True)
    )

    def digest_matches(self) -> bool:
        """Whether ``digest`` is what the content hashes to (`expected_digest`)."""
        if self._digest_checked:
            return True
        if self.digest != self.expected_digest():
            return False
        object.__setattr__(self, "_digest_checked", True)  # frozen: attrs' own way round
        return True

    def __copy__(self) -> HistoryEntry:
        # The same fields, the digest given: the copy is checked again (see above).
        return attrs.evolve(self)

    def __deepcopy__(self, _memo: dict[int, object]) -> HistoryEntry:
        return attrs.evolve(self)  # every field is immutable: nothing deeper to copy

    def _own_digest(self) -> str:
        """``digest``'s default: the expected digest, known right since it is made here."""
        digest = self.expected_digest()
        object.__setattr__(self, "_digest_checked", True)  # frozen: attrs' own way round
        return digest

    def expected_digest(self) -> str:
        """The digest this entry's content and ``previous`` hash to."""
        # Codes may be shipped members (str enums): formatting one gives its value.
        return entry_digest(
            previous=self.previous,
            on=self.on,
            step=self.step,
            actor=self.actor,
            source=self.source,
            target=self.target,
            regulation=self.regulation,
            reference=self.reference,
            adopted_on=self.adopted_on,
            attested=self.attested,
        )


def same_branch(first: Organization, second: Organization) -> bool:
    """Whether two records name the same branch: by code when both have one, else by name."""
    if first.code is not None and second.code is not None:
        return first.code == second.code
    return first.name == second.name


@attrs.frozen(kw_only=True)
class Transfer:
    """
    A probationary member's transfer to another branch (chuyển sinh hoạt đảng, I-10).

    Recorded on the dossier with the dossier's `organization` set to the receiving branch,
    then acted by the step ``Step.TRANSFER`` on the same day: the history holds the act,
    this record both branches. From that day the receiving branch keeps the dossier, its
    deadlines and its reports, and votes on the recognition.

    Args:
        on: the day of the transfer, which is the act's date.
        from_branch: the sending branch (chi bộ nơi chuyển đi).
        to_branch: the receiving branch (chi bộ nơi chuyển đến).
        reference: the number of the transfer paper (giấy giới thiệu sinh hoạt đảng).
        comments_on: the date of the sending branch's written comments on the member's
            probation there, which the receiving branch considers at recognition; None
            until they are received.

    Raises:
        InvalidInput: the receiving branch is the sending one.
    """

    on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    from_branch: Organization = attrs.field(validator=attrs.validators.instance_of(Organization))
    to_branch: Organization = attrs.field(validator=attrs.validators.instance_of(Organization))
    reference: str | None = attrs.field(default=None, converter=_reference)
    comments_on: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date
    )

    def __attrs_post_init__(self) -> None:
        if same_branch(self.from_branch, self.to_branch):
            raise InvalidInput("to_branch", "is the sending branch")


@attrs.frozen(kw_only=True)
class Remade:
    """
    How a dossier came to be re-made after papers were lost (J-03, M-08).

    Verification reports it (`ketnap.integrity.notes`) and does not refuse it: the
    re-made papers are the record now.

    Args:
        on: the day the re-made dossier was confirmed.
        reason: a lost admission decision, for which the admission date on the party card
            stands (J-03: the decision act is dated by the card), or a lost dossier,
            re-made on a confirmed report (M-08).
        confirmed_by: the body that confirmed the report.
        reference: the number of the report or of its confirmation.
    """

    on: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    reason: RemakeReason = attrs.field(validator=_member_of(RemakeReason))
    confirmed_by: Actor = attrs.field(validator=_member_of(Actor))
    reference: str | None = attrs.field(default=None, converter=_reference)
