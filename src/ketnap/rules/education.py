"""Education rules (trình độ học vấn): regulation reference A-05 to A-07."""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Actor, ApprovalKind, AreaKind, Candidate, EducationLevel, LocalRole, Step
from ketnap.policy import Policy
from ketnap.rules._base import Context, Family, Values, missing_approval, rule

__all__ = ["literacy_consent", "minimum_education", "required_education"]

_RESPECTED_ROLES = frozenset(
    {LocalRole.VILLAGE_ELDER, LocalRole.HAMLET_HEAD, LocalRole.RESPECTED_PERSON}
)


def required_education(candidate: Candidate, policy: Policy) -> EducationLevel:
    """
    Return the lowest education the candidate may have.

    Lower-secondary diploma in general (A-05), its equivalent under QĐ 29 (A-05a),
    primary school in special areas or for fishermen at sea (A-06), and literacy for
    village elders, hamlet heads and respected persons there (A-07).
    """
    special_area = candidate.area is not AreaKind.ORDINARY
    if special_area and candidate.local_role in _RESPECTED_ROLES:
        return EducationLevel.LITERATE
    if candidate.local_role is LocalRole.FISHERMAN:
        # HD 01-2021 §1.2a names fishermen at sea with the special areas (primary school);
        # whether §1.2b also lets them in on literacy is a reading: a policy value.
        return policy.fisherman_minimum_education
    if special_area:
        return EducationLevel.PRIMARY
    if policy.accept_equivalent_education:
        return EducationLevel.LOWER_SECONDARY_EQUIVALENT
    return EducationLevel.LOWER_SECONDARY


@rule(
    id="education.minimum",
    family=Family.EDUCATION,
    ref="A-05, A-05a, A-06, A-07",
    clause="QĐ 294/232/24 §1.2.1 (QĐ 29 §1.2a); HD 01-HD/TW 2021 §1.2",
    message=Message(
        vi="Trình độ học vấn «{found}» thấp hơn mức tối thiểu «{required}»",
        en="Education '{found}' is below the minimum '{required}'",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def minimum_education(context: Context) -> Values | None:
    """The candidate has at least the education the regulation requires of them."""
    candidate = context.dossier.candidate
    required = required_education(candidate, context.policy)
    found = candidate.education
    if found.rank >= required.rank:
        return None
    return {"found": found, "required": required}


@rule(
    id="education.literacy_consent",
    family=Family.EDUCATION,
    ref="A-07",
    clause="HD 01-HD/TW 2021 §1.2b",
    message=Message(
        vi="Chỉ biết đọc, biết viết chữ quốc ngữ: chưa có văn bản đồng ý của {by}",
        en="Literacy only: no written consent of the {by}",
    ),
    steps={Step.DECIDE_ADMISSION},
)
def literacy_consent(context: Context) -> Values | None:
    """Admitting on literacy alone (A-07) needs the provincial standing board's written consent."""
    if context.dossier.candidate.education.rank >= EducationLevel.PRIMARY.rank:
        return None
    return missing_approval(context, ApprovalKind.LOW_EDUCATION, Actor.PROVINCIAL_STANDING_BOARD)
