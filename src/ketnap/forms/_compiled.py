"""
A form template prepared once per process, then filled per form.

docxtpl, for every form, opens the .docx and parses each of its parts, cleans the body's
XML for jinja2, compiles it (and the header, footer and property texts) and serialises
every part again; on the shipped templates that is three quarters of a form's time. None
of it depends on the form's facts, so it is done here once per template file (keyed by
its path, size and modification time, so an edited deployment template is read again).
What is left per form is what depends on the facts, done by docxtpl's own steps in
docxtpl's order: the body rendered, its tables and drawing ids fixed, put in the
document, the properties set, and the package written. A file is known by its path,
size, times and inode, so a template copied over another is prepared again.

A template whose headers, footers, footnotes or properties hold a placeholder ("{"), or
that has no properties part (python-docx would make one dated when it was prepared), is
not prepared (`compiled` returns None) and is filled by docxtpl whole, as before.
`tests/test_forms.py` checks that both ways write the same parts for every shipped form.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import attrs
import jinja2
import jinja2.nodes
from docx.opc.constants import CONTENT_TYPE
from docx.opc.coreprops import CoreProperties
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from ketnap.errors import InvalidInput

__all__ = ["Compiled", "compiled"]

# Where docxtpl numbers drawings from in each render (`DocxTemplate.render_init`).
_FIRST_DRAWING_ID = 1000
# The texts docxtpl renders as templates besides the body (`render_properties`).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class _CompiledOnce(jinja2.Environment):
    """An environment that compiles each source once: docxtpl asks on every form."""

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._templates: dict[str, jinja2.Template] = {}

    def from_string(
        self,
        source: str | jinja2.nodes.Template,
        globals: MutableMapping[str, Any] | None = None,  # noqa: A002 - jinja2's name
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        found = self._templates.get(source)
        if found is None:
            found = self._templates[source] = super().from_string(source)
        return found


@attrs.frozen
class Compiled:
    """
    One template, prepared: what no form changes, kept as docxtpl would produce it.

    Attributes:
        path: the template file (docxtpl's body steps are called on it, never opened).
        body: the body's XML cleaned for jinja2 (`DocxTemplate.patch_xml`).
        document: the document part as python-docx writes it, its body replaced per form.
        core: the properties part as the template holds it.
        properties: its texts as docxtpl renders them (`render_properties`), set per form.
        parts: every part of the package in python-docx's order, with its bytes.
        document_name, core_name: the names of the two parts written per form.
    """

    path: Path
    body: str
    document: bytes
    core: bytes
    properties: tuple[tuple[str, str], ...]
    parts: tuple[tuple[str, bytes], ...]
    document_name: str
    core_name: str
    jinja: _CompiledOnce = attrs.field(factory=_CompiledOnce, eq=False, repr=False)

    def write(
        self,
        values: Mapping[str, object],
        path: Path,
        describe: Callable[[CoreProperties], None],
    ) -> None:
        """
        Fill the template with *values*, let *describe* set the properties, write *path*.

        Raises:
            jinja2.UndefinedError: the template uses a fact *values* does not hold.
        """
        steps = DocxTemplate(str(self.path))  # the object only: the file is not opened
        steps.docx_ids_index = _FIRST_DRAWING_ID
        xml = steps.render_xml_part(self.body, None, values, self.jinja)
        tree = steps.fix_tables(xml)
        steps.fix_docpr_ids(tree)
        root = parse_xml(self.document)
        root.replace(root.body, tree)
        core = parse_xml(self.core)
        properties = CoreProperties(core)
        for name, text in self.properties:
            setattr(properties, name, text)
        describe(properties)
        written = {
            self.document_name: serialize_part_xml(root),
            self.core_name: serialize_part_xml(core),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, blob in self.parts:
                package.writestr(name, written.get(name, blob))


def compiled(path: Path) -> Compiled | None:
    """
    The template at *path*, prepared (None: docxtpl fills it whole, see the module).

    Raises:
        InvalidInput: the file is not a Word document (.docx) python-docx can open.
    """
    stat = path.stat()
    # A file copied over with its times kept (cp -p, rsync -a, unzip) has the same size and
    # modification time; its inode and change time are new.
    key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
    try:
        return _compile(path.resolve(), key)
    # lxml's XMLSyntaxError is a SyntaxError: a part that is not XML.
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, SyntaxError) as exc:
        # The folder is the deployment's: name the file, not the innards of python-docx.
        reason = f"{path.name} is not a Word document ketnap can fill ({type(exc).__name__})"
        raise InvalidInput("templates", reason) from None


# Two folders of seven forms fit; each prepared template keeps its package (about 1.6 MB
# for the shipped ones), so the cache is kept small.
@functools.lru_cache(maxsize=16)
def _compile(path: Path, _key: tuple[int, ...]) -> Compiled | None:
    template = DocxTemplate(str(path))
    template.init_docx()
    document = template.docx
    package = document.part.package
    kinds = {part.content_type for part in package.iter_parts()}
    if CONTENT_TYPE.OPC_CORE_PROPERTIES not in kinds:
        # python-docx would make the properties, dated when made: kept here, every form
        # would carry the day the template was prepared. docxtpl whole makes them per form.
        return None
    others = [
        part.blob
        for uri in (template.HEADER_URI, template.FOOTER_URI)
        for _key, part in template.get_headers_footers(uri)
    ]
    others += [
        part.blob
        for part in document.part.package.iter_parts()
        if part.content_type == CONTENT_TYPE.WML_FOOTNOTES
    ]
    texts = [getattr(document.core_properties, name) or "" for name in _PROPERTIES]
    if any(b"{" in blob for blob in others) or any("{" in text for text in texts):
        return None
    # Without placeholders these parts come out the same for every form: run docxtpl's
    # steps on them once, with no facts, and keep what python-docx then writes.
    once = _CompiledOnce()
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for key, xml in template.build_headers_footers_xml({}, uri, once):
            template.map_headers_footers_xml(key, xml)
    template.render_footnotes({}, once)
    properties = tuple(
        (name, once.from_string(text).render({}))
        for name, text in zip(_PROPERTIES, texts, strict=True)
    )
    body = template.patch_xml(template.get_xml())
    core_name = next(
        part.partname.membername
        for part in document.part.package.iter_parts()
        if part.content_type == CONTENT_TYPE.OPC_CORE_PROPERTIES
    )
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as package:
        parts = tuple((info.filename, package.read(info.filename)) for info in package.infolist())
    found = dict(parts)
    document_name = document.part.partname.membername
    return Compiled(
        path=path,
        body=body,
        document=found[document_name],
        core=found[core_name],
        properties=properties,
        parts=parts,
        document_name=document_name,
        core_name=core_name,
    )
