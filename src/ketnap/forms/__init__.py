"""
The papers an office signs (biểu mẫu), filled from a dossier as .docx files.

Each form records one act of the dossier: the branch's resolution proposing admission
(6-KNĐ), the base committee's (8-KNĐ), the admission decision (9-KNĐ), the branch's
resolution proposing recognition (13-KNĐ) and the recognition decision (16-KNĐ), numbered
as in HD 12-HD/BTCTW (2022); the committee's decision not to recognise, which removes the
name from the probationary list (``khong-cong-nhan``: HD 12 numbers no form for it, so it
is laid out as 16-KNĐ is, QĐ 29 §4.3.1); and the dossier's checklist (danh mục hồ sơ).
Each form finds its act by the tag of its step in the law's process (`Form.tag`), never by
a shipped step code, so a process that renames a step fills the same forms.
Its fields come from the act as recorded (date, document number, the vote), the dossier,
the organisation tree (the issuing body and the one above it: a body that resolves,
decides or proposes is named by its committee, `Unit.committee_name`, the one above by
its organisation) and what only the office knows: the place it writes from and who signs.
A form whose fields are missing is refused with every missing fact named (`FormRefused`),
never printed with blanks.

The templates are Word documents with placeholders (docxtpl), shipped with the package;
a deployment passes its own folder (``templates=``) holding files of the same names,
laid out as it writes, using the fields `form_fields` returns.

>>> sorted(FORMS)
['13-KNĐ', '16-KNĐ', '6-KNĐ', '8-KNĐ', '9-KNĐ', 'checklist', 'khong-cong-nhan']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from ketnap.errors import InvalidInput, KetnapError
from ketnap.law import Law
from ketnap.messages import Lang, Message, format_date, format_long_date, format_percent
from ketnap.model import Actor, Dossier, HistoryEntry, Vote, VotePurpose
from ketnap.organizations import OrganizationTree, Unit
from ketnap.rules.appraisal import appraisal_forms
from ketnap.rules.documents import refresh_dates, required_admission_forms
from ketnap.terms import document_expiry, dossier_probation_end, full_membership_date

if TYPE_CHECKING:
    from docx.opc.coreprops import CoreProperties

__all__ = [
    "FORMS",
    "TEMPLATES",
    "Form",
    "FormRefused",
    "Signature",
    "find_form",
    "form_fields",
    "write_form",
]

TEMPLATES: Final = Path(__file__).parent / "templates"
"""The folder of the shipped templates."""


@attrs.frozen
class Signature:
    """
    What only the office knows: where it writes from, and who signs.

    Attributes:
        place: the place in the date line ("Yên Lạc").
        signer: the name of the person who signs.
        signer_title: their title in the signature block ("BÍ THƯ", "PHÓ BÍ THƯ").
    """

    place: str = ""
    signer: str = ""
    signer_title: str = "BÍ THƯ"


@attrs.frozen
class Form:
    """
    A form: its code, title, template file and the act it records.

    Attributes:
        tag: the tag of the process's step whose act the form records (``"admission"``
            for 9-KNĐ); None for the checklist, which records no act.
    """

    code: str
    title: Message
    template: str
    tag: str | None


FORMS: Final[Mapping[str, Form]] = {
    form.code: form
    for form in (
        Form(
            "6-KNĐ",
            Message(vi="Nghị quyết chi bộ đề nghị kết nạp", en="Branch resolution on admission"),
            "6-KND.docx",
            "proposal",
        ),
        Form(
            "8-KNĐ",
            Message(
                vi="Nghị quyết đảng ủy cơ sở đề nghị kết nạp",
                en="Base committee resolution on admission",
            ),
            "8-KND.docx",
            "endorsement",
        ),
        Form(
            "9-KNĐ",
            Message(vi="Quyết định kết nạp đảng viên", en="Admission decision"),
            "9-KND.docx",
            "admission",
        ),
        Form(
            "13-KNĐ",
            Message(
                vi="Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức",
                en="Branch resolution on recognition",
            ),
            "13-KND.docx",
            "recognition_proposal",
        ),
        Form(
            "16-KNĐ",
            Message(vi="Quyết định công nhận đảng viên chính thức", en="Recognition decision"),
            "16-KND.docx",
            "recognition",
        ),
        Form(
            "khong-cong-nhan",
            Message(
                vi="Quyết định không công nhận đảng viên chính thức, xóa tên trong danh sách "
                "đảng viên dự bị",
                en="Decision refusing recognition (removal from the probationary list)",
            ),
            "khong-cong-nhan.docx",
            "recognition_refusal",
        ),
        Form(
            "checklist",
            Message(vi="Danh mục hồ sơ", en="Dossier checklist"),
            "checklist.docx",
            None,
        ),
    )
}
"""The forms ketnap fills, by code."""

# The papers of a dossier as the checklist names them (form codes of the local guides).
_TITLES: Final = {
    "1-KNĐ": "Đơn xin vào Đảng",
    "2-KNĐ": "Lý lịch của người xin vào Đảng",
    "3-KNĐ": "Giấy giới thiệu người vào Đảng",
    "4-KNĐ": "Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng",
    "4A-KNĐ": "Nghị quyết giới thiệu công đoàn viên vào Đảng",
    "5-KNĐ": "Tổng hợp ý kiến nhận xét của tổ chức đoàn thể và chi ủy nơi cư trú",
    "7-KNĐ": "Báo cáo thẩm định của đảng ủy bộ phận đối với nghị quyết đề nghị kết nạp",
    "10-KNĐ": "Bản tự kiểm điểm của đảng viên dự bị",
    "11-KNĐ": "Bản nhận xét của đảng viên được phân công giúp đỡ",
    "12-KNĐ": "Tổng hợp ý kiến nhận xét đảng viên dự bị",
    "14-KNĐ": "Báo cáo thẩm định của đảng ủy bộ phận đối với nghị quyết đề nghị công nhận "
    "đảng viên chính thức",
}


class FormRefused(KetnapError):
    """
    A form could not be filled: fields are missing. Nothing was written.

    Attributes:
        form: the form's code.
        missing: each missing fact, in both languages.
    """

    def __init__(self, form: str, missing: Sequence[Message]) -> None:
        self.form = form
        self.missing = tuple(missing)
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "vi") -> str:
        """The form and every missing fact, on one line."""
        fields = "; ".join(fact.render(lang) for fact in self.missing)
        return _REFUSED.render(lang, {"form": self.form, "fields": fields})


_REFUSED = Message(vi="Không lập được mẫu {form}, còn thiếu: {fields}",
                   en="Form {form} cannot be filled; missing: {fields}")  # fmt: skip
_NO_ACT = Message(
    vi="bước «{step}» chưa được ghi vào hồ sơ", en="the step '{step}' is not recorded"
)
_NO_NUMBER = Message(vi="số văn bản của «{step}»", en="the document number of '{step}'")
_NO_VOTE = Message(vi="biểu quyết của «{step}»", en="the vote of '{step}'")
_NO_TREE = Message(
    vi="cây tổ chức có chi bộ {code}", en="an organisation tree holding the branch {code}"
)
_NO_CODE = Message(
    vi="mã chi bộ của hồ sơ (trong cây tổ chức)", en="the dossier's branch code (in the tree)"
)
_NO_PLACE = Message(vi="địa danh ghi ở dòng ngày tháng", en="the place of the date line")
_NO_SIGNER = Message(vi="họ tên người ký", en="the signer's name")
_NOT_A_FORM = "unknown form; known: " + ", ".join(FORMS)


def find_form(code: str) -> Form:
    """
    Return the form *code* names, also written without the Đ (``9-KND``) or in any case.

    Raises:
        InvalidInput: no form has that code.
    """
    wanted = _plain_code(code)
    for form in FORMS.values():
        if _plain_code(form.code) == wanted:
            return form
    raise InvalidInput("form", _NOT_A_FORM)


def _plain_code(code: str) -> str:
    return code.replace("Đ", "D").replace("đ", "d").casefold()


class _Fields:
    """Collects a form's fields and every missing one."""

    def __init__(self, law: Law, dossier: Dossier) -> None:
        self.law = law
        self.dossier = dossier
        self.values: dict[str, Any] = {}
        self.missing: list[Message] = []
        self.issuer = ""
        """The body that issues the paper: the document's author."""
        self.dated: pendulum.Date | None = None
        """The paper's date: its act's, or the checklist's."""

    def label(self, tag: str) -> Message:
        """The name of the step with *tag*, as the process labels it (the tag if none)."""
        process = self.law.process
        steps = [s for s in process.step_codes if s in process.steps_tagged(tag)]
        return process.label(steps[0]) if len(steps) == 1 else Message(vi=tag, en=tag)

    def recorded(self, tag: str) -> HistoryEntry | None:
        """The latest act of the step with *tag*, if any."""
        return self.law.process.last_act(self.dossier, tag)

    def act(self, tag: str, *, numbered: bool = True) -> HistoryEntry | None:
        """The latest act of the step with *tag*; its absence or missing number is noted."""
        entry = self.recorded(tag)
        if entry is None:
            self.missing.append(_NO_ACT.bind(step=self.label(tag)))
        elif numbered and entry.reference is None:
            self.missing.append(_NO_NUMBER.bind(step=self.label(tag)))
        return entry

    def vote(self, tag: str, entry: HistoryEntry | None, body: Actor, purpose: VotePurpose) -> None:
        votes = [
            vote
            for vote in self.dossier.votes
            if vote.body is body and vote.purpose is purpose
            and (entry is None or vote.held_on <= entry.on)
        ]  # fmt: skip
        if not votes:
            self.missing.append(_NO_VOTE.bind(step=self.label(tag)))
            return
        vote: Vote = max(votes, key=lambda v: v.held_on)
        share = vote.in_favour / vote.members_counted if vote.members_counted else 0.0
        self.values |= {
            "counted": vote.members_counted,
            "in_favour": vote.in_favour,
            "percent": format_percent(share * 100, "vi"),
        }


def form_fields(
    code: str,
    dossier: Dossier,
    *,
    tree: OrganizationTree | None,
    signature: Signature,
    on: pendulum.Date | None = None,
    law: Law,
) -> dict[str, Any]:
    """
    Return the fields a form's template is filled with.

    Args:
        code: the form's code (`FORMS`).
        dossier: the dossier; the act the form records must be recorded on it.
        tree: the organisation tree, for the issuing body and the one above it.
        signature: the place and the signer.
        on: the checklist's date (what is stale is stale on that day); act forms are
            dated by their act.
        law: the process and the policy.

    Raises:
        FormRefused: fields are missing; every one is named.
        InvalidInput: *code* names no form, or the checklist has no date.
    """
    return _filled(code, dossier, tree=tree, signature=signature, on=on, law=law).values


def _filled(
    code: str,
    dossier: Dossier,
    *,
    tree: OrganizationTree | None,
    signature: Signature,
    on: pendulum.Date | None,
    law: Law,
) -> _Fields:
    """The form's fields, its issuer and its date (`form_fields`)."""
    form = find_form(code)
    fields = _Fields(law, dossier)
    candidate = dossier.candidate
    fields.values |= {
        "name": candidate.name,
        "birth_date": format_date(candidate.birth_date, "vi"),
        "education": candidate.education.message.vi,
        "branch": dossier.organization.name,
        "place": signature.place,
        "signer": signature.signer,
        "signer_title": signature.signer_title,
    }
    units = _units(fields, tree)
    if form.tag is None:
        if on is None:
            raise InvalidInput("on", "the checklist is dated: give the day it is made")
        _checklist(fields, units, on)
    else:
        _act_form(fields, form.tag, units)
        if not signature.place:
            fields.missing.append(_NO_PLACE)
        if not signature.signer:
            fields.missing.append(_NO_SIGNER)
    if fields.missing:
        raise FormRefused(form.code, fields.missing)
    return fields


@attrs.frozen
class _Units:
    branch: Unit
    base: Unit
    competent: Unit
    tree: OrganizationTree

    def above(self, unit: Unit) -> str:
        return "" if unit.parent is None else self.tree.unit(unit.parent).name.upper()


def _units(fields: _Fields, tree: OrganizationTree | None) -> _Units | None:
    code = fields.dossier.organization.code
    if code is None:
        fields.missing.append(_NO_CODE)
        return None
    if tree is None or code not in tree:
        fields.missing.append(_NO_TREE.bind(code=code))
        return None
    return _Units(tree.unit(code), tree.base_of(code), tree.competent_committee(code), tree)


def _act_form(fields: _Fields, tag: str, units: _Units | None) -> None:
    entry = fields.act(tag)
    if entry is not None:
        fields.dated = entry.on
        fields.values |= {
            "number": entry.reference or "",
            "long_date": format_long_date(entry.on),
            "long_act_date": format_long_date(entry.on),
            "regulation": entry.regulation,
        }
    _BUILDERS[tag](fields, entry, units)


def _issuer(fields: _Fields, units: _Units | None, which: str) -> None:
    if units is None:
        return
    unit = getattr(units, which)
    fields.issuer = unit.committee_name
    fields.values |= {
        "issuer": unit.committee_name,
        "issuer_upper": unit.committee_name.upper(),
        "superior": units.above(unit),
    }


def _next_body(fields: _Fields, units: _Units | None, *, from_branch: bool) -> None:
    if units is None:
        return
    under = fields.dossier.organization.under_base_committee
    fields.values["next_body"] = (
        units.base.committee_name if from_branch and under and units.base != units.competent
        else units.competent.committee_name
    )  # fmt: skip


def _proposal(fields: _Fields, branch_tag: str, endorse_tag: str) -> None:
    """The act the decision answers: the base committee's endorsement, else the branch's."""
    endorsed = fields.recorded(endorse_tag) is not None
    entry = fields.act(endorse_tag if endorsed else branch_tag)
    if entry is None:
        return
    fields.values |= {
        "proposal_number": entry.reference or "",
        "proposal_long_date": format_long_date(entry.on),
    }


def _proposer(fields: _Fields, units: _Units | None, endorse_tag: str) -> None:
    if units is None:
        return
    endorsed = fields.recorded(endorse_tag) is not None
    fields.values["proposer"] = (units.base if endorsed else units.branch).committee_name


def _propose_admission(fields: _Fields, entry: HistoryEntry | None, units: _Units | None) -> None:
    _issuer(fields, units, "branch")
    _next_body(fields, units, from_branch=True)
    fields.vote("proposal", entry, Actor.BRANCH, VotePurpose.ADMISSION)


def _endorse(fields: _Fields, entry: HistoryEntry | None, units: _Units | None) -> None:
    _issuer(fields, units, "base")
    _next_body(fields, units, from_branch=False)
    proposal = fields.act("proposal")
    if proposal is not None:
        fields.values |= {
            "proposal_number": proposal.reference or "",
            "proposal_long_date": format_long_date(proposal.on),
        }
    fields.vote("endorsement", entry, Actor.BASE_COMMITTEE, VotePurpose.ADMISSION)


def _decide_admission(fields: _Fields, entry: HistoryEntry | None, units: _Units | None) -> None:
    _issuer(fields, units, "competent")
    _proposal(fields, "proposal", "endorsement")
    _proposer(fields, units, "endorsement")
    if entry is not None:
        fields.values["probation_months"] = fields.law.policy_for(entry.on).probation_months


def _propose_recognition(fields: _Fields, entry: HistoryEntry | None, units: _Units | None) -> None:
    _issuer(fields, units, "branch")
    _next_body(fields, units, from_branch=True)
    decision = fields.act("admission")
    ceremony = fields.act("ceremony", numbered=False)
    if decision is not None:
        fields.values |= {
            "decision_number": decision.reference or "",
            "decision_long_date": format_long_date(decision.on),
        }
    if ceremony is not None:
        # Probation is counted by the policy in force at the ceremony.
        policy = fields.law.policy_for(ceremony.on)
        end = dossier_probation_end(fields.dossier, policy, process=fields.law.process)
        fields.values |= {
            "ceremony_date": format_date(ceremony.on, "vi"),
            "probation_end": "" if end is None else format_date(end, "vi"),
        }
    fields.vote("recognition_proposal", entry, Actor.BRANCH, VotePurpose.RECOGNITION)


def _recognize(fields: _Fields, _entry: HistoryEntry | None, units: _Units | None) -> None:
    _issuer(fields, units, "competent")
    _proposal(fields, "recognition_proposal", "recognition_endorsement")
    _proposer(fields, units, "recognition_endorsement")
    ceremony = fields.act("ceremony", numbered=False)
    if ceremony is not None:
        policy = fields.law.policy_for(ceremony.on)
        official = full_membership_date(fields.dossier, policy, process=fields.law.process)
        fields.values["full_membership_date"] = (
            "" if official is None else format_date(official, "vi")
        )


def _refuse_recognition(fields: _Fields, _entry: HistoryEntry | None, units: _Units | None) -> None:
    """The decision not to recognise answers the same proposal a recognition would."""
    _issuer(fields, units, "competent")
    _proposal(fields, "recognition_proposal", "recognition_endorsement")
    _proposer(fields, units, "recognition_endorsement")
    decision = fields.act("admission")
    if decision is not None:
        fields.values |= {
            "decision_number": decision.reference or "",
            "decision_long_date": format_long_date(decision.on),
        }


# Each act form's fields, by the tag of the step whose act it records.
_BUILDERS: Final[dict[str, Callable[[_Fields, HistoryEntry | None, _Units | None], None]]] = {
    "proposal": _propose_admission,
    "endorsement": _endorse,
    "admission": _decide_admission,
    "recognition_proposal": _propose_recognition,
    "recognition": _recognize,
    "recognition_refusal": _refuse_recognition,
}

_PRESENT, _MISSING, _STALE = "có", "thiếu", "quá hạn"


def _checklist(fields: _Fields, units: _Units | None, on: pendulum.Date) -> None:
    dossier, process = fields.dossier, fields.law.process
    policy = fields.law.policy_for(on)
    forms = set(required_admission_forms(dossier, policy))
    if process.ceremony_date(dossier) is not None:
        forms |= set(policy.recognition_forms)
    # Under a partial committee, its reports on the branch's resolutions (F-05a).
    forms |= appraisal_forms(dossier, policy, process=process)
    stale = {
        form
        for form, dated in refresh_dates(dossier, policy)
        if process.admission_date(dossier) is None and document_expiry(dated, policy) < on
    }
    rows = []
    for form in sorted(forms, key=_form_order):
        document = dossier.documents.get(form)
        if document is None or document.dated > on:
            status, dated = _MISSING, ""
        else:
            status = _STALE if form in stale else _PRESENT
            dated = format_date(document.dated, "vi")
        rows.append({"form": form, "title": _TITLES.get(form, form), "dated": dated,
                     "status": status})  # fmt: skip
    counts = {s: sum(row["status"] == s for row in rows) for s in (_PRESENT, _MISSING, _STALE)}
    fields.values |= {
        "rows": rows,
        "present": counts[_PRESENT],
        "missing": counts[_MISSING],
        "stale": counts[_STALE],
        "long_date": format_long_date(on),
    }
    fields.dated = on
    if units is not None:
        fields.issuer = units.branch.committee_name
        fields.values["issuer_upper"] = units.branch.name.upper()


def _form_order(form: str) -> tuple[int, str]:
    number = form.split("-", 1)[0].rstrip("AB")
    return (int(number) if number.isdigit() else 999, form)


def write_form(
    code: str,
    dossier: Dossier,
    path: Path,
    *,
    tree: OrganizationTree | None,
    signature: Signature,
    on: pendulum.Date | None = None,
    law: Law,
    templates: Path | None = None,
) -> Path:
    """
    Fill form *code* from *dossier* and write it to *path* (.docx); return *path*.

    *templates* is a folder holding the deployment's own template files (same names as
    the shipped ones, `Form.template`); a template that uses a fact ketnap does not give
    is refused rather than printed with a blank.

    The file's properties name the issuing body as its author and last editor (the
    committee that resolves or decides; the branch, for the checklist), the form's
    title as its title, and the paper's date (its act's, or the checklist's) as the
    day it was created and modified; the template's own comment is cleared.

    Raises:
        FormRefused: fields are missing; every one is named, nothing is written.
        InvalidInput: *code* names no form; the templates folder holds no file for it,
            or one that is not a Word document; or the template uses an unknown fact or
            a placeholder jinja2 cannot read.
    """
    import jinja2  # noqa: PLC0415 - only users of forms pay for importing docxtpl

    from ketnap.forms._compiled import compiled  # noqa: PLC0415 - imports docxtpl

    filled = _filled(code, dossier, tree=tree, signature=signature, on=on, law=law)
    form = find_form(code)
    source = (templates or TEMPLATES) / form.template
    if not source.is_file():
        raise InvalidInput("templates", f"holds no {form.template} for form {form.code}")
    prepared = compiled(source)
    try:
        # Escaped: a name holding "&" or "<" must not break the document's XML.
        if prepared is not None:
            prepared.write(filled.values, path, lambda found: _describe(found, form, filled))
        else:
            _write_whole(source, filled, path, lambda found: _describe(found, form, filled))
    except jinja2.UndefinedError as exc:
        raise InvalidInput("template", f"uses a fact ketnap does not give ({exc})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(
            "template", f"{form.template}: a placeholder jinja2 cannot read ({exc.message})"
        ) from None
    return path


def _write_whole(
    source: Path, filled: _Fields, path: Path, describe: Callable[[CoreProperties], None]
) -> None:
    """Fill *source* by docxtpl alone (placeholders outside its body: see `_compiled`)."""
    import jinja2  # noqa: PLC0415
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]  # noqa: PLC0415

    template = DocxTemplate(str(source))
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    template.render(filled.values, jinja_env=environment, autoescape=True)
    describe(template.docx.core_properties)
    template.save(str(path))


def _describe(properties: CoreProperties, form: Form, filled: _Fields) -> None:
    """Set the file's properties: the issuing body, the title, the paper's date."""
    properties.author = filled.issuer
    properties.last_modified_by = filled.issuer
    properties.title = form.title.vi
    properties.comments = ""
    if filled.dated is not None:
        day = dt.datetime(filled.dated.year, filled.dated.month, filled.dated.day)  # noqa: DTZ001
        properties.created = day
        properties.modified = day
