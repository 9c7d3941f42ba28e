"""A form template prepared once writes what docxtpl writes whole (issue 28, item 2)."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from ketnap import Dossier, InvalidInput
from ketnap.forms import FORMS, TEMPLATES, Signature, write_form
from ketnap.forms._compiled import compiled
from tests.conftest import MEETING
from tests.test_forms import LAW, SIGNER, TREE, member, refused_member, text_of


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def whole(code: str, dossier: Dossier, path: Path, signature: Signature = SIGNER) -> Path:
    """The form written by docxtpl alone, every part opened and compiled again."""
    from ketnap.forms import _describe, _filled, _write_whole, find_form  # noqa: PLC0415

    form = find_form(code)
    filled = _filled(code, dossier, tree=TREE, signature=signature, on=MEETING, law=LAW)
    _write_whole(
        TEMPLATES / form.template, filled, path, lambda found: _describe(found, form, filled)
    )
    return path


def fill(dossier: Dossier, path: Path, templates: Path) -> Path:
    """The admission decision of *dossier*, from the templates of *templates*, at *path*."""
    return write_form("9-KNĐ", dossier, path, tree=TREE, signature=SIGNER, law=LAW,
                      templates=templates)  # fmt: skip


@pytest.fixture(scope="module")
def dossiers() -> dict[str, Dossier]:
    return {"member": member(), "refused": refused_member()}


@pytest.mark.parametrize("code", sorted(FORMS))
@pytest.mark.parametrize(
    "signature",
    [SIGNER, Signature(place="Yên Lạc", signer="Trần Văn Bình\tPhó\nBí thư")],
    ids=["plain", "tab-and-line-break"],
)
def test_a_prepared_template_writes_every_part_docxtpl_writes(
    dossiers: dict[str, Dossier], tmp_path: Path, code: str, signature: Signature
) -> None:
    dossier = dossiers["refused" if FORMS[code].tag == "recognition_refusal" else "member"]
    assert compiled(TEMPLATES / FORMS[code].template) is not None
    ours = write_form(code, dossier, tmp_path / "ours.docx", tree=TREE, signature=signature,
                      on=MEETING, law=LAW)  # fmt: skip
    theirs = whole(code, dossier, tmp_path / "theirs.docx", signature)
    assert list(parts(ours)) == list(parts(theirs))
    assert parts(ours) == parts(theirs)


def test_a_template_with_a_placeholder_in_its_header_is_filled_whole(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    document = docx.Document(str(TEMPLATES / "9-KND.docx"))
    document.sections[0].header.paragraphs[0].text = "Hồ sơ của {{ name }}"
    document.save(str(own / "9-KND.docx"))
    assert compiled(own / "9-KND.docx") is None
    path = fill(dossiers["member"], tmp_path / "9.docx", own)
    header = docx.Document(str(path)).sections[0].header.paragraphs[0].text
    assert header == f"Hồ sơ của {dossiers['member'].candidate.name}"


def test_an_edited_template_is_read_again(dossiers: dict[str, Dossier], tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    template = own / "9-KND.docx"
    shutil.copy(TEMPLATES / "9-KND.docx", template)
    first = fill(dossiers["member"], tmp_path / "a.docx", own)
    assert "Ghi chú của văn phòng" not in text_of(first)
    document = docx.Document(str(template))
    document.add_paragraph("Ghi chú của văn phòng")
    document.save(str(template))
    later = template.stat().st_mtime_ns + 1_000_000_000  # a coarse clock must not hide it
    os.utime(template, ns=(later, later))
    second = fill(dossiers["member"], tmp_path / "b.docx", own)
    assert "Ghi chú của văn phòng" in text_of(second)


def test_a_folder_without_the_form_template_is_one_error_naming_it(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match=r"templates.*holds no 9-KND\.docx"):
        fill(dossiers["member"], tmp_path / "9.docx", tmp_path)
    assert not (tmp_path / "9.docx").exists()


def test_a_template_copied_over_with_its_times_kept_is_read_again(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    """cp -p, rsync -a, unzip: the same size and modification time, another file."""
    own = tmp_path / "templates"
    own.mkdir()
    versions = []
    for word in ("AAAA", "DDDD"):  # the same length: the same size of file
        document = docx.Document(str(TEMPLATES / "9-KND.docx"))
        document.add_paragraph(f"Ghi chú {word}")
        saved = tmp_path / f"{word}.docx"
        document.save(str(saved))
        versions.append(saved)
    template = own / "9-KND.docx"
    shutil.copy(versions[0], template)
    first = fill(dossiers["member"], tmp_path / "a.docx", own)
    assert "Ghi chú AAAA" in text_of(first)
    before = template.stat()
    replacement = own / "incoming.docx"
    shutil.copy(versions[1], replacement)
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    replacement.replace(template)
    assert (template.stat().st_size, template.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    second = fill(dossiers["member"], tmp_path / "b.docx", own)
    assert "Ghi chú DDDD" in text_of(second)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04truncated"],
    ids=["empty", "text", "truncated-zip"],
)
def test_a_template_that_is_not_a_word_document_is_one_error_naming_it(
    dossiers: dict[str, Dossier], tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "9-KND.docx").write_bytes(content)
    with pytest.raises(InvalidInput, match=r"templates.*9-KND\.docx is not a Word document"):
        fill(dossiers["member"], tmp_path / "9.docx", tmp_path)


def test_a_zip_without_the_parts_of_a_document_is_one_error_naming_it(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    with zipfile.ZipFile(tmp_path / "9-KND.docx", "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InvalidInput, match=r"9-KND\.docx is not a Word document"):
        fill(dossiers["member"], tmp_path / "9.docx", tmp_path)


def test_a_placeholder_jinja2_cannot_read_is_one_error(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    document = docx.Document(str(TEMPLATES / "9-KND.docx"))
    document.add_paragraph("{{ name ")
    document.add_paragraph("}} và {% if %}")
    document.save(str(tmp_path / "9-KND.docx"))
    with pytest.raises(InvalidInput, match="a placeholder jinja2 cannot read"):
        fill(dossiers["member"], tmp_path / "9.docx", tmp_path)


def test_a_template_without_properties_is_filled_whole(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    """python-docx would date the properties it makes when the template was prepared."""
    with (
        zipfile.ZipFile(TEMPLATES / "9-KND.docx") as source,
        zipfile.ZipFile(tmp_path / "9-KND.docx", "w", zipfile.ZIP_DEFLATED) as bare,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename in {"_rels/.rels", "[Content_Types].xml"}:
                # Neither the relationship nor the content type of the part left out.
                content = re.sub(rb"<[^<>]*docProps/core\.xml[^<>]*/>", b"", content)
            bare.writestr(info, content)
    assert compiled(tmp_path / "9-KND.docx") is None
    path = fill(dossiers["member"], tmp_path / "9.docx", tmp_path)
    assert docx.Document(str(path)).core_properties.author == "Huyện ủy Yên Lạc"
