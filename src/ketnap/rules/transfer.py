"""
Transfer rules (chuyển sinh hoạt đảng): a probationary member who moves to another branch.

Regulation reference I-10 (HD 01-HD/TW 2021 §5, read in secondary sources). The office
records the transfer on the dossier (`ketnap.Transfer`: the day, the sending and the
receiving branch, the paper's number), sets the dossier's organisation to the receiving
branch, and takes the step ``Step.TRANSFER`` that day; probation goes on. The receiving
branch then considers the recognition, by its own vote, with the sending branch's written
comments on the member's time there.
"""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Actor, Dossier, Step, Transfer, VotePurpose
from ketnap.model.records import same_branch
from ketnap.rules._base import Context, Family, Values, rule

__all__ = [
    "pending_transfer",
    "receiving_branch_vote",
    "sending_branch_comments",
    "transfer_recorded",
    "transfers_acted",
]

_CLAUSE = "HD 01-HD/TW 2021 §5 (nguồn thứ cấp); Điều lệ Đảng Điều 5.2"


def transfers_acted(dossier: Dossier) -> int:
    """How many transfers the history holds (steps ``Step.TRANSFER`` taken)."""
    return sum(1 for entry in dossier.history if entry.step == Step.TRANSFER)


def pending_transfer(dossier: Dossier) -> Transfer | None:
    """The first transfer recorded that no act has taken yet, if any."""
    acted = transfers_acted(dossier)
    return dossier.transfers[acted] if len(dossier.transfers) > acted else None


def _problem(vi: str, en: str) -> Values:
    return {"problem": Message(vi=vi, en=en)}


@rule(
    id="workflow.transfer_recorded",
    family=Family.WORKFLOW,
    ref="I-10",
    clause=_CLAUSE,
    message=Message(
        vi="Chuyển sinh hoạt đảng chưa được ghi đúng: {problem}",
        en="The transfer is not recorded as it must be: {problem}",
    ),
    steps={Step.TRANSFER},
)
def transfer_recorded(context: Context) -> Values | None:
    """
    The transfer is recorded for the act's day, and the dossier is with the receiving branch.

    One `ketnap.Transfer` beyond those already acted, dated the act's day, from the branch
    the member was in (the previous transfer's receiving branch) to the dossier's branch.
    """
    dossier = context.dossier
    transfer = pending_transfer(dossier)
    if transfer is None:
        return _problem(
            "chưa ghi nơi chuyển đi, nơi chuyển đến", "no sending and receiving branch recorded"
        )
    if len(dossier.transfers) > transfers_acted(dossier) + 1:
        return _problem("ghi nhiều lần chuyển chưa thực hiện", "several transfers recorded at once")
    if transfer.on != context.on:
        return _problem("ngày ghi khác ngày chuyển", "recorded for another day than the act")
    if not same_branch(transfer.to_branch, dossier.organization):
        return _problem(
            "hồ sơ chưa ở chi bộ nơi chuyển đến", "the dossier is not with the receiving branch"
        )
    acted = transfers_acted(dossier)
    if acted and not same_branch(transfer.from_branch, dossier.transfers[acted - 1].to_branch):
        return _problem(
            "nơi chuyển đi không phải chi bộ nhận lần chuyển trước",
            "the sending branch is not the one the previous transfer went to",
        )
    return None


def _since_ceremony(context: Context) -> list[Transfer]:
    dossier = context.dossier
    ceremony = context.process.ceremony_date(dossier)
    acted = dossier.transfers[: transfers_acted(dossier)]
    return [t for t in acted if ceremony is None or t.on >= ceremony]


@rule(
    id="dossier.transfer_comments",
    family=Family.DOSSIER,
    ref="I-10, I-03",
    clause=_CLAUSE,
    message=Message(
        vi="Chưa có nhận xét của chi bộ nơi chuyển đi về thời gian dự bị tại đó: {branches}",
        en="No written comments from the sending branch on the probation there: {branches}",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def sending_branch_comments(context: Context) -> Values | None:
    """Each branch the member left during probation has sent its comments by the meeting."""
    missing = [
        transfer.from_branch.name
        for transfer in _since_ceremony(context)
        if transfer.comments_on is None or transfer.comments_on > context.on
    ]
    return {"branches": ", ".join(missing)} if missing else None


@rule(
    id="vote.receiving_branch",
    family=Family.VOTE,
    ref="I-10, F-08",
    clause=_CLAUSE,
    message=Message(
        vi="Biểu quyết công nhận ngày {held_on} trước ngày chuyển đến chi bộ ({transferred_on}):"
        " chi bộ nơi chuyển đến xét công nhận",
        en="The recognition vote of {held_on} predates the transfer ({transferred_on}): the "
        "receiving branch votes",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def receiving_branch_vote(context: Context) -> Values | None:
    """The recognition vote counted is the receiving branch's: held on or after the transfer."""
    transfers = _since_ceremony(context)
    if not transfers:
        return None
    vote = context.dossier.latest_vote(Actor.BRANCH, VotePurpose.RECOGNITION, context.on)
    last = transfers[-1].on
    if vote is None or vote.held_on >= last:
        return None  # no vote at all is votes.branch_recognition_vote's to report
    return {"held_on": vote.held_on, "transferred_on": last}
