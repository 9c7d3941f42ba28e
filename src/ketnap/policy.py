"""
Policy values: every number and choice a deployment may change without new code.

Each field names the regulation reference id it comes from and its status (V verified,
S secondary, U unverified). The U values are our reading of the regulation's
intent, documented in docs/policy.md; change them with `RuleSet.with_policy`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs
import pendulum

from ketnap.errors import InvalidInput
from ketnap.messages import Message
from ketnap.model import EducationLevel, Kinship, PoliticalTopic, Relation

__all__ = ["AgeCounting", "Policy"]


class AgeCounting(enum.StrEnum):
    """How age is counted "by month" (tính theo tháng), regulation reference A-04 (U)."""

    CALENDAR_MONTHS = "calendar_months"
    """Year·12 + month, the day ignored: 18 from the month of the 18th birthday (default)."""
    COMPLETED_MONTHS = "completed_months"
    """Whole months by the day: 18 from the 18th birthday itself."""


# --- validators: a policy value of the wrong type or range fails where it is set, --------
# --- naming the field, not at the first check that reads it -------------------------------


def _count(most: int) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A whole number from 0 to *most* (months, working days, members)."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(
                attribute.name, f"expected a whole number, got {type(value).__name__}"
            )
        if not 0 <= value <= most:
            raise InvalidInput(attribute.name, f"must be from 0 to {most:,}, got {value:,}")

    return check


_MONTHS = _count(1_200)  # a century: any longer period is a typing error
_WORKING_DAYS = _count(1_000)
_MEMBERS = _count(10_000)


def _fraction(value: object) -> object:
    # 1 or "2/3" become Fractions; anything else is left for _share to refuse by name.
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            return value
    return value


def _share(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A Fraction, never a float: 0.67 is not two thirds.
    if not isinstance(value, Fraction):
        raise InvalidInput(attribute.name, "expected a Fraction such as Fraction(2, 3)")
    if not 0 < value <= 1:
        raise InvalidInput(attribute.name, f"must be more than 0 and at most 1, got {value}")


def _set_of(kind: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, frozenset) or not all(isinstance(v, kind) for v in value):
            raise InvalidInput(attribute.name, f"expected a frozenset of {kind.__name__}")

    return check


def _instance_of(kind: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            raise InvalidInput(
                attribute.name, f"expected {kind.__name__}, got {type(value).__name__}"
            )

    return check


def _optional_day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A date, never a datetime: a time of day would make the comparisons with dates fail.
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidInput(attribute.name, f"expected a date or None, got {type(value).__name__}")


def _pattern(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidInput(attribute.name, f"expected a str, got {type(value).__name__}")
    try:
        re.compile(value)
    except re.error as exc:
        raise InvalidInput(attribute.name, f"not a regular expression ({exc})") from None


@attrs.frozen(kw_only=True)
class Policy:
    """
    The policy values of a rule set.

    >>> Policy().with_changes(sponsor_months=24).sponsor_months
    24
    """

    min_age_months: int = attrs.field(default=216, validator=_MONTHS)
    """A-01 (V): 18 full years, counted in months."""
    max_age_months: int = attrs.field(default=720, validator=_MONTHS)
    """A-02 (V): 60 full years, counted in months."""
    age_counting: AgeCounting = attrs.field(
        default=AgeCounting.CALENDAR_MONTHS, validator=_instance_of(AgeCounting)
    )
    """A-04 (U): how months of age are counted."""
    accept_equivalent_education: bool = attrs.field(default=False, validator=_instance_of(bool))
    """A-05a (V): QĐ 29 accepted "tương đương" lower secondary; QĐ 24 onward does not."""
    sponsor_months: int = attrs.field(default=12, validator=_MONTHS)
    """C-05 (V): months a sponsor has been alongside the candidate."""
    sponsor_bases: frozenset[Relation] = attrs.field(
        default=frozenset(Relation), validator=_set_of(Relation)
    )
    """C-05a (V): bases that count; QĐ 29 had work and study only."""
    sponsor_unit_bases: frozenset[Relation] = attrs.field(
        default=frozenset({Relation.WORK, Relation.STUDY}), validator=_set_of(Relation)
    )
    """C-05 (V/U): bases on which the sponsor's own branch must be in the candidate's base
    organisation; one who lived alongside shares the residence area whatever branch their
    membership is in (U: add RESIDENCE to compare their branch too)."""
    youth_age_max_years: int = attrs.field(default=30, validator=_count(100))
    """C-10 (S/U): the upper end of "youth age"; 31-35 is unclear, so 30 by default."""
    min_pool_months: int = attrs.field(default=0, validator=_MONTHS)
    """B-06 (U): months on the sympathiser list before a proposal; no central minimum."""
    certificate_validity_months: int = attrs.field(default=60, validator=_MONTHS)
    """B-04 (S): validity of the awareness-course certificate."""
    certificate_issuers: frozenset[str] = attrs.field(default=frozenset(), validator=_set_of(str))
    """B-03 (S/U): accepted certificate issuers; empty accepts any (the issuer after 2025 is U)."""
    dossier_validity_months: int = attrs.field(default=12, validator=_MONTHS)
    """D-01 (S): months after which the documents in `refresh_forms` must be redone."""
    refresh_forms: frozenset[str] = attrs.field(
        default=frozenset({"3-KNĐ", "4-KNĐ", "5-KNĐ"}), validator=_set_of(str)
    )
    """D-01 (U): which documents go stale (introduction, union resolution, comments)."""
    admission_forms: frozenset[str] = attrs.field(
        default=frozenset({"1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ"}), validator=_set_of(str)
    )
    """§5 (S): documents the branch needs; ``4-KNĐ`` is added when a union introduces."""
    union_form: str = attrs.field(default="4-KNĐ", validator=_instance_of(str))
    """§5 (S): the Youth Union's introduction resolution."""
    trade_union_form: str = attrs.field(default="4A-KNĐ", validator=_instance_of(str))
    """§5 (S): the trade union's introduction resolution (HD 12-HD/BTCTW form list)."""
    sponsor_letter_form: str = attrs.field(default="3-KNĐ", validator=_instance_of(str))
    """§5 (S): a sponsor's introduction letter; one per sponsor."""
    recognition_forms: frozenset[str] = attrs.field(
        default=frozenset({"10-KNĐ", "11-KNĐ", "12-KNĐ"}), validator=_set_of(str)
    )
    """I-03 (S): self-review, helper's comments, comments summary."""
    appraisal_form: str = attrs.field(default="7-KNĐ", validator=_instance_of(str))
    """F-05a (S): a partial committee's appraisal of the branch's admission resolution."""
    recognition_appraisal_form: str = attrs.field(default="14-KNĐ", validator=_instance_of(str))
    """F-05a (S): its appraisal of the branch's recognition resolution."""
    verification_kinships: frozenset[Kinship] = frozenset(
        {Kinship.PARENT, Kinship.GUARDIAN, Kinship.SPOUSE, Kinship.PARENT_IN_LAW, Kinship.CHILD}
    )
    """E-03 (V): relatives whose background is verified."""
    spouse_side_exempting: frozenset[Kinship] = attrs.field(
        default=frozenset({Kinship.SPOUSE, Kinship.PARENT_IN_LAW, Kinship.SPOUSE_SIBLING}),
        validator=_set_of(Kinship),
    )
    """E-05 (V 2021, S 2025): relatives whose membership exempts the spouse's side from
    verification (HD 01-2021 §3.4c names the spouse's siblings too; under HD 01-2016, not
    read on this point, the guidance sets the spouse and parents-in-law only: U)."""
    political_topics: frozenset[PoliticalTopic] = frozenset({PoliticalTopic.POLITICAL_STANDARDS})
    """A-09 (V): what verification concludes on; QĐ 24 also named history and current politics."""
    vote_threshold: Fraction = attrs.field(
        default=Fraction(2, 3), converter=_fraction, validator=_share
    )
    """F-01, F-08 (V): share of the branch's official members in favour."""
    committee_vote_threshold: Fraction = attrs.field(
        default=Fraction(2, 3), converter=_fraction, validator=_share
    )
    """F-05, F-06 (S/U): share of the base committee's members in favour."""
    min_branch_members: int = attrs.field(default=3, validator=_MEMBERS)
    """F-10 (S): official members a branch needs to function, and its votes to count."""
    failed_votes_before_referral: int = attrs.field(default=3, validator=_count(100))
    """F-09 (V): failed votes after which the branch (or base committee) refers upward."""
    decision_working_days: int = attrs.field(default=60, validator=_WORKING_DAYS)
    """§8 QĐ §4.3.1 (V): branch resolution to admission decision."""
    decision_extension_working_days: int = attrs.field(default=30, validator=_WORKING_DAYS)
    """§8 QĐ §4.3.1 (V): extra working days in special cases."""
    ceremony_working_days: int = attrs.field(default=30, validator=_WORKING_DAYS)
    """§8 QĐ §4.1 (V): decision received to ceremony."""
    probation_months: int = attrs.field(default=12, validator=_MONTHS)
    """Charter Art. 5.1 (V): probation, from the ceremony."""
    recognition_resolution_working_days: int = attrs.field(default=30, validator=_WORKING_DAYS)
    """§8 QĐ §4.2.1 (V): end of probation to the branch's recognition resolution."""
    recognition_decision_working_days: int = attrs.field(default=30, validator=_WORKING_DAYS)
    """§8 QĐ 29 §4.3.1 (V/S): branch recognition resolution to the decision."""
    recognition_extension_working_days: int = attrs.field(default=30, validator=_WORKING_DAYS)
    """§8 (V/S): extra working days in special cases."""
    readmission_wait_months: int = attrs.field(default=36, validator=_MONTHS)
    """L-02 (V): months since leaving before re-admission."""
    readmission_wait_after_record_months: int = attrs.field(default=60, validator=_MONTHS)
    """L-02 (V): months after a less serious offence's record is cleared."""
    readmission_base_committee_decides: bool = attrs.field(
        default=False, validator=_instance_of(bool)
    )
    """L-04, F-07a (V to QĐ 232; U for QĐ 294): whether a base committee authorised to admit
    also decides a re-admission. The texts to QĐ 232 name the district-level committee;
    QĐ 294's wording was not read, so by default the committee above decides."""
    population_third_child_months: int = attrs.field(default=24, validator=_MONTHS)
    """L-03, L-03a (S): QĐ 05-QĐi/TW Điều 4-5, months a third child's violation waits: from
    leaving the Party to the branch meeting, or from the birth for a first-time applicant.
    QĐ 173-QĐ/TW (to 27 Aug 2018): 60."""
    population_fourth_child_months: int = attrs.field(default=36, validator=_MONTHS)
    """L-03, L-03a (S): the same wait for a fourth child (and any later child below
    ``population_never_child_order``). QĐ 173-QĐ/TW: 60."""
    population_never_child_order: int = attrs.field(default=5, validator=_count(100))
    """L-03, L-03a (S): QĐ 05-QĐi/TW Điều 3.2, from this child on a person is never admitted
    ("sinh con thứ năm trở lên"); QĐ 173's bar is U, read the same."""
    population_births_counted_before: dt.date | None = attrs.field(
        default=pendulum.Date(2025, 3, 20), validator=_optional_day
    )
    """L-03b (S date, U reading): from HD 15-HD/UBKTTW (20 Mar 2025) a third or later child
    is no longer disciplined; a child born on or after this day is not a violation.
    None counts every birth."""
    population_terms_after_change: bool = attrs.field(default=True, validator=_instance_of(bool))
    """L-03b (U, open): whether QĐ 05-QĐi/TW's terms still apply, from
    ``population_births_counted_before``, to violations before it. True (the safer reading)
    keeps them; False stops applying them to acts from that day (a removed member then
    waits the ordinary ``readmission_wait_months``)."""
    fisherman_minimum_education: EducationLevel = attrs.field(
        default=EducationLevel.PRIMARY, validator=_instance_of(EducationLevel)
    )
    """A-06, A-07 (V/U): fishermen working regularly at sea need completed primary school
    (HD 01-2021 §1.2a); a reading that also lets them in on literacy (§1.2b) sets LITERATE."""
    card_number_pattern: str = attrs.field(default=r"\d{2}\.\d{6}", validator=_pattern)
    """K-05 (V): party card number "NN.NNNNNN"; numbering after the 2025 exchange is U."""
    card_number_example: str = attrs.field(default="01.000123", validator=_instance_of(str))
    """K-05: a card number of the form `card_number_pattern` describes, which a refusal
    shows the clerk instead of the pattern; it must match the pattern (change both)."""
    competent_body: Message = attrs.field(
        default=Message(
            vi="ban thường vụ huyện ủy và tương đương", en="district-level standing board"
        ),
        validator=_instance_of(Message),
    )
    """F-07 (V for 29; U after 2025): the body that decides, as the messages name it."""

    def __attrs_post_init__(self) -> None:
        if self.min_age_months > self.max_age_months:
            raise InvalidInput("min_age_months", "is above max_age_months")
        if not self.card_number_matches(self.card_number_example):
            raise InvalidInput(
                "card_number_example", "does not match card_number_pattern: give an example of it"
            )

    def with_changes(self, **changes: Any) -> Policy:
        """
        Return a copy with *changes* applied.

        Raises:
            InvalidInput: an unknown name, or a value of the wrong type or range.
        """
        known = {field.name for field in attrs.fields(Policy)}
        for name in changes:
            if name not in known:
                raise InvalidInput(name, "is not a policy value")
        return attrs.evolve(self, **changes)

    def card_number_matches(self, number: str) -> bool:
        """
        Whether *number* has the form `card_number_pattern` describes, in ASCII digits.

        >>> Policy().card_number_matches("01.000123"), Policy().card_number_matches("01.٠٠٠١٢٣")
        (True, False)
        """
        # re.ASCII: without it \d also matches Arabic-Indic and other Unicode digits.
        return re.fullmatch(self.card_number_pattern, number, re.ASCII) is not None
