"""
Timing rules (thời hạn): regulation reference §8.

The deadlines that condition an act, and the order of acts. Every term is computed
by `ketnap.terms` from the policy in force; each rule declares the window in which it
holds, which the planner and the deadlines read.
"""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from ketnap.dates import next_day
from ketnap.messages import Message
from ketnap.model import ApprovalKind, Step
from ketnap.rules._base import Context, Family, Values, Window, directly_higher, rule
from ketnap.terms import (
    admission_decision_days,
    admission_decision_due,
    ceremony_due,
    dossier_probation_end,
    months_text,
    recognition_decision_days,
    recognition_decision_due,
    working_days_text,
)

__all__ = [
    "ceremony_deadline",
    "ceremony_deadline_for",
    "chronology",
    "decision_deadline",
    "decision_due_for",
    "probation_complete",
    "recognition_deadline_for",
    "recognition_decision_deadline",
]


def _chronology_window(context: Context) -> Iterator[Window]:
    dossier = context.dossier
    last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
    yield Window(label=_AFTER_PREVIOUS, holds_from=last)


_AFTER_PREVIOUS = Message(vi="Sau bước trước", en="After the previous act")


@rule(
    id="timing.chronology",
    family=Family.TIMING,
    ref="—",
    clause="Trình tự kết nạp (Điều lệ Đảng Điều 4, 5)",
    message=Message(
        vi="Ngày {on} sớm hơn bước trước ({previous}, ngày {previous_on})",
        en="{on} is before the previous act ({previous}, on {previous_on})",
    ),
    steps=None,
    window=_chronology_window,
)
def chronology(context: Context) -> Values | None:
    """An act is not dated before the act that precedes it."""
    dossier = context.dossier
    if dossier.history:
        last = dossier.history[-1]
        if context.on < last.on:
            return {
                "on": context.on,
                "previous": context.label(last.step),
                "previous_on": last.on,
            }
    elif context.on < dossier.entered_pool_on:
        return {
            "on": context.on,
            "previous": Message(vi="vào danh sách cảm tình Đảng", en="entry to the source pool"),
            "previous_on": dossier.entered_pool_on,
        }
    return None


def _late(context: Context, due: object, what: Message) -> Values:
    return {"on": context.on, "due": due, "what": what}


_LATE = Message(
    vi="Quá hạn {what}: hạn cuối ngày {due}, thực hiện ngày {on}",
    en="Past the deadline for {what}: due {due}, done {on}",
)


def _extended(context: Context, kind: ApprovalKind) -> bool:
    return context.dossier.approval(kind, context.on) is not None


def decision_due_for(context: Context) -> pendulum.Date | None:
    """
    The last day for the admission decision (QĐ §4.3.1).

    ``decision_working_days`` after the branch resolution, plus the extension when one
    was recorded by the act.
    """
    resolution = context.last_act(Step.PROPOSE_ADMISSION)
    if resolution is None:
        return None
    extended = _extended(context, ApprovalKind.DECISION_EXTENSION)
    return admission_decision_due(
        resolution.on, context.policy, context.calendar, extended=extended
    )


def ceremony_deadline_for(context: Context) -> pendulum.Date | None:
    """
    The last day for the ceremony (QĐ §4.1).

    ``ceremony_working_days`` after the branch received the decision; the decision date
    (the process's step tagged ``admission``) stands in for receipt until receipt is
    recorded, and for a receipt recorded before it (a typing error the loader refuses),
    so the term never starts before the decision.
    """
    dossier = context.dossier
    decided = context.process.admission_date(dossier)
    received = dossier.decision_received_on
    if decided is not None and (received is None or received < decided):
        received = decided
    return None if received is None else ceremony_due(received, context.policy, context.calendar)


def recognition_deadline_for(context: Context) -> pendulum.Date | None:
    """
    The last day for the recognition decision (QĐ 29 §4.3.1).

    ``recognition_decision_working_days`` after the branch's recognition resolution, plus
    the extension when one was recorded.
    """
    resolution = context.last_act(Step.PROPOSE_RECOGNITION)
    if resolution is None:
        return None
    extended = _extended(context, ApprovalKind.RECOGNITION_EXTENSION)
    return recognition_decision_due(
        resolution.on, context.policy, context.calendar, extended=extended
    )


def _committee_window(due: pendulum.Date | None, label: Message, days: int) -> Iterator[Window]:
    # The term the label states is the one the due date counts, extension included.
    if due is not None:
        yield Window(label=label.bind(term=working_days_text(days)), holds_until=due)


_DECISION_TERM = Message(
    vi="Ra quyết định kết nạp trong {term} từ nghị quyết chi bộ",
    en="Admission decision within {term} of the branch resolution",
)


def _decision_window(context: Context) -> Iterator[Window]:
    extended = _extended(context, ApprovalKind.DECISION_EXTENSION)
    days = admission_decision_days(context.policy, extended=extended)
    return _committee_window(decision_due_for(context), _DECISION_TERM, days)


@rule(
    id="timing.decision_deadline",
    family=Family.TIMING,
    ref="§8",
    clause="QĐ 294/232/24/29 §4.3.1",
    message=_LATE,
    steps={Step.DECIDE_ADMISSION},
    window=_decision_window,
    late=True,
)
def decision_deadline(context: Context) -> Values | None:
    """
    The admission decision comes within 60 working days of the branch resolution.

    Or 90 where a special-case extension was recorded (the policy holds both numbers).
    A later decision stands and is recorded as late: QĐ §4.3.1 has the committee answer
    for the delay ("phải kiểm điểm trách nhiệm trước cấp ủy cấp trên"), not undo it.
    """
    due = decision_due_for(context)
    if due is None or context.on <= due:
        return None
    return _late(context, due, Message(vi="ra quyết định kết nạp", en="the admission decision"))


def _ceremony_waived(context: Context) -> bool:
    # QĐ §4.1: "phải báo cáo và được cấp ủy cấp trên trực tiếp đồng ý": only the
    # committee directly above the branch consents to a late ceremony.
    higher = directly_higher(context.dossier.organization)
    return (
        context.dossier.approval(ApprovalKind.CEREMONY_DELAY, context.on, by=(higher,)) is not None
    )


_CEREMONY_LABEL = Message(
    vi="Tổ chức lễ kết nạp trong {term} từ khi nhận quyết định",
    en="Admission ceremony within {term} of receiving the decision",
)


def _ceremony_window(context: Context) -> Iterator[Window]:
    due = ceremony_deadline_for(context)
    if due is not None and not _ceremony_waived(context):
        yield Window(
            label=_CEREMONY_LABEL.bind(
                term=working_days_text(context.policy.ceremony_working_days)
            ),
            holds_until=due,
        )


@rule(
    id="timing.ceremony_deadline",
    family=Family.TIMING,
    ref="H-01, §8",
    clause="QĐ 294/232/24 §4.1",
    message=_LATE,
    steps={Step.HOLD_CEREMONY},
    window=_ceremony_window,
)
def ceremony_deadline(context: Context) -> Values | None:
    """
    The ceremony is held within 30 working days of receiving the decision.

    Later only with the directly higher committee's consent.
    """
    due = ceremony_deadline_for(context)
    if due is None or context.on <= due or _ceremony_waived(context):
        return None
    return _late(context, due, Message(vi="tổ chức lễ kết nạp", en="the admission ceremony"))


_PROBATION_LABEL = Message(vi="Đã hết {term} dự bị", en="The {term} of probation are over")


def _probation_window(context: Context) -> Iterator[Window]:
    end = dossier_probation_end(context.dossier, context.policy, process=context.process)
    if end is not None:
        yield Window(
            label=_PROBATION_LABEL.bind(term=months_text(context.policy.probation_months)),
            holds_from=next_day(end),
        )


@rule(
    id="timing.probation_complete",
    family=Family.TIMING,
    ref="I-01, §8",
    clause="Điều lệ Đảng Điều 5.1, 5.2; QĐ §4.2.1",
    message=Message(
        vi="Chưa hết {term} dự bị: hết ngày {end}, xét ngày {on}",
        en="Probation ({term}) has not ended: it ends on {end}, considered on {on}",
    ),
    steps={Step.PROPOSE_RECOGNITION, Step.ESCALATE},
    window=_probation_window,
)
def probation_complete(context: Context) -> Values | None:
    """The branch considers recognition only after the months of probation have ended."""
    end = dossier_probation_end(context.dossier, context.policy, process=context.process)
    if end is None or context.on > end:
        return None
    return {"end": end, "on": context.on, "term": months_text(context.policy.probation_months)}


_RECOGNITION_TERM = Message(
    vi="Quyết định công nhận đảng viên chính thức trong {term} từ nghị quyết chi bộ",
    en="Recognition decision within {term} of the branch resolution",
)


def _recognition_window(context: Context) -> Iterator[Window]:
    extended = _extended(context, ApprovalKind.RECOGNITION_EXTENSION)
    days = recognition_decision_days(context.policy, extended=extended)
    return _committee_window(recognition_deadline_for(context), _RECOGNITION_TERM, days)


@rule(
    id="timing.recognition_decision_deadline",
    family=Family.TIMING,
    ref="§8",
    clause=(
        "QĐ 29 §4.3.1 (giữ ở các quy định sau): "
        '"Việc đồng ý hoặc không đồng ý, phải thông báo kết quả cho chi bộ"'
    ),
    message=_LATE,
    steps={Step.RECOGNIZE, Step.REFUSE_RECOGNITION},
    window=_recognition_window,
    late=True,
)
def recognition_decision_deadline(context: Context) -> Values | None:
    """
    The recognition decision comes within 30 working days of the branch resolution.

    Or 60 where a special-case extension was recorded. A later decision stands, is
    recorded as late, and the member is still full from the end of the 12 months
    (QĐ §4.2b: "vẫn được công nhận đảng viên chính thức đúng thời điểm hết 12 tháng").
    The committee's refusal of the recognition is a decision on the same term: agreeing
    or not, the committee answers within it (QĐ 29 §4.3.1).
    """
    due = recognition_deadline_for(context)
    if due is None or context.on <= due:
        return None
    return _late(context, due, Message(vi="quyết định công nhận", en="the recognition decision"))
