"""
Re-admission rules (kết nạp lại) and the population-policy terms: L-01 to L-07, L-03a.

The population-policy terms come from the Secretariat's own texts, on their own dates:
QĐ 173-QĐ/TW (11 Mar 2013) and QĐ 05-QĐi/TW (28 Aug 2018), which the implementing
regulations defer to (QĐ 24/232/294 §3.5.1b: "thực hiện theo quy định của Ban Bí thư").
Their numbers are policy values (QĐ 173's set by a `ketnap.Guidance` on its dates); the
2025 change (a third child no longer disciplined from 20 Mar 2025) is read through
``population_births_counted_before`` and ``population_terms_after_change``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ketnap.messages import Message
from ketnap.model import Actor, ApprovalKind, LeavingReason, Step
from ketnap.rules._base import Context, Family, Rule, Values, Window, missing_approval, rule
from ketnap.terms import (
    population_applicant_term,
    population_readmission_term,
    population_terms_apply,
    readmission_ready_on,
)

__all__ = [
    "EXCLUDED_REASONS",
    "excluded_reasons",
    "population_violation",
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


def _population_terms_govern(context: Context) -> bool:
    # A member removed over the population policy waits the Secretariat's term (L-03),
    # not the ordinary one, while those terms apply.
    prior = context.dossier.candidate.prior_membership
    return (
        prior is not None
        and prior.reason is LeavingReason.POPULATION_POLICY
        and population_terms_apply(context.policy, context.on)
    )


_WAITING_LABEL = Message(vi="Đủ thời gian để kết nạp lại", en="Re-admission waiting time over")


def _waiting_window(context: Context) -> Iterator[Window]:
    prior = context.dossier.candidate.prior_membership
    if prior is None or _population_terms_govern(context):
        return
    ready = readmission_ready_on(prior, context.policy)
    yield Window(
        label=_WAITING_LABEL,
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
    less serious offence. A member removed over the population policy waits the
    Secretariat's term instead (``readmission.population_policy``, L-03). The message
    names neither date: a prior membership and a cleared record are personal data; the
    rule's window (`readmission_ready_on`) gives the date to an application that may show
    it.
    """
    prior = context.dossier.candidate.prior_membership
    if prior is None or _population_terms_govern(context):
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


_POPULATION_CLAUSE = (
    "QĐ 294/232/24 §3.5.1b; QĐ 05-QĐi/TW Điều 3, 4 (QĐ 173-QĐ/TW Điều 3, 4 đến 27/8/2018): "
    "«ít nhất là 24 tháng … sinh con thứ ba hoặc 36 tháng … sinh con thứ tư», "
    "từ ngày ra khỏi Đảng đến ngày chi bộ họp xét; HD 15-HD/UBKTTW (20/3/2025)"
)


_READMISSION_POPULATION_LABEL = Message(
    vi="Đủ thời gian phấn đấu sau vi phạm chính sách dân số",
    en="Waiting time after the population-policy violation over",
)


def _readmission_population_window(context: Context) -> Iterator[Window]:
    candidate = context.dossier.candidate
    prior = candidate.prior_membership
    if prior is None or prior.reason is not LeavingReason.POPULATION_POLICY:
        return
    ready, _ = population_readmission_term(prior, candidate, context.policy)
    yield Window(
        label=_READMISSION_POPULATION_LABEL,
        holds_from=ready,
        never=ready is None,
    )


@rule(
    id="readmission.population_policy",
    family=Family.READMISSION,
    ref="L-03, L-03b",
    clause=_POPULATION_CLAUSE,
    message=Message(vi="{problem}", en="{problem}"),
    steps={Step.PROPOSE_ADMISSION},
    window=_readmission_population_window,
)
def readmission_population_policy(context: Context) -> Values | None:
    """
    A member removed over the population policy waits the Secretariat's term.

    24 months after a third child, 36 after a fourth, from leaving the Party to the branch
    meeting; never after a new violation once out, nor for a fifth child
    (`ketnap.terms.population_readmission_term`). The ordinary wait
    (``readmission.waiting_time``) does not apply while these terms do.
    """
    candidate = context.dossier.candidate
    prior = candidate.prior_membership
    if prior is None or prior.reason is not LeavingReason.POPULATION_POLICY:
        return None
    ready, problem = population_readmission_term(prior, candidate, context.policy)
    if ready is not None and context.on >= ready:
        return None
    return {"problem": problem}


_APPLICANT_POPULATION_LABEL = Message(
    vi="Đủ thời gian phấn đấu kể từ ngày sinh con (vi phạm chính sách dân số)",
    en="Waiting time since the birth (population-policy violation) over",
)


def _applicant_population_window(context: Context) -> Iterator[Window]:
    candidate = context.dossier.candidate
    prior = candidate.prior_membership
    if prior is not None and prior.reason is LeavingReason.POPULATION_POLICY:
        return
    term = population_applicant_term(candidate, context.policy)
    if term is None:
        return
    ready, _ = term
    yield Window(
        label=_APPLICANT_POPULATION_LABEL,
        holds_from=ready,
        never=ready is None,
    )


@rule(
    id="population.violation",
    family=Family.POPULATION,
    ref="L-03a, L-03b",
    clause=(
        "QĐ 05-QĐi/TW Điều 3.2, 5 (QĐ 173-QĐ/TW Điều 5 đến 27/8/2018): 24 tháng (con thứ "
        "ba), 36 tháng (con thứ tư) «kể từ ngày sinh con đến ngày chi bộ họp xét»; "
        "không kết nạp khi «sinh con thứ năm trở lên»; HD 15-HD/UBKTTW (20/3/2025)"
    ),
    message=Message(vi="{problem}", en="{problem}"),
    steps={Step.PROPOSE_ADMISSION},
    window=_applicant_population_window,
)
def population_violation(context: Context) -> Values | None:
    """
    A candidate who violated the population policy waits from the child's birth.

    24 months after a third child's birth, 36 after a fourth's, to the branch meeting;
    never for a fifth child (`ketnap.terms.population_applicant_term`). A child born on or
    after ``population_births_counted_before`` is no violation (L-03b). A former member
    removed over the population policy is ``readmission.population_policy``'s.
    """
    candidate = context.dossier.candidate
    prior = candidate.prior_membership
    if prior is not None and prior.reason is LeavingReason.POPULATION_POLICY:
        return None
    term = population_applicant_term(candidate, context.policy)
    if term is None:
        return None
    ready, problem = term
    if ready is not None and context.on >= ready:
        return None
    return {"problem": problem}
