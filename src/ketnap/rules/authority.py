"""
Authority rules (thẩm quyền): who may fire each step. DOMAIN.md F-05, F-07, A-03, K-02.

The body behind "competent committee" changed with the 2025 reform (F-07, U);
the policy's ``competent_body`` names it in messages, and the deployment maps
its own organs to `ketnap.Actor` roles.
"""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Actor, Stage, Step
from ketnap.rules._base import Context, Family, Values, rule
from ketnap.rules.age import is_over_age

__all__ = ["allowed_actors", "authorised_actor", "base_committee_route", "step_available"]

_DECIDING_STEPS = frozenset({Step.DECIDE_ADMISSION, Step.RECOGNIZE, Step.REMOVE})


def allowed_actors(context: Context) -> frozenset[Actor]:
    """
    Return who may fire the step in *context*.

    The workflow table names the actors; a base committee authorised to admit also
    decides (F-07a); a candidate over 60 is admitted only by the provincial level (A-03).
    """
    if context.step is Step.DECIDE_ADMISSION and is_over_age(
        context.dossier, context.on, context.policy
    ):
        return frozenset({Actor.PROVINCIAL_STANDING_BOARD})
    actors = context.actors
    if context.step in _DECIDING_STEPS and context.dossier.organization.base_committee_may_admit:
        actors |= {Actor.BASE_COMMITTEE}
    return actors


@rule(
    id="authority.actor",
    family=Family.AUTHORITY,
    ref="F-07, A-03, K-02",
    clause="QĐ 29 §4.3.2 (giữ ở các quy định sau); QĐ §1.1.2; QĐ §6.1",
    message=Message(
        vi="{actor} không có thẩm quyền thực hiện bước này; thẩm quyền thuộc: {allowed} "
        "(cấp có thẩm quyền theo quy định này: {competent})",
        en="{actor_en} may not take this step; it belongs to: {allowed_en} "
        "(the competent body under this regulation: {competent_en})",
    ),
    steps=set(Step),
)
def authorised_actor(context: Context) -> Values | None:
    """The actor holds the authority the step needs."""
    allowed = allowed_actors(context)
    if context.target is None or context.actor in allowed:
        return None
    ordered = sorted(allowed)
    return {
        "actor": context.actor.label,
        "actor_en": context.actor.text("en"),
        "allowed": ", ".join(a.label for a in ordered),
        "allowed_en": ", ".join(a.text("en") for a in ordered),
        "competent": context.policy.competent_body.vi,
        "competent_en": context.policy.competent_body.en,
    }


@rule(
    id="authority.base_committee_route",
    family=Family.AUTHORITY,
    ref="F-05",
    clause="Điều lệ Đảng Điều 4.3; HD 01-HD/TW §3.6c",
    message=Message(
        vi="{problem}",
        en="{problem_en}",
    ),
    steps={Step.ENDORSE, Step.DECIDE_ADMISSION},
)
def base_committee_route(context: Context) -> Values | None:
    """
    A branch under a base committee goes through its endorsement; a base branch does not.

    Skipped when the base committee itself is authorised to admit (F-07a).
    """
    organization = context.dossier.organization
    if context.step is Step.ENDORSE and not organization.under_base_committee:
        return {
            "problem": "Chi bộ cơ sở không có đảng ủy cơ sở cấp trên để đề nghị",
            "problem_en": "A base branch has no base committee above it to endorse",
        }
    if (
        context.step is Step.DECIDE_ADMISSION
        and context.source is Stage.PROPOSED
        and organization.under_base_committee
        and not organization.base_committee_may_admit
    ):
        return {
            "problem": "Chưa có nghị quyết đề nghị của đảng ủy cơ sở",
            "problem_en": "The base committee has not endorsed the proposal",
        }
    return None


@rule(
    id="workflow.step_available",
    family=Family.WORKFLOW,
    ref="—",
    clause="Quy trình kết nạp (Điều lệ Đảng Điều 4, 5)",
    message=Message(
        vi="Không thể «{step}» khi hồ sơ đang ở giai đoạn «{stage}»; có thể: {available}",
        en="Cannot '{step_en}' at stage '{stage_en}'; possible: {available_en}",
    ),
    steps=set(Step),
)
def step_available(context: Context) -> Values | None:
    """The step leads somewhere from the dossier's stage. The workflow always applies this rule."""
    if context.target is not None:
        return None
    available = context.available
    return {
        "step": context.step.label,
        "step_en": context.step.value,
        "stage": context.source.label,
        "stage_en": context.source.text("en"),
        "available": ", ".join(s.label for s in available) or "không",
        "available_en": ", ".join(s.value for s in available) or "none",
    }
