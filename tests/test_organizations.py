"""The organisation tree, its levels before and after 2025, quotas and courses."""

from __future__ import annotations

import pendulum
import pytest

from ketnap import LEVELS_2025, Actor, Course, InvalidInput, OrganizationTree, Quotas, Unit


def district(*, may_admit: bool = False) -> OrganizationTree:
    return OrganizationTree(
        [
            Unit(code="H", name="Huyện", level="district"),
            Unit(code="X", name="Xã", level="base_committee", parent="H", may_admit=may_admit),
            Unit(code="X.1", name="Thôn 1", level="branch", parent="X", members=30),
            Unit(code="X.2", name="Thôn 2", level="branch", parent="X", members=20),
            Unit(code="C", name="Trường", level="base_branch", parent="H", members=15),
        ]
    )


def test_navigation_counts_members_branches_and_base_units() -> None:
    tree = district()
    assert tree.members("H") == 65
    assert tree.members("X") == 50
    assert [u.code for u in tree.branches("H")] == ["X.1", "X.2", "C"]
    assert [u.code for u in tree.base_units("H")] == ["X", "C"]
    assert tree.base_of("X.2").code == "X"
    assert tree.base_of("C").code == "C"
    assert [u.code for u in tree.ancestors("X.1")] == ["X", "H"]


def test_a_branch_under_a_base_committee_goes_through_it() -> None:
    tree = district()
    assert tree.organization("X.1").under_base_committee is True
    assert tree.organization("C").under_base_committee is False
    assert tree.organization("X.1").code == "X.1"
    assert tree.competent_committee("X.1").code == "H"
    assert tree.competent_committee("C").code == "H"


def test_an_authorised_base_committee_decides_itself() -> None:
    tree = district(may_admit=True)
    assert tree.competent_committee("X.2").code == "X"
    assert tree.organization("X.2").base_committee_may_admit is True


def test_the_2025_levels_put_a_commune_committee_above_base_organisations() -> None:
    tree = OrganizationTree(
        [
            Unit(code="T", name="Tỉnh Phú Thọ", level="province"),
            Unit(code="YL", name="Đảng bộ xã Yên Lạc", level="commune", parent="T"),
            Unit(code="YL.1", name="Chi bộ cơ sở thôn 1", level="base_branch", parent="YL"),
        ],
        levels=LEVELS_2025,
    )
    assert tree.competent_committee("YL.1").code == "YL"
    assert "Đảng bộ xã, phường, đặc khu: 1" in tree.describe("vi")


def _u(code: str, level: str, parent: str | None = None) -> Unit:
    return Unit(code=code, name=code, level=level, parent=parent)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([_u("H", "district"), _u("H", "district")], "used twice"),
        ([_u("H", "county")], "unknown level 'county'"),
        ([_u("H", "district"), _u("B", "branch", "Z")], "unknown parent"),
        ([_u("B", "branch"), _u("H", "district", "B")], "is not below"),
        ([_u("A", "district"), _u("B", "district")], "one root"),
    ],
)
def test_an_impossible_tree_is_refused(units: list[Unit], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        OrganizationTree(units)


def test_a_unit_that_is_not_a_branch_carries_no_dossier() -> None:
    with pytest.raises(InvalidInput, match="not a branch"):
        district().organization("X")
    with pytest.raises(InvalidInput, match="no unit has code 'Q'"):
        district().unit("Q")


def test_the_tree_survives_its_data_form() -> None:
    tree = district(may_admit=True)
    again = OrganizationTree.from_data(tree.to_data())
    assert again.to_data() == tree.to_data()
    with pytest.raises(InvalidInput, match="malformed"):
        OrganizationTree.from_data({"levels": [], "units": [{"code": "H"}]})


def test_a_unit_carries_its_committee_name_given_or_derived() -> None:
    """Issue 25: the committee (Đảng ủy xã …) beside the organisation (Đảng bộ xã …)."""
    tree = OrganizationTree(
        [
            Unit(
                code="H",
                name="Đảng bộ huyện Yên Lạc",
                level="district",
                committee="Huyện ủy Yên Lạc",
            ),
            Unit(code="X", name="Đảng bộ xã Xuân Thành", level="base_committee", parent="H"),
            Unit(code="X.1", name="Chi bộ thôn 1", level="branch", parent="X"),
        ]
    )
    assert tree.unit("H").committee_name == "Huyện ủy Yên Lạc"
    assert tree.unit("X").committee_name == "Đảng ủy xã Xuân Thành"
    assert tree.unit("X.1").committee_name == "Chi bộ thôn 1"
    data = tree.to_data()
    assert data["units"][0]["committee"] == "Huyện ủy Yên Lạc"
    assert "committee" not in data["units"][1]  # not given: left out
    again = OrganizationTree.from_data(data)
    assert again.to_data() == data
    assert again.unit("X").committee_name == "Đảng ủy xã Xuân Thành"
    data["units"][1]["committee"] = "  "
    with pytest.raises(InvalidInput) as caught:
        OrganizationTree.from_data(data)
    assert caught.value.field == "tree.units[1].committee"


def test_a_plan_is_the_own_quota_or_the_sum_below() -> None:
    tree = district()
    quotas = Quotas({("X", 2021): 6, ("C", 2021): 2})
    assert quotas.target(tree, "H", 2021) == 8
    assert quotas.target(tree, "X", 2021) == 6
    assert quotas.target(tree, "H", 2022) is None
    quotas.assign("H", 2021, 10)  # the district's own figure wins over the sum
    assert quotas.target(tree, "H", 2021) == 10
    with pytest.raises(InvalidInput):
        quotas.assign("X", 2021, -1)


def test_a_course_ends_after_it_opens() -> None:
    with pytest.raises(InvalidInput, match="before opened_on"):
        Course(code="K", unit="H", opened_on=pendulum.Date(2021, 3, 19),
               closed_on=pendulum.Date(2021, 3, 15), trainees=9)  # fmt: skip


def test_roles_come_from_the_tree() -> None:
    tree = district()
    assert tree.role("X.1", "X.1") is Actor.BRANCH
    assert tree.role("X", "X.1") is Actor.BASE_COMMITTEE
    assert tree.role("H", "X.1") is Actor.COMPETENT_COMMITTEE
    assert tree.role("X.2", "X.1") is None
    assert tree.role("C", "X.1") is None
    assert tree.role("H", "C") is Actor.COMPETENT_COMMITTEE
    authorised = district(may_admit=True)
    assert authorised.role("X", "X.1") is Actor.COMPETENT_COMMITTEE
    assert authorised.role("H", "X.1") is None
