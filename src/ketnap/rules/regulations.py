"""
The shipped rule sets, one per implementing regulation of the Party Charter.

Each is chosen by the date of the act being checked (see the regulation reference). The
differences between them are those the regulation reference records:

==================  =========================  ==============================================
Topic               Older                      Newer
==================  =========================  ==============================================
Education           THCS "or equivalent" (29)  THCS diploma only (24, 232, 294)
Sponsor basis       work, study (29)           + shared residence (24 onward)
Political criteria  history, current, std (24) standards only (232, 294)
Re-admission bar    "bị kết án vì tội …" (24)  "bị kết án hình sự về tội …" (232, 294)
Decision body       district standing board    deployment-configured body (294, U)
Card number         NN.NNNNNN                  NN.NNNNNN or 12 digits after Chỉ thị 51 (294, U)
==================  =========================  ==============================================

Age is counted by month in all four (HD 01-2012 counted over-60 by year; that
predates QĐ 29 and is available as a policy value only).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pendulum

from ketnap.messages import Message
from ketnap.model import Kinship, PoliticalTopic, Relation
from ketnap.policy import Policy
from ketnap.rules import (
    age,
    appraisal,
    authority,
    card,
    certificates,
    documents,
    education,
    readmission,
    sponsorship,
    timing,
    transfer,
    verification,
    votes,
)
from ketnap.rules._base import Period, Rule
from ketnap.rules.ruleset import Guidance, RuleSet

__all__ = [
    "CHARTER_RULES",
    "HD_01_2016",
    "HD_01_2021",
    "HD_06_2025",
    "QD_24_2021",
    "QD_29_2016",
    "QD_173_2013",
    "QD_232_2025",
    "QD_294_2025",
    "REGULATIONS",
]

CHARTER_RULES: tuple[Rule, ...] = (
    authority.authorised_actor,
    authority.base_committee_route,
    timing.chronology,
    certificates.awareness_certificate,
    sponsorship.helper_assigned,
    sponsorship.sponsor_count,
    sponsorship.sponsors_official,
    verification.background_concluded,
    verification.background_subjects,
    verification.background_topics,
    age.minimum_age,
    age.maximum_age,
    education.minimum_education,
    sponsorship.sponsor_basis,
    sponsorship.sponsor_duration,
    sponsorship.sponsor_replacement,
    sponsorship.sponsor_same_unit,
    sponsorship.union_introduction,
    certificates.awareness_certificate_valid,
    documents.admission_documents,
    documents.sponsor_letters,
    documents.documents_fresh,
    documents.pool_time,
    votes.branch_quorum,
    votes.branch_admission_vote,
    readmission.readmission_waiting_time,
    readmission.readmission_once,
    readmission.readmission_population_policy,
    readmission.population_violation,
    votes.base_committee_vote,
    appraisal.under_partial_committee,
    appraisal.appraisal_report,
    appraisal.appraised_first,
    authority.proposal_conditions,
    timing.decision_deadline,
    age.over_sixty_consent,
    education.literacy_consent,
    readmission.readmission_consent,
    timing.ceremony_deadline,
    timing.probation_complete,
    certificates.new_member_certificate,
    sponsorship.probation_helper,
    documents.recognition_documents,
    votes.branch_recognition_vote,
    transfer.transfer_recorded,
    transfer.sending_branch_comments,
    transfer.receiving_branch_vote,
    votes.referral_after_failed_votes,
    timing.recognition_decision_deadline,
    votes.branch_removal_vote,
    card.card_official_only,
    card.card_number_format,
)
"""The rules every shipped regulation shares, in the order failures are reported."""

_EXCLUDED_OLD = readmission.excluded_reasons(
    clause="QĐ 29/24 §3.5.2",
    wording=Message(
        vi="bị kết án vì tội tham nhũng; bị kết án về tội nghiêm trọng trở lên",
        en="convicted of corruption; convicted of a serious or graver offence",
    ),
)
_EXCLUDED_NEW = readmission.excluded_reasons(
    clause="QĐ 294/232 §3.5.2",
    wording=Message(
        vi="bị kết án hình sự về tội tham nhũng; về tội phạm nghiêm trọng trở lên",
        en="criminally convicted of corruption or of a serious or graver crime",
    ),
)


def _after(rules: tuple[Rule, ...], anchor: str, extra: Rule) -> tuple[Rule, ...]:
    position = [r.id for r in rules].index(anchor) + 1
    return (*rules[:position], extra, *rules[position:])


_RULES_OLD = _after(CHARTER_RULES, "readmission.waiting_time", _EXCLUDED_OLD)
_RULES_NEW = _after(CHARTER_RULES, "readmission.waiting_time", _EXCLUDED_NEW)

_ALL_TOPICS = frozenset(PoliticalTopic)

# Guidance has its own dates (HD 01 of 2016 and of 2021, HD 06 of 2025), not the
# regulation's: HD 01-2021 is dated and in force from 28 Sep 2021, so QĐ 24's first two
# months (30 Jul to 27 Sep 2021) still read HD 01-2016's values. What it sets: the
# verification's content (A-09, E-04). HD 01-2021 §3.4b (political history and current
# politics of the candidate and the relatives) stayed in force under QĐ 232 until HD 06
# replaced it on 9 Jun 2025. Who exempts the spouse's side (E-05): HD 01-2021 §3.4c names
# the spouse's siblings; HD 01-2016, not read on this point, keeps the narrower set (U).
HD_01_2016 = Guidance(
    code="HD 01-HD/TW 2016",
    effective=Period(end=pendulum.Date(2021, 9, 27)),
    changes={
        "political_topics": _ALL_TOPICS,
        "spouse_side_exempting": frozenset({Kinship.SPOUSE, Kinship.PARENT_IN_LAW}),
    },
)
HD_01_2021 = Guidance(
    code="HD 01-HD/TW 2021",
    effective=Period(pendulum.Date(2021, 9, 28), pendulum.Date(2025, 6, 8)),
    changes={"political_topics": _ALL_TOPICS},
)
HD_06_2025 = Guidance(
    code="HD 06-HD/TW 2025",
    effective=Period(pendulum.Date(2025, 6, 9)),
    changes={"political_topics": frozenset({PoliticalTopic.POLITICAL_STANDARDS})},
)

# The Secretariat's rule on population-policy cases (L-03, L-03a) has its own dates too.
# QĐ 173-QĐ/TW (11 Mar 2013) asked 60 months of every violation, from leaving the Party
# (re-admission) or from the violation (first-time applicant); QĐ 05-QĐi/TW replaced it on
# 28 Aug 2018 with 24 months for a third child and 36 for a fourth, the `Policy` defaults.
# QĐ 173's 36 months for remote areas is not encoded (the stricter 60 applies: U).
QD_173_2013 = Guidance(
    code="QĐ 173-QĐ/TW 2013",
    effective=Period(pendulum.Date(2013, 3, 11), pendulum.Date(2018, 8, 27)),
    changes={"population_third_child_months": 60, "population_fourth_child_months": 60},
)

QD_29_2016 = RuleSet(
    code="29-QĐ/TW",
    title=Message(
        vi="Quy định 29-QĐ/TW ngày 25/7/2016 thi hành Điều lệ Đảng",
        en="Regulation 29-QĐ/TW of 25 Jul 2016 implementing the Party Charter",
    ),
    effective=Period(pendulum.Date(2016, 7, 25), pendulum.Date(2021, 7, 29)),
    rules=_RULES_OLD,
    policy=Policy(
        accept_equivalent_education=True,
        sponsor_bases=frozenset({Relation.WORK, Relation.STUDY}),
    ),
    references=(
        "QĐ 29-QĐ/TW §1.1a, §1.2a, §3.2.1, §3.5, §4.1-4.3",
        "HD 01-HD/TW 2016",
        "QĐ 173-QĐ/TW (to 27/8/2018), QĐ 05-QĐi/TW (from 28/8/2018) of the Secretariat",
    ),
    # The Secretariat's population-policy rules applied under QĐ 29 too, on their dates.
    guidance=(HD_01_2016, QD_173_2013),
)
"""QĐ 29-QĐ/TW (2016): "or equivalent" education; sponsors from work or study only."""

QD_24_2021 = RuleSet(
    code="24-QĐ/TW",
    title=Message(
        vi="Quy định 24-QĐ/TW ngày 30/7/2021 thi hành Điều lệ Đảng",
        en="Regulation 24-QĐ/TW of 30 Jul 2021 implementing the Party Charter",
    ),
    effective=Period(pendulum.Date(2021, 7, 30), pendulum.Date(2025, 1, 19)),
    rules=_RULES_OLD,
    references=(
        "QĐ 24-QĐ/TW §1.1.1, §1.2.1, §3.2, §3.5, §4.1-4.3",
        "HD 01-HD/TW 2016 (to 27/9/2021)",
        "HD 01-HD/TW 2021 §1.1, §1.2, §3.3-3.4, §7 (from 28/9/2021, the day it was signed)",
        "QĐ 05-QĐi/TW Điều 3-5 of the Secretariat (S)",
    ),
    guidance=(HD_01_2016, HD_01_2021),
)
"""QĐ 24-QĐ/TW (2021): lower-secondary diploma only; shared residence counts for sponsors."""

QD_232_2025 = RuleSet(
    code="232-QĐ/TW",
    title=Message(
        vi="Quy định 232-QĐ/TW ngày 20/01/2025 thi hành Điều lệ Đảng",
        en="Regulation 232-QĐ/TW of 20 Jan 2025 implementing the Party Charter",
    ),
    effective=Period(pendulum.Date(2025, 1, 20), pendulum.Date(2025, 6, 30)),
    rules=_RULES_NEW,
    references=(
        "QĐ 232-QĐ/TW §1, §3.3, §3.5, §4.1, §4.3.1, §6.1",
        "HD 01-HD/TW 2021 §3.4 (to 8/6/2025)",
        "HD 06-HD/TW 2025 (from 9/6/2025)",
        "QĐ 05-QĐi/TW Điều 3-5 of the Secretariat (S); HD 15-HD/UBKTTW (20/3/2025, S)",
    ),
    guidance=(HD_01_2021, HD_06_2025),
)
"""QĐ 232-QĐ/TW (Jan 2025): re-worded re-admission bar; political standards only once HD 06
replaced HD 01-2021 (9 Jun 2025)."""

QD_294_2025 = RuleSet(
    code="294-QĐ/TW",
    title=Message(
        vi="Quy định 294-QĐ/TW ngày 26/5/2025 thi hành Điều lệ Đảng (hiệu lực 01/7/2025)",
        en="Regulation 294-QĐ/TW of 26 May 2025 implementing the Party Charter "
        "(in force 1 Jul 2025)",
    ),
    effective=Period(pendulum.Date(2025, 7, 1)),
    rules=_RULES_NEW,
    policy=Policy(
        competent_body=Message(
            vi="cấp ủy có thẩm quyền do tổ chức đảng quy định (không còn cấp huyện)",
            en="the competent committee the organisation configures (no district level)",
        ),
        card_number_pattern=r"\d{2}\.\d{6}|\d{12}",
    ),
    references=(
        "QĐ 294-QĐ/TW §1, §3.5, §4.1, §4.2, §9.3.2 (S)",
        "HD 06-HD/TW 2025 (S)",
        "QĐ 05-QĐi/TW Điều 3-5 of the Secretariat (S; in force after 2025: U)",
    ),
    guidance=(HD_06_2025,),
)
"""QĐ 294-QĐ/TW (Jul 2025): no district level; card numbering after Chỉ thị 51 (U)."""

REGULATIONS: Mapping[str, RuleSet] = MappingProxyType(
    {rs.code: rs for rs in (QD_29_2016, QD_24_2021, QD_232_2025, QD_294_2025)}
)
"""The shipped rule sets by code, oldest first."""
