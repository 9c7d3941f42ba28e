"""
The domain model: a candidate's admission dossier (hồ sơ kết nạp) and what it holds.

attrs validates *structure* here (types, dates that cannot be, negative counts);
*eligibility* (age, education, sponsors ...) is the rules' job, so a dossier that
would be refused can still be built, inspected and explained.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Self, cast

import attrs
import pendulum

from ketnap.dates import add_months, as_date
from ketnap.errors import InvalidInput
from ketnap.integrity import entry_digest
from ketnap.messages import Lang, Message

__all__ = [
    "Actor",
    "Approval",
    "ApprovalKind",
    "AreaKind",
    "Candidate",
    "Certificate",
    "CertificateKind",
    "Document",
    "Dossier",
    "EducationLevel",
    "HistoryEntry",
    "Kinship",
    "LeavingReason",
    "LocalRole",
    "Member",
    "MemberStatus",
    "Organization",
    "PoliticalTopic",
    "PriorMembership",
    "Relation",
    "Relative",
    "Sex",
    "Sponsor",
    "Stage",
    "Step",
    "UnionIntroduction",
    "UnionKind",
    "Verification",
    "Vote",
    "VotePurpose",
]


class _Labelled(enum.StrEnum):
    """An enumeration whose members carry a Vietnamese and an English label."""

    @property
    def message(self) -> Message:
        """The member's label in both languages."""
        return _LABELS[self]

    @property
    def label(self) -> str:
        """The Vietnamese label."""
        return _LABELS[self].vi

    def text(self, lang: Lang = "vi") -> str:
        """Return the label in *lang*."""
        return _LABELS[self].render(lang)

    @classmethod
    def parse(cls, value: object, *, field: str = "value") -> Self:
        """
        Return the member named by *value* (a member, its value or its name).

        Raises:
            InvalidInput: *value* names no member; the message lists the accepted values.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                upper = value.upper()
                if upper in cls.__members__:
                    return cls.__members__[upper]
        accepted = ", ".join(member.value for member in cls)
        raise InvalidInput(field, f"unknown {cls.__name__} {value!r}; expected one of: {accepted}")


class Stage(_Labelled):
    """A stage of the admission path; `label` gives its Vietnamese name."""

    SOURCE_POOL = "source_pool"
    TRAINED = "trained"
    PREPARED = "prepared"
    PROPOSED = "proposed"
    ENDORSED = "endorsed"
    ADMITTED = "admitted"
    PROBATION = "probation"
    RECOGNITION_PROPOSED = "recognition_proposed"
    ESCALATED = "escalated"
    FULL_MEMBER = "full_member"
    CARD_ISSUED = "card_issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"

    @property
    def is_final(self) -> bool:
        """Whether no step leads out of this stage."""
        return self in {Stage.CARD_ISSUED, Stage.REFUSED, Stage.WITHDRAWN, Stage.REMOVED}


class Step(_Labelled):
    """A step (an act of a party body) that moves a dossier from one stage to another."""

    COMPLETE_TRAINING = "complete_training"
    ASSIGN_SPONSORS = "assign_sponsors"
    PROPOSE_ADMISSION = "propose_admission"
    ENDORSE = "endorse"
    DECIDE_ADMISSION = "decide_admission"
    HOLD_CEREMONY = "hold_ceremony"
    PROPOSE_RECOGNITION = "propose_recognition"
    ESCALATE = "escalate"
    RECOGNIZE = "recognize"
    ISSUE_CARD = "issue_card"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    REMOVE = "remove"


class Actor(_Labelled):
    """
    A party body that may fire a step.

    After the 2025 reform the body behind `COMPETENT_COMMITTEE` is configured by
    the deployment (DOMAIN.md §1.2); ketnap only checks the role.
    """

    BRANCH = "branch"
    BASE_COMMITTEE = "base_committee"
    COMPETENT_COMMITTEE = "competent_committee"
    PROVINCIAL_STANDING_BOARD = "provincial_standing_board"


class EducationLevel(_Labelled):
    """
    General education (trình độ học vấn), from lowest to highest.

    `LOWER_SECONDARY_EQUIVALENT` is "tương đương trung học cơ sở", accepted only
    under QĐ 29 (DOMAIN.md A-05a).
    """

    NONE = "none"
    LITERATE = "literate"
    PRIMARY = "primary"
    LOWER_SECONDARY_EQUIVALENT = "lower_secondary_equivalent"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    HIGHER = "higher"

    @property
    def rank(self) -> int:
        """Position in the order above, for comparisons."""
        return _EDUCATION_ORDER.index(self)


_EDUCATION_ORDER = tuple(EducationLevel)


class AreaKind(_Labelled):
    """The kind of area a candidate lives in (A-06)."""

    ORDINARY = "ordinary"
    MOUNTAIN = "mountain"
    BORDER = "border"
    ISLAND = "island"
    ETHNIC_MINORITY = "ethnic_minority"
    EXTREMELY_DISADVANTAGED = "extremely_disadvantaged"


class LocalRole(_Labelled):
    """A candidate's role where they live, relevant to the education exceptions (A-06, A-07)."""

    NONE = "none"
    VILLAGE_ELDER = "village_elder"
    HAMLET_HEAD = "hamlet_head"
    RESPECTED_PERSON = "respected_person"
    FISHERMAN = "fisherman"


class MemberStatus(_Labelled):
    """Membership status of a sponsor or helper."""

    OFFICIAL = "official"
    PROBATIONARY = "probationary"


class Relation(_Labelled):
    """On what basis a sponsor has been alongside the candidate (C-05, C-05a)."""

    WORK = "work"
    STUDY = "study"
    RESIDENCE = "residence"


class UnionKind(_Labelled):
    """The mass organisation that introduces a candidate in place of one sponsor (C-02, C-03)."""

    YOUTH_UNION = "youth_union"
    TRADE_UNION = "trade_union"


class CertificateKind(_Labelled):
    """Certificates the path requires."""

    AWARENESS_COURSE = "awareness_course"
    NEW_MEMBER_COURSE = "new_member_course"


class VotePurpose(_Labelled):
    """What a vote decided."""

    ADMISSION = "admission"
    RECOGNITION = "recognition"
    REMOVAL = "removal"


class ApprovalKind(_Labelled):
    """A written consent or extension that some steps need."""

    OVER_SIXTY = "over_sixty"
    LOW_EDUCATION = "low_education"
    READMISSION = "readmission"
    CEREMONY_DELAY = "ceremony_delay"
    DECISION_EXTENSION = "decision_extension"
    RECOGNITION_EXTENSION = "recognition_extension"


class Sex(_Labelled):
    """Sex as the statistics forms record it (giới tính), for the composition of new members."""

    FEMALE = "female"
    MALE = "male"


class Kinship(_Labelled):
    """A relative's tie to the candidate, for background verification (E-03, E-05)."""

    PARENT = "parent"
    GUARDIAN = "guardian"
    SIBLING = "sibling"
    CHILD = "child"
    SPOUSE = "spouse"
    PARENT_IN_LAW = "parent_in_law"


class PoliticalTopic(_Labelled):
    """A topic the background verification concludes on (A-09, E-04)."""

    POLITICAL_HISTORY = "political_history"
    CURRENT_POLITICS = "current_politics"
    POLITICAL_STANDARDS = "political_standards"


class LeavingReason(_Labelled):
    """Why a former member left the Party, for re-admission (L-02, L-06)."""

    TRANSFER_LAPSE = "transfer_lapse"
    REMOVED = "removed"
    EXPELLED = "expelled"
    ABANDONED_ACTIVITIES = "abandoned_activities"
    APPLIED_TO_LEAVE = "applied_to_leave"
    APPLIED_TO_LEAVE_FAMILY_HARDSHIP = "applied_to_leave_family_hardship"
    CAUSED_DISUNITY = "caused_disunity"
    CONVICTED_CORRUPTION = "convicted_corruption"
    CONVICTED_SERIOUS_CRIME = "convicted_serious_crime"
    CONVICTED_LESS_SERIOUS_CRIME = "convicted_less_serious_crime"
    POPULATION_POLICY = "population_policy"


def _m(vi: str, en: str) -> Message:
    return Message(vi=vi, en=en)


_LABELS: dict[_Labelled, Message] = {
    Stage.SOURCE_POOL: _m("Nguồn kết nạp (quần chúng cảm tình Đảng)", "Source pool (sympathiser)"),
    Stage.TRAINED: _m("Đã học lớp bồi dưỡng nhận thức về Đảng", "Awareness course completed"),
    Stage.PREPARED: _m(
        "Đã phân công giúp đỡ, giới thiệu và thẩm tra lý lịch",
        "Helper and sponsors assigned, background verified",
    ),
    Stage.PROPOSED: _m("Chi bộ đề nghị kết nạp", "Branch proposes admission"),
    Stage.ENDORSED: _m("Đảng ủy cơ sở đề nghị kết nạp", "Base committee endorses admission"),
    Stage.ADMITTED: _m("Đã có quyết định kết nạp", "Admission decided"),
    Stage.PROBATION: _m("Đảng viên dự bị", "Probationary member"),
    Stage.RECOGNITION_PROPOSED: _m(
        "Chi bộ đề nghị công nhận đảng viên chính thức", "Branch proposes recognition"
    ),
    Stage.ESCALATED: _m(
        "Báo cáo cấp ủy cấp trên xem xét, quyết định", "Referred to the higher committee"
    ),
    Stage.FULL_MEMBER: _m("Đảng viên chính thức", "Full member"),
    Stage.CARD_ISSUED: _m("Đã phát thẻ đảng viên", "Party card issued"),
    Stage.REFUSED: _m("Không được kết nạp", "Refused"),
    Stage.WITHDRAWN: _m("Dừng xem xét (rút hồ sơ)", "Withdrawn"),
    Stage.REMOVED: _m(
        "Xóa tên trong danh sách đảng viên dự bị", "Removed from the probationary list"
    ),
    Step.COMPLETE_TRAINING: _m(
        "Hoàn thành lớp bồi dưỡng nhận thức về Đảng", "Complete the awareness course"
    ),
    Step.ASSIGN_SPONSORS: _m(
        "Phân công giúp đỡ, giới thiệu; thẩm tra lý lịch",
        "Assign helper and sponsors; verify background",
    ),
    Step.PROPOSE_ADMISSION: _m(
        "Chi bộ xét, ra nghị quyết đề nghị kết nạp", "Branch resolution proposing admission"
    ),
    Step.ENDORSE: _m("Đảng ủy cơ sở xét, đề nghị", "Base committee endorsement"),
    Step.DECIDE_ADMISSION: _m("Quyết định kết nạp đảng viên", "Admission decision"),
    Step.HOLD_CEREMONY: _m("Tổ chức lễ kết nạp", "Admission ceremony"),
    Step.PROPOSE_RECOGNITION: _m(
        "Chi bộ xét, đề nghị công nhận đảng viên chính thức", "Branch proposes recognition"
    ),
    Step.ESCALATE: _m(
        "Báo cáo cấp trên sau ba lần biểu quyết không đủ hai phần ba",
        "Refer upward after three votes short of two thirds",
    ),
    Step.RECOGNIZE: _m("Quyết định công nhận đảng viên chính thức", "Recognition decision"),
    Step.ISSUE_CARD: _m("Phát thẻ đảng viên", "Issue the party card"),
    Step.REFUSE: _m("Không kết nạp", "Refuse admission"),
    Step.WITHDRAW: _m("Dừng xem xét, rút hồ sơ", "Withdraw"),
    Step.REMOVE: _m("Xóa tên trong danh sách đảng viên dự bị", "Remove from the probationary list"),
    Actor.BRANCH: _m("Chi bộ", "Branch"),
    Actor.BASE_COMMITTEE: _m("Đảng ủy cơ sở", "Base party committee"),
    Actor.COMPETENT_COMMITTEE: _m("Cấp ủy có thẩm quyền", "Competent committee"),
    Actor.PROVINCIAL_STANDING_BOARD: _m(
        "Ban thường vụ tỉnh ủy, thành ủy (cấp ủy trực thuộc Trung ương)",
        "Provincial standing board",
    ),
    EducationLevel.NONE: _m("Chưa biết chữ", "None"),
    EducationLevel.LITERATE: _m("Biết đọc, biết viết chữ quốc ngữ", "Reads and writes Quốc ngữ"),
    EducationLevel.PRIMARY: _m("Hoàn thành chương trình tiểu học", "Primary school completed"),
    EducationLevel.LOWER_SECONDARY_EQUIVALENT: _m(
        "Tương đương trung học cơ sở", "Equivalent of lower secondary"
    ),
    EducationLevel.LOWER_SECONDARY: _m(
        "Bằng tốt nghiệp trung học cơ sở", "Lower-secondary diploma"
    ),
    EducationLevel.UPPER_SECONDARY: _m("Trung học phổ thông", "Upper secondary"),
    EducationLevel.HIGHER: _m("Cao đẳng, đại học trở lên", "College or university"),
    AreaKind.ORDINARY: _m("Địa bàn thông thường", "Ordinary area"),
    AreaKind.MOUNTAIN: _m("Miền núi", "Mountain area"),
    AreaKind.BORDER: _m("Biên giới", "Border area"),
    AreaKind.ISLAND: _m("Hải đảo", "Island"),
    AreaKind.ETHNIC_MINORITY: _m("Vùng đồng bào dân tộc thiểu số", "Ethnic-minority area"),
    AreaKind.EXTREMELY_DISADVANTAGED: _m("Vùng đặc biệt khó khăn", "Extremely disadvantaged area"),
    LocalRole.NONE: _m("Không", "None"),
    LocalRole.VILLAGE_ELDER: _m("Già làng", "Village elder"),
    LocalRole.HAMLET_HEAD: _m("Trưởng bản", "Hamlet head"),
    LocalRole.RESPECTED_PERSON: _m("Người có uy tín", "Respected person"),
    LocalRole.FISHERMAN: _m(
        "Ngư dân thường xuyên làm việc trên biển, đảo", "Fisherman working at sea"
    ),
    MemberStatus.OFFICIAL: _m("Đảng viên chính thức", "Official member"),
    MemberStatus.PROBATIONARY: _m("Đảng viên dự bị", "Probationary member"),
    Relation.WORK: _m("cùng công tác, lao động", "worked together"),
    Relation.STUDY: _m("cùng học tập", "studied together"),
    Relation.RESIDENCE: _m("cùng sinh hoạt nơi cư trú", "lived in the same residence area"),
    UnionKind.YOUTH_UNION: _m("Ban chấp hành đoàn cơ sở", "Youth Union executive committee"),
    UnionKind.TRADE_UNION: _m("Ban chấp hành công đoàn cơ sở", "Trade-union executive committee"),
    CertificateKind.AWARENESS_COURSE: _m(
        "Giấy chứng nhận bồi dưỡng nhận thức về Đảng", "Party-awareness course certificate"
    ),
    CertificateKind.NEW_MEMBER_COURSE: _m(
        "Giấy chứng nhận học lớp lý luận chính trị dành cho đảng viên mới",
        "New-member political course certificate",
    ),
    VotePurpose.ADMISSION: _m("xét kết nạp", "admission"),
    VotePurpose.RECOGNITION: _m("xét công nhận đảng viên chính thức", "recognition"),
    VotePurpose.REMOVAL: _m("đề nghị xóa tên", "removal"),
    ApprovalKind.OVER_SIXTY: _m("Đồng ý kết nạp người trên 60 tuổi", "Consent to admit over 60"),
    ApprovalKind.LOW_EDUCATION: _m(
        "Đồng ý kết nạp người chỉ biết đọc, biết viết", "Consent to admit with literacy only"
    ),
    ApprovalKind.READMISSION: _m("Đồng ý kết nạp lại", "Consent to re-admit"),
    ApprovalKind.CEREMONY_DELAY: _m(
        "Đồng ý tổ chức lễ kết nạp quá hạn", "Consent to a late ceremony"
    ),
    ApprovalKind.DECISION_EXTENSION: _m(
        "Kéo dài thời hạn quyết định kết nạp (trường hợp đặc biệt)",
        "Extension of the admission-decision term (special case)",
    ),
    ApprovalKind.RECOGNITION_EXTENSION: _m(
        "Kéo dài thời hạn quyết định công nhận (trường hợp đặc biệt)",
        "Extension of the recognition-decision term (special case)",
    ),
    Kinship.PARENT: _m("Cha, mẹ đẻ", "Birth parent"),
    Kinship.GUARDIAN: _m("Người trực tiếp nuôi dưỡng", "Person who raised the candidate"),
    Kinship.SIBLING: _m("Anh, chị, em ruột", "Sibling"),
    Kinship.CHILD: _m("Con đẻ", "Child"),
    Kinship.SPOUSE: _m("Vợ hoặc chồng", "Spouse"),
    Kinship.PARENT_IN_LAW: _m("Cha, mẹ vợ (chồng)", "Parent-in-law"),
    Sex.FEMALE: _m("Nữ", "Female"),
    Sex.MALE: _m("Nam", "Male"),
    PoliticalTopic.POLITICAL_HISTORY: _m("lịch sử chính trị", "political history"),
    PoliticalTopic.CURRENT_POLITICS: _m("chính trị hiện nay", "current politics"),
    PoliticalTopic.POLITICAL_STANDARDS: _m("tiêu chuẩn chính trị", "political standards"),
    LeavingReason.TRANSFER_LAPSE: _m("Không chuyển sinh hoạt đảng", "Lapsed after a transfer"),
    LeavingReason.REMOVED: _m("Bị xóa tên", "Removed from the list"),
    LeavingReason.EXPELLED: _m("Bị khai trừ", "Expelled"),
    LeavingReason.ABANDONED_ACTIVITIES: _m("Bỏ sinh hoạt đảng", "Abandoned Party activities"),
    LeavingReason.APPLIED_TO_LEAVE: _m("Làm đơn xin ra khỏi Đảng", "Applied to leave"),
    LeavingReason.APPLIED_TO_LEAVE_FAMILY_HARDSHIP: _m(
        "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn",
        "Applied to leave for special family hardship",
    ),
    LeavingReason.CAUSED_DISUNITY: _m(
        "Gây mất đoàn kết nội bộ nghiêm trọng", "Caused serious internal disunity"
    ),
    LeavingReason.CONVICTED_CORRUPTION: _m(
        "Bị kết án về tội tham nhũng", "Convicted of corruption"
    ),
    LeavingReason.CONVICTED_SERIOUS_CRIME: _m(
        "Bị kết án về tội phạm nghiêm trọng trở lên", "Convicted of a serious or graver crime"
    ),
    LeavingReason.CONVICTED_LESS_SERIOUS_CRIME: _m(
        "Bị kết án về tội phạm ít nghiêm trọng", "Convicted of a less serious crime"
    ),
    LeavingReason.POPULATION_POLICY: _m(
        "Vi phạm chính sách dân số, kế hoạch hóa gia đình",
        "Violated population / family-planning policy",
    ),
}


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
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, f"must be a non-empty string, got {value!r}")


def _non_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(attribute.name, f"must be a non-negative integer, got {value!r}")


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
    return tuple(values)


def _topics(values: Iterable[PoliticalTopic]) -> frozenset[PoliticalTopic]:
    return frozenset(values)


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _education(value: object) -> EducationLevel:
    return EducationLevel.parse(value, field="education")


def _area(value: object) -> AreaKind:
    return AreaKind.parse(value, field="area")


def _role(value: object) -> LocalRole:
    return LocalRole.parse(value, field="local_role")


def _not_after(later: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validate that a date field is not after the date field named *later*."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        other = getattr(instance, later)
        if isinstance(value, pendulum.Date) and isinstance(other, pendulum.Date) and value > other:
            raise InvalidInput(attribute.name, f"{value} is after {later} {other}")

    return check


# --- records -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Relative:
    """A relative whose background is verified (E-03) or who exempts a side (E-05)."""

    name: str = attrs.field(validator=_non_empty, repr=_redacted)
    kinship: Kinship = attrs.field(validator=_member_of(Kinship))
    party_member: bool = False


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

    def __attrs_post_init__(self) -> None:
        if self.first_decision_on > self.left_on:
            raise InvalidInput(
                "first_decision_on", f"{self.first_decision_on} is after left_on {self.left_on}"
            )


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
        citizen_id: personal identification number (số định danh cá nhân, 12 digits; 9 for
            an old identity card).
        sex: as recorded, for the composition of new members (None: not recorded).
        ethnic_minority: belongs to an ethnic minority (người dân tộc thiểu số).
        religious: a religious follower (người theo tôn giáo).

    The citizen ID, birth date, relatives and prior membership are personal data: `repr`
    shows them as ``<redacted>`` and no error message quotes them.

    Raises:
        InvalidInput: a field cannot describe a real person (empty name, unknown education).
    """

    name: str = attrs.field(validator=_non_empty)
    birth_date: pendulum.Date = attrs.field(converter=_date, validator=_is_date, repr=_redacted)
    education: EducationLevel = attrs.field(converter=_education)
    area: AreaKind = attrs.field(default=AreaKind.ORDINARY, converter=_area)
    local_role: LocalRole = attrs.field(default=LocalRole.NONE, converter=_role)
    youth_union_member: bool = False
    trade_union_member: bool = False
    over_sixty_grounds: bool = False
    relatives: tuple[Relative, ...] = attrs.field(default=(), converter=_relatives, repr=_redacted)
    prior_membership: PriorMembership | None = attrs.field(default=None, repr=_redacted)
    citizen_id: str | None = attrs.field(default=None, validator=_citizen_id, repr=_redacted)
    sex: Sex | None = attrs.field(
        default=None, validator=attrs.validators.optional(_member_of(Sex))
    )
    ethnic_minority: bool = False
    religious: bool = False

    def __attrs_post_init__(self) -> None:
        prior = self.prior_membership
        if prior is not None and prior.first_decision_on < self.birth_date:
            raise InvalidInput("prior_membership", "first admission is before the birth date")


@attrs.frozen(kw_only=True)
class Organization:
    """
    The party branch (chi bộ) that handles the dossier, and what sits above it.

    Args:
        name: the branch's name.
        code: the branch's code in an `ketnap.OrganizationTree` (mã tổ chức), which reports
            and authority use; None when the dossier is used without a tree.
        under_base_committee: the branch sits under a base party committee (chi bộ trực thuộc
            đảng ủy cơ sở), so the base committee endorses before the decision (F-05).
        base_committee_may_admit: that base committee is authorised to admit (F-07a).
        has_youth_union: a Youth Union organisation exists where the candidate works or
            lives (C-02).
        has_trade_union: a trade union exists there (C-03).
    """

    name: str = attrs.field(validator=_non_empty)
    code: str | None = None
    under_base_committee: bool = False
    base_committee_may_admit: bool = False
    has_youth_union: bool = True
    has_trade_union: bool = False


@attrs.frozen(kw_only=True)
class Member:
    """A party member acting as helper (người giúp đỡ, B-02)."""

    name: str = attrs.field(validator=_non_empty)
    status: MemberStatus = attrs.field(validator=_member_of(MemberStatus))
    official_since: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date
    )

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
        replaces: name of a sponsor who moved or was disciplined and whom this one
            replaces (C-08); a replacement need not have 12 months alongside.
    """

    alongside_since: pendulum.Date = attrs.field(converter=_date, validator=_is_date)
    basis: Relation = attrs.field(validator=_member_of(Relation))
    replaces: str | None = None


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
    issuer: str = ""


@attrs.frozen(kw_only=True)
class Document:
    """A dossier document by form code, e.g. ``"2-KNĐ"`` for the background declaration (§5)."""

    form: str = attrs.field(validator=_non_empty)
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


@attrs.frozen(kw_only=True)
class HistoryEntry:
    """
    One successful step: when, who, what, from where to where, under which rule set.

    Entries are chained (`ketnap.integrity`): ``previous`` is the digest of the entry
    before (the dossier's chain start for the first), ``digest`` covers ``previous`` and
    this entry's content. `ketnap.Workflow.advance` fills both.

    Attributes:
        reference: the number of the act's document, when given (a branch resolution
            "05-NQ/CB", an admission decision "123-QĐ/ĐU").
    """

    on: pendulum.Date
    step: Step
    actor: Actor
    source: Stage
    target: Stage
    regulation: str
    reference: str | None = None
    previous: str = attrs.field(repr=False)
    digest: str = attrs.field(
        repr=False,
        default=attrs.Factory(lambda self: self.expected_digest(), takes_self=True),
    )

    def expected_digest(self) -> str:
        """The digest this entry's content and ``previous`` hash to."""
        # The members are str: formatting one gives its value, without the enum property.
        return entry_digest(
            previous=self.previous,
            on=self.on,
            step=self.step,
            actor=self.actor,
            source=self.source,
            target=self.target,
            regulation=self.regulation,
            reference=self.reference,
        )


_DECISION_STEPS = frozenset(
    {Step.DECIDE_ADMISSION, Step.RECOGNIZE, Step.REMOVE, Step.REFUSE, Step.ISSUE_CARD}
)


def _after_birth(instance: Dossier, _attribute: attrs.Attribute[Any], value: object) -> None:
    birth = instance.candidate.birth_date
    if isinstance(value, pendulum.Date) and value <= birth:
        # The birth date itself is personal data and stays out of the message.
        raise InvalidInput("candidate.birth_date", "the birth date is not before entered_pool_on")


@attrs.define(kw_only=True, eq=False)
class Dossier:
    """
    A candidate's admission dossier (hồ sơ kết nạp đảng viên), its stage and history.

    A dossier is an entity: two dossiers are equal only if they are the same object.
    Records are appended by the application as they happen (a vote, a certificate);
    the stage and history change only through `ketnap.Workflow.advance`.

    ``revision`` is the store's version of this copy (0: never saved); a store refuses to
    save a copy whose revision is behind the stored one (`ketnap.StaleDossier`).

    Raises:
        InvalidInput: a structural error, such as a birth date not before ``entered_pool_on``.
    """

    id: str = attrs.field(validator=_non_empty)
    candidate: Candidate
    organization: Organization
    entered_pool_on: pendulum.Date = attrs.field(
        converter=_date, validator=[_is_date, _after_birth]
    )
    stage: Stage = attrs.field(default=Stage.SOURCE_POOL, validator=_member_of(Stage))
    helper: Member | None = None
    sponsors: list[Sponsor] = attrs.Factory(list)
    union_introduction: UnionIntroduction | None = None
    certificates: list[Certificate] = attrs.Factory(list)
    documents: dict[str, Document] = attrs.Factory(dict)
    verification: Verification | None = None
    votes: list[Vote] = attrs.Factory(list)
    approvals: list[Approval] = attrs.Factory(list)
    decision_received_on: pendulum.Date | None = attrs.field(
        default=None, converter=_optional_date, validator=_is_date
    )
    card_number: str | None = None
    history: list[HistoryEntry] = attrs.Factory(list)
    revision: int = attrs.field(default=0, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        for form, document in self.documents.items():
            if form != document.form:
                raise InvalidInput("documents", f"key {form!r} holds form {document.form!r}")

    def add_documents(self, documents: Iterable[Document]) -> None:
        """Add or replace documents, keyed by form code."""
        for document in documents:
            self.documents[document.form] = document

    # --- lookups used by the rules -------------------------------------------------------

    def last_act(self, step: Step) -> HistoryEntry | None:
        """Return the latest history entry for *step*, if any."""
        for entry in reversed(self.history):
            if entry.step is step:
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

    def approval(self, kind: ApprovalKind, on: pendulum.Date) -> Approval | None:
        """Return an approval of *kind* given on or before *on*, if any."""
        for approval in self.approvals:
            if approval.kind is kind and approval.given_on <= on:
                return approval
        return None

    @property
    def decisions(self) -> tuple[HistoryEntry, ...]:
        """The decisions taken on the dossier: admission, refusal, recognition, removal, card."""
        return tuple(entry for entry in self.history if entry.step in _DECISION_STEPS)

    # --- the dates that matter (J-01, Charter Art. 5) --------------------------------------

    @property
    def admission_decision_date(self) -> pendulum.Date | None:
        """Date of the admission decision; party age counts from it (J-01)."""
        entry = self.last_act(Step.DECIDE_ADMISSION)
        return None if entry is None else entry.on

    @property
    def ceremony_date(self) -> pendulum.Date | None:
        """Date of the admission ceremony (ngày vào Đảng), which starts probation (H-01)."""
        entry = self.last_act(Step.HOLD_CEREMONY)
        return None if entry is None else entry.on

    @property
    def probation_end(self) -> pendulum.Date | None:
        """
        Last day of the 12-month probation (Charter Art. 5.1), by civil-code month arithmetic.

        A ceremony on 29 Feb 2024 ends probation on 28 Feb 2025.
        """
        ceremony = self.ceremony_date
        return None if ceremony is None else add_months(ceremony, 12)

    @property
    def full_membership_date(self) -> pendulum.Date | None:
        """
        Date from which a recognised member is official: the end of probation (QĐ §4.2.2).

        It does not move when the branch or the committee decides late; None until recognised.
        """
        if self.last_act(Step.RECOGNIZE) is None:
            return None
        return self.probation_end

    @property
    def party_age_start(self) -> pendulum.Date | None:
        """Date party age counts from: the (first) admission decision (J-01, J-02)."""
        prior = self.candidate.prior_membership
        if prior is not None:
            return prior.first_decision_on
        return self.admission_decision_date
