"""
Forms for N dossiers (the admission decision, 9-KNĐ), against a template compiled once.

- ketnap: `ketnap.forms.write_form` per dossier, with the law prepared beforehand: the
  facts read from the dossier, the tree and the office, every missing fact checked, the
  shipped template (prepared once per process, as the first form is written) filled by
  docxtpl's body steps, the file's properties set, and the .docx saved.
- floor: the same template compiled once before timing, then per form: the body
  rendered from a plain dict of the same facts (prepared beforehand) by one compiled
  jinja2 template, the document's and the properties' texts put together from parts
  prepared beforehand, and the .docx written with `zipfile` (deflated, as python-docx
  writes it).

Why this is the fastest fair floor: what no program can skip is rendering the body and
writing (compressing) the package, and the floor does only that; everything that does
not change from form to form (the template's XML cleaned for jinja2 as docxtpl cleans
it, the compiled template, the other parts of the package as python-docx writes them,
the properties' text) is prepared once, as the law is prepared once for ketnap's side.
Its values are escaped as the XML serialiser escapes text, so no parse and no second
serialisation is needed to write the same bytes.

Before timing, both sides write one form per dossier and every part of each package
(the document, the properties and the other parts, byte for byte) must be the same;
then the sides run interleaved, the best of --rounds kept.

    python benchmarks/forms.py              # 10,000 dossiers
    python benchmarks/forms.py --n 1000     # quicker

The last line is ``ratio_floor=R`` (with --json, then one JSON line).
"""

from __future__ import annotations

import argparse
import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import attrs
import docx
import jinja2
import pendulum
from _harness import Ratio, add_options, check_equal, emit, interleaved
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from ketnap import Dossier, Law, OrganizationTree, Step, Unit, Workflow
from ketnap.forms import TEMPLATES, Signature, find_form, form_fields, write_form
from ketnap.testing import clone, lifecycle, make_dossier

MEETING = pendulum.Date(2024, 3, 12)
TREE = OrganizationTree(
    [
        Unit(code="H", name="Đảng bộ huyện Yên Lạc", level="district"),
        Unit(code="X", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
        Unit(code="X.1", name="Chi bộ thôn Đông", level="branch", parent="X", members=20),
    ]
)
SIGNER = Signature(place="Yên Lạc", signer="Trần Văn Bình")
FORM = "9-KNĐ"
FLOOR = (
    "the template compiled once (jinja2 body, the package's other parts and properties"
    " prepared), per form one render and a zipfile write, from plain dicts of the facts"
)


def decided(n: int) -> list[Dossier]:
    workflow = Workflow()
    shape = make_dossier(meeting=MEETING, organization=TREE.organization("X.1"))
    for step, on, actor in lifecycle(shape, meeting=MEETING, workflow=workflow):
        workflow.advance(shape, step, on=on, actor=actor, reference=f"{step}-01")
        if step == Step.DECIDE_ADMISSION:
            break
    return [clone(shape, f"HS-{index:06d}") for index in range(n)]


# --- the floor: a template compiled once -----------------------------------------------------

_DOCUMENT, _CORE = "word/document.xml", "docProps/core.xml"
# Stand-ins for what changes per form in the properties, replaced by format fields.
_AUTHOR, _TITLE, _DAY = "@@author@@", "@@title@@", "1901-02-03"


def _escape(value: object) -> str:
    """A value as the XML serialiser writes text: &, < and > escaped, quotes kept."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@attrs.frozen
class Compiled:
    """One template, compiled: the body's jinja2 template and the package's fixed parts."""

    head: str
    body: jinja2.Template
    tail: str
    core: str
    title: str
    parts: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, path: Path, title: str) -> Compiled:
        """Compile *path* once: what docxtpl and python-docx do on every form, done here."""
        template = DocxTemplate(str(path))
        template.init_docx()
        # The body's XML cleaned for jinja2 as docxtpl cleans it, each paragraph on a line
        # of its own (jinja2's line-bound tags), the namespaces declared on the document.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(template.get_xml()))
        source = re.sub(r"^<w:body[^>]*>", "<w:body>", source)
        if any(mark in source for mark in ("{_{", "}_}", "{_%", "%_}")):
            raise SystemExit("the floor does not handle docxtpl's escaped braces")
        # Every value is escaped by `_escape`, as lxml escapes text (jinja2's own
        # escaping writes quotes as entities, which the serialiser would not).
        environment = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # noqa: S701 - every value is escaped by finalize
            finalize=_escape,
        )
        # The package as python-docx writes it, with the properties the forms set.
        document = docx.Document(str(path))
        properties = document.core_properties
        properties.author = properties.last_modified_by = _AUTHOR
        properties.title = _TITLE
        properties.comments = properties.subject = ""
        properties.identifier = properties.language = ""
        properties.created = properties.modified = pendulum.datetime(1901, 2, 3).naive()
        saved = io.BytesIO()
        document.save(saved)
        with zipfile.ZipFile(saved) as package:
            parts = tuple((i.filename, package.read(i.filename)) for i in package.infolist())
        whole = dict(parts)[_DOCUMENT].decode()
        core = dict(parts)[_CORE].decode().replace("{", "{{").replace("}", "}}")
        return cls(
            head=whole[: whole.index("<w:body")],
            body=environment.from_string(source),
            tail=whole[whole.index("</w:body>") + len("</w:body>") :],
            core=core.replace(_AUTHOR, "{author}").replace(_TITLE, "{title}")
            .replace(_DAY, "{day}"),
            title=_escape(title),
            parts=parts,
        )  # fmt: skip

    def write(self, values: dict[str, Any], path: Path) -> None:
        """Fill the template with *values* (the form's fields, its issuer and date)."""
        body = self.body.render(values).replace("\n<w:p", "<w:p")
        texts = {
            _DOCUMENT: (self.head + body + self.tail).encode(),
            _CORE: self.core.format(
                author=_escape(values["issuer"]), title=self.title, day=values["dated"]
            ).encode(),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, blob in self.parts:
                package.writestr(name, texts.get(name, blob))


def facts(dossier: Dossier, law: Law) -> dict[str, Any]:
    """The floor's input for one dossier: the form's fields, and the decision's day."""
    values = form_fields(FORM, dossier, tree=TREE, signature=SIGNER, law=law)
    if any(c in str(v) for v in values.values() for c in "\t\n\a\f"):
        raise SystemExit("the floor writes no tabs, line or page breaks in a value")
    decided = next(e.on for e in dossier.history if e.step == Step.DECIDE_ADMISSION)
    return {**values, "dated": decided.isoformat()}


def parts(path: Path) -> dict[str, bytes | str]:
    """A package's parts in order, the texts decoded (for a readable difference)."""
    with zipfile.ZipFile(path) as package:
        found: dict[str, bytes | str] = {}
        for name in package.namelist():
            blob = package.read(name)
            found[name] = blob.decode() if name.endswith((".xml", ".rels")) else blob
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description="Forms for many dossiers.")
    parser.add_argument("--n", type=int, default=10_000, help="dossiers (default 10,000)")
    add_options(parser)
    args = parser.parse_args()
    law = Law()
    dossiers = decided(args.n)
    values = [facts(d, law) for d in dossiers]
    compiled = Compiled.of(TEMPLATES / find_form(FORM).template, find_form(FORM).title.vi)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)

        def ours() -> None:
            for index, dossier in enumerate(dossiers):
                path = folder / f"ketnap-{index}.docx"
                write_form(FORM, dossier, path, tree=TREE, signature=SIGNER, law=law)

        def theirs() -> None:
            for index, facts_of in enumerate(values):
                compiled.write(facts_of, folder / f"floor-{index}.docx")

        ours()
        theirs()
        for index in range(args.n):
            check_equal(
                parts(folder / f"ketnap-{index}.docx"),
                parts(folder / f"floor-{index}.docx"),
                what=f"form {index}",
            )
        size = (folder / "ketnap-0.docx").stat().st_size
        best = interleaved({"ketnap": ours, "floor": theirs}, args.rounds)
    per = {side: t / args.n * 1e3 for side, t in best.items()}
    ratio = best["ketnap"] / best["floor"]
    print(f"{args.n:,} forms {FORM} ({size:,} B each), every part of every package equal")
    print(f"  best of {args.rounds}: ketnap {per['ketnap']:.2f} ms/form"
          f"   floor (compiled template, zipfile) {per['floor']:.2f} ms")  # fmt: skip
    emit(f"ratio_floor={ratio:.2f}", [Ratio("forms", FLOOR, ratio, args.n)], as_json=args.json)


if __name__ == "__main__":
    main()
