"""
Write the .docx templates of `ketnap.forms` (src/ketnap/forms/templates/).

    .venv/bin/python tools/form_templates.py

The templates are Word documents with Jinja placeholders (docxtpl): a deployment may
replace any of them with its own, laid out as its office writes, using the facts that
`ketnap.forms.form_facts` lists. These are the plain layout of a party document: the
issuing body and the number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date
on the right, the title, the text, the recipients and the "T/M" signature block.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

TEMPLATES = Path(__file__).parent.parent / "src" / "ketnap" / "forms" / "templates"

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def line(
    cell: _Cell | DocumentObject,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH = CENTER,
    size: int = 13,
) -> None:
    """Add one paragraph of *text* to a table cell or the document."""
    paragraph = cell.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)


def document(
    *,
    code: str | None,
    title: str,
    subtitle: str,
    body: list[str],
    signing: str,
    recipients: list[str],
) -> DocumentObject:
    """
    One party document: header, title, body, recipients and signature block.

    *code* is the form's number in HD 12-HD/BTCTW, printed at the top ("Mẫu 9-KNĐ");
    None for a paper the guide does not number.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    if code is not None:
        line(doc, f"Mẫu {code}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, size=11)
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].text = "{%p if superior %}"
    line(left, "{{ superior }}")
    left.add_paragraph("{%p endif %}")
    line(left, "{{ issuer_upper }}", bold=True)
    line(left, "*")
    line(left, "Số {{ number }}")
    line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    line(right, "{{ place }}, {{ long_date }}", italic=True)
    line(doc, "")
    line(doc, title, bold=True, size=14)
    line(doc, subtitle, bold=True, size=14)
    line(doc, "-----")
    for text in body:
        line(doc, text, align=JUSTIFY, size=14)
    footer = doc.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    line(left, "Nơi nhận:", bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    for recipient in recipients:
        line(left, f"- {recipient},", align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    line(left, "- Lưu.", align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    line(right, signing, bold=True, size=14)
    line(right, "{{ signer_title }}", bold=True, size=14)
    for _ in range(3):
        line(right, "")
    line(right, "{{ signer }}", bold=True, size=14)
    return doc


VOTE = (
    "Số đảng viên chính thức được triệu tập: {{ counted }}; số tán thành: {{ in_favour }} "
    "đồng chí, đạt {{ percent }}."
)
COMMITTEE_VOTE = (
    "Số cấp ủy viên được triệu tập: {{ counted }}; số tán thành: {{ in_favour }} "
    "đồng chí, đạt {{ percent }}."
)
BASES = [
    "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "- Căn cứ Quy định số {{ regulation }} thi hành Điều lệ Đảng;",
    (
        "- Xét đề nghị của {{ proposer }} (Nghị quyết số {{ proposal_number }}, "
        "{{ proposal_long_date }}),"
    ),
]

FORMS = {
    "6-KND.docx": document(
        code="6-KNĐ",
        title="NGHỊ QUYẾT",
        subtitle="đề nghị kết nạp đảng viên",
        body=[
            (
                "{{ long_act_date | capitalize }}, {{ issuer }} họp xét đề nghị kết nạp quần chúng "
                "{{ name }} vào Đảng Cộng sản Việt Nam."
            ),
            "Quần chúng {{ name }}, sinh ngày {{ birth_date }}, trình độ học vấn: {{ education }}.",
            VOTE,
            (
                "Chi bộ đề nghị {{ next_body }} xem xét, quyết định kết nạp quần chúng {{ name }} "
                "vào Đảng Cộng sản Việt Nam."
            ),
        ],
        signing="T/M CHI BỘ",
        recipients=["{{ next_body }}"],
    ),
    "8-KND.docx": document(
        code="8-KNĐ",
        title="NGHỊ QUYẾT",
        subtitle="đề nghị kết nạp đảng viên",
        body=[
            (
                "Xét Nghị quyết số {{ proposal_number }}, {{ proposal_long_date }} của "
                "{{ branch }} đề nghị kết nạp quần chúng {{ name }}, sinh ngày {{ birth_date }}, "
                "vào Đảng."
            ),
            "{{ long_act_date | capitalize }}, {{ issuer }} họp xét.",
            COMMITTEE_VOTE,
            (
                "{{ issuer }} đề nghị {{ next_body }} xem xét, quyết định kết nạp quần chúng "
                "{{ name }} vào Đảng Cộng sản Việt Nam."
            ),
        ],
        signing="T/M ĐẢNG ỦY",
        recipients=["{{ next_body }}", "{{ branch }}"],
    ),
    "9-KND.docx": document(
        code="9-KNĐ",
        title="QUYẾT ĐỊNH",
        subtitle="kết nạp đảng viên",
        body=[
            *BASES,
            "BAN THƯỜNG VỤ {{ issuer_upper }} QUYẾT ĐỊNH:",
            (
                "Điều 1. Kết nạp quần chúng {{ name }}, sinh ngày {{ birth_date }}, sinh hoạt tại "
                "{{ branch }}, vào Đảng Cộng sản Việt Nam. Thời gian dự bị {{ probation_months }} "
                "tháng, kể từ ngày chi bộ tổ chức lễ kết nạp."
            ),
            "Điều 2. {{ branch }} và đồng chí {{ name }} thi hành Quyết định này.",
        ],
        signing="T/M BAN THƯỜNG VỤ",
        recipients=["{{ branch }}", "đồng chí {{ name }}"],
    ),
    "13-KND.docx": document(
        code="13-KNĐ",
        title="NGHỊ QUYẾT",
        subtitle="đề nghị công nhận đảng viên chính thức",
        body=[
            (
                "{{ long_act_date | capitalize }}, {{ issuer }} họp xét đề nghị công nhận đảng "
                "viên dự bị {{ name }} là đảng viên chính thức."
            ),
            (
                "Đồng chí {{ name }}, sinh ngày {{ birth_date }}, được kết nạp vào Đảng theo Quyết "
                "định số {{ decision_number }}, {{ decision_long_date }}; lễ kết nạp ngày "
                "{{ ceremony_date }}; hết thời gian dự bị ngày {{ probation_end }}."
            ),
            VOTE,
            (
                "Chi bộ đề nghị {{ next_body }} xem xét, quyết định công nhận đồng chí {{ name }} "
                "là đảng viên chính thức."
            ),
        ],
        signing="T/M CHI BỘ",
        recipients=["{{ next_body }}"],
    ),
    "16-KND.docx": document(
        code="16-KNĐ",
        title="QUYẾT ĐỊNH",
        subtitle="công nhận đảng viên chính thức",
        body=[
            *BASES,
            "BAN THƯỜNG VỤ {{ issuer_upper }} QUYẾT ĐỊNH:",
            (
                "Điều 1. Công nhận đồng chí {{ name }}, sinh ngày {{ birth_date }}, đảng viên dự "
                "bị, sinh hoạt tại {{ branch }}, là đảng viên chính thức kể từ ngày "
                "{{ full_membership_date }}."
            ),
            "Điều 2. {{ branch }} và đồng chí {{ name }} thi hành Quyết định này.",
        ],
        signing="T/M BAN THƯỜNG VỤ",
        recipients=["{{ branch }}", "đồng chí {{ name }}"],
    ),
    # QĐ 29 §4.3.1: the committee may not agree to a recognition, and tells the branch.
    # HD 12 numbers no form for it: the layout of 16-KNĐ, without a form number.
    "khong-cong-nhan.docx": document(
        code=None,
        title="QUYẾT ĐỊNH",
        subtitle="không công nhận đảng viên chính thức, xóa tên trong danh sách đảng viên dự bị",
        body=[
            *BASES,
            "BAN THƯỜNG VỤ {{ issuer_upper }} QUYẾT ĐỊNH:",
            (
                "Điều 1. Không công nhận đồng chí {{ name }}, sinh ngày {{ birth_date }}, đảng "
                "viên dự bị (kết nạp theo Quyết định số {{ decision_number }}, "
                "{{ decision_long_date }}), sinh hoạt tại {{ branch }}, là đảng viên chính thức."
            ),
            "Điều 2. Xóa tên đồng chí {{ name }} trong danh sách đảng viên dự bị.",
            "Điều 3. {{ branch }} và đồng chí {{ name }} thi hành Quyết định này.",
        ],
        signing="T/M BAN THƯỜNG VỤ",
        recipients=["{{ branch }}", "đồng chí {{ name }}"],
    ),
}


def checklist() -> DocumentObject:
    """The dossier's checklist: one row per document, repeated by docxtpl."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    line(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    line(doc, "{{ issuer_upper }}", bold=True)
    line(doc, "DANH MỤC HỒ SƠ", bold=True, size=14)
    line(doc, "của {{ name }}, sinh ngày {{ birth_date }}, {{ branch }}")
    line(doc, "Tính đến {{ long_date }}", italic=True)
    table = doc.add_table(rows=3, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Mẫu", "Tài liệu", "Ngày", "Tình trạng"],
                          strict=True):  # fmt: skip
        cell.text = text
    # docxtpl's row loop: the row with {%tr %} tags is removed, the middle row repeated.
    table.rows[1].cells[0].text = "{%tr for row in rows %}"
    values = ["{{ row.form }}", "{{ row.title }}", "{{ row.dated }}", "{{ row.status }}"]
    for cell, text in zip(table.rows[2].cells, values, strict=True):
        cell.text = text
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"
    line(doc, "Có: {{ present }}; thiếu: {{ missing }}; quá hạn: {{ stale }}.")
    return doc


def main() -> None:
    """Write every template into the package's templates folder."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    for name, doc in {**FORMS, "checklist.docx": checklist()}.items():
        doc.save(str(TEMPLATES / name))
        print(TEMPLATES / name)  # noqa: T201 - a tool's report of what it wrote


if __name__ == "__main__":
    main()
