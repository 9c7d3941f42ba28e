"""Age rules (độ tuổi): DOMAIN.md A-01 to A-04."""

from __future__ import annotations

import datetime as dt

from ketnap.dates import calendar_months, completed_months
from ketnap.messages import Message
from ketnap.model import Actor, ApprovalKind, Dossier, Step
from ketnap.policy import AgeCounting, Policy
from ketnap.rules._base import Context, Family, Values, missing_approval, rule

__all__ = [
    "age_months",
    "branch_resolution_date",
    "is_over_age",
    "maximum_age",
    "minimum_age",
    "over_sixty_consent",
]

_CLAUSE = "Điều lệ Đảng Điều 1.2; QĐ 294/232/24 §1.1.1 (QĐ 29 §1.1a)"


def age_months(birth: dt.date, on: dt.date, counting: AgeCounting) -> int:
    """Return the candidate's age in months on *on*, counted as the policy says (A-04)."""
    if counting is AgeCounting.CALENDAR_MONTHS:
        return calendar_months(birth, on)
    return completed_months(birth, on)


def _age(months: int) -> dict[str, object]:
    years, rest = divmod(months, 12)
    return {"age": f"{years} tuổi {rest} tháng", "age_en": f"{years} years {rest} months"}


def branch_resolution_date(dossier: Dossier, on: dt.date) -> dt.date:
    """The date the branch considered admission: its resolution, or *on* before there is one."""
    entry = dossier.last_act(Step.PROPOSE_ADMISSION)
    return on if entry is None else entry.on


def is_over_age(dossier: Dossier, on: dt.date, policy: Policy) -> bool:
    """Whether the candidate was over the maximum age when the branch considered admission."""
    considered = branch_resolution_date(dossier, on)
    months = age_months(dossier.candidate.birth_date, considered, policy.age_counting)
    return months > policy.max_age_months


@rule(
    id="age.minimum",
    family=Family.AGE,
    ref="A-01, A-04",
    clause=_CLAUSE,
    message=Message(
        vi="Chưa đủ 18 tuổi (tính theo tháng) khi chi bộ xét: {age} "
        "({months} tháng, cần {required})",
        en="Under 18 (counted in months) when the branch considers: {age_en} "
        "({months} months, {required} needed)",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def minimum_age(context: Context) -> Values | None:
    """The candidate is at least 18 full years old, counted in months, at the branch meeting."""
    policy = context.policy
    months = age_months(context.dossier.candidate.birth_date, context.on, policy.age_counting)
    if months >= policy.min_age_months:
        return None
    return {**_age(months), "months": months, "required": policy.min_age_months}


@rule(
    id="age.maximum",
    family=Family.AGE,
    ref="A-02, A-03",
    clause=_CLAUSE + "; QĐ §1.1.2",
    message=Message(
        vi="Quá 60 tuổi khi chi bộ xét ({age}, {months} tháng) và không thuộc trường hợp "
        "đặc biệt do tỉnh ủy quyết định",
        en="Over 60 when the branch considers ({age_en}, {months} months) and not an exception "
        "the provincial committee may decide",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def maximum_age(context: Context) -> Values | None:
    """
    The candidate is at most 60 full years old, counted in months.

    Over 60, the branch may still propose when the A-03 grounds hold; the decision then
    needs the provincial standing board (``age.over_sixty_consent``, ``authority.actor``).
    """
    policy = context.policy
    candidate = context.dossier.candidate
    months = age_months(candidate.birth_date, context.on, policy.age_counting)
    if months <= policy.max_age_months or candidate.over_sixty_grounds:
        return None
    return {**_age(months), "months": months}


@rule(
    id="age.over_sixty_consent",
    family=Family.AGE,
    ref="A-03",
    clause="QĐ §1.1.2; HD 01-HD/TW 2021 §1.1",
    message=Message(
        vi="Người trên 60 tuổi: chưa có văn bản đồng ý của {by} trước khi quyết định kết nạp",
        en="Over 60: no written consent of the provincial standing board before the decision",
    ),
    steps={Step.DECIDE_ADMISSION},
)
def over_sixty_consent(context: Context) -> Values | None:
    """Admitting a candidate over 60 needs the provincial standing board's prior written consent."""
    if not is_over_age(context.dossier, context.on, context.policy):
        return None
    return missing_approval(context, ApprovalKind.OVER_SIXTY, Actor.PROVINCIAL_STANDING_BOARD)
