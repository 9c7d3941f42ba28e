"""Sponsor rules: B-02, C-01 to C-10, and the QĐ 29 / QĐ 24 residence difference of §16."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    Member,
    MemberStatus,
    Organization,
    Relation,
    Sponsor,
    Stage,
    Step,
    UnionIntroduction,
    UnionKind,
    Workflow,
)
from ketnap.storage import from_document, to_document
from ketnap.testing import add_vote, make_dossier
from tests.conftest import at_stage, prepared, ready_for_recognition

D = pendulum.Date
Proposal = Callable[..., set[str]]
Failing = Callable[..., set[str]]


_ENTERPRISE = Organization(name="Công ty X", has_youth_union=False, has_trade_union=True)
"""An enterprise with a grassroots trade union and no Youth Union organisation (C-03)."""


def sponsor(name: str = "Phạm Văn Em", **changes: Any) -> Sponsor:
    base = Sponsor(
        name=name,
        status=MemberStatus.OFFICIAL,
        official_since=D(2010, 1, 1),
        alongside_since=D(2020, 1, 1),
        basis=Relation.WORK,
    )
    return attrs.evolve(base, **changes)


class TestHelper:
    """sponsor.helper: an official member is assigned to help (B-02)."""

    @pytest.mark.parametrize(
        ("helper", "refused"),
        [
            (None, True),
            (Member(name="Hà", status=MemberStatus.PROBATIONARY), True),
            (Member(name="Hà", status=MemberStatus.OFFICIAL, official_since=D(2024, 1, 13)), True),
            (Member(name="Hà", status=MemberStatus.OFFICIAL, official_since=D(2024, 1, 12)), False),
        ],
        ids=["none", "probationary", "official-the-day-after", "official-the-day-of"],
    )
    def test_helper(
        self, workflow: Workflow, failing: Failing, helper: Member | None, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.TRAINED)
        dossier.helper = helper
        failed = failing(dossier, Step.ASSIGN_SPONSORS, D(2024, 1, 12))
        assert ("sponsor.helper" in failed) is refused


class TestSponsorCount:
    """sponsor.count: two sponsors, or one plus a union committee (C-01 to C-03)."""

    def test_one_sponsor_with_union_introduction(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow)
        assert "sponsor.count" not in proposal(dossier, D(2024, 3, 12))

    def test_one_sponsor_without_union_introduction(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow, birth_date=D(1980, 1, 1))
        dossier.union_introduction = None
        assert "sponsor.count" in proposal(dossier, D(2024, 3, 12))

    def test_two_sponsors(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow, birth_date=D(1980, 1, 1))
        dossier.union_introduction = None
        dossier.sponsors.append(sponsor())
        assert "sponsor.count" not in proposal(dossier, D(2024, 3, 12))

    def test_replaced_sponsor_does_not_count(self, workflow: Workflow, proposal: Proposal) -> None:
        """A sponsor who moved away and was replaced is no longer counted (C-08)."""
        dossier = prepared(workflow)
        dossier.sponsors.append(sponsor("Vũ", replaces="Lê Văn Dũng"))
        assert "sponsor.count" not in proposal(dossier, D(2024, 3, 12))
        assert [s.name for s in dossier.sponsors][-1] == "Vũ"

    @pytest.mark.parametrize(
        ("birth", "refused"),
        [
            pytest.param(D(1993, 4, 1), False, id="30-years-11-months"),
            pytest.param(D(1993, 3, 1), True, id="31-this-month"),
            pytest.param(D(1993, 2, 1), True, id="31-last-month"),
        ],
    )
    def test_a_youth_union_resolution_stands_for_a_sponsor_only_in_youth_age(
        self, workflow: Workflow, proposal: Proposal, birth: D, refused: bool
    ) -> None:
        """C-01, C-02: where the Youth Union exists, a candidate over youth age needs two."""
        dossier = prepared(workflow, birth_date=birth)
        failed = proposal(dossier, D(2024, 3, 12))
        assert ("sponsor.count" in failed) is refused

    def test_a_trade_union_resolution_does_not_stand_for_a_sponsor_where_the_youth_union_exists(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow, trade_union_member=True)
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.TRADE_UNION, resolution_on=D(2024, 3, 1)
        )
        assert "sponsor.count" in proposal(dossier, D(2024, 3, 12))

    @pytest.mark.parametrize(
        "birth",
        [
            pytest.param(D(1993, 4, 1), id="30-years-11-months"),
            pytest.param(D(1993, 3, 1), id="31-this-month"),
            pytest.param(D(1993, 2, 1), id="31-last-month"),
            pytest.param(D(1979, 3, 1), id="45"),
        ],
    )
    def test_the_trade_union_and_one_sponsor_suffice_at_any_age_without_a_youth_union(
        self, workflow: Workflow, proposal: Proposal, birth: D
    ) -> None:
        """C-03: the trade union introduces with one official member, whatever the age."""
        dossier = prepared(workflow, birth_date=birth, trade_union_member=True)
        dossier.organization = _ENTERPRISE
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.TRADE_UNION, resolution_on=D(2024, 3, 1)
        )
        failed = proposal(dossier, D(2024, 3, 12))
        assert {"sponsor.count", "sponsor.union"}.isdisjoint(failed)

    def test_the_message_names_the_union_beside_the_one_sponsor(self, workflow: Workflow) -> None:
        dossier = prepared(workflow)
        dossier.sponsors.clear()
        add_vote(dossier, D(2024, 3, 12))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert failures["sponsor.count"].message("vi") == (
            "Cần 1 đảng viên chính thức giới thiệu cùng Ban chấp hành đoàn cơ sở, mới có 0"
        )


class TestSponsorsOfficial:
    """sponsor.official: every sponsor is an official member (C-01, C-07)."""

    @pytest.mark.parametrize(
        ("official_since", "status", "refused"),
        [
            (D(2024, 3, 11), MemberStatus.OFFICIAL, False),
            (D(2024, 3, 12), MemberStatus.OFFICIAL, False),
            (D(2024, 3, 13), MemberStatus.OFFICIAL, True),
            (None, MemberStatus.PROBATIONARY, True),
        ],
        ids=["official-day-before", "official-day-of", "official-day-after", "probationary"],
    )
    def test_status(
        self,
        workflow: Workflow,
        proposal: Proposal,
        official_since: D | None,
        status: MemberStatus,
        refused: bool,
    ) -> None:
        dossier = prepared(workflow)
        dossier.sponsors[0] = attrs.evolve(
            dossier.sponsors[0], status=status, official_since=official_since
        )
        assert ("sponsor.official" in proposal(dossier, D(2024, 3, 12))) is refused


class TestSponsorDuration:
    """sponsor.duration: 12 months alongside by the meeting (C-05), except replacements (C-08)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 11), True, id="day-before-12-months"),
            pytest.param(D(2024, 3, 12), False, id="day-12-months-end"),
            pytest.param(D(2024, 3, 13), False, id="day-after"),
        ],
    )
    def test_boundary(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = prepared(workflow)
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], alongside_since=D(2023, 3, 12))
        assert ("sponsor.duration" in proposal(dossier, meeting)) is refused

    def test_replacement_is_exempt(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow)
        dossier.sponsors.append(
            sponsor("Vũ", alongside_since=D(2024, 2, 1), replaces="Lê Văn Dũng")
        )
        assert "sponsor.duration" not in proposal(dossier, D(2024, 3, 12))

    def test_month_end(self, workflow: Workflow, proposal: Proposal) -> None:
        """Alongside since 31 Mar 2023: 12 months end on 31 Mar 2024, not 30 Mar."""
        dossier = prepared(workflow)
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], alongside_since=D(2023, 3, 31))
        assert "sponsor.duration" in proposal(dossier, D(2024, 3, 30))
        assert "sponsor.duration" not in proposal(dossier, D(2024, 3, 31))


class TestSponsorBasis:
    """sponsor.basis: shared residence counts from QĐ 24 only (C-05a, §16)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2021, 7, 29), True, id="QĐ29-last-day"),
            pytest.param(D(2021, 7, 30), False, id="QĐ24-first-day"),
            pytest.param(D(2021, 7, 31), False, id="QĐ24-day-after"),
        ],
    )
    def test_residence(
        self, workflow: Workflow, proposal: Proposal, meeting: D, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 7, 29))
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], basis=Relation.RESIDENCE)
        assert ("sponsor.basis" in proposal(dossier, meeting)) is refused

    def test_work_accepted_under_29(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 7, 29))
        assert "sponsor.basis" not in proposal(dossier, D(2021, 7, 29))


class TestUnionIntroduction:
    """sponsor.union: youth-age candidates come through the Youth Union or trade union."""

    def test_not_a_member(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow, youth_union_member=False)
        assert "sponsor.union" in proposal(dossier, D(2024, 3, 12))

    def test_no_resolution(self, workflow: Workflow, proposal: Proposal) -> None:
        dossier = prepared(workflow)
        dossier.union_introduction = None
        assert "sponsor.union" in proposal(dossier, D(2024, 3, 12))

    @pytest.mark.parametrize(
        ("resolution_on", "refused"),
        [(D(2024, 3, 11), False), (D(2024, 3, 12), False), (D(2024, 3, 13), True)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_resolution_date(
        self, workflow: Workflow, proposal: Proposal, resolution_on: D, refused: bool
    ) -> None:
        dossier = prepared(workflow)
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.YOUTH_UNION, resolution_on=resolution_on
        )
        assert ("sponsor.union" in proposal(dossier, D(2024, 3, 12))) is refused

    def test_trade_union_where_no_youth_union(self, workflow: Workflow, proposal: Proposal) -> None:
        """C-03: without a Youth Union, a trade-union member is introduced by the trade union."""
        dossier = prepared(workflow, youth_union_member=False, trade_union_member=True)
        dossier.organization = Organization(
            name="Công ty X", has_youth_union=False, has_trade_union=True
        )
        assert "sponsor.union" in proposal(dossier, D(2024, 3, 12))
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.TRADE_UNION, resolution_on=D(2024, 3, 1)
        )
        assert "sponsor.union" not in proposal(dossier, D(2024, 3, 12))

    @pytest.mark.parametrize(
        ("birth", "refused"),
        [
            pytest.param(D(1993, 4, 1), True, id="30-years-11-months"),
            pytest.param(D(1993, 3, 1), False, id="31-this-month"),
            pytest.param(D(1993, 2, 1), False, id="31-last-month"),
        ],
    )
    def test_youth_age_ends_at_31(
        self, workflow: Workflow, proposal: Proposal, birth: D, refused: bool
    ) -> None:
        """Youth age is up to 30 (C-10, configurable): at 31 no union route is required."""
        dossier = prepared(workflow, birth_date=birth, youth_union_member=False)
        dossier.union_introduction = None
        dossier.sponsors.append(sponsor())
        assert ("sponsor.union" in proposal(dossier, D(2024, 3, 12))) is refused

    @pytest.mark.parametrize(
        "birth",
        [
            pytest.param(D(1993, 4, 1), id="30-years-11-months"),
            pytest.param(D(1993, 3, 1), id="31-this-month"),
            pytest.param(D(1993, 2, 1), id="31-last-month"),
            pytest.param(D(1970, 3, 1), id="54"),
        ],
    )
    def test_without_a_youth_union_the_trade_union_route_holds_at_any_age(
        self, workflow: Workflow, proposal: Proposal, birth: D
    ) -> None:
        """
        C-03: in an enterprise with no Youth Union, two individual sponsors do not replace
        the trade union's introduction, before youth age ends or after.
        """
        dossier = prepared(
            workflow, birth_date=birth, youth_union_member=False, trade_union_member=True
        )
        dossier.organization = _ENTERPRISE
        dossier.union_introduction = None
        dossier.sponsors.append(sponsor())
        assert "sponsor.union" in proposal(dossier, D(2024, 3, 12))

    def test_an_over_youth_age_candidate_must_be_a_trade_union_member(
        self, workflow: Workflow
    ) -> None:
        dossier = prepared(workflow, birth_date=D(1980, 1, 1), youth_union_member=False)
        dossier.organization = _ENTERPRISE
        dossier.union_introduction = UnionIntroduction(
            kind=UnionKind.TRADE_UNION, resolution_on=D(2024, 3, 1)
        )
        add_vote(dossier, D(2024, 3, 12))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert failures["sponsor.union"].message("vi") == (
            "Người vào Đảng ở cơ quan, doanh nghiệp không có tổ chức Đoàn phải là đoàn viên "
            "công đoàn và được Ban chấp hành công đoàn cơ sở ra nghị quyết giới thiệu: "
            "chưa là đoàn viên công đoàn"
        )
        assert failures["sponsor.union"].message("en") == (
            "A candidate in an agency or enterprise without a Youth Union organisation must "
            "be a trade-union member and be introduced by a resolution of the Trade-union "
            "executive committee: not a trade-union member"
        )

    def test_a_youth_union_member_is_called_doan_vien(self, workflow: Workflow) -> None:
        """The texts say "đoàn viên" for both unions' members, never "hội viên"."""
        dossier = prepared(workflow, youth_union_member=False)
        add_vote(dossier, D(2024, 3, 12))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        message = failures["sponsor.union"].message("vi")
        assert message.startswith(
            "Người vào Đảng trong độ tuổi thanh niên phải là đoàn viên Đoàn Thanh niên "
            "Cộng sản Hồ Chí Minh"
        )
        assert "hội viên" not in message

    def test_neither_union_two_sponsors(self, workflow: Workflow, proposal: Proposal) -> None:
        """With no Youth Union and no trade union, two official members introduce (C-01)."""
        dossier = prepared(workflow, youth_union_member=False)
        dossier.organization = Organization(
            name="Chi bộ Thôn Tây", has_youth_union=False, has_trade_union=False
        )
        failed = proposal(dossier, D(2024, 3, 12))
        assert "sponsor.union" not in failed
        assert "sponsor.count" in failed
        dossier.sponsors.append(sponsor())
        assert "sponsor.count" not in proposal(dossier, D(2024, 3, 12))


class TestSponsorReplacement:
    """sponsor.replacement: C-08 waives the 12 months only for a real replacement."""

    def test_a_replacement_of_a_sponsor_on_the_dossier_passes(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow)
        dossier.sponsors.append(sponsor("Vũ", replaces="Lê Văn Dũng"))
        assert "sponsor.replacement" not in proposal(dossier, D(2024, 3, 12))

    def test_a_replacement_of_nobody_on_the_dossier_is_refused(
        self, workflow: Workflow, proposal: Proposal
    ) -> None:
        dossier = prepared(workflow)
        dossier.sponsors.append(sponsor("Vũ", alongside_since=D(2024, 2, 1), replaces="Ai đó"))
        failed = proposal(dossier, D(2024, 3, 12))
        assert "sponsor.replacement" in failed

    def test_a_replacement_still_needs_an_accepted_basis(self, workflow: Workflow) -> None:
        """QĐ 29 accepted work and study only, replacements included."""
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2021, 7, 29))
        dossier.sponsors.append(sponsor("Vũ", basis=Relation.RESIDENCE, replaces="Lê Văn Dũng"))
        failed = {
            f.rule_id
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2021, 7, 29), actor=Actor.BRANCH
            )
        }
        assert "sponsor.basis" in failed


class TestSponsorSameUnit:
    """
    sponsor.same_unit: "trong cùng một đơn vị thuộc phạm vi lãnh đạo của đảng bộ, chi bộ
    cơ sở" (C-05): the base organisation's unit, not the branch.
    """

    @pytest.mark.parametrize(
        ("branch", "sponsor_branch", "refused"),
        [
            ("X.1", "X.1", False),
            ("X.1", "X.2", True),
            ("X.1", None, False),
            (None, "X.2", False),
        ],
        ids=["same-branch", "other-branch", "sponsor-unrecorded", "dossier-without-code"],
    )
    def test_branch_codes(
        self,
        workflow: Workflow,
        proposal: Proposal,
        branch: str | None,
        sponsor_branch: str | None,
        refused: bool,
    ) -> None:
        """Without the base organisations recorded, the branches decide (the safer default)."""
        dossier = prepared(workflow)
        dossier.organization = attrs.evolve(dossier.organization, code=branch)
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], branch=sponsor_branch)
        assert ("sponsor.same_unit" in proposal(dossier, D(2024, 3, 12))) is refused

    @pytest.mark.parametrize(
        ("sponsor_branch", "sponsor_base", "refused"),
        [
            pytest.param("X.2", "X", False, id="sibling-branch-same-base"),
            pytest.param("X.1", "X", False, id="same-branch-same-base"),
            pytest.param("Y.1", "Y", True, id="branch-of-another-base"),
            pytest.param(None, "Y", True, id="another-base-branch-unrecorded"),
            pytest.param("X.2", None, True, id="sibling-branch-base-unrecorded"),
            pytest.param("X.1", None, False, id="same-branch-base-unrecorded"),
        ],
    )
    def test_base_organisations(
        self,
        workflow: Workflow,
        proposal: Proposal,
        sponsor_branch: str | None,
        sponsor_base: str | None,
        refused: bool,
    ) -> None:
        """
        A sponsor from a sibling branch under the candidate's base committee qualifies;
        failing the sponsor's base organisation, only the same branch does.
        """
        dossier = prepared(workflow)
        dossier.organization = attrs.evolve(dossier.organization, code="X.1", base_code="X")
        dossier.sponsors[0] = attrs.evolve(
            dossier.sponsors[0], branch=sponsor_branch, base_organization=sponsor_base
        )
        assert ("sponsor.same_unit" in proposal(dossier, D(2024, 3, 12))) is refused

    @pytest.mark.parametrize(
        ("basis", "refused"),
        [
            pytest.param(Relation.WORK, True, id="work"),
            pytest.param(Relation.STUDY, True, id="study"),
            pytest.param(Relation.RESIDENCE, False, id="residence"),
        ],
    )
    def test_judged_by_the_basis_the_sponsor_knows_the_candidate_on(
        self, workflow: Workflow, proposal: Proposal, basis: Relation, refused: bool
    ) -> None:
        """
        A neighbour whose own branch is at work elsewhere shares the residence area
        ("cùng sinh hoạt nơi cư trú", C-05, C-05a): their branch is not the unit.
        """
        dossier = prepared(workflow)
        dossier.organization = attrs.evolve(dossier.organization, code="X.1", base_code="X")
        dossier.sponsors[0] = attrs.evolve(
            dossier.sponsors[0], basis=basis, branch="Y.3", base_organization="Y"
        )
        assert ("sponsor.same_unit" in proposal(dossier, D(2024, 3, 12))) is refused

    def test_a_deployment_may_compare_residence_sponsors_too(self, workflow: Workflow) -> None:
        strict = Workflow().using(
            workflow.law.ruleset_for(D(2024, 3, 12)).with_policy(
                sponsor_unit_bases=frozenset(Relation)
            )
        )
        dossier = prepared(workflow)
        dossier.organization = attrs.evolve(dossier.organization, code="X.1", base_code="X")
        dossier.sponsors[0] = attrs.evolve(
            dossier.sponsors[0], basis=Relation.RESIDENCE, branch="Y.3", base_organization="Y"
        )
        add_vote(dossier, D(2024, 3, 12))
        failed = {
            f.rule_id
            for f in strict.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert "sponsor.same_unit" in failed

    def test_the_message_names_the_sponsor_and_the_other_base(self, workflow: Workflow) -> None:
        dossier = prepared(workflow)
        dossier.organization = attrs.evolve(dossier.organization, code="X.1", base_code="X")
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], branch="Y.1", base_organization="Y")
        add_vote(dossier, D(2024, 3, 12))
        failures = {
            f.rule_id: f
            for f in workflow.law.check(
                dossier, Step.PROPOSE_ADMISSION, on=D(2024, 3, 12), actor=Actor.BRANCH
            )
        }
        assert failures["sponsor.same_unit"].message("vi") == (
            "Người giới thiệu không cùng công tác, học tập với người vào Đảng trong một đơn vị "
            "thuộc phạm vi lãnh đạo của đảng bộ, chi bộ cơ sở: Lê Văn Dũng (Y)"
        )

    def test_the_base_codes_are_kept_and_older_documents_still_load(self) -> None:
        """The fields added for this rule round-trip; a document without them loads."""
        dossier = make_dossier(meeting=D(2024, 3, 12))
        dossier.organization = attrs.evolve(dossier.organization, code="X.1", base_code="X")
        dossier.sponsors[0] = attrs.evolve(dossier.sponsors[0], branch="X.2", base_organization="X")
        loaded = from_document(to_document(dossier))
        assert loaded.organization.base_code == "X"
        assert loaded.sponsors[0].base_organization == "X"
        older = to_document(make_dossier(meeting=D(2024, 3, 12)))
        assert "base_code" not in older["dossier"]["organization"]
        assert "base_organization" not in older["dossier"]["sponsors"][0]
        assert from_document(older).organization.base_code is None


class TestProbationHelper:
    """sponsor.probation_helper: assigned at the ceremony (HD 01-2021 §7c, I-01)."""

    def _recognition(self, workflow: Workflow) -> tuple[Dossier, D]:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = workflow.law.calendar.add_working_days(end, 5)
        ready_for_recognition(dossier, on)
        return dossier, on

    def test_assigned_official_helper_passes(self, workflow: Workflow, failing: Failing) -> None:
        dossier, on = self._recognition(workflow)
        assert "sponsor.probation_helper" not in failing(dossier, Step.PROPOSE_RECOGNITION, on)

    def test_no_helper_is_refused(self, workflow: Workflow, failing: Failing) -> None:
        dossier, on = self._recognition(workflow)
        dossier.probation_helper = None
        assert "sponsor.probation_helper" in failing(dossier, Step.PROPOSE_RECOGNITION, on)

    @pytest.mark.parametrize(("days", "refused"), [(-1, False), (0, False), (1, True)])
    def test_official_on_the_ceremony_day(
        self, workflow: Workflow, failing: Failing, days: int, refused: bool
    ) -> None:
        dossier, on = self._recognition(workflow)
        ceremony = dossier.ceremony_date
        assert ceremony is not None
        dossier.probation_helper = Member(
            name="Hoàng Văn Long",
            status=MemberStatus.OFFICIAL,
            official_since=ceremony.add(days=days),
        )
        failed = failing(dossier, Step.PROPOSE_RECOGNITION, on)
        assert ("sponsor.probation_helper" in failed) is refused
