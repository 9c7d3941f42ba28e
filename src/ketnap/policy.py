"""
Policy values: every number and choice a deployment may change without new code.

Each field names the DOMAIN.md row it comes from and its status (V verified,
S secondary, U unverified). The U values are our reading of the regulation's
intent, documented in docs/policy.md; change them with `RuleSet.with_policy`.
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import Any

import attrs

from ketnap.messages import Message
from ketnap.model import Kinship, PoliticalTopic, Relation

__all__ = ["AgeCounting", "Policy"]


class AgeCounting(enum.StrEnum):
    """How age is counted "by month" (tính theo tháng), DOMAIN.md A-04 (U)."""

    CALENDAR_MONTHS = "calendar_months"
    """Year·12 + month, the day ignored: 18 from the month of the 18th birthday (default)."""
    COMPLETED_MONTHS = "completed_months"
    """Whole months by the day: 18 from the 18th birthday itself."""


@attrs.frozen(kw_only=True)
class Policy:
    """
    The policy values of a rule set.

    >>> Policy().with_changes(sponsor_months=24).sponsor_months
    24
    """

    min_age_months: int = 216
    """A-01 (V): 18 full years, counted in months."""
    max_age_months: int = 720
    """A-02 (V): 60 full years, counted in months."""
    age_counting: AgeCounting = AgeCounting.CALENDAR_MONTHS
    """A-04 (U): how months of age are counted."""
    accept_equivalent_education: bool = False
    """A-05a (V): QĐ 29 accepted "tương đương" lower secondary; QĐ 24 onward does not."""
    sponsor_months: int = 12
    """C-05 (V): months a sponsor has been alongside the candidate."""
    sponsor_bases: frozenset[Relation] = frozenset(Relation)
    """C-05a (V): bases that count; QĐ 29 had work and study only."""
    youth_age_max_years: int = 30
    """C-10 (S/U): the upper end of "youth age"; 31-35 is unclear, so 30 by default."""
    min_pool_months: int = 0
    """B-06 (U): months on the sympathiser list before a proposal; no central minimum."""
    certificate_validity_months: int = 60
    """B-04 (S): validity of the awareness-course certificate."""
    certificate_issuers: frozenset[str] = frozenset()
    """B-03 (S/U): accepted certificate issuers; empty accepts any (the issuer after 2025 is U)."""
    dossier_validity_months: int = 12
    """D-01 (S): months after which the documents in `refresh_forms` must be redone."""
    refresh_forms: frozenset[str] = frozenset({"3-KNĐ", "4-KNĐ", "5-KNĐ"})
    """D-01 (U): which documents go stale (introduction, union resolution, comments)."""
    admission_forms: frozenset[str] = frozenset({"1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ"})
    """§5 (S): documents the branch needs; ``4-KNĐ`` is added when a union introduces."""
    union_form: str = "4-KNĐ"
    """§5 (S): the union's introduction resolution."""
    recognition_forms: frozenset[str] = frozenset({"10-KNĐ", "11-KNĐ", "12-KNĐ"})
    """I-03 (S): self-review, helper's comments, comments summary."""
    verification_kinships: frozenset[Kinship] = frozenset(
        {Kinship.PARENT, Kinship.GUARDIAN, Kinship.SPOUSE, Kinship.PARENT_IN_LAW, Kinship.CHILD}
    )
    """E-03 (V): relatives whose background is verified."""
    political_topics: frozenset[PoliticalTopic] = frozenset({PoliticalTopic.POLITICAL_STANDARDS})
    """A-09 (V): what verification concludes on; QĐ 24 also named history and current politics."""
    vote_threshold: Fraction = Fraction(2, 3)
    """F-01, F-08 (V): share of the branch's official members in favour."""
    committee_vote_threshold: Fraction = Fraction(2, 3)
    """F-05, F-06 (S/U): share of the base committee's members in favour."""
    min_branch_members: int = 3
    """F-10 (S): official members a branch needs to function."""
    failed_votes_before_referral: int = 3
    """F-09 (V): failed votes after which the branch refers the case upward."""
    decision_working_days: int = 60
    """§8 QĐ §4.3.1 (V): branch resolution to admission decision."""
    decision_extension_working_days: int = 30
    """§8 QĐ §4.3.1 (V): extra working days in special cases."""
    ceremony_working_days: int = 30
    """§8 QĐ §4.1 (V): decision received to ceremony."""
    probation_months: int = 12
    """Charter Art. 5.1 (V): probation, from the ceremony."""
    recognition_resolution_working_days: int = 30
    """§8 QĐ §4.2.1 (V): end of probation to the branch's recognition resolution."""
    recognition_decision_working_days: int = 30
    """§8 QĐ 29 §4.3.1 (V/S): branch recognition resolution to the decision."""
    recognition_extension_working_days: int = 30
    """§8 (V/S): extra working days in special cases."""
    readmission_wait_months: int = 36
    """L-02 (V): months since leaving before re-admission."""
    readmission_wait_after_record_months: int = 60
    """L-02 (V): months after a less serious offence's record is cleared."""
    card_number_pattern: str = r"\d{2}\.\d{6}"
    """K-05 (V): party card number "NN.NNNNNN"; numbering after the 2025 exchange is U."""
    competent_body: Message = Message(
        vi="ban thường vụ huyện ủy và tương đương", en="district-level standing board"
    )
    """F-07 (V for 29; U after 2025): the body that decides, as the messages name it."""

    def with_changes(self, **changes: Any) -> Policy:
        """Return a copy with *changes* applied (unknown names raise TypeError)."""
        return attrs.evolve(self, **changes)
