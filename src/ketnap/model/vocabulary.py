"""
The vocabulary of admission, each member with its Vietnamese and English label.

The codes of the shipped stages and steps, the actors, and every enumeration a record
holds.

Stage and step codes are plain strings everywhere else (a dossier's stage, a history
entry, a rule's steps), so that a deployment's process (`ketnap.Process`) can add its
own; `Stage` and `Step` name the codes of the shipped admission process.
"""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model.labels import LabelledEnum, register_labels

__all__ = [
    "Actor",
    "ApprovalKind",
    "AreaKind",
    "CertificateKind",
    "EducationLevel",
    "GapKind",
    "Kinship",
    "LeavingReason",
    "LocalRole",
    "MemberStatus",
    "Occupation",
    "PoliticalTheory",
    "PoliticalTopic",
    "Relation",
    "RemakeReason",
    "Sex",
    "Stage",
    "Step",
    "UnionKind",
    "VotePurpose",
]


class Stage(LabelledEnum):
    """
    The codes of the shipped admission process's stages (giai đoạn), with their labels.

    Which stages are final, and what they mean for reports, is the process's to say
    (`ketnap.ADMISSION`), not this enumeration's.
    """

    SOURCE_POOL = "source_pool"
    TRAINED = "trained"
    PREPARED = "prepared"
    PROPOSED = "proposed"
    ENDORSED = "endorsed"
    ADMITTED = "admitted"
    PROBATION = "probation"
    RECOGNITION_PROPOSED = "recognition_proposed"
    RECOGNITION_ENDORSED = "recognition_endorsed"
    ESCALATED = "escalated"
    FULL_MEMBER = "full_member"
    CARD_ISSUED = "card_issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"


class Step(LabelledEnum):
    """A step (an act of a party body) that moves a dossier from one stage to another."""

    COMPLETE_TRAINING = "complete_training"
    ASSIGN_SPONSORS = "assign_sponsors"
    PROPOSE_ADMISSION = "propose_admission"
    ENDORSE = "endorse"
    DECIDE_ADMISSION = "decide_admission"
    HOLD_CEREMONY = "hold_ceremony"
    PROPOSE_RECOGNITION = "propose_recognition"
    ENDORSE_RECOGNITION = "endorse_recognition"
    ESCALATE = "escalate"
    RECOGNIZE = "recognize"
    ISSUE_CARD = "issue_card"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    REMOVE = "remove"
    REFUSE_RECOGNITION = "refuse_recognition"
    APPRAISE_ADMISSION = "appraise_admission"
    APPRAISE_RECOGNITION = "appraise_recognition"
    TRANSFER = "transfer"


class Actor(LabelledEnum):
    """
    A party body that may fire a step.

    After the 2025 reform the body behind `COMPETENT_COMMITTEE` is configured by
    the deployment (see the regulation reference, F-07); ketnap only checks the role.
    """

    BRANCH = "branch"
    BASE_COMMITTEE = "base_committee"
    COMPETENT_COMMITTEE = "competent_committee"
    PROVINCIAL_STANDING_BOARD = "provincial_standing_board"
    PARTIAL_COMMITTEE = "partial_committee"


class EducationLevel(LabelledEnum):
    """
    General education (trình độ học vấn), from lowest to highest.

    `LOWER_SECONDARY_EQUIVALENT` is "tương đương trung học cơ sở", accepted only
    under QĐ 29 (regulation reference A-05a).
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


class AreaKind(LabelledEnum):
    """The kind of area a candidate lives in (A-06)."""

    ORDINARY = "ordinary"
    MOUNTAIN = "mountain"
    BORDER = "border"
    ISLAND = "island"
    ETHNIC_MINORITY = "ethnic_minority"
    EXTREMELY_DISADVANTAGED = "extremely_disadvantaged"


class LocalRole(LabelledEnum):
    """A candidate's role where they live, relevant to the education exceptions (A-06, A-07)."""

    NONE = "none"
    VILLAGE_ELDER = "village_elder"
    HAMLET_HEAD = "hamlet_head"
    RESPECTED_PERSON = "respected_person"
    FISHERMAN = "fisherman"


class MemberStatus(LabelledEnum):
    """Membership status of a sponsor or helper."""

    OFFICIAL = "official"
    PROBATIONARY = "probationary"


class Relation(LabelledEnum):
    """On what basis a sponsor has been alongside the candidate (C-05, C-05a)."""

    WORK = "work"
    STUDY = "study"
    RESIDENCE = "residence"


class UnionKind(LabelledEnum):
    """The mass organisation that introduces a candidate in place of one sponsor (C-02, C-03)."""

    YOUTH_UNION = "youth_union"
    TRADE_UNION = "trade_union"


class CertificateKind(LabelledEnum):
    """Certificates the path requires."""

    AWARENESS_COURSE = "awareness_course"
    NEW_MEMBER_COURSE = "new_member_course"


class VotePurpose(LabelledEnum):
    """What a vote decided."""

    ADMISSION = "admission"
    RECOGNITION = "recognition"
    REMOVAL = "removal"


class ApprovalKind(LabelledEnum):
    """A written consent or extension that some steps need."""

    OVER_SIXTY = "over_sixty"
    LOW_EDUCATION = "low_education"
    READMISSION = "readmission"
    CEREMONY_DELAY = "ceremony_delay"
    DECISION_EXTENSION = "decision_extension"
    RECOGNITION_EXTENSION = "recognition_extension"


class Sex(LabelledEnum):
    """Sex as the statistics forms record it (giới tính), for the composition of new members."""

    FEMALE = "female"
    MALE = "male"


class PoliticalTheory(LabelledEnum):
    """
    Political theory training (trình độ lý luận chính trị), as the statistics forms count it.

    `NONE` is a recorded "not trained"; a candidate whose training is not recorded has
    None instead, and the statistics show it as not recorded.
    """

    NONE = "none"
    ELEMENTARY = "elementary"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Occupation(LabelledEnum):
    """
    Occupation group (nghề nghiệp) of a new member, as the statistics of new members group it.

    The groups follow the structure of the statistics form as we read it (HD 11-HD/BTCTW,
    2021; secondary sources): a deployment whose form groups differently maps its own
    codes onto these.
    """

    WORKER = "worker"
    FARMER = "farmer"
    CIVIL_SERVANT = "civil_servant"
    PUBLIC_EMPLOYEE = "public_employee"
    ARMED_FORCES = "armed_forces"
    BUSINESS_OWNER = "business_owner"
    PRIVATE_SECTOR = "private_sector"
    STUDENT = "student"
    SELF_EMPLOYED = "self_employed"
    OTHER = "other"


class Kinship(LabelledEnum):
    """A relative's tie to the candidate, for background verification (E-03, E-05)."""

    PARENT = "parent"
    GUARDIAN = "guardian"
    SIBLING = "sibling"
    CHILD = "child"
    SPOUSE = "spouse"
    PARENT_IN_LAW = "parent_in_law"
    SPOUSE_SIBLING = "spouse_sibling"
    """A sibling of the spouse: not verified (E-03), but a member exempts the spouse's side
    from HD 01-2021 (E-05)."""


class PoliticalTopic(LabelledEnum):
    """A topic the background verification concludes on (A-09, E-04)."""

    POLITICAL_HISTORY = "political_history"
    CURRENT_POLITICS = "current_politics"
    POLITICAL_STANDARDS = "political_standards"


class LeavingReason(LabelledEnum):
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


class GapKind(LabelledEnum):
    """
    A time out of party activity, not counted in party age (J-01, J-02).

    QĐ 24 §4.5.1 names them: "thời gian bị khai trừ …, thời gian bị xoá tên, thời gian
    mất liên lạc với tổ chức đảng và thời gian gián đoạn do chuyển sinh hoạt đảng"; the
    time between leaving and a re-admission is its own kind (§4.5.2).
    """

    EXPELLED = "expelled"
    STRUCK_OFF = "struck_off"
    LOST_CONTACT = "lost_contact"
    TRANSFER_INTERRUPTED = "transfer_interrupted"
    READMISSION = "readmission"


class RemakeReason(LabelledEnum):
    """Why a dossier was re-made from what remained (J-03, M-08)."""

    LOST_DECISION = "lost_decision"
    """The admission decision is lost: the admission date on the party card stands for it."""
    LOST_DOSSIER = "lost_dossier"
    """The dossier is lost: it is re-made on a report the competent body confirmed."""


def _m(vi: str, en: str) -> Message:
    return Message(vi=vi, en=en)


register_labels(
    {
        Stage.SOURCE_POOL: _m(
            "Nguồn kết nạp (quần chúng cảm tình Đảng)", "Source pool (sympathiser)"
        ),
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
        Stage.RECOGNITION_ENDORSED: _m(
            "Đảng ủy cơ sở đề nghị công nhận đảng viên chính thức",
            "Base committee endorses recognition",
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
    }
)
register_labels(
    {
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
        Step.ENDORSE_RECOGNITION: _m(
            "Đảng ủy cơ sở xét, đề nghị công nhận đảng viên chính thức",
            "Base committee endorses recognition",
        ),
        Step.ESCALATE: _m(
            "Báo cáo cấp trên sau ba lần biểu quyết không đủ hai phần ba",
            "Refer upward after three votes short of two thirds",
        ),
        Step.RECOGNIZE: _m("Quyết định công nhận đảng viên chính thức", "Recognition decision"),
        Step.ISSUE_CARD: _m("Phát thẻ đảng viên", "Issue the party card"),
        Step.REFUSE: _m("Không kết nạp", "Refuse admission"),
        Step.WITHDRAW: _m("Dừng xem xét, rút hồ sơ", "Withdraw"),
        Step.REMOVE: _m(
            "Xóa tên trong danh sách đảng viên dự bị", "Remove from the probationary list"
        ),
        Step.REFUSE_RECOGNITION: _m(
            "Không công nhận đảng viên chính thức, xóa tên trong danh sách đảng viên dự bị",
            "Recognition refused: removed from the probationary list",
        ),
    }
)
register_labels(
    {
        Actor.BRANCH: _m("Chi bộ", "Branch"),
        Actor.BASE_COMMITTEE: _m("Đảng ủy cơ sở", "Base party committee"),
        Actor.COMPETENT_COMMITTEE: _m("Cấp ủy có thẩm quyền", "Competent committee"),
        Actor.PROVINCIAL_STANDING_BOARD: _m(
            "Ban thường vụ tỉnh ủy, thành ủy (cấp ủy trực thuộc Trung ương)",
            "Provincial standing board",
        ),
    }
)
register_labels(
    {
        EducationLevel.NONE: _m("Chưa biết chữ", "None"),
        EducationLevel.LITERATE: _m(
            "Biết đọc, biết viết chữ quốc ngữ", "Reads and writes Quốc ngữ"
        ),
        EducationLevel.PRIMARY: _m("Hoàn thành chương trình tiểu học", "Primary school completed"),
        EducationLevel.LOWER_SECONDARY_EQUIVALENT: _m(
            "Tương đương trung học cơ sở", "Equivalent of lower secondary"
        ),
        EducationLevel.LOWER_SECONDARY: _m(
            "Bằng tốt nghiệp trung học cơ sở", "Lower-secondary diploma"
        ),
        EducationLevel.UPPER_SECONDARY: _m("Trung học phổ thông", "Upper secondary"),
        EducationLevel.HIGHER: _m("Cao đẳng, đại học trở lên", "College or university"),
    }
)
register_labels(
    {
        AreaKind.ORDINARY: _m("Địa bàn thông thường", "Ordinary area"),
        AreaKind.MOUNTAIN: _m("Miền núi", "Mountain area"),
        AreaKind.BORDER: _m("Biên giới", "Border area"),
        AreaKind.ISLAND: _m("Hải đảo", "Island"),
        AreaKind.ETHNIC_MINORITY: _m("Vùng đồng bào dân tộc thiểu số", "Ethnic-minority area"),
        AreaKind.EXTREMELY_DISADVANTAGED: _m(
            "Vùng đặc biệt khó khăn", "Extremely disadvantaged area"
        ),
    }
)
register_labels(
    {
        LocalRole.NONE: _m("Không", "None"),
        LocalRole.VILLAGE_ELDER: _m("Già làng", "Village elder"),
        LocalRole.HAMLET_HEAD: _m("Trưởng bản", "Hamlet head"),
        LocalRole.RESPECTED_PERSON: _m("Người có uy tín", "Respected person"),
        LocalRole.FISHERMAN: _m(
            "Ngư dân thường xuyên làm việc trên biển, đảo", "Fisherman working at sea"
        ),
    }
)
register_labels(
    {
        MemberStatus.OFFICIAL: _m("Đảng viên chính thức", "Official member"),
        MemberStatus.PROBATIONARY: _m("Đảng viên dự bị", "Probationary member"),
    }
)
register_labels(
    {
        Relation.WORK: _m("cùng công tác, lao động", "worked together"),
        Relation.STUDY: _m("cùng học tập", "studied together"),
        Relation.RESIDENCE: _m("cùng sinh hoạt nơi cư trú", "lived in the same residence area"),
    }
)
register_labels(
    {
        UnionKind.YOUTH_UNION: _m("Ban chấp hành đoàn cơ sở", "Youth Union executive committee"),
        UnionKind.TRADE_UNION: _m(
            "Ban chấp hành công đoàn cơ sở", "Trade-union executive committee"
        ),
    }
)
register_labels(
    {
        CertificateKind.AWARENESS_COURSE: _m(
            "Giấy chứng nhận bồi dưỡng nhận thức về Đảng", "Party-awareness course certificate"
        ),
        CertificateKind.NEW_MEMBER_COURSE: _m(
            "Giấy chứng nhận học lớp lý luận chính trị dành cho đảng viên mới",
            "New-member political course certificate",
        ),
    }
)
register_labels(
    {
        VotePurpose.ADMISSION: _m("xét kết nạp", "admission"),
        VotePurpose.RECOGNITION: _m("xét công nhận đảng viên chính thức", "recognition"),
        VotePurpose.REMOVAL: _m("đề nghị xóa tên", "removal"),
    }
)
register_labels(
    {
        ApprovalKind.OVER_SIXTY: _m(
            "Đồng ý kết nạp người trên 60 tuổi", "Consent to admit over 60"
        ),
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
    }
)
register_labels(
    {
        Kinship.PARENT: _m("Cha, mẹ đẻ", "Birth parent"),
        Kinship.GUARDIAN: _m("Người trực tiếp nuôi dưỡng", "Person who raised the candidate"),
        Kinship.SIBLING: _m("Anh, chị, em ruột", "Sibling"),
        Kinship.CHILD: _m("Con đẻ", "Child"),
        Kinship.SPOUSE: _m("Vợ hoặc chồng", "Spouse"),
        Kinship.PARENT_IN_LAW: _m("Cha, mẹ vợ (chồng)", "Parent-in-law"),
        Kinship.SPOUSE_SIBLING: _m("Anh, chị, em ruột của vợ (chồng)", "Spouse's sibling"),
    }
)
register_labels(
    {
        Sex.FEMALE: _m("Nữ", "Female"),
        Sex.MALE: _m("Nam", "Male"),
    }
)
register_labels(
    {
        PoliticalTheory.NONE: _m("Chưa qua đào tạo", "Not trained"),
        PoliticalTheory.ELEMENTARY: _m("Sơ cấp", "Elementary"),
        PoliticalTheory.INTERMEDIATE: _m("Trung cấp", "Intermediate"),
        PoliticalTheory.ADVANCED: _m("Cao cấp, cử nhân", "Advanced or bachelor"),
    }
)
register_labels(
    {
        Occupation.WORKER: _m("Công nhân", "Worker"),
        Occupation.FARMER: _m("Nông dân, ngư dân", "Farmer or fisher"),
        Occupation.CIVIL_SERVANT: _m("Cán bộ, công chức", "Cadre or civil servant"),
        Occupation.PUBLIC_EMPLOYEE: _m("Viên chức", "Public employee"),
        Occupation.ARMED_FORCES: _m("Lực lượng vũ trang", "Armed forces"),
        Occupation.BUSINESS_OWNER: _m("Chủ doanh nghiệp tư nhân", "Private business owner"),
        Occupation.PRIVATE_SECTOR: _m(
            "Người lao động trong doanh nghiệp ngoài khu vực nhà nước",
            "Employee of a non-state enterprise",
        ),
        Occupation.STUDENT: _m("Học sinh, sinh viên", "Pupil or student"),
        Occupation.SELF_EMPLOYED: _m("Lao động tự do", "Self-employed"),
        Occupation.OTHER: _m("Khác", "Other"),
    }
)
register_labels(
    {
        PoliticalTopic.POLITICAL_HISTORY: _m("lịch sử chính trị", "political history"),
        PoliticalTopic.CURRENT_POLITICS: _m("chính trị hiện nay", "current politics"),
        PoliticalTopic.POLITICAL_STANDARDS: _m("tiêu chuẩn chính trị", "political standards"),
    }
)
register_labels(
    {
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
)
register_labels(
    {
        GapKind.EXPELLED: _m("Thời gian bị khai trừ", "Time expelled"),
        GapKind.STRUCK_OFF: _m("Thời gian bị xóa tên", "Time struck off the list"),
        GapKind.LOST_CONTACT: _m(
            "Thời gian mất liên lạc với tổ chức đảng",
            "Time out of contact with the party organisation",
        ),
        GapKind.TRANSFER_INTERRUPTED: _m(
            "Thời gian gián đoạn do chuyển sinh hoạt đảng", "Time interrupted by a transfer"
        ),
        GapKind.READMISSION: _m(
            "Thời gian ra khỏi Đảng đến khi được kết nạp lại",
            "Time out of the Party until re-admission",
        ),
    }
)
register_labels(
    {
        Step.APPRAISE_ADMISSION: _m(
            "Đảng ủy bộ phận thẩm định nghị quyết đề nghị kết nạp",
            "Partial committee appraises the admission proposal",
        ),
        Step.APPRAISE_RECOGNITION: _m(
            "Đảng ủy bộ phận thẩm định nghị quyết đề nghị công nhận đảng viên chính thức",
            "Partial committee appraises the recognition proposal",
        ),
        Step.TRANSFER: _m(
            "Chuyển sinh hoạt đảng của đảng viên dự bị", "Transfer of the probationary member"
        ),
    }
)
register_labels(
    {
        Actor.PARTIAL_COMMITTEE: _m("Đảng ủy bộ phận", "Partial party committee"),
    }
)
register_labels(
    {
        RemakeReason.LOST_DECISION: _m(
            "Mất quyết định kết nạp (lấy ngày vào Đảng ghi trên thẻ đảng viên)",
            "Admission decision lost (the admission date on the party card stands for it)",
        ),
        RemakeReason.LOST_DOSSIER: _m(
            "Mất hồ sơ đảng viên (lập lại theo báo cáo đã được xác nhận)",
            "Dossier lost (re-made on a confirmed report)",
        ),
    }
)
