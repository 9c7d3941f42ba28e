"""Certificate rules: the awareness course (B-03, B-04) and the new-member course (I-03, I-04)."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from ketnap.messages import Message
from ketnap.model import CertificateKind, Step
from ketnap.rules._base import Context, Family, Values, Window, rule
from ketnap.terms import certificate_expiry, months_text

__all__ = ["awareness_certificate", "awareness_certificate_valid", "new_member_certificate"]

_AWARENESS_CLAUSE = "HD 01-HD/TW 2021 §3; HD 06-HD/TW 2025 §5.4"


@rule(
    id="certificate.awareness",
    family=Family.CERTIFICATE,
    ref="B-03",
    clause=_AWARENESS_CLAUSE,
    message=Message(
        vi="Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng{issuer}",
        en="No Party-awareness course certificate{issuer}",
    ),
    steps={Step.COMPLETE_TRAINING},
)
def awareness_certificate(context: Context) -> Values | None:
    """The candidate holds the awareness-course certificate, from an accepted issuer."""
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, context.on)
    if certificate is None:
        return {"issuer": ""}
    accepted = context.policy.certificate_issuers
    if accepted and certificate.issuer not in accepted:
        return {
            "issuer": Message(
                vi=" do cơ quan có thẩm quyền cấp («{name}» không thuộc số đó)",
                en=" from an accepted issuer ('{name}' is not one)",
            ).bind(name=certificate.issuer)
        }
    return None


# Every certificate the dossier will ever hold: the window is the latest one's validity.
_ANY_DAY = pendulum.Date(9999, 12, 31)


_VALID_LABEL = Message(
    vi="Giấy chứng nhận bồi dưỡng nhận thức về Đảng còn giá trị ({term})",
    en="Awareness-course certificate valid ({term})",
)


def _valid_window(context: Context) -> Iterator[Window]:
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, _ANY_DAY)
    if certificate is not None:
        policy = context.policy
        yield Window(
            label=_VALID_LABEL.bind(term=months_text(policy.certificate_validity_months)),
            holds_from=certificate.issued_on,
            holds_until=certificate_expiry(certificate.issued_on, policy),
        )


@rule(
    id="certificate.awareness_valid",
    family=Family.CERTIFICATE,
    ref="B-04",
    clause=_AWARENESS_CLAUSE,
    message=Message(
        vi="Khi chi bộ xét, giấy chứng nhận bồi dưỡng nhận thức về Đảng {state}",
        en="When the branch considers, the awareness-course certificate {state}",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_valid_window,
)
def awareness_certificate_valid(context: Context) -> Values | None:
    """The certificate is still valid (60 months by default, last day included) at the meeting."""
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, context.on)
    if certificate is None:
        return {"state": Message(vi="không có", en="is missing")}
    expires = certificate_expiry(certificate.issued_on, context.policy)
    if context.on <= expires:
        return None
    return {
        "state": Message(
            vi="cấp ngày {issued} đã hết hạn ngày {expired_on}; phải học lại",
            en="issued {issued} expired on {expired_on}; retake the course",
        ).bind(issued=certificate.issued_on, expired_on=expires),
        "expired_on": expires,
    }


@rule(
    id="certificate.new_member_course",
    family=Family.CERTIFICATE,
    ref="I-03, I-04",
    clause="HD 01-HD/TW 2021 §4.1",
    message=Message(
        vi="Chưa có giấy chứng nhận học lớp lý luận chính trị dành cho đảng viên mới",
        en="No certificate of the new-member political course",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def new_member_certificate(context: Context) -> Values | None:
    """A probationary member has the new-member course certificate before recognition."""
    kind = CertificateKind.NEW_MEMBER_COURSE
    return None if context.dossier.latest_certificate(kind, context.on) else {}
