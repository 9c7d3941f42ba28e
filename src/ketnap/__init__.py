"""
ketnap: admission to the Communist Party of Vietnam (kết nạp đảng viên) as a workflow.

Walk a candidate's dossier from the source pool to the party card, with every step
decided by the rules of the regulation in force on the date of the act, and every
refusal explained in Vietnamese and English.

>>> import ketnap
>>> ketnap.ADMISSION.text(ketnap.Stage.PROBATION)
'Đảng viên dự bị'
"""

import logging

from ketnap.dates import WorkingCalendar, add_months, completed_months
from ketnap.deadlines import Deadline, DeadlineStatus, deadlines_for
from ketnap.errors import (
    DossierNotFound,
    InvalidDocument,
    InvalidInput,
    InvalidRuleSet,
    InvalidWorkflow,
    KetnapError,
    NoRegulationInForce,
    StaleDossier,
    StoreError,
    TamperedHistory,
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
    LateAct,
    LeavingReason,
    LocalRole,
    Member,
    MemberStatus,
    Organization,
    PoliticalTopic,
    PriorMembership,
    Refusal,
    RefusedRule,
    Relation,
    Relative,
    Sex,
    Sponsor,
    Stage,
    Step,
    UnionIntroduction,
    UnionKind,
    Verification,
    Vote,
    VotePurpose,
)
from ketnap.organizations import (
    LEVELS_2021,
    LEVELS_2025,
    Course,
    Level,
    OrganizationTree,
    Quotas,
    Unit,
)
from ketnap.planner import Plan, Requirement, plan
from ketnap.policy import AgeCounting, Policy
from ketnap.process import ADMISSION, Process, ProcessStage, ProcessStep, Transition
from ketnap.reminders import DueItem, DueList, DueProblem, due_list
from ketnap.reports import Report, report
from ketnap.rules import (
    Context,
    Failure,
    Family,
    Guidance,
    Period,
    Rule,
    RuleSet,
    Window,
    rule,
)
from ketnap.rules.regulations import (
    CHARTER_RULES,
    QD_24_2021,
    QD_29_2016,
    QD_232_2025,
    QD_294_2025,
    REGULATIONS,
)
from ketnap.storage import DocumentFormat, DossierStore, Query, SQLiteStore, StoreProblem
from ketnap.workflow import Hook, StepEvent, Workflow

# A library leaves logging to the application (Python's logging HOWTO).
logging.getLogger("ketnap").addHandler(logging.NullHandler())

__all__ = [
    "ADMISSION",
    "CHARTER_RULES",
    "LEVELS_2021",
    "LEVELS_2025",
    "QD_24_2021",
    "QD_29_2016",
    "QD_232_2025",
    "QD_294_2025",
    "REGULATIONS",
    "Actor",
    "AgeCounting",
    "Approval",
    "ApprovalKind",
    "AreaKind",
    "Candidate",
    "Certificate",
    "CertificateKind",
    "Context",
    "Course",
    "Deadline",
    "DeadlineStatus",
    "Document",
    "DocumentFormat",
    "Dossier",
    "DossierNotFound",
    "DossierStore",
    "DueItem",
    "DueList",
    "DueProblem",
    "EducationLevel",
    "Failure",
    "Family",
    "Guidance",
    "HistoryEntry",
    "Hook",
    "InvalidDocument",
    "InvalidInput",
    "InvalidRuleSet",
    "InvalidWorkflow",
    "KetnapError",
    "Kinship",
    "Lang",
    "LateAct",
    "LeavingReason",
    "Level",
    "LocalRole",
    "Member",
    "MemberStatus",
    "Message",
    "NoRegulationInForce",
    "Organization",
    "OrganizationTree",
    "Period",
    "Plan",
    "Policy",
    "PoliticalTopic",
    "PriorMembership",
    "Process",
    "ProcessStage",
    "ProcessStep",
    "Query",
    "Quotas",
    "Refusal",
    "RefusedRule",
    "Relation",
    "Relative",
    "Report",
    "Requirement",
    "Rule",
    "RuleSet",
    "SQLiteStore",
    "Sex",
    "Sponsor",
    "Stage",
    "StaleDossier",
    "Step",
    "StepEvent",
    "StoreError",
    "StoreProblem",
    "TamperedHistory",
    "Transition",
    "TransitionRefused",
    "UnionIntroduction",
    "UnionKind",
    "Unit",
    "Verification",
    "Vote",
    "VotePurpose",
    "Window",
    "Workflow",
    "WorkingCalendar",
    "add_months",
    "completed_months",
    "deadlines_for",
    "due_list",
    "plan",
    "report",
    "rule",
]
