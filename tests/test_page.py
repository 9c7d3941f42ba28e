"""
The report page's content, read as XML (issue 27, item 9): what it shows, and that nothing
drawn can pass the edge of its drawing. The browser measures the layout (test_browser.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import attrs
import pendulum
import pytest

from ketnap import (
    Actor,
    Dossier,
    OrganizationTree,
    Quotas,
    Sex,
    SQLiteStore,
    Stage,
    Step,
    TransitionRefused,
    Unit,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.page import report_page
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING

SVG = "{http://www.w3.org/2000/svg}"
TREE = OrganizationTree(
    [
        Unit(code="H", name="Huyện", level="district"),
        Unit(code="X", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
        Unit(code="X.1", name="Chi bộ thôn Đông, Đảng bộ xã Tam Hồng", level="branch",
             parent="X"),
        Unit(code="X.2", name="Chi bộ thôn Tây, Đảng bộ xã Tam Hồng", level="branch",
             parent="X"),
        Unit(code="C", name="Chi bộ Trường A", level="base_branch", parent="H"),
        Unit(code="D", name="Chi bộ Trạm y tế", level="base_branch", parent="H"),
    ]
)  # fmt: skip
YEAR_END = pendulum.Date(2024, 12, 31)


def dossier(
    number: int, branch: str, stage: Stage, workflow: Workflow, **candidate: Any
) -> Dossier:
    made = make_dossier(meeting=MEETING, id=f"HS-{number}", organization=TREE.organization(branch))
    made.candidate = attrs.evolve(made.candidate, **candidate)
    walk(workflow, made, meeting=MEETING, until=stage)
    return made


def refused(workflow: Workflow) -> Dossier:
    """A dossier whose branch proposal was refused for want of a vote, the refusal kept."""
    made = dossier(9, "X.2", Stage.PREPARED, workflow)
    made.votes.clear()
    with pytest.raises(TransitionRefused) as caught:
        workflow.advance(made, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BRANCH)
    workflow.record_refusal(made, caught.value)
    return made


@pytest.fixture(scope="module")
def page() -> Iterator[str]:
    workflow = Workflow()
    dossiers = [
        dossier(1, "X.1", Stage.PROBATION, workflow, sex=Sex.FEMALE),
        dossier(2, "X.1", Stage.PROBATION, workflow, ethnic_minority=True),
        dossier(3, "C", Stage.PROBATION, workflow, religious=True),
        refused(workflow),
    ]
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save_all(dossiers)
        # The commune's quota is 1 and it admitted 2: its bar goes over the plan.
        quotas = Quotas({("X", 2024): 1, ("C", 2024): 2, ("D", 2024): 1})
        yield report_page(store, TREE, quotas, unit="H", year=2024, on=YEAR_END, law=workflow.law)


def body(page: str) -> ET.Element:
    """The page's body as XML: ketnap writes it well-formed, every attribute quoted."""
    # Our own page, made by the test: not untrusted input.
    return ET.fromstring(page[page.index("<body>") : page.index("</body>") + len("</body>")])  # noqa: S314


def cells(row: ET.Element) -> list[str]:
    return ["".join(cell.itertext()) for cell in row]


def table(page: str, key: str) -> list[list[str]]:
    found = body(page).find(f".//table[@{key}]")
    assert found is not None, key
    return [cells(row) for row in found.iter("tr")]


def test_the_page_shows_the_composition_of_the_admitted(page: str) -> None:
    rows = table(page, 'data-table="composition"')
    assert rows[0][0] == "Đã kết nạp: 3"
    assert rows[1:] == [
        ["Nữ", "1", "33,3%"],
        ["Trong độ tuổi đoàn viên", "3", "100,0%"],
        ["Dân tộc thiểu số", "1", "33,3%"],
        ["Người theo tôn giáo", "1", "33,3%"],
        ["Kết nạp lại", "0", "0,0%"],
    ]


def test_refused_attempts_are_listed_by_rule_with_its_clause(page: str) -> None:
    rows = table(page, 'data-table="refusals"')
    assert rows[0] == ["Quy tắc", "Căn cứ", "Số lần"]
    ((rule, clause, times),) = rows[1:]
    assert (rule, times) == ("vote.branch_admission", "1")
    assert clause  # the clause the rule cites, from the rules in force on the report date


def test_branches_with_no_admission_are_listed_under_their_base(page: str) -> None:
    idle = body(page).find(".//div[@data-list='idle']")
    assert idle is not None
    groups = {"".join(section.findtext("h3") or ""): section.findtext("p") for section in idle}
    # The commune's branch is named without the commune it repeats; base branches together.
    assert groups == {"Đảng bộ xã Tam Hồng (1)": "Chi bộ thôn Tây", "Chi bộ cơ sở (1)":
                      "Chi bộ Trạm y tế"}  # fmt: skip
    assert "Chi bộ chưa kết nạp được đảng viên trong năm (2)" in page


def test_a_bar_over_its_quota_is_drawn_whole_inside_its_drawing(page: str) -> None:
    rows = body(page).findall(".//table[@data-chart='quotas']/tbody/tr")
    assert [cells(row)[:4] for row in rows] == [
        ["Đảng bộ xã Tam Hồng", "2", "1", "200,0%"],
        ["Chi bộ Trường A", "1", "2", "50,0%"],
        ["Chi bộ Trạm y tế", "0", "1", "0,0%"],
    ]
    commune = rows[0].find(f".//{SVG}svg")
    assert commune is not None
    parts = {rect.get("data-part"): rect for rect in commune.iter(f"{SVG}rect")}
    assert set(parts) == {"done", "over", "plan"}  # the part over the plan is drawn apart
    for row in rows:
        svg = row.find(f".//{SVG}svg")
        assert svg is not None
        width = float((svg.get("viewBox") or "").split()[2])
        for rect in svg.iter(f"{SVG}rect"):
            assert float(rect.get("x", "0")) >= 0
            assert float(rect.get("x", "0")) + float(rect.get("width", "0")) <= width + 0.01


def test_the_month_chart_has_an_axis_values_and_a_legend_naming_the_plan(page: str) -> None:
    figure = body(page).find(".//figure[@data-figure-chart='months']")
    assert figure is not None
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    texts = {
        part: [t.text for t in svg.iter(f"{SVG}text") if t.get("data-part") == part]
        for part in ("tick", "month", "value", "axis")
    }
    assert texts["tick"] == ["0", "1", "2", "3", "4"]  # up to the plan of 4, the highest
    assert len(texts["month"]) == 12
    assert sum(int(v or 0) for v in texts["value"]) == 3  # each month's admissions, written
    assert texts["axis"] == ["Số đảng viên kết nạp"]
    lines = {line.get("data-line") for line in svg.iter(f"{SVG}polyline")}
    assert lines == {"running", "plan"}
    # The legend is a caption below the drawing, never on it, and names each line.
    caption = figure.find("figcaption")
    assert caption is not None
    legend = ["".join(entry.itertext()) for entry in caption]
    assert legend == [
        "Kết nạp trong tháng (số trên cột)",
        "Cộng dồn đã kết nạp: 3",
        "Kế hoạch cộng dồn (chỉ tiêu 4 chia đều 12 tháng)",
    ]


def test_the_page_prints_on_a4(page: str) -> None:
    style = re.search(r"<style>(.*)</style>", page, re.DOTALL)
    assert style is not None
    assert "@page{size:A4;" in style.group(1)
    assert "@media print{" in style.group(1)
    # Nothing outside the file: no script, no stylesheet, no image fetched.
    assert "<script" not in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_without_a_quota_the_legend_says_there_is_no_plan_line() -> None:
    workflow = Workflow()
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        made = report_page(store, TREE, Quotas(), unit="H", year=2024, on=YEAR_END,
                           law=workflow.law, lang="en")  # fmt: skip
    figure = body(made).find(".//figure[@data-figure-chart='months']")
    assert figure is not None
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    assert {line.get("data-line") for line in svg.iter(f"{SVG}polyline")} == {"running"}
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("data-part") == "tick"]
    assert ticks == ["0", "1"]  # nothing admitted: still an axis
    caption = figure.find("figcaption")
    assert caption is not None
    assert "No quota: no plan line" in "".join(caption.itertext())
    assert "Every branch has admitted." not in made  # nobody admitted: every branch is idle
    assert "No refused attempt in the period." in made
