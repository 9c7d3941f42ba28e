"""Dossier rules (hồ sơ): the documents, their age and time in the source pool. §5, B-06, D-01."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from ketnap.dates import completed_months
from ketnap.messages import Message
from ketnap.model import Dossier, Step, UnionKind
from ketnap.policy import Policy
from ketnap.rules._base import Context, Family, Values, Window, active_sponsors, rule
from ketnap.terms import document_expiry, months_text, pool_time_reached_on

__all__ = [
    "admission_documents",
    "documents_fresh",
    "pool_time",
    "recognition_documents",
    "refresh_dates",
    "required_admission_forms",
    "sponsor_letters",
]


def required_admission_forms(dossier: Dossier, policy: Policy) -> frozenset[str]:
    """
    The forms the branch needs, with the union's resolution when a union introduces.

    The Youth Union's resolution is ``union_form`` (4-KNĐ), the trade union's
    ``trade_union_form`` (4A-KNĐ). When the sponsors' letters are recorded on the sponsors
    (`ketnap.Sponsor.letter_dated`), ``dossier.sponsor_letters`` checks them instead of
    the one ``sponsor_letter_form`` document.
    """
    forms = set(policy.admission_forms)
    introduction = dossier.union_introduction
    if introduction is not None:
        trade = introduction.kind is UnionKind.TRADE_UNION
        forms.add(policy.trade_union_form if trade else policy.union_form)
    if _letters_on_sponsors(dossier):
        forms.discard(policy.sponsor_letter_form)
    return frozenset(forms)


def _letters_on_sponsors(dossier: Dossier) -> bool:
    return any(sponsor.letter_dated is not None for sponsor in dossier.sponsors)


def refresh_dates(dossier: Dossier, policy: Policy) -> list[tuple[str, pendulum.Date]]:
    """The dated documents that go stale (D-01), sponsors' own letters included."""
    documents = dossier.documents
    found = [(form, documents[form].dated) for form in policy.refresh_forms if form in documents]
    if policy.sponsor_letter_form in policy.refresh_forms:
        found += [
            (policy.sponsor_letter_form, sponsor.letter_dated)
            for sponsor in dossier.sponsors
            if sponsor.letter_dated is not None
        ]
    return found


def _missing(dossier: Dossier, forms: frozenset[str], context: Context) -> Values | None:
    missing = sorted(
        form
        for form in forms
        if form not in dossier.documents or dossier.documents[form].dated > context.on
    )
    return {"forms": ", ".join(missing)} if missing else None


@rule(
    id="dossier.admission_documents",
    family=Family.DOSSIER,
    ref="§5",
    clause="HD 01-HD/TW §3.6a",
    message=Message(vi="Hồ sơ kết nạp còn thiếu: {forms}", en="Admission dossier lacks: {forms}"),
    steps={Step.PROPOSE_ADMISSION},
)
def admission_documents(context: Context) -> Values | None:
    """The branch has every admission document, dated on or before the meeting."""
    dossier = context.dossier
    return _missing(dossier, required_admission_forms(dossier, context.policy), context)


_FRESH_LABEL = Message(vi="Hồ sơ chưa quá {term}", en="Dossier not older than {term}")


def _fresh_window(context: Context) -> Iterator[Window]:
    policy = context.policy
    dated = [day for _form, day in refresh_dates(context.dossier, policy)]
    if dated:
        yield Window(
            label=_FRESH_LABEL.bind(term=months_text(policy.dossier_validity_months)),
            holds_until=document_expiry(min(dated), policy),
        )


@rule(
    id="dossier.fresh",
    family=Family.DOSSIER,
    ref="D-01",
    clause="HD 01-HD/TW (hồ sơ quá 12 tháng phải làm lại)",
    message=Message(
        vi="Quá {months} tháng kể từ khi lập, phải làm lại: {forms}",
        en="Older than {months} months, to be redone: {forms}",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_fresh_window,
)
def documents_fresh(context: Context) -> Values | None:
    """No document that goes stale is older than the policy's term (12 months) at the meeting."""
    policy = context.policy
    months = policy.dossier_validity_months
    stale = sorted(
        {
            form
            for form, day in refresh_dates(context.dossier, policy)
            if document_expiry(day, policy) < context.on
        }
    )
    return {"months": months, "forms": ", ".join(stale)} if stale else None


_POOL_LABEL = Message(vi="Ở danh sách cảm tình Đảng đủ {term}", en="{term} on the sympathiser list")


def _pool_window(context: Context) -> Iterator[Window]:
    months = context.policy.min_pool_months
    yield Window(
        label=_POOL_LABEL.bind(term=months_text(months)),
        holds_from=pool_time_reached_on(context.dossier.entered_pool_on, context.policy),
    )


@rule(
    id="dossier.pool_time",
    family=Family.DOSSIER,
    ref="B-06",
    clause="Quy định của cấp ủy địa phương (không có mức tối thiểu chung)",
    message=Message(
        vi="Mới ở trong danh sách cảm tình Đảng {found} tháng, cần {required}",
        en="On the sympathiser list for {found} months, {required} required",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_pool_window,
)
def pool_time(context: Context) -> Values | None:
    """The candidate was on the sympathiser list long enough (a local minimum, 0 by default)."""
    required = context.policy.min_pool_months
    found = completed_months(context.dossier.entered_pool_on, context.on)
    return None if found >= required else {"found": found, "required": required}


@rule(
    id="dossier.recognition_documents",
    family=Family.DOSSIER,
    ref="I-03",
    clause="HD 01-HD/TW 2021 §4",
    message=Message(
        vi="Hồ sơ công nhận đảng viên chính thức còn thiếu: {forms}",
        en="Recognition dossier lacks: {forms}",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def recognition_documents(context: Context) -> Values | None:
    """The recognition dossier has the self-review, the helper's comments and the summary."""
    return _missing(context.dossier, context.policy.recognition_forms, context)


@rule(
    id="dossier.sponsor_letters",
    family=Family.DOSSIER,
    ref="§5, C-01",
    clause="Điều lệ Đảng Điều 4.1; HD 01-HD/TW §3.6a",
    message=Message(
        vi="Chưa có thư giới thiệu ({form}) của: {names}",
        en="No introduction letter ({form}) from: {names}",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def sponsor_letters(context: Context) -> Values | None:
    """
    Each sponsor has written their own introduction letter, dated by the meeting.

    Applies when letters are recorded on the sponsors (`ketnap.Sponsor.letter_dated`):
    two sponsors mean two letters, which one document per form cannot hold. Without
    them, the one ``sponsor_letter_form`` document stands for the letters.
    """
    dossier = context.dossier
    if not _letters_on_sponsors(dossier):
        return None
    missing = [
        sponsor.name
        for sponsor in active_sponsors(dossier)
        if sponsor.letter_dated is None or sponsor.letter_dated > context.on
    ]
    if not missing:
        return None
    return {"form": context.policy.sponsor_letter_form, "names": ", ".join(missing)}
