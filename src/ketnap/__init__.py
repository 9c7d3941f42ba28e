"""
ketnap: admission to the Communist Party of Vietnam (kết nạp đảng viên) as a workflow.

Walk a candidate's dossier from the source pool to the party card, with every step
decided by the rules of the regulation in force on the date of the act, and every
refusal explained in Vietnamese and English.

>>> import ketnap
>>> ketnap.Stage.PROBATION.label
'Đảng viên dự bị'
"""

from ketnap.dates import WorkingCalendar, add_months, completed_months
from ketnap.deadlines import Deadline, DeadlineKind, DeadlineStatus, deadlines_for
from ketnap.errors import (
    InvalidInput,
    InvalidRuleSet,
    InvalidWorkflow,
    KetnapError,
    NoRegulationInForce,
    TransitionRefused,
)
from ketnap.messages import Lang, Message
from ketnap.model import (
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
    HistoryEntry,
    Kinship,
    LeavingReason,
    LocalRole,
    Member,
    MemberStatus,
    Organization,
    PoliticalTopic,
    PriorMembership,
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
from ketnap.planner import Plan, Requirement, plan
from ketnap.policy import AgeCounting, Policy
from ketnap.reminders import DueItem, DueList, due_list
from ketnap.rules import Context, Failure, Family, Period, Rule, RuleSet, rule
from ketnap.rules.regulations import (
    CHARTER_RULES,
    QD_24_2021,
    QD_29_2016,
    QD_232_2025,
    QD_294_2025,
    REGULATIONS,
)
from ketnap.workflow import TRANSITIONS, Transition, Workflow

__all__ = [
    "CHARTER_RULES",
    "QD_24_2021",
    "QD_29_2016",
    "QD_232_2025",
    "QD_294_2025",
    "REGULATIONS",
    "TRANSITIONS",
    "Actor",
    "AgeCounting",
    "Approval",
    "ApprovalKind",
    "AreaKind",
    "Candidate",
    "Certificate",
    "CertificateKind",
    "Context",
    "Deadline",
    "DeadlineKind",
    "DeadlineStatus",
    "Document",
    "Dossier",
    "DueItem",
    "DueList",
    "EducationLevel",
    "Failure",
    "Family",
    "HistoryEntry",
    "InvalidInput",
    "InvalidRuleSet",
    "InvalidWorkflow",
    "KetnapError",
    "Kinship",
    "Lang",
    "LeavingReason",
    "LocalRole",
    "Member",
    "MemberStatus",
    "Message",
    "NoRegulationInForce",
    "Organization",
    "Period",
    "Plan",
    "Policy",
    "PoliticalTopic",
    "PriorMembership",
    "Relation",
    "Relative",
    "Requirement",
    "Rule",
    "RuleSet",
    "Sponsor",
    "Stage",
    "Step",
    "Transition",
    "TransitionRefused",
    "UnionIntroduction",
    "UnionKind",
    "Verification",
    "Vote",
    "VotePurpose",
    "Workflow",
    "WorkingCalendar",
    "add_months",
    "completed_months",
    "deadlines_for",
    "due_list",
    "plan",
    "rule",
]
