"""Age rules (độ tuổi): regulation reference A-01 to A-04."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ketnap.dates import previous_day
from ketnap.messages import Message
from ketnap.model import Actor, ApprovalKind, Dossier, Step
from ketnap.policy import Policy
from ketnap.process import Process
from ketnap.rules._base import Context, Family, Values, Window, missing_approval, rule
from ketnap.terms import age_months, age_reached_on, age_text

__all__ = [
    "branch_resolution_date",
    "is_over_age",
    "maximum_age",
    "minimum_age",
    "over_sixty_consent",
]

_CLAUSE = "Điều lệ Đảng Điều 1.2; QĐ 294/232/24 §1.1.1 (QĐ 29 §1.1a)"


def branch_resolution_date(dossier: Dossier, on: dt.date, *, process: Process) -> dt.date:
    """The date the branch considered admission: its resolution, or *on* before there is one."""
    entry = dossier.last_act(process.recorded_as(Step.PROPOSE_ADMISSION))
    return on if entry is None else entry.on


def is_over_age(dossier: Dossier, on: dt.date, policy: Policy, *, process: Process) -> bool:
    """Whether the candidate was over the maximum age when the branch considered admission."""
    considered = branch_resolution_date(dossier, on, process=process)
    months = age_months(dossier.candidate.birth_date, considered, policy)
    return months > policy.max_age_months


_MIN_AGE_LABEL = Message(vi="Đủ {years} tuổi (tính theo tháng)", en="{years} full years (by month)")


def _minimum_window(context: Context) -> Iterator[Window]:
    policy = context.policy
    required = policy.min_age_months
    yield Window(
        label=_MIN_AGE_LABEL.bind(years=required // 12),
        holds_from=age_reached_on(context.dossier.candidate.birth_date, required, policy),
    )


_MAX_AGE_LABEL = Message(vi="Không quá {years} tuổi", en="At most {years} years old")


def _maximum_window(context: Context) -> Iterator[Window]:
    policy = context.policy
    candidate = context.dossier.candidate
    if candidate.over_sixty_grounds:
        return
    over = age_reached_on(candidate.birth_date, policy.max_age_months + 1, policy)
    yield Window(
        label=_MAX_AGE_LABEL.bind(years=policy.max_age_months // 12),
        holds_until=previous_day(over),
    )


@rule(
    id="age.minimum",
    family=Family.AGE,
    ref="A-01, A-04",
    clause=_CLAUSE,
    message=Message(
        vi="Chưa đủ {years} tuổi (tính theo tháng) khi chi bộ xét: {age} "
        "({months} tháng, cần {required})",
        en="Under {years} (counted in months) when the branch considers: {age} "
        "({months} months, {required} needed)",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_minimum_window,
)
def minimum_age(context: Context) -> Values | None:
    """The candidate is at least 18 full years old, counted in months, at the branch meeting."""
    policy = context.policy
    months = age_months(context.dossier.candidate.birth_date, context.on, policy)
    if months >= policy.min_age_months:
        return None
    return {
        "age": age_text(months),
        "months": months,
        "required": policy.min_age_months,
        "years": policy.min_age_months // 12,
    }


@rule(
    id="age.maximum",
    family=Family.AGE,
    ref="A-02, A-03",
    clause=_CLAUSE + "; QĐ §1.1.2",
    message=Message(
        vi="Quá {years} tuổi khi chi bộ xét ({age}, {months} tháng) và không thuộc trường hợp "
        "đặc biệt do tỉnh ủy quyết định",
        en="Over {years} when the branch considers ({age}, {months} months) and not an "
        "exception the provincial committee may decide",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_maximum_window,
)
def maximum_age(context: Context) -> Values | None:
    """
    The candidate is at most 60 full years old, counted in months.

    Over 60, the branch may still propose when the A-03 grounds hold; the decision then
    needs the provincial standing board (``age.over_sixty_consent``, ``authority.actor``).
    """
    policy = context.policy
    candidate = context.dossier.candidate
    months = age_months(candidate.birth_date, context.on, policy)
    if months <= policy.max_age_months or candidate.over_sixty_grounds:
        return None
    return {"age": age_text(months), "months": months, "years": policy.max_age_months // 12}


@rule(
    id="age.over_sixty_consent",
    family=Family.AGE,
    ref="A-03",
    clause="QĐ §1.1.2; HD 01-HD/TW 2021 §1.1",
    message=Message(
        vi="Người trên {years} tuổi: chưa có văn bản đồng ý của {by} trước khi quyết định kết nạp",
        en="Over {years}: no written consent of the {by} before the decision",
    ),
    steps={Step.DECIDE_ADMISSION},
)
def over_sixty_consent(context: Context) -> Values | None:
    """Admitting a candidate over 60 needs the provincial standing board's prior written consent."""
    if not is_over_age(context.dossier, context.on, context.policy, process=context.process):
        return None
    missing = missing_approval(context, ApprovalKind.OVER_SIXTY, Actor.PROVINCIAL_STANDING_BOARD)
    if missing is None:
        return None
    return {**missing, "years": context.policy.max_age_months // 12}
