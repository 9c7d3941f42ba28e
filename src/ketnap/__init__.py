"""
ketnap: admission to the Communist Party of Vietnam (kết nạp đảng viên) as a workflow.

Walk a candidate's dossier from the source pool to the party card, with every step
decided by the rules of the regulation in force on the date of the act, and every
refusal explained in Vietnamese and English.

>>> import ketnap
>>> ketnap.ADMISSION.text(ketnap.Stage.PROBATION)
'Đảng viên dự bị'
"""

import importlib.metadata
import logging
import pathlib
import tomllib

from ketnap.application import (
    AlreadyStored,
    Application,
    SheetImport,
    StepVerdict,
    VerificationReport,
)
from ketnap.dates import WorkingCalendar, add_months, completed_months
from ketnap.deadlines import Deadline, DeadlineStatus, deadlines_for
from ketnap.deployment import ConfigError, Deployment
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
)
from ketnap.law import Law
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
    GapKind,
    HistoryEntry,
    Kinship,
    LateAct,
    LeavingReason,
    LocalRole,
    Member,
    MembershipGap,
    MemberStatus,
    Occupation,
    Organization,
    PoliticalTheory,
    PoliticalTopic,
    PopulationViolation,
    PriorMembership,
    Refusal,
    RefusedRule,
    Relation,
    Relative,
    Remade,
    RemakeReason,
    Sex,
    Sponsor,
    Stage,
    Step,
    Transfer,
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
    AdoptionRefused,
    Context,
    Failure,
    Family,
    Guidance,
    Period,
    Rule,
    RuleSet,
    TransitionRefused,
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
from ketnap.storage import DocumentFormat, Query, SQLiteStore, Store, StoreProblem
from ketnap.workflow import Hook, KnownAct, StepEvent, Workflow

# A library leaves logging to the application (Python's logging HOWTO).
logging.getLogger("ketnap").addHandler(logging.NullHandler())


def _version() -> str:
    """This ketnap's version: the installed package's, else its source tree's pyproject.toml."""
    try:
        return importlib.metadata.version("ketnap")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        pass
    unknown = "0+unknown"
    try:
        pyproject = pathlib.Path(__file__).parents[2] / "pyproject.toml"
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return unknown
    if not isinstance(project, dict) or project.get("name") != "ketnap":
        return unknown  # another project's file above a copied package
    version = project.get("version")
    return version if isinstance(version, str) else unknown


__version__ = _version()
"""This ketnap's version, as ``ketnap --version`` prints it."""

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
    "AdoptionRefused",
    "AgeCounting",
    "AlreadyStored",
    "Application",
    "Approval",
    "ApprovalKind",
    "AreaKind",
    "Candidate",
    "Certificate",
    "CertificateKind",
    "ConfigError",
    "Context",
    "Course",
    "Deadline",
    "DeadlineStatus",
    "Deployment",
    "Document",
    "DocumentFormat",
    "Dossier",
    "DossierNotFound",
    "DueItem",
    "DueList",
    "DueProblem",
    "EducationLevel",
    "Failure",
    "Family",
    "GapKind",
    "Guidance",
    "HistoryEntry",
    "Hook",
    "InvalidDocument",
    "InvalidInput",
    "InvalidRuleSet",
    "InvalidWorkflow",
    "KetnapError",
    "Kinship",
    "KnownAct",
    "Lang",
    "LateAct",
    "Law",
    "LeavingReason",
    "Level",
    "LocalRole",
    "Member",
    "MemberStatus",
    "MembershipGap",
    "Message",
    "NoRegulationInForce",
    "Occupation",
    "Organization",
    "OrganizationTree",
    "Period",
    "Plan",
    "Policy",
    "PoliticalTheory",
    "PoliticalTopic",
    "PopulationViolation",
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
    "Remade",
    "RemakeReason",
    "Report",
    "Requirement",
    "Rule",
    "RuleSet",
    "SQLiteStore",
    "Sex",
    "SheetImport",
    "Sponsor",
    "Stage",
    "StaleDossier",
    "Step",
    "StepEvent",
    "StepVerdict",
    "Store",
    "StoreError",
    "StoreProblem",
    "TamperedHistory",
    "Transfer",
    "Transition",
    "TransitionRefused",
    "UnionIntroduction",
    "UnionKind",
    "Unit",
    "Verification",
    "VerificationReport",
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
