"""Party card rules (thẻ đảng viên): regulation reference K-01, K-05, K-07."""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Step
from ketnap.rules._base import Context, Family, Values, rule
from ketnap.terms import full_membership_date

__all__ = ["card_number_format", "card_official_only"]


@rule(
    id="card.official_only",
    family=Family.CARD,
    ref="K-01",
    clause="QĐ 24/232 §6.1; HD 01-HD/TW 2021 §7",
    message=Message(
        vi="Thẻ đảng viên chỉ phát cho đảng viên chính thức",
        en="Party cards are issued to official members only",
    ),
    steps={Step.ISSUE_CARD},
)
def card_official_only(context: Context) -> Values | None:
    """A card goes only to a member recognised as official on or before the act."""
    start = full_membership_date(context.dossier, context.policy, process=context.process)
    return None if start is not None and start <= context.on else {}


@rule(
    id="card.number_format",
    family=Family.CARD,
    ref="K-05, K-07",
    clause="HD 12-HD/BTCTW 2022 §II.2",
    message=Message(
        vi="Số thẻ đảng viên không đúng định dạng (ví dụ: {example})",
        en="The party card number is not in the expected form (e.g. {example})",
    ),
    steps={Step.ISSUE_CARD},
)
def card_number_format(context: Context) -> Values | None:
    """The card number has the format of the regulation in force (NN.NNNNNN before 2025)."""
    number = context.dossier.card_number or ""
    policy = context.policy
    # The clerk reads an example of the form, never the regular expression itself; the
    # number is an identifier, which no message quotes (as a citizen ID).
    return (
        None
        if policy.card_number_matches(number)
        else {"example": policy.card_number_example, "pattern": policy.card_number_pattern}
    )
