"""A form template prepared once writes what docxtpl writes whole (issue 28, item 2)."""

from __future__ import annotations

import os
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
    path = write_form("9-KNĐ", dossiers["member"], tmp_path / "9.docx", tree=TREE,
                      signature=SIGNER, law=LAW, templates=own)  # fmt: skip
    header = docx.Document(str(path)).sections[0].header.paragraphs[0].text
    assert header == f"Hồ sơ của {dossiers['member'].candidate.name}"


def test_an_edited_template_is_read_again(dossiers: dict[str, Dossier], tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    template = own / "9-KND.docx"
    shutil.copy(TEMPLATES / "9-KND.docx", template)
    first = write_form("9-KNĐ", dossiers["member"], tmp_path / "a.docx", tree=TREE,
                       signature=SIGNER, law=LAW, templates=own)  # fmt: skip
    assert "Ghi chú của văn phòng" not in text_of(first)
    document = docx.Document(str(template))
    document.add_paragraph("Ghi chú của văn phòng")
    document.save(str(template))
    later = template.stat().st_mtime_ns + 1_000_000_000  # a coarse clock must not hide it
    os.utime(template, ns=(later, later))
    second = write_form("9-KNĐ", dossiers["member"], tmp_path / "b.docx", tree=TREE,
                        signature=SIGNER, law=LAW, templates=own)  # fmt: skip
    assert "Ghi chú của văn phòng" in text_of(second)


def test_a_folder_without_the_form_template_is_one_error_naming_it(
    dossiers: dict[str, Dossier], tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match=r"templates.*holds no 9-KND\.docx"):
        write_form("9-KNĐ", dossiers["member"], tmp_path / "9.docx", tree=TREE,
                   signature=SIGNER, law=LAW, templates=tmp_path)  # fmt: skip
    assert not (tmp_path / "9.docx").exists()
