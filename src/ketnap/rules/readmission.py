"""Re-admission rules (kết nạp lại): regulation reference L-01 to L-07."""

from __future__ import annotations

from collections.abc import Iterator

from ketnap.messages import Message
from ketnap.model import Actor, ApprovalKind, LeavingReason, Step
from ketnap.rules._base import Context, Family, Rule, Values, Window, missing_approval, rule
from ketnap.terms import readmission_ready_on

__all__ = [
    "EXCLUDED_REASONS",
    "excluded_reasons",
    "readmission_consent",
    "readmission_once",
    "readmission_population_policy",
    "readmission_waiting_time",
]

EXCLUDED_REASONS = frozenset(
    {
        LeavingReason.ABANDONED_ACTIVITIES,
        LeavingReason.APPLIED_TO_LEAVE,
        LeavingReason.CAUSED_DISUNITY,
        LeavingReason.CONVICTED_CORRUPTION,
        LeavingReason.CONVICTED_SERIOUS_CRIME,
    }
)
"""L-06: reasons for leaving after which a person is not re-admitted."""


def _waiting_window(context: Context) -> Iterator[Window]:
    prior = context.dossier.candidate.prior_membership
    if prior is None:
        return
    ready = readmission_ready_on(prior, context.policy)
    yield Window(
        label=Message(vi="Đủ thời gian để kết nạp lại", en="Re-admission waiting time over"),
        holds_from=ready,
        never=ready is None,
    )


@rule(
    id="readmission.waiting_time",
    family=Family.READMISSION,
    ref="L-02",
    clause="QĐ 294/232/24 §3.5.1b",
    message=Message(
        vi="Chưa đủ {months} tháng kể từ {event}",
        en="Less than {months} months since {event}",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_waiting_window,
)
def readmission_waiting_time(context: Context) -> Values | None:
    """
    Enough time has passed since leaving the Party.

    At least 36 months since leaving; 60 months after the record is cleared for a
    less serious offence. The message names neither date: a prior membership and a
    cleared record are personal data; the rule's window (`readmission_ready_on`) gives
    the date to an application that may show it.
    """
    prior = context.dossier.candidate.prior_membership
    if prior is None:
        return None
    policy = context.policy
    ready = readmission_ready_on(prior, policy)
    if ready is not None and context.on >= ready:
        return None
    if prior.reason is LeavingReason.CONVICTED_LESS_SERIOUS_CRIME:
        return {
            "months": policy.readmission_wait_after_record_months,
            "event": Message(vi="khi được xóa án tích", en="the record was cleared"),
        }
    return {
        "months": policy.readmission_wait_months,
        "event": Message(vi="khi ra khỏi Đảng", en="leaving the Party"),
    }


def excluded_reasons(*, clause: str, wording: Message) -> Rule:
    """
    Make the L-06 exclusion rule with a regulation's own wording.

    QĐ 29/24 say "bị kết án vì tội tham nhũng; bị kết án về tội nghiêm trọng trở lên";
    QĐ 232/294 say "bị kết án hình sự về tội tham nhũng; … về tội phạm nghiêm trọng trở lên".
    """

    @rule(
        id="readmission.excluded",
        family=Family.READMISSION,
        ref="L-06",
        clause=clause,
        message=Message(
            vi="Không xem xét kết nạp lại người ra khỏi Đảng vì: {reason} ({wording})",
            en="Not re-admitted after leaving because: {reason} ({wording})",
        ),
        steps={Step.PROPOSE_ADMISSION},
    )
    def excluded(context: Context) -> Values | None:
        """No re-admission after leaving for a reason L-06 excludes."""
        prior = context.dossier.candidate.prior_membership
        if prior is None or prior.reason not in EXCLUDED_REASONS:
            return None
        return {"reason": prior.reason, "wording": wording}

    return excluded


@rule(
    id="readmission.once",
    family=Family.READMISSION,
    ref="L-07",
    clause="QĐ §3.5.3",
    message=Message(
        vi="Chỉ kết nạp lại một lần; người này đã được kết nạp lại",
        en="Re-admission happens only once; this person was re-admitted before",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def readmission_once(context: Context) -> Values | None:
    """A person is re-admitted only once."""
    prior = context.dossier.candidate.prior_membership
    return {} if prior is not None and prior.readmitted_before else None


@rule(
    id="readmission.consent",
    family=Family.READMISSION,
    ref="L-04",
    clause="QĐ §3.5.1b",
    message=Message(
        vi="Kết nạp lại: chưa có văn bản đồng ý của {by}",
        en="Re-admission: no written consent of the {by}",
    ),
    steps={Step.DECIDE_ADMISSION},
)
def readmission_consent(context: Context) -> Values | None:
    """Re-admission needs the provincial standing board's written consent before the decision."""
    if context.dossier.candidate.prior_membership is None:
        return None
    return missing_approval(context, ApprovalKind.READMISSION, Actor.PROVINCIAL_STANDING_BOARD)


@rule(
    id="readmission.population_policy",
    family=Family.READMISSION,
    ref="L-03",
    clause="QĐ 294/232/24 §3.5.1b",
    message=Message(
        vi="Người ra khỏi Đảng do vi phạm chính sách dân số: kết nạp lại theo quy định của "
        "Ban Bí thư, không theo thời hạn 36 tháng; tổ chức đảng cấu hình khi áp dụng",
        en="Left over a population-policy violation: re-admission follows the "
        "Secretariat's rules, not the 36-month wait; a deployment configures it",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def readmission_population_policy(context: Context) -> Values | None:
    """
    Re-admission after a population-policy violation follows the Secretariat's rules.

    From QĐ 24 those rules, which ketnap does not hold, replace the ordinary wait; the
    case is refused with that explanation unless ``population_policy_readmission`` is set.
    """
    prior = context.dossier.candidate.prior_membership
    if prior is None or prior.reason is not LeavingReason.POPULATION_POLICY:
        return None
    return None if context.policy.population_policy_readmission else {}
