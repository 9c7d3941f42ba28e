"""The forms offices sign, filled from a dossier and read back with python-docx (issue 14, 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pendulum
import pytest
from click.testing import CliRunner
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from ketnap import (
    Actor,
    Dossier,
    InvalidInput,
    Law,
    OrganizationTree,
    Stage,
    Step,
    Unit,
    Workflow,
)
from ketnap.cli import cli
from ketnap.forms import FORMS, TEMPLATES, FormRefused, Signature, form_fields, write_form
from ketnap.storage import SQLiteStore
from ketnap.testing import lifecycle, make_dossier
from tests.conftest import MEETING

TREE = OrganizationTree(
    [
        Unit(
            code="H", name="Đảng bộ huyện Yên Lạc", level="district", committee="Huyện ủy Yên Lạc"
        ),
        Unit(code="X", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
        Unit(code="X.1", name="Chi bộ thôn Đông & Tây", level="branch", parent="X", members=20),
        Unit(code="C", name="Chi bộ cơ sở Trường A", level="base_branch", parent="H"),
    ]
)
SIGNER = Signature(place="Yên Lạc", signer="Trần Văn Bình")
LAW = Law()
NUMBERS: dict[str, str] = {
    Step.PROPOSE_ADMISSION: "05-NQ/CB",
    Step.ENDORSE: "12-NQ/ĐU",
    Step.DECIDE_ADMISSION: "123-QĐ/HU",
    Step.PROPOSE_RECOGNITION: "07-NQ/CB",
    Step.ENDORSE_RECOGNITION: "30-NQ/ĐU",
    Step.RECOGNIZE: "456-QĐ/HU",
}


def member(branch: str = "X.1", until: str = Stage.CARD_ISSUED) -> Dossier:
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization(branch))
    for step, on, actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
        workflow.advance(dossier, step, on=on, actor=actor, reference=NUMBERS.get(step))
        if dossier.stage == until:
            break
    return dossier


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


@pytest.fixture(scope="module")
def full_member() -> Dossier:
    return member()


@pytest.mark.parametrize("code", ["6-KNĐ", "8-KNĐ", "9-KNĐ", "13-KNĐ", "16-KNĐ"])
def test_every_act_form_is_a_party_document_with_its_facts(
    full_member: Dossier, tmp_path: Path, code: str
) -> None:
    path = write_form(code, full_member, tmp_path / "f.docx", tree=TREE, signature=SIGNER, law=LAW)
    text = text_of(path)
    entry = LAW.process.last_act(full_member, FORMS[code].tag or "")
    assert entry is not None
    # The layout of a party document: the Party, the body, number, place and date, T/M.
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert f"Số {entry.reference}" in text
    assert f"Yên Lạc, ngày {entry.on.day:02d} tháng {entry.on.month} năm {entry.on.year}" in text
    assert "T/M " in text
    assert "Trần Văn Bình" in text
    assert full_member.candidate.name in text
    assert f"{full_member.candidate.birth_date:%d/%m/%Y}" in text
    assert "Chi bộ thôn Đông & Tây" in text  # escaped, not breaking the XML
    assert "{{" not in text
    assert "{%" not in text


def test_the_branch_resolution_carries_the_vote_and_the_next_body(
    full_member: Dossier, tmp_path: Path
) -> None:
    text = text_of(
        write_form("6-KNĐ", full_member, tmp_path / "6.docx", tree=TREE, signature=SIGNER, law=LAW)
    )
    vote = full_member.votes[0]
    assert f"Số đảng viên chính thức được triệu tập: {vote.members_counted}" in text
    assert f"số tán thành: {vote.in_favour} đồng chí, đạt 91,7%" in text
    assert "CHI BỘ THÔN ĐÔNG & TÂY" in text
    assert "ĐẢNG BỘ XÃ TAM HỒNG" in text  # the body above the issuer
    assert "Chi bộ đề nghị Đảng ủy xã Tam Hồng xem xét" in text


def test_the_decision_answers_the_endorsement_and_states_probation(
    full_member: Dossier, tmp_path: Path
) -> None:
    text = text_of(
        write_form("9-KNĐ", full_member, tmp_path / "9.docx", tree=TREE, signature=SIGNER, law=LAW)
    )
    assert "Xét đề nghị của Đảng ủy xã Tam Hồng (Nghị quyết số 12-NQ/ĐU" in text
    assert "BAN THƯỜNG VỤ HUYỆN ỦY YÊN LẠC QUYẾT ĐỊNH:" in text
    assert "Thời gian dự bị 12 tháng" in text
    assert "Căn cứ Quy định số 24-QĐ/TW" in text


def test_a_body_that_resolves_or_proposes_is_named_by_its_committee(
    full_member: Dossier,
) -> None:
    """Issue 25: "Đảng ủy xã …" where the committee acts, "Đảng bộ …" for the one above."""
    endorsement = form_fields("8-KNĐ", full_member, tree=TREE, signature=SIGNER, law=LAW)
    assert endorsement["issuer"] == "Đảng ủy xã Tam Hồng"  # derived from "Đảng bộ xã …"
    assert endorsement["issuer_upper"] == "ĐẢNG ỦY XÃ TAM HỒNG"
    assert endorsement["superior"] == "ĐẢNG BỘ HUYỆN YÊN LẠC"  # the organisation above
    assert endorsement["next_body"] == "Huyện ủy Yên Lạc"  # given in the tree
    decision = form_fields("9-KNĐ", full_member, tree=TREE, signature=SIGNER, law=LAW)
    assert decision["proposer"] == "Đảng ủy xã Tam Hồng"
    assert decision["issuer_upper"] == "HUYỆN ỦY YÊN LẠC"
    assert decision["branch"] == "Chi bộ thôn Đông & Tây"  # a branch keeps its name
    resolution = form_fields("6-KNĐ", full_member, tree=TREE, signature=SIGNER, law=LAW)
    assert resolution["issuer"] == "Chi bộ thôn Đông & Tây"
    assert resolution["superior"] == "ĐẢNG BỘ XÃ TAM HỒNG"


def test_the_recognition_decision_names_the_day_of_full_membership(
    full_member: Dossier, tmp_path: Path
) -> None:
    text = text_of(write_form("16-KNĐ", full_member, tmp_path / "16.docx", tree=TREE,
                              signature=SIGNER, law=LAW))  # fmt: skip
    ceremony = full_member.ceremony_date
    assert ceremony is not None
    official = ceremony.add(years=1)
    assert f"là đảng viên chính thức kể từ ngày {official:%d/%m/%Y}" in text


def test_a_base_branch_proposes_straight_to_the_competent_committee(tmp_path: Path) -> None:
    dossier = member("C", until=Stage.PROPOSED)
    text = text_of(
        write_form("6-KNĐ", dossier, tmp_path / "6.docx", tree=TREE, signature=SIGNER, law=LAW)
    )
    assert "Chi bộ đề nghị Huyện ủy Yên Lạc xem xét" in text


def test_missing_facts_are_listed_and_nothing_is_written(tmp_path: Path) -> None:
    dossier = member(until=Stage.PREPARED)
    target = tmp_path / "9.docx"
    with pytest.raises(FormRefused) as refused:
        write_form("9-KNĐ", dossier, target, tree=None, signature=Signature(), law=LAW)
    assert not target.exists()
    text = refused.value.text("en")
    for fact in ("organisation tree", "'Admission decision' is not recorded", "place",
                 "signer"):  # fmt: skip
        assert fact in text
    assert "Không lập được mẫu 9-KNĐ" in refused.value.text("vi")


def test_an_act_without_its_number_is_refused() -> None:
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
    for step, on, actor in lifecycle(dossier, meeting=MEETING, workflow=workflow):
        workflow.advance(dossier, step, on=on, actor=actor)
        if dossier.stage == Stage.PROPOSED:
            break
    with pytest.raises(FormRefused, match="document number"):
        form_fields("6-KNĐ", dossier, tree=TREE, signature=SIGNER, law=LAW)


def test_the_checklist_marks_present_missing_and_stale(tmp_path: Path) -> None:
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
    del dossier.documents["5-KNĐ"]
    # The last day a document may be used is 12 months after it; stale the day after.
    on = dossier.documents["3-KNĐ"].dated.add(months=12).add(days=1)
    path = write_form(
        "checklist", dossier, tmp_path / "c.docx", tree=TREE, signature=Signature(), on=on, law=LAW
    )
    rows = [
        [cell.text for cell in row.cells] for row in docx.Document(str(path)).tables[0].rows[1:]
    ]
    status = {row[0]: row[3] for row in rows}
    assert status["5-KNĐ"] == "thiếu"
    assert status["1-KNĐ"] == "có"  # an application does not go stale
    assert status["3-KNĐ"] == "quá hạn"
    the_day_before = form_fields(
        "checklist", dossier, tree=TREE, signature=Signature(), on=on.subtract(days=1), law=LAW
    )
    assert {row["form"]: row["status"] for row in the_day_before["rows"]}["3-KNĐ"] == "có"


def test_the_checklist_needs_its_date() -> None:
    with pytest.raises(InvalidInput, match="checklist is dated"):
        form_fields("checklist", member(until=Stage.PREPARED), tree=TREE, signature=SIGNER, law=LAW)


def refused_member() -> Dossier:
    """A probationary member the competent committee did not recognise (QĐ 29 §4.3.1)."""
    workflow = Workflow(LAW)
    dossier = member(until=Stage.RECOGNITION_ENDORSED)
    on = workflow.law.calendar.add_working_days(dossier.history[-1].on, 5)
    workflow.advance(dossier, Step.REFUSE_RECOGNITION, on=on,
                     actor=Actor.COMPETENT_COMMITTEE, reference="789-QĐ/HU")  # fmt: skip
    return dossier


def test_every_template_uses_only_the_facts_ketnap_gives(full_member: Dossier) -> None:
    refused = refused_member()
    for form in FORMS.values():
        used = DocxTemplate(str(TEMPLATES / form.template)).get_undeclared_template_variables()
        dossier = refused if form.tag == "recognition_refusal" else full_member
        given = form_fields(form.code, dossier, tree=TREE, signature=SIGNER, on=MEETING, law=LAW)
        assert used <= set(given), (form.code, used - set(given))


def test_the_refusal_of_recognition_is_a_decision_removing_the_name(tmp_path: Path) -> None:
    """QĐ 29 §4.3.1: the committee may not agree; its decision goes to the branch."""
    dossier = refused_member()
    path = write_form("khong-cong-nhan", dossier, tmp_path / "kcn.docx", tree=TREE,
                      signature=SIGNER, law=LAW)  # fmt: skip
    text = text_of(path)
    assert "Số 789-QĐ/HU" in text
    assert "không công nhận đảng viên chính thức, xóa tên trong danh sách đảng viên dự bị" in text
    assert "Xét đề nghị của Đảng ủy xã Tam Hồng (Nghị quyết số 30-NQ/ĐU" in text
    assert "BAN THƯỜNG VỤ HUYỆN ỦY YÊN LẠC QUYẾT ĐỊNH:" in text
    assert "Điều 1. Không công nhận đồng chí Nguyễn Văn An" in text
    assert "kết nạp theo Quyết định số 123-QĐ/HU" in text
    assert "Điều 2. Xóa tên đồng chí Nguyễn Văn An trong danh sách đảng viên dự bị." in text
    assert "- Chi bộ thôn Đông & Tây," in text  # the branch is told the result
    assert "Mẫu" not in text  # HD 12 numbers no form for it: none is printed
    assert "{{" not in text


def test_the_refusal_form_needs_the_refusal() -> None:
    with pytest.raises(FormRefused, match="'Recognition refused: removed from the"):
        form_fields("khong-cong-nhan", member(), tree=TREE, signature=SIGNER, law=LAW)


def test_a_deployment_template_using_an_unknown_fact_is_refused(
    full_member: Dossier, tmp_path: Path
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    shutil.copy(TEMPLATES / "6-KND.docx", own / "6-KND.docx")
    shutil.copy(TEMPLATES / "9-KND.docx", own / "9-KND.docx")
    document = docx.Document(str(own / "9-KND.docx"))
    document.add_paragraph("{{ rank_of_the_secretary }}")
    document.save(str(own / "9-KND.docx"))
    with pytest.raises(InvalidInput, match="does not give"):
        write_form("9-KNĐ", full_member, tmp_path / "9.docx", tree=TREE, signature=SIGNER,
                   law=LAW, templates=own)  # fmt: skip
    assert write_form("6-KND", full_member, tmp_path / "6.docx", tree=TREE, signature=SIGNER,
                      law=LAW, templates=own).exists()  # fmt: skip


def test_the_command_line_lists_and_fills_forms(full_member: Dossier, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    with SQLiteStore(store) as opened:
        opened.save_tree(TREE)
        opened.save(full_member)
    runner = CliRunner()
    listed = runner.invoke(cli, ["forms", "--lang", "en"])
    assert "9-KNĐ" in listed.output
    assert "Admission decision" in listed.output
    out = tmp_path / "qd.docx"
    done = runner.invoke(
        cli, ["form", "--store", str(store), "9-KND", full_member.id, "--out", str(out),
              "--place", "Yên Lạc", "--signer", "Trần Văn Bình"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "123-QĐ/HU" in text_of(out)
    refused = runner.invoke(cli, ["form", "--store", str(store), "9-KNĐ", full_member.id])
    assert refused.exit_code == 1
    assert "họ tên người ký" in refused.output
    unknown = runner.invoke(cli, ["form", "--store", str(store), "99-KNĐ", full_member.id])
    assert unknown.exit_code == 2


def test_a_date_in_a_party_document_keeps_its_leading_zeros() -> None:
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    facts = form_fields(
        "checklist", dossier, tree=TREE, signature=SIGNER, on=pendulum.date(2024, 2, 5), law=LAW
    )
    assert facts["long_date"] == "ngày 05 tháng 02 năm 2024"


@pytest.mark.parametrize(
    ("code", "author"),
    [
        ("6-KNĐ", "Chi bộ thôn Đông & Tây"),
        ("8-KNĐ", "Đảng ủy xã Tam Hồng"),
        ("9-KNĐ", "Huyện ủy Yên Lạc"),
        ("13-KNĐ", "Chi bộ thôn Đông & Tây"),
        ("16-KNĐ", "Huyện ủy Yên Lạc"),
        ("khong-cong-nhan", "Huyện ủy Yên Lạc"),
        ("checklist", "Chi bộ thôn Đông & Tây"),
    ],
)
def test_the_file_names_the_issuing_body_as_its_author_not_the_library(
    full_member: Dossier, tmp_path: Path, code: str, author: str
) -> None:
    """The .docx properties say who issued the paper, its title and its date (issue 27)."""
    dossier = refused_member() if code == "khong-cong-nhan" else full_member
    path = write_form(code, dossier, tmp_path / "f.docx", tree=TREE, signature=SIGNER,
                      on=MEETING, law=LAW)  # fmt: skip
    properties = docx.Document(str(path)).core_properties
    assert (properties.author, properties.last_modified_by) == (author, author)
    assert properties.title == FORMS[code].title.vi
    assert "python-docx" not in f"{properties.author}{properties.comments}"
    tag = FORMS[code].tag
    entry = None if tag is None else LAW.process.last_act(dossier, tag)
    day = MEETING if entry is None else entry.on
    assert properties.created is not None
    assert properties.created.date() == day
    assert properties.modified == properties.created
