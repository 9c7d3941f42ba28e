"""
The domain model: a candidate's admission dossier (hồ sơ kết nạp) and what it holds.

Split, bottom up, into the labelled vocabulary (`vocabulary`, `labels`), the records
a dossier holds (`records`) and the dossier itself (`dossier`).

attrs validates *structure* here (types, dates that cannot be, negative counts);
*eligibility* (age, education, sponsors ...) is the rules' job, so a dossier that
would be refused can still be built, inspected and explained.
"""

from ketnap.model.dossier import Dossier
from ketnap.model.labels import LabelledEnum
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
    PopulationViolation,
    PriorMembership,
    Refusal,
    RefusedRule,
    Relative,
    Remade,
    Sponsor,
    Transfer,
    UnionIntroduction,
    Verification,
    Vote,
)
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
    Stage,
    Step,
    UnionKind,
    VotePurpose,
)

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
    "GapKind",
    "HistoryEntry",
    "Kinship",
    "LabelledEnum",
    "LateAct",
    "LeavingReason",
    "LocalRole",
    "Member",
    "MemberStatus",
    "MembershipGap",
    "Occupation",
    "Organization",
    "PoliticalTheory",
    "PoliticalTopic",
    "PopulationViolation",
    "PriorMembership",
    "Refusal",
    "RefusedRule",
    "Relation",
    "Relative",
    "Remade",
    "RemakeReason",
    "Sex",
    "Sponsor",
    "Stage",
    "Step",
    "Transfer",
    "UnionIntroduction",
    "UnionKind",
    "Verification",
    "Vote",
    "VotePurpose",
]
