"""Vote rules (biểu quyết): thresholds, quorum and referral; regulation reference F-01 to I-05."""

from __future__ import annotations

from fractions import Fraction

from ketnap.messages import Message
from ketnap.model import Actor, Stage, Step, Vote, VotePurpose
from ketnap.rules._base import Context, Family, Values, rule
from ketnap.terms import dossier_probation_end

__all__ = [
    "base_committee_vote",
    "branch_admission_vote",
    "branch_quorum",
    "branch_recognition_vote",
    "branch_removal_vote",
    "failed_votes",
    "passes",
    "referral_after_failed_votes",
    "removal_vote",
]

_VOTE_MESSAGE = Message(
    vi="{body} biểu quyết {purpose} ngày {on}: {result}",
    en="{body} vote on {purpose} on {on}: {result}",
)


def passes(vote: Vote, threshold: Fraction) -> bool:
    """Whether *vote* reaches *threshold* of the members counted (exact, no rounding)."""
    return vote.members_counted > 0 and vote.in_favour >= threshold * vote.members_counted


def _vote_failure(
    context: Context, body: Actor, purpose: VotePurpose, threshold: Fraction
) -> Values | None:
    vote = next(
        (
            v
            for v in reversed(context.dossier.votes)
            if v.body is body and v.purpose is purpose and v.held_on == context.on
        ),
        None,
    )
    if vote is not None and passes(vote, threshold):
        return None
    values: dict[str, object] = {"body": body, "purpose": purpose, "on": context.on}
    if vote is None:
        values["result"] = Message(vi="không có kết quả biểu quyết", en="no vote recorded")
    else:
        values["result"] = Message(
            vi="{in_favour}/{counted} tán thành, chưa đạt {threshold}",
            en="{in_favour}/{counted} in favour, short of {threshold}",
        ).bind(in_favour=vote.in_favour, counted=vote.members_counted, threshold=str(threshold))
        values["in_favour"] = vote.in_favour
        values["members_counted"] = vote.members_counted
    return values


@rule(
    id="vote.branch_admission",
    family=Family.VOTE,
    ref="F-01, F-02",
    clause="Điều lệ Đảng Điều 4.3; HD 01-HD/TW §3.6b",
    message=_VOTE_MESSAGE,
    steps={Step.PROPOSE_ADMISSION},
)
def branch_admission_vote(context: Context) -> Values | None:
    """At least two thirds of the branch's official members approve admission at the meeting."""
    return _vote_failure(
        context, Actor.BRANCH, VotePurpose.ADMISSION, context.policy.vote_threshold
    )


@rule(
    id="vote.branch_quorum",
    family=Family.VOTE,
    ref="F-10",
    clause='Điều lệ Đảng Điều 24.1: "Mỗi chi bộ ít nhất phải có ba đảng viên chính thức"',
    message=Message(
        vi="Chi bộ chỉ có {found} đảng viên chính thức, cần ít nhất {required}",
        en="The branch has {found} official members, at least {required} needed",
    ),
    steps={Step.PROPOSE_ADMISSION, Step.PROPOSE_RECOGNITION, Step.REMOVE},
)
def branch_quorum(context: Context) -> Values | None:
    """
    The branch that votes has at least three official members.

    Read from the branch's vote on this step's own purpose: for its resolutions, the
    vote held that day (a vote on another matter held the same day says nothing of this
    one); for a removal, the branch's removal vote that `vote.branch_removal` counts, so
    a branch too small to vote cannot propose a removal either, 2 of 2 in favour or not.
    """
    required = context.policy.min_branch_members
    if context.step == Step.REMOVE:
        if context.source == Stage.ESCALATED:
            return None  # referred: the committee decides without a branch resolution (F-09)
        vote = removal_vote(context)
    else:
        purpose = _QUORUM_PURPOSE[context.step]
        votes = [
            v
            for v in context.dossier.votes
            if v.body is Actor.BRANCH and v.purpose is purpose and v.held_on == context.on
        ]
        vote = votes[-1] if votes else None
    if vote is None or vote.members_counted >= required:
        return None
    return {"found": vote.members_counted, "required": required}


_QUORUM_PURPOSE: dict[str, VotePurpose] = {
    Step.PROPOSE_ADMISSION: VotePurpose.ADMISSION,
    Step.PROPOSE_RECOGNITION: VotePurpose.RECOGNITION,
}


@rule(
    id="vote.base_committee",
    family=Family.VOTE,
    ref="F-05, F-06",
    clause="Điều lệ Đảng Điều 4.3; HD 01-HD/TW §3.6c; HD 06-HD/TW 2025 §3.7a",
    message=_VOTE_MESSAGE,
    steps={
        Step.ENDORSE,
        Step.DECIDE_ADMISSION,
        Step.ENDORSE_RECOGNITION,
        Step.RECOGNIZE,
        Step.REFUSE_RECOGNITION,
    },
)
def base_committee_vote(context: Context) -> Values | None:
    """
    Two thirds of the base committee's members agree.

    When it endorses (F-05) or, being authorised to admit, decides (F-06); on admission,
    on recognition with its own vote (15-KNĐ), and, refusing a recognition, on the
    removal from the probationary list that the refusal is.
    """
    if context.actor is not Actor.BASE_COMMITTEE:
        return None
    purpose = _COMMITTEE_PURPOSE.get(context.step, VotePurpose.ADMISSION)
    return _vote_failure(
        context, Actor.BASE_COMMITTEE, purpose, context.policy.committee_vote_threshold
    )


_COMMITTEE_PURPOSE: dict[str, VotePurpose] = {
    Step.ENDORSE_RECOGNITION: VotePurpose.RECOGNITION,
    Step.RECOGNIZE: VotePurpose.RECOGNITION,
    Step.REFUSE_RECOGNITION: VotePurpose.REMOVAL,
}


@rule(
    id="vote.branch_recognition",
    family=Family.VOTE,
    ref="F-08",
    clause="Điều lệ Đảng Điều 5.2",
    message=_VOTE_MESSAGE,
    steps={Step.PROPOSE_RECOGNITION},
)
def branch_recognition_vote(context: Context) -> Values | None:
    """Recognition takes the same two-thirds vote as admission."""
    return _vote_failure(
        context, Actor.BRANCH, VotePurpose.RECOGNITION, context.policy.vote_threshold
    )


@rule(
    id="vote.branch_removal",
    family=Family.VOTE,
    ref="I-05",
    clause="Điều lệ Đảng Điều 5.2",
    message=Message(
        vi="Chưa có nghị quyết của chi bộ (đủ {threshold} số đảng viên chính thức) đề nghị xóa tên",
        en="No branch resolution ({threshold} of the official members) proposing removal",
    ),
    steps={Step.REMOVE},
)
def branch_removal_vote(context: Context) -> Values | None:
    """
    Removing a probationary member follows a two-thirds branch vote, unless referred (F-09).

    The vote counts only if held once the person was a probationary member (from the
    ceremony): a vote before the admission cannot remove a member not yet admitted.
    """
    if context.source == Stage.ESCALATED:
        return None
    threshold = context.policy.vote_threshold
    vote = removal_vote(context)
    if vote is not None and passes(vote, threshold):
        return None
    return {"threshold": str(threshold)}


def removal_vote(context: Context) -> Vote | None:
    """
    The branch's vote on removal that a removal rests on (I-05), if any.

    Its latest removal vote on or before the act, provided it was held once the person
    was a probationary member (from the ceremony, or the decision before one is recorded:
    the process's steps tagged ``ceremony`` and ``admission``).
    """
    dossier, process = context.dossier, context.process
    vote = dossier.latest_vote(Actor.BRANCH, VotePurpose.REMOVAL, context.on)
    since = process.ceremony_date(dossier) or process.admission_date(dossier)
    if vote is None or (since is not None and vote.held_on < since):
        return None
    return vote


def _thresholds(context: Context) -> dict[Actor, Fraction]:
    return {
        Actor.BRANCH: context.policy.vote_threshold,
        Actor.BASE_COMMITTEE: context.policy.committee_vote_threshold,
    }


def failed_votes(context: Context) -> list[Vote]:
    """
    The recognition or removal votes after probation that fell short (F-09).

    QĐ 29 §4.2c counts "hai phần ba số đảng viên chính thức hoặc cấp ủy viên": each body
    against its own threshold, the branch's votes against two thirds of its official
    members, a base committee's against two thirds of its members. Those of the body
    that refers (the actor, the "tổ chức đảng cấp dưới" that reports); for any other
    actor, those of the body that failed most often.
    """
    end = dossier_probation_end(context.dossier, context.policy, process=context.process)
    thresholds = _thresholds(context)
    by_body: dict[Actor, list[Vote]] = {}
    for v in context.dossier.votes:
        if (
            v.body in thresholds
            and v.purpose in {VotePurpose.RECOGNITION, VotePurpose.REMOVAL}
            and v.held_on <= context.on
            and (end is None or v.held_on > end)
            and not passes(v, thresholds[v.body])
        ):
            by_body.setdefault(v.body, []).append(v)
    if context.actor in thresholds:
        return by_body.get(context.actor, [])
    return max(by_body.values(), key=len, default=[])


@rule(
    id="vote.referral",
    family=Family.VOTE,
    ref="F-09",
    clause=(
        'QĐ 24/29 §4.2.3; QĐ 29 §4.2c: "đã qua 3 lần biểu quyết nhưng không đủ hai phần ba '
        'số đảng viên chính thức hoặc cấp ủy viên tán thành"'
    ),
    message=Message(
        vi="{body}: mới {found} lần biểu quyết không đủ {threshold}, cần {required} lần để "
        "báo cáo cấp trên",
        en="{body}: {found} votes short of {threshold}; {required} are needed to refer upward",
    ),
    steps={Step.ESCALATE},
)
def referral_after_failed_votes(context: Context) -> Values | None:
    """
    The lower body refers the case upward after three votes short of two thirds.

    The branch from probation, on its own votes; a base committee from the branch's
    recognition proposal, on its own votes (QĐ 29 §4.2c: "báo cáo cấp ủy cấp trên trực
    tiếp và cấp ủy có thẩm quyền xem xét, quyết định").
    """
    required = context.policy.failed_votes_before_referral
    found = len(failed_votes(context))
    if found >= required:
        return None
    thresholds = _thresholds(context)
    body = context.actor if context.actor in thresholds else Actor.BRANCH
    return {
        "body": body,
        "found": found,
        "required": required,
        "threshold": str(thresholds[body]),
    }
