"""
Timing rules (thời hạn): DOMAIN.md §8.

The deadlines that condition an act, and the order of acts. The deadline dates
come from `ketnap.deadlines`.
"""

from __future__ import annotations

from ketnap.deadlines import admission_decision_due, ceremony_due, recognition_decision_due
from ketnap.messages import Message
from ketnap.model import ApprovalKind, Step
from ketnap.rules._base import Context, Family, Values, rule

__all__ = [
    "ceremony_deadline",
    "chronology",
    "decision_deadline",
    "probation_complete",
    "recognition_decision_deadline",
]


@rule(
    id="timing.chronology",
    family=Family.TIMING,
    ref="—",
    clause="Trình tự kết nạp (Điều lệ Đảng Điều 4, 5)",
    message=Message(
        vi="Ngày {on} sớm hơn bước trước ({previous}, ngày {previous_on})",
        en="{on} is before the previous act ({previous_en}, on {previous_on})",
    ),
    steps=set(Step),
)
def chronology(context: Context) -> Values | None:
    """An act is not dated before the act that precedes it."""
    dossier = context.dossier
    if dossier.history:
        last = dossier.history[-1]
        if context.on < last.on:
            return {
                "on": context.on,
                "previous": last.step.label,
                "previous_en": last.step.text("en"),
                "previous_on": last.on,
            }
    elif context.on < dossier.entered_pool_on:
        return {
            "on": context.on,
            "previous": "vào danh sách cảm tình Đảng",
            "previous_en": "entry to the source pool",
            "previous_on": dossier.entered_pool_on,
        }
    return None


def _late(context: Context, due: object, what: str, what_en: str) -> Values:
    return {"on": context.on, "due": due, "what": what, "what_en": what_en}


_LATE = Message(
    vi="Quá hạn {what}: hạn cuối ngày {due}, thực hiện ngày {on}",
    en="Past the deadline for {what_en}: due {due}, done {on}",
)


@rule(
    id="timing.decision_deadline",
    family=Family.TIMING,
    ref="§8 (60 + 30 ngày làm việc)",
    clause="QĐ 294/232/24/29 §4.3.1",
    message=_LATE,
    steps={Step.DECIDE_ADMISSION},
)
def decision_deadline(context: Context) -> Values | None:
    """
    The admission decision comes within 60 working days of the branch resolution.

    Or 90 where a special-case extension was recorded.
    """
    due = admission_decision_due(context.dossier, context.policy, context.calendar, context.on)
    if due is None or context.on <= due:
        return None
    return _late(context, due, "ra quyết định kết nạp", "the admission decision")


@rule(
    id="timing.ceremony_deadline",
    family=Family.TIMING,
    ref="H-01, §8 (30 ngày làm việc)",
    clause="QĐ 294/232/24 §4.1",
    message=_LATE,
    steps={Step.HOLD_CEREMONY},
)
def ceremony_deadline(context: Context) -> Values | None:
    """
    The ceremony is held within 30 working days of receiving the decision.

    Later only with the directly higher committee's consent.
    """
    due = ceremony_due(context.dossier, context.policy, context.calendar)
    if due is None or context.on <= due:
        return None
    if context.dossier.approval(ApprovalKind.CEREMONY_DELAY, context.on) is not None:
        return None
    return _late(context, due, "tổ chức lễ kết nạp", "the admission ceremony")


@rule(
    id="timing.probation_complete",
    family=Family.TIMING,
    ref="I-01, §8",
    clause="Điều lệ Đảng Điều 5.1, 5.2; QĐ §4.2.1",
    message=Message(
        vi="Chưa hết 12 tháng dự bị: hết ngày {end}, xét ngày {on}",
        en="Probation has not ended: it ends on {end}, considered on {on}",
    ),
    steps={Step.PROPOSE_RECOGNITION, Step.ESCALATE},
)
def probation_complete(context: Context) -> Values | None:
    """The branch considers recognition only after the 12 months of probation have ended."""
    end = context.dossier.probation_end
    if end is None or context.on > end:
        return None
    return {"end": end, "on": context.on}


@rule(
    id="timing.recognition_decision_deadline",
    family=Family.TIMING,
    ref="§8 (30 + 30 ngày làm việc)",
    clause="QĐ 29 §4.3.1 (giữ ở các quy định sau)",
    message=_LATE,
    steps={Step.RECOGNIZE},
)
def recognition_decision_deadline(context: Context) -> Values | None:
    """
    The recognition decision comes within 30 working days of the branch resolution.

    Or 60 where a special-case extension was recorded.
    """
    due = recognition_decision_due(context.dossier, context.policy, context.calendar, context.on)
    if due is None or context.on <= due:
        return None
    return _late(context, due, "quyết định công nhận", "the recognition decision")
