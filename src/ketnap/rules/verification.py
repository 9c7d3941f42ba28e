"""Background verification rules (thẩm tra lý lịch): regulation reference A-09, E-02 to E-05."""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Candidate, Kinship, Relative, Step
from ketnap.policy import Policy
from ketnap.rules._base import Context, Family, Values, rule

__all__ = [
    "background_concluded",
    "background_subjects",
    "background_topics",
    "relatives_to_verify",
]

_OWN_SIDE = frozenset({Kinship.PARENT, Kinship.GUARDIAN, Kinship.SIBLING, Kinship.CHILD})
_SPOUSE_SIDE = frozenset({Kinship.SPOUSE, Kinship.PARENT_IN_LAW, Kinship.SPOUSE_SIBLING})
# Who exempts a side by being a member (HD 01-2021 §3.4c): "cha, mẹ đẻ, anh chị em ruột,
# con đẻ" for the candidate's side. A guardian (người nuôi dưỡng) is verified but is not
# among those who exempt the birth family. For the spouse's side the guidance in force
# says (`Policy.spouse_side_exempting`).
_OWN_SIDE_EXEMPTING = frozenset({Kinship.PARENT, Kinship.SIBLING, Kinship.CHILD})


def relatives_to_verify(candidate: Candidate, policy: Policy) -> list[Relative]:
    """
    Return the relatives whose background must be verified (E-03).

    Children are verified only with full civil capacity (HD 01-2021 §3.4a). A side of
    the family is exempt when a birth parent, sibling or child (own side), or one of
    ``spouse_side_exempting`` (spouse's side: the spouse, a parent-in-law and, from
    HD 01-2021, a sibling of the spouse) is a party member (E-05, §3.4c).
    """
    members = {r.kinship for r in candidate.relatives if r.party_member}
    own_exempt = bool(members & _OWN_SIDE_EXEMPTING)
    spouse_exempt = bool(members & policy.spouse_side_exempting)
    return [
        relative
        for relative in candidate.relatives
        if relative.kinship in policy.verification_kinships
        and not relative.party_member
        and not (relative.kinship is Kinship.CHILD and not relative.full_capacity)
        and not (own_exempt and relative.kinship in _OWN_SIDE)
        and not (spouse_exempt and relative.kinship in _SPOUSE_SIDE)
    ]


@rule(
    id="verification.concluded",
    family=Family.VERIFICATION,
    ref="E-01, E-02",
    clause="HD 01-HD/TW 2021 §3.3",
    message=Message(
        vi="Lý lịch chưa được cấp ủy cơ sở thẩm tra, kết luận",
        en="The background has not been verified and concluded by the base committee",
    ),
    steps={Step.ASSIGN_SPONSORS},
)
def background_concluded(context: Context) -> Values | None:
    """The base committee verified the background and concluded before certifying it."""
    verification = context.dossier.verification
    if verification is not None and verification.concluded_on <= context.on:
        return None
    return {}


@rule(
    id="verification.subjects",
    family=Family.VERIFICATION,
    ref="E-03, E-05",
    clause='HD 01-HD/TW 2021 §3.4a, §3.4c: "thì không phải thẩm tra, xác minh"',
    message=Message(
        vi="Chưa thẩm tra lý lịch của: {names}",
        en="Background not verified for: {names}",
    ),
    steps={Step.ASSIGN_SPONSORS},
)
def background_subjects(context: Context) -> Values | None:
    """Every relative who must be verified has been verified."""
    dossier = context.dossier
    verified = dossier.verification.verified if dossier.verification else frozenset()
    missing = [
        _RELATIVE.bind(name=r.name, kinship=r.kinship)
        for r in relatives_to_verify(dossier.candidate, context.policy)
        if r.name not in verified
    ]
    return {"names": missing} if missing else None


_RELATIVE = Message(vi="{name} ({kinship})", en="{name} ({kinship})")


@rule(
    id="verification.topics",
    family=Family.VERIFICATION,
    ref="A-09, E-04",
    clause="QĐ 294/232/24 §3.3; QĐ 58-QĐ/TW",
    message=Message(
        vi="Kết luận thẩm tra chưa nêu: {topics}",
        en="The verification does not conclude on: {topics}",
    ),
    steps={Step.ASSIGN_SPONSORS},
)
def background_topics(context: Context) -> Values | None:
    """The conclusion covers the political topics this regulation names."""
    verification = context.dossier.verification
    found = verification.topics if verification else frozenset()
    missing = sorted(context.policy.political_topics - found)
    if not missing:
        return None
    return {"topics": missing}
