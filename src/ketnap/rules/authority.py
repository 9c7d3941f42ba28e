"""
Authority rules (thẩm quyền): who may fire each step. Regulation reference F-05, F-07, A-03, K-02.

The body behind "competent committee" changed with the 2025 reform (F-07, U);
the policy's ``competent_body`` names it in messages, and the deployment maps
its own organs to `ketnap.Actor` roles.
"""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Actor, Stage, Step
from ketnap.rules._base import Context, Family, Values, rule
from ketnap.rules.age import is_over_age

__all__ = [
    "allowed_actors",
    "authorised_actor",
    "base_committee_route",
    "proposal_conditions",
    "referred_by_base_committee",
    "step_available",
]

_DECIDING_STEPS = frozenset(
    {Step.DECIDE_ADMISSION, Step.RECOGNIZE, Step.REMOVE, Step.REFUSE_RECOGNITION}
)


def allowed_actors(context: Context) -> frozenset[Actor]:
    """
    Return who may fire the step in *context*.

    The workflow table names the actors; a base committee authorised to admit also
    decides (F-07a), except a re-admission, which the district-level committee decides
    (L-04, QĐ §3.5.1b: "cấp ủy có thẩm quyền (huyện ủy và tương đương)") unless the
    policy reads the text otherwise (``readmission_base_committee_decides``). Over 60, the
    competent committee decides once the provincial standing board has consented in
    writing (A-03, HD 01-2021 §1.1, checked by ``age.over_sixty_consent``); the
    provincial standing board may also decide itself. A case the base committee itself
    referred upward after three votes short of two thirds (F-09, QĐ 29 §4.2c: "báo cáo
    cấp ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định") is decided
    above it, never by it.
    """
    actors = context.actors
    dossier = context.dossier
    # Who decides a re-admission under QĐ 294 was not read: a policy value (U, L-04).
    readmission = (
        dossier.candidate.prior_membership is not None
        and not context.policy.readmission_base_committee_decides
    )
    if (
        context.step in _DECIDING_STEPS
        and dossier.organization.base_committee_may_admit
        and not (context.step == Step.DECIDE_ADMISSION and readmission)
        and not referred_by_base_committee(context)
    ):
        actors |= {Actor.BASE_COMMITTEE}
    if context.step == Step.DECIDE_ADMISSION and is_over_age(
        dossier, context.on, context.policy, process=context.process
    ):
        actors |= {Actor.PROVINCIAL_STANDING_BOARD}
    return actors


def referred_by_base_committee(context: Context) -> bool:
    """Whether the dossier stands referred upward by its base committee (F-09)."""
    if context.source != Stage.ESCALATED:
        return False
    referral = context.last_act(Step.ESCALATE)
    return referral is not None and referral.actor is Actor.BASE_COMMITTEE


@rule(
    id="authority.actor",
    family=Family.AUTHORITY,
    ref="F-07, F-09, A-03, K-02",
    clause="QĐ 29 §4.3.2 (giữ ở các quy định sau); QĐ 29 §4.2c; QĐ §1.1.2; QĐ §6.1",
    message=Message(
        vi="{actor} không có thẩm quyền thực hiện bước này; thẩm quyền thuộc: {allowed} "
        "(cấp có thẩm quyền theo quy định này: {competent})",
        en="{actor} may not take this step; it belongs to: {allowed} "
        "(the competent body under this regulation: {competent})",
    ),
    steps=None,
)
def authorised_actor(context: Context) -> Values | None:
    """The actor holds the authority the step needs."""
    allowed = allowed_actors(context)
    if context.target is None or context.actor in allowed:
        return None
    return {
        "actor": context.actor,
        "allowed": sorted(allowed),
        "competent": context.policy.competent_body,
    }


_ENDORSING: frozenset[str] = frozenset({Step.ENDORSE, Step.ENDORSE_RECOGNITION})
# The stage a decision is taken from when the base committee was skipped.
_UNENDORSED: dict[str, str] = {
    Step.DECIDE_ADMISSION: Stage.PROPOSED,
    Step.RECOGNIZE: Stage.RECOGNITION_PROPOSED,
    Step.REFUSE_RECOGNITION: Stage.RECOGNITION_PROPOSED,
}


@rule(
    id="authority.base_committee_route",
    family=Family.AUTHORITY,
    ref="F-05, F-09, I-03",
    clause="Điều lệ Đảng Điều 4.3, 5.3; HD 01-HD/TW §3.6c, §4; QĐ 29 §4.2c",
    message=Message(vi="{problem}", en="{problem}"),
    steps={
        Step.ENDORSE,
        Step.DECIDE_ADMISSION,
        Step.ENDORSE_RECOGNITION,
        Step.RECOGNIZE,
        Step.REFUSE_RECOGNITION,
        Step.ESCALATE,
    },
)
def base_committee_route(context: Context) -> Values | None:
    """
    A branch under a base committee goes through its endorsement; a base branch does not.

    For admission (8-KNĐ) and for recognition (15-KNĐ) alike, and for the committee's
    refusal of a recognition as for its approval. Only a base committee authorised to
    admit, deciding itself with its own vote (F-06, F-07a), decides straight from the
    branch's proposal; any other deciding body needs the endorsement first. Only a base
    committee above the branch refers a case upward as a base committee (F-09).
    """
    organization = context.dossier.organization
    if context.step in _ENDORSING and not organization.under_base_committee:
        return {
            "problem": Message(
                vi="Chi bộ cơ sở không có đảng ủy cơ sở cấp trên để đề nghị",
                en="A base branch has no base committee above it to endorse",
            )
        }
    if (
        context.step == Step.ESCALATE
        and context.actor is Actor.BASE_COMMITTEE
        and not organization.under_base_committee
    ):
        return {
            "problem": Message(
                vi="Chi bộ cơ sở không có đảng ủy cơ sở cấp trên để báo cáo cấp trên",
                en="A base branch has no base committee above it to refer the case",
            )
        }
    if (
        context.source == _UNENDORSED.get(context.step)
        and organization.under_base_committee
        and not (organization.base_committee_may_admit and context.actor is Actor.BASE_COMMITTEE)
    ):
        return {
            "problem": Message(
                vi="Chưa có nghị quyết đề nghị của đảng ủy cơ sở",
                en="The base committee has not endorsed the proposal",
            )
        }
    return None


@rule(
    id="workflow.step_available",
    family=Family.WORKFLOW,
    ref="—",
    clause="Quy trình kết nạp (Điều lệ Đảng Điều 4, 5)",
    message=Message(
        vi="Không thể «{step}» khi hồ sơ đang ở giai đoạn «{stage}»; có thể: {available}",
        en="Cannot '{step}' at stage '{stage}'; possible: {available}",
    ),
    steps=None,
)
def step_available(context: Context) -> Values | None:
    """The step leads somewhere from the dossier's stage. The workflow always applies it."""
    if context.target is not None:
        return None
    label = context.label
    available = [label(code) for code in context.available]
    return {
        "step": label(context.step),
        "stage": label(context.source),
        "available": available or Message(vi="không", en="none"),
    }


# What the decision re-checks of the proposal: the conditions on the candidate and the
# dossier, not who acted, nor the order and deadlines of acts (those were of that day).
_NOT_RECHECKED = frozenset({Family.AUTHORITY, Family.WORKFLOW, Family.TIMING})


@rule(
    id="workflow.proposal_conditions",
    family=Family.WORKFLOW,
    ref="F-04, A-01",
    clause="Điều lệ Đảng Điều 4.3; QĐ §4.3.1",
    message=Message(
        vi="Điều kiện khi chi bộ xét đề nghị kết nạp không còn đúng với hồ sơ hiện tại: {failures}",
        en="The conditions of the branch's proposal no longer hold on the records as they "
        "stand: {failures}",
    ),
    steps={Step.DECIDE_ADMISSION},
)
def proposal_conditions(context: Context) -> Values | None:
    """
    What guarded the branch's proposal still holds at the decision, on today's records.

    The rules of the proposal are evaluated again as of the branch meeting (ages are still
    counted then), under the regulation then in force, on the records as they stand at the
    decision: a birth date corrected afterwards, or a reason for leaving the Party recorded
    later, is caught before the committee decides.
    """
    if context.earlier is None:
        return None
    proposal = context.last_act(Step.PROPOSE_ADMISSION)
    if proposal is None:
        return None
    earlier, rules = context.earlier(proposal)
    failed = []
    for guard in rules:
        # A proposal adopted with conditions attested on paper is not re-checked on them.
        if guard.family in _NOT_RECHECKED or guard.id in proposal.attested:
            continue
        failure = guard.evaluate(earlier)
        if failure is not None:
            failed.append(failure)
    if not failed:
        return None
    return {
        "failures": [Message(vi=f.text("vi"), en=f.text("en")) for f in failed],
        "rules": [f.rule_id for f in failed],
    }
